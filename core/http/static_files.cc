#include "core/http/static_files.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <utility>

namespace smartercities::http {
namespace {

std::string_view ContentType(const std::filesystem::path& file) {
  static const std::map<std::string, std::string_view> kTypes = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json"}};
  auto it = kTypes.find(file.extension().string());
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

Response NotFound(std::string_view path) {
  return Response::Problem(404, "Not Found",
                           "there is nothing at '" + std::string(path) + "'");
}

}  // namespace

Response ServeStaticFile(const std::string& web_root, std::string_view path) {
  // "//" would make the rest an absolute path of its own.
  if (path.find("..") != std::string_view::npos ||
      path.find("//") != std::string_view::npos ||
      path.find('\\') != std::string_view::npos ||
      path.find('\0') != std::string_view::npos || path.empty() ||
      path.front() != '/') {
    return NotFound(path);
  }
  std::error_code ec;
  std::filesystem::path root = std::filesystem::canonical(web_root, ec);
  if (ec) return NotFound(path);
  std::filesystem::path file = root / std::string(path.substr(1));
  if (std::filesystem::is_directory(file, ec)) file /= "index.html";
  std::filesystem::path resolved = std::filesystem::canonical(file, ec);
  if (ec) return NotFound(path);
  // A link inside the web root must not lead out of it.
  auto [root_end, ignored] =
      std::mismatch(root.begin(), root.end(), resolved.begin(), resolved.end());
  if (root_end != root.end() ||
      !std::filesystem::is_regular_file(resolved, ec)) {
    return NotFound(path);
  }
  std::ifstream in(resolved, std::ios::binary);
  if (!in) return NotFound(path);
  std::string body{std::istreambuf_iterator<char>(in),
                   std::istreambuf_iterator<char>()};
  if (in.bad()) return NotFound(path);
  Response response;
  response.SetHeader("Content-Type", ContentType(resolved));
  response.SetHeader("Cache-Control", "no-cache");
  response.body = std::move(body);
  return response;
}

}  // namespace smartercities::http
