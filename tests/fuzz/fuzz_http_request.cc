// Sends arbitrary bytes to the running platform: app::Platform is started
// once per process, as `smartercities serve` starts it (the real HTTP
// server on 127.0.0.1 and a free port, the access check, the core's API
// routes, the metrics, a scratch SQLite database and web root, and one
// theme plugin, Groene Stad, loaded through the real loader, so that the
// theme, indicator and figure routes and a plugin's own routes answer), and
// each input is written to a fresh loopback connection, which is then
// half-closed and read until the server closes it. The server's limits are
// the defaults a deployment runs with. The plugin itself is not
// instrumented (it links with -z defs); the host's side of every call is.
//
// Placeholders in the input stand for credentials the fuzzer cannot guess:
// "@ADMIN@" becomes the administrator's API token, "@CITY@" the token of a
// city editor for GM0307 (Amersfoort), "@THEME@" the token of a theme
// editor for groene-stad, "@SESSION@" the session cookie of
// the first administrator's login and "@CSRF@" its CSRF token. When an
// input revokes one, logs out or the like, a new one is made.
//
// A finding is a sanitizer report anywhere in the process, an error the
// server logs (a handler that threw on input it should have refused, an
// exception on an I/O thread), a file from outside the web root in a
// response, a server that stops answering, an answer of a JSON type whose
// body is not valid JSON (UTF-8 included), or a write the server accepted
// after which a read of what it may have changed (the plugin's registers,
// accounts, tokens, figures, the audit trail) fails or is not valid JSON:
// whatever is accepted must read back and serialise as JSON.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/app/config.h"
#include "core/app/platform.h"
#include "core/auth/principal.h"
#include "core/auth/token_service.h"

namespace {

namespace fs = std::filesystem;
namespace app = smartercities::app;

constexpr std::string_view kAdminPlaceholder = "@ADMIN@";
constexpr std::string_view kCityEditorPlaceholder = "@CITY@";
constexpr std::string_view kThemeEditorPlaceholder = "@THEME@";
constexpr std::string_view kSessionPlaceholder = "@SESSION@";
constexpr std::string_view kCsrfPlaceholder = "@CSRF@";
constexpr std::string_view kAdminPassword = "fuzzing-harness-7q4v-kx9w";
// Stored beside the web root; no response may ever contain it. The control
// characters keep the server from echoing it: it writes request text back
// only inside JSON, which escapes them.
constexpr std::string_view kOutsideCanary = "canary\x01outside\x02the-web-root";
// How long to wait for the server to answer and close; well under
// libFuzzer's -timeout, so that a hang is reported with this input.
constexpr std::chrono::milliseconds kAnswerTimeout{5000};
constexpr std::size_t kMaxResponseBytes = 4 * 1024 * 1024;

// Collects what the server logs as errors.
class ErrorSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  std::string Take() {
    std::lock_guard lock(mutex_);
    return std::exchange(errors_, {});
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override {
    errors_.append(message.payload.data(), message.payload.size());
    errors_ += '\n';
  }
  void flush_() override {}

 private:
  std::string errors_;
};

struct Fixture {
  fs::path dir;
  std::shared_ptr<ErrorSink> errors;
  std::unique_ptr<app::Platform> platform;
  std::uint16_t port = 0;
  std::unique_ptr<smartercities::auth::TokenService> tokens;
  std::string admin_token;
  std::string city_token;
  std::string theme_token;
  std::string session;
  std::string csrf;
  std::chrono::steady_clock::time_point next_check;
  std::chrono::steady_clock::time_point next_login;
};

Fixture* fixture = nullptr;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "fuzz_http_request: %s\n", what.c_str());
  std::abort();
}

void WriteFile(const fs::path& file, std::string_view text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) Die("cannot write " + file.string());
}

