// The HTTP server over TLS, through real sockets on 127.0.0.1, with a
// self-signed certificate made for each test.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include "core/http/server.h"
#include "tests/support/test_support.h"
#include "tests/support/tls_certificate.h"

namespace smartercities::http {
namespace {

using testing::WriteSelfSignedCertificate;

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::RawConnection;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr const char* kHsts = "max-age=31536000; includeSubDomains";

// A blocking HTTPS client over Beast that trusts one certificate and checks
// that it was issued for 127.0.0.1. Every operation gives up after 5 s.
class TlsClient {
 public:
  TlsClient(std::uint16_t port, const std::filesystem::path& trusted_cert)
      : tls_(net::ssl::context::tls_client), stream_(io_, tls_) {
    tls_.load_verify_file(trusted_cert.string());
    stream_.set_verify_mode(net::ssl::verify_peer);
    stream_.set_verify_callback(net::ssl::host_name_verification("127.0.0.1"));
    Tcp().connect(
        net::ip::tcp::endpoint(net::ip::address_v4::loopback(), port));
  }

  beast::error_code Handshake() {
    return Run([this](auto done) {
      stream_.async_handshake(net::ssl::stream_base::client,
                              [done](beast::error_code ec) { done(ec, 0); });
    });
  }

  beast::error_code Send(const std::string& bytes) {
    return Run([this, &bytes](auto done) {
      net::async_write(stream_, net::buffer(bytes), done);
    });
  }

  // One response, or nullopt (with the reason in last_error()).
  std::optional<bhttp::response<bhttp::string_body>> Read(bool head = false) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.skip(head);
    last_error_ = Run([this, &parser](auto done) {
      bhttp::async_read(stream_, buffer_, parser, done);
    });
    if (last_error_) return std::nullopt;
    return parser.release();
  }

  // Whether the server ended the connection, with or without close_notify,
  // before sending anything more.
  bool ClosedByPeer() {
    if (buffer_.size() > 0) return false;
    char byte;
    last_error_ = Run([this, &byte](auto done) {
      stream_.async_read_some(net::buffer(&byte, 1), done);
    });
    return last_error_ == net::error::eof ||
           last_error_ == net::ssl::error::stream_truncated ||
           last_error_ == net::error::connection_reset;
  }

  int ProtocolVersion() { return SSL_version(stream_.native_handle()); }
  beast::error_code last_error() const { return last_error_; }

 private:
  beast::tcp_stream& Tcp() { return beast::get_lowest_layer(stream_); }

  template <class Operation>
  beast::error_code Run(Operation operation) {
    beast::error_code result = net::error::would_block;
    Tcp().expires_after(std::chrono::seconds(5));
    operation([&result](beast::error_code ec, std::size_t) { result = ec; });
    io_.restart();
    io_.run();
    return result;
  }

