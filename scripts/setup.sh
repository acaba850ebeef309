#!/usr/bin/env bash
# Installs every Debian package sfusim needs to build and test. Idempotent: it asks dpkg what is
# already there and only calls apt-get (after one `apt-get update`) when something is missing.
set -euo pipefail

PACKAGES=(
  # build
  cmake ninja-build pkg-config g++ clang-14 libclang-rt-14-dev ccache
  # libraries (ENVIRONMENT.md)
  libboost-dev libsrtp2-dev libopus-dev libopenh264-dev nlohmann-json3-dev
  catch2 librapidcheck-dev libbenchmark-dev
  # test peers: tshark dissects captures; GStreamer sends and receives RTP in the interop tests
  # (tests/interop/: openh264enc/dec are in -bad, rtph264pay/depay and udpsrc/sink in -good,
  # videotestsrc, opusenc/dec and rtpopus(de)pay in -base)
  tshark gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad
  # the report test opens the HTML report in headless Chromium; python3 checks its screenshot
  chromium python3
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "sfusim setup: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "sfusim setup: missing packages (${missing[*]}) and not root; install them with apt-get" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer once, non-interactively.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections || true
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
