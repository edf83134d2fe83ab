// The HTTP server over real sockets on 127.0.0.1.
#include "core/http/server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/support/test_support.h"

namespace smartercities::http {
namespace {

using ::testing::HasSubstr;
using testing::RawConnection;

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(web_.path() / "index.html") << "<h1>hallo</h1>";
    std::ofstream(web_.path() / "app.js") << "console.log(1);";
    router_ = std::make_shared<Router>();
    Add("GET", "/api/v1/echo", [](Request& request) {
      return Response::Json(200, "{\"path\":\"" + request.path + "\"}");
    });
    RouteOptions small;
    small.body_limit_bytes = 16;
    Add(
        "POST", "/api/v1/small",
        [](Request& request) {
          return Response::Json(
              201, "{\"size\":" + std::to_string(request.body.size()) + "}");
        },
        small);
    RouteOptions slow;
    slow.deadline = std::chrono::milliseconds(200);
    Add(
        "GET", "/api/v1/slow",
        [](Request& request) {
          int ms = std::stoi(std::string(request.Query("ms").value_or("0")));
          std::this_thread::sleep_for(std::chrono::milliseconds(ms));
          return Response::Json(200, "{\"slept\":" + std::to_string(ms) + "}");
        },
        slow);
    Add("GET", "/api/v1/throws", [](Request&) -> Response {
      throw std::runtime_error("broken on purpose");
    });
    ServerConfig config;
    config.port = 0;
    config.web_root = web_.path().string();
    config.idle_timeout = std::chrono::milliseconds(300);
    config.read_timeout = std::chrono::milliseconds(300);
    config.header_limit_bytes = 2048;
    config.default_headers = {{"API-Version", "9.9.9"}};
    metrics_ = std::make_shared<Metrics>();
    server_ = std::make_unique<Server>(config, router_, metrics_);
    ASSERT_TRUE(server_->Start().ok());
  }

  void Add(const std::string& method, const std::string& pattern,
           Handler handler, RouteOptions options = {}) {
    ASSERT_TRUE(
        router_->Add({method, pattern, "test", std::move(handler), options})
            .ok());
  }

  std::uint16_t port() const { return server_->port(); }

  testing::TempDir web_;
  std::shared_ptr<Router> router_;
  std::shared_ptr<Metrics> metrics_;
  std::unique_ptr<Server> server_;
};

TEST_F(ServerTest, KeepsTheConnectionAliveBetweenRequests) {
  RawConnection connection(port());
  for (int i = 0; i < 3; ++i) {
    connection.Send("GET /api/v1/echo HTTP/1.1\r\nHost: x\r\n\r\n");
    auto response = connection.ReadResponse();
    ASSERT_TRUE(response) << i;
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, "{\"path\":\"/api/v1/echo\"}");
  }
}

