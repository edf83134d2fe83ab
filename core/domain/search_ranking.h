// search_ranking.h — the documents' best entries per term, kept beside the
// knowledge base's full-text index so that a one-word search reads its best
// documents instead of weighing every document that has the word.
//
// For each term (a stem as the index holds it) search_index_terms counts
// the documents that have it, and search_index_champions holds the
// kChampions documents (all of them when fewer) that weigh most for it, with
// that weight (storage::TermWeight: BM25 with a fixed length pivot, so that
// a weight never changes once written; a word in a title counts
// kTitleWeight times). The lists are exact, not estimates: an added
// document enters the lists it beats the last entry of; a removed one
// leaves them, and a list it leaves short while more documents have the
// term is read anew from the index. The agenda's entries (rowids from
// kFirstAgendaRowid on) are not in the lists: they are few and change
// together, and the search weighs them per query.
//
// Written inside the caller's write (the document's own); not thread-safe
// beyond what the connection is.
#ifndef SMARTERCITIES_CORE_DOMAIN_SEARCH_RANKING_H_
#define SMARTERCITIES_CORE_DOMAIN_SEARCH_RANKING_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/base/status.h"
#include "core/storage/database.h"

namespace smartercities::domain {

// How many of a term's best documents are kept: enough for the first pages
// of hits (a page holds 10 by default, at most 100).
inline constexpr std::int64_t kChampions = 100;

// A word in a title weighs this many words of a text.
inline constexpr double kTitleWeight = 4;

// The search_index rowids of the agenda's entries start here; a document's
// entry has the document's id.
inline constexpr std::int64_t kFirstAgendaRowid = std::int64_t{1} << 40;
// Each of the agenda's six tables, then each searched register, has a range
// of this many rowids from kFirstAgendaRowid on.
inline constexpr std::int64_t kRowidsPerAgendaTable = 1000000000;

// The SQL arguments that give search_weight() (storage/search_functions.h)
// the weights of search_index's columns: only title and body hold words.
inline constexpr const char* kColumnWeights = "0, 0, 0, 0, 0, 0, 4.0, 1.0";
// The number of search_index's body column, for search_first().
inline constexpr int kBodyColumn = 7;

// What an entry holds of one term: its weight, and the byte offset in the
// body at which the term's first word starts, -1 when only the title has
// it: where the entry's snippet for a search of the term starts.
struct TermInEntry {
  double weight = 0;
  std::int64_t first = -1;
};
// The terms of an entry.
std::unordered_map<std::string, TermInEntry> EntryTerms(std::string_view title,
                                                        std::string_view body);

// The terms of an entry before they are weighed: TermInEntry::weight holds
// the term's occurrences, each in the title counted kTitleWeight times;
// length is the entry's number of words (title and body), for
// storage::TermWeight. What PostgreSQL's index keeps (postgres_search.h),
// which weighs a prefix's terms together at query time.
struct EntryCounts {
  std::unordered_map<std::string, TermInEntry> terms;
  std::int64_t length = 0;
};
EntryCounts CountEntryTerms(std::string_view title, std::string_view body);

// Adds (after the entry was indexed) or removes (after its row left the
// index) a document's entry from the lists; nothing when the lists are
// still to be built (ChampionsBuilt).
Status AddToChampions(storage::Connection& db, std::int64_t entry,
                      std::string_view title, std::string_view body);
Status RemoveFromChampions(storage::Connection& db, std::int64_t entry,
                           std::string_view title, std::string_view body);

// Whether the lists hold every indexed document: false for a database
// whose documents were indexed before the lists existed.
Result<bool> ChampionsBuilt(storage::Connection& db);
// Builds every list anew from the index's documents.
Status BuildChampions(storage::Connection& db);

// What the lists hold for one term.
struct Champion {
  std::int64_t entry = 0;
  double weight = 0;
  std::int64_t first = -1;  // as TermInEntry's
};
struct TermChampions {
  std::int64_t documents = 0;  // that have the term
  std::vector<Champion> best;  // best first, at most the count asked for
  bool complete = false;       // every document with the term is listed
};
// The first count of term's list, and how many documents there are.
Result<TermChampions> ReadChampions(storage::Connection& db,
                                    const std::string& term, std::size_t count);
// How many documents are indexed, and the index's generation: a value
// that every change to a document's entry replaces (NewGeneration), which
// lets search_weight() keep the entries' lengths between searches
// (storage/search_functions.h).
struct IndexTotals {
  std::int64_t documents = 0;
  std::int64_t generation = 0;
};
Result<IndexTotals> ReadIndexTotals(storage::Connection& db);
// Gives the index a new generation: inside each write that adds or removes
// a document's entry.
Status NewGeneration(storage::Connection& db);

// Does up to kMergePages pages of the work of merging the FTS5 index's
// segments: each write to the index adds a segment, and a search seeks its
// words in every segment, so that a search over an index of many
// segments costs several times one over a merged index. Merges two
// segments of a level into the next (usermerge = 2, migration 14), so an
// index holds about one segment per level; a merge larger than the budget
// goes on with the next writes. Inside each write to the index, after it.
Status MergeIndexSegments(storage::Connection& db);
inline constexpr int kMergePages = 1000;

}  // namespace smartercities::domain

#endif  // SMARTERCITIES_CORE_DOMAIN_SEARCH_RANKING_H_
