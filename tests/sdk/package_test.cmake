# Installs the SDK into a fresh prefix and builds sdk/template as a project of
# its own against it, the way a city's developer would. Run as:
#   cmake -DBINARY_DIR=... -DSOURCE_DIR=... -DWORK_DIR=... -P package_test.cmake
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result OUTPUT_VARIABLE out
                  ERROR_VARIABLE out)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "failed: ${ARGN}\n${out}")
  endif()
endfunction()

run(${CMAKE_COMMAND} --install "${BINARY_DIR}" --prefix "${WORK_DIR}/prefix"
    --component sdk)
# Only the installed package may be used: the template is copied away from
# the source tree before it is built.
file(COPY "${WORK_DIR}/prefix/share/smartercities/sdk-template/"
     DESTINATION "${WORK_DIR}/template")
run(${CMAKE_COMMAND} -S "${WORK_DIR}/template" -B "${WORK_DIR}/build"
    -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix -DCMAKE_BUILD_TYPE=Release)
run(${CMAKE_COMMAND} --build "${WORK_DIR}/build")
foreach(output libmy_theme.so libmy_theme.so.json)
  if(NOT EXISTS "${WORK_DIR}/build/${output}")
    message(FATAL_ERROR "the template build made no ${output}")
  endif()
endforeach()
run(${CMAKE_CTEST_COMMAND} --test-dir "${WORK_DIR}/build" --output-on-failure)

# The same with Clang, and with Clang and libc++ when its headers are
# installed: the plugin and its test (which links the test kit through its C
# interface) build and pass with another compiler and standard library.
find_program(CLANGXX clang++)
if(CLANGXX)
  run(${CMAKE_COMMAND} -S "${WORK_DIR}/template" -B "${WORK_DIR}/build-clang"
      -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix -DCMAKE_BUILD_TYPE=Release
      -DCMAKE_CXX_COMPILER=${CLANGXX})
  run(${CMAKE_COMMAND} --build "${WORK_DIR}/build-clang")
  run(${CMAKE_CTEST_COMMAND} --test-dir "${WORK_DIR}/build-clang"
      --output-on-failure)
  file(WRITE "${WORK_DIR}/libcxx.cc" "#include <string>\nint main() { return std::string().size(); }\n")
  execute_process(COMMAND ${CLANGXX} -stdlib=libc++ "${WORK_DIR}/libcxx.cc"
                          -o "${WORK_DIR}/libcxx"
                  RESULT_VARIABLE libcxx_result OUTPUT_QUIET ERROR_QUIET)
  if(libcxx_result EQUAL 0)
    run(${CMAKE_COMMAND} -S "${WORK_DIR}/template" -B "${WORK_DIR}/build-libcxx"
        -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix -DCMAKE_BUILD_TYPE=Release
        -DCMAKE_CXX_COMPILER=${CLANGXX} -DCMAKE_CXX_FLAGS=-stdlib=libc++)
    run(${CMAKE_COMMAND} --build "${WORK_DIR}/build-libcxx")
    run(${CMAKE_CTEST_COMMAND} --test-dir "${WORK_DIR}/build-libcxx"
        --output-on-failure)
  else()
    message(STATUS "libc++ headers not installed; the template was not built "
                   "with libc++")
  endif()
else()
  message(STATUS "clang++ not found; the template was built with "
                 "${CMAKE_CXX_COMPILER} only")
endif()
# A manifest the schema refuses stops the plugin's build, naming the field.
file(COPY "${WORK_DIR}/prefix/share/smartercities/sdk-template/"
     DESTINATION "${WORK_DIR}/broken")
file(READ "${WORK_DIR}/broken/theme.json" manifest)
string(REPLACE "\"kind\": \"result\"" "\"kind\": \"resul\"" manifest "${manifest}")
file(WRITE "${WORK_DIR}/broken/theme.json" "${manifest}")
run(${CMAKE_COMMAND} -S "${WORK_DIR}/broken" -B "${WORK_DIR}/broken-build"
    -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix)
execute_process(COMMAND ${CMAKE_COMMAND} --build "${WORK_DIR}/broken-build"
                RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(result EQUAL 0 OR NOT out MATCHES "agreements\\[0\\]\\.kind")
  message(FATAL_ERROR "a manifest with kind \"resul\" built anyway:\n${out}")
endif()
# A migration the host would refuse at load time stops the build too:
# AUTOINCREMENT needs SQLite's sqlite_sequence, which no plugin may touch.
file(COPY "${WORK_DIR}/prefix/share/smartercities/sdk-template/"
     DESTINATION "${WORK_DIR}/autoincrement")
file(READ "${WORK_DIR}/autoincrement/theme.json" manifest)
string(REPLACE "\"panels\":"
       "\"storage\": {\"migrations\": [{\"version\": 1, \"description\": \"counted\", \"sql\": \"CREATE TABLE mijn_thema_counted (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT)\"}]},\n  \"panels\":"
       manifest "${manifest}")
file(WRITE "${WORK_DIR}/autoincrement/theme.json" "${manifest}")
run(${CMAKE_COMMAND} -S "${WORK_DIR}/autoincrement"
    -B "${WORK_DIR}/autoincrement-build" -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix)
execute_process(COMMAND ${CMAKE_COMMAND} --build "${WORK_DIR}/autoincrement-build"
                RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(result EQUAL 0 OR NOT out MATCHES "migration 1 \\(counted\\)" OR
   NOT out MATCHES "sqlite_sequence")
  message(FATAL_ERROR "a migration with AUTOINCREMENT built anyway:\n${out}")
endif()
message(STATUS "built ${WORK_DIR}/build/libmy_theme.so against the installed SDK")
