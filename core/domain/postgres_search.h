// postgres_search.h — the knowledge base's full-text index on PostgreSQL,
// where SQLite has FTS5 (knowledge_search.h is the search; this file is how
// its index is kept and read there).
//
// search_index holds one row per entry as on SQLite, with its length in
// words. search_index_postings holds, per term of an entry (a stem of the
// core's Dutch tokenizer, storage/dutch_tokenizer.h), its occurrences (a
// word of the title counted kTitleWeight times) and the byte of the body at
// which its first word starts. A search reads the entries that have every
// word of the query by the postings' key (term, entry), a prefix as a range
// of terms, and weighs them as the search on SQLite does: each word's
// occurrences by storage::TermWeight, times the word's rarity among the
// documents. The same query finds the same entries with the same scores on
// both engines (the documents integration tests run on both).
//
// PostgreSQL's own tsvector is not used: its dictionaries stem otherwise
// than the core's tokenizer, so a word would find other texts than on
// SQLite, and it keeps at most 256 positions of a word, so a frequent
// word's count would be cut.
//
// Writes run inside the caller's write; reads inside its read.
#ifndef SMARTERCITIES_CORE_DOMAIN_POSTGRES_SEARCH_H_
#define SMARTERCITIES_CORE_DOMAIN_POSTGRES_SEARCH_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/base/status.h"
#include "core/domain/knowledge_search.h"
#include "core/domain/register_records.h"
#include "core/storage/database.h"

namespace smartercities::domain::postgres_search {

// An entry of the index: search_index's columns.
struct Entry {
  std::int64_t rowid = 0;
  std::string type;
  std::string ref;
  std::optional<std::string> theme;
  std::optional<std::string> kind;
  std::optional<std::string> city;
  std::optional<std::int64_t> year;
  std::string title;
  std::string body;
};

// Writes the entries' rows and their postings.
Status AddEntries(storage::Connection& db, const std::vector<Entry>& entries);

// Removes the entries whose rowid is in [from, to), with their postings.
Status RemoveEntries(storage::Connection& db, std::int64_t from,
                     std::int64_t to);

// The agenda's entries (themes, agreements, indicators, cities, projects,
// meetings' decisions) and the searched registers' records, read from
// their tables, with the rowids the search on SQLite gives them.
Result<std::vector<Entry>> AgendaEntries(
    storage::Connection& db, const std::vector<PublishedRegister>& registers);

// Gives their postings to up to limit rows of search_index written without
// them: copied from SQLite by `migrate-to`, or indexed before the postings
// existed (migration 15). Answers how many it listed; 0 when none was left.
Result<std::size_t> ListUnlistedEntries(storage::Connection& db,
                                        std::size_t limit);

// A term of a query: a stem, or a prefix of terms (a word given as
// "verkeers*").
struct Term {
  std::string text;
  bool prefix = false;
};
// A word of a query: its terms (nearly always one), all of which an entry
// must have.
using Word = std::vector<Term>;

// An entry that has every word, its score (higher is better), and the byte
// of its body at which its first matched word starts (-1: only the title
// has them).
struct Weighed {
  std::int64_t entry = 0;
  double score = 0;
  std::int64_t first_byte = -1;
};

// The entries that have every word and pass query's filters (theme, kind,
// city, year, type, visible_themes), unsorted.
Result<std::vector<Weighed>> Weigh(storage::Connection& db,
                                   const std::vector<Word>& words,
                                   const SearchQuery& query);

// Bytes [offset, offset + length) of an entry's body, and the body's whole
// length in bytes; NotFound when there is no such entry.
Result<storage::Connection::ValuePart> ReadBody(storage::Connection& db,
                                                std::int64_t entry,
                                                std::size_t offset,
                                                std::size_t length);

}  // namespace smartercities::domain::postgres_search

#endif  // SMARTERCITIES_CORE_DOMAIN_POSTGRES_SEARCH_H_
