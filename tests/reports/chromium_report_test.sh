#!/bin/sh
# report.chromium_render: SFUSIM FIXTURES WORK
# Renders the report of FIXTURES, opens it in headless Chromium and checks that the charts render:
# the screenshot is a non-blank PNG, the DOM holds the SVG charts, no console error or failed load.
set -u
sfusim="$1"; fixtures="$2"; work="$3"
chromium=""
for c in chromium chromium-browser google-chrome; do
  if command -v "$c" >/dev/null 2>&1; then chromium="$(command -v "$c")"; break; fi
done
if [ -z "$chromium" ]; then
  echo "SKIPPED: chromium is not installed (scripts/setup.sh installs the Debian package chromium)"
  exit 77
fi
fail() { echo "FAILED: $*" >&2; exit 1; }
rm -rf "$work"
mkdir -p "$work/home"
"$sfusim" report "$fixtures" --out "$work" > "$work/report.log" 2>&1
rc=$?
# The fixtures hold one deliberately broken file: the report is written and names it (exit 2).
[ "$rc" -eq 2 ] || { cat "$work/report.log"; fail "sfusim report exit $rc, expected 2 (one bad fixture)"; }
grep -q "broken/result.json" "$work/report.log" || fail "the bad fixture is not named"
[ -s "$work/report.html" ] || fail "no report.html"
page="file://$work/report.html"
# Chromium wants a writable HOME; as root it needs --no-sandbox.
flags="--headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --disable-extensions \
  --user-data-dir=$work/profile --window-size=1280,1800 --virtual-time-budget=3000"
HOME="$work/home" timeout 120 "$chromium" $flags --enable-logging=stderr --v=0 --screenshot="$work/shot.png" "$page" \
  > "$work/chromium.log" 2>&1 || fail "chromium --screenshot failed: $(tail -5 "$work/chromium.log")"
HOME="$work/home" timeout 120 "$chromium" $flags --dump-dom "$page" > "$work/dom.html" 2> "$work/chromium-dom.log" \
  || fail "chromium --dump-dom failed: $(tail -5 "$work/chromium-dom.log")"
# Console messages from the page and failed loads (the page must need nothing from outside).
if grep -E 'CONSOLE|Uncaught|Failed to load resource|net::ERR_' "$work/chromium.log" "$work/chromium-dom.log"; then
  fail "console errors or failed loads (above)"
fi
svgs=$(grep -o '<svg' "$work/dom.html" | wc -l)
lines=$(grep -o '<polyline' "$work/dom.html" | wc -l)
marks=$(grep -o 'class="mark ' "$work/dom.html" | wc -l)
[ "$svgs" -ge 4 ] || fail "only $svgs <svg> charts in the rendered DOM"
[ "$lines" -ge 4 ] || fail "only $lines chart lines in the rendered DOM"
[ "$marks" -ge 2 ] || fail "no timeline marks in the rendered DOM"
grep -q 'Pass/fail matrix' "$work/dom.html" || fail "no pass/fail matrix"
[ -s "$work/shot.png" ] || fail "no screenshot"
if command -v python3 >/dev/null 2>&1; then
  python3 "$(dirname "$0")/png_nonblank.py" "$work/shot.png" || fail "the screenshot is blank"
else
  size=$(wc -c < "$work/shot.png")
  [ "$size" -gt 20000 ] || fail "the screenshot is only $size bytes (blank?)"
fi
echo "report.chromium_render: $svgs charts, $lines lines, $marks marks; screenshot $work/shot.png"
