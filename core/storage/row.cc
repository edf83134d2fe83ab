#include <stdexcept>

#include "core/storage/database.h"

namespace smartercities::storage {

const Value& Row::Get(std::string_view name) const {
  for (std::size_t i = 0; i < names_->size(); ++i) {
    if ((*names_)[i] == name) return values_[i];
  }
  throw std::out_of_range("no column '" + std::string(name) + "' in the row");
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
  if (const auto* real = std::get_if<double>(&value)) {
    std::string out = std::to_string(*real);
    return out;
  }
  return std::nullopt;
}

std::int64_t Row::Integer(std::string_view name) const {
  const Value& value = Get(name);
  if (const auto* integer = std::get_if<std::int64_t>(&value)) return *integer;
  if (const auto* real = std::get_if<double>(&value)) {
    return static_cast<std::int64_t>(*real);
  }
  if (const auto* text = std::get_if<std::string>(&value)) {
    try {
      return std::stoll(*text);
    } catch (const std::exception&) {
      return 0;
    }
  }
  return 0;
}

std::optional<double> Row::OptionalReal(std::string_view name) const {
  const Value& value = Get(name);
  if (const auto* real = std::get_if<double>(&value)) return *real;
  if (const auto* integer = std::get_if<std::int64_t>(&value)) {
    return static_cast<double>(*integer);
  }
  return std::nullopt;
}

}  // namespace smartercities::storage
