#!/usr/bin/env bash
# The whole test suite, as CI runs it. Installs what is missing, then:
#   asan    build: unit + property tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   release build: scenario runs, determinism checks and the benchmark smoke run (optimised:
#                  scenarios encode real audio/video, too slow under sanitizers for the time budget)
#   fuzz    build: libFuzzer targets (clang-14, ASan+UBSan), each for a bounded time
# Every slice runs even if an earlier one failed; the exit code is non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh || exit 1

jobs=$(nproc 2>/dev/null || echo 2)
status=0
passed=0
failed=0
for preset in asan release fuzz; do
  echo "=== sfusim: configure + build ($preset) ==="
  if ! { cmake --preset "$preset" >/dev/null && cmake --build --preset "$preset" -j "$jobs"; }; then
    echo "sfusim: build failed for preset $preset" >&2
    status=1
    continue
  fi
  echo "=== sfusim: tests ($preset) ==="
  log=$(mktemp)
  ctest --preset "$preset" -j "$jobs" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  [ "$rc" -eq 0 ] || status=1
  line=$(grep -E '[0-9]+% tests passed, [0-9]+ tests failed out of [0-9]+' "$log" | tail -1)
  if [ -n "$line" ]; then
    total=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$line")
    nfail=$(sed -E 's/.* ([0-9]+) tests failed.*/\1/' <<<"$line")
    passed=$((passed + total - nfail))
    failed=$((failed + nfail))
  else
    failed=$((failed + 1))
  fi
  rm -f "$log"
done
echo "sfusim tests: $passed passed, $failed failed"
exit $status
