#include "core/domain/catalog.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <utility>

#include "core/domain/core_schema.h"
#include "tests/support/test_support.h"

namespace smartercities::domain {
namespace {

ThemeManifest Theme() {
  ThemeManifest theme;
  theme.id = "lerende-stad";
  theme.version = "1.0.0";
  theme.name = {"De Lerende Stad", "The Learning City"};
  theme.introduction = {"Inleiding", ""};
  theme.leaders = {{"Deventer", "GM0150"}};
  Agreement a;
  a.letter = "a";
  a.goal = "Ter bevordering van onderwijs";
  a.text = "In 2015 is 50% van de scholen op eduroam aangesloten.";
  a.indicators = {"lerende-stad-eduroam"};
  Agreement b;
  b.letter = "b";
  b.kind = AgreementKind::kEffort;
  b.goal = "Ter bevordering van onderwijs";
  b.text = "Steden delen kennis.";
  theme.agreements = {a, b};
  Indicator eduroam;
  eduroam.id = "lerende-stad-eduroam";
  eduroam.name = {"Scholen op eduroam", ""};
  eduroam.unit = "percent";
  eduroam.kind = "quantity";
  eduroam.target = 50;
  eduroam.deadline = "2015-12";
  eduroam.direction = "increase";
  eduroam.scope = IndicatorScope::kCity;
  eduroam.agreements = {"a"};
  theme.indicators = {eduroam};
  return theme;
}

class CatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto database = storage::OpenSqlite({(dir_.path() / "c.db").string()});
    ASSERT_TRUE(database.ok());
    database_ = std::move(database).value();
    ASSERT_TRUE(database_->Migrate({"core", ""}, CoreMigrations()).ok());
    catalog_ = std::make_unique<Catalog>(*database_);
  }
  testing::TempDir dir_;
  std::unique_ptr<storage::Database> database_;
  std::unique_ptr<Catalog> catalog_;
};

TEST_F(CatalogTest, SyncStoresTheThemeAsDeclared) {
  ASSERT_TRUE(catalog_->Sync(Theme()).ok());
  auto theme = catalog_->GetTheme("lerende-stad");
  ASSERT_TRUE(theme.ok());
  ASSERT_TRUE(theme->has_value());
  const ThemeManifest& stored = **theme;
  ASSERT_EQ(stored.agreements.size(), 2u);
  EXPECT_EQ(stored.agreements[0].indicators,
            std::vector<std::string>{"lerende-stad-eduroam"});
  EXPECT_EQ(stored.agreements[1].kind, AgreementKind::kEffort);
  EXPECT_EQ(stored.leaders[0].cbs_code, "GM0150");
  auto indicator = catalog_->GetIndicator("lerende-stad-eduroam");
  ASSERT_TRUE(indicator.ok());
  ASSERT_TRUE(indicator->has_value());
  EXPECT_EQ((*indicator)->indicator.agreements, std::vector<std::string>{"a"});
  EXPECT_EQ((*indicator)->indicator.deadline, "2015-12");
}

