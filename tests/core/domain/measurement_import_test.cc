#include "core/domain/measurement_import.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/domain/catalog.h"
#include "core/domain/city_list.h"
#include "core/domain/core_schema.h"
#include "core/domain/measurements.h"
#include "tests/support/test_support.h"

namespace smartercities::domain {
namespace {

using ::testing::HasSubstr;

ThemeManifest Theme() {
  ThemeManifest theme;
  theme.id = "lerende-stad";
  theme.version = "1.0.0";
  theme.name = {"De Lerende Stad", ""};
  theme.introduction = {"Inleiding", ""};
  Agreement a;
  a.letter = "a";
  a.goal = "Onderwijs";
  a.text = "In 2015 is 50% van de scholen op eduroam aangesloten.";
  a.indicators = {"eduroam", "meeting"};
  theme.agreements = {a};
  Indicator eduroam;
  eduroam.id = "eduroam";
  eduroam.name = {"Scholen op eduroam", ""};
  eduroam.unit = "percent";
  eduroam.kind = "quantity";
  eduroam.target = 50;
  eduroam.deadline = "2015-12";
  eduroam.direction = "increase";
  eduroam.scope = IndicatorScope::kCity;
  eduroam.agreements = {"a"};
  Indicator meeting = eduroam;
  meeting.id = "meeting";
  meeting.unit = "milestone";
  meeting.kind = "milestone";
  meeting.target = 1;
  meeting.scope = IndicatorScope::kNetwork;
  theme.indicators = {eduroam, meeting};
  return theme;
}

class MeasurementImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto database = storage::OpenSqlite({(dir_.path() / "m.db").string()});
    ASSERT_TRUE(database.ok());
    database_ = std::move(database).value();
    ASSERT_TRUE(database_->Migrate({"core", ""}, CoreMigrations()).ok());
    auto cities = ParseCities(SeedCitiesCsv(), "cities.csv");
    ASSERT_TRUE(cities.ok());
    ASSERT_TRUE(StoreCities(*database_, *cities).ok());
    ASSERT_TRUE(Catalog(*database_).Sync(Theme()).ok());
  }

  ImportOptions Options(std::string role = "admin", std::string scope = "") {
    ImportOptions options;
    options.reporter = {"user:test", std::move(role), std::move(scope)};
    options.current_month = "2014-12";
    return options;
  }

  ImportReport Import(std::string_view csv, const ImportOptions& options) {
    auto report = MeasurementImport(*database_).ImportCsv(csv, options);
    EXPECT_TRUE(report.ok()) << report.status().message();
    return report.ok() ? *report : ImportReport{};
  }

  std::vector<Measurement> All() {
    auto list = Measurements(*database_).Find({});
    EXPECT_TRUE(list.ok());
    return list.ok() ? *list : std::vector<Measurement>{};
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::Database> database_;
};

TEST_F(MeasurementImportTest, AnExportImportedAgainGivesTheSameFigures) {
  std::string csv =
      "indicator,city,period,value,source\r\n"
      "eduroam,GM0794,2013-06,12.5,\"Jaarverslag, p. 3\"\r\n"
      "eduroam,GM0794,2013-12,0.1,\r\n"
      "eduroam,GM0363,2013-12,33.333333333333336,\r\n"
      "meeting,,2013-09,1,\"Notulen \"\"bijeenkomst\"\"\"\r\n";
  ImportReport first = Import(csv, Options());
  ASSERT_EQ(first.num_problems, 0u);
  EXPECT_TRUE(first.stored);
  EXPECT_EQ(first.inserted, 4u);
  std::vector<Measurement> stored = All();
  std::string exported = FiguresCsv(stored);

  // The export lists the same figures, and importing it changes nothing.
  ImportReport again = Import(exported, Options());
  ASSERT_EQ(again.num_problems, 0u);
  EXPECT_EQ(again.unchanged, 4u);
  EXPECT_EQ(again.inserted + again.corrected, 0u);
  std::vector<Measurement> after = All();
  ASSERT_EQ(after.size(), stored.size());
  for (std::size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].indicator_id, stored[i].indicator_id);
    EXPECT_EQ(after[i].city, stored[i].city);
    EXPECT_EQ(after[i].period, stored[i].period);
    EXPECT_EQ(after[i].value, stored[i].value);
    EXPECT_EQ(after[i].source, stored[i].source);
    EXPECT_EQ(after[i].recorded_at, stored[i].recorded_at);
  }
  EXPECT_EQ(FiguresCsv(after), exported);
  EXPECT_THAT(exported, HasSubstr("33.333333333333336"));
}

