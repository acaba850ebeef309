#!/usr/bin/env bash
# The main job: installs what is missing, builds the release preset, and runs `sfusim` with the
# given arguments (none: the built-in default scenario suite, writing a report).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --target sfusim -j "$(nproc 2>/dev/null || echo 2)"
exec build/release/scenarios/sfusim "$@"
