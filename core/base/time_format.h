// time_format.h — timestamps as the API and the database store them:
// ISO 8601 in UTC with a Z ("2026-11-28T19:30:00Z"). Thread-safe.
#ifndef SMARTERCITIES_CORE_BASE_TIME_FORMAT_H_
#define SMARTERCITIES_CORE_BASE_TIME_FORMAT_H_

#include <chrono>
#include <string>

namespace smartercities {

std::string FormatUtc(std::chrono::system_clock::time_point time);
inline std::string NowUtc() {
  return FormatUtc(std::chrono::system_clock::now());
}

}  // namespace smartercities

#endif  // SMARTERCITIES_CORE_BASE_TIME_FORMAT_H_
