#include "core/domain/catalog.h"

#include <sodium.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/base/time_format.h"
#include "core/domain/participation.h"

namespace smartercities::domain {
namespace {

using nlohmann::json;
using storage::Connection;
using storage::Row;
using storage::Value;

json ToJson(const LocalizedText& text) {
  json out = {{"nl", text.nl}};
  if (!text.en.empty()) out["en"] = text.en;
  return out;
}

LocalizedText LocalizedFromJson(const json& value) {
  LocalizedText text;
  text.nl = value.value("nl", "");
  text.en = value.value("en", "");
  return text;
}

Value OptionalText(const std::string& text) {
  return text.empty() ? Value(nullptr) : Value(text);
}

json StringsToJson(const std::vector<std::string>& items) {
  return json(items);
}

std::vector<std::string> StringsFromJson(const std::string& text) {
  json value = json::parse(text, nullptr, false);
  std::vector<std::string> out;
  if (!value.is_array()) return out;
  for (const json& item : value) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

Status SyncAgreements(Connection& db, const ThemeManifest& manifest,
                      const std::string& now) {
  Value theme = manifest.id;
  Status status = db.Execute(
      "UPDATE agreements SET retired_at = ?2 WHERE theme_id = ?1 AND "
      "retired_at IS NULL",
      std::vector<Value>{theme, now});
  if (!status.ok()) return status;
  for (std::size_t i = 0; i < manifest.agreements.size(); ++i) {
    const Agreement& agreement = manifest.agreements[i];
    std::string id = manifest.id + "/" + agreement.letter;
    json dates = json::array();
    for (const NamedDate& date : agreement.dates) {
      dates.push_back(
          {{"date", date.date}, {"text", date.text}, {"kind", date.kind}});
    }
    json numbers = json::array();
    for (const NamedNumber& number : agreement.numbers) {
      numbers.push_back({{"value", number.value},
                         {"unit", number.unit},
                         {"text", number.text}});
    }
    auto existing =
        db.Query("SELECT text, manifest_text FROM agreements WHERE id = ?1",
                 std::vector<Value>{id});
    if (!existing.ok()) return existing.status();
    bool is_new = existing->empty();
    // An amended text (differs from what the last manifest said) is the
    // covenant's current word and survives a manifest update.
    bool was_amended = !is_new && existing->front().Text("text") !=
                                      existing->front().Text("manifest_text");
    std::string current_text =
        was_amended ? existing->front().Text("text") : agreement.text;
    bool manifest_changed =
        is_new || existing->front().Text("manifest_text") != agreement.text;
    std::vector<Value> params = {id,
                                 manifest.id,
                                 agreement.letter,
                                 static_cast<std::int64_t>(i),
                                 std::string(ToString(agreement.kind)),
                                 agreement.goal,
                                 OptionalText(agreement.topic),
                                 current_text,
                                 agreement.text,
                                 StringsToJson(agreement.notes).dump(),
                                 StringsToJson(agreement.parties).dump(),
                                 dates.dump(),
                                 numbers.dump(),
                                 OptionalText(agreement.preamble)};
    status = db.Execute(
        "INSERT INTO agreements (id, theme_id, letter, position, kind, goal, "
        "topic, text, manifest_text, notes, parties, dates, numbers, "
        "preamble, retired_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
        "?10, ?11, ?12, ?13, ?14, NULL) ON CONFLICT (id) DO UPDATE SET "
        "position = ?4, kind = ?5, goal = ?6, topic = ?7, text = ?8, "
        "manifest_text = ?9, notes = ?10, parties = ?11, dates = ?12, "
        "numbers = ?13, preamble = ?14, retired_at = NULL",
        params);
    if (!status.ok()) return status;
    if (manifest_changed && !was_amended) {
      status = db.Execute(
          "INSERT INTO agreement_versions (agreement_id, version, text, "
          "source, recorded_at) SELECT ?1, COALESCE(MAX(version), 0) + 1, ?2, "
          "'manifest', ?3 FROM agreement_versions WHERE agreement_id = ?1",
          std::vector<Value>{id, agreement.text, now});
      if (!status.ok()) return status;
    }
  }
  return Status::Ok();
}

Status SyncIndicators(Connection& db, const ThemeManifest& manifest,
                      const std::string& now) {
  Status status = db.Execute(
      "UPDATE indicators SET retired_at = ?2 WHERE theme_id = ?1 AND "
      "retired_at IS NULL",
      std::vector<Value>{manifest.id, now});
  if (!status.ok()) return status;
  status = db.Execute(
      "DELETE FROM agreement_indicators WHERE agreement_id IN "
      "(SELECT id FROM agreements WHERE theme_id = ?1)",
      std::vector<Value>{manifest.id});
  if (!status.ok()) return status;
  for (std::size_t i = 0; i < manifest.indicators.size(); ++i) {
    const Indicator& indicator = manifest.indicators[i];
    std::vector<Value> params = {
        indicator.id,
        manifest.id,
        static_cast<std::int64_t>(i),
        indicator.name.nl,
        OptionalText(indicator.name.en),
        OptionalText(indicator.description.nl),
        OptionalText(indicator.description.en),
        indicator.unit,
        indicator.kind,
        indicator.baseline ? Value(*indicator.baseline) : Value(nullptr),
        indicator.target,
        indicator.deadline,
        indicator.direction,
        std::string(ToString(indicator.scope)),
        StringsToJson(indicator.cities).dump()};
    status = db.Execute(
        "INSERT INTO indicators (id, theme_id, position, name_nl, name_en, "
        "description_nl, description_en, unit, kind, baseline, target, "
        "deadline, direction, scope, cities, retired_at) VALUES (?1, ?2, ?3, "
        "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, NULL) ON "
        "CONFLICT (id) DO UPDATE SET theme_id = ?2, position = ?3, "
        "name_nl = ?4, name_en = ?5, description_nl = ?6, "
        "description_en = ?7, unit = ?8, kind = ?9, baseline = ?10, "
        "target = ?11, deadline = ?12, direction = ?13, scope = ?14, "
        "cities = ?15, retired_at = NULL",
        params);
    if (!status.ok()) return status;
    for (const std::string& letter : indicator.agreements) {
      status = db.Execute(
          "INSERT OR IGNORE INTO agreement_indicators (agreement_id, "
          "indicator_id) VALUES (?1, ?2)",
          std::vector<Value>{manifest.id + "/" + letter, indicator.id});
      if (!status.ok()) return status;
    }
  }
  for (const Agreement& agreement : manifest.agreements) {
    for (const std::string& indicator_id : agreement.indicators) {
      status = db.Execute(
          "INSERT OR IGNORE INTO agreement_indicators (agreement_id, "
          "indicator_id) VALUES (?1, ?2)",
          std::vector<Value>{manifest.id + "/" + agreement.letter,
                             indicator_id});
      if (!status.ok()) return status;
    }
  }
  return Status::Ok();
}

Indicator IndicatorFromRow(const Row& row) {
  Indicator indicator;
  indicator.id = row.Text("id");
  indicator.name = {row.Text("name_nl"), row.Text("name_en")};
  indicator.description = {row.Text("description_nl"),
                           row.Text("description_en")};
  indicator.unit = row.Text("unit");
  indicator.kind = row.Text("kind");
  indicator.baseline = row.OptionalReal("baseline");
  indicator.target = row.OptionalReal("target").value_or(0);
  indicator.deadline = row.Text("deadline");
  indicator.direction = row.Text("direction");
  // The column's CHECK allows only "city" and "network".
  indicator.scope =
      ParseIndicatorScope(row.Text("scope")).value_or(IndicatorScope::kCity);
  indicator.cities = StringsFromJson(row.Text("cities"));
  return indicator;
}

Status LoadIndicatorLinks(Connection& db, Indicator& indicator) {
  auto links = db.Query(
      "SELECT a.letter FROM agreement_indicators ai JOIN agreements a ON "
      "a.id = ai.agreement_id WHERE ai.indicator_id = ?1 AND a.retired_at IS "
      "NULL ORDER BY a.position",
      std::vector<Value>{indicator.id});
  if (!links.ok()) return links.status();
  for (const Row& link : *links) {
    indicator.agreements.push_back(link.Text("letter"));
  }
  return Status::Ok();
}

}  // namespace

std::string FileDigest(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  std::vector<char> piece(1 << 16);
  while (in.read(piece.data(), static_cast<std::streamsize>(piece.size())) ||
         in.gcount() > 0) {
    crypto_hash_sha256_update(
        &state, reinterpret_cast<const unsigned char*>(piece.data()),
        static_cast<unsigned long long>(in.gcount()));
  }
  if (in.bad()) return "";
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state, digest);
  char hex[sizeof(digest) * 2 + 1];
  sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
  return hex;
}

Status Catalog::CheckVersion(const ThemeManifest& manifest,
                             std::string_view file) {
  // An SQLite database has one node (its data directory's lock): a version
  // older than the recorded one is a rollback its operator chose.
  if (database_.engine() == storage::Engine::kSqlite) return Status::Ok();
  auto recorded = RecordedThemes();
  if (!recorded.ok()) return recorded.status();
  auto found = recorded->find(manifest.id);
  if (found == recorded->end() ||
      CompareVersions(manifest.version, found->second.version) >= 0) {
    return Status::Ok();
  }
  return Status::FailedPrecondition(
      "theme '" + manifest.id + "' " + manifest.version + " from " +
      std::string(file) + " is older than " + found->second.version +
      ", the version the database records (another node on this database, "
      "or an earlier run, has the newer plugin file); install the same "
      "plugin files on every node");
}

Result<std::map<std::string, RecordedTheme>> Catalog::RecordedThemes() {
  std::map<std::string, RecordedTheme> themes;
  Status status = database_.Read([&](Connection& db) {
    return db.Execute("SELECT id, version, file_digest FROM themes", {},
                      [&](const Row& row) {
                        themes[row.Text("id")] = {row.Text("version"),
                                                  row.Text("file_digest")};
                        return true;
                      });
  });
  if (!status.ok()) return status;
  return themes;
}

Status Catalog::Sync(const ThemeManifest& manifest,
                     std::string_view file_digest) {
  std::string now = NowUtc();
  return database_
      .Write([&](Connection& db) -> Status {
        json challenges = json::array();
        for (const LocalizedText& challenge : manifest.challenges) {
          challenges.push_back(ToJson(challenge));
        }
        json leaders = json::array();
        for (const Leader& leader : manifest.leaders) {
          json item = {{"name", leader.name}};
          if (!leader.cbs_code.empty()) item["cbsCode"] = leader.cbs_code;
          leaders.push_back(item);
        }
        json panels = json::array();
        for (const Panel& panel : manifest.panels) {
          panels.push_back({{"id", panel.id},
                            {"title", ToJson(panel.title)},
                            {"endpoint", panel.endpoint},
                            {"view", panel.view}});
        }
        Status status = db.Execute(
            "INSERT INTO themes (id, version, name_nl, name_en, "
            "introduction_nl, introduction_en, challenges, leaders, panels, "
            "synced_at, file_digest) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
            "?8, ?9, ?10, ?11) ON CONFLICT (id) DO UPDATE SET version = ?2, "
            "name_nl = ?3, name_en = ?4, introduction_nl = ?5, "
            "introduction_en = ?6, challenges = ?7, leaders = ?8, "
            "panels = ?9, synced_at = ?10, file_digest = ?11",
            std::vector<Value>{manifest.id, manifest.version, manifest.name.nl,
                               OptionalText(manifest.name.en),
                               manifest.introduction.nl,
                               OptionalText(manifest.introduction.en),
                               challenges.dump(), leaders.dump(), panels.dump(),
                               now, OptionalText(std::string(file_digest))});
        if (!status.ok()) return status;
        status = SyncAgreements(db, manifest, now);
        if (!status.ok()) return status;
        status = SyncIndicators(db, manifest, now);
        if (!status.ok()) return status;
        return SyncParticipation(db, manifest);
      })
      .WithContext("syncing theme '" + manifest.id + "'");
}

Result<std::optional<ThemeManifest>> Catalog::GetTheme(std::string_view id) {
  std::optional<ThemeManifest> theme;
  Status status = database_.Read([&](Connection& db) -> Status {
    auto rows = db.Query("SELECT * FROM themes WHERE id = ?1",
                         std::vector<Value>{std::string(id)});
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return Status::Ok();
    const Row& row = rows->front();
    ThemeManifest manifest;
    manifest.id = row.Text("id");
    manifest.version = row.Text("version");
    manifest.name = {row.Text("name_nl"), row.Text("name_en")};
    manifest.introduction = {row.Text("introduction_nl"),
                             row.Text("introduction_en")};
    for (const json& item : json::parse(row.Text("challenges"))) {
      manifest.challenges.push_back(LocalizedFromJson(item));
    }
    for (const json& item : json::parse(row.Text("leaders"))) {
      manifest.leaders.push_back(
          {item.value("name", ""), item.value("cbsCode", "")});
    }
    for (const json& item : json::parse(row.Text("panels"))) {
      manifest.panels.push_back(
          {item.value("id", ""), LocalizedFromJson(item.value("title", json())),
           item.value("endpoint", ""), item.value("view", "")});
    }
    auto agreements = db.Query(
        "SELECT * FROM agreements WHERE theme_id = ?1 AND retired_at IS NULL "
        "ORDER BY position",
        std::vector<Value>{std::string(id)});
    if (!agreements.ok()) return agreements.status();
    for (const Row& a : *agreements) {
      Agreement agreement;
      agreement.letter = a.Text("letter");
      agreement.kind = a.Text("kind") == "result" ? AgreementKind::kResult
                                                  : AgreementKind::kEffort;
      agreement.goal = a.Text("goal");
      agreement.topic = a.Text("topic");
      agreement.preamble = a.Text("preamble");
      agreement.text = a.Text("text");
      agreement.notes = StringsFromJson(a.Text("notes"));
      agreement.parties = StringsFromJson(a.Text("parties"));
      for (const json& item : json::parse(a.Text("dates"))) {
        agreement.dates.push_back({item.value("date", ""),
                                   item.value("text", ""),
                                   item.value("kind", "deadline")});
      }
      for (const json& item : json::parse(a.Text("numbers"))) {
        agreement.numbers.push_back({item.value("value", 0.0),
                                     item.value("unit", ""),
                                     item.value("text", "")});
      }
      auto links = db.Query(
          "SELECT ai.indicator_id FROM agreement_indicators ai JOIN "
          "indicators i ON i.id = ai.indicator_id WHERE ai.agreement_id = ?1 "
          "AND i.retired_at IS NULL ORDER BY i.position",
          std::vector<Value>{a.Text("id")});
      if (!links.ok()) return links.status();
      for (const Row& link : *links) {
        agreement.indicators.push_back(link.Text("indicator_id"));
      }
      manifest.agreements.push_back(std::move(agreement));
    }
    auto indicators = db.Query(
        "SELECT * FROM indicators WHERE theme_id = ?1 AND retired_at IS NULL "
        "ORDER BY position",
        std::vector<Value>{std::string(id)});
    if (!indicators.ok()) return indicators.status();
    for (const Row& i : *indicators) {
      Indicator indicator = IndicatorFromRow(i);
      Status link_status = LoadIndicatorLinks(db, indicator);
      if (!link_status.ok()) return link_status;
      manifest.indicators.push_back(std::move(indicator));
    }
    theme = std::move(manifest);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return theme;
}

Result<std::vector<std::string>> Catalog::ThemeIds() {
  std::vector<std::string> ids;
  Status status = database_.Read([&](Connection& db) -> Status {
    return db.Execute("SELECT id FROM themes ORDER BY id", {},
                      [&](const Row& row) {
                        ids.push_back(row.Text("id"));
                        return true;
                      });
  });
  if (!status.ok()) return status;
  return ids;
}

std::uint64_t Catalog::IndicatorGeneration() const {
  std::uint64_t sum = 0;
  for (const char* table :
       {"indicators", "agreement_indicators", "agreements"}) {
    sum += database_.TableGeneration(table);
  }
  return sum;
}

Result<std::optional<IndicatorRecord>> Catalog::GetIndicator(
    std::string_view id) {
  // Taken before the read: what is read is at least this new, so it may be
  // kept under this generation.
  std::uint64_t generation = IndicatorGeneration();
  {
    std::lock_guard lock(indicators_mutex_);
    // The sum of counts that only grow: an older generation than the one
    // kept is a request that started before a change, and reads for itself.
    if (generation > indicators_generation_) {
      indicators_.clear();
      indicators_generation_ = generation;
    }
    if (generation == indicators_generation_) {
      auto found = indicators_.find(id);
      if (found != indicators_.end()) {
        return std::optional<IndicatorRecord>(found->second);
      }
    }
  }
  std::optional<IndicatorRecord> record;
  Status status = database_.Read([&](Connection& db) -> Status {
    auto rows = db.Query(
        "SELECT * FROM indicators WHERE id = ?1 AND retired_at IS NULL",
        std::vector<Value>{std::string(id)});
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return Status::Ok();
    IndicatorRecord found{rows->front().Text("theme_id"),
                          IndicatorFromRow(rows->front())};
    Status link_status = LoadIndicatorLinks(db, found.indicator);
    if (!link_status.ok()) return link_status;
    record = std::move(found);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  if (record) {
    std::lock_guard lock(indicators_mutex_);
    if (indicators_generation_ == generation) {
      indicators_.emplace(std::string(id), *record);
    }
  }
  return record;
}

Result<std::vector<AgreementVersion>> Catalog::AgreementHistory(
    std::string_view agreement_id) {
  std::vector<AgreementVersion> versions;
  Status status = database_.Read([&](Connection& db) -> Status {
    return db.Execute(
        "SELECT version, text, source, recorded_at FROM agreement_versions "
        "WHERE agreement_id = ?1 ORDER BY version",
        std::vector<Value>{std::string(agreement_id)}, [&](const Row& row) {
          versions.push_back({static_cast<int>(row.Integer("version")),
                              row.Text("text"), row.Text("source"),
                              row.Text("recorded_at")});
          return true;
        });
  });
  if (!status.ok()) return status;
  return versions;
}

}  // namespace smartercities::domain
