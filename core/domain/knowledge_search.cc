#include "core/domain/knowledge_search.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>
#include <span>
#include <variant>

#include "core/domain/postgres_search.h"
#include "core/domain/search_ranking.h"
#include "core/storage/dutch_tokenizer.h"
#include "core/storage/search_functions.h"

namespace smartercities::domain {
namespace {

// The tables the agenda's entries are made from.
constexpr const char* kAgendaTables[] = {"themes", "agreements", "indicators",
                                         "cities", "projects",   "meetings"};

// The agenda's entries, rebuilt from their tables in one statement each.
// A document's entry has the document's id as its rowid; the agenda's have
// rowids from kAgendaRowids on (a range of 10^9 per table), so that both
// are found by rowid rather than by a scan of the index's content: their
// id, or their place in the order of their key, as on PostgreSQL
// (postgres_search.cc), where entries that score the same then come in the
// same order.
// Meetings give their decisions only: the minutes are for logged-in
// readers (docs/agenda.md).
constexpr const char* kAgendaEntries[] = {
    "INSERT INTO search_index (rowid, title, body, type, ref, theme) "
    "SELECT 1099511627776 + row_number() OVER (ORDER BY id), name_nl, "
    "introduction_nl || ' ' || "
    "COALESCE(name_en, '') || ' ' "
    "|| COALESCE(introduction_en, ''), 'theme', id, id FROM themes",
    "INSERT INTO search_index (rowid, title, body, type, ref, theme) "
    "SELECT 1100511627776 + row_number() OVER (ORDER BY id), goal, "
    "COALESCE(topic, '') || ' ' || "
    "COALESCE(preamble, '') || "
    "' ' || text, 'agreement', id, theme_id FROM agreements "
    "WHERE retired_at IS NULL",
    "INSERT INTO search_index (rowid, title, body, type, ref, theme) "
    "SELECT 1101511627776 + row_number() OVER (ORDER BY id), name_nl, "
    "COALESCE(description_nl, '') || ' "
    "' || "
    "COALESCE(name_en, '') || ' ' || COALESCE(description_en, ''), "
    "'indicator', id, theme_id FROM indicators WHERE retired_at IS NULL",
    "INSERT INTO search_index (rowid, title, body, type, ref, city) "
    "SELECT 1102511627776 + row_number() OVER (ORDER BY cbs_code), name, "
    "cbs_code || ' ' || network, 'city', "
    "cbs_code, cbs_code "
    "FROM cities",
    "INSERT INTO search_index (rowid, title, body, type, ref, theme, year) "
    "SELECT 1103511627776 + id, title, aim || ' ' || COALESCE(results, ''), "
    "'project', id, "
    "theme_id, CAST(substr(proposed_on, 1, 4) AS INTEGER) FROM projects",
    "INSERT INTO search_index (rowid, title, body, type, ref, theme, year) "
    "SELECT 1104511627776 + id, kind || ' ' || date, (SELECT "
    "group_concat(value, ' ') FROM "
    "json_each(meetings.decisions)), 'meeting', id, theme_id, "
    "CAST(substr(date, 1, 4) AS INTEGER) FROM meetings "
    "WHERE decisions != '[]'",
};

// A hit's columns (type, ref, title, theme, kind, city, year), read
// from the table in which FTS5 keeps search_index's rows: column i of
// search_index is c<i> there. One B-tree lookup, where reading the virtual
// table also copies each value twice (a document's text is tens of
// kilobytes): ten hits took 0.34 ms that way, 0.11 ms this way. The test
// KnowledgeSearchTest.AHitCarriesEveryFieldOfItsEntry fails if FTS5 ever
// keeps them otherwise.
constexpr const char* kHitColumns =
    "SELECT c0, c1, c6, c2, c3, c4, c5 FROM search_index_content "
    "WHERE id = ?1";
// The same on PostgreSQL, whose search_index is a plain table.
constexpr const char* kHitColumnsPostgres =
    "SELECT type, ref, title, theme, kind, city, year FROM search_index "
    "WHERE rowid = ?1";
// The table and column of a hit's body (search_index's body), of which
// only a part is read (SnippetOf).
constexpr const char* kContentTable = "search_index_content";
constexpr const char* kBodyContentColumn = "c7";

static_assert(kFirstAgendaRowid == 1099511627776,
              "kAgendaEntries' rowids start at kFirstAgendaRowid");
// The searched registers' entries follow the agenda's, a range of 10^9
// rowids per register (the record's id within it).
constexpr std::int64_t kRegisterRowids = 1105511627776;
constexpr std::int64_t kRowidsPerRegister = kRowidsPerAgendaTable;
static_assert(kRegisterRowids ==
                  kFirstAgendaRowid +
                      std::ssize(kAgendaEntries) * kRowidsPerAgendaTable,
              "the registers' rowids follow the agenda tables' ranges");

// The statement that writes the entries of the register's records (the
// first search field is the title, the others the text): ?1 is the ref's
// start, ?2 the theme.
std::string RegisterEntries(const PublishedRegister& published,
                            std::size_t index) {
  return "INSERT INTO search_index (rowid, title, body, type, ref, theme, "
         "city) SELECT " +
         std::to_string(kRegisterRowids +
                        static_cast<std::int64_t>(index) * kRowidsPerRegister) +
         " + id, title, body, 'record', ?1 || id, ?2, city FROM (" +
         SearchEntriesSelect(published) + ")";
}

// What distinguishes one set of searched registers from another.
std::size_t RegistersHash(const std::vector<PublishedRegister>& registers) {
  std::string text;
  for (const PublishedRegister& published : registers) {
    text += published.theme;
    text += ' ';
    text += published.declaration.path;
    text += ' ';
    text += published.declaration.table;
    for (const std::string& key : published.declaration.search_fields) {
      text += ' ';
      text += key;
    }
    text += '\n';
  }
  return std::hash<std::string>{}(text);
}

bool IsWordByte(unsigned char c) { return std::isalnum(c) || c >= 0x80; }

// Text as the index may hold it: the snippet's marks are the only control
// characters a snippet can have.
std::string Indexable(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c == kMatchStart || c == kMatchEnd) c = ' ';
  }
  return out;
}

