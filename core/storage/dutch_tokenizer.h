// dutch_tokenizer.h — the words of a text as the knowledge base's full-text
// search indexes them, and the SQLite FTS5 tokenizer "dutch" that does it
// inside the engine.
//
// A word is a run of letters and digits (UTF-8; Latin-1 letters with
// accents count as letters). Each is lower-cased, its accents are removed
// ("één" is "een", "Ideeën" is "ideeen") and it is reduced to its stem by
// Snowball's Dutch stemmer (libstemmer), so that "verkeerslichten" and
// "verkeerslicht" are one term. FTS5 hands the tokenizer both the stored
// texts and the words of a query, so a query finds every inflection of its
// words; the offsets it reports are those of the original text, so
// snippet() highlights the words as they were written.
//
// Thread-safety: DutchTerms may run on many threads at once (each call has
// its own stemmer). RegisterDutchTokenizer registers on one connection; the
// tokenizer objects FTS5 makes belong to that connection and its thread.
#ifndef SMARTERCITIES_CORE_STORAGE_DUTCH_TOKENIZER_H_
#define SMARTERCITIES_CORE_STORAGE_DUTCH_TOKENIZER_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"

struct sqlite3;

namespace smartercities::storage {

// The name of the tokenizer in a CREATE VIRTUAL TABLE ... USING fts5(...,
// tokenize = 'dutch').
inline constexpr const char* kDutchTokenizer = "dutch";

// The terms of text in order, as the index holds them.
std::vector<std::string> DutchTerms(std::string_view text);

// A term of a text, and the byte offset at which its word starts.
struct TermAt {
  std::string term;
  std::size_t start = 0;
};
// DutchTerms with where each term's word starts.
std::vector<TermAt> DutchTermsAt(std::string_view text);

// The FTS5 query phrase (in double quotes) that finds term as the index
// holds it, without stemming it again: for the index's own bookkeeping,
// which knows stems, not the words they came from (a stem's stem is not
// always the stem).
std::string TermPhrase(std::string_view term);

// The words of text lower-cased without accents, not stemmed: what a
// prefix query's words are compared with (the tokenizer does not stem a
// prefix either, so "verkeers*" finds "verkeerslichten").
std::vector<std::string> FoldedWords(std::string_view text);

// The byte offset at which the word numbered index (from 0, as the
// tokenizer counts them: FTS5's positions) starts; text.size() when text
// has fewer words, and then *words (when given) says how many it has.
// Counts without folding or stemming.
std::size_t WordOffset(std::string_view text, std::size_t index,
                       std::size_t* words = nullptr);

// A word of a text found by FindTerms: its bytes [start, end).
struct TermMatch {
  std::size_t start = 0;
  std::size_t end = 0;
};

// The words of text, in order, whose term (as DutchTerms makes it) is one
// of terms, or starts with one of prefixes: from the first such word up
// to window_bytes past its start, then the scan stops. What a snippet
// needs, without reading the rest of a long text. Only words that begin
// as a term does are stemmed (the stemmer changes nothing of a word's
// first three letters), which makes the scan several times faster than
// tokenizing.
std::vector<TermMatch> FindTerms(std::string_view text,
                                 const std::vector<std::string>& terms,
                                 const std::vector<std::string>& prefixes,
                                 std::size_t window_bytes);

// Registers the "dutch" tokenizer with the FTS5 module of db. Fails
// (kInternal) when the library has no FTS5 or the stemmer cannot be made.
Status RegisterDutchTokenizer(sqlite3* db);

}  // namespace smartercities::storage

#endif  // SMARTERCITIES_CORE_STORAGE_DUTCH_TOKENIZER_H_
