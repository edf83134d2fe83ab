// assets.h — the built styles and scripts (web/build.mjs writes them into
// <web root>/assets with a hash of their content in their names, and
// assets/manifest.json), read once at start-up and served from memory with
// a strong ETag, gzip and a year of caching: a changed file gets a new name.
//
// Thread-safety: immutable after Load; Serve may run on any thread.
#ifndef SMARTERCITIES_CORE_WEB_ASSETS_H_
#define SMARTERCITIES_CORE_WEB_ASSETS_H_

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/http/message.h"
#include "core/http/response_cache.h"

namespace smartercities::web {

class Assets {
 public:
  // Reads <web_root>/assets/manifest.json and the files it names. Without
  // a web root or a manifest there are no assets (pages still work, without
  // styles and scripts); a manifest naming a missing file is logged.
  static Assets Load(const std::filesystem::path& web_root);

  // The URL of a built asset by its logical name ("site.css"), or "".
  std::string Url(std::string_view name) const;

  // The answer for GET /assets/<file>: the file with Cache-Control
  // immutable, 304 for a matching If-None-Match, gzip when accepted; 404
  // for a name that is not a built asset.
  http::Response Serve(std::string_view file,
                       const http::Request& request) const;

 private:
  std::map<std::string, std::string, std::less<>> urls_;
  std::map<std::string, std::shared_ptr<const http::CachedResponse>,
           std::less<>>
      files_;
};

}  // namespace smartercities::web

#endif  // SMARTERCITIES_CORE_WEB_ASSETS_H_
