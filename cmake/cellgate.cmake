# Helpers shared by every part: one library per src/<part>/, unit tests beside the code.

# cellgate_library(NAME SOURCES ... DEPS ...): static library cellgate_<NAME>.
function(cellgate_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(cellgate_${name} STATIC ${ARG_SOURCES})
  target_include_directories(cellgate_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(cellgate_${name} PUBLIC ${ARG_DEPS})
endfunction()

# cellgate_test(NAME SOURCES ... DEPS ... LABEL unit|e2e [TIMEOUT s]): a GoogleTest binary
# registered with CTest, every test carrying LABEL.
function(cellgate_test name)
  if(NOT CELLGATE_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "LABEL;TIMEOUT" "SOURCES;DEPS" ${ARGN})
  if(NOT ARG_LABEL)
    set(ARG_LABEL unit)
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    CELLGATE_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    CELLGATE_BINARY_DIR="${PROJECT_BINARY_DIR}")
  gtest_discover_tests(${name}
    PROPERTIES LABELS ${ARG_LABEL} TIMEOUT ${ARG_TIMEOUT}
    DISCOVERY_TIMEOUT 60)
endfunction()
