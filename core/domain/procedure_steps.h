// procedure_steps.h — what the covenant's procedures (the join of art. 8,
// the amendment of art. 9) check alike in each step: the free text a step
// carries, and how a refusal names the caller.
//
// Stateless and thread-safe.
#ifndef SMARTERCITIES_CORE_DOMAIN_PROCEDURE_STEPS_H_
#define SMARTERCITIES_CORE_DOMAIN_PROCEDURE_STEPS_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "core/base/principal.h"
#include "core/base/status.h"

namespace smartercities::domain {

// The caller as a refusal names it: "your account reports for city GM0855",
// "your account edits theme groene-stad", "your role is admin".
std::string DescribeCaller(const Principal& caller);

// A step's free text (a motivation, a reason, a new text): not blank when
// required, and text a person can read (sdk::TextProblem) of at most
// max_characters, lines allowed. InvalidArgument names field.
Status CheckStepText(std::string_view field, std::string_view text,
                     bool required, std::size_t max_characters);

}  // namespace smartercities::domain

#endif  // SMARTERCITIES_CORE_DOMAIN_PROCEDURE_STEPS_H_