TEST_F(ServerTest, AnswersHeadWithTheHeadersOfGetAndNoBody) {
  RawConnection connection(port());
  connection.Send("HEAD /api/v1/echo HTTP/1.1\r\nHost: x\r\n\r\n");
  auto head = connection.ReadResponse(5000, /*head=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("Content-Length"), "23");
  connection.Send("GET /api/v1/echo HTTP/1.1\r\nHost: x\r\n\r\n");
  auto get = connection.ReadResponse();
  ASSERT_TRUE(get);
  // Had HEAD sent a body, it would stand before this response.
  EXPECT_EQ(get->body, "{\"path\":\"/api/v1/echo\"}");
}

TEST_F(ServerTest, AnswersPipelinedRequestsInOrder) {
  RawConnection connection(port());
  connection.Send(
      "GET /api/v1/slow?ms=50 HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /api/v1/echo HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /api/v1/slow?ms=0 HTTP/1.1\r\nHost: x\r\n\r\n");
  auto first = connection.ReadResponse();
  auto second = connection.ReadResponse();
  auto third = connection.ReadResponse();
  ASSERT_TRUE(first && second && third);
  EXPECT_EQ(first->body, "{\"slept\":50}");
  EXPECT_EQ(second->body, "{\"path\":\"/api/v1/echo\"}");
  EXPECT_EQ(third->body, "{\"slept\":0}");
}

TEST_F(ServerTest, UnknownPathsGetAProblemWithSecurityHeaders) {
  RawConnection connection(port());
  connection.Send("GET /api/v1/nothing HTTP/1.1\r\nHost: x\r\n\r\n");
  auto response = connection.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 404);
  EXPECT_EQ(response->Header("Content-Type"), "application/problem+json");
  auto body = nlohmann::json::parse(response->body);
  EXPECT_EQ(body["status"], 404);
  EXPECT_THAT(body["detail"].get<std::string>(), HasSubstr("/api/v1/nothing"));
  EXPECT_EQ(response->Header("X-Content-Type-Options"), "nosniff");
  EXPECT_THAT(response->Header("Content-Security-Policy"),
              HasSubstr("frame-ancestors 'none'"));
  EXPECT_EQ(response->Header("Referrer-Policy"), "no-referrer");
  EXPECT_EQ(response->Header("API-Version"), "9.9.9");
  EXPECT_EQ(response->Header("X-Request-Id").size(), 16u);
  EXPECT_EQ(response->Header("Server"), "");
}

TEST_F(ServerTest, WrongMethodGets405WithAllow) {
  RawConnection connection(port());
  connection.Send("DELETE /api/v1/echo HTTP/1.1\r\nHost: x\r\n\r\n");
  auto response = connection.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 405);
  EXPECT_EQ(response->Header("Allow"), "GET");
}

TEST_F(ServerTest, ABodyOverTheRoutesLimitGets413AndTheConnectionCloses) {
  RawConnection connection(port());
  connection.Send(
      "POST /api/v1/small HTTP/1.1\r\nHost: x\r\nContent-Length: 17\r\n\r\n"
      "12345678901234567");
  auto response = connection.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  EXPECT_TRUE(connection.ClosedByPeer());
  RawConnection fits(port());
  fits.Send(
      "POST /api/v1/small HTTP/1.1\r\nHost: x\r\nContent-Length: 16\r\n\r\n"
      "1234567890123456");
  auto ok = fits.ReadResponse();
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 201);
}

// Each framing the server refuses: one 400, then the connection closes and
// the smuggled second request is never answered.
TEST_F(ServerTest, RequestSmugglingShapesGet400AndClose) {
  const std::string smuggled = "GET /api/v1/echo HTTP/1.1\r\nHost: x\r\n\r\n";
  for (const std::string& request : {
           std::string("POST /api/v1/small HTTP/1.1\r\nHost: x\r\n"
                       "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n"
                       "0\r\n\r\n"),
           std::string("POST /api/v1/small HTTP/1.1\r\nHost: x\r\n"
                       "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                       "0\r\n\r\n"),
           std::string("POST /api/v1/small HTTP/1.1\r\nHost: x\r\n"
                       "Transfer-Encoding: gzip\r\n\r\n"),
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
    EXPECT_FALSE(connection.ReadResponse(300)) << request;
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
  EXPECT_TRUE(connection.ClosedByPeer());
}

TEST_F(ServerTest, AClientThatStopsSendingIsDropped) {
  RawConnection connection(port());
  connection.Send("GET /api/v1/echo HTTP/1.1\r\nHo");
  auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(connection.ClosedByPeer(3000));
  EXPECT_LT(std::chrono::steady_clock::now() - started,
            std::chrono::seconds(2));
}

TEST_F(ServerTest, AHangingHandlerGets504WhileOthersAreServed) {
  RawConnection slow(port());
  slow.Send("GET /api/v1/slow?ms=1000 HTTP/1.1\r\nHost: x\r\n\r\n");
  RawConnection quick(port());
  quick.Send("GET /api/v1/echo HTTP/1.1\r\nHost: x\r\n\r\n");
  auto quick_response = quick.ReadResponse();
  ASSERT_TRUE(quick_response);
  EXPECT_EQ(quick_response->status, 200);
  auto timed_out = slow.ReadResponse();
  ASSERT_TRUE(timed_out);
  EXPECT_EQ(timed_out->status, 504);
  EXPECT_EQ(timed_out->Header("Content-Type"), "application/problem+json");
}

TEST_F(ServerTest, AThrowingHandlerGets500WithAnErrorId) {
  RawConnection connection(port());
  connection.Send("GET /api/v1/throws HTTP/1.1\r\nHost: x\r\n\r\n");
  auto response = connection.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 500);
  auto body = nlohmann::json::parse(response->body);
  EXPECT_EQ(body["errorId"], response->Header("X-Request-Id"));
  connection.Send("GET /api/v1/echo HTTP/1.1\r\nHost: x\r\n\r\n");
  auto next = connection.ReadResponse();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST_F(ServerTest, StopLetsAResponseInFlightFinish) {
  RawConnection connection(port());
  connection.Send("GET /api/v1/slow?ms=150 HTTP/1.1\r\nHost: x\r\n\r\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto stopped = std::async(std::launch::async, [this] { server_->Stop(); });
  auto response = connection.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->Header("Connection"), "close");
  stopped.get();
  EXPECT_THROW(RawConnection again(port()), std::runtime_error);
}

TEST_F(ServerTest, ServesStaticFilesAndRefusesTraversal) {
  RawConnection connection(port());
  connection.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  auto index = connection.ReadResponse();
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  EXPECT_EQ(index->body, "<h1>hallo</h1>");
  EXPECT_THAT(index->Header("Content-Type"), HasSubstr("text/html"));
  EXPECT_EQ(index->Header("X-Content-Type-Options"), "nosniff");
  connection.Send("GET /app.js HTTP/1.1\r\nHost: x\r\n\r\n");
  auto script = connection.ReadResponse();
  ASSERT_TRUE(script);
  EXPECT_THAT(script->Header("Content-Type"), HasSubstr("text/javascript"));
  for (const char* target : {"/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
                             "/..%2fetc%2fpasswd", "/nothing.html"}) {
    connection.Send(std::string("GET ") + target +
                    " HTTP/1.1\r\nHost: x\r\n\r\n");
    auto response = connection.ReadResponse();
    ASSERT_TRUE(response) << target;
    EXPECT_EQ(response->status, 404) << target;
  }
}

TEST_F(ServerTest, MetricsCountRequestsByStatus) {
  RawConnection connection(port());
  connection.Send("GET /api/v1/echo HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(connection.ReadResponse());
  connection.Send("GET /api/v1/nothing HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(connection.ReadResponse());
  std::string text = metrics_->Render();
  EXPECT_THAT(text,
              HasSubstr("smartercities_http_requests_total{status=\"200\"} 1"));
  EXPECT_THAT(text,
              HasSubstr("smartercities_http_requests_total{status=\"404\"} 1"));
  EXPECT_THAT(text,
              HasSubstr("smartercities_http_request_duration_seconds_count 2"));
  EXPECT_THAT(text, HasSubstr("le=\"+Inf\"} 2"));
}

}  // namespace
}  // namespace smartercities::http
