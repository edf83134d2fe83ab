# Writes OUTPUT, a C++ source that holds MANIFEST's bytes and its id and
# version, for the plugin wrapper (smartercities/plugin.h) to return.
# Run as: cmake -DMANIFEST=<theme.json> -DOUTPUT=<file.cc> -P EmbedManifest.cmake
file(READ "${MANIFEST}" text)
string(JSON id ERROR_VARIABLE id_error GET "${text}" id)
if(id_error)
  message(FATAL_ERROR "${MANIFEST}: cannot read \"id\": ${id_error}")
endif()
string(JSON version ERROR_VARIABLE version_error GET "${text}" version)
if(version_error)
  message(FATAL_ERROR "${MANIFEST}: cannot read \"version\": ${version_error}")
endif()
file(READ "${MANIFEST}" hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR size "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
string(REGEX REPLACE "(([^,]*,){16})" "\\1\n  " bytes "${bytes}")
file(WRITE "${OUTPUT}.tmp" "// Generated from ${MANIFEST}; do not edit.
#include <cstddef>
extern \"C\" {
__attribute__((visibility(\"hidden\"))) extern const char sc_embedded_manifest[];
__attribute__((visibility(\"hidden\"))) extern const std::size_t sc_embedded_manifest_size;
__attribute__((visibility(\"hidden\"))) extern const char sc_embedded_id[];
__attribute__((visibility(\"hidden\"))) extern const char sc_embedded_version[];
const char sc_embedded_manifest[] = {
  ${bytes} '\\0'};
const std::size_t sc_embedded_manifest_size = ${size};
const char sc_embedded_id[] = \"${id}\";
const char sc_embedded_version[] = \"${version}\";
}
")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
