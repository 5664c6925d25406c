# Shared build settings and the two helpers every module uses: mtg_library and mtg_test.

add_library(mtg_options INTERFACE)
target_compile_options(mtg_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual
  -Wimplicit-fallthrough -Wformat=2)
if(MTG_WERROR)
  target_compile_options(mtg_options INTERFACE -Werror)
endif()
if(MTG_FUZZ)
  # Coverage instrumentation for every library the fuzzers link, not only the fuzzer's own file.
  target_compile_options(mtg_options INTERFACE -fsanitize=fuzzer-no-link)
endif()
if(MTG_SANITIZE)
  list(JOIN MTG_SANITIZE "," _mtg_san)
  target_compile_options(mtg_options INTERFACE -fsanitize=${_mtg_san} -fno-omit-frame-pointer
                         -fno-sanitize-recover=all)
  target_link_options(mtg_options INTERFACE -fsanitize=${_mtg_san})
endif()

# mtg_library(NAME SOURCES a.cc b.cc DEPS other_lib ...)
# A static library whose headers are included as "module/file.h" from src/ (or server/).
function(mtg_library name)
  cmake_parse_arguments(A "" "INCLUDE_ROOT" "SOURCES;DEPS" ${ARGN})
  if(NOT A_INCLUDE_ROOT)
    set(A_INCLUDE_ROOT "${PROJECT_SOURCE_DIR}/src")
  endif()
  add_library(${name} STATIC ${A_SOURCES})
  target_include_directories(${name} PUBLIC ${A_INCLUDE_ROOT})
  target_link_libraries(${name} PUBLIC mtg_options ${A_DEPS})
endfunction()

# mtg_test(NAME SOURCES a_test.cc DEPS lib ... [LABELS l ...] [TIMEOUT s])
# A GoogleTest executable; each TEST becomes its own ctest entry so ctest -j spreads them.
function(mtg_test name)
  cmake_parse_arguments(A "" "TIMEOUT" "SOURCES;DEPS;LABELS" ${ARGN})
  if(NOT A_LABELS)
    set(A_LABELS unit)
  endif()
  if(NOT A_TIMEOUT)
    set(A_TIMEOUT 300)
  endif()
  add_executable(${name} ${A_SOURCES})
  target_link_libraries(${name} PRIVATE mtg_options ${A_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    MTG_SHARED_DIR="${MTG_SHARED_DIR}" MTG_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    MTG_BINARY_DIR="${PROJECT_BINARY_DIR}")
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST
    PROPERTIES LABELS "${A_LABELS}" TIMEOUT ${A_TIMEOUT})
endfunction()

# mtg_fuzz(NAME SOURCES x_fuzz.cc DEPS lib ...)
# A libFuzzer target. With MTG_FUZZ (clang) it is a real fuzzer; in every other build it links a
# small driver that replays the seed corpus fuzz/corpus/NAME/, and ctest runs that replay, so
# each corpus input (and each crash once fixed and added) is checked on every test run.
function(mtg_fuzz name)
  cmake_parse_arguments(A "" "" "SOURCES;DEPS" ${ARGN})
  set(corpus "${PROJECT_SOURCE_DIR}/fuzz/corpus/${name}")
  if(MTG_FUZZ)
    add_executable(${name} ${A_SOURCES})
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  else()
    add_executable(${name} ${A_SOURCES} ${PROJECT_SOURCE_DIR}/fuzz/replay_main.cc)
  endif()
  target_link_libraries(${name} PRIVATE mtg_options ${A_DEPS})
  add_test(NAME fuzz_replay.${name} COMMAND ${name} ${corpus})
  set_tests_properties(fuzz_replay.${name} PROPERTIES LABELS fuzz TIMEOUT 300)
endfunction()

# mtg_bench(NAME SOURCES x_bench.cc DEPS lib ...): a Google Benchmark program (not run by ctest).
function(mtg_bench name)
  cmake_parse_arguments(A "" "" "SOURCES;DEPS" ${ARGN})
  if(NOT MTG_BENCH)
    return()
  endif()
  add_executable(${name} ${A_SOURCES})
  target_link_libraries(${name} PRIVATE mtg_options ${A_DEPS} benchmark::benchmark)
endfunction()
