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
  auto next = [](std::string_view& text) {
    long number = 0;
    std::size_t i = 0;
    for (; i < text.size() && text[i] != '.'; ++i) {
      if (text[i] < '0' || text[i] > '9') return 0L;
      number = number * 10 + (text[i] - '0');
      if (number > 1000000000L) return 1000000000L;
    }
    text.remove_prefix(i < text.size() ? i + 1 : i);
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
