#include "core/storage/postgres_sql.h"

#include <cctype>
#include <cstddef>
#include <string>

namespace smartercities::storage {
namespace {

bool IsIdentifierStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

bool IsIdentifierPart(char c) {
  return IsIdentifierStart(c) || c == '$' ||
         std::isdigit(static_cast<unsigned char>(c)) != 0;
}

bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)); }

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// One piece of a statement, as PostgreSQL would cut it.
struct Token {
  enum class Kind { kWord, kQuotedWord, kString, kComment, kSpace, kOther };
  Kind kind = Kind::kOther;
  std::string_view text;
};

// Cuts SQL into tokens the way PostgreSQL's scanner does where it matters:
// where quotes, dollar quotes and comments begin and end. Where the two
// could disagree, this one errs towards seeing more words, never fewer.
class Scanner {
 public:
  explicit Scanner(std::string_view sql) : sql_(sql) {}

  bool Next(Token* token) {
    if (pos_ >= sql_.size()) return false;
    std::size_t start = pos_;
    char c = sql_[pos_];
    token->kind = Token::Kind::kOther;
    if (c == '\'') {
      // E'...' takes backslash escapes; 'text' doubles its quotes.
      bool escapes = start > 0 &&
                     (sql_[start - 1] == 'e' || sql_[start - 1] == 'E') &&
                     (start < 2 || !IsIdentifierPart(sql_[start - 2]));
      ++pos_;
      while (pos_ < sql_.size()) {
        if (escapes && sql_[pos_] == '\\') {
          pos_ += 2;
        } else if (sql_[pos_] == '\'') {
          if (pos_ + 1 < sql_.size() && sql_[pos_ + 1] == '\'') {
            pos_ += 2;
          } else {
            ++pos_;
            break;
          }
        } else {
          ++pos_;
        }
      }
      token->kind = Token::Kind::kString;
    } else if (c == '"') {
      ++pos_;
      while (pos_ < sql_.size()) {
        if (sql_[pos_] == '"') {
          if (pos_ + 1 < sql_.size() && sql_[pos_ + 1] == '"') {
            pos_ += 2;
            continue;
          }
          ++pos_;
          break;
        }
        ++pos_;
      }
      token->kind = Token::Kind::kQuotedWord;
    } else if (c == '-' && Peek(1) == '-') {
      std::size_t end = sql_.find('\n', pos_);
      pos_ = end == std::string_view::npos ? sql_.size() : end;
      token->kind = Token::Kind::kComment;
    } else if (c == '/' && Peek(1) == '*') {
      // PostgreSQL's block comments nest.
      int depth = 0;
      while (pos_ < sql_.size()) {
        if (sql_[pos_] == '/' && Peek(1) == '*') {
          ++depth;
          pos_ += 2;
        } else if (sql_[pos_] == '*' && Peek(1) == '/') {
          pos_ += 2;
          if (--depth == 0) break;
        } else {
          ++pos_;
        }
      }
      token->kind = Token::Kind::kComment;
    } else if (c == '$' && (Peek(1) == '$' || IsIdentifierStart(Peek(1)))) {
      // A dollar quote: $tag$ ... $tag$.
      std::size_t tag_end = pos_ + 1;
      while (tag_end < sql_.size() && sql_[tag_end] != '$' &&
             IsIdentifierPart(sql_[tag_end])) {
        ++tag_end;
      }
      if (tag_end < sql_.size() && sql_[tag_end] == '$') {
        std::string_view tag = sql_.substr(pos_, tag_end - pos_ + 1);
        std::size_t close = sql_.find(tag, tag_end + 1);
        pos_ =
            close == std::string_view::npos ? sql_.size() : close + tag.size();
        token->kind = Token::Kind::kString;
      } else {
        ++pos_;
      }
    } else if (IsIdentifierStart(c)) {
      while (pos_ < sql_.size() && IsIdentifierPart(sql_[pos_])) ++pos_;
      token->kind = Token::Kind::kWord;
    } else if (std::isspace(static_cast<unsigned char>(c)) != 0) {
      while (pos_ < sql_.size() &&
             std::isspace(static_cast<unsigned char>(sql_[pos_])) != 0) {
        ++pos_;
      }
      token->kind = Token::Kind::kSpace;
    } else {
      ++pos_;
    }
    token->text = sql_.substr(start, pos_ - start);
    return true;
  }

