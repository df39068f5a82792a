#!/usr/bin/env bash
# Create .venv once and install the pinned stack plus the package (editable).
# Re-installs only when requirements.txt or pyproject.toml change, so repeated runs cost seconds.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "setup: $python is $("$python" --version 2>&1); the book needs Python 3.11 or newer (set PYTHON=...)" >&2
    exit 1
fi
[ -x .venv/bin/python ] || "$python" -m venv .venv
want=$(cat requirements.txt pyproject.toml | sha256sum | cut -d' ' -f1)
if [ "$(cat .venv/.installed 2>/dev/null)" != "$want" ]; then
    echo "setup: installing the pinned stack into .venv (about a minute) ..."
    log=.venv/install.log
    if ! { .venv/bin/python -m pip install --disable-pip-version-check --upgrade pip \
           && .venv/bin/python -m pip install --disable-pip-version-check -r requirements.txt \
           && .venv/bin/python -m pip install --disable-pip-version-check --no-deps -e . ; } > "$log" 2>&1; then
        grep -v "^WARNING: Location" "$log" | tail -30 >&2
        echo "setup: FAILED to install the requirements; full log in $log" >&2
        exit 1
    fi
    .venv/bin/python -m pip check
    echo "$want" > .venv/.installed
fi
# MathJax 3 from the npm registry, which the build runs with node to typeset every formula into SVG
# (_ext/build_math.py): installed into .venv/node from the lock file, again only when it changes.
math_want=$(cat _ext/package.json _ext/package-lock.json | sha256sum | cut -d' ' -f1)
if [ "$(cat .venv/node/.installed 2>/dev/null)" != "$math_want" ]; then
    command -v npm > /dev/null || { echo "setup: the build needs node and npm (apt-get install nodejs npm)" >&2; exit 1; }
    mkdir -p .venv/node && cp _ext/package.json _ext/package-lock.json .venv/node/
    if ! npm ci --prefix .venv/node --no-audit --no-fund --loglevel=error > .venv/node/install.log 2>&1; then
        tail -20 .venv/node/install.log >&2
        echo "setup: FAILED to install MathJax from npm; full log in .venv/node/install.log" >&2
        exit 1
    fi
    echo "$math_want" > .venv/node/.installed
fi
# rfc3987-syntax comes in through jupyter-events (jsonschema's "format-nongpl" extra) and builds a
# grammar when jsonschema is imported, which every chapter does at its first glue(): 2-5 s of each
# kernel's start. Nothing the book runs validates IRIs, and jsonschema skips that format without it.
if .venv/bin/python -c 'import importlib.util, sys; sys.exit(importlib.util.find_spec("rfc3987_syntax") is None)'; then
    .venv/bin/python -m pip uninstall --disable-pip-version-check -y -q rfc3987-syntax
fi
