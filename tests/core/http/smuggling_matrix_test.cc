// Request smuggling and request limits, case by case, over real sockets.
//
// Each case sends one request the server must refuse and, in the same write,
// a valid request behind it. A server that frames the first request
// differently from a proxy in front of it would answer that second request
// (or part of the first as if it were one); so for every case the test
// demands exactly one answer with the expected status, and then the end of
// the connection with nothing more on it.
//
// Decisions where RFC 9112 leaves a choice, or where parsers differ:
// - Transfer-Encoding other than exactly "chunked" is refused with 400,
//   including "chunked, chunked": chunked must not be applied twice
//   (RFC 9112 section 7), so such a body cannot be framed reliably.
// - Content-Length and Transfer-Encoding together: 400 in either order.
// - Obsolete line folding: 400 (RFC 9112 section 5.2 allows rejecting it,
//   and joining lines is what lets a folded Transfer-Encoding through).
// - A bare LF as line ending: 400; only CRLF ends a line.
// - A chunk size that does not fit in 64 bits: 400; one that fits but is over
//   the route's limit: 413. Leading zeros are legal and accepted.
// - Chunk extensions are accepted up to a small size and refused beyond it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/http/server.h"
#include "tests/support/test_support.h"

namespace smartercities::http {
namespace {

using std::chrono::milliseconds;
using testing::RawConnection;
using namespace std::string_literals;

constexpr std::size_t kHeaderLimitBytes = 2048;

// The valid request sent behind each refused one.
const std::string kSmuggled = "GET /api/v1/echo HTTP/1.1\r\nHost: x\r\n\r\n";

std::string Post(const std::string& headers, const std::string& body) {
  return "POST /api/v1/small HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n" + body;
}

std::string Chunked(const std::string& body) {
  return Post("Transfer-Encoding: chunked\r\n", body);
}

std::string ManyHeaders() {
  std::string headers;
  for (int i = 0; i < 100; ++i) {
    headers +=
        "X-Header-" + std::to_string(i) + ": " + std::string(30, 'v') + "\r\n";
  }
  return headers;
}

struct Case {
  std::string name;
  std::string request;
  int status;
};

void PrintTo(const Case& c, std::ostream* out) { *out << c.name; }

const Case kCases[] = {
    // Content-Length and Transfer-Encoding.
    {"ContentLengthThenChunked",
     Post("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"),
     400},
    {"ChunkedThenContentLength",
     Post("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", "0\r\n\r\n"),
     400},
    {"ChunkedThenContentLengthZero",
     Post("Transfer-Encoding: chunked\r\nContent-Length: 0\r\n",
          "5\r\nhello\r\n0\r\n\r\n"),
     400},
    // Transfer codings other than exactly chunked.
    {"TransferEncodingGzip", Post("Transfer-Encoding: gzip\r\n", ""), 400},
    {"TransferEncodingGzipChunked",
     Post("Transfer-Encoding: gzip, chunked\r\n", "0\r\n\r\n"), 400},
    {"TransferEncodingChunkedGzip",
     Post("Transfer-Encoding: chunked, gzip\r\n", "0\r\n\r\n"), 400},
    {"TransferEncodingChunkedChunked",
     Post("Transfer-Encoding: chunked, chunked\r\n", "0\r\n\r\n"), 400},
    {"TransferEncodingChunkedIdentity",
     Post("Transfer-Encoding: chunked, identity\r\n", "0\r\n\r\n"), 400},
    {"TransferEncodingTwice",
     Post("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
          "0\r\n\r\n"),
     400},
    {"TransferEncodingGzipThenChunkedHeaders",
     Post("Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n",
          "0\r\n\r\n"),
     400},
    {"TransferEncodingEmpty", Post("Transfer-Encoding: \r\n", "0\r\n\r\n"),
     400},
    {"TransferEncodingMisspelt",
     Post("Transfer-Encoding: chunk\r\n", "0\r\n\r\n"), 400},
    {"TransferEncodingVerticalTab",
     Post("Transfer-Encoding: \x0b"
          "chunked\r\n",
          "0\r\n\r\n"),
     400},
    {"TransferEncodingWithParameter",
     Post("Transfer-Encoding: chunked;q=1\r\n", "0\r\n\r\n"), 400},
    // Content-Length.
    {"TwoDifferentContentLengths",
     Post("Content-Length: 5\r\nContent-Length: 6\r\n", "hello!"), 400},
    {"ContentLengthList", Post("Content-Length: 5, 6\r\n", "hello!"), 400},
    {"ContentLengthNegative", Post("Content-Length: -1\r\n", ""), 400},
    {"ContentLengthNonNumeric", Post("Content-Length: abc\r\n", ""), 400},
    {"ContentLengthHex", Post("Content-Length: 0x5\r\n", "hello"), 400},
    {"ContentLengthPlusSign", Post("Content-Length: +5\r\n", "hello"), 400},
    {"ContentLengthWithSpaceInside", Post("Content-Length: 1 2\r\n", ""), 400},
    {"ContentLengthEmpty", Post("Content-Length: \r\n", ""), 400},
    {"ContentLengthOverflowing",
     Post("Content-Length: 99999999999999999999999\r\n", ""), 400},
    {"ContentLengthJustOver64Bits",
     Post("Content-Length: 18446744073709551616\r\n", ""), 400},
    // Chunk sizes and chunk framing.
    {"ChunkSizeNotHex", Chunked("zz\r\nhello\r\n0\r\n\r\n"), 400},
    {"ChunkSizeNegative", Chunked("-5\r\nhello\r\n0\r\n\r\n"), 400},
    {"ChunkSizeWithHexPrefix", Chunked("0x5\r\nhello\r\n0\r\n\r\n"), 400},
    {"ChunkSizeOverflowing", Chunked("10000000000000005\r\nhello\r\n0\r\n\r\n"),
     400},
    {"ChunkSizeEmpty", Chunked("\r\nhello\r\n0\r\n\r\n"), 400},
    {"ChunkSizeLeadingSpace", Chunked(" 5\r\nhello\r\n0\r\n\r\n"), 400},
    {"ChunkSizeWithoutCrlf", Chunked("5hello\r\n0\r\n\r\n"), 400},
    {"ChunkDataWithoutCrlf", Chunked("5\r\nhelloXX0\r\n\r\n"), 400},
    {"ChunkDataLongerThanItsSize", Chunked("3\r\nhello\r\n0\r\n\r\n"), 400},
    {"ChunkLinesEndingInBareLf", Chunked("5\nhello\n0\n\n"), 400},
    {"ChunkSizeEndingInBareCr", Chunked("5\rhello\r\n0\r\n\r\n"), 400},
    // Chunk extensions.
    {"ChunkExtensionUnterminatedQuote",
     Chunked("5;name=\"value\r\nhello\r\n0\r\n\r\n"), 400},
    {"ChunkExtensionWithoutName", Chunked("5;=x\r\nhello\r\n0\r\n\r\n"), 400},
    {"ChunkExtensionWithControlCharacter",
     Chunked("5;name=\x01\r\nhello\r\n0\r\n\r\n"), 400},
    {"ChunkExtensionHuge",
     Chunked("5;name=" + std::string(4000, 'x') + "\r\nhello\r\n0\r\n\r\n"),
     400},
    {"ChunkExtensionsMany",
     Chunked("5" +
             [] {
               std::string many;
               for (int i = 0; i < 1000; ++i) many += ";a";
               return many;
             }() +
             "\r\nhello\r\n0\r\n\r\n"),
     400},
    {"ChunkExtensionOnLastChunkHuge",
     Chunked("5\r\nhello\r\n0;name=" + std::string(4000, 'x') + "\r\n\r\n"),
     400},
    // Limits.
    {"OversizedHeaderLine",
     "GET /api/v1/echo HTTP/1.1\r\nHost: x\r\nX-Big: " +
         std::string(2 * kHeaderLimitBytes, 'a') + "\r\n\r\n",
     431},
    {"TooManyHeaderBytes",
     "GET /api/v1/echo HTTP/1.1\r\nHost: x\r\n" + ManyHeaders() + "\r\n", 431},
    {"BodyOverTheLimitByContentLength",
     Post("Content-Length: 17\r\n", std::string(17, 'a')), 413},
    {"BodyOverTheLimitByHugeContentLength",
     Post("Content-Length: 18446744073709551615\r\n", "hello"), 413},
    {"BodyOverTheLimitChunked",
     Chunked("a\r\n0123456789\r\na\r\n0123456789\r\n0\r\n\r\n"), 413},
    {"BodyOverTheLimitInOneChunk",
     Chunked("11\r\n" + std::string(17, 'a') + "\r\n0\r\n\r\n"), 413},
    {"BodyOverTheLimitByChunkSize", Chunked("ffffffff\r\nhello\r\n0\r\n\r\n"),
     413},
    // Versions and header syntax.
    {"ChunkedInHttp10",
     "POST /api/v1/small HTTP/1.0\r\nHost: x\r\n"
     "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
     400},
    {"ObsFold", Post("Content-Length: 5\r\nX-Custom: a\r\n b\r\n", "hello"),
     400},
    {"ObsFoldWithTab",
     Post("Content-Length: 5\r\nX-Custom: a\r\n\tb\r\n", "hello"), 400},
    {"ObsFoldOfTransferEncoding",
     Post("Transfer-Encoding:\r\n chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"),
     400},
    {"ObsFoldOfContentLength", Post("Content-Length:\r\n 5\r\n", "hello"), 400},
    {"WhitespaceBeforeTheFirstHeader",
     "POST /api/v1/small HTTP/1.1\r\n Transfer-Encoding: chunked\r\n"
     "Host: x\r\nContent-Length: 5\r\n\r\nhello",
     400},
    {"SpaceBeforeColonInContentLength", Post("Content-Length : 5\r\n", "hello"),
     400},
    {"SpaceBeforeColonInTransferEncoding",
     Post("Transfer-Encoding : chunked\r\n", "0\r\n\r\n"), 400},
    {"TabBeforeColon", Post("Content-Length\t: 5\r\n", "hello"), 400},
    {"BareLfLineEndings", "GET /api/v1/echo HTTP/1.1\nHost: x\n\n", 400},
    {"BareLfInOneHeaderLine",
     Post("Content-Length: 5\nX-Custom: a\r\n", "hello"), 400},
    {"BareCrInHeaderValue",
     Post("X-Custom: a\rb\r\nContent-Length: 5\r\n", "hello"), 400},
    {"NulInHeaderValue",
     Post("X-Custom: a\0b\r\nContent-Length: 5\r\n"s, "hello"), 400},
    {"NulInHeaderName",
     Post("X-Cus\0tom: a\r\nContent-Length: 5\r\n"s, "hello"), 400},
    {"NulInRequestTarget", "GET /api/v1/echo\0 HTTP/1.1\r\nHost: x\r\n\r\n"s,
     400},
    {"HeaderWithoutColon", Post("Content-Length 5\r\n", "hello"), 400},
    {"EmptyHeaderName", Post(": 5\r\n", ""), 400},
};

class SmugglingServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_ = std::make_shared<Router>();
    RouteOptions small;
    small.body_limit_bytes = 16;
    ASSERT_TRUE(router_
                    ->Add({"POST", "/api/v1/small", "test",
                           [](Request& request) {
                             return Response::Json(
                                 201, "{\"size\":" +
                                          std::to_string(request.body.size()) +
                                          "}");
                           },
                           small})
                    .ok());
    ASSERT_TRUE(router_
                    ->Add({"GET",
                           "/api/v1/echo",
                           "test",
                           [](Request&) {
                             return Response::Json(200, "{\"echo\":true}");
                           },
                           {}})
                    .ok());
    ASSERT_TRUE(router_
                    ->Add({"POST",
                           "/api/v1/headers",
                           "test",
                           [](Request& request) {
                             std::string names;
                             for (const auto& [name, value] : request.headers) {
                               names += name + ";";
                             }
                             return Response::Json(200, "\"" + names + "\"");
                           },
                           {}})
                    .ok());
    ServerConfig config;
    config.port = 0;
    config.header_limit_bytes = kHeaderLimitBytes;
    // Long enough that a server waiting for bytes that never come would
    // show as a missing answer, not as an early close.
    config.read_timeout = milliseconds(3000);
    config.idle_timeout = milliseconds(3000);
    server_ =
        std::make_unique<Server>(config, router_, std::make_shared<Metrics>());
    ASSERT_TRUE(server_->Start().ok());
  }

