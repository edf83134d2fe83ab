#include "core/web/view_helpers.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "core/domain/covenant_term.h"

namespace smartercities::web {

using nlohmann::json;

Result<std::vector<domain::ThemeManifest>> EnabledThemes(Site& site) {
  auto ids = site.catalog().ThemeIds();
  if (!ids.ok()) return ids.status();
  std::vector<domain::ThemeManifest> themes;
  for (const std::string& id : *ids) {
    if (!site.modules().IsEnabled(id)) continue;
    auto theme = site.catalog().GetTheme(id);
    if (!theme.ok()) return theme.status();
    if (theme->has_value()) themes.push_back(std::move(**theme));
  }
  return themes;
}

std::optional<domain::ThemeManifest> EnabledTheme(Site& site,
                                                  std::string_view id) {
  auto themes = EnabledThemes(site);
  if (!themes.ok()) return std::nullopt;
  for (auto& theme : *themes) {
    if (theme.id == id) return std::move(theme);
  }
  return std::nullopt;
}

std::optional<std::int64_t> PathId(const http::Request& request,
                                   std::string_view name) {
  std::string_view text = request.Param(name);
  std::int64_t id = 0;
  auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id < 1) {
    return std::nullopt;
  }
  return id;
}

http::RouteOptions PublicPageOptions(std::string summary) {
  http::RouteOptions options;
  options.permission = "public";
  options.cacheable = true;
  options.summary = std::move(summary);
  return options;
}

http::RouteOptions DatedPublicPageOptions(std::string summary) {
  http::RouteOptions options = PublicPageOptions(std::move(summary));
  options.cache_variant = [](const http::Request&) {
    return domain::TodayUtc();
  };
  return options;
}

http::Response NoStore(http::Response response) {
  response.SetHeader("Cache-Control", "no-store");
  return response;
}

http::Response Redirect(const std::string& location) {
  http::Response response;
  response.status = 303;
  response.SetHeader("Location", location);
  response.SetHeader("Cache-Control", "no-store");
  return response;
}

std::string ProblemDetail(const http::Response& answer) {
  nlohmann::json problem = nlohmann::json::parse(answer.body, nullptr, false);
  if (problem.is_object() && problem.contains("detail") &&
      problem["detail"].is_string()) {
    return problem["detail"].get<std::string>();
  }
  return answer.body.substr(0, 300);
}

std::vector<FieldProblem> FieldProblems(const http::Response& answer) {
  std::vector<FieldProblem> problems;
  if (answer.status != 400) return problems;
  nlohmann::json problem = nlohmann::json::parse(answer.body, nullptr, false);
  if (problem.is_object() && problem.contains("invalidParams") &&
      problem["invalidParams"].is_array()) {
    for (const nlohmann::json& param : problem["invalidParams"]) {
      if (!param.is_object()) continue;
      std::string name = param.value("name", "");
      std::string reason = param.value("reason", "");
      if (!name.empty()) problems.push_back({name, reason});
    }
    if (!problems.empty()) return problems;
  }
  std::string detail = ProblemDetail(answer);
  std::size_t colon = detail.find(": ");
  if (colon != std::string::npos) {
    problems.push_back({detail.substr(0, colon), detail.substr(colon + 2)});
  }
  return problems;
}

PlacedProblems PlaceProblems(
    const http::Response& answer,
    const std::function<std::optional<std::string>(const std::string& name)>&
        field_of) {
  PlacedProblems placed;
  std::string elsewhere;
  for (const FieldProblem& problem : FieldProblems(answer)) {
    if (std::optional<std::string> field = field_of(problem.name)) {
      placed.errors.emplace(*field, problem.reason);
    } else {
      if (!elsewhere.empty()) elsewhere += "; ";
      elsewhere += problem.name + ": " + problem.reason;
    }
  }
  placed.above = placed.errors.empty() ? ProblemDetail(answer) : elsewhere;
  return placed;
}

Result<std::map<std::string, CityRow>> Cities(Site& site) {
  std::map<std::string, CityRow> cities;
  Status status = site.database().Read([&](storage::Connection& db) {
    return db.Execute(
        "SELECT cbs_code, name, network, member_since FROM cities", {},
        [&](const storage::Row& row) {
          CityRow city{row.Text("cbs_code"), row.Text("name"),
                       row.Text("network"), row.Text("member_since")};
          cities.emplace(city.cbs_code, std::move(city));
          return true;
        });
  });
  if (!status.ok()) return status;
  return cities;
}

json Localized(const domain::LocalizedText& text, Language language) {
  if (language == Language::kEnglish && !text.en.empty()) {
    return {{"text", text.en}, {"lang", "en"}};
  }
  return {{"text", text.nl}, {"lang", "nl"}};
}

std::string FormatNumber(double value, Language language) {
  char buffer[64];
  double rounded = std::round(value * 100) / 100;
  std::snprintf(buffer, sizeof(buffer), "%.2f", std::fabs(rounded));
  std::string digits(buffer);
  std::string whole = digits.substr(0, digits.find('.'));
  std::string fraction = digits.substr(digits.find('.') + 1);
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  char thousands = language == Language::kDutch ? '.' : ',';
  char decimal = language == Language::kDutch ? ',' : '.';
  std::string grouped;
  for (std::size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) grouped += thousands;
    grouped += whole[i];
  }
  std::string out = (rounded < 0 ? "-" : "") + grouped;
  if (!fraction.empty()) out += decimal + fraction;
  return out;
}

std::string FormatValue(double value, const std::string& unit,
                        Language language, const json& t) {
  if (unit == "milestone") {
    return value >= 1 ? t["units"]["milestoneDone"].get<std::string>()
                      : t["units"]["milestoneOpen"].get<std::string>();
  }
  std::string number = FormatNumber(value, language);
  if (unit == "percent") return number + "%";
  if (t["units"].contains(unit)) {
    std::string label = t["units"][unit].get<std::string>();
    return label.empty() ? number : number + " " + label;
  }
  return number + " " + unit;
}

std::string FormatDate(std::string_view date, const json& t) {
  if (date.size() < 7) return std::string(date);
  int month = std::atoi(std::string(date.substr(5, 2)).c_str());
  if (month < 1 || month > 12) return std::string(date);
  std::string out = t["months"][month - 1].get<std::string>() + " " +
                    std::string(date.substr(0, 4));
  if (date.size() >= 10) {
    out = std::to_string(std::atoi(std::string(date.substr(8, 2)).c_str())) +
          " " + out;
  }
  return out;
}

std::string ThemeUrl(const std::string& theme, Language language) {
  return Localize("/themas/" + theme, language);
}

std::string AgreementUrl(const std::string& theme, const std::string& letter,
                         Language language) {
  return Localize("/themas/" + theme + "/afspraken/" + letter, language);
}

std::string IndicatorUrl(const std::string& indicator, Language language) {
  return Localize("/indicatoren/" + indicator, language);
}

std::string CityUrl(const std::string& cbs_code, Language language) {
  return Localize("/steden/" + cbs_code, language);
}

bool TargetReached(const domain::Indicator& indicator, double value) {
  return indicator.direction == "decrease" ? value <= indicator.target
                                           : value >= indicator.target;
}

}  // namespace smartercities::web