 private:
  char Peek(std::size_t ahead) const {
    return pos_ + ahead < sql_.size() ? sql_[pos_ + ahead] : '\0';
  }

  std::string_view sql_;
  std::size_t pos_ = 0;
};

bool IsWord(const Token& token, std::string_view lower_word) {
  return token.kind == Token::Kind::kWord && Lower(token.text) == lower_word;
}

// INSERT OR IGNORE INTO ... becomes INSERT INTO ... ON CONFLICT DO NOTHING,
// before a RETURNING when there is one.
std::string IgnoringConflicts(const std::string& sql) {
  std::vector<Token> tokens;
  Scanner scanner(sql);
  for (Token token; scanner.Next(&token);) tokens.push_back(token);
  std::vector<std::size_t> words;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i].kind == Token::Kind::kWord) words.push_back(i);
  }
  if (words.size() < 3 || !IsWord(tokens[words[0]], "insert") ||
      !IsWord(tokens[words[1]], "or") || !IsWord(tokens[words[2]], "ignore")) {
    return sql;
  }
  std::size_t returning = tokens.size();
  for (std::size_t i : words) {
    if (IsWord(tokens[i], "returning")) returning = i;
  }
  std::string out;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (i == words[1] || i == words[2]) continue;
    // The space after OR and after IGNORE goes with them.
    if ((i == words[1] + 1 || i == words[2] + 1) &&
        tokens[i].kind == Token::Kind::kSpace) {
      continue;
    }
    if (i == returning) out += "ON CONFLICT DO NOTHING ";
    out += tokens[i].text;
  }
  if (returning == tokens.size()) {
    std::size_t end = out.find_last_not_of(" \t\r\n;");
    std::string tail = out.substr(end + 1);
    out.resize(end + 1);
    out += " ON CONFLICT DO NOTHING" + tail;
  }
  return out;
}

}  // namespace