  std::shared_ptr<Router> router_;
  std::unique_ptr<Server> server_;
};

class SmugglingMatrixTest : public SmugglingServerTest,
                            public ::testing::WithParamInterface<Case> {};

TEST_P(SmugglingMatrixTest, OneRefusalThenTheConnectionCloses) {
  const Case& c = GetParam();
  RawConnection connection(server_->port());
  connection.Send(c.request + kSmuggled);
  auto response = connection.ReadResponse(2000);
  ASSERT_TRUE(response) << "no answer";
  EXPECT_EQ(response->status, c.status) << response->body;
  EXPECT_EQ(response->Header("Content-Type"), "application/problem+json");
  // HTTP/1.0 closes unless asked otherwise, so it needs no "close".
  if (c.request.find(" HTTP/1.0\r\n") == std::string::npos) {
    EXPECT_EQ(response->Header("Connection"), "close");
  } else {
    EXPECT_NE(response->Header("Connection"), "keep-alive");
  }
  auto rest = connection.ReadUntilClosed(2000);
  ASSERT_TRUE(rest) << "the connection stayed open";
  EXPECT_EQ(*rest, "") << "something came after the refusal";
}

INSTANTIATE_TEST_SUITE_P(Shapes, SmugglingMatrixTest,
                         ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& param_info) {
                           return param_info.param.name;
                         });