// The terms of a query as the index holds them: exact stems, and the
// stems of the words it gave as prefixes ("fiets*").
struct QueryTerms {
  std::vector<std::string> exact;
  std::vector<std::string> prefixes;
};

// A word of a query: one phrase of its MATCH expression.
struct QueryWord {
  std::string_view text;
  bool prefix = false;  // it ended in '*'
};

std::vector<QueryWord> WordsOf(std::string_view query) {
  std::vector<QueryWord> words;
  std::size_t i = 0;
  while (i < query.size()) {
    while (i < query.size() &&
           !IsWordByte(static_cast<unsigned char>(query[i]))) {
      ++i;
    }
    std::size_t start = i;
    while (i < query.size() &&
           IsWordByte(static_cast<unsigned char>(query[i]))) {
      ++i;
    }
    if (i == start) break;
    words.push_back(
        {query.substr(start, i - start), i < query.size() && query[i] == '*'});
  }
  return words;
}

// The FTS5 phrase of a word: in double quotes (FTS5 stems it with the
// table's tokenizer), '*' after a prefix. A word holds no quote:
// IsWordByte excludes it.
std::string PhraseOf(const QueryWord& word) {
  std::string phrase = "\"";
  phrase.append(word.text);
  phrase += '"';
  if (word.prefix) phrase += '*';
  return phrase;
}

QueryTerms TermsOf(std::string_view query) {
  QueryTerms terms;
  for (const QueryWord& word : WordsOf(query)) {
    bool prefix = word.prefix;
    for (std::string& term : prefix ? storage::FoldedWords(word.text)
                                    : storage::DutchTerms(word.text)) {
      if (prefix) {
        terms.prefixes.push_back(std::move(term));
      } else {
        terms.exact.push_back(std::move(term));
      }
    }
  }
  return terms;
}

bool IsSpace(char c) {
  return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f';
}

