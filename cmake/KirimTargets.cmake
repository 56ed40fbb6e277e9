# kirim_module(NAME SOURCES ... DEPS ...): one static library per folder of src/, warnings as errors.
function(kirim_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                           -Wold-style-cast -Wcast-align -Wunused -Woverloaded-virtual
                                           -Wimplicit-fallthrough -Werror
                                           # GCC 12 reports false -Wrestrict on std::string
                                           # concatenation at -O2 and above (GCC bug 105329).
                                           $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>
                                           # ...and false -Wmismatched-new-delete on Asio's
                                           # coroutine frames, which define their own operator
                                           # new/delete (GCC bug 109224).
                                           $<$<CXX_COMPILER_ID:GNU>:-Wno-mismatched-new-delete>
                                           # ...and false -Wmaybe-uninitialized at -O3 inside
                                           # date.h's parser and libstdc++'s chrono (GCC bug
                                           # 105562 and kin); the sanitized -O1 build keeps the
                                           # warning on, and CI builds both.
                                           $<$<AND:$<CXX_COMPILER_ID:GNU>,$<CONFIG:Release>>:-Wno-maybe-uninitialized>)
endfunction()

function(kirim_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS" ${ARGN})
  add_library(kirim_${name} STATIC ${M_SOURCES})
  target_include_directories(kirim_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(kirim_${name} PUBLIC ${M_DEPS})
  kirim_warnings(kirim_${name})
endfunction()

# kirim_test(NAME SOURCES ... DEPS ...): one GoogleTest binary, its tests discovered by ctest.
function(kirim_test name)
  cmake_parse_arguments(T "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_DEPS} GTest::gtest_main GTest::gmock)
  kirim_warnings(${name})
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 DISCOVERY_MODE PRE_TEST
                       PROPERTIES LABELS "${T_LABELS}")
endfunction()

# Turns every file of a folder into a C++ source that holds it as a string, for embedding.
# embed_files(OUT_CPP NAMESPACE FUNCTION GLOB)
function(kirim_embed out_cpp namespace function glob_dir pattern)
  file(GLOB files CONFIGURE_DEPENDS ${glob_dir}/${pattern})
  list(SORT files)
  set(body "// Generated from ${glob_dir}; do not edit.\n#include <string_view>\n#include <utility>\n#include <vector>\n\nnamespace ${namespace} {\n\nstd::vector<std::pair<std::string_view, std::string_view>> ${function}() {\n  return {\n")
  foreach(f ${files})
    get_filename_component(n ${f} NAME)
    file(READ ${f} content)
    string(APPEND body "      {\"${n}\", R\"kirim_embed(${content})kirim_embed\"},\n")
  endforeach()
  string(APPEND body "  };\n}\n\n}  // namespace ${namespace}\n")
  file(GENERATE OUTPUT ${out_cpp} CONTENT "${body}")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${files})
endfunction()
