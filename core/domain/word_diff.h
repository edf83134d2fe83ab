// word_diff.h — the difference between two texts word by word, as an
// amendment (art. 9) shows what it removes and adds, and as the API and the
// site show the difference between two versions of an agreement's text.
//
// Stateless and thread-safe.
#ifndef SMARTERCITIES_CORE_DOMAIN_WORD_DIFF_H_
#define SMARTERCITIES_CORE_DOMAIN_WORD_DIFF_H_

#include <nlohmann/json.hpp>
#include <string>

namespace smartercities::domain {

// The words of after against those of before (split on spaces), in order,
// as runs of {"text": "...", "same"|"del"|"ins": true}; a deletion comes
// before what was inserted in its place. Equal texts give one "same" run;
// two empty texts give an empty array.
nlohmann::json WordDiff(const std::string& before, const std::string& after);

}  // namespace smartercities::domain

#endif  // SMARTERCITIES_CORE_DOMAIN_WORD_DIFF_H_
