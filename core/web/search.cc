#include "core/web/search.h"

#include <cctype>

namespace smartercities::web {
namespace {

// The plain letter of a two-byte UTF-8 Latin-1 letter (é, ë, ï, ...), or 0.
char Unaccent(unsigned char lead, unsigned char next) {
  if (lead != 0xC3) return 0;
  static const char kMap[] =
      "aaaaaaaceeeeiiiidnooooo/ouuuuyps"   // 0x80..0x9F (upper case)
      "aaaaaaaceeeeiiiidnooooo/ouuuuypy";  // 0xA0..0xBF (lower case)
  if (next < 0x80 || next > 0xBF) return 0;
  char plain = kMap[next - 0x80];
  return plain == '/' ? 0 : plain;
}

}  // namespace

std::vector<std::string> SearchWords(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  auto flush = [&] {
    if (!word.empty()) words.push_back(std::move(word));
    word.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (std::isalnum(c)) {
      word += static_cast<char>(std::tolower(c));
    } else if (c >= 0x80 && i + 1 < text.size()) {
      char plain = Unaccent(c, static_cast<unsigned char>(text[i + 1]));
      if (plain != 0) {
        word += plain;
        ++i;
      } else {
        flush();
      }
    } else {
      flush();
    }
  }
  flush();
  return words;
}

int SearchScore(const std::vector<std::string>& query,
                const std::vector<std::string>& words) {
  if (query.empty()) return 0;
  int score = 0;
  for (const std::string& wanted : query) {
    int hits = 0;
    for (const std::string& word : words) {
      if (word.starts_with(wanted))
        hits += word.size() == wanted.size() ? 2 : 1;
    }
    if (hits == 0) return 0;
    score += hits;
  }
  return score;
}

}  // namespace smartercities::web