// Appends text with each run of white space as one space.
void AppendCollapsed(std::string& out, std::string_view text) {
  for (char c : text) {
    if (IsSpace(c)) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
}

// A column's value as text: "" for NULL.
std::string TextOf(const storage::ValueView& value) {
  if (const auto* text = std::get_if<std::string_view>(&value)) {
    return std::string(*text);
  }
  if (const auto* number = std::get_if<std::int64_t>(&value)) {
    return std::to_string(*number);
  }
  return "";
}

// Where in a text its first word that a query matched starts: the byte
// offset, or the position in words (as FTS5 counts them) to find it by; or
// neither, when the query matched only the title.
struct FirstMatch {
  std::int64_t byte = -1;
  std::int64_t word = -1;
};

// A snippet's passage: from up to kSnippetBefore bytes before the first
// match, kSnippetLength bytes long.
constexpr std::size_t kSnippetBefore = 60;
constexpr std::size_t kSnippetLength = 240;
// How much of a hit's text is read past its passage, for the end of the
// passage's last word.
constexpr std::size_t kSnippetSlack = 256;
// The most hits (page times page size) a search keeps inside its weighing
// statement; a page further on is sorted from every match.
constexpr std::size_t kMaxBestKept = 1000;
// A hit's text is read in parts of at least this many bytes.
constexpr std::size_t kTextPartBytes = 16 * 1024;
// How many rows without postings one write lists on PostgreSQL.
constexpr std::size_t kListedPerWrite = 200;

// Part of a hit's text (the column kBodyColumn of its entry): its bytes
// from start on, of a text whole bytes long.
struct TextPart {
  std::string bytes;
  std::size_t start = 0;
  std::size_t whole = 0;
  std::size_t end() const { return start + bytes.size(); }
};

// Bytes [offset, offset + length) of entry's text; the empty text when the
// entry has none.
Result<TextPart> ReadText(storage::Connection& db, std::int64_t entry,
                          std::size_t offset, std::size_t length) {
  auto read = db.engine() == storage::Engine::kSqlite
                  ? db.ReadPart(kContentTable, kBodyContentColumn, entry,
                                offset, length)
                  : postgres_search::ReadBody(db, entry, offset, length);
  if (!read.ok()) {
    if (read.status().code() == StatusCode::kNotFound) return TextPart();
    return read.status();
  }
  return TextPart{std::move(read->bytes), offset, read->whole};
}

// The byte offset of entry's word numbered word (from 0, as FTS5 counts),
// reading its text from the start a part at a time; the text's length when
// it has fewer words. *text is the part read last.
Result<std::int64_t> ByteOfWord(storage::Connection& db, std::int64_t entry,
                                std::size_t word, TextPart* text) {
  std::size_t offset = 0;
  std::size_t length = kTextPartBytes;
  while (true) {
    auto part = ReadText(db, entry, offset, length);
    if (!part.ok()) return part.status();
    *text = std::move(*part);
    std::string_view counted = text->bytes;
    bool last = text->end() >= text->whole;
    if (!last) {
      // Up to the last space read: the next part starts a word.
      std::size_t space = counted.size();
      while (space > 0 && !IsSpace(counted[space - 1])) --space;
      if (space == 0) {
        length *= 2;  // one word longer than a part
        continue;
      }
      counted = counted.substr(0, space);
    }
    std::size_t words = 0;
    std::size_t found = storage::WordOffset(counted, word, &words);
    if (found < counted.size()) {
      return static_cast<std::int64_t>(offset + found);
    }
    if (last) return static_cast<std::int64_t>(text->whole);
    word -= words;
    offset += counted.size();
  }
}

// The passage of a text around the first word the query matches, with the
// matched words between kMatchStart and kMatchEnd; the start of the text
// when only the title matched (first_byte < 0). The scan for matched words
// starts at first_byte and stops at the passage's end, which for a long
// document is what makes a page of hits fast (FTS5's snippet() reads every
// document to its end). nullopt when the passage needs bytes that text
// does not hold: the caller reads more.
std::optional<std::string> Snippet(const TextPart& text,
                                   const QueryTerms& terms,
                                   std::int64_t first_byte) {
  // Byte i of the whole text; i within text.
  auto at = [&](std::size_t i) { return text.bytes[i - text.start]; };
  auto slice = [&](std::size_t from, std::size_t to) {
    return std::string_view(text.bytes).substr(from - text.start, to - from);
  };
  std::vector<storage::TermMatch> matches;
  if (first_byte >= 0) {
    std::size_t skipped =
        std::min(text.whole, static_cast<std::size_t>(first_byte));
    if (skipped < text.start) return std::nullopt;
    std::string_view rest =
        std::string_view(text.bytes)
            .substr(std::min(text.bytes.size(), skipped - text.start));
    matches =
        storage::FindTerms(rest, terms.exact, terms.prefixes, kSnippetLength);
    for (storage::TermMatch& match : matches) {
      match.start += skipped;
      match.end += skipped;
    }
    // No match in the part read: one may follow.
    if (matches.empty() && text.end() < text.whole) return std::nullopt;
  }
  std::size_t from = 0;
  if (!matches.empty() && matches.front().start > kSnippetBefore) {
    std::size_t first = matches.front().start;
    from = first - kSnippetBefore;
    if (from < text.start) return std::nullopt;
    while (from < first && !IsSpace(at(from))) ++from;
  }
  std::size_t to = std::min(text.whole, from + kSnippetLength);
  if (from < text.start || (to < text.whole && to >= text.end())) {
    return std::nullopt;
  }
  if (to < text.whole) {
    std::size_t space = to;
    while (space > from && !IsSpace(at(space))) --space;
    std::size_t least = matches.empty() ? from : matches.front().end;
    if (space > least) {
      to = space;
    } else {
      while (to > least &&
             (static_cast<unsigned char>(at(to)) & 0xC0) == 0x80) {
        --to;
      }
    }
  }
  std::string out;
  if (from > 0) out += "… ";
  std::size_t next = from;
  for (const storage::TermMatch& match : matches) {
    if (match.start < next || match.end > to) continue;
    AppendCollapsed(out, slice(next, match.start));
    out += kMatchStart;
    out.append(slice(match.start, match.end));
    out += kMatchEnd;
    next = match.end;
  }
  AppendCollapsed(out, slice(next, to));
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (to < text.whole) out += " …";
  return out;
}

// The snippet of entry, whose first match is first: reads the part of its
// text the passage needs, and the whole text only when that is not
// enough.
Result<std::string> SnippetOf(storage::Connection& db, std::int64_t entry,
                              const QueryTerms& terms, FirstMatch first) {
  TextPart text;
  std::int64_t byte = first.byte;
  if (byte < 0 && first.word >= 0) {
    auto found =
        ByteOfWord(db, entry, static_cast<std::size_t>(first.word), &text);
    if (!found.ok()) return found.status();
    byte = *found;
  }
  std::size_t from =
      byte < 0 ? 0
               : static_cast<std::size_t>(byte) -
                     std::min<std::size_t>(static_cast<std::size_t>(byte),
                                           kSnippetBefore);
  std::size_t to = (byte < 0 ? 0 : static_cast<std::size_t>(byte)) +
                   kSnippetLength + kSnippetSlack;
  bool covered = first.byte < 0 && first.word >= 0 && text.start <= from &&
                 (text.end() >= to || text.end() >= text.whole);
  if (!covered) {
    auto part = ReadText(db, entry, from, to - from);
    if (!part.ok()) return part.status();
    text = std::move(*part);
  }
  std::optional<std::string> snippet = Snippet(text, terms, byte);
  if (!snippet && text.whole > 0) {
    auto whole = ReadText(db, entry, 0, text.whole);
    if (!whole.ok()) return whole.status();
    snippet = Snippet(*whole, terms, byte);
  }
  return snippet.value_or("");
}

}  // namespace

