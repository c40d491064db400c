"""Render docs/project-sheet.png: seed 000's real project in the template, as LibreOffice prints it.

Run after changing the template's look:  .venv/bin/python scripts/render_docs.py
Needs LibreOffice headless and poppler-utils (scripts/test.sh installs both).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from jixiao.template.build import build_template, save_workbook  # noqa: E402
from libreoffice import LibreOffice  # noqa: E402
from test_template_lo import project_page, type_seed_000  # noqa: E402


def main() -> None:
    target = ROOT / "docs" / "project-sheet.png"
    with tempfile.TemporaryDirectory() as folder, LibreOffice() as lo:
        template = Path(folder) / "template.xlsx"
        save_workbook(build_template("hebei", 1), template)
        doc = lo.open(template)
        type_seed_000(lo, doc)
        pdf = lo.export_pdf(doc, Path(folder) / "filled.pdf")
        page = project_page(pdf)
        stem = Path(folder) / "page"
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-f",
                str(page),
                "-l",
                str(page),
                "-singlefile",
                str(pdf),
                str(stem),
            ],
            check=True,
        )
        target.write_bytes(stem.with_suffix(".png").read_bytes())
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
