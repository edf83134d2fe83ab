// view_helpers.h — what the site's page handlers share to build their view
// models: the enabled themes, the cities, numbers and dates written for a
// reader of the page's language, and texts with the language they are in.
// Stateless apart from the database reads; thread-safe.
#ifndef SMARTERCITIES_CORE_WEB_VIEW_HELPERS_H_
#define SMARTERCITIES_CORE_WEB_VIEW_HELPERS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"
#include "core/domain/model.h"
#include "core/domain/word_diff.h"
#include "core/web/site.h"

namespace smartercities::web {

struct CityRow {
  std::string cbs_code;
  std::string name;
  std::string network;
  std::string member_since;
};

// The themes whose module is enabled now, in id order.
Result<std::vector<domain::ThemeManifest>> EnabledThemes(Site& site);

// The enabled theme with this id, or nullopt.
std::optional<domain::ThemeManifest> EnabledTheme(Site& site,
                                                  std::string_view id);

// The path parameter name as a positive whole number (an id), or nullopt.
std::optional<std::int64_t> PathId(const http::Request& request,
                                   std::string_view name);

// A public page: the response cache keeps it until the data changes.
http::RouteOptions PublicPageOptions(std::string summary);

// A public page that also depends on today's date (whether a year is over,
// a deadline's status): the response cache keeps it per calendar day (UTC)
// as well.
http::RouteOptions DatedPublicPageOptions(std::string summary);

// A page that no cache may keep: a form, or a page showing the caller's
// own next step.
http::Response NoStore(http::Response response);

// 303 See Other to location: the answer to a form that was handled.
http::Response Redirect(const std::string& location);

// What the API's problem answer says (its detail), or the start of its
// body when it is no problem document.
std::string ProblemDetail(const http::Response& answer);

// A field a 400 names and what is wrong with it.
struct FieldProblem {
  std::string name;  // the API's path: "title", "partners.cities[0]"
  std::string reason;
};

// The fields answer (a 400) names: every entry of its invalidParams (a body
// that breaks the API's schema), or else the field its detail starts with
// ("lead: there is no city ..."). Empty for another status or a detail that
// names no field.
std::vector<FieldProblem> FieldProblems(const http::Response& answer);

// Where a form shows the API's answer to it: each field problem whose name
// field_of maps to a field of the form, next to that field (errors, by the
// form's field name); the others above the form, or the answer's detail
// when no problem has a field of the form.
struct PlacedProblems {
  std::map<std::string, std::string> errors;
  std::string above;
};
PlacedProblems PlaceProblems(
    const http::Response& answer,
    const std::function<std::optional<std::string>(const std::string& name)>&
        field_of);

// Every city of the covenant by CBS code.
Result<std::map<std::string, CityRow>> Cities(Site& site);

// A text in the page's language, or the Dutch one when there is no
// translation: {"text": ..., "lang": "nl"|"en"}.
nlohmann::json Localized(const domain::LocalizedText& text, Language language);

// 1234.5 as "1.234,5" (Dutch) or "1,234.5" (English); at most two decimals.
std::string FormatNumber(double value, Language language);

// A value with its unit: "55,5%", "1.200 woningen", "behaald".
std::string FormatValue(double value, const std::string& unit,
                        Language language, const nlohmann::json& t);

// "2014-09" as "september 2014", "2013-12-31" as "31 december 2013",
// "2014" as "2014".
std::string FormatDate(std::string_view date, const nlohmann::json& t);

// Links of the site.
std::string ThemeUrl(const std::string& theme, Language language);
std::string AgreementUrl(const std::string& theme, const std::string& letter,
                         Language language);
std::string IndicatorUrl(const std::string& indicator, Language language);
std::string CityUrl(const std::string& cbs_code, Language language);

// The word diff of the domain (core/domain/word_diff.h), for the pages.
using domain::WordDiff;

// Whether value meets the indicator's target in its direction.
bool TargetReached(const domain::Indicator& indicator, double value);

}  // namespace smartercities::web

#endif  // SMARTERCITIES_CORE_WEB_VIEW_HELPERS_H_
