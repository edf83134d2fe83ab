#include "core/http/access_log.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>
#include <vector>

namespace smartercities::http {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

// What has been written to an in-memory file.
class MemoryFile {
 public:
  MemoryFile() : fd_(::memfd_create("access-log", 0)) {}
  ~MemoryFile() { ::close(fd_); }
  int fd() const { return fd_; }
  std::vector<std::string> Lines() const {
    std::string content;
    char buffer[4096];
    for (off_t offset = 0;;) {
      ssize_t n = ::pread(fd_, buffer, sizeof(buffer), offset);
      if (n <= 0) break;
      content.append(buffer, static_cast<std::size_t>(n));
      offset += n;
    }
    std::vector<std::string> lines;
    std::istringstream in(content);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

 private:
  int fd_;
};

TEST(AccessLogTest, WritesOneTextLinePerRequest) {
  MemoryFile file;
  {
    AccessLog log(file.fd(), AccessLog::Format::kText);
    log.Write("GET", "/api/v1/themes", 200, std::chrono::microseconds(1234),
              "abc123");
  }
  auto lines = file.Lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0],
              MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{3}Z "
                           "info GET /api/v1/themes 200 1\\.2ms abc123"));
}

TEST(AccessLogTest, ATargetCannotForgeALine) {
  MemoryFile file;
  {
    AccessLog log(file.fd(), AccessLog::Format::kText);
    log.Write("GET",
              "/x\n2026-11-30T10:00:00.000Z info security login of admin "
              "succeeded",
              404, std::chrono::microseconds(5), "id");
  }
  auto lines = file.Lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], HasSubstr("/x\\x0a2026"));
}

TEST(AccessLogTest, JsonLinesStayValidJsonForAnyTarget) {
  MemoryFile file;
  {
    AccessLog log(file.fd(), AccessLog::Format::kJson);
    log.Write("GET", "/a\"b\\c\x01\xff", 400, std::chrono::microseconds(10),
              "id");
  }
  auto lines = file.Lines();
  ASSERT_EQ(lines.size(), 1u);
  auto parsed = nlohmann::json::parse(lines[0], nullptr, false);
  ASSERT_FALSE(parsed.is_discarded()) << lines[0];
  EXPECT_EQ(parsed["level"], "info");
  EXPECT_THAT(parsed["message"].get<std::string>(),
              HasSubstr("/a\"b\\c\\x01\\xff"));
}

TEST(AccessLogTest, ALineWrittenByAnIdleServerAppearsSoon) {
  MemoryFile file;
  AccessLog log(file.fd(), AccessLog::Format::kText,
                std::chrono::milliseconds(20));
  log.Write("GET", "/healthz", 200, std::chrono::microseconds(3), "id");
  for (int i = 0; i < 100 && file.Lines().empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(file.Lines().size(), 1u);
}

TEST(AccessLogTest, LinesFromManyThreadsArriveWhole) {
  MemoryFile file;
  {
    AccessLog log(file.fd(), AccessLog::Format::kText);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&log, t] {
        for (int i = 0; i < 2000; ++i) {
          log.Write("GET", "/thread/" + std::to_string(t), 200,
                    std::chrono::microseconds(i),
                    "request-" + std::to_string(i));
        }
      });
    }
    for (auto& thread : threads) thread.join();
  }
  auto lines = file.Lines();
  ASSERT_EQ(lines.size(), 8000u);
  for (const auto& line : lines) {
    ASSERT_THAT(line, MatchesRegex(".* info GET /thread/[0-3] 200 [0-9.]+ms "
                                   "request-[0-9]+"));
  }
}

}  // namespace
}  // namespace smartercities::http