std::string MatchExpression(std::string_view query) {
  std::string expression;
  for (const QueryWord& word : WordsOf(query)) {
    if (!expression.empty()) expression += ' ';
    expression += PhraseOf(word);
  }
  return expression;
}

std::vector<PublishedRegister> KnowledgeSearch::SearchedRegisters() const {
  std::vector<PublishedRegister> out;
  if (!registers_) return out;
  for (PublishedRegister& published : registers_()) {
    if (!published.declaration.search_fields.empty()) {
      out.push_back(std::move(published));
    }
  }
  return out;
}

std::uint64_t KnowledgeSearch::AgendaGeneration(
    const std::set<std::string>& tables) const {
  std::uint64_t sum = 0;
  for (const char* table : kAgendaTables) {
    sum += database_.TableGeneration(table);
  }
  for (const std::string& table : tables) {
    sum += database_.TableGeneration(table);
  }
  return sum;
}

Status KnowledgeSearch::RefreshAgenda(bool force) {
  std::vector<PublishedRegister> registers = SearchedRegisters();
  std::size_t registers_hash = RegistersHash(registers);
  std::set<std::string> tables;
  for (const PublishedRegister& published : registers) {
    tables.insert(published.declaration.table);
  }
  auto is_current = [&](std::uint64_t generation) {
    return !force && indexed_generation_.load() == generation &&
           indexed_registers_.load() == registers_hash;
  };
  std::uint64_t generation = AgendaGeneration(tables);
  if (is_current(generation)) return Status::Ok();
  std::lock_guard<std::mutex> lock(refresh_mutex_);
  generation = AgendaGeneration(tables);
  if (is_current(generation)) return Status::Ok();
  Status status = database_.Write([&](storage::Connection& db) {
    if (db.engine() != storage::Engine::kSqlite) {
      Status cleared = postgres_search::RemoveEntries(
          db, kFirstAgendaRowid, std::numeric_limits<std::int64_t>::max());
      if (!cleared.ok()) return cleared;
      auto entries = postgres_search::AgendaEntries(db, registers);
      if (!entries.ok()) return entries.status();
      return postgres_search::AddEntries(db, *entries);
    }
    Status cleared = db.Execute("DELETE FROM search_index WHERE rowid >= ?1",
                                std::vector<storage::Value>{kFirstAgendaRowid});
    if (!cleared.ok()) return cleared;
    for (const char* sql : kAgendaEntries) {
      Status added = db.Execute(sql, {});
      if (!added.ok()) return added;
    }
    for (std::size_t i = 0; i < registers.size(); ++i) {
      std::string ref = registers[i].declaration.path.substr(1);
      ref += '/';
      std::vector<storage::Value> params = {ref, registers[i].theme};
      Status added = db.Execute(RegisterEntries(registers[i], i), params);
      if (!added.ok()) return added;
    }
    return MergeIndexSegments(db);
  });
  if (!status.ok()) return status;
  // SQLite's update hook does not see the rows of a virtual table, so the
  // storage counts this write as one it cannot trace to its tables: it
  // moves every table's generation by one, ours by one per agenda table.
  // That is this write alone unless the sum moved otherwise; then another
  // write came in between, and the next search rebuilds again. (On
  // PostgreSQL this write moves only the index's own tables.)
  std::uint64_t after = AgendaGeneration(tables);
  std::uint64_t own_write = std::size(kAgendaTables) + tables.size();
  bool only_ours = after == generation || after == generation + own_write;
  indexed_generation_.store(only_ours ? after : generation);
  indexed_registers_.store(registers_hash);
  return Status::Ok();
}