std::string ToPostgresSql(std::string_view sql, int* num_params) {
  std::vector<Token> tokens;
  Scanner scanner(sql);
  for (Token token; scanner.Next(&token);) tokens.push_back(token);

  std::string out;
  out.reserve(sql.size() + 16);
  int highest = 0;
  // The next significant token after i, or tokens.size().
  auto next_word = [&](std::size_t i) {
    for (++i; i < tokens.size(); ++i) {
      if (tokens[i].kind != Token::Kind::kSpace &&
          tokens[i].kind != Token::Kind::kComment) {
        return i;
      }
    }
    return i;
  };
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const Token& token = tokens[i];
    if (token.kind == Token::Kind::kOther && token.text == "?") {
      // ?N keeps its number; a bare ? takes the next one.
      std::size_t digits = 0;
      std::string_view rest = sql.substr(
          static_cast<std::size_t>(token.text.data() - sql.data()) + 1);
      while (digits < rest.size() && IsDigit(rest[digits])) ++digits;
      int number = highest + 1;
      if (digits > 0) {
        number = std::stoi(std::string(rest.substr(0, digits)));
        // The digits were scanned as tokens of their own: skip them.
        std::size_t skipped = 0;
        while (skipped < digits && i + 1 < tokens.size()) {
          skipped += tokens[++i].text.size();
        }
      }
      if (number > highest) highest = number;
      out += '$';
      out += std::to_string(number);
      continue;
    }
    if (token.kind != Token::Kind::kWord) {
      out += token.text;
      continue;
    }
    if (IsWord(token, "integer")) {
      std::size_t primary = next_word(i);
      std::size_t key = primary < tokens.size() ? next_word(primary) : primary;
      if (key < tokens.size() && IsWord(tokens[primary], "primary") &&
          IsWord(tokens[key], "key")) {
        out += "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
        i = key;
        std::size_t after = next_word(i);
        if (after < tokens.size() && IsWord(tokens[after], "autoincrement")) {
          i = after;
        }
        continue;
      }
      out += "BIGINT";
      continue;
    }
    if (IsWord(token, "glob")) {
      // GLOB's * and ? are SIMILAR TO's % and _; both match the whole text.
      out += "SIMILAR TO";
      std::size_t pattern = next_word(i);
      if (pattern < tokens.size() &&
          tokens[pattern].kind == Token::Kind::kString) {
        for (std::size_t k = i + 1; k < pattern; ++k) out += tokens[k].text;
        for (char c : tokens[pattern].text) {
          out += c == '*' ? '%' : c == '?' ? '_' : c;
        }
        i = pattern;
      }
      continue;
    }
    if (IsWord(token, "real")) {
      out += "DOUBLE PRECISION";
      continue;
    }
    if (IsWord(token, "is")) {
      // SQLite's a IS b and a IS NOT b compare any values, NULL included;
      // PostgreSQL spells that IS [NOT] DISTINCT FROM and keeps IS for
      // NULL, TRUE and FALSE.
      std::size_t operand = next_word(i);
      bool negated = operand < tokens.size() && IsWord(tokens[operand], "not");
      std::size_t not_token = operand;
      if (negated) operand = next_word(operand);
      if (operand < tokens.size() && !IsWord(tokens[operand], "null") &&
          !IsWord(tokens[operand], "true") &&
          !IsWord(tokens[operand], "false") &&
          !IsWord(tokens[operand], "distinct") &&
          !IsWord(tokens[operand], "unknown")) {
        out += negated ? "IS DISTINCT FROM" : "IS NOT DISTINCT FROM";
        if (negated) i = not_token;
        continue;
      }
    }
    out += token.text;
  }
  if (num_params != nullptr) *num_params = highest;
  return IgnoringConflicts(out);
}

std::vector<std::string_view> SplitStatements(std::string_view script) {
  std::vector<std::string_view> statements;
  Scanner scanner(script);
  std::size_t start = 0;
  bool has_content = false;
  auto flush = [&](std::size_t end) {
    if (has_content) statements.push_back(script.substr(start, end - start));
    has_content = false;
  };
  for (Token token; scanner.Next(&token);) {
    auto at = static_cast<std::size_t>(token.text.data() - script.data());
    if (token.kind == Token::Kind::kOther && token.text == ";") {
      flush(at);
      start = at + 1;
    } else if (token.kind != Token::Kind::kSpace &&
               token.kind != Token::Kind::kComment) {
      if (!has_content) start = at;
      has_content = true;
    }
  }
  flush(script.size());
  return statements;
}

std::vector<std::string> StatementWords(std::string_view statement) {
  std::vector<std::string> words;
  Scanner scanner(statement);
  for (Token token; scanner.Next(&token);) {
    if (token.kind == Token::Kind::kWord) {
      words.push_back(Lower(token.text));
    } else if (token.kind == Token::Kind::kQuotedWord) {
      std::string_view inner = token.text.substr(1);
      if (!inner.empty() && inner.back() == '"') inner.remove_suffix(1);
      std::string word;
      for (std::size_t i = 0; i < inner.size(); ++i) {
        word += inner[i];
        if (inner[i] == '"' && i + 1 < inner.size() && inner[i + 1] == '"') ++i;
      }
      // Quoted identifiers keep their case in PostgreSQL; lower-casing them
      // here only makes the checks stricter.
      words.push_back(Lower(word));
    }
  }
  return words;
}

}  // namespace smartercities::storage