  net::io_context io_;
  net::ssl::context tls_;
  beast::ssl_stream<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
  beast::error_code last_error_;
};

std::string Get(const std::string& target) {
  return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
}

std::string Header(const bhttp::response<bhttp::string_body>& response,
                   const char* name) {
  return std::string(response[name]);
}

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cert_ = dir_.path() / "cert.pem";
    key_ = dir_.path() / "key.pem";
    WriteSelfSignedCertificate(cert_, key_);
    router_ = std::make_shared<Router>();
    Add("GET", "/api/v1/echo", {}, [](Request& request) {
      return Response::Json(200, "{\"path\":\"" + request.path + "\"}");
    });
    RouteOptions small;
    small.body_limit_bytes = 16;
    Add("POST", "/api/v1/small", small, [](Request& request) {
      return Response::Json(
          201, "{\"size\":" + std::to_string(request.body.size()) + "}");
    });
    RouteOptions sleepy;
    sleepy.query = {
        {"ms", "How long to sleep", R"({"type":"integer"})", false}};
    Add("GET", "/api/v1/sleep", sleepy, [](Request& request) {
      int ms = std::stoi(std::string(request.Query("ms").value_or("0")));
      std::this_thread::sleep_for(milliseconds(ms));
      return Response::Json(200, "{\"slept\":" + std::to_string(ms) + "}");
    });
    server_ = std::make_unique<Server>(TlsConfig(), router_,
                                       std::make_shared<Metrics>());
    Status status = server_->Start();
    ASSERT_TRUE(status.ok()) << status.message();
  }

  ServerConfig TlsConfig() const {
    ServerConfig config;
    config.port = 0;
    config.read_timeout = milliseconds(300);
    config.idle_timeout = milliseconds(2000);
    config.write_timeout = milliseconds(2000);
    config.shutdown_grace = milliseconds(2000);
    config.tls_cert_file = cert_.string();
    config.tls_key_file = key_.string();
    return config;
  }

  void Add(const std::string& method, const std::string& pattern,
           RouteOptions options, Handler handler) {
    ASSERT_TRUE(
        router_->Add({method, pattern, "test", std::move(handler), options})
            .ok());
  }

  std::uint16_t port() const { return server_->port(); }

  testing::TempDir dir_;
  std::filesystem::path cert_;
  std::filesystem::path key_;
  std::shared_ptr<Router> router_;
  std::unique_ptr<Server> server_;
};

// Whether a client that offers only suite (an OpenSSL cipher name) under
// TLS versions min_version to max_version completes a handshake.
bool Handshakes(std::uint16_t port, const char* suite,
                int min_version = TLS1_2_VERSION,
                int max_version = TLS1_2_VERSION) {
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> context(
      SSL_CTX_new(TLS_client_method()), &SSL_CTX_free);
  // Level 0 lets the client offer what a careless or old client offers.
  SSL_CTX_set_security_level(context.get(), 0);
  SSL_CTX_set_min_proto_version(context.get(), min_version);
  SSL_CTX_set_max_proto_version(context.get(), max_version);
  if (SSL_CTX_set_cipher_list(context.get(), suite) != 1) {
    ADD_FAILURE() << "this OpenSSL does not know " << suite;
    return false;
  }
  RawConnection connection(port);
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(context.get()),
                                                &SSL_free);
  SSL_set_fd(ssl.get(), connection.fd());
  return SSL_connect(ssl.get()) == 1;
}

TEST_F(TlsTest, Tls12OffersOnlyForwardSecretAeadSuites) {
  for (const char* refused :
       {"ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA384",
        "ECDHE-ECDSA-AES128-SHA256"}) {
    EXPECT_FALSE(Handshakes(port(), refused)) << refused;
  }
  for (const char* accepted :
       {"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
        "ECDHE-ECDSA-CHACHA20-POLY1305"}) {
    EXPECT_TRUE(Handshakes(port(), accepted)) << accepted;
  }
  EXPECT_FALSE(Handshakes(port(), "ECDHE-ECDSA-AES128-SHA", TLS1_VERSION,
                          TLS1_1_VERSION));
  TlsClient client(port(), cert_);
  ASSERT_FALSE(client.Handshake());
  EXPECT_EQ(client.ProtocolVersion(), TLS1_3_VERSION);

  // The suites of an RSA certificate: static RSA and CBC are refused too.
  std::filesystem::path rsa_cert = dir_.path() / "rsa-cert.pem";
  std::filesystem::path rsa_key = dir_.path() / "rsa-key.pem";
  testing::WriteSelfSignedCertificate(rsa_cert, rsa_key,
                                      testing::KeyType::kRsa2048);
  ServerConfig config = TlsConfig();
  config.tls_cert_file = rsa_cert.string();
  config.tls_key_file = rsa_key.string();
  server_ =
      std::make_unique<Server>(config, router_, std::make_shared<Metrics>());
  ASSERT_TRUE(server_->Start().ok());
  for (const char* refused :
       {"AES128-SHA", "AES256-GCM-SHA384", "AES128-GCM-SHA256",
        "ECDHE-RSA-AES128-SHA", "ECDHE-RSA-AES256-SHA384",
        "DHE-RSA-AES128-GCM-SHA256"}) {
    EXPECT_FALSE(Handshakes(port(), refused)) << refused;
  }
  for (const char* accepted :
       {"ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384",
        "ECDHE-RSA-CHACHA20-POLY1305"}) {
    EXPECT_TRUE(Handshakes(port(), accepted)) << accepted;
  }
}

