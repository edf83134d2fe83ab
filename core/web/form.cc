#include "core/web/form.h"

#include <cctype>

namespace smartercities::web {

std::optional<http::Pairs> ParseForm(std::string_view body) {
  // The same encoding as a query string ('+' for a space).
  return http::ParseQuery(body);
}

bool IsFormType(std::string_view content_type) {
  std::string type;
  for (char c : content_type.substr(0, content_type.find(';'))) {
    if (c == ' ' || c == '\t') continue;
    type += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return type == kFormType;
}

namespace {

std::string Lower(std::string_view text) {
  std::string out;
  for (char c : text) {
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// The value of parameter name in a header value such as
// 'form-data; name="file"; filename="a.csv"' or
// 'multipart/form-data; boundary=xyz'; nullopt when absent.
std::optional<std::string> Parameter(std::string_view value,
                                     std::string_view name) {
  std::size_t at = 0;
  while ((at = value.find(';', at)) != std::string_view::npos) {
    ++at;
    while (at < value.size() && (value[at] == ' ' || value[at] == '\t')) ++at;
    std::size_t equals = value.find('=', at);
    if (equals == std::string_view::npos) return std::nullopt;
    std::string key = Lower(value.substr(at, equals - at));
    std::size_t start = equals + 1;
    std::string text;
    std::size_t end = start;
    if (start < value.size() && value[start] == '"') {
      end = start + 1;
      while (end < value.size() && value[end] != '"') {
        if (value[end] == '\\' && end + 1 < value.size()) ++end;
        text += value[end++];
      }
      ++end;
    } else {
      end = value.find(';', start);
      if (end == std::string_view::npos) end = value.size();
      text = std::string(value.substr(start, end - start));
      while (!text.empty() && text.back() == ' ') text.pop_back();
    }
    if (key == name) return text;
    at = end;
  }
  return std::nullopt;
}

}  // namespace

bool IsMultipartType(std::string_view content_type) {
  std::string type;
  for (char c : content_type.substr(0, content_type.find(';'))) {
    if (c == ' ' || c == '\t') continue;
    type += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return type == kMultipartType;
}

std::optional<std::vector<FormPart>> ParseMultipartForm(
    std::string_view body, std::string_view content_type) {
  auto boundary = Parameter(content_type, "boundary");
  if (!boundary || boundary->empty() || boundary->size() > 200) {
    return std::nullopt;
  }
  std::string delimiter = "--" + *boundary;
  std::size_t at = body.find(delimiter);
  if (at == std::string_view::npos) return std::nullopt;
  std::vector<FormPart> parts;
  std::string next_delimiter = "\r\n" + delimiter;
  for (;;) {
    at += delimiter.size();
    if (body.substr(at, 2) == "--") return parts;  // the closing delimiter
    if (body.substr(at, 2) != "\r\n") return std::nullopt;
    at += 2;
    std::size_t headers_end = body.find("\r\n\r\n", at);
    if (headers_end == std::string_view::npos) return std::nullopt;
    FormPart part;
    bool named = false;
    std::string_view headers = body.substr(at, headers_end - at);
    while (!headers.empty()) {
      std::size_t line_end = headers.find("\r\n");
      std::string_view line = headers.substr(0, line_end);
      headers = line_end == std::string_view::npos
                    ? std::string_view()
                    : headers.substr(line_end + 2);
      std::size_t colon = line.find(':');
      if (colon == std::string_view::npos) return std::nullopt;
      if (Lower(line.substr(0, colon)) != "content-disposition") continue;
      std::string_view value = line.substr(colon + 1);
      auto name = Parameter(value, "name");
      if (!name) return std::nullopt;
      part.name = *name;
      part.filename = Parameter(value, "filename");
      named = true;
    }
    if (!named) return std::nullopt;
    std::size_t data_start = headers_end + 4;
    std::size_t data_end = body.find(next_delimiter, data_start);
    if (data_end == std::string_view::npos) return std::nullopt;
    part.data = std::string(body.substr(data_start, data_end - data_start));
    parts.push_back(std::move(part));
    at = data_end + 2;
  }
}

std::optional<http::Pairs> MultipartFields(std::string_view body,
                                           std::string_view content_type) {
  auto parts = ParseMultipartForm(body, content_type);
  if (!parts) return std::nullopt;
  http::Pairs fields;
  for (FormPart& part : *parts) {
    if (!part.filename) fields.emplace_back(part.name, std::move(part.data));
  }
  return fields;
}

std::optional<std::string> FormField(const http::Pairs& fields,
                                     std::string_view name) {
  for (const auto& [key, value] : fields) {
    if (key == name) return value;
  }
  return std::nullopt;
}

}  // namespace smartercities::web
