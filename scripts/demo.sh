#!/usr/bin/env bash
# One command for a fresh Linux machine: install jixiao into .venv and run the main job
# (`jixiao demo`) on the bundled real examples.  Extra arguments go to `jixiao demo`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_venv.sh" ""
cd "$ROOT"
jixiao demo "$@"
