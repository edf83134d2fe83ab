// The knowledge base's search on a real SQLite file with the core's schema:
// the agenda's entries follow their tables, and a search that finds the
// index up to date writes nothing (so it leaves cached answers alone).
#include "core/domain/knowledge_search.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/domain/core_schema.h"
#include "core/domain/search_ranking.h"
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

  // Indexes document id with title and text, as an upload does.
  void Index(std::int64_t id, const std::string& title,
             const std::string& text) {
    Document document;
    document.id = id;
    document.title = title;
    document.kind = "evaluation";
    document.date = "2014-06-01";
    Status indexed = database_->Write([&](storage::Connection& db) {
      return IndexDocument(db, document, text);
    });
    ASSERT_TRUE(indexed.ok()) << indexed.message();
  }

  void Unindex(std::int64_t id) {
    Status removed = database_->Write(
        [&](storage::Connection& db) { return UnindexDocument(db, id); });
    ASSERT_TRUE(removed.ok()) << removed.message();
  }

  // A page of hits as (ref, score), and the total.
  struct Page {
    std::vector<std::pair<std::string, double>> hits;
    std::int64_t total = 0;
  };
  Page Find(KnowledgeSearch& search, const std::string& text,
            std::size_t offset, bool weigh_every_match) {
    SearchQuery query;
    query.text = text;
    query.offset = offset;
    query.limit = 10;
    // A filter that keeps every document makes the search weigh each
    // match instead of reading the lists.
    if (weigh_every_match) query.type = "document";
    auto answer = search.Search(query);
    EXPECT_TRUE(answer.ok()) << answer.status().message();
    Page page;
    if (!answer.ok()) return page;
    page.total = answer->total;
    for (const SearchHit& hit : answer->hits) {
      EXPECT_EQ(hit.type, "document");
      page.hits.emplace_back(hit.ref, hit.score);
    }
    return page;
  }

  // More documents with "fietspad" than a list keeps, each with it a
  // different number of times in a text of a different length, some with
  // it in the title.
  void IndexManyCyclePaths() {
    for (int i = 1; i <= kChampions + 30; ++i) {
      std::string text;
      for (int word = 0; word < 20 + (i * 37) % 300; ++word) {
        text += word % (1 + i % 23) == 0 ? "fietspaden " : "gemeente ";
      }
      Index(i, i % 9 == 0 ? "Het fietspad" : "Plan " + std::to_string(i), text);
    }
  }

  // The one-word search (from the lists) and the same search weighing
  // every match give the same pages, scores included.
  void ExpectListsAgreeWithWeighing(KnowledgeSearch& search) {
    for (std::size_t offset : {0, 10, 90}) {
      Page listed = Find(search, "fietspaden", offset, false);
      Page weighed = Find(search, "fietspaden", offset, true);
      ASSERT_EQ(listed.hits.size(), weighed.hits.size()) << offset;
      if (offset == 0) {
        EXPECT_EQ(listed.hits.size(), 10u);
      }
      EXPECT_EQ(listed.total, weighed.total);
      for (std::size_t i = 0; i < listed.hits.size(); ++i) {
        EXPECT_EQ(listed.hits[i].first, weighed.hits.at(i).first)
            << "hit " << offset + i;
        EXPECT_DOUBLE_EQ(listed.hits[i].second, weighed.hits.at(i).second)
            << "hit " << offset + i;
      }
    }
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

TEST_F(KnowledgeSearchTest,
       AOneWordSearchFromTheListsRanksAsWeighingEveryMatch) {
  IndexManyCyclePaths();
  KnowledgeSearch search(*database_);
  ExpectListsAgreeWithWeighing(search);
  Page first = Find(search, "fietspad", 0, false);
  EXPECT_EQ(first.total, kChampions + 30);
  for (std::size_t i = 1; i < first.hits.size(); ++i) {
    EXPECT_GE(first.hits[i - 1].second, first.hits[i].second) << i;
  }
  // Of two texts alike, the one with the word in its title ranks first.
  Index(500, "Plan", "gemeente fietsenstalling");
  Index(501, "Fietsenstalling", "gemeente fietsenstalling");
  Page both = Find(search, "fietsenstallingen", 0, false);
  ASSERT_EQ(both.hits.size(), 2u);
  EXPECT_EQ(both.hits[0].first, "501");
  // Past what the lists keep, the search weighs every match.
  Page last = Find(search, "fietspad", kChampions + 25, false);
  EXPECT_EQ(last.hits.size(), 5u);
}

TEST_F(KnowledgeSearchTest,
       ATwoWordSearchKeepsItsBestWhileWeighingAsSortingEveryMatch) {
  // Unfiltered, the weighing statement keeps the best of a page itself
  // (search_best); filtered, every match comes back and is sorted. Both
  // give the same pages, scores and totals.
  IndexManyCyclePaths();
  KnowledgeSearch search(*database_);
  // All but the five whose texts are "fietspaden" only have both words.
  const std::int64_t total = kChampions + 30 - 5;
  for (std::size_t offset : {0, 10, 90, 120, 125}) {
    Page kept = Find(search, "fietspaden gemeenten", offset, false);
    Page sorted = Find(search, "fietspaden gemeenten", offset, true);
    EXPECT_EQ(kept.total, total);
    EXPECT_EQ(kept.total, sorted.total);
    ASSERT_EQ(kept.hits.size(), sorted.hits.size()) << offset;
    EXPECT_EQ(
        kept.hits.size(),
        std::min<std::size_t>(10, static_cast<std::size_t>(total) - offset))
        << offset;
    for (std::size_t i = 0; i < kept.hits.size(); ++i) {
      EXPECT_EQ(kept.hits[i].first, sorted.hits[i].first)
          << "hit " << offset + i;
      EXPECT_DOUBLE_EQ(kept.hits[i].second, sorted.hits[i].second)
          << "hit " << offset + i;
    }
  }
  // Of texts alike the lower id ranks first, also where a page ends
  // among them: the second of three is 902.
  for (std::int64_t id : {903, 901, 902}) {
    Index(id, "Plan", "rotonde verkeerslicht");
  }
  for (bool weigh_every_match : {false, true}) {
    SearchQuery query;
    query.text = "rotonde verkeerslichten";
    query.offset = 1;
    query.limit = 1;
    if (weigh_every_match) query.type = "document";
    auto answer = search.Search(query);
    ASSERT_TRUE(answer.ok()) << answer.status().message();
    EXPECT_EQ(answer->total, 3);
    ASSERT_EQ(answer->hits.size(), 1u);
    EXPECT_EQ(answer->hits[0].ref, "902") << weigh_every_match;
  }
}

TEST_F(KnowledgeSearchTest,
       ADocumentRemovedFromAFullListIsReplacedByTheNextBest) {
  IndexManyCyclePaths();
  KnowledgeSearch search(*database_);
  // The best ones go, one by one; each time the list is read anew.
  for (int round = 0; round < 3; ++round) {
    Page before = Find(search, "fietspaden", 0, false);
    Unindex(std::stoll(before.hits.at(0).first));
    Page after = Find(search, "fietspaden", 0, false);
    EXPECT_EQ(after.total, before.total - 1);
    EXPECT_EQ(after.hits.at(0).first, before.hits.at(1).first);
  }
  ExpectListsAgreeWithWeighing(search);
  // Down to fewer than a list keeps: the list is all of them.
  for (int i = 1; i <= kChampions + 30; i += 2) Unindex(i);
  ExpectListsAgreeWithWeighing(search);
}

TEST_F(KnowledgeSearchTest, ADocumentWrittenAgainUnderItsIdIsWeighedAsItIsNow) {
  // Weighing keeps each entry's length between searches; an id given
  // again (the highest, after its document was deleted) to a longer text
  // must not be weighed with the old length.
  IndexManyCyclePaths();
  KnowledgeSearch search(*database_);
  std::int64_t last = kChampions + 30;
  Find(search, "fietspaden", 0, true);
  Unindex(last);
  std::string longer = "fietspaden";
  for (int i = 0; i < 3000; ++i) longer += " gemeente";
  Index(last, "Plan", longer);
  ExpectListsAgreeWithWeighing(search);
  // The same search on connections of a database opened anew (nothing
  // kept) weighs every entry alike, the rewritten one included.
  auto fresh = storage::OpenSqlite({(dir_.path() / "k.db").string()});
  ASSERT_TRUE(fresh.ok()) << fresh.status().message();
  KnowledgeSearch anew(**fresh);
  Page kept = Find(search, "fietspaden", kChampions + 20, true);
  Page read = Find(anew, "fietspaden", kChampions + 20, true);
  ASSERT_EQ(kept.hits.size(), 10u);
  EXPECT_EQ(kept.hits.back().first, std::to_string(last))
      << "the rewritten text is the longest, so it weighs least";
  for (std::size_t i = 0; i < kept.hits.size(); ++i) {
    EXPECT_EQ(kept.hits[i], read.hits.at(i)) << i;
  }
}

TEST_F(KnowledgeSearchTest,
       ListsMissingFromAnOlderDatabaseAreBuiltByTheFirstSearch) {
  IndexManyCyclePaths();
  // As a database indexed before the lists existed.
  Status cleared = database_->Write([](storage::Connection& db) {
    for (const char* sql : {"DELETE FROM search_index_champions",
                            "DELETE FROM search_index_terms",
                            "UPDATE search_index_totals SET documents = 0, "
                            "built = 0"}) {
      Status status = db.Execute(sql, {});
      if (!status.ok()) return status;
    }
    return Status::Ok();
  });
  ASSERT_TRUE(cleared.ok()) << cleared.message();
  // Written while unbuilt: the build takes it in.
  Index(1000, "Fietsenstalling", "fietspaden");
  KnowledgeSearch search(*database_);
  EXPECT_EQ(Find(search, "fietspaden", 0, false).total, kChampions + 31);
  Page stalling = Find(search, "fietsenstallingen", 0, false);
  ASSERT_EQ(stalling.hits.size(), 1u);
  EXPECT_EQ(stalling.hits[0].first, "1000");
  ExpectListsAgreeWithWeighing(search);
}

TEST_F(KnowledgeSearchTest,
       TheSnippetShowsAMatchFarIntoALongTextAndSkipsATitleOnlyOne) {
  std::string text;
  for (int i = 0; i < 5000; ++i) text += "Gemeenteraad vergadert. ";
  Index(1, "Verslag", text + "Eén verkeerslicht staat op rood. " + text);
  Index(2, "Verkeerslichten", text);
  KnowledgeSearch search(*database_);
  // From the lists (where the match starts is kept in bytes) and from
  // weighing every match (FTS5 gives it in words).
  for (bool weigh_every_match : {false, true}) {
    SearchQuery query;
    query.text = "verkeerslichten";
    if (weigh_every_match) query.type = "document";
    auto answer = search.Search(query);
    ASSERT_TRUE(answer.ok()) << answer.status().message();
    ASSERT_EQ(answer->hits.size(), 2u);
    for (const SearchHit& hit : answer->hits) {
      if (hit.ref == "1") {
        EXPECT_THAT(hit.snippet,
                    ::testing::HasSubstr(std::string("Eén ") + kMatchStart +
                                         "verkeerslicht" + kMatchEnd))
            << weigh_every_match;
      } else {
        EXPECT_THAT(hit.snippet, ::testing::StartsWith("Gemeenteraad"));
        EXPECT_EQ(hit.snippet.find(kMatchStart), std::string::npos);
      }
    }
  }
}

TEST_F(KnowledgeSearchTest,
       ASnippetFarIntoATextIsFoundPastAWordLongerThanAPart) {
  // The text is read a part at a time up to its first match: here a
  // "word" of 40,000 letters spans the first parts.
  std::string text = "Aanhef " + std::string(40000, 'x') + " ";
  for (int i = 0; i < 3000; ++i) text += "Gemeenteraad vergadert. ";
  Index(1, "Verslag", text + "Eén verkeerslicht op de rotonde. " + text);
  KnowledgeSearch search(*database_);
  SearchQuery query;
  query.text = "verkeerslichten rotonde";
  auto answer = search.Search(query);
  ASSERT_TRUE(answer.ok()) << answer.status().message();
  ASSERT_EQ(answer->hits.size(), 1u);
  EXPECT_THAT(answer->hits[0].snippet,
              ::testing::HasSubstr(std::string("Eén ") + kMatchStart +
                                   "verkeerslicht" + kMatchEnd + " op de " +
                                   kMatchStart + "rotonde" + kMatchEnd));
  EXPECT_THAT(answer->hits[0].snippet, ::testing::StartsWith("… "));
  EXPECT_THAT(answer->hits[0].snippet, ::testing::EndsWith(" …"));
}

TEST_F(KnowledgeSearchTest, AHitCarriesEveryFieldOfItsEntry) {
  Document document;
  document.id = 7;
  document.title = "Verslag laadpalen";
  document.kind = "minutes";
  document.theme = "groene-stad";
  document.city = "GM0794";
  document.date = "2016-03-01";
  Status indexed = database_->Write([&](storage::Connection& db) {
    return IndexDocument(db, document, "De raad sprak over de laadpalen.");
  });
  ASSERT_TRUE(indexed.ok()) << indexed.message();
  KnowledgeSearch search(*database_);
  for (bool weigh_every_match : {false, true}) {
    SearchQuery query;
    query.text = "laadpaal";
    if (weigh_every_match) query.type = "document";
    auto answer = search.Search(query);
    ASSERT_TRUE(answer.ok()) << answer.status().message();
    ASSERT_EQ(answer->hits.size(), 1u) << weigh_every_match;
    const SearchHit& hit = answer->hits[0];
    EXPECT_EQ(hit.type, "document");
    EXPECT_EQ(hit.ref, "7");
    EXPECT_EQ(hit.title, "Verslag laadpalen");
    EXPECT_EQ(hit.theme, "groene-stad");
    EXPECT_EQ(hit.kind, "minutes");
    EXPECT_EQ(hit.city, "GM0794");
    EXPECT_EQ(hit.year, 2016);
    EXPECT_EQ(hit.snippet, std::string("De raad sprak over de ") + kMatchStart +
                               "laadpalen" + kMatchEnd + ".");
  }
  // An entry of the agenda: a city, without theme, kind or year.
  SearchQuery query;
  query.text = "helmond";
  auto answer = search.Search(query);
  ASSERT_TRUE(answer.ok()) << answer.status().message();
  ASSERT_EQ(answer->hits.size(), 1u);
  EXPECT_EQ(answer->hits[0].type, "city");
  EXPECT_EQ(answer->hits[0].ref, "GM0794");
  EXPECT_EQ(answer->hits[0].title, "Helmond");
  EXPECT_EQ(answer->hits[0].city, "GM0794");
  EXPECT_EQ(answer->hits[0].theme, "");
  EXPECT_EQ(answer->hits[0].year, std::nullopt);
}

TEST_F(KnowledgeSearchTest,
       ASnippetOfTwoWordsStartsAtWhicheverOfThemComesFirstInItsText) {
  std::string filler;
  for (int i = 0; i < 400; ++i) filler += "Gemeenteraad vergadert. ";
  // Each text has the other word first, so a snippet that took the first
  // word's place, or the row before's, starts at the wrong one.
  Index(1, "Plan", "Een rotonde hier. " + filler + "Een verkeerslicht daar.");
  Index(2, "Plan",
        filler + "Een verkeerslicht daar. " + filler + "Een rotonde hier.");
  KnowledgeSearch search(*database_);
  for (const char* text :
       {"verkeerslichten rotonde", "rotonde verkeerslicht"}) {
    SearchQuery query;
    query.text = text;
    auto answer = search.Search(query);
    ASSERT_TRUE(answer.ok()) << answer.status().message();
    ASSERT_EQ(answer->hits.size(), 2u) << text;
    for (const SearchHit& hit : answer->hits) {
      std::string first = hit.ref == "1" ? "rotonde" : "verkeerslicht";
      EXPECT_THAT(hit.snippet,
                  ::testing::HasSubstr(std::string("Een ") + kMatchStart +
                                       first + kMatchEnd))
          << text << ", document " << hit.ref << ": " << hit.snippet;
      if (hit.ref == "1") {
        EXPECT_THAT(hit.snippet, ::testing::StartsWith("Een "));
      }
    }
  }
}

}  // namespace
}  // namespace smartercities::domain
