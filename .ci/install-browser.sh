#!/bin/sh
# Install Debian's headless Chromium (+ chromedriver) for tests/test_render_browser.py.
# (fonts-liberation so screenshots show text even without recommended packages.)
# Idempotent and quiet: does nothing when both binaries are already there.
set -eu
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-liberation >/dev/null
/usr/bin/chromium --version
