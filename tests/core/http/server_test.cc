// The HTTP server over real sockets on 127.0.0.1.
#include "core/http/server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "tests/support/test_support.h"

namespace smartercities::http {
namespace {

using testing::Fetch;
using ::testing::HasSubstr;
using testing::HttpResponse;
using ::testing::MatchesRegex;
using ::testing::Not;
using testing::RawConnection;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Holds handlers until the test opens it, so that a "slow" handler ends
// exactly when the test wants and no test waits on a fixed sleep.
class Gate {
 public:
  void Wait() {
    std::unique_lock lock(mutex_);
    opened_.wait(lock, [this] { return open_; });
  }
  void Open() {
    {
      std::lock_guard lock(mutex_);
      open_ = true;
    }
    opened_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable opened_;
  bool open_ = false;
};

std::string Get(const std::string& target) {
  return "GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n";
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(web_.path() / "index.html") << "<h1>hallo</h1>";
    std::ofstream(web_.path() / "app.js") << "console.log(1);";
    std::filesystem::create_directories(web_.path() / "docs");
    std::ofstream(web_.path() / "docs" / "index.html") << "docs";
    std::filesystem::create_directories(web_.path() / "api" / "v1");
    std::ofstream(web_.path() / "api" / "v1" / "secret.txt") << "static";
    for (const char* name : {"a.css", "a.mjs", "a.json", "a.svg", "a.png",
                             "a.ico", "a.woff2", "a.txt", "a.js.map"}) {
      std::ofstream(web_.path() / name) << "x";
    }
    std::filesystem::create_directory_symlink(outside_.path(),
                                              web_.path() / "out");
    std::ofstream(outside_.path() / "passwd") << "root";

    router_ = std::make_shared<Router>();
    Add("GET", "/api/v1/echo", [](Request& request) {
      return Response::Json(200, "{\"path\":\"" + request.path + "\"}");
    });
    RouteOptions inspect;
    inspect.query = {{"q", "Anything", R"({"type":"string"})", false}};
    inspect.paged = true;
    Add(
        "GET", "/api/v1/inspect/{name}",
        [](Request& request) {
          nlohmann::json query = nlohmann::json::array();
          for (const auto& [key, value] : request.query) {
            query.push_back({key, value});
          }
          nlohmann::json body = {
              {"method", request.method},
              {"target", request.target},
              {"path", request.path},
              {"name", std::string(request.Param("name"))},
              {"query", query},
              {"custom", std::string(request.Header("x-custom").value_or(""))},
              {"remote", request.remote_address},
              {"id", request.request_id}};
          return Response::Json(200, body.dump());
        },
        inspect);
    RouteOptions small;
    small.body_limit_bytes = 16;
    Add(
        "POST", "/api/v1/small",
        [](Request& request) {
          return Response::Json(
              201, "{\"size\":" + std::to_string(request.body.size()) + "}");
        },
        small);
    Add("POST", "/api/v1/upload", [](Request& request) {
      return Response::Json(
          201, "{\"size\":" + std::to_string(request.body.size()) + "}");
    });
    RouteOptions patient;
    patient.deadline = milliseconds(5000);
    patient.query = {
        {"ms", "How long to sleep", R"({"type":"integer"})", false}};
    Add(
        "GET", "/api/v1/sleep",
        [](Request& request) {
          int ms = std::stoi(std::string(request.Query("ms").value_or("0")));
          std::this_thread::sleep_for(milliseconds(ms));
          return Response::Json(200, "{\"slept\":" + std::to_string(ms) + "}");
        },
        patient);
    RouteOptions hasty;
    hasty.deadline = milliseconds(200);
    Add(
        "GET", "/api/v1/gated",
        [this](Request&) {
          gate_.Wait();
          return Response::Json(200, "{\"late\":true}");
        },
        hasty);
    Add(
        "GET", "/api/v1/gated-patient",
        [this](Request&) {
          gate_.Wait();
          return Response::Json(200, "{\"late\":true}");
        },
        patient);
    RouteOptions search = patient;
    search.lane = Lane::kSearch;
    Add(
        "GET", "/api/v1/search-gated",
        [this](Request&) {
          gate_.Wait();
          return Response::Json(200, "{\"found\":true}");
        },
        search);
    Add("GET", "/api/v1/throws", [](Request&) -> Response {
      throw std::runtime_error("broken on purpose");
    });
    Add("GET", "/api/v1/throws-int", [](Request&) -> Response { throw 42; });
    Add("GET", "/api/v1/fails", [](Request&) {
      return Response::Problem(500, "Internal Server Error",
                               "'SELECT secret FROM accounts': no such table");
    });
    Add("GET", "/api/v1/status/{code}", [](Request& request) {
      Response response;
      response.status = std::stoi(std::string(request.Param("code")));
      response.body = "body";
      return response;
    });
    Add("GET", "/api/v1/bad-headers", [](Request&) {
      Response response = Response::Json(200, "{}");
      response.SetHeader("X-Split", "a\r\nSet-Cookie: stolen=1");
      response.SetHeader("Bad Name", "x");
      response.SetHeader("Content-Length", "999");
      response.SetHeader("X-Fine", "yes");
      response.SetHeader("Server", "Handler/1.2.3");
      response.SetHeader("X-Powered-By", "Handler/1.2.3");
      response.SetHeader("Strict-Transport-Security", "max-age=1");
      response.SetHeader("Content-Security-Policy",
                         "script-src 'unsafe-inline'");
      return response;
    });
    RouteOptions admin;
    admin.permission = "admin";
    Add(
        "GET", "/api/v1/admin",
        [](Request& request) {
          return Response::Json(
              200, "{\"caller\":\"" +
                       std::string(request.Header("x-caller").value_or("")) +
                       "\"}");
        },
        admin);

    StartServer(TestConfig());
  }

  void TearDown() override {
    gate_.Open();
    server_.reset();
  }

  ServerConfig TestConfig() const {
    ServerConfig config;
    config.port = 0;
    config.web_root = web_.path().string();
    config.idle_timeout = milliseconds(2000);
    config.read_timeout = milliseconds(300);
    config.write_timeout = milliseconds(2000);
    config.shutdown_grace = milliseconds(2000);
    config.header_limit_bytes = 2048;
    config.default_headers = {{"API-Version", "9.9.9"}};
    return config;
  }

  // Tests restart before they use the gate, so it stays closed.
  void StartServer(const ServerConfig& config) {
    server_.reset();
    metrics_ = std::make_shared<Metrics>();
    server_ = std::make_unique<Server>(config, router_, metrics_);
    ASSERT_TRUE(server_->Start().ok());
  }

