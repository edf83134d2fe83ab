// time_format.h — timestamps as the API and the database store them:
// ISO 8601 in UTC with a Z ("2026-11-28T19:30:00Z"), and months as YYYY-MM.
//
// Thread-safe and lock-free: the calendar is computed with <chrono>, not
// gmtime_r and strftime, which take the C library's time zone lock on every
// call and made concurrent requests wait on each other.
#ifndef SMARTERCITIES_CORE_BASE_TIME_FORMAT_H_
#define SMARTERCITIES_CORE_BASE_TIME_FORMAT_H_

#include <chrono>
#include <string>

namespace smartercities {

std::string FormatUtc(std::chrono::system_clock::time_point time);
inline std::string NowUtc() {
  return FormatUtc(std::chrono::system_clock::now());
}

// "2026-11" for any time in November 2026, UTC.
std::string FormatMonth(std::chrono::system_clock::time_point time);
inline std::string CurrentMonthUtc() {
  return FormatMonth(std::chrono::system_clock::now());
}

}  // namespace smartercities

#endif  // SMARTERCITIES_CORE_BASE_TIME_FORMAT_H_