std::string ReadFile(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void RemoveScratch() {
  if (fixture == nullptr) return;
  std::error_code ec;
  fs::remove_all(fixture->dir, ec);
}

void StartPlatform() {
  fixture = new Fixture();
  spdlog::set_level(spdlog::level::off);
  fixture->errors = std::make_shared<ErrorSink>();
  auto http_logger = std::make_shared<spdlog::logger>("http", fixture->errors);
  http_logger->set_level(spdlog::level::err);
  spdlog::register_logger(http_logger);

  fixture->dir = fs::temp_directory_path() /
                 ("smartercities-fuzz-http-" + std::to_string(::getpid()));
  fs::remove_all(fixture->dir);
  fs::create_directories(fixture->dir / "plugins");
  // The plugin and its sidecar manifest, as the build leaves them.
  fs::path plugin = SMARTERCITIES_FUZZ_PLUGIN;
  fs::path sidecar = plugin;
  sidecar += ".json";
  fs::copy_file(plugin, fixture->dir / "plugins" / plugin.filename());
  fs::copy_file(sidecar, fixture->dir / "plugins" / sidecar.filename());
  fs::create_directories(fixture->dir / "web" / "assets");
  WriteFile(fixture->dir / "web" / "index.html",
            "<!doctype html><title>Smarter Cities</title>");
  WriteFile(fixture->dir / "web" / "assets" / "app.js", "console.log(1);");
  WriteFile(fixture->dir / "secret.txt", kOutsideCanary);
  std::atexit(RemoveScratch);

  app::Config config;
  config.host = "127.0.0.1";
  config.port = 0;
  config.data_dir = fixture->dir / "data";
  config.plugin_dir = fixture->dir / "plugins";
  config.web_root = fixture->dir / "web";
  config.initial_admin_password = std::string(kAdminPassword);
  // Every input comes from 127.0.0.1: mutated logins would soon block the
  // harness's own, and with it every input that uses the session.
  config.login_failures_per_client = 0;
  auto platform = app::Platform::Start(config);
  if (!platform.ok()) Die(platform.status().message());
  fixture->platform = std::move(platform).value();
  fixture->port = fixture->platform->port();

  std::string token = ReadFile(config.AdminTokenFile());
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) {
    token.pop_back();
  }
  if (token.empty()) Die("no administrator token was written");
  fixture->admin_token = token;

  fixture->tokens = std::make_unique<smartercities::auth::TokenService>(
      fixture->platform->database());
  if (!fixture->platform->modules().IsEnabled("groene-stad")) {
    Die("the groene-stad plugin did not load from " + plugin.string());
  }
}

std::string Substitute(std::string_view input) {
  const std::pair<std::string_view, const std::string*> kSecrets[] = {
      {kAdminPlaceholder, &fixture->admin_token},
      {kCityEditorPlaceholder, &fixture->city_token},
      {kThemeEditorPlaceholder, &fixture->theme_token},
      {kSessionPlaceholder, &fixture->session},
      {kCsrfPlaceholder, &fixture->csrf}};
  std::string out;
  out.reserve(input.size() + 64);
  while (!input.empty()) {
    bool replaced = false;
    for (const auto& [placeholder, secret] : kSecrets) {
      if (input.starts_with(placeholder)) {
        out += *secret;
        input.remove_prefix(placeholder.size());
        replaced = true;
        break;
      }
    }
    if (!replaced) {
      out += input.front();
      input.remove_prefix(1);
    }
  }
  return out;
}

