#!/usr/bin/env bash
# Build the PyInstaller bundle into build/pyinstaller/ and smoke-test the frozen programs.
#
#   packaging/build_frozen_check.sh              # build + check
#   packaging/build_frozen_check.sh --no-build   # check the last build again
#
# All the work is in packaging/check_frozen.py; this wrapper only finds the project venv
# and installs PyInstaller into it when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
[ -x "$PY" ] || PY=.venv/Scripts/python.exe   # Git Bash on Windows
if [ ! -x "$PY" ]; then
    echo "[frozen-check] no virtual environment at .venv (create it and 'pip install -e .[build]')" >&2
    exit 2
fi
if ! "$PY" -c "import PyInstaller" >/dev/null 2>&1; then
    echo '[frozen-check] installing "pyinstaller>=6.5" into .venv'
    "$PY" -m pip install "pyinstaller>=6.5"
fi
exec "$PY" packaging/check_frozen.py "$@"
