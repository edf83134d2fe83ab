#include "core/domain/word_diff.h"

#include <algorithm>
#include <vector>

namespace smartercities::domain {
namespace {

using nlohmann::json;

std::vector<std::string> SplitWords(const std::string& text) {
  std::vector<std::string> words;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find(' ', at);
    if (end == std::string::npos) end = text.size();
    if (end > at) words.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  return words;
}

}  // namespace

json WordDiff(const std::string& before, const std::string& after) {
  std::vector<std::string> a = SplitWords(before);
  std::vector<std::string> b = SplitWords(after);
  // The longest common subsequence of words, by dynamic programming.
  std::vector<std::vector<int>> common(a.size() + 1,
                                       std::vector<int>(b.size() + 1, 0));
  for (std::size_t i = a.size(); i-- > 0;) {
    for (std::size_t j = b.size(); j-- > 0;) {
      common[i][j] = a[i] == b[j]
                         ? common[i + 1][j + 1] + 1
                         : std::max(common[i + 1][j], common[i][j + 1]);
    }
  }
  json runs = json::array();
  auto add = [&](const char* kind, const std::string& word) {
    if (!runs.empty() && runs.back().contains(kind)) {
      runs.back()["text"] = runs.back()["text"].get<std::string>() + " " + word;
    } else {
      runs.push_back({{"text", word}, {kind, true}});
    }
  };
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() || j < b.size()) {
    if (i < a.size() && j < b.size() && a[i] == b[j]) {
      add("same", a[i]);
      ++i;
      ++j;
    } else if (i < a.size() &&
               (j == b.size() || common[i + 1][j] >= common[i][j + 1])) {
      // What went before what came in its place.
      add("del", a[i++]);
    } else {
      add("ins", b[j++]);
    }
  }
  return runs;
}

}  // namespace smartercities::domain
