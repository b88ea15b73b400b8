# check_no_alloc.cmake - fails when a static library references an allocator
# or holds writable static data.
#   cmake -DNM=<nm> -DLIB=<lib.a> -P check_no_alloc.cmake
# The reader (libacepack_read) must not allocate (team brief, spec 13), so
# none of its objects may have an undefined reference to these symbols; and it
# keeps no mutable static state (thread safety), so no object may define a
# symbol in .data or .bss (nm types b, B, d, D, C).
cmake_minimum_required(VERSION 3.20)
set(forbidden malloc calloc realloc free strdup strndup posix_memalign aligned_alloc
              reallocarray memalign valloc pvalloc)
if(NOT NM OR NOT LIB)
  message(FATAL_ERROR "usage: cmake -DNM=nm -DLIB=lib.a -P check_no_alloc.cmake")
endif()
execute_process(COMMAND "${NM}" -u "${LIB}" OUTPUT_VARIABLE out ERROR_VARIABLE err
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NM} -u ${LIB} failed (${rc}): ${err}")
endif()
string(REPLACE "\n" ";" lines "${out}")
set(symbols 0)
set(bad "")
foreach(line IN LISTS lines)
  # lines are "                 U name" (or "name.o:" headers and blanks)
  if(line MATCHES "^[ \t]*U[ \t]+_?([A-Za-z0-9_.$]+)(@.*)?$")
    math(EXPR symbols "${symbols} + 1")
    if(CMAKE_MATCH_1 IN_LIST forbidden)
      list(APPEND bad "${CMAKE_MATCH_1}")
    endif()
  endif()
endforeach()
if(symbols EQUAL 0)
  # every reader object uses memcpy/memcmp/...: no undefined symbol at all
  # means the output was not understood, which must not pass silently
  message(FATAL_ERROR "no undefined symbols parsed from ${NM} -u ${LIB}:\n${out}")
endif()
if(bad)
  list(REMOVE_DUPLICATES bad)
  # one unbreakable token per symbol: CMake wraps long messages at spaces
  list(TRANSFORM bad PREPEND "allocator-reference:")
  message(FATAL_ERROR "${LIB} references allocation functions: ${bad}")
endif()
execute_process(COMMAND "${NM}" "${LIB}" OUTPUT_VARIABLE all RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NM} ${LIB} failed (${rc})")
endif()
string(REGEX MATCHALL "[0-9a-fA-F]* [bBdDC] [A-Za-z0-9_.$]+" data "${all}")
# Instrumented builds (sanitizers, coverage) add data of their own; it is not
# state of the library's source.
list(FILTER data EXCLUDE REGEX
     " (__unnamed_|__asan|__ubsan|__sancov|__prof|__llvm|switch\\.table\\.|\\.L)")
if(data)
  list(TRANSFORM data REPLACE "^[0-9a-fA-F]* [bBdDC] " "writable-static-data:")
  message(FATAL_ERROR "${LIB} holds writable static data: ${data}")
endif()
message(STATUS "${LIB}: ${symbols} undefined references, none to an allocator; no writable data")
