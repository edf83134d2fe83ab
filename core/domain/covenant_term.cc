#include "core/domain/covenant_term.h"

#include "core/base/time_format.h"

namespace smartercities::domain {

bool IsCalendarDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  if (!text.starts_with("19") && !text.starts_with("20")) return false;
  int year = std::stoi(std::string(text.substr(0, 4)));
  int month = (text[5] - '0') * 10 + (text[6] - '0');
  int day = (text[8] - '0') * 10 + (text[9] - '0');
  if (month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  int days_in_month = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  return day <= days_in_month;
}

std::string TodayUtc() { return NowUtc().substr(0, 10); }

bool IsCbsCode(std::string_view text) {
  if (text.size() != 6 || !text.starts_with("GM")) return false;
  for (std::size_t i = 2; i < 6; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  return true;
}

}  // namespace smartercities::domain
