"""Render the pictures in docs/ from real output, as LibreOffice prints it:

- docs/project-sheet.png: seed 000's real project in the workbook ``jixiao import`` and the demo
  write (rows as high as jixiao computes them: nothing is grown by typing);
- docs/publication-1.png and docs/publication-2.png: the first page of the document
  ``jixiao publish`` writes from seed 000's filled workbook, and the page with its project table.

Run after changing the template's or the publication's look:
    .venv/bin/python scripts/render_docs.py
Needs LibreOffice headless (Calc and Writer) and poppler-utils (scripts/test.sh installs them).
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from jixiao.service.demo import sample
from jixiao.service.publish import find_soffice, pdf_via_libreoffice, publish
from jixiao.template.build import save_workbook
from jixiao.template.fill import fill_workbook

ROOT = Path(__file__).resolve().parents[1]


def png(pdf: Path, page: int, target: Path, resolution: int = 80) -> None:
    """One page of a PDF as a PNG."""
    stem = target.with_suffix("")
    pages = ["-f", str(page), "-l", str(page)]
    command = ["pdftoppm", "-png", "-r", str(resolution), *pages, "-singlefile", str(pdf)]
    subprocess.run([*command, str(stem)], check=True)
    print(f"wrote {target}")


def main() -> None:
    """Both pictures from files jixiao writes: the filled workbook and its publication."""
    soffice = find_soffice()
    if soffice is None:
        raise SystemExit("LibreOffice is needed")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        book = work / "石家庄高新区法院.xlsx"
        save_workbook(fill_workbook(sample("seed-000.json"), min_projects=1), book)
        document = work / "绩效目标.docx"
        published = publish([book], document, allow_errors=True)
        assert published.publication is not None, published.refused
        sheet_pdf, document_pdf = pdf_via_libreoffice(
            [book, document], work / "pdf", soffice, work / "profile"
        )
        png(sheet_pdf, page_with(sheet_pdf, TITLE), ROOT / "docs" / "project-sheet.png")
        png(document_pdf, 1, ROOT / "docs" / "publication-1.png")
        png(document_pdf, page_with(document_pdf, TITLE), ROOT / "docs" / "publication-2.png")


TITLE = "1.专项项目绩效目标表"


def page_with(pdf: Path, text: str) -> int:
    """The first page showing ``text``."""
    pages = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True)
    return next(n for n, page in enumerate(pages.stdout.split("\f"), 1) if text in page)


if __name__ == "__main__":
    main()
