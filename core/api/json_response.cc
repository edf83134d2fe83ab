#include "core/api/json_response.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <string>

namespace smartercities::api {
namespace {

constexpr std::size_t kMaxPage = 1000000;
constexpr std::size_t kMaxPageSize = 500;

Result<std::size_t> ParsePositive(const http::Request& request,
                                  std::string_view name, std::size_t fallback,
                                  std::size_t max) {
  auto text = request.Query(name);
  if (!text) return fallback;
  std::size_t value = 0;
  auto [end, error] =
      std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc() || end != text->data() + text->size() || value < 1 ||
      value > max) {
    return Status::InvalidArgument("query parameter '" + std::string(name) +
                                   "' must be a whole number from 1 to " +
                                   std::to_string(max) + ", got '" +
                                   std::string(text->substr(0, 40)) + "'");
  }
  return value;
}

}  // namespace

Result<Page> ParsePage(const http::Request& request,
                       std::size_t default_page_size) {
  Result<std::size_t> number = ParsePositive(request, "page", 1, kMaxPage);
  if (!number.ok()) return number.status();
  Result<std::size_t> size =
      ParsePositive(request, "pageSize", default_page_size, kMaxPageSize);
  if (!size.ok()) return size.status();
  return Page{*number, *size};
}

http::Route PagedRoute(std::string pattern, http::RouteOptions options,
                       PagedHandler handler) {
  options.paged = true;
  std::size_t default_page_size = options.default_page_size;
  return {"GET", std::move(pattern), "core",
          [handler = std::move(handler),
           default_page_size](http::Request& request) {
            Result<Page> page = ParsePage(request, default_page_size);
            if (!page.ok()) return ProblemFor(page.status());
            return handler(request, *page);
          },
          std::move(options)};
}

http::QueryParam QueryParameter(std::string name, std::string description,
                                const nlohmann::json& schema, bool required) {
  return {std::move(name), std::move(description), schema.dump(), required};
}

nlohmann::json MonthSchema() {
  return {{"type", "string"}, {"pattern", "^[0-9]{4}-[0-9]{2}$"}};
}

http::Response Collection(const nlohmann::json& all_items, const Page& page) {
  nlohmann::json items = nlohmann::json::array();
  std::size_t start = (page.page - 1) * page.page_size;
  for (std::size_t i = start;
       i < all_items.size() && i < start + page.page_size; ++i) {
    items.push_back(all_items[i]);
  }
  return Json(200, {{"items", items},
                    {"total", all_items.size()},
                    {"page", page.page},
                    {"pageSize", page.page_size}});
}

http::Response CollectionPage(nlohmann::json page_items, std::int64_t total,
                              const Page& page) {
  return Json(200, {{"items", std::move(page_items)},
                    {"total", total},
                    {"page", page.page},
                    {"pageSize", page.page_size}});
}

Result<std::int64_t> IdParam(const http::Request& request,
                             std::string_view name, std::string_view what) {
  std::string_view text = request.Param(name);
  std::int64_t id = 0;
  auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id < 1) {
    std::string detail = "there is no ";
    detail += what;
    detail += " '";
    detail += text.substr(0, 40);
    detail += "'; an id is a whole number";
    return Status::NotFound(std::move(detail));
  }
  return id;
}

Result<std::map<std::string, std::string>> StringFields(
    const http::Request& request, std::initializer_list<const char*> names) {
  std::map<std::string, std::string> out;
  if (request.body.empty()) return out;
  Result<nlohmann::json> body = ReadObject(request, names);
  if (!body.ok()) return body.status();
  for (const char* name : names) {
    Result<std::optional<std::string>> value = OptionalString(*body, name);
    if (!value.ok()) return value.status();
    out[name] = value->value_or("");
  }
  return out;
}

Result<nlohmann::json> ReadObject(const http::Request& request,
                                  std::initializer_list<const char*> allowed) {
  nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return Status::InvalidArgument("the body must be a JSON object");
  }
  for (const auto& item : body.items()) {
    bool known = false;
    std::string names;
    for (const char* name : allowed) {
      known = known || item.key() == name;
      names += (names.empty() ? "" : ", ") + std::string(name);
    }
    if (!known) {
      return Status::InvalidArgument(
          item.key().substr(0, 60) + ": this field cannot be set here; " +
          (names.empty() ? "this endpoint takes no fields"
                         : "the fields are " + names));
    }
  }
  return body;
}

Result<std::optional<std::string>> OptionalString(const nlohmann::json& body,
                                                  const char* key) {
  if (!body.contains(key) || body[key].is_null()) {
    return std::optional<std::string>();
  }
  if (!body[key].is_string()) {
    return Status::InvalidArgument(std::string(key) + ": must be text");
  }
  return std::optional<std::string>(body[key].get<std::string>());
}

void LogSecurityEvent(const std::string& message) {
  static std::shared_ptr<spdlog::logger> logger = [] {
    if (auto existing = spdlog::get("security")) return existing;
    auto made = spdlog::default_logger()->clone("security");
    spdlog::register_logger(made);
    return made;
  }();
  logger->warn("{}", message);
}

http::Response Json(int status, const nlohmann::json& body) {
  try {
    return http::Response::Json(status, body.dump());
  } catch (const nlohmann::json::type_error& e) {
    // Stored text that is not UTF-8 must not make a read fail: it is
    // replaced (U+FFFD) and the operator told where to look.
    spdlog::warn(
        "an answer held text that is not valid UTF-8; it was replaced: {}",
        e.what());
    return http::Response::Json(
        status,
        body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
}

namespace {

int HttpStatusOf(StatusCode code) {
  switch (code) {
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
      return 409;
    case StatusCode::kResourceExhausted:
      return 429;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kOk:
    case StatusCode::kInternal:
      break;
  }
  // An ok Status is a fault of the caller's: there is nothing to report.
  return 500;
}

}  // namespace

http::Response ProblemFor(const Status& status) {
  return ProblemFor(HttpStatusOf(status.code()), status.message());
}

http::Response ProblemFor(int http_status, std::string_view detail) {
  return http::Response::Problem(http_status, http::ReasonPhrase(http_status),
                                 detail);
}

}  // namespace smartercities::api
