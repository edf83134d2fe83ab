#include "core/storage/dutch_tokenizer.h"

#include <libstemmer.h>
#include <sqlite3.h>

#include <algorithm>
#include <memory>

#include "core/storage/search_functions.h"

namespace smartercities::storage {
namespace {

// What starts a query phrase that names a term as the index holds it
// (TermPhrase): a control character, which no word has and which the
// search's own MATCH expressions never contain.
constexpr char kTermMark = '\x1F';

// Longer runs of letters are no words a person searches for (a hash, a
// base64 blob); they are indexed as they are, without stemming.
constexpr std::size_t kMaxStemmedBytes = 64;

// The plain letter of a two-byte UTF-8 Latin-1 letter (é, ë, ï, ß, ...),
// '/' for the two signs among them (× and ÷), or 0 for anything else.
char Unaccent(unsigned char lead, unsigned char next) {
  if (lead != 0xC3 || next < 0x80 || next > 0xBF) return 0;
  static const char kMap[] =
      "aaaaaaaceeeeiiiidnooooo/ouuuuyps"   // 0x80..0x9F (upper case)
      "aaaaaaaceeeeiiiidnooooo/ouuuuypy";  // 0xA0..0xBF (lower case)
  return kMap[next - 0x80];
}

// The length of the UTF-8 sequence that starts with lead (1 for a stray
// continuation byte, which is then skipped as a separator).
std::size_t SequenceLength(unsigned char lead) {
  if (lead < 0xC0) return 1;
  if (lead < 0xE0) return 2;
  if (lead < 0xF0) return 3;
  return 4;
}

// ASCII letters and digits, without the C locale's function calls (the
// tokenizer sees every byte of every document, and so does a snippet).
bool IsAsciiAlnum(unsigned char c) {
  return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

char AsciiLower(unsigned char c) {
  return static_cast<char>(c >= 'A' && c <= 'Z' ? c | 0x20 : c);
}

// The UTF-8 sequence at text[i]: its length, and whether it is part of a
// word: an ASCII letter or digit, a Latin-1 letter, or a character beyond
// Latin-1 (other scripts) except U+2000..U+2FFF (quotes, dashes, arrows,
// ...), which separate words.
struct Sequence {
  std::size_t length = 1;
  bool letter = false;
};

Sequence SequenceAt(std::string_view text, std::size_t i) {
  auto c = static_cast<unsigned char>(text[i]);
  // ASCII first: most of a Dutch text, and every caller walks it byte by
  // byte.
  if (c < 0x80) return {1, IsAsciiAlnum(c)};
  Sequence out;
  out.length = std::min(SequenceLength(c), text.size() - i);
  if (out.length == 2 && c == 0xC3) {
    char plain = Unaccent(c, static_cast<unsigned char>(text[i + 1]));
    out.letter = plain != 0 && plain != '/';
  } else {
    out.letter = out.length >= 2 && !(out.length == 3 && c == 0xE2);
  }
  return out;
}

// Calls on_word(folded, start, end) for every word of text, folded to lower
// case without accents; start and end are byte offsets into text. Stops
// when on_word returns false.
template <typename OnWord>
bool ForEachWord(std::string_view text, OnWord on_word) {
  std::string word;
  std::size_t start = 0;
  auto flush = [&](std::size_t end) {
    if (word.empty()) return true;
    bool go_on = on_word(word, start, end);
    word.clear();
    return go_on;
  };
  std::size_t i = 0;
  while (i < text.size()) {
    Sequence sequence = SequenceAt(text, i);
    if (sequence.letter) {
      if (word.empty()) start = i;
      auto c = static_cast<unsigned char>(text[i]);
      if (c < 0x80) {
        word += AsciiLower(c);
      } else if (c == 0xC3 && sequence.length == 2) {
        word += Unaccent(c, static_cast<unsigned char>(text[i + 1]));
      } else {
        // Other scripts and letters beyond Latin-1 are kept as written.
        word.append(text.substr(i, sequence.length));
      }
    } else if (!flush(i)) {
      return false;
    }
    i += sequence.length;
  }
  return flush(text.size());
}

struct StemmerDeleter {
  void operator()(sb_stemmer* stemmer) const { sb_stemmer_delete(stemmer); }
};
using Stemmer = std::unique_ptr<sb_stemmer, StemmerDeleter>;

Stemmer NewStemmer() { return Stemmer(sb_stemmer_new("dutch", "UTF_8")); }

// The stem of a folded word; the word itself when it is too long or the
// stemmer fails (out of memory).
std::string_view Stem(sb_stemmer* stemmer, const std::string& word) {
  if (word.size() > kMaxStemmedBytes) return word;
  const sb_symbol* stem =
      sb_stemmer_stem(stemmer, reinterpret_cast<const sb_symbol*>(word.data()),
                      static_cast<int>(word.size()));
  if (stem == nullptr) return word;
  return {reinterpret_cast<const char*>(stem),
          static_cast<std::size_t>(sb_stemmer_length(stemmer))};
}

// The tokenizer object FTS5 makes per table and connection.
struct Tokenizer {
  Stemmer stemmer;
};

int CreateTokenizer(void*, const char**, int, Fts5Tokenizer** out) {
  auto tokenizer = std::make_unique<Tokenizer>();
  tokenizer->stemmer = NewStemmer();
  if (!tokenizer->stemmer) return SQLITE_NOMEM;
  *out = reinterpret_cast<Fts5Tokenizer*>(tokenizer.release());
  return SQLITE_OK;
}

void DeleteTokenizer(Fts5Tokenizer* tokenizer) {
  delete reinterpret_cast<Tokenizer*>(tokenizer);
}

int Tokenize(Fts5Tokenizer* self, void* context, int flags, const char* text,
             int text_bytes,
             int (*on_token)(void*, int, const char*, int, int, int)) {
  auto* tokenizer = reinterpret_cast<Tokenizer*>(self);
  if (text == nullptr || text_bytes <= 0) return SQLITE_OK;
  if ((flags & FTS5_TOKENIZE_QUERY) != 0 && text[0] == kTermMark) {
    // TermPhrase's: the term as it is, one token.
    int rc = on_token(context, 0, text + 1, text_bytes - 1, 0, text_bytes);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
  }
  int rc = SQLITE_OK;
  ForEachWord(
      std::string_view(text, static_cast<std::size_t>(text_bytes)),
      [&](const std::string& word, std::size_t start, std::size_t end) {
        // A prefix query ("verkeers*") is a prefix of the stems
        // as written, not of its own stem ("verker").
        std::string_view stem = (flags & FTS5_TOKENIZE_PREFIX) != 0
                                    ? std::string_view(word)
                                    : Stem(tokenizer->stemmer.get(), word);
        rc = on_token(context, 0, stem.data(), static_cast<int>(stem.size()),
                      static_cast<int>(start), static_cast<int>(end));
        return rc == SQLITE_OK;
      });
  // SQLITE_DONE from the callback means "enough"; it is no failure.
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

// Calls on_term(term, start) for each term of text in order.
template <typename OnTerm>
void ForEachTerm(std::string_view text, OnTerm on_term) {
  Stemmer stemmer = NewStemmer();
  ForEachWord(
      text, [&](const std::string& word, std::size_t start, std::size_t) {
        on_term(stemmer ? Stem(stemmer.get(), word) : std::string_view(word),
                start);
        return true;
      });
}

}  // namespace

std::vector<std::string> DutchTerms(std::string_view text) {
  std::vector<std::string> terms;
  ForEachTerm(text, [&](std::string_view term, std::size_t) {
    terms.emplace_back(term);
  });
  return terms;
}

std::vector<TermAt> DutchTermsAt(std::string_view text) {
  std::vector<TermAt> terms;
  ForEachTerm(text, [&](std::string_view term, std::size_t start) {
    terms.push_back({std::string(term), start});
  });
  return terms;
}

std::string TermPhrase(std::string_view term) {
  std::string phrase = "\"";
  phrase += kTermMark;
  phrase += term;
  phrase += '"';
  return phrase;
}

std::vector<std::string> FoldedWords(std::string_view text) {
  std::vector<std::string> words;
  ForEachWord(text, [&](const std::string& word, std::size_t, std::size_t) {
    words.push_back(word);
    return true;
  });
  return words;
}

std::size_t WordOffset(std::string_view text, std::size_t index,
                       std::size_t* words) {
  std::size_t counted = 0;
  bool in_word = false;
  for (std::size_t i = 0; i < text.size();) {
    Sequence sequence = SequenceAt(text, i);
    if (sequence.letter && !in_word) {
      if (counted == index) return i;
      ++counted;
    }
    in_word = sequence.letter;
    i += sequence.length;
  }
  if (words != nullptr) *words = counted;
  return text.size();
}

std::vector<TermMatch> FindTerms(std::string_view text,
                                 const std::vector<std::string>& terms,
                                 const std::vector<std::string>& prefixes,
                                 std::size_t window_bytes) {
  // Snowball's Dutch stemmer works after a word's first three letters
  // (its region R1 starts at the fourth at the earliest): a word whose
  // start differs from every term's cannot stem to it.
  auto same_start = [](std::string_view word, std::string_view term) {
    std::size_t length = std::min<std::size_t>(3, term.size());
    return word.substr(0, length) == term.substr(0, length);
  };
  std::vector<TermMatch> matches;
  Stemmer stemmer = NewStemmer();
  ForEachWord(
      text, [&](const std::string& word, std::size_t start, std::size_t end) {
        if (!matches.empty() && start > matches.front().start + window_bytes) {
          return false;
        }
        bool candidate = false;
        for (const std::string& term : terms)
          candidate |= same_start(word, term);
        for (const std::string& prefix : prefixes) {
          candidate |= same_start(word, prefix);
        }
        if (!candidate) return true;
        std::string_view stem =
            stemmer ? Stem(stemmer.get(), word) : std::string_view(word);
        bool found = std::find(terms.begin(), terms.end(), stem) != terms.end();
        for (const std::string& prefix : prefixes) {
          found |= stem.starts_with(prefix);
        }
        if (found) matches.push_back({start, end});
        return true;
      });
  return matches;
}

Status RegisterDutchTokenizer(sqlite3* db) {
  auto api = Fts5Api(db);
  if (!api.ok()) return api.status();
  // Checked once here, so that a missing Dutch stemmer is a clear failure
  // at start-up rather than a failing search.
  if (!NewStemmer()) {
    return Status::Internal(
        "libstemmer has no Dutch stemmer (sb_stemmer_new(\"dutch\") failed)");
  }
  fts5_tokenizer tokenizer = {&CreateTokenizer, &DeleteTokenizer, &Tokenize};
  int rc = (*api)->xCreateTokenizer(*api, kDutchTokenizer, nullptr, &tokenizer,
                                    nullptr);
  if (rc != SQLITE_OK) {
    return Status::Internal(std::string("cannot register the FTS5 tokenizer "
                                        "'dutch': ") +
                            sqlite3_errstr(rc));
  }
  return Status::Ok();
}

}  // namespace smartercities::storage
