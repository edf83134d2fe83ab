// text.h — the rules every value from outside meets before it is stored, in
// the core and in plugins alike: text is well-formed UTF-8, holds no control
// characters except the line breaks and tabs a field of several lines
// allows, and is measured in characters, not bytes; numbers are written in
// decimal; text written into JSON is escaped so that it stays valid JSON
// (JsonEscape).
//
//   if (auto problem = sdk::TextProblem(name, {.max_characters = 200}))
//     return response.Problem(400, "Bad Request", "name: " + *problem);
//
// Header-only, standard library only. Every function is pure and
// thread-safe; none throws.
#ifndef SMARTERCITIES_TEXT_H_
#define SMARTERCITIES_TEXT_H_

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace smartercities::sdk {

// Decodes the UTF-8 sequence that starts at text[position] (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF) and moves position
// past it. Returns nullopt, and leaves position alone, when the bytes there
// are not a well-formed sequence.
inline std::optional<char32_t> NextCodePoint(std::string_view text,
                                             std::size_t& position) {
  if (position >= text.size()) return std::nullopt;
  auto byte = [&](std::size_t i) {
    return static_cast<unsigned char>(text[position + i]);
  };
  unsigned char first = byte(0);
  if (first < 0x80) {
    ++position;
    return first;
  }
  std::size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  char32_t value = 0;
  if (first >= 0xC2 && first <= 0xDF) {
    length = 2;
    value = first & 0x1F;
  } else if (first >= 0xE0 && first <= 0xEF) {
    length = 3;
    value = first & 0x0F;
    if (first == 0xE0) low = 0xA0;   // no overlong forms
    if (first == 0xED) high = 0x9F;  // no surrogates
  } else if (first >= 0xF0 && first <= 0xF4) {
    length = 4;
    value = first & 0x07;
    if (first == 0xF0) low = 0x90;   // no overlong forms
    if (first == 0xF4) high = 0x8F;  // nothing above U+10FFFF
  } else {
    return std::nullopt;
  }
  if (text.size() - position < length) return std::nullopt;
  for (std::size_t i = 1; i < length; ++i) {
    unsigned char next = byte(i);
    unsigned char min = i == 1 ? low : 0x80;
    unsigned char max = i == 1 ? high : 0xBF;
    if (next < min || next > max) return std::nullopt;
    value = (value << 6) | (next & 0x3F);
  }
  position += length;
  return value;
}

// Whether text is well-formed UTF-8.
inline bool IsValidUtf8(std::string_view text) {
  std::size_t position = 0;
  while (position < text.size()) {
    if (!NextCodePoint(text, position)) return false;
  }
  return true;
}

// Unicode's control characters (general category Cc): U+0000 to U+001F and
// U+007F to U+009F.
constexpr bool IsControlCharacter(char32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F);
}

// The characters (Unicode code points) in text. Each byte that is not part
// of a well-formed sequence counts as one.
inline std::size_t CharacterCount(std::string_view text) {
  std::size_t count = 0;
  std::size_t position = 0;
  while (position < text.size()) {
    if (!NextCodePoint(text, position)) ++position;
    ++count;
  }
  return count;
}

// "U+0000", "U+001F", "U+10FFFF".
inline std::string CodePointName(char32_t c) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string digits;
  for (char32_t rest = c; rest != 0 || digits.size() < 4; rest >>= 4) {
    digits.insert(digits.begin(), kHex[rest & 0xF]);
  }
  return "U+" + digits;
}

// text as it can be shown in a message or a log line: well-formed characters
// as they are, except control characters, which are written as \n, \r, \t
// or \u0000, and bytes that are not UTF-8, written as \xFF. At most
// max_characters characters of text are shown, then "...".
inline std::string Printable(std::string_view text,
                             std::size_t max_characters = 80) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  std::size_t position = 0;
  std::size_t shown = 0;
  while (position < text.size()) {
    if (shown == max_characters) {
      out += "...";
      break;
    }
    ++shown;
    std::size_t start = position;
    std::optional<char32_t> c = NextCodePoint(text, position);
    if (!c) {
      auto byte = static_cast<unsigned char>(text[position++]);
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    } else if (*c == '\n') {
      out += "\\n";
    } else if (*c == '\r') {
      out += "\\r";
    } else if (*c == '\t') {
      out += "\\t";
    } else if (*c == '\\') {
      out += "\\\\";
    } else if (IsControlCharacter(*c)) {
      out += "\\u00";
      out += kHex[(*c >> 4) & 0xF];
      out += kHex[*c & 0xF];
    } else {
      out.append(text.substr(start, position - start));
    }
  }
  return out;
}

