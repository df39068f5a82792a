#!/usr/bin/env bash
# Debian packages the build and the tests need: Chromium and its driver print the PDF (build) and run the
# browser test (tests), poppler's pdftotext reads the PDF's pages in the tests (1 s; pypdf takes 20 s),
# node and npm install and run MathJax, which typesets every formula at build time (_ext/build_math.py).
# Installed with apt-get when missing (as root, as on CI); called by build-book.sh, so the README's build
# command works on a fresh machine.
set -euo pipefail
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if (( ${#missing[@]} )); then
    echo "setup: installing Debian's ${missing[*]} ..."
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } \
        > /tmp/routerbench-apt.log 2>&1 || true
    if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || ! command -v npm >/dev/null; then
        tail -20 /tmp/routerbench-apt.log >&2
        echo "setup: could not install ${missing[*]} (needs root and Debian's archive); see /tmp/routerbench-apt.log" >&2
        exit 1
    fi
fi