Status KnowledgeSearch::BuildChampionsOnce() {
  if (champions_built_.load()) return Status::Ok();
  if (database_.engine() != storage::Engine::kSqlite) {
    // PostgreSQL's index has no lists of best documents; what it may lack
    // are the postings of rows written without them, listed a batch per
    // write so that other writers wait for one batch at most.
    std::size_t listed = 0;
    do {
      std::lock_guard<std::mutex> lock(refresh_mutex_);
      Status status = database_.Write([&](storage::Connection& db) {
        auto done = postgres_search::ListUnlistedEntries(db, kListedPerWrite);
        if (!done.ok()) return done.status();
        listed = *done;
        return Status::Ok();
      });
      if (!status.ok()) return status.WithContext("listing the search's terms");
    } while (listed == kListedPerWrite);
    champions_built_.store(true);
    return Status::Ok();
  }
  bool built = false;
  Status read = database_.Read([&](storage::Connection& db) {
    auto answer = ChampionsBuilt(db);
    if (!answer.ok()) return answer.status();
    built = *answer;
    return Status::Ok();
  });
  if (!read.ok()) return read;
  if (!built) {
    std::lock_guard<std::mutex> lock(refresh_mutex_);
    Status status = database_.Write([](storage::Connection& db) {
      auto again = ChampionsBuilt(db);
      if (!again.ok()) return again.status();
      return *again ? Status::Ok() : BuildChampions(db);
    });
    if (!status.ok()) return status.WithContext("building the search's lists");
  }
  champions_built_.store(true);
  return Status::Ok();
}

