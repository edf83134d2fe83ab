// knowledge_search.h — the full-text search of the knowledge base: the
// documents' text and the agenda's own texts (themes, agreements' current
// text, indicators, cities, projects, meetings' decisions) in one SQLite
// FTS5 index (table search_index), stemmed with the Dutch tokenizer
// (core/storage/dutch_tokenizer.h) so that "verkeerslichten" finds
// "verkeerslicht". Answers are ranked by BM25 (a word in a title weighs
// four times one in a text; search_ranking.h and storage/search_functions.h
// say how) and carry a snippet with the matched words marked. A one-word
// search without filters reads the word's best documents from the lists
// kept beside the index (search_ranking.h) and weighs only the agenda's
// entries; any other search weighs every row it matches.
//
// The documents' entries are written with the documents
// (IndexDocument/UnindexDocument, inside their audited write). The agenda's
// entries, and those of the theme registers whose manifest entry declares
// "search" (register_records.h; hits of type "record"), are rebuilt from
// their tables, in one write, by the first search after any of those
// tables changed or a module was switched on or off.
//
// On PostgreSQL the index is kept in plain tables of postings
// (postgres_search.h), with the same terms and weights: a search finds the
// same hits in the same order there.
//
// Thread-safety: a KnowledgeSearch may be used from many threads.
#ifndef SMARTERCITIES_CORE_DOMAIN_KNOWLEDGE_SEARCH_H_
#define SMARTERCITIES_CORE_DOMAIN_KNOWLEDGE_SEARCH_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"
#include "core/domain/documents.h"
#include "core/domain/register_records.h"
#include "core/storage/database.h"

namespace smartercities::domain {

// The marks around a matched word in SearchHit::snippet: characters that
// no stored text holds (the index refuses control characters).
inline constexpr char kMatchStart = '\x02';
inline constexpr char kMatchEnd = '\x03';

// What a search finds: SearchHit::type, and what SearchQuery::type may
// narrow it to.
inline constexpr const char* kSearchHitTypes[] = {
    "document", "theme",   "agreement", "indicator",
    "city",     "project", "meeting",   "record"};

struct SearchQuery {
  std::string text;  // the words; all must occur (in any inflection)
  std::optional<std::string> theme;
  std::optional<std::string> kind;  // a document kind; only documents then
  std::optional<std::string> city;
  std::optional<int> year;
  std::optional<std::string> type;  // one of kSearchHitTypes; only those
  // The themes whose entries may be shown (the enabled modules) when some
  // are not; entries without a theme (cities, meetings without one)
  // always may. nullopt: every entry may (no filter to read rows for).
  std::optional<std::set<std::string>> visible_themes;
  std::size_t offset = 0;
  std::size_t limit = 20;
};

struct SearchHit {
  // "document", "theme", "agreement", "indicator", "city", "project",
  // "meeting" or "record" (of a theme's register); ref is its id
  // ("regelluwe-stad/e" for an agreement, "business-parks/3" for a record,
  // relative to its theme).
  std::string type;
  std::string ref;
  std::string title;
  std::string snippet;  // with kMatchStart/kMatchEnd around matches
  std::string theme;    // "" when none
  std::string kind;     // a document's kind
  std::string city;
  std::optional<int> year;
  double score = 0;  // higher is better (search_ranking.h)
};

struct SearchAnswer {
  std::vector<SearchHit> hits;
  std::int64_t total = 0;
};

// The longest query accepted, in bytes.
inline constexpr std::size_t kMaxQueryBytes = 200;

// The FTS5 MATCH expression for a query: each word in double quotes (FTS5
// stems it with the table's tokenizer), all required; a word that ends in
// '*' is a prefix. "" when the query has no word.
std::string MatchExpression(std::string_view query);

class KnowledgeSearch {
 public:
  explicit KnowledgeSearch(storage::Database& database) : database_(database) {}

  // Where the searched registers come from: those of the enabled modules.
  // Set before the first search; without it no register is searched.
  void SetRegisters(std::function<std::vector<PublishedRegister>()> registers) {
    registers_ = std::move(registers);
  }

  // The hits of query, best first; InvalidArgument (naming "q") for a
  // query without words or longer than kMaxQueryBytes.
  Result<SearchAnswer> Search(const SearchQuery& query);

  // Rebuilds the agenda's entries when their tables changed since the last
  // rebuild (or always, with force).
  Status RefreshAgenda(bool force = false);

 private:
  // The registers with "search" now.
  std::vector<PublishedRegister> SearchedRegisters() const;
  // Builds the search's lists of best documents when the database's
  // documents were indexed before they existed (search_ranking.h); on
  // PostgreSQL, the postings of rows written without them.
  Status BuildChampionsOnce();
  // The sum of the generations of the agenda's tables and of tables.
  std::uint64_t AgendaGeneration(const std::set<std::string>& tables) const;

  storage::Database& database_;
  std::function<std::vector<PublishedRegister>()> registers_;
  std::mutex refresh_mutex_;
  std::atomic<std::uint64_t> indexed_generation_{~std::uint64_t{0}};
  // Which registers the index holds: a hash of their declarations.
  std::atomic<std::size_t> indexed_registers_{0};
  std::atomic<bool> champions_built_{false};
  // The number of the last search_best() collection (search_functions.h).
  std::atomic<std::int64_t> best_queries_{0};
};

// The index entry of a document, written inside the caller's write.
Status IndexDocument(storage::Connection& db, const Document& document,
                     std::string_view text);
Status UnindexDocument(storage::Connection& db, std::int64_t id);

}  // namespace smartercities::domain

#endif  // SMARTERCITIES_CORE_DOMAIN_KNOWLEDGE_SEARCH_H_
