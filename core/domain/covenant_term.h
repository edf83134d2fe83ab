// covenant_term.h — the covenant's term and the dates the agenda's
// procedures count from, with the one check of a calendar date they share.
//
// Article 12: "Dit convenant treedt in werking met ingang van de dag na
// ondertekening en loopt tot en met december 2014." It was signed on
// 6 March 2013 (kCovenantEffectiveDate in model.h), so it ran from 2013-03-07
// to 2014-12-31. Article 6c: "Partijen zullen na de beëindiging van het
// convenant binnen zes maanden gezamenlijk de resultaten van het convenant
// integraal evalueren" — by 2015-06-30. Stateless and thread-safe.
#ifndef SMARTERCITIES_CORE_DOMAIN_COVENANT_TERM_H_
#define SMARTERCITIES_CORE_DOMAIN_COVENANT_TERM_H_

#include <string>
#include <string_view>

namespace smartercities::domain {

// The last day of the covenant's term (article 12).
inline constexpr std::string_view kCovenantEndDate = "2014-12-31";
// The last day for the joint evaluation, six months after the end (6c).
inline constexpr std::string_view kEvaluationDeadline = "2015-06-30";

// Whether text is a calendar date "YYYY-MM-DD" that exists (a leap day only
// in a leap year), with a year from 1900 to 2099.
bool IsCalendarDate(std::string_view text);

// Today's date in UTC, "YYYY-MM-DD".
std::string TodayUtc();

// Whether text is a CBS municipality code ("GM0363").
bool IsCbsCode(std::string_view text);

}  // namespace smartercities::domain

#endif  // SMARTERCITIES_CORE_DOMAIN_COVENANT_TERM_H_
