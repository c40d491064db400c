# Sourced by demo.sh and test.sh: make (once) the project's virtual environment in .venv and
# install jixiao into it with the extras given as "$1" (e.g. "test"); leaves $VENV/bin on PATH.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${JIXIAO_VENV:-$ROOT/.venv}"
PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "需要 Python 3.11 或更高版本（当前：$("$PYTHON" --version 2>&1)）。" >&2
    exit 2
fi
if [ ! -x "$VENV/bin/python" ]; then
    echo "» 创建虚拟环境 $VENV"
    "$PYTHON" -m venv "$VENV"
fi
extras="${1:-}"
target="$ROOT"
[ -n "$extras" ] && target="$ROOT[$extras]"
echo "» 安装 jixiao ${extras:+（含 $extras 依赖）}"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$target"
export PATH="$VENV/bin:$PATH"
