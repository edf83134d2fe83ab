// The agenda's rules without a server: project status transitions, the
// rhythm of meetings (art. 6), the evaluation's deadline (6c) and EZ's
// contribution (7b) at their edges.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <utility>

#include "core/domain/covenant_term.h"
#include "core/domain/funding.h"
#include "core/domain/meetings.h"
#include "core/domain/projects.h"

namespace smartercities::domain {
namespace {

using ::testing::HasSubstr;

TEST(ProjectStatus, EveryTransitionIsAllowedOrRefusedAsTheRulesSay) {
  const std::vector<std::string> statuses = {"proposed", "running", "completed",
                                             "stopped"};
  const std::set<std::pair<std::string, std::string>> allowed = {
      {"proposed", "proposed"},   {"proposed", "running"},
      {"proposed", "stopped"},    {"running", "running"},
      {"running", "completed"},   {"running", "stopped"},
      {"completed", "completed"}, {"stopped", "stopped"}};
  for (const std::string& from : statuses) {
    for (const std::string& to : statuses) {
      auto refusal = TransitionRefusal(from, to);
      EXPECT_EQ(!refusal.has_value(), allowed.contains({from, to}))
          << from << " -> " << to;
      if (refusal) {
        EXPECT_THAT(*refusal, HasSubstr("status: a " + from));
      }
    }
  }
  EXPECT_THAT(*TransitionRefusal("completed", "running"), HasSubstr("5d"));
  EXPECT_THAT(*TransitionRefusal("proposed", "completed"),
              HasSubstr("running first"));
}

MeetingFacts Meeting(std::int64_t id, const std::string& kind,
                     const std::string& date,
                     const std::string& report_period = "",
                     bool evaluation = false) {
  return {id, kind, date, report_period, evaluation};
}

TEST(MeetingRhythm, AYearWithThreeOfficialMeetingsIsFlagged) {
  std::vector<MeetingFacts> meetings = {
      Meeting(1, "official", "2013-04-10"),
      Meeting(2, "official", "2013-06-12"),
      Meeting(3, "official", "2013-09-11"),
      Meeting(4, "administrative", "2013-09-30", "2013-H1"),
      Meeting(5, "administrative", "2013-12-16", "2013-H2"),
      // Another year's and a theme table do not count.
      Meeting(6, "official", "2014-01-15"),
      Meeting(7, "theme-table", "2013-10-01")};
  nlohmann::json rhythm = Rhythm(2013, meetings, "2026-01-01");
  EXPECT_FALSE(rhythm["kept"]);
  EXPECT_TRUE(rhythm["yearComplete"]);
  EXPECT_EQ(rhythm["official"]["count"], 3);
  EXPECT_FALSE(rhythm["official"]["kept"]);
  EXPECT_TRUE(rhythm["administrative"]["kept"]);
  ASSERT_EQ(rhythm["shortfalls"].size(), 1u);
  EXPECT_THAT(rhythm["shortfalls"][0].get<std::string>(),
              HasSubstr("art. 6a: 3 official meetings in 2013, at least 4"));

  meetings.push_back(Meeting(8, "official", "2013-11-20"));
  rhythm = Rhythm(2013, meetings, "2026-01-01");
  EXPECT_TRUE(rhythm["kept"]);
  EXPECT_TRUE(rhythm["shortfalls"].empty());
}

TEST(MeetingRhythm, AnAdministrativeMeetingCountsOnlyOnAProgressReport) {
  std::vector<MeetingFacts> meetings = {
      Meeting(1, "official", "2014-02-01"),
      Meeting(2, "official", "2014-05-01"),
      Meeting(3, "official", "2014-08-01"),
      Meeting(4, "official", "2014-11-01"),
      Meeting(5, "administrative", "2014-03-01", "2013-H2"),
      Meeting(6, "administrative", "2014-10-01")};
  nlohmann::json rhythm = Rhythm(2014, meetings, "2026-01-01");
  EXPECT_FALSE(rhythm["kept"]);
  EXPECT_EQ(rhythm["administrative"]["count"], 2);
  EXPECT_EQ(rhythm["administrative"]["basedOnReport"], 1);
  EXPECT_THAT(rhythm["shortfalls"][0].get<std::string>(),
              HasSubstr("art. 6b: 1 administrative meeting on the basis of a "
                        "progress report in 2014, at least 2"));
  EXPECT_THAT(rhythm["shortfalls"][0].get<std::string>(),
              HasSubstr("1 more without a report period"));
}

TEST(MeetingRhythm, AYearNotOverSaysMeetingsMayFollow) {
  nlohmann::json rhythm = Rhythm(2014, {}, "2014-06-01");
  EXPECT_FALSE(rhythm["kept"]);
  EXPECT_FALSE(rhythm["yearComplete"]);
  EXPECT_THAT(rhythm["shortfalls"].back().get<std::string>(),
              HasSubstr("not over yet"));
}

TEST(Evaluation, IsDueDoneOrLateAroundSixMonthsAfterTheEnd) {
  EXPECT_EQ(Evaluation({}, "2015-06-30")["status"], "due");
  EXPECT_EQ(Evaluation({}, "2015-07-01")["status"], "late");
  nlohmann::json done = Evaluation(
      {Meeting(9, "administrative", "2015-06-30", "", true)}, "2026-01-01");
  EXPECT_EQ(done["status"], "done");
  EXPECT_EQ(done["meeting"], 9);
  EXPECT_EQ(done["deadline"], "2015-06-30");
  EXPECT_EQ(Evaluation({Meeting(9, "official", "2015-07-01", "", true)},
                       "2026-01-01")["status"],
            "late");
}

TEST(Contribution, ExactlyTheLimitIsAllowedAndOneCentMoreIsNot) {
  const std::int64_t costs = 300'000'000;
  EXPECT_FALSE(CheckContribution(costs, 0, 100'000'000).over_limit);
  EXPECT_FALSE(CheckContribution(costs, 60'000'000, 40'000'000).over_limit);
  auto over = CheckContribution(costs, 60'000'000, 40'000'001).over_limit;
  ASSERT_TRUE(over);
  EXPECT_THAT(*over, HasSubstr("EUR 400,000.00 remains"));
  EXPECT_THAT(*over, HasSubstr("by EUR 0.01"));
  EXPECT_THAT(*CheckContribution(costs, 100'000'000, 1).over_limit,
              HasSubstr("EUR 0.00 remains"));
}

TEST(Contribution, HalfTheCostsNeedsNoJustificationAndACentMoreDoes) {
  EXPECT_FALSE(CheckContribution(100'000, 0, 50'000).above_half);
  EXPECT_FALSE(CheckContribution(100'000, 20'000, 30'000).above_half);
  auto above = CheckContribution(100'000, 20'000, 30'001).above_half;
  ASSERT_TRUE(above);
  EXPECT_THAT(*above, HasSubstr("50%"));
  EXPECT_THAT(*above, HasSubstr("justification"));
  // Without costs recorded any contribution is above half.
  EXPECT_TRUE(CheckContribution(0, 0, 1).above_half);
  // Odd costs: half of 3 cents is 1.5; 1 cent is within, 2 are not.
  EXPECT_FALSE(CheckContribution(3, 0, 1).above_half);
  EXPECT_TRUE(CheckContribution(3, 0, 2).above_half);
}

TEST(Money, EurosAreWrittenWithGroupsAndCents) {
  EXPECT_EQ(FormatEuro(0), "EUR 0.00");
  EXPECT_EQ(FormatEuro(1), "EUR 0.01");
  EXPECT_EQ(FormatEuro(123456), "EUR 1,234.56");
  EXPECT_EQ(FormatEuro(100'000'000), "EUR 1,000,000.00");
  EXPECT_EQ(FormatEuro(-250), "EUR -2.50");
}

TEST(CovenantTerm, CalendarDatesAreChecked) {
  EXPECT_TRUE(IsCalendarDate("2013-03-07"));
  EXPECT_TRUE(IsCalendarDate("2012-02-29"));
  EXPECT_FALSE(IsCalendarDate("2013-02-29"));
  EXPECT_FALSE(IsCalendarDate("2013-13-01"));
  EXPECT_FALSE(IsCalendarDate("2013-3-7"));
  EXPECT_TRUE(IsCbsCode("GM0363"));
  EXPECT_FALSE(IsCbsCode("ez"));
}

}  // namespace
}  // namespace smartercities::domain