  void Restart(const std::function<void(ServerConfig&)>& change) {
    ServerConfig config = TestConfig();
    change(config);
    StartServer(config);
  }

  void Add(const std::string& method, const std::string& pattern,
           Handler handler, RouteOptions options = {}) {
    ASSERT_TRUE(
        router_->Add({method, pattern, "test", std::move(handler), options})
            .ok());
  }

  std::uint16_t port() const { return server_->port(); }

  testing::TempDir web_;
  testing::TempDir outside_;
  Gate gate_;
  std::shared_ptr<Router> router_;
  std::shared_ptr<Metrics> metrics_;
  std::unique_ptr<Server> server_;
};

TEST_F(ServerTest, KeepsTheConnectionAliveBetweenRequests) {
  RawConnection connection(port());
  for (int i = 0; i < 3; ++i) {
    connection.Send(Get("/api/v1/echo"));
    auto response = connection.ReadResponse();
    ASSERT_TRUE(response) << i;
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, "{\"path\":\"/api/v1/echo\"}");
    EXPECT_NE(response->Header("Connection"), "close");
  }
}

TEST_F(ServerTest, ClosesWhenTheClientAsksOrSpeaksHttp10) {
  for (const std::string& request :
       {std::string("GET /api/v1/echo HTTP/1.1\r\nHost: x\r\n"
                    "Connection: close\r\n\r\n"),
        std::string("GET /api/v1/echo HTTP/1.0\r\n\r\n")}) {
    RawConnection connection(port());
    connection.Send(request);
    auto response = connection.ReadResponse();
    ASSERT_TRUE(response) << request;
    EXPECT_EQ(response->status, 200) << request;
    EXPECT_TRUE(connection.ClosedByPeer(1000)) << request;
  }
  RawConnection kept(port());
  kept.Send("GET /api/v1/echo HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  auto first = kept.ReadResponse();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->Header("Connection"), "keep-alive");
  kept.Send("GET /api/v1/echo HTTP/1.0\r\n\r\n");
  EXPECT_TRUE(kept.ReadResponse());
}

TEST_F(ServerTest, AnswersHeadWithTheHeadersOfGetAndNoBody) {
  RawConnection connection(port());
  connection.Send("HEAD /api/v1/echo HTTP/1.1\r\nHost: x\r\n\r\n");
  auto head = connection.ReadResponse(5000, /*head=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("Content-Length"), "23");
  EXPECT_EQ(head->Header("Content-Type"), "application/json");
  connection.Send(Get("/api/v1/echo"));
  auto get = connection.ReadResponse();
  ASSERT_TRUE(get);
  // Had HEAD sent a body, it would stand before this response.
  EXPECT_EQ(get->status, 200);
  EXPECT_EQ(get->body, "{\"path\":\"/api/v1/echo\"}");
  EXPECT_EQ(get->Header("Content-Length"), head->Header("Content-Length"));
}

TEST_F(ServerTest, AnswersPipelinedRequestsInOrder) {
  RawConnection connection(port());
  connection.Send(Get("/api/v1/sleep?ms=50") + Get("/api/v1/echo") +
                  Get("/api/v1/sleep?ms=0"));
  auto first = connection.ReadResponse();
  auto second = connection.ReadResponse();
  auto third = connection.ReadResponse();
  ASSERT_TRUE(first && second && third);
  EXPECT_EQ(first->body, "{\"slept\":50}");
  EXPECT_EQ(second->body, "{\"path\":\"/api/v1/echo\"}");
  EXPECT_EQ(third->body, "{\"slept\":0}");
}

TEST_F(ServerTest, PipeliningBeyondTheBufferLimitStillAnswersEveryRequest) {
  Restart([](ServerConfig& config) { config.pipeline_limit_bytes = 512; });
  std::string requests;
  for (int i = 0; i < 40; ++i)
    requests += Get("/api/v1/inspect/" + std::to_string(i));
  ASSERT_GT(requests.size(), 3 * 512u);
  RawConnection connection(port());
  connection.Send(requests);
  for (int i = 0; i < 40; ++i) {
    auto response = connection.ReadResponse();
    ASSERT_TRUE(response) << i;
    EXPECT_EQ(nlohmann::json::parse(response->body)["name"], std::to_string(i));
  }
}

TEST_F(ServerTest, FillsTheRequestForTheHandler) {
  RawConnection connection(port());
  connection.Send(
      "GET /api/v1/inspect/caf%C3%A9%20bar?q=a%20b&page=2 HTTP/1.1\r\n"
      "Host: x\r\nX-Custom: Waarde\r\nX-Request-Id: trace-123_ABC\r\n\r\n");
  auto response = connection.ReadResponse();
  ASSERT_TRUE(response);
  ASSERT_EQ(response->status, 200);
  auto body = nlohmann::json::parse(response->body);
  EXPECT_EQ(body["method"], "GET");
  EXPECT_EQ(body["target"], "/api/v1/inspect/caf%C3%A9%20bar?q=a%20b&page=2");
  EXPECT_EQ(body["path"], "/api/v1/inspect/caf\xC3\xA9 bar");
  EXPECT_EQ(body["name"], "caf\xC3\xA9 bar");
  EXPECT_EQ(body["query"],
            nlohmann::json::parse(R"([["q","a b"],["page","2"]])"));
  EXPECT_EQ(body["custom"], "Waarde");
  EXPECT_EQ(body["remote"], "127.0.0.1");
  EXPECT_EQ(body["id"], "trace-123_ABC");
  EXPECT_EQ(response->Header("X-Request-Id"), "trace-123_ABC");
}

TEST_F(ServerTest, GivesEveryRequestItsOwnIdUnlessTheClientSentASaneOne) {
  RawConnection connection(port());
  std::vector<std::string> ids;
  for (const std::string& sent :
       {std::string(), std::string(), std::string("bad id!"),
        std::string(65, 'a')}) {
    connection.Send("GET /api/v1/inspect/x HTTP/1.1\r\nHost: x\r\n" +
                    (sent.empty() ? "" : "X-Request-Id: " + sent + "\r\n") +
                    "\r\n");
    auto response = connection.ReadResponse();
    ASSERT_TRUE(response);
    std::string id = response->Header("X-Request-Id");
    EXPECT_THAT(id, MatchesRegex("[0-9a-f]{16}")) << sent;
    EXPECT_EQ(nlohmann::json::parse(response->body)["id"], id);
    ids.push_back(id);
  }
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::unique(ids.begin(), ids.end()), ids.end());
}

TEST_F(ServerTest, AMalformedPercentEscapeGets400) {
  RawConnection path(port());
  path.Send(Get("/api/v1/inspect/%zz"));
  auto refused = path.ReadResponse();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 400);
  EXPECT_EQ(refused->Header("Content-Type"), "application/problem+json");
  RawConnection query(port());
  query.Send(Get("/api/v1/inspect/x?q=%2"));
  auto bad_query = query.ReadResponse();
  ASSERT_TRUE(bad_query);
  EXPECT_EQ(bad_query->status, 400);
  // The request was read whole, so the connection can go on.
  query.Send(Get("/api/v1/echo"));
  auto next = query.ReadResponse();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST_F(ServerTest, UnknownPathsGetAProblemWithSecurityHeaders) {
  RawConnection connection(port());
  connection.Send(Get("/api/v1/nothing"));
  auto response = connection.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 404);
  EXPECT_EQ(response->Header("Content-Type"), "application/problem+json");
  auto body = nlohmann::json::parse(response->body);
  EXPECT_EQ(body["type"], "about:blank");
  EXPECT_EQ(body["title"], "Not Found");
  EXPECT_EQ(body["status"], 404);
  EXPECT_THAT(body["detail"].get<std::string>(), HasSubstr("/api/v1/nothing"));
  EXPECT_EQ(response->Header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(response->Header("Content-Security-Policy"),
            "default-src 'self'; script-src 'self'; style-src 'self'; "
            "img-src 'self' data:; connect-src 'self'; object-src 'none'; "
            "base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
  EXPECT_EQ(response->Header("Referrer-Policy"), "no-referrer");
  EXPECT_EQ(response->Header("API-Version"), "9.9.9");
  EXPECT_THAT(response->Header("X-Request-Id"), MatchesRegex("[0-9a-f]{16}"));
  EXPECT_EQ(response->Header("Server"), "");
}

// What every answer must carry, whoever produced it: the router, a handler,
// the static files or the server refusing a request. No header or body may
// name the server's software or its version.
void ExpectSecurityHeaders(const testing::HttpResponse& response,
                           const std::string& what) {
  SCOPED_TRACE(what + " (status " + std::to_string(response.status) + ")");
  EXPECT_EQ(response.Header("X-Content-Type-Options"), "nosniff");
  std::string policy = response.Header("Content-Security-Policy");
  EXPECT_THAT(policy, HasSubstr("frame-ancestors 'none'"));
  EXPECT_THAT(policy, HasSubstr("script-src 'self'"));
  EXPECT_THAT(policy, Not(HasSubstr("unsafe-inline")));
  EXPECT_THAT(policy, Not(HasSubstr("unsafe-eval")));
  EXPECT_EQ(response.Header("Referrer-Policy"), "no-referrer");
  EXPECT_FALSE(response.Header("X-Request-Id").empty());
  // Plain HTTP: HSTS would be ignored, and wrong behind a TLS proxy that
  // sets its own.
  EXPECT_EQ(response.Header("Strict-Transport-Security"), "");
  EXPECT_EQ(response.Header("Server"), "");
  EXPECT_EQ(response.Header("X-Powered-By"), "");
  for (const auto& [name, value] : response.headers) {
    for (const char* software : {"beast", "Beast", "boost", "Boost"}) {
      EXPECT_THAT(name + ": " + value, Not(HasSubstr(software)));
    }
  }
  for (const char* software : {"beast", "Beast", "boost", "Boost"}) {
    EXPECT_THAT(response.body, Not(HasSubstr(software)));
  }
}

TEST_F(ServerTest, EveryKindOfResponseCarriesTheSecurityHeaders) {
  RawConnection connection(port());
  const std::pair<std::string, int> kKeptAlive[] = {
      {Get("/api/v1/echo"), 200},
      {Get("/api/v1/nothing"), 404},
      {"DELETE /api/v1/echo HTTP/1.1\r\nHost: x\r\n\r\n", 405},
      {Get("/api/v1/throws"), 500},
      {Get("/api/v1/status/204"), 204},
      {Get("/api/v1/gated"), 504},
      {Get("/app.js"), 200},
      {Get("/index.html"), 200},
      {Get("/nothing.html"), 404},
      {Get("/api/v1/inspect/x?q=%2"), 400},
  };
  for (const auto& [request, status] : kKeptAlive) {
    connection.Send(request);
    auto response = connection.ReadResponse();
    ASSERT_TRUE(response) << request;
    EXPECT_EQ(response->status, status) << request;
    ExpectSecurityHeaders(*response, request);
  }
  for (const char* target : {"/api/v1/echo", "/app.js", "/api/v1/nothing"}) {
    std::string request =
        std::string("HEAD ") + target + " HTTP/1.1\r\nHost: x\r\n\r\n";
    connection.Send(request);
    auto response = connection.ReadResponse(5000, /*head=*/true);
    ASSERT_TRUE(response) << request;
    EXPECT_NE(response->status, 0);
    ExpectSecurityHeaders(*response, request);
  }

  // Requests the server refuses itself, each on its own connection since it
  // closes after the answer.
  const std::pair<std::string, int> kRefused[] = {
      {"POST /api/v1/small HTTP/1.1\r\nHost: x\r\nContent-Length: 99\r\n"
       "\r\n",
       413},
      {"POST /api/v1/small HTTP/1.1\r\nHost: x\r\n"
       "Transfer-Encoding: chunked\r\n\r\n20\r\n" +
           std::string(32, 'a') + "\r\n0\r\n\r\n",
       413},
      {"GET /api/v1/echo HTTP/1.1\r\nHost: x\r\nX-Big: " +
           std::string(4096, 'a') + "\r\n\r\n",
       431},
      {"GET /api/v1/echo HTTP/1.1\r\nBad Header\r\n\r\n", 400},
      {"GET /api/v1/echo HTTP/9.9\r\nHost: x\r\n\r\n", 400},
      {"POST /api/v1/small HTTP/1.1\r\nHost: x\r\n"
       "Transfer-Encoding: gzip\r\n\r\n",
       400},
  };
  for (const auto& [request, status] : kRefused) {
    RawConnection refused(port());
    refused.Send(request);
    auto response = refused.ReadResponse();
    ASSERT_TRUE(response) << request.substr(0, 80);
    EXPECT_EQ(response->status, status) << request.substr(0, 80);
    ExpectSecurityHeaders(*response, request.substr(0, 80));
  }
}

TEST_F(ServerTest, WrongMethodGets405WithAllow) {
  ASSERT_TRUE(router_
                  ->Add({"PUT",
                         "/api/v1/echo",
                         "test",
                         [](Request&) { return Response::Json(200, "{}"); },
                         {}})
                  .ok());
  RawConnection connection(port());
  connection.Send("DELETE /api/v1/echo HTTP/1.1\r\nHost: x\r\n\r\n");
  auto response = connection.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 405);
  EXPECT_EQ(response->Header("Allow"), "GET, HEAD, PUT");
  EXPECT_EQ(response->Header("Content-Type"), "application/problem+json");
}

