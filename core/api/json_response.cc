#include "core/api/json_response.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <string>

namespace smartercities::api {
namespace {

constexpr std::size_t kMaxPage = 1000000;
constexpr std::size_t kMaxPageSize = 500;

std::variant<std::size_t, http::Response> ParsePositive(
    const http::Request& request, std::string_view name, std::size_t fallback,
    std::size_t max) {
  auto text = request.Query(name);
  if (!text) return fallback;
  std::size_t value = 0;
  auto [end, error] =
      std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc() || end != text->data() + text->size() || value < 1 ||
      value > max) {
    return http::Response::Problem(400, "Bad Request",
                                   "query parameter '" + std::string(name) +
                                       "' must be a whole number from 1 to " +
                                       std::to_string(max) + ", got '" +
                                       std::string(text->substr(0, 40)) + "'");
  }
  return value;
}

}  // namespace

std::variant<Page, http::Response> ParsePage(const http::Request& request,
                                             std::size_t default_page_size) {
  Page page;
  auto number = ParsePositive(request, "page", 1, kMaxPage);
  if (auto* problem = std::get_if<http::Response>(&number)) return *problem;
  page.page = std::get<std::size_t>(number);
  auto size =
      ParsePositive(request, "pageSize", default_page_size, kMaxPageSize);
  if (auto* problem = std::get_if<http::Response>(&size)) return *problem;
  page.page_size = std::get<std::size_t>(size);
  return page;
}

http::Route PagedRoute(std::string pattern, http::RouteOptions options,
                       PagedHandler handler) {
  options.paged = true;
  std::size_t default_page_size = options.default_page_size;
  return {"GET", std::move(pattern), "core",
          [handler = std::move(handler),
           default_page_size](http::Request& request) {
            auto page = ParsePage(request, default_page_size);
            if (auto* problem = std::get_if<http::Response>(&page)) {
              return *problem;
            }
            return handler(request, std::get<Page>(page));
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

std::variant<std::int64_t, http::Response> IdParam(const http::Request& request,
                                                   std::string_view name,
                                                   std::string_view what) {
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
    return http::Response::Problem(404, "Not Found", detail);
  }
  return id;
}

std::variant<std::map<std::string, std::string>, http::Response> StringFields(
    const http::Request& request, std::initializer_list<const char*> names) {
  std::map<std::string, std::string> out;
  if (request.body.empty()) return out;
  auto body = ReadObject(request, names);
  if (auto* problem = std::get_if<http::Response>(&body)) return *problem;
  for (const char* name : names) {
    auto value = OptionalString(std::get<nlohmann::json>(body), name);
    if (auto* problem = std::get_if<http::Response>(&value)) return *problem;
    out[name] = std::get<std::optional<std::string>>(value).value_or("");
  }
  return out;
}

std::variant<nlohmann::json, http::Response> ReadObject(
    const http::Request& request, std::initializer_list<const char*> allowed) {
  nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return http::Response::Problem(400, "Bad Request",
                                   "the body must be a JSON object");
  }
  for (const auto& item : body.items()) {
    bool known = false;
    std::string names;
    for (const char* name : allowed) {
      known = known || item.key() == name;
      names += (names.empty() ? "" : ", ") + std::string(name);
    }
    if (!known) {
      return http::Response::Problem(
          400, "Bad Request",
          item.key().substr(0, 60) + ": this field cannot be set here; " +
              (names.empty() ? "this endpoint takes no fields"
                             : "the fields are " + names));
    }
  }
  return body;
}

std::variant<std::optional<std::string>, http::Response> OptionalString(
    const nlohmann::json& body, const char* key) {
  if (!body.contains(key) || body[key].is_null()) {
    return std::optional<std::string>();
  }
  if (!body[key].is_string()) {
    return http::Response::Problem(400, "Bad Request",
                                   std::string(key) + ": must be text");
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

http::Response ProblemFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
      return http::Response::Problem(400, "Bad Request", status.message());
    case StatusCode::kUnauthenticated:
      return http::Response::Problem(401, "Unauthorized", status.message());
    case StatusCode::kPermissionDenied:
      return http::Response::Problem(403, "Forbidden", status.message());
    case StatusCode::kNotFound:
      return http::Response::Problem(404, "Not Found", status.message());
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
      return http::Response::Problem(409, "Conflict", status.message());
    case StatusCode::kResourceExhausted:
      return http::Response::Problem(429, "Too Many Requests",
                                     status.message());
    case StatusCode::kUnavailable:
      return http::Response::Problem(503, "Service Unavailable",
                                     status.message());
    default:
      return http::Response::Problem(500, "Internal Server Error",
                                     status.message());
  }
}

}  // namespace smartercities::api
