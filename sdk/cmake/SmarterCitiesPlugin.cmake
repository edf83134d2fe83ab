# smartercities_add_theme_plugin(<target> MANIFEST <theme.json>
#                                SOURCES <files>...
#                                [OUTPUT_DIRECTORY <dir>])
#
# Builds a theme plugin: a MODULE library with hidden visibility, linked with
# -z defs (it may not need any symbol from the host), with theme.json embedded
# in the library and a sidecar copy <library>.json written beside it so that
# the host can list the module without loading it.
include_guard(GLOBAL)

function(smartercities_add_theme_plugin target)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "MANIFEST;OUTPUT_DIRECTORY" "SOURCES")
  if(NOT ARG_MANIFEST)
    message(FATAL_ERROR "smartercities_add_theme_plugin(${target}): MANIFEST is required")
  endif()
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "smartercities_add_theme_plugin(${target}): SOURCES is required")
  endif()
  get_filename_component(manifest "${ARG_MANIFEST}" ABSOLUTE)
  if(NOT EXISTS "${manifest}")
    message(FATAL_ERROR "smartercities_add_theme_plugin(${target}): manifest ${manifest} does not exist")
  endif()

  set(embed_script "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/EmbedManifest.cmake")
  set(embedded "${CMAKE_CURRENT_BINARY_DIR}/${target}_manifest.cc")
  # The manifest is checked against the SDK's schema and the host's rules
  # before it is built in: in the platform's tree with the tool it builds,
  # elsewhere with the one installed beside this package.
  set(check_command)
  set(check_depends)
  if(TARGET smartercities-manifest-check)
    set(check_command COMMAND $<TARGET_FILE:smartercities-manifest-check> "${manifest}")
    set(check_depends smartercities-manifest-check)
  else()
    find_program(SMARTERCITIES_MANIFEST_CHECK smartercities-manifest-check
                 HINTS "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/../../../bin")
    if(SMARTERCITIES_MANIFEST_CHECK)
      set(check_command COMMAND "${SMARTERCITIES_MANIFEST_CHECK}" "${manifest}")
    else()
      message(WARNING "smartercities-manifest-check not found; ${ARG_MANIFEST} "
                      "is checked only when the platform loads the plugin")
    endif()
  endif()
  add_custom_command(
    OUTPUT "${embedded}"
    ${check_command}
    COMMAND "${CMAKE_COMMAND}" -DMANIFEST=${manifest} -DOUTPUT=${embedded}
            -P "${embed_script}"
    DEPENDS "${manifest}" "${embed_script}" ${check_depends}
    COMMENT "Embedding ${ARG_MANIFEST} in ${target}"
    VERBATIM)

  add_library(${target} MODULE ${ARG_SOURCES} "${embedded}")
  target_link_libraries(${target} PRIVATE SmarterCities::sdk)
  # Only the entry function is exported; everything else, the standard
  # library's template instances included, stays inside the plugin.
  set(version_script "${CMAKE_CURRENT_BINARY_DIR}/${target}_exports.map")
  file(WRITE "${version_script}" "{\n  global: sc_plugin_entry;\n  local: *;\n};\n")
  target_link_options(${target} PRIVATE "LINKER:-z,defs"
                      "LINKER:--version-script=${version_script}")
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS "${version_script}")
  set_target_properties(${target} PROPERTIES
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    PREFIX "lib")
  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${ARG_OUTPUT_DIRECTORY}")
  endif()
  # The sidecar manifest sits beside the library: lib<target>.so.json.
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND "${CMAKE_COMMAND}" -E copy_if_different "${manifest}"
            "$<TARGET_FILE:${target}>.json"
    VERBATIM)
  set_property(TARGET ${target} PROPERTY SMARTERCITIES_MANIFEST "${manifest}")
endfunction()