TEST_F(ServerTest, AcceptsABodyUpToTheRoutesLimit) {
  // Larger than the limit for paths without a route, within the route's.
  RawConnection connection(port());
  connection.Send(
      "POST /api/v1/upload HTTP/1.1\r\nHost: x\r\nContent-Length: "
      "5000\r\n\r\n" +
      std::string(5000, 'a'));
  auto response = connection.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->body, "{\"size\":5000}");
  connection.Send(
      "POST /api/v1/upload HTTP/1.1\r\nHost: x\r\n"
      "Transfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
  auto chunked = connection.ReadResponse();
  ASSERT_TRUE(chunked);
  EXPECT_EQ(chunked->body, "{\"size\":11}");
}

TEST_F(ServerTest, ABodyOverTheRoutesLimitGets413AndTheConnectionCloses) {
  RawConnection connection(port());
  connection.Send(
      "POST /api/v1/small HTTP/1.1\r\nHost: x\r\nContent-Length: 17\r\n\r\n"
      "12345678901234567");
  auto response = connection.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  EXPECT_EQ(response->Header("Content-Type"), "application/problem+json");
  EXPECT_EQ(response->Header("Connection"), "close");
  EXPECT_THAT(response->body, HasSubstr("16 bytes"));
  EXPECT_TRUE(connection.ClosedByPeer());

  RawConnection chunked(port());
  chunked.Send(
      "POST /api/v1/small HTTP/1.1\r\nHost: x\r\n"
      "Transfer-Encoding: chunked\r\n\r\n"
      "a\r\n0123456789\r\na\r\n0123456789\r\n0\r\n\r\n");
  auto chunked_response = chunked.ReadResponse();
  ASSERT_TRUE(chunked_response);
  EXPECT_EQ(chunked_response->status, 413);

  RawConnection fits(port());
  fits.Send(
      "POST /api/v1/small HTTP/1.1\r\nHost: x\r\nContent-Length: 16\r\n\r\n"
      "1234567890123456");
  auto ok = fits.ReadResponse();
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 201);
}

