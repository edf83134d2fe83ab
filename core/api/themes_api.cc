// The covenant's themes, agreements and indicators:
//   GET /api/v1/themes
//   GET /api/v1/themes/{theme}
//   GET /api/v1/themes/{theme}/agreements
//   GET /api/v1/themes/{theme}/agreements/{letter}
//   GET /api/v1/themes/{theme}/indicators
//   GET /api/v1/indicators/{indicator}
// A theme whose module is switched off is absent: its URLs answer 404.
#include <optional>
#include <string>

#include "core/api/api_context.h"
#include "core/api/json_response.h"

namespace smartercities::api {
namespace {

using nlohmann::json;

json LocalizedJson(const domain::LocalizedText& text) {
  json out = {{"nl", text.nl}};
  if (!text.en.empty()) out["en"] = text.en;
  return out;
}

std::string ThemeUrl(const std::string& id) { return "/api/v1/themes/" + id; }

json AgreementJson(const std::string& theme, const domain::Agreement& a) {
  json dates = json::array();
  for (const auto& date : a.dates) {
    dates.push_back({{"date", date.date},
                     {"text", date.text},
                     {"kind", date.kind},
                     {"beforeCovenant", domain::IsBeforeCovenant(date.date)}});
  }
  json numbers = json::array();
  for (const auto& number : a.numbers) {
    numbers.push_back({{"value", number.value},
                       {"unit", number.unit},
                       {"text", number.text}});
  }
  json out = {{"id", theme + "/" + a.letter},
              {"theme", theme},
              {"letter", a.letter},
              {"kind", std::string(domain::ToString(a.kind))},
              {"goal", a.goal},
              {"text", a.text},
              {"notes", a.notes},
              {"parties", a.parties},
              {"dates", dates},
              {"numbers", numbers},
              {"indicators", a.indicators},
              {"url", ThemeUrl(theme) + "/agreements/" + a.letter}};
  out["topic"] = a.topic.empty() ? json(nullptr) : json(a.topic);
  out["preamble"] = a.preamble.empty() ? json(nullptr) : json(a.preamble);
  return out;
}

json IndicatorJson(const std::string& theme, const domain::Indicator& i) {
  json agreements = json::array();
  for (const auto& letter : i.agreements)
    agreements.push_back(theme + "/" + letter);
  json out = {{"id", i.id},
              {"theme", theme},
              {"name", LocalizedJson(i.name)},
              {"unit", i.unit},
              {"kind", i.kind},
              {"target", i.target},
              {"deadline", i.deadline},
              {"beforeCovenant", domain::IsBeforeCovenant(i.deadline)},
              {"direction", i.direction},
              {"scope", std::string(domain::ToString(i.scope))},
              {"cities", i.cities},
              {"agreements", agreements},
              {"url", "/api/v1/indicators/" + i.id}};
  out["description"] =
      i.description.nl.empty() ? json(nullptr) : LocalizedJson(i.description);
  out["baseline"] = i.baseline ? json(*i.baseline) : json(nullptr);
  return out;
}

json ThemeSummaryJson(const domain::ThemeManifest& theme) {
  json leaders = json::array();
  for (const auto& leader : theme.leaders) {
    json item = {{"name", leader.name}};
    item["cbsCode"] =
        leader.cbs_code.empty() ? json(nullptr) : json(leader.cbs_code);
    leaders.push_back(item);
  }
  std::size_t results = 0;
  for (const auto& a : theme.agreements) {
    if (a.kind == domain::AgreementKind::kResult) ++results;
  }
  return {{"id", theme.id},
          {"name", LocalizedJson(theme.name)},
          {"leaders", leaders},
          {"version", theme.version},
          {"numAgreements", theme.agreements.size()},
          {"numResultAgreements", results},
          {"numEffortAgreements", theme.agreements.size() - results},
          {"numIndicators", theme.indicators.size()},
          {"url", ThemeUrl(theme.id)}};
}

json ThemeJson(const domain::ThemeManifest& theme) {
  json out = ThemeSummaryJson(theme);
  out["introduction"] = LocalizedJson(theme.introduction);
  json challenges = json::array();
  for (const auto& challenge : theme.challenges) {
    challenges.push_back(LocalizedJson(challenge));
  }
  out["challenges"] = challenges;
  json panels = json::array();
  for (const auto& panel : theme.panels) {
    panels.push_back({{"id", panel.id},
                      {"title", LocalizedJson(panel.title)},
                      {"endpoint", ThemeUrl(theme.id) + panel.endpoint},
                      {"view", panel.view}});
  }
  out["panels"] = panels;
  out["agreementsUrl"] = ThemeUrl(theme.id) + "/agreements";
  out["indicatorsUrl"] = ThemeUrl(theme.id) + "/indicators";
  return out;
}

http::RouteOptions ReadOptions(std::string summary) {
  http::RouteOptions options;
  options.permission = "public";
  options.cacheable = true;
  options.summary = std::move(summary);
  options.tag = "themes";
  options.body_limit_bytes = 0;
  return options;
}

Status Add(ApiContext& context, std::string pattern, std::string summary,
           http::Handler handler) {
  return context.router->Add({"GET", std::move(pattern), "core",
                              std::move(handler),
                              ReadOptions(std::move(summary))});
}

Status AddPaged(ApiContext& context, std::string pattern,
                http::RouteOptions options, PagedHandler handler) {
  return context.router->Add(
      PagedRoute(std::move(pattern), std::move(options), std::move(handler)));
}

}  // namespace

Status RegisterThemeRoutes(ApiContext& context) {
  ApiContext* ctx = &context;
  Status status = AddPaged(context, "/api/v1/themes",
                           ReadOptions("List the themes of the agenda"),
                           [ctx](http::Request&, const Page& page) {
                             auto ids = ctx->catalog.ThemeIds();
                             if (!ids.ok()) return ProblemFor(ids.status());
                             json items = json::array();
                             for (const std::string& id : *ids) {
                               if (!ctx->modules.IsEnabled(id)) continue;
                               auto theme = ctx->catalog.GetTheme(id);
                               if (!theme.ok())
                                 return ProblemFor(theme.status());
                               if (theme->has_value())
                                 items.push_back(ThemeSummaryJson(**theme));
                             }
                             return Collection(items, page);
                           });
  if (!status.ok()) return status;

  status = Add(context, "/api/v1/themes/{theme}",
               "A theme with its introduction, challenges and panels",
               [ctx](http::Request& request) {
                 auto theme = LoadTheme(*ctx, request.Param("theme"));
                 if (!theme.ok()) return ProblemFor(theme.status());
                 return Json(200, ThemeJson(*theme));
               });
  if (!status.ok()) return status;

  http::RouteOptions agreements = ReadOptions(
      "The theme's result and effort agreements, in the covenant's order");
  agreements.query = {
      QueryParameter("kind", "Only the agreements of this kind",
                     {{"type", "string"}, {"enum", {"result", "effort"}}})};
  status = AddPaged(
      context, "/api/v1/themes/{theme}/agreements", agreements,
      [ctx](http::Request& request, const Page& page) {
        auto theme = LoadTheme(*ctx, request.Param("theme"));
        if (!theme.ok()) return ProblemFor(theme.status());
        const auto& manifest = *theme;
        auto kind = request.Query("kind");
        if (kind && *kind != "result" && *kind != "effort") {
          return ProblemFor(Status::InvalidArgument(
              "query parameter 'kind' must be 'result' or 'effort', got '" +
              std::string(*kind) + "'"));
        }
        json items = json::array();
        for (const auto& agreement : manifest.agreements) {
          if (kind && domain::ToString(agreement.kind) != *kind) continue;
          items.push_back(AgreementJson(manifest.id, agreement));
        }
        return Collection(items, page);
      });
  if (!status.ok()) return status;

  status = Add(
      context, "/api/v1/themes/{theme}/agreements/{letter}",
      "One agreement with its text, parties, dates and version history",
      [ctx](http::Request& request) {
        auto theme = LoadTheme(*ctx, request.Param("theme"));
        if (!theme.ok()) return ProblemFor(theme.status());
        const auto& manifest = *theme;
        std::string_view letter = request.Param("letter");
        for (const auto& agreement : manifest.agreements) {
          if (agreement.letter != letter) continue;
          json out = AgreementJson(manifest.id, agreement);
          auto history = ctx->catalog.AgreementHistory(manifest.id + "/" +
                                                       agreement.letter);
          if (!history.ok()) return ProblemFor(history.status());
          json versions = json::array();
          for (const auto& version : *history) {
            versions.push_back({{"version", version.version},
                                {"text", version.text},
                                {"source", version.source},
                                {"recordedAt", version.recorded_at}});
          }
          out["history"] = versions;
          return Json(200, out);
        }
        return ProblemFor(Status::NotFound(
            "theme '" + manifest.id + "' has no agreement '" +
            std::string(letter) + "'; its letters run from '" +
            (manifest.agreements.empty() ? std::string("-")
                                         : manifest.agreements.front().letter) +
            "' to '" +
            (manifest.agreements.empty() ? std::string("-")
                                         : manifest.agreements.back().letter) +
            "'"));
      });
  if (!status.ok()) return status;

  status = AddPaged(
      context, "/api/v1/themes/{theme}/indicators",
      ReadOptions("What the theme measures, with targets and deadlines"),
      [ctx](http::Request& request, const Page& page) {
        auto theme = LoadTheme(*ctx, request.Param("theme"));
        if (!theme.ok()) return ProblemFor(theme.status());
        const auto& manifest = *theme;
        json items = json::array();
        for (const auto& indicator : manifest.indicators) {
          items.push_back(IndicatorJson(manifest.id, indicator));
        }
        return Collection(items, page);
      });
  if (!status.ok()) return status;

  return Add(context, "/api/v1/indicators/{indicator}",
             "One indicator with its target, deadline and agreements",
             [ctx](http::Request& request) {
               std::string_view id = request.Param("indicator");
               auto record = ctx->catalog.GetIndicator(id);
               if (!record.ok()) return ProblemFor(record.status());
               if (!record->has_value() ||
                   !ctx->modules.IsEnabled((*record)->theme_id)) {
                 return ProblemFor(Status::NotFound(
                     "there is no indicator '" + std::string(id) +
                     "'; GET /api/v1/themes/{theme}/indicators lists a "
                     "theme's indicators"));
               }
               return Json(200, IndicatorJson((*record)->theme_id,
                                              (*record)->indicator));
             });
}

Result<domain::ThemeManifest> LoadTheme(ApiContext& context,
                                        std::string_view id) {
  auto missing = [&] {
    return Status::NotFound("there is no theme '" + std::string(id) +
                            "'; GET /api/v1/themes lists the themes");
  };
  if (!context.modules.IsEnabled(id)) return missing();
  auto theme = context.catalog.GetTheme(id);
  if (!theme.ok()) return theme.status();
  if (!theme->has_value()) return missing();
  return std::move(**theme);
}

}  // namespace smartercities::api
