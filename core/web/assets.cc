#include "core/web/assets.h"

#include <spdlog/spdlog.h>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

namespace smartercities::web {
namespace {

std::string_view ContentType(std::string_view name) {
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (name.ends_with(".svg")) return "image/svg+xml";
  if (name.ends_with(".woff2")) return "font/woff2";
  if (name.ends_with(".png")) return "image/png";
  return "application/octet-stream";
}

std::optional<std::string> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text{std::istreambuf_iterator<char>(in),
                   std::istreambuf_iterator<char>()};
  if (in.bad()) return std::nullopt;
  return text;
}

}  // namespace

Assets Assets::Load(const std::filesystem::path& web_root) {
  Assets assets;
  if (web_root.empty()) return assets;
  std::filesystem::path folder = web_root / "assets";
  auto manifest_text = ReadFile(folder / "manifest.json");
  if (!manifest_text) {
    spdlog::warn(
        "no built web assets in {} (run scripts/setup and build); pages are "
        "served without styles and scripts",
        folder.string());
    return assets;
  }
  nlohmann::json manifest =
      nlohmann::json::parse(*manifest_text, nullptr, false);
  if (!manifest.is_object()) {
    spdlog::error("{} is not a JSON object; no web assets are served",
                  (folder / "manifest.json").string());
    return assets;
  }
  for (const auto& [name, value] : manifest.items()) {
    if (!value.is_string()) continue;
    std::string file = value.get<std::string>();
    // Only plain names inside assets/.
    if (file.empty() || file.find('/') != std::string::npos ||
        file.find("..") != std::string::npos) {
      continue;
    }
    auto body = ReadFile(folder / file);
    if (!body) {
      spdlog::error("web asset {} named in the manifest is missing",
                    (folder / file).string());
      continue;
    }
    http::Response response;
    response.SetHeader("Content-Type", ContentType(file));
    response.body = std::move(*body);
    assets.files_[file] =
        std::make_shared<const http::CachedResponse>(std::move(response), 0);
    assets.urls_[name] = "/assets/" + file;
  }
  return assets;
}

std::string Assets::Url(std::string_view name) const {
  auto found = urls_.find(name);
  return found == urls_.end() ? "" : found->second;
}

http::Response Assets::Serve(std::string_view file,
                             const http::Request& request) const {
  auto found = files_.find(file);
  if (found == files_.end()) {
    return http::Response::Problem(
        404, "Not Found",
        "there is no asset '" + std::string(file.substr(0, 100)) +
            "'; asset names change with every build, reload the page");
  }
  http::CachedAnswer answer = http::AnswerFromCache(
      *found->second, request.Header("if-none-match").value_or(""),
      request.Header("accept-encoding").value_or(""));
  http::Response response;
  response.status = answer.status;
  response.headers = std::move(answer.headers);
  // The name changes with the content, so the file never needs asking
  // about again.
  response.SetHeader("Cache-Control", "public, max-age=31536000, immutable");
  if (answer.body) response.body = *answer.body;
  return response;
}

}  // namespace smartercities::web
