#include "core/http/content_negotiation.h"

#include <cctype>
#include <charconv>
#include <vector>

#include "core/http/header_text.h"

namespace smartercities::http {
namespace {

struct Range {
  std::string_view type;  // "text/csv", "text/*" or "*/*"
  double quality = 1;
};

std::vector<Range> Ranges(std::string_view accept) {
  std::vector<Range> ranges;
  while (!accept.empty()) {
    std::size_t comma = accept.find(',');
    std::string_view item = accept.substr(0, comma);
    accept = comma == std::string_view::npos ? "" : accept.substr(comma + 1);
    std::size_t semicolon = item.find(';');
    Range range{Trim(item.substr(0, semicolon))};
    while (semicolon != std::string_view::npos) {
      item = item.substr(semicolon + 1);
      semicolon = item.find(';');
      std::string_view parameter = Trim(item.substr(0, semicolon));
      if (parameter.size() > 2 &&
          (parameter[0] == 'q' || parameter[0] == 'Q') && parameter[1] == '=') {
        double quality = 1;
        auto [end, error] = std::from_chars(
            parameter.data() + 2, parameter.data() + parameter.size(), quality);
        if (error == std::errc()) range.quality = quality;
      }
    }
    if (!range.type.empty()) ranges.push_back(range);
  }
  return ranges;
}

// How well range names type: 3 exactly, 2 as "text/*", 1 as "*/*", 0 not.
int Specificity(std::string_view range, std::string_view type) {
  if (EqualsIgnoreCase(range, type)) return 3;
  if (range == "*/*") return 1;
  std::size_t slash = type.find('/');
  if (range.size() == slash + 2 && range.ends_with("/*") &&
      EqualsIgnoreCase(range.substr(0, slash), type.substr(0, slash))) {
    return 2;
  }
  return 0;
}

template <class Offered>
std::optional<std::string> NegotiateAmong(std::string_view accept,
                                          const Offered& offered) {
  if (offered.size() == 0) return std::nullopt;
  accept = Trim(accept);
  if (accept.empty()) return std::string(*offered.begin());
  std::vector<Range> ranges = Ranges(accept);
  std::string_view best;
  bool found = false;
  double best_quality = 0;
  int best_specificity = 0;
  for (std::string_view type : offered) {
    // The quality of a type is that of the most specific range naming it.
    double quality = 0;
    int specificity = 0;
    for (const Range& range : ranges) {
      int how = Specificity(range.type, type);
      if (how > specificity) {
        specificity = how;
        quality = range.quality;
      }
    }
    if (specificity == 0 || quality <= 0) continue;
    if (!found || quality > best_quality ||
        (quality == best_quality && specificity > best_specificity)) {
      best = type;
      found = true;
      best_quality = quality;
      best_specificity = specificity;
    }
  }
  if (!found) return std::nullopt;
  return std::string(best);
}

template <class Offered>
Response NotAcceptableAmong(const Offered& offered) {
  std::string names;
  for (std::string_view type : offered) {
    if (!names.empty()) names += ", ";
    names += type;
  }
  std::string detail = "this endpoint answers in ";
  detail += names;
  detail += "; ask for one of them in Accept";
  return Response::Problem(406, "Not Acceptable", detail);
}

}  // namespace

std::optional<std::string> Negotiate(
    std::string_view accept, std::initializer_list<const char*> offered) {
  return NegotiateAmong(accept, offered);
}

std::optional<std::string> Negotiate(std::string_view accept,
                                     const std::vector<std::string>& offered) {
  return NegotiateAmong(accept, offered);
}

Response NotAcceptable(std::initializer_list<const char*> offered) {
  return NotAcceptableAmong(offered);
}

Response NotAcceptable(const std::vector<std::string>& offered) {
  return NotAcceptableAmong(offered);
}

}  // namespace smartercities::http
