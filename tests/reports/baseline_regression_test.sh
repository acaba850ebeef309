#!/bin/sh
# scenario.baseline_regression: SFUSIM RESULTS BASELINE WORK
# Compares the library results the scenario tests wrote (RESULTS/<scenario>/seed-<N>/result.json)
# with BASELINE. Fails on a regression (a metric worse than its threshold, a check that passed and
# now fails, a baseline run that is missing) or when the results cannot be read. The report with
# the table of changes is WORK/report.html.
set -u
sfusim="$1"; results="$2"; baseline="$3"; work="$4"
if [ ! -f "$baseline/seeds.txt" ]; then
  echo "no stored baseline in $baseline: create it with scripts/update-baseline.sh" >&2
  exit 1
fi
if [ ! -d "$results" ]; then
  echo "baseline_regression: no scenario results in $results (run the scenario tests first)" >&2
  exit 1
fi
rm -rf "$work"
mkdir -p "$work"
"$sfusim" report "$results" --baseline "$baseline" --out "$work"
rc=$?
if [ "$rc" -ne 0 ]; then
  echo "baseline_regression: regressions against $baseline (exit $rc); see $work/report.html." >&2
  echo "If the change is intended, regenerate the baseline: scripts/update-baseline.sh" >&2
  exit 1
fi
exit 0