// The server answers before the client has finished sending; closing at
// once would reset the connection and could destroy the answer.
TEST_F(ServerTest, AClientStillSendingALargeBodyReceivesThe413) {
  const std::size_t size = 2 * 1024 * 1024;
  RawConnection connection(port());
  connection.Send("POST /api/v1/small HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                  std::to_string(size) + "\r\n\r\n" + std::string(size, 'a'));
  auto response = connection.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  EXPECT_TRUE(connection.ClosedByPeer());
}

TEST_F(ServerTest, AnswersExpect100ContinueBeforeTheBodyIsSent) {
  RawConnection connection(port());
  connection.Send(
      "POST /api/v1/small HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
      "Content-Length: 5\r\n\r\n");
  auto interim = connection.ReadResponse();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  connection.Send("hello");
  auto response = connection.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->body, "{\"size\":5}");

  RawConnection too_large(port());
  too_large.Send(
      "POST /api/v1/small HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
      "Content-Length: 100\r\n\r\n");
  auto refused = too_large.ReadResponse();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 413);
}

// Each framing the server refuses: one 400, then the connection closes and
// the smuggled second request is never answered.
TEST_F(ServerTest, RequestSmugglingShapesGet400AndClose) {
  const std::string smuggled = Get("/api/v1/echo");
  for (const std::string& request : {
           std::string("POST /api/v1/small HTTP/1.1\r\nHost: x\r\n"
                       "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n"
                       "0\r\n\r\n"),
           std::string("POST /api/v1/small HTTP/1.1\r\nHost: x\r\n"
                       "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                       "0\r\n\r\n"),
           std::string("POST /api/v1/small HTTP/1.1\r\nHost: x\r\n"
                       "Transfer-Encoding: gzip\r\n\r\n"),
           std::string("POST /api/v1/small HTTP/1.1\r\nHost: x\r\n"
                       "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"),
           std::string("POST /api/v1/small HTTP/1.1\r\nHost: x\r\n"
                       "Transfer-Encoding: gzip\r\n"
                       "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
           std::string("POST /api/v1/small HTTP/1.0\r\nHost: x\r\n"
                       "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
           std::string("POST /api/v1/small HTTP/1.1\r\nHost: x\r\n"
                       "Content-Length: 1\r\nContent-Length: 2\r\n\r\nab"),
       }) {
    RawConnection connection(port());
    connection.Send(request + smuggled);
    auto response = connection.ReadResponse();
    ASSERT_TRUE(response) << request;
    EXPECT_EQ(response->status, 400) << request;
    EXPECT_EQ(response->Header("Content-Type"), "application/problem+json")
        << request;
    EXPECT_EQ(response->Header("X-Content-Type-Options"), "nosniff");
    EXPECT_FALSE(connection.ReadResponse(300)) << request;
    EXPECT_TRUE(connection.ClosedByPeer()) << request;
  }
}

TEST_F(ServerTest, MalformedRequestsGet400AndClose) {
  for (const std::string& request :
       {std::string("GET /api/v1/echo HTTP/1.1\r\nBad Header\r\n\r\n"),
        std::string("GET http://example.org/api/v1/echo HTTP/1.1\r\n"
                    "Host: x\r\n\r\n"),
        std::string("GET /api/v1/echo HTTP/9.9\r\nHost: x\r\n\r\n")}) {
    RawConnection connection(port());
    connection.Send(request);
    auto response = connection.ReadResponse();
    ASSERT_TRUE(response) << request;
    EXPECT_EQ(response->status, 400) << request;
    EXPECT_TRUE(connection.ClosedByPeer()) << request;
  }
}

TEST_F(ServerTest, OversizedHeadersGet431) {
  RawConnection connection(port());
  connection.Send("GET /api/v1/echo HTTP/1.1\r\nHost: x\r\nX-Big: " +
                  std::string(4096, 'a') + "\r\n\r\n");
  auto response = connection.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 431);
  EXPECT_EQ(response->Header("Content-Type"), "application/problem+json");
  EXPECT_TRUE(connection.ClosedByPeer());
}

TEST_F(ServerTest, AClientThatStopsSendingIsDroppedAfterTheReadTimeout) {
  // The idle timeout (2 s) is far longer: the read timeout (300 ms) rules
  // once a request has begun.
  RawConnection connection(port());
  connection.Send("GET /api/v1/echo HTTP/1.1\r\nHo");
  auto started = Clock::now();
  EXPECT_TRUE(connection.ClosedByPeer(3000));
  EXPECT_LT(Clock::now() - started, milliseconds(1500));

  RawConnection body(port());
  body.Send(
      "POST /api/v1/small HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n"
      "12345");
  started = Clock::now();
  EXPECT_TRUE(body.ClosedByPeer(3000));
  EXPECT_LT(Clock::now() - started, milliseconds(1500));
}

// A body that keeps coming at the minimum rate may take longer than the
// read timeout; one that falls behind is answered 408 and logged, not cut
// without a word.
TEST_F(ServerTest, ABodyAtTheMinimumRateFinishesAndASlowerOneGets408) {
  auto lines = std::make_shared<std::ostringstream>();
  auto logger = std::make_shared<spdlog::logger>(
      "http", std::make_shared<spdlog::sinks::ostream_sink_mt>(*lines));
  spdlog::register_logger(logger);
  Restart([](ServerConfig& config) {
    config.read_timeout = milliseconds(300);
    config.body_min_bytes_per_second = 10000;
  });
  auto send_slowly = [&](RawConnection& connection, std::size_t size,
                         std::size_t piece, milliseconds pause) {
    connection.Send(
        "POST /api/v1/upload HTTP/1.1\r\nHost: x\r\nContent-Length: " +
        std::to_string(size) + "\r\n\r\n");
    for (std::size_t sent = 0; sent < size; sent += piece) {
      connection.Send(std::string(std::min(piece, size - sent), 'a'));
      std::this_thread::sleep_for(pause);
    }
  };
  // 12,000 bytes at about 20,000 bytes per second: 600 ms, twice the read
  // timeout.
  RawConnection steady(port());
  auto started = Clock::now();
  send_slowly(steady, 12000, 1000, milliseconds(50));
  auto done = steady.ReadResponse();
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, 201) << done->body;
  EXPECT_GT(Clock::now() - started, milliseconds(500));

  // At about 2,000 bytes per second it falls behind.
  RawConnection trickle(port());
  started = Clock::now();
  std::thread sender(
      [&] { send_slowly(trickle, 12000, 100, milliseconds(50)); });
  auto refused = trickle.ReadResponse(3000);
  auto answered_after = Clock::now() - started;
  sender.join();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 408);
  EXPECT_EQ(refused->Header("Content-Type"), "application/problem+json");
  EXPECT_THAT(refused->body, HasSubstr("10000 bytes per second"));
  EXPECT_LT(answered_after, milliseconds(1500));
  spdlog::drop("http");
  EXPECT_THAT(lines->str(), HasSubstr("POST /api/v1/upload"));
  EXPECT_THAT(lines->str(), HasSubstr("came too slowly"));
  EXPECT_THAT(lines->str(), HasSubstr(" 408 "));
}