// What a text field may hold.
struct TextRules {
  std::size_t min_characters = 0;
  std::size_t max_characters = 500;
  // A field of several lines (a description) may hold line feeds, carriage
  // returns and tabs; other fields hold no control character at all.
  bool multiline = false;
};

// Why text does not meet rules, or nullopt when it does. The message says
// where the problem is and is meant to follow the field's name:
//   is not UTF-8 text (byte 0xFF at character 3); send text encoded as UTF-8
//   holds the control character U+0000 at character 2; ...
//   at most 40 characters, got 41
inline std::optional<std::string> TextProblem(std::string_view text,
                                              const TextRules& rules = {}) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::size_t position = 0;
  std::size_t characters = 0;
  while (position < text.size()) {
    ++characters;
    std::optional<char32_t> c = NextCodePoint(text, position);
    if (!c) {
      auto byte = static_cast<unsigned char>(text[position]);
      return std::string("is not UTF-8 text (byte 0x") + kHex[byte >> 4] +
             kHex[byte & 0xF] + " at character " + std::to_string(characters) +
             "); send text encoded as UTF-8";
    }
    bool allowed_break =
        rules.multiline && (*c == '\n' || *c == '\r' || *c == '\t');
    if (IsControlCharacter(*c) && !allowed_break) {
      return "holds the control character " + CodePointName(*c) +
             " at character " + std::to_string(characters) +
             (rules.multiline ? "; only line breaks and tabs are allowed"
                              : "; this field is one line of text without "
                                "control characters");
    }
  }
  if (characters < rules.min_characters) {
    return rules.min_characters == 1
               ? std::string("must not be empty")
               : "at least " + std::to_string(rules.min_characters) +
                     " characters, got " + std::to_string(characters);
  }
  if (characters > rules.max_characters) {
    return "at most " + std::to_string(rules.max_characters) +
           " characters, got " + std::to_string(characters);
  }
  return std::nullopt;
}

// A whole number written in decimal: an optional '-' and the digits 0-9,
// nothing else (no '+', no spaces, no "0x", no exponent). nullopt for
// anything else and for a number beyond the range of int64_t.
inline std::optional<std::int64_t> ParseDecimalInteger(std::string_view text) {
  std::string_view digits = text;
  if (!digits.empty() && digits.front() == '-') digits.remove_prefix(1);
  if (digits.empty() ||
      digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  std::int64_t value = 0;
  auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

// A number written in decimal: an optional '-', digits, optionally a '.'
// followed by digits, and optionally an exponent ("40100000", "1234.5",
// "-0.25", "2.5e3"). nullopt for anything else ("+1", "0x10", ".5", "5.",
// "inf", "nan", "1,5", spaces) and for a number beyond the range of a
// double.
inline std::optional<double> ParseDecimal(std::string_view text) {
  auto digits = [](std::string_view part) {
    return !part.empty() &&
           part.find_first_not_of("0123456789") == std::string_view::npos;
  };
  std::string_view rest = text;
  if (!rest.empty() && rest.front() == '-') rest.remove_prefix(1);
  std::size_t exponent = rest.find_first_of("eE");
  if (exponent != std::string_view::npos) {
    std::string_view power = rest.substr(exponent + 1);
    if (!power.empty() && (power.front() == '-' || power.front() == '+')) {
      power.remove_prefix(1);
    }
    if (!digits(power)) return std::nullopt;
    rest = rest.substr(0, exponent);
  }
  std::size_t point = rest.find('.');
  if (!digits(rest.substr(0, point)) ||
      (point != std::string_view::npos && !digits(rest.substr(point + 1)))) {
    return std::nullopt;
  }
  double value = 0;
  auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() ||
      value > std::numeric_limits<double>::max() ||
      value < std::numeric_limits<double>::lowest()) {
    return std::nullopt;
  }
  return value;
}

// Escapes text for a JSON string literal (without the quotes). Bytes that
// are not UTF-8 become U+FFFD, so that the result is always valid JSON, even
// for text a client sent that the handler did not check.
inline std::string JsonEscape(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size() + 8);
  std::size_t position = 0;
  while (position < text.size()) {
    std::size_t start = position;
    std::optional<char32_t> c = NextCodePoint(text, position);
    if (!c) {
      out += "\\ufffd";
      ++position;
      continue;
    }
    switch (*c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (*c < 0x20) {
          out += "\\u00";
          out += kHex[(*c >> 4) & 0xf];
          out += kHex[*c & 0xf];
        } else {
          out.append(text.substr(start, position - start));
        }
    }
  }
  return out;
}

}  // namespace smartercities::sdk

#endif  // SMARTERCITIES_TEXT_H_
