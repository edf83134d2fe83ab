# Writes OUTPUT: a C++ source defining smartercities::web::EmbeddedFiles(),
# which returns every file under BASE (FILES, a ;-list of paths relative to
# BASE) by its relative path.
set(entries "")
set(index 0)
foreach(relative ${FILES})
  file(READ "${BASE}/${relative}" hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
  string(REGEX REPLACE "(([^,]*,){16})" "\\1\n  " bytes "${bytes}")
  string(APPEND arrays "constexpr char kFile${index}[] = {\n  ${bytes} '\\0'};\n")
  string(APPEND entries
         "    {\"${relative}\", {kFile${index}, sizeof(kFile${index}) - 1}},\n")
  math(EXPR index "${index} + 1")
endforeach()
file(WRITE "${OUTPUT}.tmp" "// Generated from ${BASE}; do not edit.
#include <span>
#include \"core/web/embedded_files.h\"
namespace smartercities::web {
namespace {
${arrays}
constexpr EmbeddedFile kFiles[] = {
${entries}};
}  // namespace
std::span<const EmbeddedFile> EmbeddedFiles() { return kFiles; }
}  // namespace smartercities::web
")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