TEST_F(ServerTest, TheDefaultHeaderLimitIsEightKilobytes) {
  EXPECT_EQ(ServerConfig().header_limit_bytes, 8192u);
  Restart([](ServerConfig& config) { config.header_limit_bytes = 8192; });
  std::string head = "GET /api/v1/echo HTTP/1.1\r\nHost: x\r\nX-Big: ";
  RawConnection fits(port());
  fits.Send(head + std::string(8000, 'a') + "\r\n\r\n");
  auto ok = fits.ReadResponse();
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  RawConnection over(port());
  over.Send(head + std::string(8200, 'a') + "\r\n\r\n");
  auto refused = over.ReadResponse();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 431);
  EXPECT_THAT(refused->body, HasSubstr("8192 bytes"));
}

TEST_F(ServerTest, IdleConnectionsAreDroppedAfterTheIdleTimeout) {
  Restart([](ServerConfig& config) {
    config.idle_timeout = milliseconds(300);
    config.read_timeout = milliseconds(5000);
  });
  RawConnection fresh(port());
  auto started = Clock::now();
  EXPECT_TRUE(fresh.ClosedByPeer(3000));
  EXPECT_GE(Clock::now() - started, milliseconds(250));
  EXPECT_LT(Clock::now() - started, milliseconds(2000));

  RawConnection used(port());
  used.Send(Get("/api/v1/echo"));
  ASSERT_TRUE(used.ReadResponse());
  EXPECT_TRUE(used.ClosedByPeer(3000));
}

TEST_F(ServerTest, AHangingHandlerGets504WhileOthersAreServed) {
  RawConnection hanging(port());
  hanging.Send(Get("/api/v1/gated"));
  RawConnection quick(port());
  quick.Send(Get("/api/v1/echo"));
  auto quick_response = quick.ReadResponse();
  ASSERT_TRUE(quick_response);
  EXPECT_EQ(quick_response->status, 200);
  auto timed_out = hanging.ReadResponse();
  ASSERT_TRUE(timed_out);
  EXPECT_EQ(timed_out->status, 504);
  EXPECT_EQ(timed_out->Header("Content-Type"), "application/problem+json");
  EXPECT_THAT(timed_out->body, HasSubstr(timed_out->Header("X-Request-Id")));

  // The connection goes on; the late answer, when it comes, is dropped.
  hanging.Send(Get("/api/v1/echo"));
  auto next = hanging.ReadResponse();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "{\"path\":\"/api/v1/echo\"}");
  gate_.Open();
  std::this_thread::sleep_for(milliseconds(50));
  hanging.Send(Get("/api/v1/inspect/after"));
  auto after = hanging.ReadResponse();
  ASSERT_TRUE(after);
  EXPECT_EQ(nlohmann::json::parse(after->body)["name"], "after");
  EXPECT_FALSE(hanging.ReadResponse(100));
}

