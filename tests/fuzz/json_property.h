// json_property.h — the property every fuzz target checks of what its
// parser accepts: it serialises as valid JSON and reads back the same, and
// its text holds no control characters but those a field allows. A value
// the parser let through that breaks this would break every API answer
// that shows it.
#ifndef SMARTERCITIES_TESTS_FUZZ_JSON_PROPERTY_H_
#define SMARTERCITIES_TESTS_FUZZ_JSON_PROPERTY_H_

#include <smartercities/text.h>

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace smartercities::fuzz {

// Aborts, saying what, unless value serialises strictly (UTF-8 checked) and
// parses back to itself.
inline void RequireJsonRoundTrip(const nlohmann::json& value,
                                 std::string_view what) {
  std::string text;
  try {
    text = value.dump();
  } catch (const nlohmann::json::exception& e) {
    std::fprintf(stderr, "%.*s does not serialise as JSON: %s\n",
                 static_cast<int>(what.size()), what.data(), e.what());
    std::abort();
  }
  nlohmann::json back = nlohmann::json::parse(text, nullptr, false);
  if (back.is_discarded() || back != value) {
    std::fprintf(stderr, "%.*s does not read back from its JSON: %s\n",
                 static_cast<int>(what.size()), what.data(), text.c_str());
    std::abort();
  }
}

// Aborts unless text is UTF-8 without control characters (line breaks and
// tabs only when multiline).
inline void RequireText(std::string_view text, bool multiline,
                        std::string_view what) {
  sdk::TextRules rules;
  rules.max_characters = static_cast<std::size_t>(-1);
  rules.multiline = multiline;
  if (auto problem = sdk::TextProblem(text, rules)) {
    std::fprintf(stderr, "%.*s: accepted text that %s\n",
                 static_cast<int>(what.size()), what.data(), problem->c_str());
    std::abort();
  }
}

}  // namespace smartercities::fuzz

#endif  // SMARTERCITIES_TESTS_FUZZ_JSON_PROPERTY_H_