// Writes request on a new connection, half-closes it and returns what the
// server sent until it closed. Dies when it does not close in time.
std::string Exchange(const std::string& request) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) Die("socket failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(fixture->port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int connected = -1;
  do {
    connected = ::connect(fd, reinterpret_cast<const sockaddr*>(&address),
                          sizeof(address));
  } while (connected != 0 && (errno == EINTR || errno == EALREADY));
  if (connected != 0 && errno != EISCONN) {
    Die("cannot connect to the server; did it stop?");
  }
  // The server may answer and close before it has read everything (a
  // header that is too large); what it did not read is simply dropped.
  std::size_t sent = 0;
  while (sent < request.size()) {
    ssize_t n =
        ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  ::shutdown(fd, SHUT_WR);

  std::string response;
  auto deadline = std::chrono::steady_clock::now() + kAnswerTimeout;
  char buffer[16 * 1024];
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      Die("the server did not answer and close within " +
          std::to_string(kAnswerTimeout.count()) + " ms");
    }
    pollfd readable{fd, POLLIN, 0};
    // libFuzzer's timer interrupts system calls (EINTR) every second.
    int ready = ::poll(&readable, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno != EINTR) Die("poll failed");
    if (ready <= 0) continue;
    ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // closed, or reset after the answer
    if (response.size() < kMaxResponseBytes) {
      response.append(buffer, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  return response;
}

bool IsValidToken(const std::string& token) {
  auto principal = fixture->tokens->Authenticate(token);
  return principal.ok() && principal->has_value();
}

std::string NewToken(const std::string& name, const char* role,
                     const std::string& scope) {
  auto created = fixture->tokens->Create(name, role, scope, "fuzz");
  if (!created.ok()) Die(created.status().message());
  return created->second;
}

bool IsValidSession() {
  if (fixture->session.empty()) return false;
  std::string response = Exchange(
      "GET /api/v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: sc_session=" +
      fixture->session + "\r\nConnection: close\r\n\r\n");
  return response.starts_with("HTTP/1.1 200 ");
}

// Logs in as the first administrator; the session stays empty when that
// fails (an input disabled the account or reset its password).
void LogIn() {
  fixture->session.clear();
  fixture->csrf.clear();
  std::string body = R"({"username": "admin", "password": ")" +
                     std::string(kAdminPassword) + "\"}";
  std::string response = Exchange(
      "POST /api/v1/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Content-Type: application/json\r\nConnection: close\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body);
  constexpr std::string_view kCookie = "Set-Cookie: sc_session=";
  std::size_t at = response.find(kCookie);
  std::size_t body_at = response.find("\r\n\r\n");
  if (at == std::string::npos || body_at == std::string::npos) return;
  at += kCookie.size();
  nlohmann::json answer =
      nlohmann::json::parse(response.substr(body_at + 4), nullptr, false);
  if (!answer.is_object() || !answer["csrfToken"].is_string()) return;
  fixture->session = response.substr(at, response.find(';', at) - at);
  fixture->csrf = answer["csrfToken"].get<std::string>();
}

// Inputs revoke tokens, log out, switch the plugin off, disable accounts.
// What they spoiled is replaced or switched back, checked at most once a
// second, so that later inputs still get past the access check to the
// handlers; a login that failed is tried again after 30 s, since each
// costs a password hash.
void RestoreAccess() {
  auto now = std::chrono::steady_clock::now();
  if (now < fixture->next_check) return;
  fixture->next_check = now + std::chrono::seconds(1);
  if (!IsValidToken(fixture->admin_token)) {
    fixture->admin_token =
        NewToken("fuzz-admin", smartercities::auth::kAdmin, "");
  }
  if (!IsValidToken(fixture->city_token)) {
    fixture->city_token = NewToken("fuzz-city-editor",
                                   smartercities::auth::kCityEditor, "GM0307");
  }
  if (!IsValidToken(fixture->theme_token)) {
    fixture->theme_token = NewToken(
        "fuzz-theme-editor", smartercities::auth::kThemeEditor, "groene-stad");
  }
  if (!fixture->platform->modules().IsEnabled("groene-stad")) {
    auto enabled =
        fixture->platform->modules().SetEnabled("groene-stad", true, "fuzz");
    if (!enabled.ok()) Die(enabled.status().message());
  }
  if (now >= fixture->next_login && !IsValidSession()) {
    LogIn();
    if (fixture->session.empty()) {
      fixture->next_login = now + std::chrono::seconds(30);
    }
  }
}

// One answer in what the server sent.
struct Answer {
  int status = 0;
  std::string type;  // the Content-Type, lower case
  std::string body;
};

// The answers in bytes, in order. A body is taken by its Content-Length when
// that many bytes follow; an answer to HEAD has none.
std::vector<Answer> SplitAnswers(std::string_view bytes, bool any_head) {
  std::vector<Answer> answers;
  while (bytes.starts_with("HTTP/1.")) {
    std::size_t head_end = bytes.find("\r\n\r\n");
    if (head_end == std::string_view::npos || bytes.size() < 12) break;
    Answer answer;
    answer.status = std::atoi(std::string(bytes.substr(9, 3)).c_str());
    std::string head(bytes.substr(0, head_end));
    for (char& c : head) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    auto field = [&](std::string_view name) -> std::string {
      std::size_t at = head.find("\r\n" + std::string(name) + ":");
      if (at == std::string::npos) return "";
      at += name.size() + 3;
      std::size_t end = head.find("\r\n", at);
      std::string value = head.substr(at, end - at);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      return value;
    };
    answer.type = field("content-type");
    std::size_t length = 0;
    if (std::string text = field("content-length"); !text.empty()) {
      length = std::strtoul(text.c_str(), nullptr, 10);
    }
    bytes.remove_prefix(head_end + 4);
    if (!any_head && answer.status >= 200 && length <= bytes.size()) {
      answer.body = std::string(bytes.substr(0, length));
      bytes.remove_prefix(length);
    } else if (!any_head && answer.status >= 200) {
      break;
    }
    answers.push_back(std::move(answer));
  }
  return answers;
}

bool IsJsonType(const std::string& type) {
  std::string media = type.substr(0, type.find(';'));
  return media.starts_with("application/") && media.ends_with("json");
}

// Dies when an answer of a JSON type is not valid JSON.
void CheckJsonAnswers(const std::vector<Answer>& answers,
                      const std::string& context) {
  for (const Answer& answer : answers) {
    if (!IsJsonType(answer.type) || answer.body.empty()) continue;
    if (nlohmann::json::parse(answer.body, nullptr, false).is_discarded()) {
      Die("an answer of type " + answer.type + " (status " +
          std::to_string(answer.status) + ") is not valid JSON: " +
          answer.body.substr(0, 2000) + "\n" + context);
    }
  }
}

// After a write was accepted: everything it may have changed must still
// read, as valid JSON.
void ReadBack(const std::string& input) {
  static const char* const kReads[] = {
      "/api/v1/themes/groene-stad/energy-use?pageSize=500",
      "/api/v1/themes/groene-stad/energy-use/trends",
      "/api/v1/themes/groene-stad/data-centres?pageSize=500",
      "/api/v1/themes/groene-stad/smart-grid-pilots?pageSize=500",
      "/api/v1/themes/groene-stad/indicators",
      ("/api/v1/indicators/groene-stad-smart-grid-pilot-homes/measurements?"
       "pageSize=500"),
      "/api/v1/users?pageSize=500",
      "/api/v1/tokens?pageSize=500",
      "/api/v1/modules",
      "/api/v1/audit-events?pageSize=500",
      "/api/v1/me"};
  for (const char* target : kReads) {
    std::string response =
        Exchange(std::string("GET ") + target +
                 " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                 fixture->admin_token + "\r\nConnection: close\r\n\r\n");
    std::vector<Answer> answers = SplitAnswers(response, false);
    if (answers.empty() || answers.front().status >= 500) {
      Die(std::string("after an accepted write, GET ") + target + " failed:\n" +
          response.substr(0, 2000) + "\nthe input:\n" + input.substr(0, 4000));
    }
    CheckJsonAnswers(answers, std::string("GET ") + target +
                                  " after the input:\n" +
                                  input.substr(0, 4000));
  }
}

bool HasWrite(const std::string& input) {
  for (const char* method : {"POST ", "PUT ", "PATCH ", "DELETE "}) {
    if (input.starts_with(method) ||
        input.find(std::string("\n") + method) != std::string::npos) {
      return true;
    }
  }
  return false;
}

void CheckResponse(const std::string& input, const std::string& response) {
  if (response.find(kOutsideCanary) != std::string::npos) {
    Die("a file from outside the web root was served:\n" + response);
  }
  bool any_head = input.find("HEAD ") != std::string::npos;
  std::vector<Answer> answers = SplitAnswers(response, any_head);
  CheckJsonAnswers(answers, "the input:\n" + input.substr(0, 4000));
  bool accepted_write = false;
  for (const Answer& answer : answers) {
    accepted_write =
        accepted_write || (answer.status >= 200 && answer.status < 300);
  }
  if (accepted_write && HasWrite(input)) ReadBack(input);
  // The server logs a handler's failure before it answers, so the error is
  // there by now.
  if (std::string errors = fixture->errors->Take(); !errors.empty()) {
    Die("the server logged an error:\n" + errors + "the response:\n" +
        response.substr(0, 4000));
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  // The server frees memory on its own threads after an answer has been
  // read, so allocations and frees never balance within one input and
  // libFuzzer would scan for leaks after each, at a third of the speed.
  // Flags given on the command line come after this one and win.
  static std::vector<char*> args;
  static char no_leak_scan[] = "-detect_leaks=0";
  args.assign(*argv, *argv + *argc);
  args.insert(args.begin() + 1, no_leak_scan);
  args.push_back(nullptr);
  *argc += 1;
  *argv = args.data();
  StartPlatform();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  RestoreAccess();
  std::string request = Substitute(input);
  CheckResponse(request, Exchange(request));
  return 0;
}