TEST_F(ServerTest, SearchesWaitInTheirOwnQueueWhileOtherWorkIsServed) {
  Restart([](ServerConfig& config) {
    config.search_threads = 1;
    config.search_queue_limit = 2;
    config.overload_pause = milliseconds(0);
  });
  RawConnection running(port());
  running.Send(Get("/api/v1/search-gated"));
  RawConnection waiting(port());
  waiting.Send(Get("/api/v1/search-gated"));
  std::this_thread::sleep_for(milliseconds(100));
  // The core's workers are free for everything else.
  RawConnection other(port());
  other.Send(Get("/api/v1/echo"));
  auto served = other.ReadResponse();
  ASSERT_TRUE(served);
  EXPECT_EQ(served->status, 200);
  // One search runs, one waits: a third is told to come back.
  RawConnection third(port());
  third.Send(Get("/api/v1/search-gated"));
  auto refused = third.ReadResponse();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503);
  EXPECT_FALSE(refused->Header("Retry-After").empty());
  gate_.Open();
  for (RawConnection* connection : {&running, &waiting}) {
    auto found = connection->ReadResponse();
    ASSERT_TRUE(found);
    EXPECT_EQ(found->status, 200);
  }
}

TEST_F(ServerTest, ALateAnswerForAClosedConnectionIsDroppedSafely) {
  {
    RawConnection gone(port());
    gone.Send(Get("/api/v1/gated"));
    auto timed_out = gone.ReadResponse();
    ASSERT_TRUE(timed_out);
    EXPECT_EQ(timed_out->status, 504);
  }
  std::this_thread::sleep_for(milliseconds(50));
  gate_.Open();
  std::this_thread::sleep_for(milliseconds(50));
  RawConnection connection(port());
  connection.Send(Get("/api/v1/echo"));
  auto response = connection.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
}

TEST_F(ServerTest, AThrowingHandlerGets500WithAnErrorId) {
  RawConnection connection(port());
  for (const char* target : {"/api/v1/throws", "/api/v1/throws-int"}) {
    connection.Send(Get(target));
    auto response = connection.ReadResponse();
    ASSERT_TRUE(response) << target;
    EXPECT_EQ(response->status, 500) << target;
    EXPECT_EQ(response->Header("Content-Type"), "application/problem+json");
    auto body = nlohmann::json::parse(response->body);
    EXPECT_EQ(body["errorId"], response->Header("X-Request-Id"));
    EXPECT_EQ(body["status"], 500);
    EXPECT_THAT(body["detail"].get<std::string>(),
                Not(HasSubstr("broken on purpose")));
  }
  connection.Send(Get("/api/v1/echo"));
  auto next = connection.ReadResponse();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST_F(ServerTest, AHandlersOwn500KeepsItsWordsInTheLog) {
  auto lines = std::make_shared<std::ostringstream>();
  auto logger = std::make_shared<spdlog::logger>(
      "http", std::make_shared<spdlog::sinks::ostream_sink_mt>(*lines));
  spdlog::register_logger(logger);
  Restart([](ServerConfig&) {});
  RawConnection connection(port());
  connection.Send(Get("/api/v1/fails"));
  auto response = connection.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 500);
  auto body = nlohmann::json::parse(response->body);
  EXPECT_EQ(body["errorId"], response->Header("X-Request-Id"));
  EXPECT_THAT(body["detail"].get<std::string>(),
              HasSubstr(body["errorId"].get<std::string>()));
  EXPECT_THAT(response->body, Not(HasSubstr("SELECT")));
  EXPECT_THAT(response->body, Not(HasSubstr("accounts")));
  // The operator finds the words by the id the client quotes.
  std::string id = response->Header("X-Request-Id");
  std::string log = lines->str();
  spdlog::drop("http");
  EXPECT_THAT(log, HasSubstr("GET /api/v1/fails failed (error id " + id +
                             "): 'SELECT secret FROM accounts': no such "
                             "table"));
}

TEST_F(ServerTest, AnImpossibleStatusFromAHandlerBecomes500) {
  RawConnection connection(port());
  for (const char* code : {"1000", "42", "101", "-1"}) {
    connection.Send(Get(std::string("/api/v1/status/") + code));
    auto response = connection.ReadResponse();
    ASSERT_TRUE(response) << code;
    EXPECT_EQ(response->status, 500) << code;
    EXPECT_TRUE(nlohmann::json::parse(response->body).contains("errorId"));
  }
  connection.Send(Get("/api/v1/status/299"));
  auto unusual = connection.ReadResponse();
  ASSERT_TRUE(unusual);
  EXPECT_EQ(unusual->status, 299);
  EXPECT_EQ(unusual->body, "body");
}

TEST_F(ServerTest, NoContentAndNotModifiedCarryNoBody) {
  RawConnection connection(port());
  for (const char* code : {"204", "304"}) {
    connection.Send(Get(std::string("/api/v1/status/") + code));
    auto response = connection.ReadResponse();
    ASSERT_TRUE(response) << code;
    EXPECT_EQ(response->status, std::stoi(code));
    EXPECT_EQ(response->body, "");
  }
  // A body left on the wire would be read as the start of this response.
  connection.Send(Get("/api/v1/echo"));
  auto next = connection.ReadResponse();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST_F(ServerTest, AHandlerCannotSplitTheHeaderOrChangeTheFraming) {
  RawConnection connection(port());
  connection.Send(Get("/api/v1/bad-headers"));
  auto response = connection.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->Header("Set-Cookie"), "");
  EXPECT_EQ(response->Header("X-Split"), "");
  EXPECT_EQ(response->Header("Content-Length"), "2");
  EXPECT_EQ(response->Header("X-Fine"), "yes");
  EXPECT_EQ(response->body, "{}");
  ExpectSecurityHeaders(*response, "a handler setting them itself");
  connection.Send(Get("/api/v1/echo"));
  EXPECT_TRUE(connection.ReadResponse());
}