TEST_F(MeasurementImportTest, ABadFileStoresNothingAndNamesEveryBadRow) {
  std::string csv =
      "indicator;city;period;value\n"
      "eduroam;GM0794;2013-06;12,5\n"     // fine: a decimal comma
      "eduroam;GM0794;2013-13;10\n"       // no such month
      "eduroam;GM9999;2013-06;10\n"       // no such city
      "eduroam;GM0363;2013-06;110\n"      // beyond 100%
      "nothing;GM0363;2013-06;1\n"        // no such indicator
      "eduroam;GM0363;2013-06;1.234,5\n"  // not a number
      "eduroam;GM0794;2013-06;13\n"       // the figure of line 2 again
      "eduroam;GM0794\n"                  // too short
      "meeting;;2013-06;0.5\n"            // a milestone is 0 or 1
      "eduroam;GM0344;2016-01;5\n";       // in the future
  ImportReport report = Import(csv, Options());
  EXPECT_FALSE(report.stored);
  EXPECT_EQ(report.delimiter, ';');
  EXPECT_EQ(report.rows, 10u);
  EXPECT_TRUE(All().empty());
  std::map<std::size_t, std::string> by_line;
  for (const ImportProblem& problem : report.problems) {
    by_line[problem.line] = problem.column + ": " + problem.reason;
  }
  EXPECT_EQ(report.num_problems, 9u);
  EXPECT_EQ(by_line.size(), 9u);
  EXPECT_FALSE(by_line.contains(2));
  EXPECT_THAT(by_line[3], HasSubstr("period: must be a month"));
  EXPECT_THAT(by_line[4], HasSubstr("city: 'GM9999' is not a city"));
  EXPECT_THAT(by_line[5], HasSubstr("value: a percentage"));
  EXPECT_THAT(by_line[6], HasSubstr("indicator: there is no indicator"));
  EXPECT_THAT(by_line[7], HasSubstr("value: is not a number"));
  EXPECT_THAT(by_line[8], HasSubstr("repeats the figure of line 2"));
  EXPECT_THAT(by_line[9], HasSubstr("expected 4 fields"));
  EXPECT_THAT(by_line[10],
              HasSubstr("value: indicator 'meeting' is a milestone"));
  EXPECT_THAT(by_line[11], HasSubstr("period: 2016-01 lies in the future"));
  for (const ImportProblem& problem : report.problems) {
    if (problem.line == 5) {
      EXPECT_EQ(problem.column_number, 4u);
    }
  }
}

TEST_F(MeasurementImportTest, ACityEditorsFileMayHoldOnlyTheirCity) {
  std::string csv =
      "indicator,city,period,value\n"
      "eduroam,GM0794,2013-06,10\n"
      "eduroam,GM0363,2013-06,10\n"
      "meeting,,2013-06,1\n";
  ImportReport report = Import(csv, Options("city-editor", "GM0794"));
  EXPECT_FALSE(report.stored);
  ASSERT_EQ(report.num_problems, 2u);
  EXPECT_EQ(report.problems[0].line, 3u);
  EXPECT_TRUE(report.problems[0].refused);
  EXPECT_THAT(report.problems[0].reason,
              HasSubstr("reports for city GM0794, not GM0363"));
  EXPECT_THAT(report.problems[1].reason, HasSubstr("network-wide"));
  EXPECT_TRUE(All().empty());

  // Their own city's figures go in.
  report = Import("indicator,city,period,value\neduroam,GM0794,2013-06,10\n",
                  Options("city-editor", "GM0794"));
  EXPECT_TRUE(report.stored);
  // A theme editor of another theme may write none.
  report = Import("indicator,city,period,value\neduroam,GM0794,2013-07,10\n",
                  Options("theme-editor", "groene-stad"));
  EXPECT_FALSE(report.stored);
  EXPECT_THAT(report.problems.at(0).reason, HasSubstr("edits theme"));
}

