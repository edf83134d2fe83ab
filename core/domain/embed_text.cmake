# Writes OUTPUT: a C++ source defining `std::string_view FUNCTION()` in
# namespace smartercities::domain that returns INPUT's bytes.
file(READ "${INPUT}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
string(REGEX REPLACE "(([^,]*,){16})" "\\1\n  " bytes "${bytes}")
file(WRITE "${OUTPUT}.tmp" "// Generated from ${INPUT}; do not edit.
#include <string_view>
namespace smartercities::domain {
namespace {
constexpr char kText[] = {
  ${bytes} '\\0'};
}  // namespace
std::string_view ${FUNCTION}() { return {kText, sizeof(kText) - 1}; }
}  // namespace smartercities::domain
")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
