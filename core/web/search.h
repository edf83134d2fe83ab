// search.h — the site's search: finds themes, agreements, indicators and
// cities by words, Dutch or English, in their names and texts. A word of
// the query matches a word of a text that starts with it, ignoring case
// and accents ("factu" finds "facturen", "ee" finds "één"); a document
// must contain every word of the query. Stateless; thread-safe.
#ifndef SMARTERCITIES_CORE_WEB_SEARCH_H_
#define SMARTERCITIES_CORE_WEB_SEARCH_H_

#include <string>
#include <string_view>
#include <vector>

namespace smartercities::web {

// The words of a text, lower case, accents removed (UTF-8 Latin letters).
std::vector<std::string> SearchWords(std::string_view text);

// How well the words of texts match every query word: 0 when one is
// missing; more for more matches, and whole words count twice.
int SearchScore(const std::vector<std::string>& query,
                const std::vector<std::string>& words);

}  // namespace smartercities::web

#endif  // SMARTERCITIES_CORE_WEB_SEARCH_H_
