#include "core/base/time_format.h"

namespace smartercities {
namespace {

// Writes value as width digits, zero-padded, ending just before end.
void PutDigits(char* end, int width, long long value) {  // NOLINT(runtime/int)
  for (int i = 1; i <= width; ++i) {
    end[-i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

}  // namespace

std::string FormatUtc(std::chrono::system_clock::time_point time) {
  using std::chrono::days;
  auto seconds = std::chrono::floor<std::chrono::seconds>(time);
  auto day = std::chrono::floor<days>(seconds);
  std::chrono::year_month_day date(day);
  std::chrono::hh_mm_ss clock(seconds - day);
  std::string out = "0000-00-00T00:00:00Z";
  PutDigits(out.data() + 4, 4, static_cast<int>(date.year()));
  PutDigits(out.data() + 7, 2, static_cast<unsigned>(date.month()));
  PutDigits(out.data() + 10, 2, static_cast<unsigned>(date.day()));
  PutDigits(out.data() + 13, 2, clock.hours().count());
  PutDigits(out.data() + 16, 2, clock.minutes().count());
  PutDigits(out.data() + 19, 2, clock.seconds().count());
  return out;
}

std::string FormatMonth(std::chrono::system_clock::time_point time) {
  return FormatUtc(time).substr(0, 7);
}

}  // namespace smartercities