TEST_F(ServerTest, TheInterceptorRunsInPlaceOfTheHandler) {
  std::atomic<int> calls{0};
  server_->SetInterceptor([&calls](Request& request, const Route& route) {
    ++calls;
    if (route.options.permission != "admin") return route.handler(request);
    if (request.Header("authorization") != "Bearer ok") {
      return Response::Problem(401, "Unauthorized", "log in first");
    }
    request.headers.emplace_back("x-caller", "beheerder");
    return route.handler(request);
  });
  RawConnection connection(port());
  connection.Send(Get("/api/v1/admin"));
  auto refused = connection.ReadResponse();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 401);
  EXPECT_EQ(refused->Header("X-Content-Type-Options"), "nosniff");
  connection.Send(
      "GET /api/v1/admin HTTP/1.1\r\nHost: x\r\n"
      "Authorization: Bearer ok\r\n\r\n");
  auto allowed = connection.ReadResponse();
  ASSERT_TRUE(allowed);
  EXPECT_EQ(allowed->status, 200);
  EXPECT_EQ(allowed->body, "{\"caller\":\"beheerder\"}");
  connection.Send(Get("/api/v1/echo"));
  ASSERT_TRUE(connection.ReadResponse());
  EXPECT_EQ(calls.load(), 3);
  // Not for paths without a route.
  connection.Send(Get("/api/v1/nothing"));
  ASSERT_TRUE(connection.ReadResponse());
  EXPECT_EQ(calls.load(), 3);
}

TEST_F(ServerTest, StopLetsAResponseInFlightFinish) {
  RawConnection connection(port());
  connection.Send(Get("/api/v1/sleep?ms=300"));
  std::this_thread::sleep_for(milliseconds(50));
  auto stopped = std::async(std::launch::async, [this] { server_->Stop(); });
  auto response = connection.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "{\"slept\":300}");
  EXPECT_EQ(response->Header("Connection"), "close");
  stopped.get();
  EXPECT_THROW(RawConnection again(port()), std::runtime_error);
}

TEST_F(ServerTest, StopClosesIdleConnectionsAtOnce) {
  RawConnection idle(port());
  idle.Send(Get("/api/v1/echo"));
  ASSERT_TRUE(idle.ReadResponse());
  auto started = Clock::now();
  server_->Stop();
  EXPECT_LT(Clock::now() - started, milliseconds(500));
  EXPECT_TRUE(idle.ClosedByPeer(1000));
}

TEST_F(ServerTest, StopEndsConnectionsWhoseHandlerOutlivesTheGrace) {
  Restart(
      [](ServerConfig& config) { config.shutdown_grace = milliseconds(100); });
  RawConnection connection(port());
  connection.Send(Get("/api/v1/gated-patient"));
  std::this_thread::sleep_for(milliseconds(50));
  auto stopped = std::async(std::launch::async, [this] { server_->Stop(); });
  auto started = Clock::now();
  EXPECT_TRUE(connection.ClosedByPeer(2000));
  EXPECT_LT(Clock::now() - started, milliseconds(1000));
  // Stop waits for the handler, which cannot be interrupted, to return.
  EXPECT_EQ(stopped.wait_for(milliseconds(50)), std::future_status::timeout);
  gate_.Open();
  stopped.get();
}

TEST_F(ServerTest, StopIsIdempotentAndReleasesWait) {
  auto waiting = std::async(std::launch::async, [this] { server_->Wait(); });
  EXPECT_EQ(waiting.wait_for(milliseconds(50)), std::future_status::timeout);
  auto first = std::async(std::launch::async, [this] { server_->Stop(); });
  auto second = std::async(std::launch::async, [this] { server_->Stop(); });
  first.get();
  second.get();
  EXPECT_EQ(waiting.wait_for(milliseconds(1000)), std::future_status::ready);
  server_->Stop();
  server_->Wait();
  EXPECT_FALSE(server_->Start().ok());

  Server never_started(TestConfig(), router_, metrics_);
  never_started.Stop();
  never_started.Wait();
}

TEST_F(ServerTest, StartNamesTheAddressAndPortItCannotUse) {
  ServerConfig config = TestConfig();
  config.port = port();
  Server second(config, router_, metrics_);
  Status status = second.Start();
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_THAT(status.message(),
              HasSubstr("127.0.0.1:" + std::to_string(port())));
  EXPECT_EQ(second.port(), 0);

  config.address = "not-an-address";
  Server third(config, router_, metrics_);
  EXPECT_EQ(third.Start().code(), StatusCode::kInvalidArgument);
}

// A body with a pattern that does not repeat every few bytes, so that a
// byte lost, doubled or misplaced in the stream shows.
std::string PatternedBody(std::size_t size) {
  std::string body(size, ' ');
  std::uint32_t state = 2463534242u;
  for (char& c : body) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    c = static_cast<char>('a' + state % 26);
  }
  return body;
}

// Large public answers from the response cache go out with sendfile(2)
// from an in-memory copy; these are the ways that can go wrong.
class CachedLargeAnswerTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    RouteOptions cacheable;
    cacheable.cacheable = true;
    Add(
        "GET", "/api/v1/big/{size}",
        [this](Request& request) {
          ++computed_;
          Response response;
          response.status = 200;
          response.SetHeader("Content-Type", "text/plain");
          response.body =
              PatternedBody(std::stoul(std::string(request.Param("size"))));
          return response;
        },
        cacheable);
    server_.reset();
    server_ = std::make_unique<Server>(TestConfig(), router_, metrics_);
    server_->SetResponseCache(std::make_shared<ResponseCache>(
        [] { return std::uint64_t{1}; }, std::size_t{16} << 30));
    ASSERT_TRUE(server_->Start().ok());
  }

  std::atomic<int> computed_{0};
};