TEST_F(TlsTest, ConfigSaysWhetherTlsIsOn) {
  EXPECT_TRUE(TlsConfig().tls());
  EXPECT_FALSE(ServerConfig().tls());
}

TEST_F(TlsTest, AnswersHttpsWithHstsAndKeepsTheConnectionAlive) {
  TlsClient client(port(), cert_);
  ASSERT_FALSE(client.Handshake());
  EXPECT_GE(client.ProtocolVersion(), TLS1_2_VERSION);
  for (int i = 0; i < 2; ++i) {
    ASSERT_FALSE(client.Send(Get("/api/v1/echo")));
    auto response = client.Read();
    ASSERT_TRUE(response) << client.last_error().message();
    EXPECT_EQ(response->result_int(), 200);
    EXPECT_EQ(response->body(), "{\"path\":\"/api/v1/echo\"}");
    EXPECT_EQ(Header(*response, "Strict-Transport-Security"), kHsts);
    EXPECT_EQ(Header(*response, "X-Content-Type-Options"), "nosniff");
    EXPECT_THAT(Header(*response, "Content-Security-Policy"),
                HasSubstr("frame-ancestors 'none'"));
    EXPECT_EQ(Header(*response, "Referrer-Policy"), "no-referrer");
    EXPECT_EQ(Header(*response, "Server"), "");
    EXPECT_TRUE(response->keep_alive());
  }
  // Pipelined in one TLS record, answered in order.
  ASSERT_FALSE(client.Send(Get("/api/v1/sleep?ms=50") + Get("/api/v1/echo")));
  auto first = client.Read();
  auto second = client.Read();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->body(), "{\"slept\":50}");
  EXPECT_EQ(second->body(), "{\"path\":\"/api/v1/echo\"}");

  ASSERT_FALSE(client.Send("HEAD /api/v1/echo HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto head = client.Read(/*head=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(Header(*head, "Content-Length"), "23");
  EXPECT_EQ(Header(*head, "Strict-Transport-Security"), kHsts);
}

TEST_F(TlsTest, ErrorsCarryHstsAndARefusalClosesTheConnection) {
  TlsClient not_found(port(), cert_);
  ASSERT_FALSE(not_found.Handshake());
  ASSERT_FALSE(not_found.Send(Get("/api/v1/nothing")));
  auto missing = not_found.Read();
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->result_int(), 404);
  EXPECT_EQ(Header(*missing, "Strict-Transport-Security"), kHsts);

  // The same limits as plain HTTP: 413, then close_notify, and the request
  // sent behind the refused one is never answered.
  TlsClient refused(port(), cert_);
  ASSERT_FALSE(refused.Handshake());
  ASSERT_FALSE(refused.Send(
      "POST /api/v1/small HTTP/1.1\r\nHost: x\r\nContent-Length: 99\r\n\r\n" +
      std::string(99, 'a') + Get("/api/v1/echo")));
  auto too_large = refused.Read();
  ASSERT_TRUE(too_large) << refused.last_error().message();
  EXPECT_EQ(too_large->result_int(), 413);
  EXPECT_EQ(Header(*too_large, "Strict-Transport-Security"), kHsts);
  EXPECT_FALSE(too_large->keep_alive());
  EXPECT_TRUE(refused.ClosedByPeer()) << refused.last_error().message();
  EXPECT_EQ(refused.last_error(), net::error::eof)
      << "expected close_notify, got " << refused.last_error().message();

  TlsClient closing(port(), cert_);
  ASSERT_FALSE(closing.Handshake());
  ASSERT_FALSE(closing.Send(
      "GET /api/v1/echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  auto last = closing.Read();
  ASSERT_TRUE(last);
  EXPECT_EQ(last->result_int(), 200);
  EXPECT_TRUE(closing.ClosedByPeer()) << closing.last_error().message();
}

TEST_F(TlsTest, PlainHttpOnTheTlsPortGetsNoHttpAnswer) {
  RawConnection plain(port());
  plain.Send(Get("/api/v1/echo"));
  auto received = plain.ReadUntilClosed(3000);
  ASSERT_TRUE(received) << "the server kept a plain HTTP connection open";
  EXPECT_THAT(*received, Not(HasSubstr("HTTP/")));
  EXPECT_THAT(*received, Not(HasSubstr("/api/v1/echo")));
}

TEST_F(TlsTest, AClientThatNeverCompletesTheHandshakeIsDropped) {
  RawConnection silent(port());
  auto started = Clock::now();
  EXPECT_TRUE(silent.ClosedByPeer(3000));
  // The read timeout (300 ms), not the idle timeout (2 s).
  EXPECT_LT(Clock::now() - started, milliseconds(1500));
}

TEST_F(TlsTest, StopLetsAnHttpsResponseInFlightFinish) {
  TlsClient client(port(), cert_);
  ASSERT_FALSE(client.Handshake());
  ASSERT_FALSE(client.Send(Get("/api/v1/sleep?ms=300")));
  std::this_thread::sleep_for(milliseconds(50));
  auto stopped = std::async(std::launch::async, [this] { server_->Stop(); });
  auto response = client.Read();
  ASSERT_TRUE(response) << client.last_error().message();
  EXPECT_EQ(response->result_int(), 200);
  EXPECT_EQ(response->body(), "{\"slept\":300}");
  EXPECT_FALSE(response->keep_alive());
  stopped.get();
}

TEST_F(TlsTest, StartFailsNamingTheCertificateOrKeyItCannotUse) {
  std::filesystem::path other_cert = dir_.path() / "other-cert.pem";
  std::filesystem::path other_key = dir_.path() / "other-key.pem";
  WriteSelfSignedCertificate(other_cert, other_key);
  std::filesystem::path garbage = dir_.path() / "garbage.pem";
  std::ofstream(garbage) << "-----BEGIN CERTIFICATE-----\nnonsense\n";
  std::string missing = (dir_.path() / "missing-cert.pem").string();

  struct Case {
    std::string cert;
    std::string key;
    std::string named;  // what the message must name
  };
  const Case kCases[] = {
      {missing, key_.string(), missing},
      {cert_.string(), missing, missing},
      {cert_.string(), "", cert_.string()},
      {"", key_.string(), key_.string()},
      {garbage.string(), key_.string(), garbage.string()},
      {cert_.string(), garbage.string(), garbage.string()},
      {key_.string(), key_.string(), key_.string()},
      {cert_.string(), other_key.string(), other_key.string()},
  };
  const std::string kMismatch = "does not belong to the certificate";
  for (const Case& c : kCases) {
    ServerConfig config = TlsConfig();
    config.tls_cert_file = c.cert;
    config.tls_key_file = c.key;
    Server server(config, router_, std::make_shared<Metrics>());
    Status status = server.Start();
    EXPECT_FALSE(status.ok()) << c.cert << " / " << c.key;
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status.message();
    EXPECT_THAT(status.message(), HasSubstr("'" + c.named + "'"));
    EXPECT_EQ(server.port(), 0) << status.message();
    EXPECT_EQ(status.message().find(kMismatch) != std::string::npos,
              c.key == other_key.string())
        << status.message();
  }
}

}  // namespace
}  // namespace smartercities::http