Result<SearchAnswer> KnowledgeSearch::Search(const SearchQuery& query) {
  if (query.text.size() > kMaxQueryBytes) {
    return Status::InvalidArgument("q: the query is longer than " +
                                   std::to_string(kMaxQueryBytes) +
                                   " bytes; search with fewer words");
  }
  std::string match = MatchExpression(query.text);
  if (match.empty()) {
    return Status::InvalidArgument(
        "q: give at least one word to search for (?q=verkeerslichten)");
  }
  Status refreshed = RefreshAgenda();
  if (refreshed.ok()) refreshed = BuildChampionsOnce();
  if (!refreshed.ok()) return refreshed;

  std::vector<storage::Value> params = {match};
  std::string where = " FROM search_index WHERE search_index MATCH ?1";
  if (query.visible_themes) {
    nlohmann::json visible = nlohmann::json::array();
    for (const std::string& theme : *query.visible_themes) {
      visible.push_back(theme);
    }
    params.emplace_back(visible.dump());
    where +=
        " AND (theme IS NULL OR theme IN (SELECT value FROM json_each(?2)))";
  }
  auto add = [&](const char* condition, storage::Value value) {
    params.push_back(std::move(value));
    where += " AND ";
    where += condition;
    where += std::to_string(params.size());
  };
  if (query.theme) add("theme = ?", *query.theme);
  if (query.kind) add("type = 'document' AND kind = ?", *query.kind);
  if (query.city) add("city = ?", *query.city);
  if (query.year) add("year = ?", static_cast<std::int64_t>(*query.year));
  if (query.type) add("type = ?", *query.type);
  bool unfiltered = params.size() == 1;

  std::vector<QueryWord> words = WordsOf(query.text);
  std::size_t need = query.offset + query.limit;
  // The statement that weighs every row it matches and says where in its
  // body the first match is: bound after the filters' values, the index's
  // generation at ?first, then one rarity per word.
  auto weigh_sql = [&](const std::string& conditions, std::size_t first) {
    std::string sql = "SELECT rowid, ";
    sql += storage::kSearchWeightFunction;
    sql += "(search_index, ?";
    sql += std::to_string(first);
    sql += ", ";
    sql += kColumnWeights;
    for (std::size_t i = 0; i < words.size(); ++i) {
      sql += ", ?";
      sql += std::to_string(first + 1 + i);
    }
    sql += ") AS weight, ";
    sql += storage::kSearchFirstFunction;
    sql += "(search_index, ";
    sql += std::to_string(kBodyColumn);
    sql += ") AS first";
    sql += conditions;
    return sql;
  };
  // The statement that counts the matches and keeps the best `need` of
  // them (search_best()): the match, the collection's number, need, the
  // column of the first match, the index's generation, then one rarity
  // per word.
  auto best_sql = [&] {
    std::string sql =
        "SELECT count(*) AS n FROM search_index WHERE search_index MATCH ?1 "
        "AND ";
    sql += storage::kSearchBestFunction;
    sql += "(search_index, ?2, ?3, ?4, ?5, ";
    sql += kColumnWeights;
    for (std::size_t i = 0; i < words.size(); ++i) {
      sql += ", ?";
      sql += std::to_string(6 + i);
    }
    sql += ")";
    return sql;
  };
  struct Ranked {
    std::int64_t entry;
    double score;
    FirstMatch first;
  };
  std::vector<Ranked> ranked;
  // Columns rowid, weight, first: read as views, with no allocation per
  // match (a query may weigh thousands).
  auto collect = [&](std::span<const storage::ValueView> row) {
    const auto* entry = std::get_if<std::int64_t>(&row[0]);
    const auto* weight = std::get_if<double>(&row[1]);
    const auto* word = std::get_if<std::int64_t>(&row[2]);
    if (entry == nullptr || weight == nullptr) return true;
    ranked.push_back({*entry, *weight, {.word = word ? *word : -1}});
    return true;
  };

  QueryTerms terms = TermsOf(query.text);
  SearchAnswer answer;
  // On PostgreSQL: the entries with every word, weighed alike
  // (postgres_search.h).
  auto weigh_postgres = [&](storage::Connection& db) -> Status {
    std::vector<postgres_search::Word> searched;
    for (const QueryWord& word : words) {
      postgres_search::Word terms_of_word;
      for (std::string& term : word.prefix ? storage::FoldedWords(word.text)
                                           : storage::DutchTerms(word.text)) {
        terms_of_word.push_back({std::move(term), word.prefix});
      }
      if (!terms_of_word.empty()) searched.push_back(std::move(terms_of_word));
    }
    auto weighed = postgres_search::Weigh(db, searched, query);
    if (!weighed.ok()) return weighed.status();
    for (const postgres_search::Weighed& entry : *weighed) {
      ranked.push_back(
          {entry.entry, entry.score, FirstMatch{.byte = entry.first_byte}});
    }
    answer.total = static_cast<std::int64_t>(ranked.size());
    return Status::Ok();
  };
  // Weighs the matches into ranked and answer.total.
  auto weigh = [&](storage::Connection& db) -> Status {
    auto totals = ReadIndexTotals(db);
    if (!totals.ok()) return totals.status();
    // How much a word counts: BM25's idf over the documents, always > 0.
    auto rarity = [&](std::int64_t with_word) {
      double n = static_cast<double>(std::min(with_word, totals->documents));
      double all = static_cast<double>(totals->documents);
      return std::log(1 + (all - n + 0.5) / (n + 0.5));
    };
    std::vector<std::string> one_term;
    if (unfiltered && words.size() == 1 && !words[0].prefix) {
      one_term = storage::DutchTerms(words[0].text);
    }
    if (one_term.size() == 1) {
      // One word: its best documents are listed; only the agenda's
      // entries with it are weighed here.
      auto champions = ReadChampions(db, one_term[0], need);
      if (!champions.ok()) return champions.status();
      if (champions->complete || champions->best.size() >= need) {
        double factor = rarity(champions->documents);
        for (const Champion& champion : champions->best) {
          ranked.push_back({champion.entry, factor * champion.weight,
                            FirstMatch{.byte = champion.first}});
        }
        std::size_t listed = ranked.size();
        std::vector<storage::Value> agenda = {match, kFirstAgendaRowid,
                                              totals->generation, factor};
        Status read = db.ExecuteViews(weigh_sql(where + " AND rowid >= ?2", 3),
                                      agenda, collect);
        if (!read.ok()) return read;
        answer.total = champions->documents +
                       static_cast<std::int64_t>(ranked.size() - listed);
        return Status::Ok();
      }
    }
    // Otherwise every match is weighed: each word by its own rarity.
    std::vector<double> rarities;
    for (const QueryWord& word : words) {
      std::vector<std::string> word_terms;
      if (!word.prefix) word_terms = storage::DutchTerms(word.text);
      std::int64_t with_word = 0;
      if (word_terms.size() == 1) {
        auto champions = ReadChampions(db, word_terms[0], 0);
        if (!champions.ok()) return champions.status();
        with_word = champions->documents;
      } else {
        Status counted = db.Execute(
            "SELECT count(*) AS n FROM search_index WHERE search_index "
            "MATCH ?1 AND rowid < ?2",
            std::vector<storage::Value>{PhraseOf(word), kFirstAgendaRowid},
            [&](const storage::Row& row) {
              with_word = row.Integer("n");
              return false;
            });
        if (!counted.ok()) return counted;
      }
      rarities.push_back(rarity(with_word));
    }
    if (unfiltered && need <= kMaxBestKept) {
      // The statement keeps the best rows itself and returns their count.
      std::int64_t number = ++best_queries_;
      std::vector<storage::Value> best = {
          match, number, static_cast<std::int64_t>(need),
          std::int64_t{kBodyColumn}, totals->generation};
      best.insert(best.end(), rarities.begin(), rarities.end());
      Status counted =
          db.Execute(best_sql(), best, [&](const storage::Row& row) {
            answer.total = row.Integer("n");
            return false;
          });
      if (!counted.ok()) return counted;
      return db.ExecuteViews(
          std::string("SELECT ") + storage::kSearchBestRowsFunction + "(?1)",
          std::vector<storage::Value>{number},
          [&](std::span<const storage::ValueView> row) {
            const auto* blob = std::get_if<std::string_view>(&row[0]);
            if (blob == nullptr) return false;
            for (const storage::BestRow& kept : storage::BestRowsOf(*blob)) {
              ranked.push_back(
                  {kept.rowid, kept.weight, FirstMatch{.word = kept.first}});
            }
            return false;
          });
    }
    std::vector<storage::Value> weighed = params;
    weighed.emplace_back(totals->generation);
    weighed.insert(weighed.end(), rarities.begin(), rarities.end());
    Status read =
        db.ExecuteViews(weigh_sql(where, params.size() + 1), weighed, collect);
    if (!read.ok()) return read;
    answer.total = static_cast<std::int64_t>(ranked.size());
    return Status::Ok();
  };
  // One snapshot for the weighing and the page's rows; the hits' long
  // texts are read in place.
  Status status = database_.Read([&](storage::Connection& db) -> Status {
    bool sqlite = db.engine() == storage::Engine::kSqlite;
    Status mapped = db.MapPages();
    if (!mapped.ok()) return mapped;
    Status weighed = sqlite ? weigh(db) : weigh_postgres(db);
    if (!weighed.ok() || query.offset >= ranked.size()) return weighed;
    auto end = ranked.begin() +
               static_cast<std::ptrdiff_t>(std::min(need, ranked.size()));
    std::partial_sort(ranked.begin(), end, ranked.end(),
                      [](const Ranked& a, const Ranked& b) {
                        return a.score != b.score ? a.score > b.score
                                                  : a.entry < b.entry;
                      });
    for (auto it = ranked.begin() + static_cast<std::ptrdiff_t>(query.offset);
         it != end; ++it) {
      // Read as views: the text (tens of kilobytes) is not copied.
      Status read = db.ExecuteViews(
          sqlite ? kHitColumns : kHitColumnsPostgres,
          std::vector<storage::Value>{it->entry},
          [&](std::span<const storage::ValueView> row) {
            SearchHit hit;
            hit.type = TextOf(row[0]);
            hit.ref = TextOf(row[1]);
            hit.title = TextOf(row[2]);
            hit.theme = TextOf(row[3]);
            hit.kind = TextOf(row[4]);
            hit.city = TextOf(row[5]);
            if (const auto* year = std::get_if<std::int64_t>(&row[6])) {
              hit.year = static_cast<int>(*year);
            }
            hit.score = it->score;
            answer.hits.push_back(std::move(hit));
            return false;
          });
      if (!read.ok()) return read;
      // Of a long text, only the part around its first match is read.
      auto snippet = SnippetOf(db, it->entry, terms, it->first);
      if (!snippet.ok()) return snippet.status();
      answer.hits.back().snippet = std::move(*snippet);
    }
    return Status::Ok();
  });
  if (!status.ok()) {
    // A query FTS5 cannot parse is the caller's to fix.
    if (status.message().find("fts5") != std::string::npos) {
      return Status::InvalidArgument("q: " + status.message());
    }
    return status;
  }
  return answer;
}

