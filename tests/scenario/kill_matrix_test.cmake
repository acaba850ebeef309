# Runs `sfusim mutants --first-kill --skip-baseline` on SCENARIOS, with the stateful model FUZZER
# as a column (FUZZ_CASES sequences per cell), and fails unless every mutant outside SURVIVING was
# killed by some column (the matrix is printed either way). A mutant of SURVIVING that is killed
# fails the test too, so the list cannot go stale. The unmutated scenario runs are the scenario
# tests' business; the unmutated fuzzer run is part of this one and must pass. Every mutant of
# FUZZER_KILLS must be killed by the fuzzer column itself (a row killed by a scenario does not
# excuse it), so a change that blinds the model to a defect fails here even when a scenario still
# kills that mutant; a mutant the fuzzer kills that is not listed fails too (the list cannot go stale).
cmake_policy(SET CMP0054 NEW)  # "killed" in if() is a string, not the variable of that name
set(ENV{SFUSIM_FUZZ_CASES} ${FUZZ_CASES})
execute_process(COMMAND ${SFUSIM} mutants ${SCENARIOS} --first-kill --skip-baseline --jobs 2 --out ${OUT}
                        --fuzzer ${FUZZER}
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
message("${out}${err}")
if(rc EQUAL 2 OR NOT EXISTS ${OUT}/mutants.json)
  message(FATAL_ERROR "sfusim mutants failed to run (exit ${rc})")
endif()
file(READ ${OUT}/mutants.json json)
set(bad "")
string(JSON fuzzer_baseline GET "${json}" fuzzer baseline)
if(NOT fuzzer_baseline STREQUAL "passed")
  list(APPEND bad "the unmutated model ${fuzzer_baseline} the fuzzer (log ${OUT}/baseline/fuzzer/run.log)")
endif()
string(JSON n LENGTH "${json}" mutants)
math(EXPR last "${n} - 1")
set(fuzzer_killed "")
foreach(i RANGE ${last})
  string(JSON name GET "${json}" mutants ${i} mutant)
  string(JSON row_killed GET "${json}" mutants ${i} killed)
  string(JSON by_fuzzer ERROR_VARIABLE no_cell GET "${json}" mutants ${i} cells fuzzer status)
  if(by_fuzzer STREQUAL "killed")
    list(APPEND fuzzer_killed ${name})
  endif()
  list(FIND SURVIVING ${name} expected_survivor)
  if(expected_survivor EQUAL -1 AND NOT row_killed)
    list(APPEND bad "${name} survived")
  elseif(NOT expected_survivor EQUAL -1 AND row_killed)
    list(APPEND bad "${name} is listed as surviving but was killed: remove it from SFUSIM_MUTANTS_SURVIVING")
  endif()
endforeach()
set(expected_fuzzer ${FUZZER_KILLS})
set(got_fuzzer ${fuzzer_killed})
list(SORT expected_fuzzer)
list(SORT got_fuzzer)
if(NOT got_fuzzer STREQUAL expected_fuzzer)
  list(APPEND bad "the fuzzer column killed [${got_fuzzer}], SFUSIM_FUZZER_KILLS expects [${expected_fuzzer}]")
endif()
list(LENGTH fuzzer_killed n_fuzzer)
string(REPLACE ";" ", " shown "${fuzzer_killed}")
message("fuzzer column (${FUZZ_CASES} sequences per mutant): killed ${n_fuzzer} of ${n}: ${shown}")
if(bad)
  message(FATAL_ERROR "kill matrix: ${bad}")
endif()