// The same server accepts the legal variants of these shapes, so the matrix
// above shows refusals of what is wrong, not of everything unusual.
TEST_F(SmugglingServerTest, LegalShapesAreAnsweredAndTheConnectionGoesOn) {
  const std::string kLegal[] = {
      Post("Content-Length: 5\r\n", "hello"),
      Post("Content-Length: 5\r\nContent-Length: 5\r\n", "hello"),
      Post("Content-Length: 0005\r\n", "hello"),
      Chunked("5\r\nhello\r\n0\r\n\r\n"),
      Chunked("0005\r\nhello\r\n0\r\n\r\n"),
      Chunked("5;name=value\r\nhello\r\n0;last=\"yes\"\r\n\r\n"),
      Chunked("5\r\nhello\r\n0\r\nX-Trailer: t\r\n\r\n"),
      Post("Transfer-Encoding: Chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"),
      Post("Transfer-Encoding:  chunked \r\n", "5\r\nhello\r\n0\r\n\r\n"),
      Post("Content-Length: 5\r\nX-Custom: a\tb\r\n", "hello"),
  };
  RawConnection connection(server_->port());
  for (const std::string& request : kLegal) {
    connection.Send(request + kSmuggled);
    auto response = connection.ReadResponse(2000);
    ASSERT_TRUE(response) << request;
    EXPECT_EQ(response->status, 201) << request << response->body;
    EXPECT_EQ(response->body, "{\"size\":5}") << request;
    auto next = connection.ReadResponse(2000);
    ASSERT_TRUE(next) << request;
    EXPECT_EQ(next->status, 200) << request;
  }
}

// Beast would add trailer fields to the request's headers, where a
// trailer could pose as a header a proxy checked (Authorization, say).
TEST_F(SmugglingServerTest, TrailerFieldsDoNotBecomeHeaders) {
  RawConnection connection(server_->port());
  connection.Send(
      "POST /api/v1/headers HTTP/1.1\r\nHost: x\r\n"
      "Transfer-Encoding: chunked\r\n\r\n"
      "2\r\n{}\r\n0\r\nAuthorization: Bearer x\r\nX-Trailer: t\r\n\r\n");
  auto response = connection.ReadResponse(2000);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "\"host;transfer-encoding;\"");
}

}  // namespace
}  // namespace smartercities::http
