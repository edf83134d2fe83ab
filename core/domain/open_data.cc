#include "core/domain/open_data.h"

#include <array>
#include <charconv>
#include <nlohmann/json.hpp>
#include <set>
#include <type_traits>

#include "core/domain/participation.h"
#include "smartercities/text.h"

namespace smartercities::domain {
namespace {

using storage::Value;
using storage::ValueView;

Value Text(const std::string& text) {
  return text.empty() ? Value(nullptr) : Value(text);
}

std::string Joined(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& part : parts) {
    if (!out.empty()) out += "; ";
    out += part;
  }
  return out;
}

std::string ThemeUrl(const std::string& id) {
  std::string url = "/api/v1/themes/";
  url += id;
  return url;
}

std::string IndicatorUrl(const std::string& id) {
  std::string url = "/api/v1/indicators/";
  url += id;
  return url;
}

// The enabled themes, each as the API shows it, in id order.
Result<std::vector<ThemeManifest>> EnabledThemes(const ExportScope& scope) {
  auto ids = scope.catalog->ThemeIds();
  if (!ids.ok()) return ids.status();
  std::vector<ThemeManifest> out;
  for (const std::string& id : *ids) {
    if (!scope.theme_enabled(id)) continue;
    auto theme = scope.catalog->GetTheme(id);
    if (!theme.ok()) return theme.status();
    if (theme->has_value()) out.push_back(std::move(**theme));
  }
  return out;
}

Status ReadThemes(storage::Connection&, const ExportScope& scope,
                  const ExportRowSink& on_row) {
  auto themes = EnabledThemes(scope);
  if (!themes.ok()) return themes.status();
  for (const ThemeManifest& theme : *themes) {
    std::vector<std::string> leaders;
    for (const Leader& leader : theme.leaders) {
      leaders.push_back(leader.cbs_code.empty()
                            ? leader.name
                            : leader.name + " (" + leader.cbs_code + ")");
    }
    std::int64_t results = 0;
    for (const Agreement& a : theme.agreements) {
      if (a.kind == AgreementKind::kResult) ++results;
    }
    Value row[] = {theme.id,
                   theme.name.nl,
                   Text(theme.name.en),
                   Text(theme.introduction.nl),
                   Text(theme.introduction.en),
                   Text(Joined(leaders)),
                   theme.version,
                   static_cast<std::int64_t>(theme.agreements.size()),
                   results,
                   static_cast<std::int64_t>(theme.indicators.size()),
                   ThemeUrl(theme.id)};
    on_row(row);
  }
  return Status::Ok();
}

Status ReadAgreements(storage::Connection&, const ExportScope& scope,
                      const ExportRowSink& on_row) {
  auto themes = EnabledThemes(scope);
  if (!themes.ok()) return themes.status();
  for (const ThemeManifest& theme : *themes) {
    for (const Agreement& a : theme.agreements) {
      std::vector<std::string> indicators = a.indicators;
      Value row[] = {theme.id + "/" + a.letter,
                     theme.id,
                     a.letter,
                     std::string(ToString(a.kind)),
                     Text(a.goal),
                     Text(a.topic),
                     Text(a.preamble),
                     a.text,
                     Text(Joined(a.parties)),
                     Text(Joined(indicators)),
                     ThemeUrl(theme.id) + "/agreements/" + a.letter};
      on_row(row);
    }
  }
  return Status::Ok();
}

Status ReadAgreementVersions(storage::Connection&, const ExportScope& scope,
                             const ExportRowSink& on_row) {
  auto themes = EnabledThemes(scope);
  if (!themes.ok()) return themes.status();
  for (const ThemeManifest& theme : *themes) {
    for (const Agreement& a : theme.agreements) {
      std::string id = theme.id + "/" + a.letter;
      auto history = scope.catalog->AgreementHistory(id);
      if (!history.ok()) return history.status();
      for (const AgreementVersion& version : *history) {
        Value row[] = {id, static_cast<std::int64_t>(version.version),
                       version.text, version.source, version.recorded_at};
        on_row(row);
      }
    }
  }
  return Status::Ok();
}

Status ReadIndicators(storage::Connection&, const ExportScope& scope,
                      const ExportRowSink& on_row) {
  auto themes = EnabledThemes(scope);
  if (!themes.ok()) return themes.status();
  for (const ThemeManifest& theme : *themes) {
    for (const Indicator& i : theme.indicators) {
      std::vector<std::string> agreements;
      for (const auto& letter : i.agreements) {
        agreements.push_back(theme.id + "/" + letter);
      }
      Value row[] = {i.id,
                     theme.id,
                     i.name.nl,
                     Text(i.name.en),
                     Text(i.description.nl),
                     i.unit,
                     i.kind,
                     i.baseline ? Value(*i.baseline) : Value(nullptr),
                     i.target,
                     i.deadline,
                     i.direction,
                     std::string(ToString(i.scope)),
                     Text(Joined(i.cities)),
                     Text(Joined(agreements)),
                     IndicatorUrl(i.id)};
      on_row(row);
    }
  }
  return Status::Ok();
}

// Streams from the cursor: the figures can be millions of rows.
Status ReadFigures(storage::Connection& db, const ExportScope& scope,
                   const ExportRowSink& on_row) {
  std::set<std::string, std::less<>> enabled;
  Status status =
      db.Execute("SELECT id, theme_id FROM indicators WHERE retired_at IS NULL",
                 {}, [&](const storage::Row& row) {
                   if (scope.theme_enabled(row.Text("theme_id"))) {
                     enabled.insert(row.Text("id"));
                   }
                   return true;
                 });
  if (!status.ok()) return status;
  // The order of the unique index, so that SQLite reads it without sorting.
  // Views of the cursor's values, not copies: ten million rows would
  // otherwise make fifty million strings.
  std::string last_indicator;
  bool last_enabled = false;
  return db.ExecuteViews(
      "SELECT m.indicator_id, m.city, m.period, m.value, m.source FROM "
      "measurements m ORDER BY m.indicator_id, COALESCE(m.city, ''), "
      "m.period",
      {}, [&](std::span<const ValueView> row) {
        const auto* indicator = std::get_if<std::string_view>(&row[0]);
        std::string_view id = indicator ? *indicator : std::string_view();
        if (id != last_indicator) {
          last_indicator = id;
          last_enabled = enabled.contains(id);
        }
        if (last_enabled) on_row(row);
        return true;
      });
}

Status ReadCities(storage::Connection& db, const ExportScope&,
                  const ExportRowSink& on_row) {
  return db.Execute(
      "SELECT cbs_code, name, network, member_since, '/api/v1/cities/' || "
      "cbs_code FROM cities ORDER BY name",
      {}, [&](const storage::Row& row) {
        on_row(row.values());
        return true;
      });
}

Status ReadParticipants(storage::Connection& db, const ExportScope& scope,
                        const ExportRowSink& on_row) {
  auto ids = scope.catalog->ThemeIds();
  if (!ids.ok()) return ids.status();
  for (const std::string& id : *ids) {
    if (!scope.theme_enabled(id)) continue;
    auto participants = ParticipantsOf(db, id);
    if (!participants.ok()) return participants.status();
    for (const Participant& p : *participants) {
      Value request = nullptr;
      if (p.join_request_id) {
        request = ThemeUrl(id) + "/join-requests/" +
                  std::to_string(*p.join_request_id);
      }
      Value row[] = {p.theme_id, p.kind,  p.id,     p.name,
                     p.role,     p.since, p.source, request};
      on_row(row);
    }
  }
  return Status::Ok();
}

ExportColumn Column(std::string name, std::string title,
                    std::string description, ColumnType type, bool required) {
  return {std::move(name), std::move(title), std::move(description), type,
          required};
}

constexpr ColumnType kString = ColumnType::kString;
constexpr ColumnType kInteger = ColumnType::kInteger;
constexpr ColumnType kDecimal = ColumnType::kDecimal;
constexpr ColumnType kUrl = ColumnType::kUrl;

std::vector<ExportDataset> MakeDatasets() {
  std::vector<ExportDataset> out;
  out.push_back(
      {"themes",
       "Themes of the Digitale Steden Agenda",
       "The nine themes of the Convenant Smarter Cities (2013) whose modules "
       "are enabled, with their leading cities and counts of agreements and "
       "indicators.",
       {Column("id", "Theme", "The theme's id, e.g. groene-stad.", kString,
               true),
        Column("nameNl", "Name (Dutch)", "The theme's name in Dutch.", kString,
               true),
        Column("nameEn", "Name (English)", "The theme's name in English.",
               kString, false),
        Column("introductionNl", "Introduction (Dutch)",
               "The theme's introduction in the covenant, in Dutch.", kString,
               false),
        Column("introductionEn", "Introduction (English)",
               "The introduction in English.", kString, false),
        Column("leaders", "Leading cities",
               "The leading cities (trekkende steden), as 'name (CBS code)', "
               "separated by '; '.",
               kString, false),
        Column("version", "Module version",
               "The version of the theme's module that declared it.", kString,
               true),
        Column("numAgreements", "Agreements", "How many agreements it has.",
               kInteger, true),
        Column("numResultAgreements", "Result agreements",
               "How many of them are result agreements "
               "(resultaatafspraken).",
               kInteger, true),
        Column("numIndicators", "Indicators", "How many indicators it has.",
               kInteger, true),
        Column("url", "API address", "The theme in the API.", kUrl, true)},
       {"id"},
       "IRREG",
       {"themes", "agreements", "indicators", "modules"},
       ReadThemes});
  out.push_back(
      {"agreements",
       "Agreements of the Digitale Steden Agenda (current text)",
       "Every agreement of the enabled themes with its current text, as "
       "amended under article 9 of the covenant.",
       {Column("id", "Agreement", "<theme>/<letter>, e.g. groene-stad/a.",
               kString, true),
        Column("theme", "Theme", "The theme's id.", kString, true),
        Column("letter", "Letter", "The agreement's letter in its theme.",
               kString, true),
        Column("kind", "Kind",
               "result (resultaatafspraak) or effort "
               "(inspanningsafspraak).",
               kString, true),
        Column("goal", "Goal", "The goal group it serves.", kString, false),
        Column("topic", "Topic", "Its topic, when it has one.", kString, false),
        Column("preamble", "Preamble",
               "The words that introduce the agreement, when any.", kString,
               false),
        Column("text", "Text", "The agreement's current text (Dutch).", kString,
               true),
        Column("parties", "Parties",
               "The responsible parties, separated by '; '.", kString, false),
        Column("indicators", "Indicators",
               "The ids of the indicators that measure it, separated by '; "
               "'.",
               kString, false),
        Column("url", "API address", "The agreement in the API.", kUrl, true)},
       {"id"},
       "IRREG",
       {"themes", "agreements", "agreement_indicators", "modules"},
       ReadAgreements});
  out.push_back(
      {"agreement-versions",
       "Versions of the agreements",
       "Every text each agreement has had: the covenant's text and each "
       "amendment (article 9).",
       {Column("agreement", "Agreement", "<theme>/<letter>.", kString, true),
        Column("version", "Version",
               "1 for the first text, then one more "
               "per change.",
               kInteger, true),
        Column("text", "Text", "The text of this version.", kString, true),
        Column("source", "Source",
               "manifest (the theme's declaration) or amendment (an "
               "amendment decided under article 9).",
               kString, true),
        Column("recordedAt", "Recorded at", "When this text was recorded.",
               ColumnType::kDateTime, true)},
       {"agreement", "version"},
       "IRREG",
       {"themes", "agreements", "agreement_versions", "modules"},
       ReadAgreementVersions});
  out.push_back(
      {"indicators",
       "Indicators of the Digitale Steden Agenda",
       "How progress on the agreements is measured: unit, baseline, target, "
       "deadline and direction of every indicator of the enabled themes.",
       {Column("id", "Indicator", "The indicator's id.", kString, true),
        Column("theme", "Theme", "The theme's id.", kString, true),
        Column("nameNl", "Name (Dutch)", "The indicator's name in Dutch.",
               kString, true),
        Column("nameEn", "Name (English)", "Its name in English.", kString,
               false),
        Column("descriptionNl", "Description (Dutch)",
               "What is measured and how.", kString, false),
        Column("unit", "Unit", "The unit of its figures.", kString, true),
        Column("kind", "Kind", "quantity or milestone.", kString, true),
        Column("baseline", "Baseline", "The value at the start, if known.",
               kDecimal, false),
        Column("target", "Target", "The value to reach.", kDecimal, true),
        Column("deadline", "Deadline", "The month it should be reached by.",
               ColumnType::kMonth, true),
        Column("direction", "Direction", "increase or decrease.", kString,
               true),
        Column("scope", "Scope",
               "city (a figure per city) or network (one figure for all).",
               kString, true),
        Column("cities", "Cities",
               "The CBS codes of the only cities it concerns, separated by "
               "'; '; empty for every city.",
               kString, false),
        Column("agreements", "Agreements",
               "The agreements it measures, separated by '; '.", kString,
               false),
        Column("url", "API address", "The indicator in the API.", kUrl, true)},
       {"id"},
       "IRREG",
       {"themes", "indicators", "agreement_indicators", "modules"},
       ReadIndicators});
  out.push_back(
      {"figures",
       "Figures reported for the indicators",
       "Every figure the cities reported, per indicator, city and month. "
       "The file is in the format of the figures import: imported again it "
       "gives the same figures.",
       {Column("indicator", "Indicator", "The indicator's id.", kString, true),
        Column("city", "City",
               "The city's CBS code; empty for a figure of the whole "
               "network.",
               kString, false),
        Column("period", "Month", "The month the figure is about.",
               ColumnType::kMonth, true),
        Column("value", "Value", "The figure, in the indicator's unit.",
               kDecimal, true),
        Column("source", "Source", "Where the figure comes from.", kString,
               false)},
       {"indicator", "city", "period"},
       "CONT",
       {"measurements", "indicators", "modules"},
       ReadFigures});
  out.push_back(
      {"cities",
       "Cities of the covenant",
       "The G4 and G32 cities with their CBS municipality codes.",
       {Column("cbsCode", "CBS code", "The CBS municipality code, GM0000.",
               kString, true),
        Column("name", "Name", "The municipality's name.", kString, true),
        Column("network", "Network", "G4 or G32.", kString, true),
        Column("memberSince", "Member since",
               "When it joined the network, if known.", ColumnType::kDate,
               false),
        Column("url", "API address", "The city in the API.", kUrl, true)},
       {"cbsCode"},
       "IRREG",
       {"cities"},
       ReadCities});
  out.push_back(
      {"participants",
       "Who takes part in which theme",
       "The leading and involved cities and parties of each enabled theme "
       "(articles 1 and 8 of the covenant).",
       {Column("theme", "Theme", "The theme's id.", kString, true),
        Column("kind", "Kind", "city or party.", kString, true),
        Column("id", "Participant",
               "The city's CBS code or the party's id (ez, g32, g4, "
               "stedenlink).",
               kString, true),
        Column("name", "Name", "The city's or party's name.", kString, true),
        Column("role", "Role", "leading or involved.", kString, true),
        Column("since", "Since", "When it started taking part.",
               ColumnType::kDate, true),
        Column("source", "Source",
               "Who recorded it: manifest, covenant or join-request.", kString,
               true),
        Column("joinRequest", "Join request",
               "The join request that made the city take part, if any.", kUrl,
               false)},
       {"theme", "id"},
       "IRREG",
       {"participations", "cities", "themes", "modules"},
       ReadParticipants});
  return out;
}

// Whether a byte makes a CSV field need quotes (RFC 4180): a comma, a quote,
// CR or LF. A table, not find_first_of, whose libstdc++ form calls memchr
// for every byte of the field.
constexpr std::array<bool, 256> kNeedsQuotes = [] {
  std::array<bool, 256> table{};
  for (unsigned char c : {',', '"', '\r', '\n'}) table[c] = true;
  return table;
}();

// RFC 4180: quoted only when it must be.
void AppendCsvField(std::string& out, std::string_view text) {
  bool needs_quotes = false;
  for (char c : text) {
    needs_quotes |= kNeedsQuotes[static_cast<unsigned char>(c)];
  }
  if (!needs_quotes) {
    out.append(text);
    return;
  }
  out += '"';
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void AppendJsonString(std::string& out, std::string_view text) {
  out += '"';
  out += sdk::JsonEscape(text);
  out += '"';
}

void AppendNumber(std::string& out, const ValueView& value) {
  char number[64];
  std::to_chars_result result{number, std::errc()};
  if (const auto* integer = std::get_if<std::int64_t>(&value)) {
    result = std::to_chars(number, number + sizeof(number), *integer);
  } else if (const auto* real = std::get_if<double>(&value)) {
    result = std::to_chars(number, number + sizeof(number), *real);
  }
  out.append(number, result.ec == std::errc() ? result.ptr : number);
}

bool IsTrue(const ValueView& value) {
  if (const auto* integer = std::get_if<std::int64_t>(&value)) {
    return *integer != 0;
  }
  if (const auto* text = std::get_if<std::string_view>(&value)) {
    return *text == "true" || *text == "1";
  }
  return false;
}

ValueView ViewOf(const Value& value) {
  return std::visit(
      [](const auto& held) -> ValueView {
        using Held = std::decay_t<decltype(held)>;
        if constexpr (std::is_same_v<Held, std::string>) {
          return std::string_view(held);
        } else {
          return held;
        }
      },
      value);
}

}  // namespace

const std::vector<ExportDataset>& CoreExportDatasets() {
  static const std::vector<ExportDataset> kDatasets = MakeDatasets();
  return kDatasets;
}

ExportWriter::ExportWriter(const ExportDataset& dataset, Format format,
                           ExportSink& sink)
    : dataset_(dataset), format_(format), sink_(sink) {}

void ExportWriter::Begin() {
  std::string& out = sink_.buffer();
  if (format_ == Format::kJson) {
    out += "{\"items\":[";
    return;
  }
  for (std::size_t i = 0; i < dataset_.columns.size(); ++i) {
    if (i > 0) out += ',';
    AppendCsvField(out, dataset_.columns[i].name);
  }
  out += "\r\n";
}

void ExportRowSink::operator()(std::span<const Value> row) const {
  std::vector<ValueView> views;
  views.reserve(row.size());
  for (const Value& value : row) views.push_back(ViewOf(value));
  on_row_(views);
}

void ExportWriter::Row(std::span<const ValueView> values) {
  std::string& out = sink_.buffer();
  const auto& columns = dataset_.columns;
  if (format_ == Format::kJson) {
    out += num_rows_ == 0 ? "\n{" : ",\n{";
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i > 0) out += ',';
      AppendJsonString(out, columns[i].name);
      out += ':';
      static const ValueView kEmpty = nullptr;
      const ValueView& value = i < values.size() ? values[i] : kEmpty;
      if (std::holds_alternative<std::nullptr_t>(value)) {
        out += "null";
      } else if (columns[i].type == ColumnType::kBoolean) {
        out += IsTrue(value) ? "true" : "false";
      } else if (const auto* text = std::get_if<std::string_view>(&value)) {
        AppendJsonString(out, *text);
      } else {
        AppendNumber(out, value);
      }
    }
    out += '}';
  } else {
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i > 0) out += ',';
      if (i >= values.size()) continue;
      const ValueView& value = values[i];
      if (std::holds_alternative<std::nullptr_t>(value)) continue;
      if (columns[i].type == ColumnType::kBoolean) {
        out += IsTrue(value) ? "true" : "false";
      } else if (const auto* text = std::get_if<std::string_view>(&value)) {
        AppendCsvField(out, *text);
      } else {
        AppendNumber(out, value);
      }
    }
    out += "\r\n";
  }
  ++num_rows_;
  sink_.MaybeFlush();
}

