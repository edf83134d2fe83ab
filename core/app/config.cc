#include "core/app/config.h"

#include <charconv>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

namespace smartercities::app {
namespace {

using nlohmann::json;

std::filesystem::path FirstExisting(
    const std::vector<std::filesystem::path>& candidates) {
  std::error_code ec;
  for (const auto& candidate : candidates) {
    if (std::filesystem::is_directory(candidate, ec)) {
      return std::filesystem::weakly_canonical(candidate, ec);
    }
  }
  return candidates.front();
}

Status ParseInt(std::string_view text, long min, long max,
                const std::string& what, long& out) {
  long value = 0;
  auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < min ||
      value > max) {
    return Status::InvalidArgument(
        what + ": must be a whole number from " + std::to_string(min) + " to " +
        std::to_string(max) + ", got '" + std::string(text) + "'");
  }
  out = value;
  return Status::Ok();
}

}  // namespace

Status ApplySetting(std::string_view name, const std::string& value,
                    const std::string& where, Config& config) {
  long number = 0;
  if (name == "host") {
    if (value.empty())
      return Status::InvalidArgument(where + ": must not be empty");
    config.host = value;
  } else if (name == "port") {
    Status s = ParseInt(value, 0, 65535, where, number);
    if (!s.ok()) return s;
    config.port = static_cast<std::uint16_t>(number);
  } else if (name == "data-dir") {
    config.data_dir = value;
  } else if (name == "database") {
    if (!value.empty() && !value.starts_with("postgresql://") &&
        !value.starts_with("postgres://")) {
      return Status::InvalidArgument(
          where +
          ": must be a PostgreSQL URL (postgresql://user@host:5432/name); "
          "leave it out to keep the data in the SQLite file in --data-dir");
    }
    config.database_url = value;
  } else if (name == "plugin-dir") {
    config.plugin_dir = value;
  } else if (name == "web-root") {
    config.web_root = value;
  } else if (name == "tls-cert" || name == "tls-key") {
    if (value.empty()) {
      return Status::InvalidArgument(where +
                                     ": must name a PEM file, not be empty");
    }
    if (name == "tls-cert") {
      config.tls_cert_file = value;
    } else {
      config.tls_key_file = value;
    }
  } else if (name == "threads" || name == "io-threads") {
    Status s = ParseInt(value, 1, 64, where, number);
    if (!s.ok()) return s;
    config.io_threads = static_cast<int>(number);
  } else if (name == "worker-threads") {
    Status s = ParseInt(value, 1, 256, where, number);
    if (!s.ok()) return s;
    config.worker_threads = static_cast<int>(number);
  } else if (name == "search-threads") {
    Status s = ParseInt(value, 1, 256, where, number);
    if (!s.ok()) return s;
    config.search_threads = static_cast<int>(number);
  } else if (name == "module-threads") {
    Status s = ParseInt(value, 1, 256, where, number);
    if (!s.ok()) return s;
    config.module_threads = static_cast<int>(number);
  } else if (name == "module-share") {
    Status s = ParseInt(value, 1, 256, where, number);
    if (!s.ok()) return s;
    config.module_share = static_cast<int>(number);
  } else if (name == "handler-deadline-ms") {
    Status s = ParseInt(value, 10, 600000, where, number);
    if (!s.ok()) return s;
    config.handler_deadline_ms = static_cast<int>(number);
  } else if (name == "public-origin") {
    std::vector<std::string> origins;
    std::stringstream list(value);
    std::string origin;
    while (std::getline(list, origin, ',')) {
      while (!origin.empty() && origin.front() == ' ') origin.erase(0, 1);
      while (!origin.empty() && origin.back() == ' ') origin.pop_back();
      std::string lower = origin;
      for (char& c : lower) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      static const std::regex kOrigin(
          R"(https?://([a-z0-9.-]+|\[[0-9a-f:.]+\])(:[0-9]{1,5})?)");
      if (!std::regex_match(lower, kOrigin)) {
        return Status::InvalidArgument(
            where + ": '" + origin +
            "' is not an origin; write scheme://host[:port] without a path, "
            "e.g. https://dsa.example.nl (several: separated by commas)");
      }
      origins.push_back(lower);
    }
    if (origins.empty()) {
      return Status::InvalidArgument(where + ": name at least one origin");
    }
    config.public_origins = std::move(origins);
  } else if (name == "body-min-rate") {
    Status s = ParseInt(value, 1, 1L << 30, where, number);
    if (!s.ok()) return s;
    config.body_min_bytes_per_second = static_cast<std::size_t>(number);
  } else if (name == "document-limit-bytes") {
    Status s = ParseInt(value, 1024, 1L << 30, where, number);
    if (!s.ok()) return s;
    config.document_limit_bytes = static_cast<std::size_t>(number);
  } else if (name == "login-failures-per-client") {
    Status s = ParseInt(value, 0, 100000, where, number);
    if (!s.ok()) return s;
    config.login_failures_per_client = static_cast<int>(number);
  } else if (name == "metrics-token-file") {
    if (value.empty()) {
      return Status::InvalidArgument(where +
                                     ": must name a file, not be empty");
    }
    config.metrics_token_file = value;
  } else if (name == "metrics-public") {
    if (value != "true" && value != "false") {
      return Status::InvalidArgument(where + ": must be true or false, got '" +
                                     value + "'");
    }
    config.metrics_public = value == "true";
  } else if (name == "monitoring-address") {
    std::string host;
    std::uint16_t port = 0;
    Status s = ParseHostPort(value, where, host, port);
    if (!s.ok()) return s;
    config.monitoring_address = value;
  } else if (name == "log-format") {
    if (value != "text" && value != "json") {
      return Status::InvalidArgument(
          where + ": must be 'text' or 'json', got '" + value + "'");
    }
    config.log_format = value;
  } else if (name == "log-level") {
    if (value != "debug" && value != "info" && value != "warn" &&
        value != "error") {
      return Status::InvalidArgument(
          where + ": must be debug, info, warn or error, got '" + value + "'");
    }
    config.log_level = value;
  } else if (name == "public-base-url") {
    static const std::regex kBase(R"(https?://[^\s/?#]+(/[^\s?#]*)?)");
    if (!std::regex_match(value, kBase)) {
      return Status::InvalidArgument(
          where + ": '" + value +
          "' is not an http(s) URL; write the address the platform is "
          "reached at, e.g. https://dsa.example.nl");
    }
    config.public_base_url = value;
    while (config.public_base_url.back() == '/') {
      config.public_base_url.pop_back();
    }
  } else if (name == "catalog-publisher") {
    if (value.empty()) {
      return Status::InvalidArgument(where + ": name who publishes the data");
    }
    config.catalog_publisher = value;
  } else if (name == "catalog-licence") {
    static const std::regex kIri(R"([a-z][a-z0-9+.-]*:[^\s]+)");
    if (!std::regex_match(value, kIri)) {
      return Status::InvalidArgument(
          where + ": '" + value +
          "' is not an IRI; write the licence's URL, e.g. "
          "http://creativecommons.org/licenses/by/4.0/");
    }
    config.catalog_licence = value;
  } else if (name == "catalog-contact-email") {
    static const std::regex kEmail(R"([^\s@]+@[^\s@]+\.[^\s@]+)");
    if (!value.empty() && !std::regex_match(value, kEmail)) {
      return Status::InvalidArgument(where + ": '" + value +
                                     "' is not an e-mail address");
    }
    config.catalog_contact_email = value;
  } else if (name == "enable-new-modules") {
    if (value != "true" && value != "false") {
      return Status::InvalidArgument(where + ": must be true or false, got '" +
                                     value + "'");
    }
    config.enable_new_modules = value == "true";
  } else if (name == "enable-rescanned-modules") {
    if (value != "true" && value != "false") {
      return Status::InvalidArgument(where + ": must be true or false, got '" +
                                     value + "'");
    }
    config.enable_rescanned_modules = value == "true";
  } else {
    return Status::InvalidArgument(where + ": unknown setting");
  }
  return Status::Ok();
}

