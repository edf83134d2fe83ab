// json.h — a small JSON reader and writer for plugins, so that a plugin
// can read a request body and write an answer with the standard library
// alone (the SDK's register, register.h, is built on it). A plugin is free
// to use any JSON library it likes instead, privately.
//
//   auto body = sdk::ParseJson(request.body());
//   if (auto* problem = std::get_if<std::string>(&body))
//     return response.Problem(400, "Bad Request", *problem);
//   const sdk::JsonValue& value = std::get<sdk::JsonValue>(body);
//   if (const sdk::JsonValue* name = value.Find("name"); name &&
//       name->is_string()) { ... }
//
// ParseJson follows RFC 8259: it refuses what is not JSON, a string that is
// not UTF-8 and nesting deeper than max_depth. Header-only, standard library
// only. JsonValue is a plain value: copy it freely; reading it from several
// threads is safe. No function here throws, except on running out of
// memory.
#ifndef SMARTERCITIES_JSON_H_
#define SMARTERCITIES_JSON_H_

#include <smartercities/text.h>

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <locale>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <variant>
#include <vector>

namespace smartercities::sdk {

// One JSON value: null, true or false, a number, a string, an array or an
// object (its members in the order they were written).
class JsonValue {
 public:
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
  using Members = std::vector<std::pair<std::string, JsonValue>>;

  JsonValue() = default;
  static JsonValue Bool(bool value) {
    JsonValue out;
    out.type_ = Type::kBool;
    out.boolean_ = value;
    return out;
  }
  // A number; integer when it was written without fraction or exponent
  // and fits in 64 bits.
  static JsonValue Number(double value, std::optional<std::int64_t> integer) {
    JsonValue out;
    out.type_ = Type::kNumber;
    out.number_ = value;
    out.integer_ = integer;
    return out;
  }
  static JsonValue String(std::string value) {
    JsonValue out;
    out.type_ = Type::kString;
    out.text_ = std::move(value);
    return out;
  }
  static JsonValue Array(std::vector<JsonValue> items) {
    JsonValue out;
    out.type_ = Type::kArray;
    out.items_ = std::move(items);
    return out;
  }
  static JsonValue Object(Members members) {
    JsonValue out;
    out.type_ = Type::kObject;
    out.members_ = std::move(members);
    return out;
  }

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::kNull; }
  bool is_bool() const { return type_ == Type::kBool; }
  bool is_number() const { return type_ == Type::kNumber; }
  bool is_integer() const { return is_number() && integer_.has_value(); }
  bool is_string() const { return type_ == Type::kString; }
  bool is_array() const { return type_ == Type::kArray; }
  bool is_object() const { return type_ == Type::kObject; }

  // The value as the type says; false, 0, "" or empty otherwise.
  bool boolean() const { return boolean_; }
  double number() const { return number_; }
  std::int64_t integer() const {
    return integer_ ? *integer_ : static_cast<std::int64_t>(number_);
  }
  const std::string& text() const { return text_; }
  const std::vector<JsonValue>& items() const { return items_; }
  const Members& members() const { return members_; }

  // The object's member called key (the last one, when a key is written
  // twice), or nullptr.
  const JsonValue* Find(std::string_view key) const {
    const JsonValue* found = nullptr;
    for (const auto& [name, value] : members_) {
      if (name == key) found = &value;
    }
    return found;
  }

  // The value as compact JSON text.
  std::string Dump() const;

 private:
  Type type_ = Type::kNull;
  bool boolean_ = false;
  double number_ = 0;
  std::optional<std::int64_t> integer_;
  std::string text_;
  std::vector<JsonValue> items_;
  Members members_;
};

// A finite number as JSON, the shortest text that reads back as the same
// double; an integral one with ".0" ("130.0"), as the platform writes
// reals. Infinity and NaN, which JSON cannot hold, come out as null.
inline std::string JsonNumber(double value) {
  if (!std::isfinite(value)) return "null";
  char buffer[64];
  auto written = std::to_chars(buffer, buffer + sizeof buffer, value);
  std::string out(buffer, written.ptr);
  if (out.find_first_of(".e") == std::string::npos) out += ".0";
  return out;
}

// text as a JSON string literal, with the quotes. Bytes that are not UTF-8
// become U+FFFD, so the result is always valid JSON.
inline std::string JsonString(std::string_view text) {
  std::string out = "\"";
  out += JsonEscape(text);
  out += '"';
  return out;
}

