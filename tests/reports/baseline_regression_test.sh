#!/bin/sh
# scenario.baseline_regression: SFUSIM LIBRARY BASELINE WORK SEEDS JOBS
# Sweeps LIBRARY at SEEDS into WORK/results (JUnit in WORK/junit.xml), then compares with BASELINE.
# Fails on a regression (a metric worse than its threshold, a check that passed and now fails, a
# baseline run that is missing or crashed) or when the sweep refuses its input. The report with the
# table of changes is WORK/report.html.
set -u
sfusim="$1"; library="$2"; baseline="$3"; work="$4"; seeds="$5"; jobs="$6"
if [ ! -f "$baseline/seeds.txt" ]; then
  echo "no stored baseline in $baseline: create it with scripts/update-baseline.sh" >&2
  exit 1
fi
rm -rf "$work"
mkdir -p "$work"
"$sfusim" sweep "$library" --seeds "$seeds" --jobs "$jobs" --out "$work/results" --junit "$work/junit.xml"
rc=$?
if [ "$rc" -ge 2 ]; then
  echo "baseline_regression: the sweep refused its input (exit $rc)" >&2
  exit 1
fi
"$sfusim" report "$work/results" --baseline "$baseline" --out "$work"
rc=$?
if [ "$rc" -ne 0 ]; then
  echo "baseline_regression: regressions against $baseline (exit $rc); see $work/report.html." >&2
  echo "If the change is intended, regenerate the baseline: scripts/update-baseline.sh" >&2
  exit 1
fi
exit 0
