#!/usr/bin/env bash
# One command for a fresh Linux machine: install what the tests need, then run every check
# (ruff lint + format, mypy, pytest).  .ci/run calls exactly this.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_venv.sh" "test"
cd "$ROOT"
# The template tests run in a real spreadsheet engine: LibreOffice headless, from Debian; the
# published documents (.docx) are rendered by its Writer.
writer_missing() {
    [ ! -e "$(dirname "$(readlink -f "$(command -v soffice)")")/libswlo.so" ]
}
if ! command -v soffice >/dev/null 2>&1 || ! /usr/bin/python3 -c "import uno" >/dev/null 2>&1 \
    || writer_missing; then
    packages="libreoffice-calc-nogui libreoffice-writer-nogui python3-uno fonts-wqy-zenhei poppler-utils"
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "» 安装 LibreOffice（headless）与中文字体"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $packages \
            >/dev/null
    else
        echo "» 未安装 LibreOffice：真实引擎测试将跳过（CI 中会失败）。安装：sudo apt-get install $packages"
    fi
fi
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