TEST_F(CatalogTest, SyncRecordsTheVersionAndTheFilesDigest) {
  std::filesystem::path file = dir_.path() / "liblerende_stad.so";
  {
    std::ofstream out(file, std::ios::binary);
    out << "abc";
  }
  std::string digest = FileDigest(file);
  // SHA-256 of "abc" (FIPS 180-2, appendix B.1).
  EXPECT_EQ(digest,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(FileDigest(dir_.path() / "missing.so"), "");
  ASSERT_TRUE(catalog_->Sync(Theme(), digest).ok());
  auto recorded = catalog_->RecordedThemes();
  ASSERT_TRUE(recorded.ok());
  EXPECT_EQ(recorded->at("lerende-stad").version, Theme().version);
  EXPECT_EQ(recorded->at("lerende-stad").file_digest, digest);
  // A sync without a file records none, rather than keep an old one.
  ASSERT_TRUE(catalog_->Sync(Theme()).ok());
  EXPECT_EQ(catalog_->RecordedThemes()->at("lerende-stad").file_digest, "");
}

TEST_F(CatalogTest, SyncKeepsDateKindsPreamblesAndIndicatorCities) {
  ThemeManifest theme = Theme();
  theme.agreements[0].dates = {{"2012", "vanaf 2012", "start"},
                               {"2015", "in 2015", "deadline"}};
  theme.agreements[1].preamble = "Daartoe spreken de steden af:";
  theme.indicators[0].cities = {"GM0150", "GM0153"};
  ASSERT_TRUE(catalog_->Sync(theme).ok());
  auto stored = catalog_->GetTheme("lerende-stad");
  ASSERT_TRUE(stored.ok());
  ASSERT_TRUE(stored->has_value());
  const Agreement& a = (*stored)->agreements[0];
  ASSERT_EQ(a.dates.size(), 2u);
  EXPECT_EQ(a.dates[0].kind, "start");
  EXPECT_EQ(a.dates[1].kind, "deadline");
  EXPECT_TRUE(a.preamble.empty());
  EXPECT_EQ((*stored)->agreements[1].preamble, "Daartoe spreken de steden af:");
  auto indicator = catalog_->GetIndicator("lerende-stad-eduroam");
  ASSERT_TRUE(indicator.ok());
  ASSERT_TRUE(indicator->has_value());
  EXPECT_EQ((*indicator)->indicator.cities,
            (std::vector<std::string>{"GM0150", "GM0153"}));
}

// GetIndicator answers from memory; every change to the catalogue, by a
// sync, by any other write or by another process, is seen by the next call.
TEST_F(CatalogTest, AnIndicatorReadFromMemoryFollowsEveryChange) {
  ASSERT_TRUE(catalog_->Sync(Theme()).ok());
  auto deadline = [&] {
    auto indicator = catalog_->GetIndicator("lerende-stad-eduroam");
    EXPECT_TRUE(indicator.ok());
    return indicator.ok() && indicator->has_value()
               ? (*indicator)->indicator.deadline
               : std::string("none");
  };
  EXPECT_EQ(deadline(), "2015-12");
  EXPECT_EQ(deadline(), "2015-12");
  ThemeManifest theme = Theme();
  theme.indicators[0].deadline = "2016-06";
  ASSERT_TRUE(catalog_->Sync(theme).ok());
  EXPECT_EQ(deadline(), "2016-06");
  ASSERT_TRUE(database_
                  ->Write([](storage::Connection& db) {
                    return db.Execute(
                        "UPDATE indicators SET deadline = '2017-01'", {});
                  })
                  .ok());
  EXPECT_EQ(deadline(), "2017-01");
  // Another process (the command line next to a running server), noticed
  // at the server's next poll.
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open((dir_.path() / "c.db").c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "UPDATE indicators SET deadline = '2018-02'",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(other);
  database_->PollExternalChanges();
  EXPECT_EQ(deadline(), "2018-02");
  // Retired by a manifest that no longer declares it: gone.
  theme.indicators.clear();
  theme.agreements[0].indicators.clear();
  ASSERT_TRUE(catalog_->Sync(theme).ok());
  EXPECT_EQ(deadline(), "none");
}

TEST_F(CatalogTest, AnIndicatorsScopeIsStoredAsItsWordAndReadBack) {
  ThemeManifest theme = Theme();
  Indicator meetings = theme.indicators[0];
  meetings.id = "lerende-stad-meetings";
  meetings.scope = IndicatorScope::kNetwork;
  theme.indicators.push_back(meetings);
  ASSERT_TRUE(catalog_->Sync(theme).ok());
  std::map<std::string, std::string> stored;
  Status read = database_->Read([&](storage::Connection& db) {
    return db.Execute("SELECT id, scope FROM indicators", {},
                      [&](const storage::Row& row) {
                        stored[row.Text("id")] = row.Text("scope");
                        return true;
                      });
  });
  ASSERT_TRUE(read.ok()) << read.message();
  EXPECT_EQ(stored, (std::map<std::string, std::string>{
                        {"lerende-stad-eduroam", "city"},
                        {"lerende-stad-meetings", "network"}}));
  for (const auto& [id, scope] :
       {std::pair{"lerende-stad-eduroam", IndicatorScope::kCity},
        std::pair{"lerende-stad-meetings", IndicatorScope::kNetwork}}) {
    auto indicator = catalog_->GetIndicator(id);
    ASSERT_TRUE(indicator.ok());
    ASSERT_TRUE(indicator->has_value()) << id;
    EXPECT_EQ((*indicator)->indicator.scope, scope) << id;
  }
}

TEST_F(CatalogTest, SyncingTwiceChangesNothing) {
  ASSERT_TRUE(catalog_->Sync(Theme()).ok());
  ASSERT_TRUE(catalog_->Sync(Theme()).ok());
  auto history = catalog_->AgreementHistory("lerende-stad/a");
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(history->size(), 1u);
}

TEST_F(CatalogTest, AManifestUpdateKeepsAnAmendedText) {
  ASSERT_TRUE(catalog_->Sync(Theme()).ok());
  ASSERT_TRUE(database_
                  ->Write([](storage::Connection& db) {
                    return db.Execute(
                        "UPDATE agreements SET text = 'Gewijzigd bij "
                        "amendement.' WHERE id = 'lerende-stad/a'",
                        {});
                  })
                  .ok());
  ThemeManifest updated = Theme();
  updated.agreements[0].text = "Nieuwe tekst uit de manifest.";
  updated.agreements[1].text = "Steden delen kennis en ervaring.";
  ASSERT_TRUE(catalog_->Sync(updated).ok());
  auto theme = catalog_->GetTheme("lerende-stad");
  ASSERT_TRUE(theme.ok());
  EXPECT_EQ((**theme).agreements[0].text, "Gewijzigd bij amendement.");
  EXPECT_EQ((**theme).agreements[1].text, "Steden delen kennis en ervaring.");
  auto history = catalog_->AgreementHistory("lerende-stad/b");
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].text, "Steden delen kennis.");
}

TEST_F(CatalogTest, AgreementsAManifestDropsAreRetiredNotDeleted) {
  ASSERT_TRUE(catalog_->Sync(Theme()).ok());
  ThemeManifest smaller = Theme();
  smaller.agreements.pop_back();
  ASSERT_TRUE(catalog_->Sync(smaller).ok());
  auto theme = catalog_->GetTheme("lerende-stad");
  EXPECT_EQ((**theme).agreements.size(), 1u);
  auto history = catalog_->AgreementHistory("lerende-stad/b");
  EXPECT_EQ(history->size(), 1u);
}

}  // namespace
}  // namespace smartercities::domain
