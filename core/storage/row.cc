#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <system_error>

#include "core/storage/database.h"

namespace smartercities::storage {
namespace {

// The shortest text that reads back as the same number; whole numbers keep
// a ".0" so that they still read as reals ("2.0", "2.5", "1e+20").
std::string RealText(double real) {
  if (std::isnan(real)) return "NaN";
  if (std::isinf(real)) return real > 0 ? "Inf" : "-Inf";
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, real);
  std::string text(buffer, end);
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

// As SQLite's CAST(real AS INTEGER): toward zero, clamped to the range.
std::int64_t RealToInteger(double real) {
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  if (std::isnan(real)) return 0;
  if (real <= static_cast<double>(kMin)) return kMin;
  if (real >= static_cast<double>(kMax)) return kMax;
  return static_cast<std::int64_t>(real);
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

std::string_view Trimmed(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

// As SQLite's CAST(text AS INTEGER): the leading integer, 0 when there is
// none, clamped to the range.
std::int64_t TextToInteger(std::string_view text) {
  text = Trimmed(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  std::int64_t value = 0;
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range) {
    return !text.empty() && text.front() == '-'
               ? std::numeric_limits<std::int64_t>::min()
               : std::numeric_limits<std::int64_t>::max();
  }
  return ec == std::errc() ? value : 0;
}

// The number that all of text spells, or nullopt.
std::optional<double> TextToReal(std::string_view text) {
  text = Trimmed(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  double value = 0;
  const char* last = text.data() + text.size();
  auto [end, ec] = std::from_chars(text.data(), last, value);
  if (text.empty() || ec != std::errc() || end != last) return std::nullopt;
  return value;
}

}  // namespace

std::string_view EngineName(Engine engine) {
  return engine == Engine::kPostgres ? "postgresql" : "sqlite";
}

const Value& Row::Get(std::string_view name) const {
  for (std::size_t i = 0; i < names_->size() && i < values_.size(); ++i) {
    if ((*names_)[i] == name) return values_[i];
  }
  std::string known;
  for (const std::string& column : *names_) {
    known += known.empty() ? "" : ", ";
    known += column;
  }
  throw std::out_of_range("no column '" + std::string(name) +
                          "' in the row (it has: " + known + ")");
}

bool Row::IsNull(std::string_view name) const {
  return std::holds_alternative<std::nullptr_t>(Get(name));
}

std::string Row::Text(std::string_view name) const {
  return OptionalText(name).value_or("");
}

std::optional<std::string> Row::OptionalText(std::string_view name) const {
  const Value& value = Get(name);
  if (const auto* text = std::get_if<std::string>(&value)) return *text;
  if (const auto* integer = std::get_if<std::int64_t>(&value)) {
    return std::to_string(*integer);
  }
  if (const auto* real = std::get_if<double>(&value)) return RealText(*real);
  return std::nullopt;
}

std::int64_t Row::Integer(std::string_view name) const {
  const Value& value = Get(name);
  if (const auto* integer = std::get_if<std::int64_t>(&value)) return *integer;
  if (const auto* real = std::get_if<double>(&value)) {
    return RealToInteger(*real);
  }
  if (const auto* text = std::get_if<std::string>(&value)) {
    return TextToInteger(*text);
  }
  return 0;
}

std::optional<double> Row::OptionalReal(std::string_view name) const {
  const Value& value = Get(name);
  if (const auto* real = std::get_if<double>(&value)) return *real;
  if (const auto* integer = std::get_if<std::int64_t>(&value)) {
    return static_cast<double>(*integer);
  }
  if (const auto* text = std::get_if<std::string>(&value)) {
    return TextToReal(*text);
  }
  return std::nullopt;
}

}  // namespace smartercities::storage
