// The Dutch tokenizer of the knowledge base's full-text search: its terms,
// and the FTS5 index it makes inside a real SQLite file, on the write
// connection and on the readers alike.
#include "core/storage/dutch_tokenizer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "tests/core/storage/database_fixture.h"

namespace smartercities::storage {
namespace {

using ::testing::ElementsAre;

TEST(DutchTermsTest, InflectedFormsShareAStem) {
  EXPECT_EQ(DutchTerms("verkeerslichten"), DutchTerms("verkeerslicht"));
  EXPECT_EQ(DutchTerms("fietsers"), DutchTerms("fietser"));
  EXPECT_EQ(DutchTerms("gemeenten"), DutchTerms("gemeente"));
  EXPECT_EQ(DutchTerms("lantaarnpalen"), DutchTerms("lantaarnpaal"));
  EXPECT_EQ(DutchTerms("ondernemersloketten"), DutchTerms("ondernemersloket"));
  EXPECT_NE(DutchTerms("verkeerslicht"), DutchTerms("verkeer"));
}

TEST(DutchTermsTest, CaseAccentsAndPunctuationDoNotMatter) {
  EXPECT_EQ(DutchTerms("Ideeën"), DutchTerms("ideeen"));
  EXPECT_EQ(DutchTerms("ÉÉN"), DutchTerms("een"));
  EXPECT_EQ(DutchTerms("VERKEERSLICHTEN!"), DutchTerms("verkeerslichten"));
  // Quotes, dashes and the like (U+2000..U+2FFF) separate words.
  EXPECT_EQ(DutchTerms("euro\xE2\x80\x99s \xE2\x80\x93 plan").size(), 3u);
  EXPECT_THAT(DutchTerms("  a,b;c  "), ElementsAre("a", "b", "c"));
  EXPECT_TRUE(DutchTerms(" \n\t.,!").empty());
  // Digits are words too.
  EXPECT_THAT(DutchTerms("GM0794 2014"), ElementsAre("gm0794", "2014"));
}

TEST(FindTermsTest, FindsEveryFormOfATermAsWrittenAndStopsAfterTheWindow) {
  std::string text =
      "De Verkeerslichten en de mogelijkheden; een verkeerslicht. " +
      std::string(500, 'x') + " verkeerslichten";
  auto terms = DutchTerms("verkeerslicht mogelijkheid");
  std::vector<TermMatch> found = FindTerms(text, terms, {}, 100);
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(text.substr(found[0].start, found[0].end - found[0].start),
            "Verkeerslichten");
  EXPECT_EQ(text.substr(found[1].start, found[1].end - found[1].start),
            "mogelijkheden");
  EXPECT_EQ(text.substr(found[2].start, found[2].end - found[2].start),
            "verkeerslicht");
  // A prefix.
  EXPECT_EQ(FindTerms(text, {}, FoldedWords("Verkeers"), 100).size(), 2u);
  EXPECT_TRUE(FindTerms(text, DutchTerms("zwembad"), {}, 100).empty());
}

TEST(WordOffsetTest, CountsWordsAsTheTokenizerDoes) {
  std::string text = "Ideeën \xE2\x80\x93 voor GM0794, één-twee";
  // Ideeën(0) voor(1) GM0794(2) één(3) twee(4): the dash separates.
  EXPECT_EQ(WordOffset(text, 0), 0u);
  EXPECT_EQ(text.substr(WordOffset(text, 1), 4), "voor");
  EXPECT_EQ(text.substr(WordOffset(text, 2), 6), "GM0794");
  EXPECT_EQ(text.substr(WordOffset(text, 4)), "twee");
  EXPECT_EQ(WordOffset(text, 5), text.size());
  EXPECT_EQ(DutchTerms(text).size(), 5u);
}

class DutchIndexTest : public DatabaseTest {};

TEST_F(DutchIndexTest, AnFts5TableFindsEveryFormAndMarksTheWordAsWritten) {
  Status made = database_->Write([](Connection& db) {
    Status status = db.ExecuteScript(
        "CREATE VIRTUAL TABLE t USING fts5(body, tokenize = 'dutch')");
    if (!status.ok()) return status;
    return db.Execute(
        "INSERT INTO t (body) VALUES ('Helmond vervangt de Verkeerslichten "
        "op de ring.'), ('Een nieuw verkeerslicht bij het station.'), "
        "('Over fietspaden.')",
        {});
  });
  ASSERT_TRUE(made.ok()) << made.message();
  // Read connections have the tokenizer too.
  EXPECT_EQ(One("SELECT count(*) FROM t WHERE t MATCH 'verkeerslichten'"), "2");
  EXPECT_EQ(One("SELECT count(*) FROM t WHERE t MATCH 'VERKEERSLICHT'"), "2");
  EXPECT_EQ(One("SELECT count(*) FROM t WHERE t MATCH 'fietspad'"), "1");
  // A prefix is one of the words as written, not of its own stem.
  EXPECT_EQ(One("SELECT count(*) FROM t WHERE t MATCH 'verkeers*'"), "2");
  EXPECT_EQ(One("SELECT count(*) FROM t WHERE t MATCH 'zwembad'"), "0");
  EXPECT_EQ(One("SELECT highlight(t, 0, '[', ']') FROM t WHERE t MATCH "
                "'verkeerslicht' ORDER BY rowid LIMIT 1"),
            "Helmond vervangt de [Verkeerslichten] op de ring.");
  // TermPhrase finds a term as indexed, not stemmed once more.
  std::string term = DutchTerms("gegevens").at(0);
  ASSERT_NE(DutchTerms(term).at(0), term) << "a stem whose stem differs";
  Status added = database_->Write([](Connection& db) {
    return db.Execute("INSERT INTO t (body) VALUES ('Open gegevens')", {});
  });
  ASSERT_TRUE(added.ok()) << added.message();
  EXPECT_EQ(
      One("SELECT count(*) FROM t WHERE t MATCH '" + TermPhrase(term) + "'"),
      "1");
  EXPECT_EQ(One("SELECT count(*) FROM t WHERE t MATCH '\"" + term + "\"'"),
            "0");
  // Another thread's reader as well.
  std::string counted;
  std::thread reader(
      [&] { counted = One("SELECT count(*) FROM t WHERE t MATCH 'ring'"); });
  reader.join();
  EXPECT_EQ(counted, "1");
}

}  // namespace
}  // namespace smartercities::storage
