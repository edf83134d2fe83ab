#include "core/web/page_renderer.h"

#include <cstdint>
#include <mstch/mstch.hpp>

#include "core/web/embedded_files.h"

namespace smartercities::web {
namespace {

using nlohmann::json;

mstch::node ToNode(const json& value) {
  switch (value.type()) {
    case json::value_t::object: {
      mstch::map map;
      for (const auto& [key, item] : value.items()) {
        map.emplace(key, ToNode(item));
      }
      return map;
    }
    case json::value_t::array: {
      mstch::array array;
      array.reserve(value.size());
      for (const auto& item : value) array.push_back(ToNode(item));
      return array;
    }
    case json::value_t::string:
      return value.get<std::string>();
    case json::value_t::boolean:
      return value.get<bool>();
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return static_cast<int>(value.get<std::int64_t>());
    case json::value_t::number_float:
      return value.get<double>();
    default:
      // Mustache treats null as false: a section over it renders nothing.
      return false;
  }
}

// The keys of `reference` (dotted) that `other` lacks.
void MissingKeys(const json& reference, const json& other,
                 const std::string& prefix, std::string& missing) {
  for (const auto& [key, value] : reference.items()) {
    std::string path = prefix.empty() ? key : prefix + "." + key;
    if (!other.contains(key)) {
      missing += (missing.empty() ? "" : ", ") + path;
    } else if (value.is_object()) {
      MissingKeys(value, other[key], path, missing);
    }
  }
}

}  // namespace

std::string_view Code(Language language) {
  return language == Language::kEnglish ? "en" : "nl";
}

Result<PageRenderer> PageRenderer::Load() {
  PageRenderer renderer;
  for (const EmbeddedFile& file : EmbeddedFiles()) {
    std::string_view path = file.path;
    if (path.starts_with("templates/") && path.ends_with(".mustache")) {
      std::string name(path.substr(10, path.size() - 10 - 9));
      // Templates whose name starts with "_" are the shared parts.
      if (name.starts_with("_")) {
        renderer.partials_[name.substr(1)] = std::string(file.text);
      } else {
        renderer.templates_[name] = std::string(file.text);
      }
    } else if (path == "i18n/nl.json" || path == "i18n/en.json") {
      json parsed = json::parse(file.text, nullptr, false);
      if (parsed.is_discarded() || !parsed.is_object()) {
        return Status::InvalidArgument("web/" + std::string(path) +
                                       " is not a JSON object");
      }
      (path == "i18n/nl.json" ? renderer.dutch_ : renderer.english_) =
          std::move(parsed);
    }
  }
  std::string missing;
  MissingKeys(renderer.dutch_, renderer.english_, "", missing);
  if (!missing.empty()) {
    return Status::InvalidArgument(
        "web/i18n/en.json lacks keys that web/i18n/nl.json has: " + missing);
  }
  return renderer;
}

const nlohmann::json& PageRenderer::Translations(Language language) const {
  return language == Language::kEnglish ? english_ : dutch_;
}

const std::string* PageRenderer::Partial(std::string_view name) const {
  auto found = partials_.find(std::string(name));
  return found == partials_.end() ? nullptr : &found->second;
}

std::string PageRenderer::Text(Language language, std::string_view key) const {
  const json* node = &Translations(language);
  std::string_view rest = key;
  while (!rest.empty()) {
    std::size_t dot = rest.find('.');
    std::string part(rest.substr(0, dot));
    if (!node->is_object() || !node->contains(part)) return std::string(key);
    node = &(*node)[part];
    rest = dot == std::string_view::npos ? "" : rest.substr(dot + 1);
  }
  return node->is_string() ? node->get<std::string>() : std::string(key);
}

std::string PageRenderer::Render(std::string_view name, Language language,
                                 nlohmann::json model) const {
  auto found = templates_.find(std::string(name));
  if (found == templates_.end()) return "";
  model["t"] = Translations(language);
  model["lang"] = std::string(Code(language));
  return mstch::render(found->second, ToNode(model), partials_);
}

}  // namespace smartercities::web
