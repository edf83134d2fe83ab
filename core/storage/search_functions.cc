#include "core/storage/search_functions.h"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace smartercities::storage {
namespace {

// The most columns whose first matches search_weight() notes.
constexpr int kNotedColumns = 16;

// One connection's state of the two functions: the lengths of rows, by
// rowid (-1: not read yet), as they were in generation; and where in each
// column search_weight() found the row it weighed last matched, so that
// search_first() on the same row of the same statement reads it instead of
// walking the row's positions again.
struct SearchState {
  std::optional<std::int64_t> generation;
  std::vector<int> words;
  // The row weighed last (by its statement's FTS5 cursor and rowid), and
  // the word position of its first match in each column (-1: none);
  // valid until search_first() takes it.
  const Fts5Context* weighed = nullptr;
  sqlite3_int64 weighed_rowid = 0;
  std::array<int, kNotedColumns> first_in_column{};
  // search_best()'s collection: its number, how many rows it keeps, and
  // the rows, as a heap with the worst kept row on top.
  std::optional<std::int64_t> best_query;
  std::size_t best_keep = 0;
  std::vector<BestRow> best;
};

// Whether a ranks before b: higher weight, then lower rowid.
bool Better(const BestRow& a, const BestRow& b) {
  return a.weight != b.weight ? a.weight > b.weight : a.rowid < b.rowid;
}

void DeleteSearchState(void* state) { delete static_cast<SearchState*>(state); }

// The row's length in words: from the cache when generation is not NULL
// and the row's is there, else from FTS5 (and then kept).
int RowLength(const Fts5ExtensionApi* api, Fts5Context* fts,
              sqlite3_value* generation, int* length) {
  auto* state = static_cast<SearchState*>(api->xUserData(fts));
  sqlite3_int64 rowid = api->xRowid(fts);
  if (sqlite3_value_type(generation) == SQLITE_NULL || rowid < 0 ||
      rowid >= kMaxCachedRowid) {
    return api->xColumnSize(fts, -1, length);
  }
  std::int64_t now = sqlite3_value_int64(generation);
  if (state->generation != now) {
    state->words.clear();
    state->generation = now;
  }
  auto slot = static_cast<std::size_t>(rowid);
  if (slot < state->words.size() && state->words[slot] >= 0) {
    *length = state->words[slot];
    return SQLITE_OK;
  }
  int rc = api->xColumnSize(fts, -1, length);
  if (rc != SQLITE_OK) return rc;
  if (slot >= state->words.size()) {
    state->words.resize(std::max(slot + 1, 2 * state->words.size()), -1);
  }
  state->words[slot] = *length;
  return SQLITE_OK;
}

// Weighs the row for search_weight() and search_best(): values are the
// generation, the column weights and the phrase factors. Notes the first
// matched position in each column for search_first(). false after setting
// context's error.
bool Weigh(const Fts5ExtensionApi* api, Fts5Context* fts,
           sqlite3_context* context, const char* function, int num_values,
           sqlite3_value** values, double* weight) {
  auto* state = static_cast<SearchState*>(api->xUserData(fts));
  state->weighed = nullptr;
  int num_columns = api->xColumnCount(fts);
  int num_phrases = api->xPhraseCount(fts);
  if (num_values != 1 + num_columns + num_phrases) {
    std::string message = std::string(function) + "() takes the generation, " +
                          std::to_string(num_columns) + " column weights and " +
                          std::to_string(num_phrases) +
                          " phrase factors, got " + std::to_string(num_values) +
                          " values";
    sqlite3_result_error(context, message.c_str(), -1);
    return false;
  }
  int length = 0;
  int rc = RowLength(api, fts, values[0], &length);
  if (rc != SQLITE_OK) {
    sqlite3_result_error_code(context, rc);
    return false;
  }
  ++values;
  bool noted = num_columns <= kNotedColumns;
  if (noted) state->first_in_column.fill(-1);
  // Each phrase's occurrences read from its own position list (cheaper
  // than xInst, which merges all phrases' lists into one array first).
  // They come by column, then position: a column's weight is read at its
  // first occurrence, which is the phrase's first there.
  double sum = 0;
  for (int p = 0; rc == SQLITE_OK && p < num_phrases; ++p) {
    Fts5PhraseIter iter;
    int column = 0;
    int offset = 0;
    int last_column = -1;
    double column_weight = 0;
    double count = 0;
    rc = api->xPhraseFirst(fts, p, &iter, &column, &offset);
    for (; rc == SQLITE_OK && column >= 0;
         api->xPhraseNext(fts, &iter, &column, &offset)) {
      if (column != last_column) {
        column_weight = sqlite3_value_double(values[column]);
        last_column = column;
        if (noted) {
          int& first = state->first_in_column[static_cast<std::size_t>(column)];
          if (first < 0 || offset < first) first = offset;
        }
      }
      count += column_weight;
    }
    if (count > 0) {
      sum += sqlite3_value_double(values[num_columns + p]) *
             TermWeight(count, length);
    }
  }
  if (rc != SQLITE_OK) {
    sqlite3_result_error_code(context, rc);
    return false;
  }
  if (noted) {
    state->weighed = fts;
    state->weighed_rowid = api->xRowid(fts);
  }
  *weight = sum;
  return true;
}

// search_weight(table, generation, column weights..., phrase factors...).
void SearchWeight(const Fts5ExtensionApi* api, Fts5Context* fts,
                  sqlite3_context* context, int num_values,
                  sqlite3_value** values) {
  double weight = 0;
  if (Weigh(api, fts, context, kSearchWeightFunction, num_values, values,
            &weight)) {
    sqlite3_result_double(context, weight);
  }
}

// search_best(table, query, keep, column, generation, column weights...,
// phrase factors...).
void SearchBest(const Fts5ExtensionApi* api, Fts5Context* fts,
                sqlite3_context* context, int num_values,
                sqlite3_value** values) {
  if (num_values < 3) {
    sqlite3_result_error(
        context, "search_best() takes the query, how many to keep, a column",
        -1);
    return;
  }
  auto* state = static_cast<SearchState*>(api->xUserData(fts));
  std::int64_t query = sqlite3_value_int64(values[0]);
  std::int64_t keep = sqlite3_value_int64(values[1]);
  int column = sqlite3_value_int(values[2]);
  if (state->best_query != query) {
    state->best_query = query;
    state->best_keep =
        static_cast<std::size_t>(std::max<std::int64_t>(keep, 0));
    state->best.clear();
  }
  double weight = 0;
  if (!Weigh(api, fts, context, kSearchBestFunction, num_values - 3, values + 3,
             &weight)) {
    return;
  }
  sqlite3_result_int(context, 1);
  BestRow row{.rowid = api->xRowid(fts), .weight = weight};
  std::vector<BestRow>& best = state->best;
  if (best.size() == state->best_keep &&
      (best.empty() || !Better(row, best.front()))) {
    return;
  }
  if (column >= 0 && column < kNotedColumns && state->weighed == fts) {
    row.first = state->first_in_column[static_cast<std::size_t>(column)];
  }
  if (best.size() == state->best_keep) {
    std::pop_heap(best.begin(), best.end(), Better);
    best.back() = row;
  } else {
    best.push_back(row);
  }
  std::push_heap(best.begin(), best.end(), Better);
}

// search_best_rows(query).
void SearchBestRows(sqlite3_context* context, int num_values,
                    sqlite3_value** values) {
  auto* state = static_cast<SearchState*>(sqlite3_user_data(context));
  std::vector<BestRow> rows;
  if (num_values == 1 && state->best_query == sqlite3_value_int64(values[0])) {
    rows = std::move(state->best);
    state->best.clear();
    std::sort_heap(rows.begin(), rows.end(), Better);
  }
  if (rows.empty()) {
    sqlite3_result_zeroblob(context, 0);  // a NULL pointer would be NULL
  } else {
    sqlite3_result_blob64(context, rows.data(), rows.size() * sizeof(BestRow),
                          SQLITE_TRANSIENT);
  }
}

// search_first(table, column).
void SearchFirst(const Fts5ExtensionApi* api, Fts5Context* fts,
                 sqlite3_context* context, int num_values,
                 sqlite3_value** values) {
  if (num_values != 1) {
    sqlite3_result_error(context, "search_first() takes one column number", -1);
    return;
  }
  int wanted = sqlite3_value_int(values[0]);
  // What search_weight() found on this row, when it ran just before.
  auto* state = static_cast<SearchState*>(api->xUserData(fts));
  if (state->weighed == fts && state->weighed_rowid == api->xRowid(fts) &&
      wanted >= 0 && wanted < kNotedColumns) {
    state->weighed = nullptr;
    int noted = state->first_in_column[static_cast<std::size_t>(wanted)];
    if (noted < 0) {
      sqlite3_result_null(context);
    } else {
      sqlite3_result_int(context, noted);
    }
    return;
  }
  int first = -1;
  int rc = SQLITE_OK;
  // A phrase's occurrences come by column, then position.
  for (int p = 0; rc == SQLITE_OK && p < api->xPhraseCount(fts); ++p) {
    Fts5PhraseIter iter;
    int column = 0;
    int offset = 0;
    rc = api->xPhraseFirst(fts, p, &iter, &column, &offset);
    while (rc == SQLITE_OK && column >= 0 && column < wanted) {
      api->xPhraseNext(fts, &iter, &column, &offset);
    }
    if (rc == SQLITE_OK && column == wanted && (first < 0 || offset < first)) {
      first = offset;
    }
  }
  if (rc != SQLITE_OK) {
    sqlite3_result_error_code(context, rc);
  } else if (first < 0) {
    sqlite3_result_null(context);
  } else {
    sqlite3_result_int(context, first);
  }
}

}  // namespace

