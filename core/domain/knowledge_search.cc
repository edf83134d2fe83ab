#include "core/domain/knowledge_search.h"

#include <cctype>
#include <nlohmann/json.hpp>

namespace smartercities::domain {
namespace {

// The tables the agenda's entries are made from.
constexpr const char* kAgendaTables[] = {"themes", "agreements", "indicators",
                                         "cities", "projects",   "meetings"};

// The agenda's entries, rebuilt from their tables in one statement each.
// A document's entry has the document's id as its rowid; the agenda's have
// rowids from kAgendaRowids on (a range of 10^9 per table), so that both
// are found by rowid rather than by a scan of the index's content.
// Meetings give their decisions only: the minutes are for logged-in
// readers (docs/agenda.md).
constexpr const char* kAgendaEntries[] = {
    "INSERT INTO search_index (rowid, title, body, type, ref, theme) "
    "SELECT 1099511627776 + rowid, name_nl, introduction_nl || ' ' || "
    "COALESCE(name_en, '') || ' ' "
    "|| COALESCE(introduction_en, ''), 'theme', id, id FROM themes",
    "INSERT INTO search_index (rowid, title, body, type, ref, theme) "
    "SELECT 1100511627776 + rowid, goal, COALESCE(topic, '') || ' ' || "
    "COALESCE(preamble, '') || "
    "' ' || text, 'agreement', id, theme_id FROM agreements "
    "WHERE retired_at IS NULL",
    "INSERT INTO search_index (rowid, title, body, type, ref, theme) "
    "SELECT 1101511627776 + rowid, name_nl, COALESCE(description_nl, '') || ' "
    "' || "
    "COALESCE(name_en, '') || ' ' || COALESCE(description_en, ''), "
    "'indicator', id, theme_id FROM indicators WHERE retired_at IS NULL",
    "INSERT INTO search_index (rowid, title, body, type, ref, city) "
    "SELECT 1102511627776 + rowid, name, cbs_code || ' ' || network, 'city', "
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

constexpr std::int64_t kAgendaRowids = std::int64_t{1} << 40;

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

}  // namespace

std::string MatchExpression(std::string_view query) {
  std::string expression;
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
    if (!expression.empty()) expression += ' ';
    expression += '"';
    // A word holds no quote: IsWordByte excludes it.
    expression.append(query.substr(start, i - start));
    expression += '"';
    if (i < query.size() && query[i] == '*') expression += '*';
  }
  return expression;
}

std::uint64_t KnowledgeSearch::AgendaGeneration() const {
  std::uint64_t sum = 0;
  for (const char* table : kAgendaTables) {
    sum += database_.TableGeneration(table);
  }
  return sum;
}

Status KnowledgeSearch::RefreshAgenda(bool force) {
  std::uint64_t generation = AgendaGeneration();
  if (!force && indexed_generation_.load() == generation) return Status::Ok();
  std::lock_guard<std::mutex> lock(refresh_mutex_);
  generation = AgendaGeneration();
  if (!force && indexed_generation_.load() == generation) return Status::Ok();
  Status status = database_.Write([&](storage::Connection& db) {
    Status cleared = db.Execute("DELETE FROM search_index WHERE rowid >= ?1",
                                std::vector<storage::Value>{kAgendaRowids});
    if (!cleared.ok()) return cleared;
    for (const char* sql : kAgendaEntries) {
      Status added = db.Execute(sql, {});
      if (!added.ok()) return added;
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  indexed_generation_.store(generation);
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
  if (!refreshed.ok()) return refreshed;

  nlohmann::json visible = nlohmann::json::array();
  for (const std::string& theme : query.visible_themes)
    visible.push_back(theme);
  std::vector<storage::Value> params = {match, visible.dump()};
  std::string where =
      " FROM search_index WHERE search_index MATCH ?1 AND (theme IS NULL OR "
      "theme IN (SELECT value FROM json_each(?2)))";
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

  SearchAnswer answer;
  std::string count_sql = "SELECT count(*) AS total" + where;
  std::string page_sql =
      "SELECT type, ref, title, theme, kind, city, year, "
      "snippet(search_index, -1, char(2), char(3), '…', 24) AS snippet, "
      "bm25(search_index, 4.0, 1.0) AS rank" +
      where + " ORDER BY rank LIMIT " + std::to_string(query.limit) +
      " OFFSET " + std::to_string(query.offset);
  Status status = database_.Read([&](storage::Connection& db) {
    Status counted =
        db.Execute(count_sql, params, [&](const storage::Row& row) {
          answer.total = row.Integer("total");
          return false;
        });
    if (!counted.ok()) return counted;
    if (answer.total == 0) return Status::Ok();
    return db.Execute(page_sql, params, [&](const storage::Row& row) {
      SearchHit hit;
      hit.type = row.Text("type");
      hit.ref = row.Text("ref");
      hit.title = row.Text("title");
      hit.theme = row.Text("theme");
      hit.kind = row.Text("kind");
      hit.city = row.Text("city");
      if (!row.IsNull("year")) hit.year = static_cast<int>(row.Integer("year"));
      hit.snippet = row.Text("snippet");
      hit.rank = row.OptionalReal("rank").value_or(0);
      answer.hits.push_back(std::move(hit));
      return true;
    });
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
  std::vector<storage::Value> params = {
      Indexable(document.title),
      Indexable(text),
      std::to_string(document.id),
      document.theme.empty() ? storage::Value(nullptr)
                             : storage::Value(document.theme),
      document.kind,
      document.city.empty() ? storage::Value(nullptr)
                            : storage::Value(document.city),
      static_cast<std::int64_t>(std::stoi(document.date.substr(0, 4))),
      document.id};
  return db.Execute(
      "INSERT INTO search_index (rowid, title, body, type, ref, theme, kind, "
      "city, year) VALUES (?8, ?1, ?2, 'document', ?3, ?4, ?5, ?6, ?7)",
      params);
}

Status UnindexDocument(storage::Connection& db, std::int64_t id) {
  return db.Execute("DELETE FROM search_index WHERE rowid = ?1",
                    std::vector<storage::Value>{id});
}

}  // namespace smartercities::domain