TEST_F(MeasurementImportTest, ACorrectionKeepsTheEarlierValue) {
  ASSERT_TRUE(Import("indicator,city,period,value\neduroam,GM0794,2013-06,10\n",
                     Options())
                  .stored);
  ImportOptions dry = Options();
  dry.dry_run = true;
  ImportReport report = Import(
      "indicator,city,period,value,source\n"
      "eduroam,GM0794,2013-06,12,herteld\n"
      "eduroam,GM0794,2013-07,13,\n",
      dry);
  EXPECT_FALSE(report.stored);
  EXPECT_EQ(report.corrected, 1u);
  EXPECT_EQ(report.inserted, 1u);
  EXPECT_EQ(All().size(), 1u);
  EXPECT_EQ(All()[0].value, 10);

  ImportOptions options = Options();
  options.reporter.name = "user:anna";
  report = Import(
      "indicator,city,period,value,source\n"
      "eduroam,GM0794,2013-06,12,herteld\n",
      options);
  ASSERT_TRUE(report.stored);
  EXPECT_EQ(report.corrected, 1u);
  ASSERT_TRUE(report.import_id);
  auto history = Measurements(*database_).History({});
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 1u);
  const Correction& correction = history->front();
  EXPECT_EQ(correction.old_value, 10);
  EXPECT_EQ(correction.new_value, 12);
  EXPECT_EQ(correction.old_recorded_by, "user:test");
  EXPECT_EQ(correction.changed_by, "user:anna");
  EXPECT_EQ(correction.new_source, "herteld");
  EXPECT_EQ(correction.import_id, report.import_id);

  // One figure through Record keeps history the same way.
  Indicator eduroam = Theme().indicators[0];
  Measurement figure;
  figure.city = "GM0794";
  figure.period = "2013-06";
  figure.value = 14;
  figure.recorded_by = "user:piet";
  ASSERT_TRUE(Measurements(*database_).Record(eduroam, figure, "2014-12").ok());
  history = Measurements(*database_).History({});
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ(history->front().old_value, 12);
  EXPECT_EQ(history->front().changed_by, "user:piet");
}

// Files are stored many figures per statement: a file longer than one
// statement's worth, with new, corrected and unchanged figures anywhere in
// it, is counted and stored exactly.
TEST_F(MeasurementImportTest, ALongFileIsStoredAndCountedExactly) {
  auto month = [](int i) {
    int index = 1900 * 12 + i;
    std::string text = std::to_string(index / 12) + "-";
    if (index % 12 + 1 < 10) text += '0';
    return text + std::to_string(index % 12 + 1);
  };
  std::string first = "indicator,city,period,value,source\n";
  for (int i = 0; i < 100; ++i) {
    first +=
        "eduroam,GM0794," + month(i) + "," + std::to_string(i % 90) + ",\n";
  }
  ImportReport report = Import(first, Options());
  ASSERT_TRUE(report.stored);
  EXPECT_EQ(report.inserted, 100u);

  // 150 rows: the first 100 again, every tenth of them with a new value,
  // then 50 new ones.
  std::string second = "indicator,city,period,value,source\n";
  for (int i = 0; i < 150; ++i) {
    int value = i < 100 && i % 10 == 3 ? 99 : i % 90;
    second +=
        "eduroam,GM0794," + month(i) + "," + std::to_string(value) + ",\n";
  }
  report = Import(second, Options());
  ASSERT_TRUE(report.stored);
  EXPECT_EQ(report.inserted, 50u);
  EXPECT_EQ(report.corrected, 10u);
  EXPECT_EQ(report.unchanged, 90u);
  std::vector<Measurement> stored = All();
  ASSERT_EQ(stored.size(), 150u);
  for (int i = 0; i < 150; ++i) {
    double expected = i < 100 && i % 10 == 3 ? 99 : i % 90;
    EXPECT_EQ(stored[std::size_t(i)].period, month(i));
    EXPECT_EQ(stored[std::size_t(i)].value, expected) << month(i);
  }
  auto history = Measurements(*database_).History({});
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(history->size(), 10u);
}

