#!/usr/bin/env bash
# Build the whole book from clean into _build/html, executing every chapter.
# Strict: a chapter that raises, a warning or a broken reference fails the build.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/setup.sh
export PATH="$root/.venv/bin:$PATH"
start=$(date +%s)
rm -rf _build/html _build/.doctrees _build/jupyter_execute
if ! jupyter-book build . --all -W -n --keep-going; then
    echo "build-book: FAILED; execution reports follow" >&2
    cat _build/html/reports/*.log 2>/dev/null >&2 || true
    exit 1
fi
echo "build-book: OK in $(( $(date +%s) - start )) s; open _build/html/index.html"