void ExportWriter::End() {
  if (format_ == Format::kJson) {
    std::string& out = sink_.buffer();
    out += num_rows_ == 0 ? "],\"total\":" : "\n],\"total\":";
    out += std::to_string(num_rows_);
    out += "}\n";
  }
  sink_.Flush();
}

Result<std::uint64_t> WriteExport(const ExportDataset& dataset,
                                  ExportWriter::Format format,
                                  storage::Connection& db,
                                  const ExportScope& scope, ExportSink& sink) {
  ExportWriter writer(dataset, format, sink);
  writer.Begin();
  Status status = dataset.read(
      db, scope,
      ExportRowSink([&](std::span<const ValueView> row) { writer.Row(row); }));
  if (!status.ok()) return status;
  writer.End();
  return writer.num_rows();
}

std::string_view CsvwDatatype(ColumnType type) {
  switch (type) {
    case ColumnType::kString:
      return "string";
    case ColumnType::kInteger:
      return "integer";
    case ColumnType::kDecimal:
      return "double";
    case ColumnType::kBoolean:
      return "boolean";
    case ColumnType::kDate:
      return "date";
    case ColumnType::kMonth:
      return "gYearMonth";
    case ColumnType::kDateTime:
      return "dateTime";
    case ColumnType::kUrl:
      return "anyURI";
  }
  return "string";
}

std::string CsvwMetadata(const ExportDataset& dataset, std::string_view csv_url,
                         std::string_view licence) {
  using nlohmann::json;
  json columns = json::array();
  for (const ExportColumn& column : dataset.columns) {
    columns.push_back({{"name", column.name},
                       {"titles", column.title},
                       {"dc:description", column.description},
                       {"datatype", std::string(CsvwDatatype(column.type))},
                       {"required", column.required}});
  }
  json key = dataset.primary_key.size() == 1 ? json(dataset.primary_key[0])
                                             : json(dataset.primary_key);
  json out = {
      {"@context", {"http://www.w3.org/ns/csvw", {{"@language", "en"}}}},
      {"url", std::string(csv_url)},
      {"dc:title", dataset.title},
      {"dc:description", dataset.description},
      {"dc:license", {{"@id", std::string(licence)}}},
      {"dialect", {{"header", true}, {"encoding", "utf-8"}}},
      {"tableSchema", {{"columns", columns}, {"primaryKey", key}}}};
  return out.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace smartercities::domain
