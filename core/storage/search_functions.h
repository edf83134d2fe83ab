// search_functions.h — the knowledge base's own FTS5 functions, and how
// much a text weighs for a word of a search, in one place for the search's
// two ways of ranking (core/domain/knowledge_search.h): the weights kept
// per word when a text is indexed, and the SQL functions search_weight()
// and search_best() that compute them for the rows a query matches.
//
// The weight is BM25's (k1 = 1.2, b = 0.75) without the word's rarity
// (idf), which the search multiplies in at query time. Its length
// normalisation uses a fixed pivot, kPivotWords, rather than the average
// length of the indexed texts: a text's weight for a word then never
// changes after the text is written, which is what lets the best texts of
// each word be kept instead of computed per query.
//
// Thread-safety: TermWeight is a pure function. RegisterSearchFunctions
// registers on one connection.
#ifndef SMARTERCITIES_CORE_STORAGE_SEARCH_FUNCTIONS_H_
#define SMARTERCITIES_CORE_STORAGE_SEARCH_FUNCTIONS_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/base/status.h"

struct sqlite3;
struct fts5_api;

namespace smartercities::storage {

// The text length (in words) at which BM25's length normalisation is
// neutral: about three pages.
inline constexpr double kPivotWords = 1000;

// The weight of a word that occurs count times (each occurrence counted
// with its column's weight) in a text of length words.
double TermWeight(double count, double length);

// The FTS5 auxiliary function search_weight(table, generation, w_1, ...,
// w_C, idf_1, ..., idf_P): the index's generation (see below), one weight
// per column of the table (as bm25() takes them), then one factor per
// phrase of the MATCH expression; answers
// sum_p idf_p * TermWeight(count_p, length) for the row, where count_p
// counts the phrase's occurrences by their columns' weights. Higher is
// better.
//
// A row's length comes from FTS5's own table of lengths, one B-tree lookup
// per row: most of the cost of weighing a match. With a generation that is
// not NULL, each connection keeps the lengths it read (rowids below
// kMaxCachedRowid, about 4 bytes per rowid) until it is called with another
// generation. The caller passes a value that changes whenever a row below
// kMaxCachedRowid is written or deleted, read in the same transaction, or
// NULL when it cannot (inside the write that changes the rows).
inline constexpr std::int64_t kMaxCachedRowid = std::int64_t{1} << 22;
inline constexpr const char* kSearchWeightFunction = "search_weight";

// The FTS5 auxiliary function search_first(table, column): the position
// (in words) of the first word in the column that the MATCH expression
// matches, or NULL when it matches none there. What tells a snippet
// whether to look for a match in a long text at all. Called after
// search_weight() on the same row of the same statement (the search's
// weighing pass), it answers what that call found on its walk over the
// row's positions instead of walking them again.
inline constexpr const char* kSearchFirstFunction = "search_first";

// The FTS5 auxiliary function search_best(table, query, keep, column,
// generation, w_1, ..., w_C, idf_1, ..., idf_P), for a WHERE clause: true
// for every row. It weighs the row as search_weight() does with the
// arguments from generation on, and keeps the best `keep` rows (highest
// weight, then lowest rowid) with the position of their first match in
// column, as search_first() gives it. `query` numbers the collection: a
// number other than the last one's starts afresh, so the caller uses a new
// number each time. With count(*) over the rows the statement gives the
// number of matches, and no row is returned to the caller one by one (for
// a query with thousands of matches that was a fifth of its time).
inline constexpr const char* kSearchBestFunction = "search_best";

// The SQL function search_best_rows(query): the rows search_best() kept
// for query, best first, as a blob that BestRowsOf reads; taken, so a
// second call answers none. An empty blob when query is not the last one
// collected.
inline constexpr const char* kSearchBestRowsFunction = "search_best_rows";

struct BestRow {
  std::int64_t rowid = 0;
  double weight = 0;
  std::int64_t first = -1;  // -1: no match in the column
};

// The rows in a blob from search_best_rows(); empty for a blob that is not
// one.
std::vector<BestRow> BestRowsOf(std::string_view blob);

// Registers search_weight, search_first, search_best and search_best_rows
// on db.
Status RegisterSearchFunctions(sqlite3* db);

// The FTS5 module's API of db; kInternal when the library has no FTS5.
Result<fts5_api*> Fts5Api(sqlite3* db);

}  // namespace smartercities::storage

#endif  // SMARTERCITIES_CORE_STORAGE_SEARCH_FUNCTIONS_H_
