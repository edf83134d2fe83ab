// The knowledge base's search on a real SQLite file with the core's schema:
// the agenda's entries follow their tables, and a search that finds the
// index up to date writes nothing (so it leaves cached answers alone).
#include "core/domain/knowledge_search.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/domain/core_schema.h"
#include "tests/support/test_support.h"

namespace smartercities::domain {
namespace {

class KnowledgeSearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto database = storage::OpenSqlite({(dir_.path() / "k.db").string()});
    ASSERT_TRUE(database.ok()) << database.status().message();
    database_ = std::move(database).value();
    ASSERT_TRUE(database_->Migrate({"core", ""}, CoreMigrations()).ok());
    AddCity("GM0794", "Helmond");
  }

  void AddCity(const std::string& code, const std::string& name) {
    Status added = database_->Write([&](storage::Connection& db) {
      return db.Execute(
          "INSERT INTO cities (cbs_code, name, network) VALUES (?1, ?2, "
          "'G32')",
          std::vector<storage::Value>{code, name});
    });
    ASSERT_TRUE(added.ok()) << added.message();
  }

  std::int64_t Total(KnowledgeSearch& search, const std::string& text) {
    SearchQuery query;
    query.text = text;
    auto answer = search.Search(query);
    EXPECT_TRUE(answer.ok()) << answer.status().message();
    return answer.ok() ? answer->total : -1;
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::Database> database_;
};

TEST_F(KnowledgeSearchTest,
       AgendaEntriesFollowTheirTablesAndAnUpToDateIndexWritesNothing) {
  KnowledgeSearch search(*database_);
  EXPECT_EQ(Total(search, "helmond"), 1);
  std::uint64_t generation = database_->Generation();
  EXPECT_EQ(Total(search, "helmond"), 1);
  EXPECT_EQ(Total(search, "eindhoven"), 0);
  EXPECT_EQ(database_->Generation(), generation)
      << "a search of an up-to-date index wrote";
  AddCity("GM0772", "Eindhoven");
  EXPECT_EQ(Total(search, "eindhoven"), 1);
}

TEST_F(KnowledgeSearchTest, AQueryWithoutWordsOrTooLongIsRefusedNamingQ) {
  KnowledgeSearch search(*database_);
  for (const std::string& text :
       {std::string(""), std::string(" ,;"), std::string(201, 'a')}) {
    SearchQuery query;
    query.text = text;
    auto answer = search.Search(query);
    ASSERT_FALSE(answer.ok()) << text;
    EXPECT_EQ(answer.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(answer.status().message(), ::testing::StartsWith("q: "));
  }
  EXPECT_EQ(MatchExpression("Verkeers-lichten  fiets*"),
            "\"Verkeers\" \"lichten\" \"fiets\"*");
}

}  // namespace
}  // namespace smartercities::domain
