# Runs clang-format --dry-run -Werror over the project's C and C++ sources.
file(GLOB_RECURSE sources
  ${SOURCE_DIR}/core/*.h ${SOURCE_DIR}/core/*.cc
  ${SOURCE_DIR}/sdk/*.h ${SOURCE_DIR}/sdk/*.cc
  ${SOURCE_DIR}/plugins/*.h ${SOURCE_DIR}/plugins/*.cc
  ${SOURCE_DIR}/tests/*.h ${SOURCE_DIR}/tests/*.cc ${SOURCE_DIR}/tests/*.c
  ${SOURCE_DIR}/bench/*.h ${SOURCE_DIR}/bench/*.cc)
execute_process(
  COMMAND ${CLANG_FORMAT} --dry-run -Werror --style=file ${sources}
  WORKING_DIRECTORY ${SOURCE_DIR}
  RESULT_VARIABLE result
  ERROR_VARIABLE problems)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "Files are not formatted; run clang-format -i on them:\n${problems}")
endif()
message(STATUS "All sources are formatted")
