#include "core/domain/postgres_search.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "core/domain/search_ranking.h"
#include "core/storage/search_functions.h"

namespace smartercities::domain::postgres_search {
namespace {

using nlohmann::json;
using storage::Value;

// Where a table of the agenda comes from: one statement that gives each
// entry's n (its place in the table's range of rowids), ref, title, body,
// theme, city and year, as kAgendaEntries (knowledge_search.cc) writes
// them on SQLite. A meeting's body is its decisions, a JSON array.
struct AgendaTable {
  const char* type;
  const char* sql;
};
constexpr AgendaTable kAgendaTables[] = {
    {"theme",
     "SELECT row_number() OVER (ORDER BY id) AS n, id AS ref, name_nl AS "
     "title, introduction_nl || ' ' || COALESCE(name_en, '') || ' ' || "
     "COALESCE(introduction_en, '') AS body, id AS theme, NULL AS city, "
     "NULL AS year FROM themes"},
    {"agreement",
     "SELECT row_number() OVER (ORDER BY id) AS n, id AS ref, goal AS "
     "title, COALESCE(topic, '') || ' ' || COALESCE(preamble, '') || ' ' || "
     "text AS body, theme_id AS theme, NULL AS city, NULL AS year "
     "FROM agreements WHERE retired_at IS NULL"},
    {"indicator",
     "SELECT row_number() OVER (ORDER BY id) AS n, id AS ref, name_nl AS "
     "title, COALESCE(description_nl, '') || ' ' || COALESCE(name_en, '') || "
     "' ' || COALESCE(description_en, '') AS body, theme_id AS theme, NULL "
     "AS city, NULL AS year FROM indicators WHERE retired_at IS NULL"},
    {"city",
     "SELECT row_number() OVER (ORDER BY cbs_code) AS n, cbs_code AS ref, "
     "name AS title, cbs_code || ' ' || network AS body, NULL AS theme, "
     "cbs_code AS city, NULL AS year FROM cities"},
    {"project",
     "SELECT id AS n, CAST(id AS TEXT) AS ref, title, aim || ' ' || "
     "COALESCE(results, '') AS body, theme_id AS theme, NULL AS city, "
     "CAST(substr(proposed_on, 1, 4) AS INTEGER) AS year FROM projects"},
    {"meeting",
     "SELECT id AS n, CAST(id AS TEXT) AS ref, kind || ' ' || date AS title, "
     "decisions AS body, theme_id AS theme, NULL AS city, "
     "CAST(substr(date, 1, 4) AS INTEGER) AS year FROM meetings "
     "WHERE decisions != '[]'"},
};

// The rowids from here on are the registers', kRowidsPerAgendaTable each.
constexpr std::int64_t kFirstRegisterRowid =
    kFirstAgendaRowid +
    static_cast<std::int64_t>(std::size(kAgendaTables)) * kRowidsPerAgendaTable;

// A meeting's decisions as one text: the strings of the array, each
// followed by a space but the last, as SQLite's group_concat joins them.
std::string DecisionsText(const std::string& decisions) {
  json parsed = json::parse(decisions, nullptr, false);
  std::string out;
  if (!parsed.is_array()) return out;
  for (const json& decision : parsed) {
    if (!out.empty()) out += ' ';
    out += decision.is_string() ? decision.get<std::string>() : decision.dump();
  }
  return out;
}

json OptionalJson(const std::optional<std::string>& text) {
  return text ? json(*text) : json(nullptr);
}

// What a statement binds as JSON text: invalid UTF-8 (which no stored text
// has) would not stop it.
std::string Dumped(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// The entries that have every term of words and meet conditions (on
// search_index's row, alias i, with their values already in params):
// columns entry, length, then o<j> (occurrences) and f<j> (first byte) for
// the j-th term of all words. One pass over the terms' postings, grouped by
// entry, rather than a join per term: a query of many words stays one
// simple plan.
std::string MatchSql(const std::vector<Word>& words,
                     const std::string& conditions,
                     std::vector<Value>& params) {
  std::vector<std::string> term_conditions;
  for (const Word& word : words) {
    for (const Term& term : word) {
      params.emplace_back(term.text);
      std::string condition = "p.term ";
      if (!term.prefix) {
        condition += "= ?";
        condition += std::to_string(params.size());
      } else {
        // Every text that starts with the prefix sorts (byte by byte)
        // before the prefix followed by the highest code point.
        condition += ">= ?";
        condition += std::to_string(params.size());
        params.emplace_back(term.text + "\xF4\x8F\xBF\xBF");
        condition += " AND p.term < ?";
        condition += std::to_string(params.size());
      }
      term_conditions.push_back(std::move(condition));
    }
  }
  std::string sql = "SELECT p.entry AS entry, i.length AS length";
  std::string any;
  std::string every;
  for (std::size_t j = 0; j < term_conditions.size(); ++j) {
    const std::string& condition = term_conditions[j];
    std::string name = std::to_string(j);
    sql += ", sum(CASE WHEN ";
    sql += condition;
    sql += " THEN p.occurrences END) AS o";
    sql += name;
    sql += ", min(CASE WHEN ";
    sql += condition;
    sql += " THEN p.first_byte END) AS f";
    sql += name;
    any += j > 0 ? " OR (" : "(";
    any += condition;
    any += ")";
    every += j > 0 ? " AND count(CASE WHEN " : "count(CASE WHEN ";
    every += condition;
    every += " THEN 1 END) > 0";
  }
  sql +=
      " FROM search_index_postings p JOIN search_index i ON i.rowid = "
      "p.entry WHERE i.length IS NOT NULL AND (";
  sql += any;
  sql += ")";
  sql += conditions;
  sql += " GROUP BY p.entry, i.length HAVING ";
  sql += every;
  return sql;
}

}  // namespace

Status AddEntries(storage::Connection& db, const std::vector<Entry>& entries) {
  if (entries.empty()) return Status::Ok();
  json rows = json::array();
  json postings = json::array();
  for (const Entry& entry : entries) {
    EntryCounts counts = CountEntryTerms(entry.title, entry.body);
    rows.push_back({{"rowid", entry.rowid},
                    {"type", entry.type},
                    {"ref", entry.ref},
                    {"theme", OptionalJson(entry.theme)},
                    {"kind", OptionalJson(entry.kind)},
                    {"city", OptionalJson(entry.city)},
                    {"year", entry.year ? json(*entry.year) : json(nullptr)},
                    {"title", entry.title},
                    {"body", entry.body},
                    {"length", counts.length}});
    for (const auto& [term, in_entry] : counts.terms) {
      postings.push_back(
          {{"term", term},
           {"entry", entry.rowid},
           {"occurrences", in_entry.weight},
           {"first_byte",
            in_entry.first < 0 ? json(nullptr) : json(in_entry.first)}});
    }
  }
  Status added = db.Execute(
      "INSERT INTO search_index (rowid, type, ref, theme, kind, city, year, "
      "title, body, length) SELECT rowid, type, ref, theme, kind, city, year, "
      "title, body, length FROM jsonb_to_recordset(CAST(?1 AS jsonb)) AS "
      "r(rowid BIGINT, type TEXT, ref TEXT, theme TEXT, kind TEXT, city TEXT, "
      "year BIGINT, title TEXT, body TEXT, length BIGINT)",
      std::vector<Value>{Dumped(rows)});
  if (!added.ok()) return added;
  return db.Execute(
      "INSERT INTO search_index_postings (term, entry, occurrences, "
      "first_byte) SELECT term, entry, occurrences, first_byte FROM "
      "jsonb_to_recordset(CAST(?1 AS jsonb)) AS r(term TEXT, entry BIGINT, "
      "occurrences DOUBLE PRECISION, first_byte BIGINT)",
      std::vector<Value>{Dumped(postings)});
}

Status RemoveEntries(storage::Connection& db, std::int64_t from,
                     std::int64_t to) {
  std::vector<Value> range = {from, to};
  Status removed = db.Execute(
      "DELETE FROM search_index_postings WHERE entry >= ?1 AND entry < ?2",
      range);
  if (!removed.ok()) return removed;
  return db.Execute("DELETE FROM search_index WHERE rowid >= ?1 AND rowid < ?2",
                    range);
}

Result<std::vector<Entry>> AgendaEntries(
    storage::Connection& db, const std::vector<PublishedRegister>& registers) {
  std::vector<Entry> entries;
  std::int64_t base = kFirstAgendaRowid;
  for (const AgendaTable& table : kAgendaTables) {
    bool meeting = std::string_view(table.type) == "meeting";
    Status read = db.Execute(table.sql, {}, [&](const storage::Row& row) {
      Entry entry;
      entry.rowid = base + row.Integer("n");
      entry.type = table.type;
      entry.ref = row.Text("ref");
      entry.title = row.Text("title");
      entry.body = meeting ? DecisionsText(row.Text("body")) : row.Text("body");
      entry.theme = row.OptionalText("theme");
      entry.city = row.OptionalText("city");
      if (!row.IsNull("year")) entry.year = row.Integer("year");
      entries.push_back(std::move(entry));
      return true;
    });
    if (!read.ok())
      return read.WithContext(std::string("the ") + table.type +
                              " entries of the search");
    base += kRowidsPerAgendaTable;
  }
  for (std::size_t i = 0; i < registers.size(); ++i) {
    const PublishedRegister& published = registers[i];
    std::string ref = published.declaration.path.substr(1) + "/";
    std::int64_t first = kFirstRegisterRowid +
                         static_cast<std::int64_t>(i) * kRowidsPerAgendaTable;
    Status read = db.Execute(SearchEntriesSelect(published), {},
                             [&](const storage::Row& row) {
                               std::int64_t id = row.Integer("id");
                               Entry entry;
                               entry.rowid = first + id;
                               entry.type = "record";
                               entry.ref = ref + std::to_string(id);
                               entry.theme = published.theme;
                               entry.city = row.OptionalText("city");
                               entry.title = row.Text("title");
                               entry.body = row.Text("body");
                               entries.push_back(std::move(entry));
                               return true;
                             });
    if (!read.ok()) {
      return read.WithContext("the search entries of register " +
                              published.declaration.path);
    }
  }
  return entries;
}

Result<std::size_t> ListUnlistedEntries(storage::Connection& db,
                                        std::size_t limit) {
  std::vector<Entry> entries;
  Status read = db.Execute(
      "SELECT rowid, type, ref, theme, kind, city, year, title, body FROM "
      "search_index WHERE length IS NULL ORDER BY rowid LIMIT ?1",
      std::vector<Value>{static_cast<std::int64_t>(limit)},
      [&](const storage::Row& row) {
        Entry entry;
        entry.rowid = row.Integer("rowid");
        entry.type = row.Text("type");
        entry.ref = row.Text("ref");
        entry.theme = row.OptionalText("theme");
        entry.kind = row.OptionalText("kind");
        entry.city = row.OptionalText("city");
        if (!row.IsNull("year")) entry.year = row.Integer("year");
        entry.title = row.Text("title");
        entry.body = row.Text("body");
        entries.push_back(std::move(entry));
        return true;
      });
  if (!read.ok()) return read;
  for (const Entry& entry : entries) {
    Status removed = RemoveEntries(db, entry.rowid, entry.rowid + 1);
    if (!removed.ok()) return removed;
  }
  Status added = AddEntries(db, entries);
  if (!added.ok()) return added;
  return entries.size();
}

Result<std::vector<Weighed>> Weigh(storage::Connection& db,
                                   const std::vector<Word>& words,
                                   const SearchQuery& query) {
  std::vector<Weighed> weighed;
  if (words.empty()) return weighed;
  // How much a word counts: BM25's idf over the documents, as on SQLite.
  std::int64_t documents = 0;
  Status counted = db.Execute(
      "SELECT count(*) AS n FROM search_index WHERE rowid < ?1 AND length "
      "IS NOT NULL",
      std::vector<Value>{kFirstAgendaRowid}, [&](const storage::Row& row) {
        documents = row.Integer("n");
        return false;
      });
  if (!counted.ok()) return counted;
  std::vector<double> rarities;
  for (const Word& word : words) {
    std::vector<Value> params = {kFirstAgendaRowid};
    std::string sql =
        "SELECT count(*) AS n FROM (" +
        MatchSql(std::vector<Word>(1, word), " AND i.rowid < ?1", params) +
        ") AS m";
    std::int64_t with_word = 0;
    counted = db.Execute(sql, params, [&](const storage::Row& row) {
      with_word = row.Integer("n");
      return false;
    });
    if (!counted.ok()) return counted;
    double n = static_cast<double>(std::min(with_word, documents));
    double all = static_cast<double>(documents);
    rarities.push_back(std::log(1 + (all - n + 0.5) / (n + 0.5)));
  }

  // The filters first, then the terms.
  std::vector<Value> params;
  std::string conditions;
  auto add = [&](const char* condition, Value value) {
    params.push_back(std::move(value));
    conditions += " AND ";
    conditions += condition;
    conditions += std::to_string(params.size());
  };
  if (query.visible_themes) {
    conditions += " AND (i.theme IS NULL";
    if (!query.visible_themes->empty()) {
      conditions += " OR i.theme IN (";
      bool first = true;
      for (const std::string& theme : *query.visible_themes) {
        params.emplace_back(theme);
        conditions += first ? "?" : ", ?";
        conditions += std::to_string(params.size());
        first = false;
      }
      conditions += ")";
    }
    conditions += ")";
  }
  if (query.theme) add("i.theme = ?", *query.theme);
  if (query.kind) add("i.type = 'document' AND i.kind = ?", *query.kind);
  if (query.city) add("i.city = ?", *query.city);
  if (query.year) add("i.year = ?", static_cast<std::int64_t>(*query.year));
  if (query.type) add("i.type = ?", *query.type);
  std::string sql = MatchSql(words, conditions, params);

  Status read = db.Execute(sql, params, [&](const storage::Row& row) {
    auto length = static_cast<double>(row.Integer("length"));
    Weighed entry;
    entry.entry = row.Integer("entry");
    std::size_t j = 0;
    for (std::size_t w = 0; w < words.size(); ++w) {
      // A word of several terms counts as often as its rarest term.
      double occurrences = std::numeric_limits<double>::infinity();
      for (std::size_t t = 0; t < words[w].size(); ++t, ++j) {
        std::string name = std::to_string(j);
        occurrences =
            std::min(occurrences, row.OptionalReal("o" + name).value_or(0));
        if (!row.IsNull("f" + name)) {
          std::int64_t first = row.Integer("f" + name);
          if (entry.first_byte < 0 || first < entry.first_byte) {
            entry.first_byte = first;
          }
        }
      }
      entry.score += rarities[w] * storage::TermWeight(occurrences, length);
    }
    weighed.push_back(entry);
    return true;
  });
  if (!read.ok()) return read;
  return weighed;
}

Result<storage::Connection::ValuePart> ReadBody(storage::Connection& db,
                                                std::int64_t entry,
                                                std::size_t offset,
                                                std::size_t length) {
  std::optional<storage::Connection::ValuePart> part;
  Status read = db.Execute(
      "SELECT octet_length(body) AS whole, substring(convert_to(body, "
      "'UTF8') FROM ?2::int FOR ?3::int) AS part FROM search_index WHERE "
      "rowid = ?1",
      std::vector<Value>{entry, static_cast<std::int64_t>(offset + 1),
                         static_cast<std::int64_t>(length)},
      [&](const storage::Row& row) {
        if (row.IsNull("whole")) return false;
        part = storage::Connection::ValuePart{
            row.Text("part"), static_cast<std::size_t>(row.Integer("whole"))};
        return false;
      });
  if (!read.ok()) return read;
  if (!part) {
    return Status::NotFound("no text in the search's entry " +
                            std::to_string(entry));
  }
  return *part;
}

}  // namespace smartercities::domain::postgres_search
