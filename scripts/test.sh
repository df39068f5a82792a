#!/usr/bin/env bash
# Run every test: execute every chapter once on each of three data sets (the embedded default and two
# real-format files with the official files' quirks), build the book strictly, then the unit, property
# and hygiene tests and the browser test of the built pages in headless Chromium.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    echo "test: installing Debian's chromium and chromium-driver for the browser test ..."
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; } \
            > /tmp/routerbench-apt.log 2>&1; then
        tail -20 /tmp/routerbench-apt.log >&2
        echo "test: could not install chromium (needs root and Debian's archive); see /tmp/routerbench-apt.log" >&2
        exit 1
    fi
fi
bash scripts/build-book.sh --real-format
export PATH="$root/.venv/bin:$PATH"
export RBU_REQUIRE_BROWSER=1  # the browser test fails, rather than skips, without Chromium or the build
python -m pytest -n 2 --dist loadgroup tests
