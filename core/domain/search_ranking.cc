#include "core/domain/search_ranking.h"

#include <algorithm>
#include <map>

#include "core/storage/dutch_tokenizer.h"
#include "core/storage/search_functions.h"

namespace smartercities::domain {
namespace {

using storage::Value;

// Best first: the higher weight, then the older entry.
bool Better(const Champion& a, const Champion& b) {
  return a.weight != b.weight ? a.weight > b.weight : a.entry < b.entry;
}

// The best kChampions of champions, best first.
void KeepBest(std::vector<Champion>& champions) {
  auto end = champions.size() > static_cast<std::size_t>(kChampions)
                 ? champions.begin() + kChampions
                 : champions.end();
  std::partial_sort(champions.begin(), end, champions.end(), Better);
  champions.erase(end, champions.end());
}

// A first position as stored: NULL for none.
Value FirstValue(std::int64_t first) {
  return first < 0 ? Value(nullptr) : Value(first);
}

Status WriteList(storage::Connection& db, const std::string& term,
                 std::int64_t documents, const std::vector<Champion>& best) {
  for (const Champion& champion : best) {
    Status added = db.Execute(
        "INSERT INTO search_index_champions (term, weight, entry, first) "
        "VALUES (?1, ?2, ?3, ?4)",
        std::vector<Value>{term, champion.weight, champion.entry,
                           FirstValue(champion.first)});
    if (!added.ok()) return added;
  }
  return db.Execute(
      "INSERT INTO search_index_terms (term, documents, champions, least) "
      "VALUES (?1, ?2, ?3, ?4)",
      std::vector<Value>{term, documents,
                         static_cast<std::int64_t>(best.size()),
                         best.empty() ? Value(nullptr) : best.back().weight});
}

// Reads term's list anew from the index: every document with the term
// weighed, the best kChampions kept.
Status RefillList(storage::Connection& db, const std::string& term,
                  std::int64_t documents) {
  std::vector<Champion> all;
  Status read = db.Execute(
      std::string("SELECT rowid, ") + storage::kSearchWeightFunction +
          "(search_index, NULL, " + kColumnWeights + ", 1.0) AS weight, " +
          storage::kSearchFirstFunction + "(search_index, " +
          std::to_string(kBodyColumn) +
          ") AS first FROM search_index WHERE search_index MATCH ?1 "
          "AND rowid < ?2",
      std::vector<Value>{storage::TermPhrase(term), kFirstAgendaRowid},
      [&](const storage::Row& row) {
        all.push_back({row.Integer("rowid"), *row.OptionalReal("weight"),
                       row.IsNull("first") ? -1 : row.Integer("first")});
        return true;
      });
  if (!read.ok()) return read;
  KeepBest(all);
  // search_first() counts words; the lists keep bytes.
  for (Champion& champion : all) {
    if (champion.first < 0) continue;
    read = db.Execute(
        "SELECT body FROM search_index WHERE rowid = ?1",
        std::vector<Value>{champion.entry}, [&](const storage::Row& row) {
          champion.first = static_cast<std::int64_t>(storage::WordOffset(
              row.Text("body"), static_cast<std::size_t>(champion.first)));
          return false;
        });
    if (!read.ok()) return read;
  }
  Status cleared =
      db.Execute("DELETE FROM search_index_champions WHERE term = ?1",
                 std::vector<Value>{term});
  if (!cleared.ok()) return cleared;
  cleared = db.Execute("DELETE FROM search_index_terms WHERE term = ?1",
                       std::vector<Value>{term});
  if (!cleared.ok()) return cleared;
  return WriteList(db, term, documents, all);
}

Status CountDocuments(storage::Connection& db, std::int64_t change) {
  return db.Execute("UPDATE search_index_totals SET documents = documents + ?1",
                    std::vector<Value>{change});
}

struct TermRow {
  bool exists = false;
  std::int64_t documents = 0;
  std::int64_t champions = 0;
  double least = 0;
};

Result<TermRow> ReadTerm(storage::Connection& db, const std::string& term) {
  TermRow out;
  Status read = db.Execute(
      "SELECT documents, champions, least FROM search_index_terms "
      "WHERE term = ?1",
      std::vector<Value>{term}, [&](const storage::Row& row) {
        out.exists = true;
        out.documents = row.Integer("documents");
        out.champions = row.Integer("champions");
        out.least = row.OptionalReal("least").value_or(0);
        return false;
      });
  if (!read.ok()) return read;
  return out;
}

}  // namespace

EntryCounts CountEntryTerms(std::string_view title, std::string_view body) {
  EntryCounts counts;
  std::vector<std::string> title_terms = storage::DutchTerms(title);
  std::vector<storage::TermAt> body_terms = storage::DutchTermsAt(body);
  for (std::string& term : title_terms)
    counts.terms[term].weight += kTitleWeight;
  for (const storage::TermAt& term : body_terms) {
    TermInEntry& entry = counts.terms[term.term];
    entry.weight += 1;
    if (entry.first < 0) entry.first = static_cast<std::int64_t>(term.start);
  }
  counts.length =
      static_cast<std::int64_t>(title_terms.size() + body_terms.size());
  return counts;
}

std::unordered_map<std::string, TermInEntry> EntryTerms(std::string_view title,
                                                        std::string_view body) {
  EntryCounts counts = CountEntryTerms(title, body);
  auto length = static_cast<double>(counts.length);
  for (auto& [term, entry] : counts.terms) {
    entry.weight = storage::TermWeight(entry.weight, length);
  }
  return std::move(counts.terms);
}

Result<bool> ChampionsBuilt(storage::Connection& db) {
  bool built = false;
  Status read = db.Execute("SELECT built FROM search_index_totals", {},
                           [&](const storage::Row& row) {
                             built = row.Integer("built") != 0;
                             return false;
                           });
  if (!read.ok()) return read;
  return built;
}

Result<IndexTotals> ReadIndexTotals(storage::Connection& db) {
  IndexTotals totals;
  Status read =
      db.Execute("SELECT documents, generation FROM search_index_totals", {},
                 [&](const storage::Row& row) {
                   totals.documents = row.Integer("documents");
                   totals.generation = row.Integer("generation");
                   return false;
                 });
  if (!read.ok()) return read;
  return totals;
}

Status MergeIndexSegments(storage::Connection& db) {
  return db.Execute(
      "INSERT INTO search_index (search_index, rank) VALUES ('merge', ?1)",
      std::vector<Value>{std::int64_t{kMergePages}});
}

Status NewGeneration(storage::Connection& db) {
  return db.Execute("UPDATE search_index_totals SET generation = random()", {});
}

Status AddToChampions(storage::Connection& db, std::int64_t entry,
                      std::string_view title, std::string_view body) {
  auto built = ChampionsBuilt(db);
  if (!built.ok()) return built.status();
  if (!*built) return Status::Ok();
  Status counted = CountDocuments(db, 1);
  if (!counted.ok()) return counted;
  for (const auto& [term, in_entry] : EntryTerms(title, body)) {
    double weight = in_entry.weight;
    auto row = ReadTerm(db, term);
    if (!row.ok()) return row.status();
    if (!row->exists) {
      Status written =
          WriteList(db, term, 1, {{entry, weight, in_entry.first}});
      if (!written.ok()) return written;
      continue;
    }
    bool room = row->champions < kChampions;
    Status status;
    if (room || weight >= row->least) {
      // In; when the list was full, its last one out (which may be this
      // one on a tie).
      status = db.Execute(
          "INSERT INTO search_index_champions (term, weight, entry, first) "
          "VALUES (?1, ?2, ?3, ?4)",
          std::vector<Value>{term, weight, entry, FirstValue(in_entry.first)});
      if (status.ok() && !room) {
        status = db.Execute(
            "DELETE FROM search_index_champions WHERE term = ?1 AND "
            "(weight, entry) = (SELECT weight, entry FROM "
            "search_index_champions WHERE term = ?1 "
            "ORDER BY weight, entry DESC LIMIT 1)",
            std::vector<Value>{term});
      }
      if (status.ok()) {
        status = db.Execute(
            "UPDATE search_index_terms SET documents = documents + 1, "
            "champions = champions + ?2, least = (SELECT min(weight) FROM "
            "search_index_champions WHERE term = ?1) WHERE term = ?1",
            std::vector<Value>{term, std::int64_t{room ? 1 : 0}});
      }
    } else {
      status = db.Execute(
          "UPDATE search_index_terms SET documents = documents + 1 "
          "WHERE term = ?1",
          std::vector<Value>{term});
    }
    if (!status.ok()) return status;
  }
  return Status::Ok();
}

Status RemoveFromChampions(storage::Connection& db, std::int64_t entry,
                           std::string_view title, std::string_view body) {
  auto built = ChampionsBuilt(db);
  if (!built.ok()) return built.status();
  if (!*built) return Status::Ok();
  Status counted = CountDocuments(db, -1);
  if (!counted.ok()) return counted;
  for (const auto& [term, in_entry] : EntryTerms(title, body)) {
    auto row = ReadTerm(db, term);
    if (!row.ok()) return row.status();
    if (!row->exists) continue;
    Status status = db.Execute(
        "DELETE FROM search_index_champions WHERE term = ?1 AND entry = ?2",
        std::vector<Value>{term, entry});
    if (!status.ok()) return status;
    bool was_listed = db.Changes() > 0;
    std::int64_t documents = row->documents - 1;
    if (documents <= 0) {
      status = db.Execute("DELETE FROM search_index_terms WHERE term = ?1",
                          std::vector<Value>{term});
    } else if (was_listed && documents >= kChampions) {
      // A full list lost one, and documents beyond it may take its place.
      status = RefillList(db, term, documents);
    } else {
      status = db.Execute(
          "UPDATE search_index_terms SET documents = ?2, "
          "champions = champions - ?3, least = (SELECT min(weight) FROM "
          "search_index_champions WHERE term = ?1) WHERE term = ?1",
          std::vector<Value>{term, documents,
                             std::int64_t{was_listed ? 1 : 0}});
    }
    if (!status.ok()) return status;
  }
  return Status::Ok();
}

Status BuildChampions(storage::Connection& db) {
  for (const char* sql : {"DELETE FROM search_index_champions",
                          "DELETE FROM search_index_terms"}) {
    Status cleared = db.Execute(sql, {});
    if (!cleared.ok()) return cleared;
  }
  // term -> its documents' count and its best; a list is trimmed to its
  // best whenever it doubles, so memory stays near kChampions per term.
  struct List {
    std::int64_t documents = 0;
    std::vector<Champion> best;
  };
  std::map<std::string, List> lists;
  std::int64_t documents = 0;
  Status read = db.Execute(
      "SELECT rowid, title, body FROM search_index WHERE rowid < ?1",
      std::vector<Value>{kFirstAgendaRowid}, [&](const storage::Row& row) {
        ++documents;
        std::int64_t entry = row.Integer("rowid");
        for (const auto& [term, in_entry] :
             EntryTerms(row.Text("title"), row.Text("body"))) {
          List& list = lists[term];
          ++list.documents;
          list.best.push_back({entry, in_entry.weight, in_entry.first});
          if (list.best.size() >= 2 * static_cast<std::size_t>(kChampions)) {
            KeepBest(list.best);
          }
        }
        return true;
      });
  if (!read.ok()) return read;
  for (auto& [term, list] : lists) {
    KeepBest(list.best);
    Status written = WriteList(db, term, list.documents, list.best);
    if (!written.ok()) return written;
  }
  return db.Execute("UPDATE search_index_totals SET documents = ?1, built = 1",
                    std::vector<Value>{documents});
}

Result<TermChampions> ReadChampions(storage::Connection& db,
                                    const std::string& term,
                                    std::size_t count) {
  TermChampions out;
  auto row = ReadTerm(db, term);
  if (!row.ok()) return row.status();
  if (!row->exists) {
    out.complete = true;
    return out;
  }
  out.documents = row->documents;
  out.complete = row->champions == row->documents;
  Status read = db.Execute(
      "SELECT entry, weight, first FROM search_index_champions "
      "WHERE term = ?1 ORDER BY weight DESC, entry LIMIT ?2",
      std::vector<Value>{term, static_cast<std::int64_t>(count)},
      [&](const storage::Row& item) {
        out.best.push_back({item.Integer("entry"), *item.OptionalReal("weight"),
                            item.IsNull("first") ? -1 : item.Integer("first")});
        return true;
      });
  if (!read.ok()) return read;
  return out;
}

}  // namespace smartercities::domain
