// csv.h — a reader of comma-separated values as RFC 4180 defines them,
// strictly, for imports such as a theme's CSV upload: all at once
// (ReadCsv) or one record at a time (CsvReader, for large files).
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
// does not throw (beyond std::bad_alloc).
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

// How a text is read.
struct CsvOptions {
  // The character between fields: ',' as RFC 4180 has it, or ';' as
  // spreadsheet programs write where the decimal separator is a comma.
  char delimiter = ',';
  // Whether a record with another number of fields than the first is a
  // problem that ends the reading (as ReadCsv has it). With false such a
  // record is returned as it is, for the caller to judge and go on.
  bool same_field_count = true;
};

// Reads the records of a text one at a time, so that a large file is never
// held as records all at once; the rules are those above. Holds a view of
// the text, which must outlive the reader. Not thread-safe; does not throw
// beyond std::bad_alloc.
class CsvReader {
 public:
  explicit CsvReader(std::string_view text, CsvOptions options = {})
      : text_(text), options_(options) {
    if (text_.starts_with("\xEF\xBB\xBF")) text_.remove_prefix(3);
  }

  // Reads the next record into record, reusing the storage of its fields.
  // Returns true with a record; false at the end of the text or at a
  // problem, after which problem() says what and where and nothing more is
  // read.
  bool Next(CsvRecord& record) {
    if (problem_ || position_ >= text_.size()) return false;
    record.line = line_;
    std::size_t count = 0;
    if (AtLineEnd(position_)) {
      // Empty lines at the very end add nothing; anywhere else they would
      // be records without fields.
      if (text_.find_first_not_of("\r\n", position_) ==
              std::string_view::npos &&
          text_.substr(position_).find("\r\r") == std::string_view::npos) {
        position_ = text_.size();
        return false;
      }
      return Fail(line_, 0,
                  "the line is empty; remove it (every line of the file is "
                  "one record)");
    }
    for (;;) {
      std::size_t field_number = count + 1;
      if (count == record.fields.size()) record.fields.emplace_back();
      std::string& field = record.fields[count++];
      field.clear();
      if (position_ < text_.size() && text_[position_] == '"') {
        std::size_t opened_on = line_;
        ++position_;
        for (;;) {
          std::size_t quote = text_.find('"', position_);
          if (quote == std::string_view::npos) {
            return Fail(opened_on, field_number,
                        "the quoted field that starts on this line is never "
                        "closed; end it with a double quote");
          }
          std::string_view part = text_.substr(position_, quote - position_);
          for (char c : part) line_ += c == '\n' ? 1 : 0;
          field.append(part);
          position_ = quote + 1;
          if (position_ < text_.size() && text_[position_] == '"') {
            field += '"';
            ++position_;
            continue;
          }
          break;
        }
        if (position_ < text_.size() &&
            text_[position_] != options_.delimiter && !AtLineEnd(position_)) {
          return Fail(line_, field_number,
                      "text after the closing quote of the field; a quote "
                      "inside a quoted field is written twice (\"\")");
        }
      } else {
        std::size_t end = position_;
        while (end < text_.size() && text_[end] != options_.delimiter &&
               text_[end] != '\n' && text_[end] != '\r') {
          if (text_[end] == '"') {
            return Fail(line_, field_number,
                        "a double quote inside a field that does not start "
                        "with one; enclose the field in double quotes and "
                        "write the quote twice (\"\")");
          }
          ++end;
        }
        field.assign(text_.data() + position_, end - position_);
        position_ = end;
        if (position_ < text_.size() && text_[position_] == '\r' &&
            !AtLineEnd(position_)) {
          return Fail(line_, field_number,
                      "a carriage return without a line feed; end lines in "
                      "CRLF or LF");
        }
      }
      if (position_ < text_.size() && text_[position_] == options_.delimiter) {
        ++position_;
        continue;
      }
      // The end of the record: CRLF, LF or the end of the text.
      if (position_ < text_.size() && text_[position_] == '\r') ++position_;
      if (position_ < text_.size() && text_[position_] == '\n') {
        ++position_;
        ++line_;
      }
      break;
    }
    record.fields.resize(count);
    if (first_count_ == 0) {
      first_count_ = count;
      first_line_ = record.line;
    } else if (options_.same_field_count && count != first_count_) {
      return Fail(record.line, 0,
                  "expected " + std::to_string(first_count_) +
                      " fields, found " + std::to_string(count) +
                      "; every line has as many as line " +
                      std::to_string(first_line_));
    }
    return true;
  }

  const std::optional<CsvProblem>& problem() const { return problem_; }
  // How many bytes of the text are read (for a progress display).
  std::size_t position() const { return position_; }

 private:
  // Whether i is at a line break or the end of the text.
  bool AtLineEnd(std::size_t i) const {
    return i == text_.size() || text_[i] == '\n' ||
           (text_[i] == '\r' && i + 1 < text_.size() && text_[i + 1] == '\n');
  }
  bool Fail(std::size_t line, std::size_t field, std::string message) {
    problem_ = CsvProblem{line, field, std::move(message)};
    return false;
  }

  std::string_view text_;
  CsvOptions options_;
  std::size_t position_ = 0;
  std::size_t line_ = 1;
  std::size_t first_count_ = 0;
  std::size_t first_line_ = 0;
  std::optional<CsvProblem> problem_;
};

inline CsvTable ReadCsv(std::string_view text, CsvOptions options = {}) {
  CsvTable table;
  CsvReader reader(text, options);
  CsvRecord record;
  while (reader.Next(record)) table.records.push_back(record);
  if (reader.problem()) {
    table.records.clear();
    table.problem = reader.problem();
  }
  return table;
}

}  // namespace smartercities::sdk

#endif  // SMARTERCITIES_CSV_H_
