#!/usr/bin/env bash
# Regenerates the stored baseline reports/baseline/ (the CI regression suite compares against it):
# sweeps the scenario library at the baseline seeds and keeps each run's result.json.
#
#   scripts/update-baseline.sh            # seeds from reports/baseline/seeds.txt (default 1..1)
#   scripts/update-baseline.sh 1..3       # other seeds (written to seeds.txt)
#   SFUSIM_BIN=build/h-me/scenarios/sfusim scripts/update-baseline.sh   # a binary you built
#
# Without SFUSIM_BIN it builds the release preset's sfusim as scripts/run.sh does. The runs are
# deterministic, so the baseline changes only when the code or the library changes: commit it with
# the change that explains it. Exit 0 when the baseline was written (even if some runs fail: a
# failing run is recorded as it is, and the CTest then expects it to keep failing that way).
set -euo pipefail
cd "$(dirname "$0")/.."
BASELINE=reports/baseline
SEEDS="${1:-$(cat "$BASELINE/seeds.txt" 2>/dev/null || echo 1..1)}"
if [ -z "${SFUSIM_BIN:-}" ]; then
  scripts/setup.sh
  cmake --preset release >/dev/null
  cmake --build --preset release --target sfusim -j "$(nproc 2>/dev/null || echo 2)"
  SFUSIM_BIN=build/release/scenarios/sfusim
fi
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
set +e
"$SFUSIM_BIN" sweep scenarios/library --seeds "$SEEDS" --out "$WORK/results" --timeout-s "${SFUSIM_BASELINE_TIMEOUT_S:-1800}"
rc=$?
set -e
if [ "$rc" -ge 2 ]; then
  echo "update-baseline: the sweep refused its input (exit $rc); baseline unchanged" >&2
  exit "$rc"
fi
missing=0
while IFS= read -r outcome; do
  dir="$(dirname "$outcome")"
  if [ ! -f "$dir/result.json" ]; then
    echo "update-baseline: $dir left no result.json (crash or timeout; see $dir/run.log)" >&2
    missing=1
  fi
done < <(find "$WORK/results" -name outcome.json | sort)
if [ "$missing" -ne 0 ]; then
  echo "update-baseline: baseline unchanged (a run crashed or timed out)" >&2
  exit 1
fi
rm -rf "$BASELINE"
mkdir -p "$BASELINE"
(cd "$WORK/results" && find . -name result.json | sort | while IFS= read -r f; do
   mkdir -p "$OLDPWD/$BASELINE/$(dirname "$f")"
   cp "$f" "$OLDPWD/$BASELINE/$f"
 done)
echo "$SEEDS" > "$BASELINE/seeds.txt"
cat > "$BASELINE/README.md" <<TXT
# Stored baseline

result.json of every library scenario at seeds $SEEDS, written by \`scripts/update-baseline.sh\`.
The CTest \`scenario.baseline_regression\` compares the results of the scenario tests (which run
the library at seeds 1-3) with it and fails when \`sfusim report <results> --baseline
reports/baseline\` finds a regression (thresholds:
reports/include/sfusim/reports/metric_rules.h). Regenerate after an intended change:
\`scripts/update-baseline.sh\` (one line), then commit reports/baseline/ with that change.
TXT
echo "update-baseline: $(find "$BASELINE" -name result.json | wc -l) results at seeds $SEEDS in $BASELINE (sweep exit $rc)"
