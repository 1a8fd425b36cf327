# Precompiled headers: most of a siftd object's compile time is parsing the same third-party
# headers (gtest, nlohmann/json, spdlog, cpp-httplib, OpenCV) again for every file; a test file
# compiles 2.5x faster with them precompiled. Each target precompiles only headers of libraries
# it already links, so a PCH never widens what a folder may use. Off with -DSIFTD_PCH=OFF.
#
# clang-tidy reads the ci build's compile commands without the PCH (scripts/tidy.sh strips it),
# so a source that forgets an include it needs still fails there.
option(SIFTD_PCH "Precompile each target's heavy third-party headers" ON)

set(SIFTD_PCH_STANDARD
  <algorithm> <chrono> <cstdint> <filesystem> <functional> <map> <memory> <mutex> <optional>
  <string> <string_view> <vector>)

# siftd_precompile_headers(TARGET [OPTIMIZED] HEADER...): the standard set plus the given
# headers. OPTIMIZED marks code built at the build's optimization level (the libraries; the
# tests are built at -O0): GCC 12 then reports its -Warray-bounds false positives from inside
# the precompiled standard headers, as they lose their system-header status, so with GCC only
# the tests precompile, and the libraries' warnings stay exactly those of a plain build.
function(siftd_precompile_headers target)
  cmake_parse_arguments(ARG "OPTIMIZED" "" "" ${ARGN})
  if(NOT SIFTD_PCH OR (ARG_OPTIMIZED AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU"))
    return()
  endif()
  target_precompile_headers(${target} PRIVATE ${SIFTD_PCH_STANDARD} ${ARG_UNPARSED_ARGUMENTS})
endfunction()