inline std::string JsonValue::Dump() const {
  switch (type_) {
    case Type::kNull:
      return "null";
    case Type::kBool:
      return boolean_ ? "true" : "false";
    case Type::kNumber:
      return integer_ ? std::to_string(*integer_) : JsonNumber(number_);
    case Type::kString:
      return JsonString(text_);
    case Type::kArray: {
      std::string out = "[";
      for (std::size_t i = 0; i < items_.size(); ++i) {
        if (i > 0) out += ',';
        out += items_[i].Dump();
      }
      return out + "]";
    }
    case Type::kObject: {
      std::string out = "{";
      for (std::size_t i = 0; i < members_.size(); ++i) {
        if (i > 0) out += ',';
        out += JsonString(members_[i].first);
        out += ':';
        out += members_[i].second.Dump();
      }
      return out + "}";
    }
  }
  return "null";
}

namespace detail {

class JsonReader {
 public:
  JsonReader(std::string_view text, int max_depth)
      : text_(text), max_depth_(max_depth) {}

  std::variant<JsonValue, std::string> Read() {
    SkipSpace();
    std::optional<JsonValue> value = Value(0);
    if (!value) return problem_;
    SkipSpace();
    if (position_ != text_.size()) {
      Fail("unexpected text after the value");
      return problem_;
    }
    return std::move(*value);
  }

 private:
  void Fail(std::string what) {
    if (problem_.empty()) {
      problem_ = "the body is not valid JSON: at character " +
                 std::to_string(position_ + 1) + ": " + what;
    }
  }
  void SkipSpace() {
    while (position_ < text_.size() &&
           (text_[position_] == ' ' || text_[position_] == '\t' ||
            text_[position_] == '\n' || text_[position_] == '\r')) {
      ++position_;
    }
  }
  bool Literal(std::string_view word) {
    if (text_.substr(position_, word.size()) != word) return false;
    position_ += word.size();
    return true;
  }

  std::optional<JsonValue> Value(int depth) {
    if (position_ >= text_.size()) {
      Fail("the text ends where a value should be");
      return std::nullopt;
    }
    char c = text_[position_];
    if (c == '{' || c == '[') {
      if (depth >= max_depth_) {
        Fail("nests deeper than " + std::to_string(max_depth_) + " levels");
        return std::nullopt;
      }
      return c == '{' ? Object(depth + 1) : Array(depth + 1);
    }
    if (c == '"') {
      std::optional<std::string> text = String();
      if (!text) return std::nullopt;
      return JsonValue::String(std::move(*text));
    }
    if (Literal("true")) return JsonValue::Bool(true);
    if (Literal("false")) return JsonValue::Bool(false);
    if (Literal("null")) return JsonValue();
    if (c == '-' || (c >= '0' && c <= '9')) return Number();
    Fail("expected a value");
    return std::nullopt;
  }

  std::optional<JsonValue> Number() {
    std::size_t start = position_;
    auto digits = [&] {
      std::size_t first = position_;
      while (position_ < text_.size() && text_[position_] >= '0' &&
             text_[position_] <= '9') {
        ++position_;
      }
      return position_ - first;
    };
    if (text_[position_] == '-') ++position_;
    std::size_t integer_start = position_;
    std::size_t integer_digits = digits();
    if (integer_digits == 0 ||
        (integer_digits > 1 && text_[integer_start] == '0')) {
      Fail("malformed number");
      return std::nullopt;
    }
    bool is_integer = true;
    if (position_ < text_.size() && text_[position_] == '.') {
      ++position_;
      is_integer = false;
      if (digits() == 0) {
        Fail("malformed number");
        return std::nullopt;
      }
    }
    if (position_ < text_.size() &&
        (text_[position_] == 'e' || text_[position_] == 'E')) {
      ++position_;
      is_integer = false;
      if (position_ < text_.size() &&
          (text_[position_] == '+' || text_[position_] == '-')) {
        ++position_;
      }
      if (digits() == 0) {
        Fail("malformed number");
        return std::nullopt;
      }
    }
    std::string_view lexeme = text_.substr(start, position_ - start);
    // Read in the classic locale, whatever the process's is; std::from_chars
    // for double is missing from some standard libraries (libc++ 14).
    std::istringstream in{std::string(lexeme)};
    in.imbue(std::locale::classic());
    double value = 0;
    in >> value;
    if (in.fail() || !std::isfinite(value)) {
      Fail("the number " + std::string(lexeme) + " is too large");
      return std::nullopt;
    }
    std::optional<std::int64_t> integer;
    if (is_integer) {
      std::int64_t exact = 0;
      auto [integer_end, integer_error] =
          std::from_chars(lexeme.data(), lexeme.data() + lexeme.size(), exact);
      if (integer_error == std::errc() &&
          integer_end == lexeme.data() + lexeme.size()) {
        integer = exact;
      }
    }
    return JsonValue::Number(value, integer);
  }