namespace {

// Config file keys are the flag names in lowerCamelCase.
std::string FlagName(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (std::isupper(static_cast<unsigned char>(c))) {
      out += '-';
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

Config DefaultConfig(const std::filesystem::path& exe_path) {
  Config config;
  std::filesystem::path bin = exe_path.parent_path();
  config.plugin_dir =
      FirstExisting({bin / ".." / "plugins",
                     bin / ".." / "lib" / "smartercities" / "plugins"});
  config.web_root = FirstExisting(
      {bin / ".." / "share" / "smartercities" / "web", bin / ".." / "web",
#ifdef SMARTERCITIES_SOURCE_WEB_ROOT
       SMARTERCITIES_SOURCE_WEB_ROOT
#endif
      });
  return config;
}

Status ApplyConfigFile(const std::filesystem::path& file, Config& config) {
  std::ifstream in(file);
  if (!in) {
    return Status::NotFound("config file '" + file.string() +
                            "' cannot be read");
  }
  std::stringstream text;
  text << in.rdbuf();
  json root;
  // A syntax error is a parse_error, a number too large for a double (1e999)
  // an out_of_range.
  try {
    root = json::parse(text.str());
  } catch (const json::exception& e) {
    return Status::InvalidArgument("config file '" + file.string() +
                                   "' is not valid JSON: " + e.what());
  }
  if (!root.is_object()) {
    return Status::InvalidArgument("config file '" + file.string() +
                                   "' must hold a JSON object");
  }
  for (const auto& [key, value] : root.items()) {
    std::string where = file.string() + ": " + key;
    if (key == "plugins") {
      if (!value.is_object()) {
        return Status::InvalidArgument(where +
                                       ": must be an object of plugin "
                                       "ids to objects of settings");
      }
      for (const auto& [plugin, settings] : value.items()) {
        if (!settings.is_object()) {
          return Status::InvalidArgument(where + "." + plugin +
                                         ": must be an object");
        }
        for (const auto& [setting, setting_value] : settings.items()) {
          if (!setting_value.is_string()) {
            return Status::InvalidArgument(where + "." + plugin + "." +
                                           setting + ": must be a string");
          }
          config.plugin_config[plugin][setting] =
              setting_value.get<std::string>();
        }
      }
      continue;
    }
    std::string text_value;
    if (key == "publicOrigin" && value.is_array()) {
      for (const auto& origin : value) {
        if (!origin.is_string()) {
          return Status::InvalidArgument(where + ": must be strings");
        }
        text_value +=
            (text_value.empty() ? "" : ",") + origin.get<std::string>();
      }
    } else if (value.is_string()) {
      text_value = value.get<std::string>();
    } else if (value.is_number_integer() || value.is_boolean()) {
      text_value = value.dump();
    } else {
      return Status::InvalidArgument(where +
                                     ": must be a string, number or "
                                     "boolean");
    }
    Status status = ApplySetting(FlagName(key), text_value, where, config);
    if (!status.ok()) return status;
  }
  return Status::Ok();
}

Status CheckConfig(const Config& config) {
  if (config.tls_cert_file.empty() != config.tls_key_file.empty()) {
    return Status::InvalidArgument(
        config.tls_cert_file.empty()
            ? "--tls-key '" + config.tls_key_file.string() +
                  "' needs --tls-cert (tlsCert) too; set both or neither"
            : "--tls-cert '" + config.tls_cert_file.string() +
                  "' needs --tls-key (tlsKey) too; set both or neither");
  }
  return Status::Ok();
}

Status ParseHostPort(const std::string& text, const std::string& where,
                     std::string& host, std::uint16_t& port) {
  std::size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return Status::InvalidArgument(
        where + ": write ADDRESS:PORT, e.g. 127.0.0.1:9100, got '" + text +
        "'");
  }
  host = text.substr(0, colon);
  if (host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  long number = 0;
  Status status = ParseInt(std::string_view(text).substr(colon + 1), 0, 65535,
                           where + ": the port", number);
  if (!status.ok()) return status;
  port = static_cast<std::uint16_t>(number);
  if (host.empty()) {
    return Status::InvalidArgument(where + ": the address is missing");
  }
  return Status::Ok();
}

std::vector<std::string> AllowedOrigins(const Config& config,
                                        std::uint16_t port) {
  if (!config.public_origins.empty()) return config.public_origins;
  bool tls = !config.tls_cert_file.empty();
  std::string scheme = tls ? "https://" : "http://";
  // A browser leaves the scheme's own port out of the Origin.
  std::string port_suffix = ":";
  port_suffix += std::to_string(port);
  std::vector<std::string> suffixes = {port_suffix};
  if (port == (tls ? 443 : 80)) suffixes.push_back("");
  std::vector<std::string> names;
  const std::string& host = config.host;
  if (host == "127.0.0.1" || host == "::1" || host == "localhost" ||
      host == "0.0.0.0" || host == "::") {
    names = {"127.0.0.1", "localhost", "[::1]"};
  } else if (host.find(':') != std::string::npos) {
    std::string bracketed = "[";
    bracketed += host;
    bracketed += ']';
    names = {bracketed};
  } else {
    names = {host};
  }
  std::vector<std::string> origins;
  for (const std::string& name : names) {
    for (const std::string& suffix : suffixes) {
      std::string origin = scheme;
      origin += name;
      origin += suffix;
      for (char& c : origin) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      origins.push_back(origin);
    }
  }
  return origins;
}

std::string PublicBaseUrl(const Config& config, std::uint16_t port) {
  if (!config.public_base_url.empty()) return config.public_base_url;
  if (!config.public_origins.empty()) return config.public_origins.front();
  std::string out = config.tls_cert_file.empty() ? "http://" : "https://";
  const std::string& host = config.host;
  if (host == "0.0.0.0" || host == "::" || host == "::1" || host.empty()) {
    out += "127.0.0.1";
  } else if (host.find(':') != std::string::npos) {
    out += '[';
    out += host;
    out += ']';
  } else {
    out += host;
  }
  out += ':';
  out += std::to_string(port);
  return out;
}

}  // namespace smartercities::app
