#!/usr/bin/env bash
# Debian packages Drachma needs: Chromium for the browser tests, the FFmpeg development
# libraries vpdq builds against, Pango for WeasyPrint, poppler-utils (pdftotext) for the
# PDF tests. Installs only what is missing, so a second run costs nothing.
set -euo pipefail
packages=(
  chromium
  g++ cmake pkg-config ffmpeg
  libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libavdevice-dev libavfilter-dev
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
  poppler-utils
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