TEST_F(MeasurementImportTest,
       AnImportIntoOneIndicatorOrCityMayLeaveItsColumnOut) {
  ImportOptions options = Options();
  options.indicator = "eduroam";
  ImportReport report =
      Import("city,period,value\nGM0794,2013-06,10\n", options);
  EXPECT_TRUE(report.stored);
  report = Import("indicator,city,period,value\nmeeting,,2013-06,1\n", options);
  EXPECT_FALSE(report.stored);
  EXPECT_THAT(report.problems.at(0).reason, HasSubstr("into the figures of"));

  options = Options();
  options.city = "GM0363";
  report = Import("indicator,period,value\neduroam,2013-06,10\n", options);
  EXPECT_TRUE(report.stored);
}

TEST_F(MeasurementImportTest, TheHeaderMustNameKnownColumns) {
  ImportReport report =
      Import("indicator,stad,period\neduroam,GM0794,2013-06\n", Options());
  EXPECT_FALSE(report.stored);
  ASSERT_EQ(report.num_problems, 2u);
  EXPECT_EQ(report.problems[0].line, 1u);
  EXPECT_EQ(report.problems[0].column, "stad");
  EXPECT_THAT(report.problems[1].reason, HasSubstr("no column 'value'"));
  report = Import("", Options());
  EXPECT_THAT(report.problems.at(0).reason, HasSubstr("empty"));
}

// The import checks every city and indicator once, inside its transaction,
// instead of SQLite checking each row: a city removed after the file was
// read is found, and nothing is stored.
TEST_F(MeasurementImportTest, ACityRemovedWhileTheFileIsCheckedStoresNothing) {
  ImportOptions options = Options();
  bool removed = false;
  options.progress = [&](ImportPhase phase, std::size_t, std::size_t) {
    if (phase != ImportPhase::kChecking || removed) return;
    removed = true;
    EXPECT_TRUE(database_
                    ->Write([](storage::Connection& db) {
                      return db.Execute(
                          "DELETE FROM cities WHERE cbs_code = 'GM0363'", {});
                    })
                    .ok());
  };
  auto report = MeasurementImport(*database_)
                    .ImportCsv(
                        "indicator,city,period,value\n"
                        "eduroam,GM0344,2014-01,10\n"
                        "eduroam,GM0363,2014-01,20\n",
                        options);
  ASSERT_TRUE(removed);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(report.status().message(), HasSubstr("city 'GM0363'"));
  EXPECT_TRUE(All().empty());
}

TEST_F(MeasurementImportTest, AListIsCheckedAsAFileIs) {
  std::vector<FigureInput> figures = {
      {"eduroam", "GM0794", "2013-06", 10.0, ""},
      {"eduroam", "GM0794", "2013-06", 11.0, ""},
      {"eduroam", "GM0794", "2013-07", std::nullopt, ""}};
  auto report = MeasurementImport(*database_).ImportList(figures, Options());
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->stored);
  ASSERT_EQ(report->num_problems, 2u);
  EXPECT_EQ(report->problems[0].line, 2u);
  EXPECT_EQ(report->problems[0].column, "value");
  EXPECT_EQ(report->problems[1].line, 1u);
  EXPECT_THAT(report->problems[1].reason,
              HasSubstr("repeats the figure of item 0"));
}

}  // namespace
}  // namespace smartercities::domain