std::vector<BestRow> BestRowsOf(std::string_view blob) {
  std::vector<BestRow> rows;
  if (blob.size() % sizeof(BestRow) != 0) return rows;
  rows.resize(blob.size() / sizeof(BestRow));
  std::memcpy(rows.data(), blob.data(), blob.size());
  return rows;
}

double TermWeight(double count, double length) {
  constexpr double kK1 = 1.2;
  constexpr double kB = 0.75;
  return count * (kK1 + 1) /
         (count + kK1 * (1 - kB + kB * length / kPivotWords));
}

Result<fts5_api*> Fts5Api(sqlite3* db) {
  fts5_api* api = nullptr;
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &statement, nullptr) ==
      SQLITE_OK) {
    sqlite3_bind_pointer(statement, 1, static_cast<void*>(&api), "fts5_api_ptr",
                         nullptr);
    sqlite3_step(statement);
  }
  sqlite3_finalize(statement);
  if (api == nullptr) {
    return Status::Internal(
        "this SQLite library has no FTS5; the knowledge base's search needs "
        "it (Debian's libsqlite3 has it)");
  }
  return api;
}

Status RegisterSearchFunctions(sqlite3* db) {
  auto api = Fts5Api(db);
  if (!api.ok()) return api.status();
  auto registered = [&](const char* name, fts5_extension_function function,
                        void* user_data, void (*destroy)(void*)) {
    int rc = (*api)->xCreateFunction(*api, name, user_data, function, destroy);
    if (rc == SQLITE_OK) return Status::Ok();
    return Status::Internal(std::string("cannot register the FTS5 function ") +
                            name + "(): " + sqlite3_errstr(rc));
  };
  // The state is the connection's, shared by both functions; FTS5 deletes
  // it with the connection, through search_weight (but not when
  // registering fails).
  auto state = std::make_unique<SearchState>();
  Status status = registered(kSearchWeightFunction, &SearchWeight, state.get(),
                             &DeleteSearchState);
  if (!status.ok()) return status;
  SearchState* shared = state.release();
  status = registered(kSearchFirstFunction, &SearchFirst, shared, nullptr);
  if (!status.ok()) return status;
  status = registered(kSearchBestFunction, &SearchBest, shared, nullptr);
  if (!status.ok()) return status;
  int rc = sqlite3_create_function_v2(
      db, kSearchBestRowsFunction, 1, SQLITE_UTF8 | SQLITE_DIRECTONLY, shared,
      &SearchBestRows, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) {
    return Status::Internal(std::string("cannot register the function ") +
                            kSearchBestRowsFunction +
                            "(): " + sqlite3_errstr(rc));
  }
  return Status::Ok();
}

}  // namespace smartercities::storage
