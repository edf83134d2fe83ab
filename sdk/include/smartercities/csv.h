// csv.h — a reader of comma-separated values as RFC 4180 defines them,
// strictly, for imports such as a theme's CSV upload.
//
// A record ends in CRLF or, as files from Unix tools do, in LF alone; the
// last record may end without one. A field is either enclosed in double
// quotes, and may then hold commas, line breaks and quotes written twice
// (""), or it holds no quote, comma or line break at all. Everything else is
// refused with the line and the field where it happens: a quote inside a
// field that does not start with one, text after a closing quote, a quote
// that is never closed, a carriage return without its line feed, an empty
// line (except at the very end), and a record with another number of fields
// than the first. A UTF-8
// byte order mark at the very start, which spreadsheet programs write, is
// skipped. The reader does not look inside fields: checking them
// (TextProblem in text.h, ParseDecimal) is the caller's part.
//
// Header-only, standard library only; ReadCsv is pure and thread-safe and
// does not throw.
#ifndef SMARTERCITIES_CSV_H_
#define SMARTERCITIES_CSV_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace smartercities::sdk {

// One record: the line it starts on (1 is the first) and its fields.
struct CsvRecord {
  std::size_t line = 0;
  std::vector<std::string> fields;
};

// Why a text is not CSV: the line (1 is the first) and, when one field is to
// blame, its position in the record (1 is the first; 0 for the record as a
// whole), and what is wrong there.
struct CsvProblem {
  std::size_t line = 0;
  std::size_t field = 0;
  std::string message;
};

// The records of a text, the first included (often a header), or the first
// problem in it (and then no records).
struct CsvTable {
  std::vector<CsvRecord> records;
  std::optional<CsvProblem> problem;
};

inline CsvTable ReadCsv(std::string_view text) {
  CsvTable table;
  auto fail = [&](std::size_t line, std::size_t field, std::string message) {
    table.records.clear();
    table.problem = CsvProblem{line, field, std::move(message)};
    return table;
  };
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  std::size_t position = 0;
  std::size_t line = 1;
  // Whether position is at the end of a line break (or the start).
  auto at_line_end = [&](std::size_t i) {
    return i == text.size() || text[i] == '\n' ||
           (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n');
  };
  while (position < text.size()) {
    CsvRecord record;
    record.line = line;
    if (at_line_end(position)) {
      // Empty lines at the very end add nothing; anywhere else they would
      // be records without fields.
      if (text.find_first_not_of("\r\n", position) == std::string_view::npos &&
          std::string_view(text.substr(position)).find("\r\r") ==
              std::string_view::npos) {
        break;
      }
      return fail(line, 0,
                  "the line is empty; remove it (every line of the file is "
                  "one record)");
    }
    for (;;) {
      std::size_t field_number = record.fields.size() + 1;
      std::string field;
      if (position < text.size() && text[position] == '"') {
        std::size_t opened_on = line;
        ++position;
        for (;;) {
          if (position == text.size()) {
            return fail(opened_on, field_number,
                        "the quoted field that starts on this line is never "
                        "closed; end it with a double quote");
          }
          char c = text[position++];
          if (c == '"') {
            if (position < text.size() && text[position] == '"') {
              field += '"';
              ++position;
              continue;
            }
            break;
          }
          if (c == '\n') ++line;
          field += c;
        }
        if (position < text.size() && text[position] != ',' &&
            !at_line_end(position)) {
          return fail(line, field_number,
                      "text after the closing quote of the field; a quote "
                      "inside a quoted field is written twice (\"\")");
        }
      } else {
        while (position < text.size() && text[position] != ',' &&
               text[position] != '\n' && text[position] != '\r') {
          if (text[position] == '"') {
            return fail(line, field_number,
                        "a double quote inside a field that does not start "
                        "with one; enclose the field in double quotes and "
                        "write the quote twice (\"\")");
          }
          field += text[position++];
        }
        if (position < text.size() && text[position] == '\r' &&
            !at_line_end(position)) {
          return fail(line, field_number,
                      "a carriage return without a line feed; end lines in "
                      "CRLF or LF");
        }
      }
      record.fields.push_back(std::move(field));
      if (position < text.size() && text[position] == ',') {
        ++position;
        continue;
      }
      // The end of the record: CRLF, LF or the end of the text.
      if (position < text.size() && text[position] == '\r') ++position;
      if (position < text.size() && text[position] == '\n') {
        ++position;
        ++line;
      }
      break;
    }
    if (!table.records.empty() &&
        record.fields.size() != table.records.front().fields.size()) {
      return fail(record.line, 0,
                  "expected " +
                      std::to_string(table.records.front().fields.size()) +
                      " fields, found " + std::to_string(record.fields.size()) +
                      "; every line has as many as line " +
                      std::to_string(table.records.front().line));
    }
    table.records.push_back(std::move(record));
  }
  return table;
}

}  // namespace smartercities::sdk

#endif  // SMARTERCITIES_CSV_H_
