#include "core/domain/model.h"

#include <algorithm>

namespace smartercities::domain {

std::string_view ToString(Permission permission) {
  switch (permission) {
    case Permission::kPublic:
      return "public";
    case Permission::kAuthenticated:
      return "authenticated";
    case Permission::kCityEditor:
      return "city-editor";
    case Permission::kThemeEditor:
      return "theme-editor";
    case Permission::kAdmin:
      return "admin";
  }
  return "admin";
}

std::string ThemeManifest::TablePrefix() const {
  std::string prefix = id;
  std::replace(prefix.begin(), prefix.end(), '-', '_');
  return prefix + "_";
}

bool ThemeManifest::TablesOverlap(const ThemeManifest& other) const {
  std::string mine = TablePrefix();
  std::string theirs = other.TablePrefix();
  return mine.starts_with(theirs) || theirs.starts_with(mine);
}

int CompareVersions(std::string_view a, std::string_view b) {
  // The next part's number (0 when it is not one), and the text after it.
  auto next = [](std::string_view& text) {
    std::size_t dot = text.find('.');
    std::string_view part = text.substr(0, dot);
    text.remove_prefix(dot == std::string_view::npos ? text.size() : dot + 1);
    long number = 0;
    for (char c : part) {
      if (c < '0' || c > '9') return 0L;
      if (number < 1000000000L) number = number * 10 + (c - '0');
    }
    return number;
  };
  for (int part = 0; part < 3; ++part) {
    long left = next(a);
    long right = next(b);
    if (left != right) return left < right ? -1 : 1;
  }
  return 0;
}

bool ThemeManifest::SupportsEngine(std::string_view engine) const {
  if (storage_engines.empty()) return engine == "sqlite" || migrations.empty();
  return std::find(storage_engines.begin(), storage_engines.end(), engine) !=
         storage_engines.end();
}

std::string ThemeManifest::RoutePrefix() const {
  return "/api/v1/themes/" + id;
}

const RouteDeclaration* ThemeManifest::FindRoute(std::string_view method,
                                                 std::string_view path) const {
  for (const RouteDeclaration& route : routes) {
    if (route.method == method && route.path == path) return &route;
  }
  return nullptr;
}

bool IsBeforeCovenant(std::string_view date) {
  if (date.size() < 4) return false;
  // A year alone stands for its last month.
  std::string month = date.size() == 4 ? std::string(date) + "-12"
                                       : std::string(date.substr(0, 7));
  return month < kCovenantEffectiveDate.substr(0, 7);
}

std::string_view ToString(AgreementKind kind) {
  return kind == AgreementKind::kResult ? "result" : "effort";
}

std::string_view ToString(IndicatorScope scope) {
  return scope == IndicatorScope::kCity ? "city" : "network";
}

std::optional<IndicatorScope> ParseIndicatorScope(std::string_view text) {
  for (IndicatorScope scope :
       {IndicatorScope::kCity, IndicatorScope::kNetwork}) {
    if (ToString(scope) == text) return scope;
  }
  return std::nullopt;
}

}  // namespace smartercities::domain