TEST_F(CachedLargeAnswerTest, ComesWholeAndTheConnectionGoesOn) {
  const std::string expected = PatternedBody(300 * 1024);
  RawConnection connection(port());
  for (int i = 0; i < 3; ++i) {
    connection.Send(Get("/api/v1/big/307200"));
    auto response = connection.ReadResponse();
    ASSERT_TRUE(response) << i;
    EXPECT_EQ(response->status, 200) << i;
    EXPECT_EQ(response->Header("Content-Length"), "307200") << i;
    EXPECT_TRUE(response->body == expected)
        << "request " << i << ": " << response->body.size();
    connection.Send(Get("/api/v1/echo"));
    auto after = connection.ReadResponse();
    ASSERT_TRUE(after) << i;
    EXPECT_EQ(after->body, "{\"path\":\"/api/v1/echo\"}") << i;
  }
  EXPECT_EQ(computed_, 1);  // the later two came from the cache
  // HEAD has the same headers and no body, also from the cache.
  connection.Send("HEAD /api/v1/big/307200 HTTP/1.1\r\nHost: x\r\n\r\n");
  auto head = connection.ReadResponse(5000, /*head=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->Header("Content-Length"), "307200");
  connection.Send(Get("/api/v1/echo"));
  auto after_head = connection.ReadResponse();
  ASSERT_TRUE(after_head);
  EXPECT_EQ(after_head->status, 200);
}

TEST_F(CachedLargeAnswerTest, AClientThatReadsLateStillGetsEveryByte) {
  // More than the server's send buffer and the client's receive buffer
  // hold together: the socket fills, and the rest goes out as the client
  // reads.
  const std::size_t size = 24u << 20;
  const std::string target = "/api/v1/big/" + std::to_string(size);
  ASSERT_EQ(Fetch(port(), "GET", target).status, 200);  // now cached
  RawConnection connection(port());
  int small = 64 * 1024;
  setsockopt(connection.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  connection.Send(Get(target));
  std::this_thread::sleep_for(milliseconds(300));
  auto response = connection.ReadResponse(10000);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body.size(), size);
  EXPECT_TRUE(response->body == PatternedBody(size));
  connection.Send(Get("/api/v1/echo"));
  EXPECT_TRUE(connection.ReadResponse());
}

TEST_F(CachedLargeAnswerTest, AClientThatLeavesMidAnswerHarmsNoOne) {
  const std::string target = "/api/v1/big/" + std::to_string(24u << 20);
  ASSERT_EQ(Fetch(port(), "GET", target).status, 200);
  for (int i = 0; i < 5; ++i) {
    RawConnection leaving(port());
    leaving.Send(Get(target));
    std::this_thread::sleep_for(milliseconds(20));
  }  // each closes with most of its answer unread
  std::this_thread::sleep_for(milliseconds(200));
  HttpResponse response = Fetch(port(), "GET", "/api/v1/echo");
  EXPECT_EQ(response.status, 200);
}

TEST_F(ServerTest, ServesStaticFilesWithTheirContentType) {
  RawConnection connection(port());
  connection.Send(Get("/"));
  auto index = connection.ReadResponse();
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  EXPECT_EQ(index->body, "<h1>hallo</h1>");
  EXPECT_EQ(index->Header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(index->Header("X-Content-Type-Options"), "nosniff");
  EXPECT_THAT(index->Header("Content-Security-Policy"),
              HasSubstr("frame-ancestors 'none'"));
  EXPECT_EQ(index->Header("Referrer-Policy"), "no-referrer");
  EXPECT_FALSE(index->Header("X-Request-Id").empty());
  EXPECT_EQ(index->Header("API-Version"), "9.9.9");

  connection.Send(Get("/docs"));
  auto docs = connection.ReadResponse();
  ASSERT_TRUE(docs);
  EXPECT_EQ(docs->body, "docs");

  const std::pair<const char*, const char*> kTypes[] = {
      {"/app.js", "text/javascript; charset=utf-8"},
      {"/a.mjs", "text/javascript; charset=utf-8"},
      {"/a.css", "text/css; charset=utf-8"},
      {"/a.json", "application/json"},
      {"/a.svg", "image/svg+xml"},
      {"/a.png", "image/png"},
      {"/a.ico", "image/x-icon"},
      {"/a.woff2", "font/woff2"},
      {"/a.txt", "text/plain; charset=utf-8"},
      {"/a.js.map", "application/json"}};
  for (const auto& [target, type] : kTypes) {
    connection.Send(Get(target));
    auto response = connection.ReadResponse();
    ASSERT_TRUE(response) << target;
    EXPECT_EQ(response->status, 200) << target;
    EXPECT_EQ(response->Header("Content-Type"), type) << target;
  }

  connection.Send("HEAD /app.js HTTP/1.1\r\nHost: x\r\n\r\n");
  auto head = connection.ReadResponse(5000, /*head=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->Header("Content-Length"), "15");
  connection.Send(Get("/api/v1/echo"));
  auto next = connection.ReadResponse();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST_F(ServerTest, RefusesStaticPathsThatLeaveTheWebRoot) {
  RawConnection connection(port());
  for (const char* target :
       {"/../etc/passwd", "/../../etc/passwd", "/%2e%2e/x",
        "/%2e%2e/%2e%2e/etc/passwd", "/..%2fetc%2fpasswd", "/docs/..",
        "/a%5c..%5cpasswd", "/index.html%00.png", "//etc/passwd", "/out/passwd",
        "/nothing.html", "/api/v1/secret.txt"}) {
    connection.Send(Get(target));
    auto response = connection.ReadResponse();
    ASSERT_TRUE(response) << target;
    EXPECT_EQ(response->status, 404) << target;
    EXPECT_EQ(response->Header("Content-Type"), "application/problem+json")
        << target;
    EXPECT_EQ(response->Header("X-Content-Type-Options"), "nosniff");
  }
  // The web root answers GET and HEAD; other methods are not allowed.
  for (const char* method : {"POST", "TRACE", "DELETE"}) {
    connection.Send(std::string(method) +
                    " /index.html HTTP/1.1\r\nHost: x\r\n\r\n");
    auto refused = connection.ReadResponse();
    ASSERT_TRUE(refused) << method;
    EXPECT_EQ(refused->status, 405) << method;
    EXPECT_EQ(refused->Header("Allow"), "GET, HEAD") << method;
  }
}

TEST_F(ServerTest, WithoutAWebRootUnknownPathsAre404) {
  Restart([](ServerConfig& config) { config.web_root.clear(); });
  RawConnection connection(port());
  connection.Send(Get("/"));
  auto response = connection.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 404);
}

TEST_F(ServerTest, MetricsCountEveryResponse) {
  RawConnection connection(port());
  connection.Send(Get("/api/v1/echo"));
  ASSERT_TRUE(connection.ReadResponse());
  connection.Send(Get("/api/v1/nothing"));
  ASSERT_TRUE(connection.ReadResponse());
  connection.Send(Get("/"));
  ASSERT_TRUE(connection.ReadResponse());
  RawConnection refused(port());
  refused.Send(
      "POST /api/v1/small HTTP/1.1\r\nHost: x\r\nContent-Length: 99\r\n\r\n");
  ASSERT_TRUE(refused.ReadResponse());
  std::string text = metrics_->Render();
  EXPECT_THAT(text,
              HasSubstr("smartercities_http_requests_total{status=\"200\"} 2"));
  EXPECT_THAT(text,
              HasSubstr("smartercities_http_requests_total{status=\"404\"} 1"));
  EXPECT_THAT(text,
              HasSubstr("smartercities_http_requests_total{status=\"413\"} 1"));
  EXPECT_THAT(text,
              HasSubstr("smartercities_http_request_duration_seconds_count 4"));
  EXPECT_THAT(text, HasSubstr("le=\"+Inf\"} 4"));
}

}  // namespace
}  // namespace smartercities::http