Status IndexDocument(storage::Connection& db, const Document& document,
                     std::string_view text) {
  std::string title = Indexable(document.title);
  std::string body = Indexable(text);
  if (db.engine() != storage::Engine::kSqlite) {
    postgres_search::Entry entry;
    entry.rowid = document.id;
    entry.type = "document";
    entry.ref = std::to_string(document.id);
    if (!document.theme.empty()) entry.theme = document.theme;
    entry.kind = document.kind;
    if (!document.city.empty()) entry.city = document.city;
    entry.year = std::stoi(document.date.substr(0, 4));
    entry.title = std::move(title);
    entry.body = std::move(body);
    return postgres_search::AddEntries(db, {entry});
  }
  std::vector<storage::Value> params = {
      title,
      body,
      std::to_string(document.id),
      document.theme.empty() ? storage::Value(nullptr)
                             : storage::Value(document.theme),
      document.kind,
      document.city.empty() ? storage::Value(nullptr)
                            : storage::Value(document.city),
      static_cast<std::int64_t>(std::stoi(document.date.substr(0, 4))),
      document.id};
  Status indexed = db.Execute(
      "INSERT INTO search_index (rowid, title, body, type, ref, theme, kind, "
      "city, year) VALUES (?8, ?1, ?2, 'document', ?3, ?4, ?5, ?6, ?7)",
      params);
  if (!indexed.ok()) return indexed;
  Status renewed = NewGeneration(db);
  if (renewed.ok()) renewed = AddToChampions(db, document.id, title, body);
  if (!renewed.ok()) return renewed;
  return MergeIndexSegments(db);
}

Status UnindexDocument(storage::Connection& db, std::int64_t id) {
  if (db.engine() != storage::Engine::kSqlite) {
    return postgres_search::RemoveEntries(db, id, id + 1);
  }
  std::vector<storage::Value> params = {id};
  std::string title;
  std::string body;
  Status read =
      db.Execute("SELECT title, body FROM search_index WHERE rowid = ?1",
                 params, [&](const storage::Row& row) {
                   title = row.Text("title");
                   body = row.Text("body");
                   return false;
                 });
  if (!read.ok()) return read;
  Status removed =
      db.Execute("DELETE FROM search_index WHERE rowid = ?1", params);
  if (!removed.ok()) return removed;
  Status renewed = NewGeneration(db);
  if (renewed.ok()) renewed = RemoveFromChampions(db, id, title, body);
  if (!renewed.ok()) return renewed;
  return MergeIndexSegments(db);
}

}  // namespace smartercities::domain
