# Sets Python3_EXECUTABLE (in the including directory) to the interpreter itself when the one
# found is a launcher in front of it, such as a pyenv shim: a shim is a bash script that runs
# `pyenv exec`, ~0.5 s of CPU per start, paid by every Python test and every adapter process.
# Include after find_package(Python3).
if(Python3_EXECUTABLE)
  execute_process(COMMAND ${Python3_EXECUTABLE} -c "import sys; print(sys.executable)"
                  OUTPUT_VARIABLE acepack_real_python OUTPUT_STRIP_TRAILING_WHITESPACE
                  RESULT_VARIABLE acepack_real_python_rc ERROR_QUIET)
  if(acepack_real_python_rc EQUAL 0 AND EXISTS "${acepack_real_python}")
    set(Python3_EXECUTABLE "${acepack_real_python}")
  endif()
endif()
