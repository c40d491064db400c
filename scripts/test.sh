#!/usr/bin/env bash
# One command for a fresh Linux machine: install what the tests need, then run every check
# (ruff lint + format, mypy, pytest).  .ci/run calls exactly this.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_venv.sh" "test"
cd "$ROOT"
echo "» ruff"
ruff check .
ruff format --check .
echo "» mypy"
mypy
echo "» pytest"
set +e
pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
    echo "pytest 没有收集到任何测试：视为失败。" >&2
    exit 1
fi
exit "$status"