  std::optional<unsigned> Hex4() {
    if (text_.size() - position_ < 4) return std::nullopt;
    unsigned value = 0;
    for (int i = 0; i < 4; ++i) {
      char c = text_[position_++];
      value <<= 4;
      if (c >= '0' && c <= '9') {
        value |= static_cast<unsigned>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        value |= static_cast<unsigned>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        value |= static_cast<unsigned>(c - 'A' + 10);
      } else {
        return std::nullopt;
      }
    }
    return value;
  }

  static void AppendUtf8(std::string& out, char32_t c) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }

  std::optional<std::string> String() {
    ++position_;  // the opening quote
    std::string out;
    while (true) {
      if (position_ >= text_.size()) {
        Fail("a string is not closed");
        return std::nullopt;
      }
      char c = text_[position_];
      if (c == '"') {
        ++position_;
        return out;
      }
      if (static_cast<unsigned char>(c) < 0x20) {
        Fail("a control character must be escaped in a string");
        return std::nullopt;
      }
      if (c != '\\') {
        std::size_t start = position_;
        if (!NextCodePoint(text_, position_)) {
          Fail("a string is not UTF-8");
          return std::nullopt;
        }
        out.append(text_.substr(start, position_ - start));
        continue;
      }
      ++position_;
      if (position_ >= text_.size()) {
        Fail("a string is not closed");
        return std::nullopt;
      }
      char escape = text_[position_++];
      switch (escape) {
        case '"':
        case '\\':
        case '/':
          out += escape;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          std::optional<unsigned> unit = Hex4();
          if (!unit) {
            Fail("malformed \\u escape");
            return std::nullopt;
          }
          char32_t code_point = *unit;
          if (*unit >= 0xD800 && *unit <= 0xDBFF) {
            std::optional<unsigned> low;
            if (Literal("\\u")) low = Hex4();
            if (!low || *low < 0xDC00 || *low > 0xDFFF) {
              Fail("a \\u escape holds half a surrogate pair");
              return std::nullopt;
            }
            code_point = 0x10000 + ((*unit - 0xD800) << 10) + (*low - 0xDC00);
          } else if (*unit >= 0xDC00 && *unit <= 0xDFFF) {
            Fail("a \\u escape holds half a surrogate pair");
            return std::nullopt;
          }
          AppendUtf8(out, code_point);
          break;
        }
        default:
          Fail("unknown escape in a string");
          return std::nullopt;
      }
    }
  }

  std::optional<JsonValue> Array(int depth) {
    ++position_;
    std::vector<JsonValue> items;
    SkipSpace();
    if (position_ < text_.size() && text_[position_] == ']') {
      ++position_;
      return JsonValue::Array(std::move(items));
    }
    while (true) {
      SkipSpace();
      std::optional<JsonValue> item = Value(depth);
      if (!item) return std::nullopt;
      items.push_back(std::move(*item));
      SkipSpace();
      if (position_ < text_.size() && text_[position_] == ',') {
        ++position_;
        continue;
      }
      if (position_ < text_.size() && text_[position_] == ']') {
        ++position_;
        return JsonValue::Array(std::move(items));
      }
      Fail("expected ',' or ']'");
      return std::nullopt;
    }
  }

  std::optional<JsonValue> Object(int depth) {
    ++position_;
    JsonValue::Members members;
    SkipSpace();
    if (position_ < text_.size() && text_[position_] == '}') {
      ++position_;
      return JsonValue::Object(std::move(members));
    }
    while (true) {
      SkipSpace();
      if (position_ >= text_.size() || text_[position_] != '"') {
        Fail("expected a member's name in quotes");
        return std::nullopt;
      }
      std::optional<std::string> key = String();
      if (!key) return std::nullopt;
      SkipSpace();
      if (position_ >= text_.size() || text_[position_] != ':') {
        Fail("expected ':'");
        return std::nullopt;
      }
      ++position_;
      SkipSpace();
      std::optional<JsonValue> value = Value(depth);
      if (!value) return std::nullopt;
      members.emplace_back(std::move(*key), std::move(*value));
      SkipSpace();
      if (position_ < text_.size() && text_[position_] == ',') {
        ++position_;
        continue;
      }
      if (position_ < text_.size() && text_[position_] == '}') {
        ++position_;
        return JsonValue::Object(std::move(members));
      }
      Fail("expected ',' or '}'");
      return std::nullopt;
    }
  }

  std::string_view text_;
  int max_depth_;
  std::size_t position_ = 0;
  std::string problem_;
};

}  // namespace detail

// Parses text as one JSON value: the value, or a problem a person can act
// on ("the body is not valid JSON: at character 12: expected ':'").
inline std::variant<JsonValue, std::string> ParseJson(std::string_view text,
                                                      int max_depth = 32) {
  return detail::JsonReader(text, max_depth).Read();
}

}  // namespace smartercities::sdk

#endif  // SMARTERCITIES_JSON_H_
