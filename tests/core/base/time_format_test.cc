#include "core/base/time_format.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

namespace smartercities {
namespace {

using std::chrono::sys_days;
using namespace std::chrono_literals;  // NOLINT(build/namespaces)

std::chrono::system_clock::time_point At(sys_days day,
                                         std::chrono::milliseconds offset) {
  return std::chrono::system_clock::time_point(day) + offset;
}

TEST(TimeFormatTest, WritesUtcAsTheApiAndTheDatabaseStoreIt) {
  using std::chrono::year;
  EXPECT_EQ(FormatUtc(std::chrono::system_clock::time_point()),
            "1970-01-01T00:00:00Z");
  // The covenant took effect on 7 March 2013.
  EXPECT_EQ(FormatUtc(At(sys_days(year(2013) / 3 / 7), 9h + 5min + 7s)),
            "2013-03-07T09:05:07Z");
  // Fractions of a second are cut, not rounded.
  EXPECT_EQ(
      FormatUtc(At(sys_days(year(2026) / 12 / 31), 23h + 59min + 59s + 999ms)),
      "2026-12-31T23:59:59Z");
  EXPECT_EQ(FormatUtc(At(sys_days(year(2024) / 2 / 29), 12h)),
            "2024-02-29T12:00:00Z");
}

TEST(TimeFormatTest, AMonthIsItsYearAndMonth) {
  using std::chrono::year;
  EXPECT_EQ(FormatMonth(At(sys_days(year(2013) / 12 / 31), 23h + 59min)),
            "2013-12");
  EXPECT_EQ(FormatMonth(At(sys_days(year(2014) / 1 / 1), 0h)), "2014-01");
  EXPECT_EQ(CurrentMonthUtc(), NowUtc().substr(0, 7));
}

TEST(TimeFormatTest, ManyThreadsFormatAtOnce) {
  std::vector<std::thread> threads;
  std::vector<int> wrong(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&wrong, t] {
      auto time = At(sys_days(std::chrono::year(2020 + t) / 6 / 15), 8h);
      std::string expected = std::to_string(2020 + t) + "-06-15T08:00:00Z";
      for (int i = 0; i < 2000; ++i) {
        if (FormatUtc(time) != expected) ++wrong[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(wrong, std::vector<int>(8, 0));
}

}  // namespace
}  // namespace smartercities
