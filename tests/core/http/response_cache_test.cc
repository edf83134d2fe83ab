#include "core/http/response_cache.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>

namespace smartercities::http {
namespace {

using ::testing::Contains;
using ::testing::Pair;

// The body after gunzip; empty when it is not gzip.
std::string Gunzip(const std::string& bytes) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 16) != Z_OK) return {};
  std::string out(1 << 20, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  int result = inflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  inflateEnd(&stream);
  return result == Z_STREAM_END ? out : std::string();
}

class ResponseCacheTest : public ::testing::Test {
 protected:
  std::atomic<std::uint64_t> generation_{1};
  ResponseCache cache_{[this] { return generation_.load(); }};
};

TEST_F(ResponseCacheTest, ServesAnAnswerUntilTheDataChanges) {
  std::uint64_t before = cache_.Generation();
  ASSERT_NE(cache_.Store("/a", before, Response::Json(200, "[1]")), nullptr);
  auto found = cache_.Find("/a");
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(*found->body(), "[1]");
  generation_ = 2;
  EXPECT_EQ(cache_.Find("/a"), nullptr);
}

TEST_F(ResponseCacheTest, AnAnswerFromBeforeAWriteIsNeverStoredAfterIt) {
  std::uint64_t before = cache_.Generation();
  // A write committed while the handler ran.
  generation_ = 2;
  auto entry = cache_.Store("/a", before, Response::Json(200, "[old]"));
  ASSERT_NE(entry, nullptr);  // still the answer for this request
  EXPECT_EQ(cache_.Find("/a"), nullptr);
}

TEST_F(ResponseCacheTest, InvalidateMakesEveryEntryStale) {
  ASSERT_NE(cache_.Store("/a", cache_.Generation(), Response::Json(200, "1")),
            nullptr);
  cache_.Invalidate();
  EXPECT_EQ(cache_.Find("/a"), nullptr);
}

TEST_F(ResponseCacheTest, KeepsOnly200) {
  EXPECT_EQ(cache_.Store("/missing", cache_.Generation(),
                         Response::Problem(404, "Not Found", "no")),
            nullptr);
  EXPECT_EQ(cache_.Find("/missing"), nullptr);
}

TEST_F(ResponseCacheTest, StaysWithinItsBudget) {
  ResponseCache small([this] { return generation_.load(); }, 16 * 4096);
  for (int i = 0; i < 1000; ++i) {
    small.Store("/item/" + std::to_string(i), small.Generation(),
                Response::Json(200, std::string(1000, 'x')));
  }
  int kept = 0;
  for (int i = 0; i < 1000; ++i) {
    if (small.Find("/item/" + std::to_string(i))) ++kept;
  }
  EXPECT_GT(kept, 0);
  EXPECT_LT(kept, 64);
}

TEST_F(ResponseCacheTest, AnswersWithAStrongEtagAnd304) {
  auto entry =
      cache_.Store("/a", cache_.Generation(), Response::Json(200, "{\"x\":1}"));
  ASSERT_NE(entry, nullptr);
  CachedAnswer first = AnswerFromCache(*entry, "", "");
  EXPECT_EQ(first.status, 200);
  EXPECT_THAT(first.headers, Contains(Pair("ETag", entry->etag())));
  EXPECT_THAT(first.headers,
              Contains(Pair("Cache-Control", "public, no-cache")));
  EXPECT_EQ(entry->etag().front(), '"');
  CachedAnswer again = AnswerFromCache(*entry, entry->etag(), "");
  EXPECT_EQ(again.status, 304);
  EXPECT_EQ(again.body, nullptr);
  EXPECT_EQ(AnswerFromCache(*entry, "\"other\", W/" + entry->etag(), "").status,
            304);
  EXPECT_EQ(AnswerFromCache(*entry, "\"other\"", "").status, 200);
  // Another body has another ETag.
  auto other =
      cache_.Store("/b", cache_.Generation(), Response::Json(200, "{\"x\":2}"));
  EXPECT_NE(other->etag(), entry->etag());
}

TEST_F(ResponseCacheTest, GzipsLargeBodiesForClientsThatAcceptIt) {
  std::string body = "[";
  for (int i = 0; i < 500; ++i) body += "{\"city\":\"GM0363\",\"value\":12.5},";
  body += "0]";
  auto entry =
      cache_.Store("/big", cache_.Generation(), Response::Json(200, body));
  CachedAnswer gzip = AnswerFromCache(*entry, "", "br;q=1.0, gzip;q=0.8");
  ASSERT_NE(gzip.body, nullptr);
  EXPECT_THAT(gzip.headers, Contains(Pair("Content-Encoding", "gzip")));
  EXPECT_THAT(gzip.headers, Contains(Pair("Vary", "Accept-Encoding")));
  EXPECT_THAT(gzip.headers, Contains(Pair("ETag", entry->gzip_etag())));
  EXPECT_LT(gzip.body->size(), body.size() / 5);
  EXPECT_EQ(Gunzip(*gzip.body), body);
  CachedAnswer refused = AnswerFromCache(*entry, "", "gzip;q=0");
  EXPECT_EQ(*refused.body, body);
  CachedAnswer plain = AnswerFromCache(*entry, "", "");
  EXPECT_EQ(*plain.body, body);
  // A small body is sent as it is.
  auto small =
      cache_.Store("/small", cache_.Generation(), Response::Json(200, "[]"));
  CachedAnswer as_is = AnswerFromCache(*small, "", "gzip");
  EXPECT_EQ(*as_is.body, "[]");
}

TEST_F(ResponseCacheTest, ALargeIdentityAnswerAlsoComesAsAFileOfTheSameBytes) {
  std::string body;
  for (int i = 0; body.size() < 100 * 1024; ++i) {
    body += "{\"month\":" + std::to_string(i) + "},";
  }
  auto entry =
      cache_.Store("/large", cache_.Generation(), Response::Json(200, body));
  CachedAnswer plain = AnswerFromCache(*entry, "", "");
  ASSERT_NE(plain.body_file, nullptr);
  ASSERT_EQ(plain.body_file->size(), body.size());
  std::string in_file(body.size(), '\0');
  ASSERT_EQ(pread(plain.body_file->fd(), in_file.data(), in_file.size(), 0),
            static_cast<ssize_t>(body.size()));
  EXPECT_TRUE(in_file == body);
  // The gzip copy and a 304 are sent from memory; a small body has no file.
  EXPECT_EQ(AnswerFromCache(*entry, "", "gzip").body_file, nullptr);
  EXPECT_EQ(AnswerFromCache(*entry, entry->etag(), "").body_file, nullptr);
  auto small =
      cache_.Store("/small", cache_.Generation(), Response::Json(200, "[1]"));
  EXPECT_EQ(AnswerFromCache(*small, "", "").body_file, nullptr);
}

}  // namespace
}  // namespace smartercities::http
