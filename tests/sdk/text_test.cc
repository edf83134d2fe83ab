// The SDK's rules for text and numbers from outside (text.h) and its CSV
// reader (csv.h), as the core and the plugins apply them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <smartercities/csv.h>
#include <smartercities/text.h>

#include <string>

namespace smartercities::sdk {
namespace {

using ::testing::HasSubstr;

TEST(TextTest, AcceptsUtf8AndRefusesEveryIllFormedSequence) {
  EXPECT_TRUE(IsValidUtf8("Den Haag, 's-Gravenhage"));
  EXPECT_TRUE(IsValidUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x9A\xB2"));
  for (const char* bad :
       {"\xFF", "\xFE", "\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80",
        "\xF4\x90\x80\x80", "\xC3", "\xE2\x82", "\x80"}) {
    EXPECT_FALSE(IsValidUtf8(bad)) << Printable(bad);
  }
}

TEST(TextTest, CountsCharactersNotBytes) {
  std::string accents;
  for (int i = 0; i < 300; ++i) accents += "\xC3\xA9";  // é
  EXPECT_EQ(accents.size(), 600u);
  EXPECT_EQ(CharacterCount(accents), 300u);
  EXPECT_FALSE(TextProblem(accents, {.max_characters = 500}));
  EXPECT_THAT(*TextProblem(accents + accents, {.max_characters = 500}),
              HasSubstr("at most 500 characters, got 600"));
}

TEST(TextTest, NamesWhereTextIsNotUtf8OrHoldsAControlCharacter) {
  EXPECT_EQ(*TextProblem("ab\xFF"),
            "is not UTF-8 text (byte 0xFF at character 3); send text encoded "
            "as UTF-8");
  EXPECT_THAT(*TextProblem(std::string("a\0b", 3)),
              HasSubstr("holds the control character U+0000 at character 2"));
  EXPECT_THAT(*TextProblem("evil\n2026-11-30"),
              HasSubstr("control character U+000A at character 5"));
  EXPECT_THAT(*TextProblem("C1 \xC2\x85"), HasSubstr("U+0085"));
  EXPECT_THAT(*TextProblem("\x7F"), HasSubstr("U+007F"));
  // A field of several lines takes line breaks and tabs, nothing else.
  EXPECT_FALSE(TextProblem("one\r\ntwo\tthree", {.multiline = true}));
  EXPECT_TRUE(TextProblem(std::string("x\0", 2), {.multiline = true}));
  EXPECT_EQ(*TextProblem("", {.min_characters = 1}), "must not be empty");
}

TEST(TextTest, PrintableShowsWhatCannotBePrinted) {
  EXPECT_EQ(Printable("evil\nline\t\\ \xFF \xC3\xA9"),
            "evil\\nline\\t\\\\ \\xff \xC3\xA9");
  EXPECT_EQ(Printable(std::string("\0", 1)), "\\u0000");
  EXPECT_EQ(Printable("abcdef", 3), "abc...");
}

TEST(TextTest, NumbersAreReadOnlyInDecimal) {
  EXPECT_EQ(ParseDecimalInteger("2013"), 2013);
  EXPECT_EQ(ParseDecimalInteger("-7"), -7);
  for (const char* bad : {"0x10", "+5", " 5", "5 ", "", "-", "1e3", "12a",
                          "99999999999999999999"}) {
    EXPECT_FALSE(ParseDecimalInteger(bad)) << bad;
  }
  EXPECT_EQ(ParseDecimal("40100000"), 40100000.0);
  EXPECT_EQ(ParseDecimal("1234.5"), 1234.5);
  EXPECT_EQ(ParseDecimal("2.5e3"), 2500.0);
  EXPECT_EQ(ParseDecimal("-0.25"), -0.25);
  for (const char* bad : {"0x10", "+1", ".5", "5.", "inf", "nan", "1,5", " 1",
                          "1e", "1e999", "", "--1"}) {
    EXPECT_FALSE(ParseDecimal(bad)) << bad;
  }
}

TEST(CsvTest, ReadsRecordsAndQuotedFieldsAsRfc4180Says) {
  CsvTable table =
      ReadCsv("a,b,c\r\n1,\"x, \"\"y\"\"\",\"two\nlines\"\r\n,,\n");
  ASSERT_FALSE(table.problem) << table.problem->message;
  ASSERT_EQ(table.records.size(), 3u);
  EXPECT_EQ(table.records[1].fields[1], "x, \"y\"");
  EXPECT_EQ(table.records[1].fields[2], "two\nlines");
  EXPECT_EQ(table.records[2].line, 4u);
  EXPECT_EQ(table.records[2].fields, (std::vector<std::string>{"", "", ""}));
  // A last record without a line break, a byte order mark, blank lines at
  // the very end.
  EXPECT_EQ(ReadCsv("\xEF\xBB\xBF"
                    "a,b\n1,2")
                .records.size(),
            2u);
  EXPECT_EQ(ReadCsv("a,b\n1,2\n\n\r\n").records.size(), 2u);
}

TEST(CsvTest, RefusesWhatRfc4180DoesNotAllowNamingLineAndField) {
  struct Case {
    const char* text;
    std::size_t line;
    std::size_t field;
    const char* message;
  };
  for (const Case& bad : {
           Case{"a,b\n1,\"2\n", 2, 2, "never closed"},
           Case{"a,b,c\nGM0363,\"1011,2013\n", 2, 2, "never closed"},
           Case{"a,b\n1,2\"3\n", 2, 2, "does not start with one"},
           Case{"a,b\n\"1\"x,2\n", 2, 1, "after the closing quote"},
           Case{"a,b\n1,2\r3,4\n", 2, 2, "carriage return"},
           Case{"a,b\n\n1,2\n", 2, 0, "empty"},
           Case{"a,b\n1,2,3\n", 2, 0, "expected 2 fields, found 3"},
       }) {
    CsvTable table = ReadCsv(bad.text);
    ASSERT_TRUE(table.problem) << bad.text;
    EXPECT_EQ(table.problem->line, bad.line) << bad.text;
    EXPECT_EQ(table.problem->field, bad.field) << bad.text;
    EXPECT_THAT(table.problem->message, HasSubstr(bad.message)) << bad.text;
    EXPECT_TRUE(table.records.empty());
  }
}

TEST(CsvTest, ReadsSemicolonsAndRecordsOfAnotherLengthWhenAsked) {
  CsvTable table = ReadCsv("a;b\n\"1;5\";2,5\n", {.delimiter = ';'});
  ASSERT_FALSE(table.problem) << table.problem->message;
  EXPECT_EQ(table.records[1].fields, (std::vector<std::string>{"1;5", "2,5"}));

  // One record at a time; a short record is the caller's to judge, and the
  // reading goes on after it.
  const std::string_view text = "a,b\n1\n2,3,4\n5,6\n";
  CsvReader reader(text, {.same_field_count = false});
  CsvRecord record;
  std::vector<std::size_t> counts;
  std::vector<std::size_t> lines;
  while (reader.Next(record)) {
    counts.push_back(record.fields.size());
    lines.push_back(record.line);
  }
  EXPECT_FALSE(reader.problem());
  EXPECT_EQ(counts, (std::vector<std::size_t>{2, 1, 3, 2}));
  EXPECT_EQ(lines, (std::vector<std::size_t>{1, 2, 3, 4}));
  EXPECT_EQ(record.fields, (std::vector<std::string>{"5", "6"}));
  // Every byte is read: a progress display ends at 100%.
  EXPECT_EQ(reader.position(), text.size());

  // A problem ends the reading where it is.
  CsvReader broken("a,b\n1,\"2\n3,4\n");
  while (broken.Next(record)) {
  }
  ASSERT_TRUE(broken.problem());
  EXPECT_EQ(broken.problem()->line, 2u);
  EXPECT_FALSE(broken.Next(record));
}

}  // namespace
}  // namespace smartercities::sdk
