#include "core/domain/procedure_steps.h"

#include <smartercities/text.h>

namespace smartercities::domain {

std::string DescribeCaller(const Principal& caller) {
  if (caller.role == "city-editor") {
    return "your account reports for city " + caller.scope;
  }
  if (caller.role == "theme-editor") {
    return "your account edits theme " + caller.scope;
  }
  return "your role is " + caller.role;
}

Status CheckStepText(std::string_view field, std::string_view text,
                     bool required, std::size_t max_characters) {
  if (required && text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Status::InvalidArgument(std::string(field) + ": must not be empty");
  }
  if (auto problem = sdk::TextProblem(
          text, {.max_characters = max_characters, .multiline = true})) {
    return Status::InvalidArgument(std::string(field) + ": " + *problem);
  }
  return Status::Ok();
}

}  // namespace smartercities::domain
