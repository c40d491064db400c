"""What LibreOffice prints (issue 13): filled workbooks with long texts, the demo's workbooks
and summary, and the published documents, rendered to PDF in one LibreOffice run and read back
with ``pdftotext -bbox-layout``: no text line printed over another, every line on its page,
and the page counts the content calls for."""

from __future__ import annotations

import dataclasses
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from conftest import FIXTURES
from jixiao.model import Submission
from jixiao.outputs.publish_texts import amount_text
from jixiao.readers.interchange import load_submission
from jixiao.readers.xlsx import read_workbook
from jixiao.service.actions import run_demo
from jixiao.service.publish import find_soffice, pdf_via_libreoffice, publish
from jixiao.template.build import save_workbook
from jixiao.template.fill import fill_workbook
from libreoffice import _ci, require_libreoffice
from pdfcheck import pages, problems, raw_text

pytestmark = pytest.mark.libreoffice

LONG_GOAL = (
    "1.通过经费的使用，保障全院审判执行工作正常运转，促进各类案件依法及时公正审理，"
    "提升办案质量和效率，加大执行力度，切实维护人民群众合法权益；2.完善诉讼服务中心建设，"
    "为当事人提供一站式、全方位诉讼服务；3.加强信息化建设，推进电子卷宗随案同步生成和深度应用。"
)
LONG_PURPOSE = (
    "用于满足我院办公办案需求，包括案件审理、执行、诉讼服务、司法鉴定、法律文书送达、"
    "陪审员参审补助及信息化系统运行维护等各项支出（Including IT maintenance contracts）。"
)
LONG_VALUE = "争取在最短时间内办结，群众反映的问题当日响应、三日内答复"


def seed(number: str) -> Submission:
    submission, findings = load_submission(FIXTURES / f"seed-{number}.json")
    assert submission is not None, findings
    return submission


def long_texts() -> Submission:
    """Seed 000's project with the long texts real tables carry in every wrapped cell."""
    base = seed("000")
    project = base.projects[0]
    first, second, *rest = project.indicators
    first = dataclasses.replace(
        first,
        level3="办理各类案件数量（含刑事、民事、行政、执行案件）",
        description="全年办理的刑事、民事、行政、执行等各类案件的总数量",
        value=LONG_VALUE,
    )
    second = dataclasses.replace(
        second, level2="服务对象满意度指标", basis="历年统计数据及上级要求"
    )
    changed = dataclasses.replace(
        project,
        name="审判执行业务及诉讼服务中心建设专项经费",
        goal=LONG_GOAL,
        purpose=LONG_PURPOSE,
        indicators=(first, second, *rest),
    )
    return dataclasses.replace(base, projects=(changed,), department=None)


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every file this module looks at, as PDF (one LibreOffice run)."""
    require_libreoffice()
    soffice = find_soffice()
    assert soffice is not None
    require_writer(soffice)
    folder = tmp_path_factory.mktemp("print")
    sources: dict[str, Path] = {}
    long_book = folder / "long.xlsx"
    save_workbook(fill_workbook(long_texts(), min_projects=1), long_book)
    sources["long"] = long_book
    demo = run_demo(folder / "demo")
    for book in sorted(demo.inbox.glob("*.xlsx")):
        sources[f"demo/{book.stem}"] = book
    sources["summary"] = demo.output
    for name, book in [
        ("long", long_book),
        *((f"demo/{b.stem}", b) for b in demo.inbox.glob("*.xlsx")),
    ]:
        document = folder / "published" / f"公开-{name.replace('/', '-')}.docx"  # stems differ
        document.parent.mkdir(exist_ok=True)
        result = publish([book], document, allow_errors=True)
        assert result.publication is not None, result.refused
        sources[f"published/{name}"] = document
    pdfs = pdf_via_libreoffice(
        list(sources.values()), folder / "pdf", soffice, folder / "profile", timeout=120
    )
    return dict(zip(sources, pdfs, strict=True))


def require_writer(soffice: str) -> None:
    """LibreOffice's Writer renders the .docx: skip without it, as without LibreOffice (fail
    under CI, which must never skip; scripts/test.sh installs libreoffice-writer-nogui)."""
    if (Path(soffice).resolve().parent / "libswlo.so").exists():
        return
    reason = "LibreOffice Writer not installed (apt-get install libreoffice-writer-nogui)"
    if _ci():
        pytest.fail(f"{reason}, and CI is set: refusing to skip", pytrace=False)
    pytest.skip(reason)


def page_count(pdf: Path) -> int:
    return len(pages(pdf))


def test_nothing_overprints_and_nothing_leaves_the_page(printed: dict[str, Path]) -> None:
    for name, pdf in printed.items():
        assert problems(pdf) == [], name


def test_a_one_project_workbook_prints_its_project_on_one_page(printed: dict[str, Path]) -> None:
    assert page_count(printed["long"]) == 2  # 总览, then the project (单位信息 not printed)
    table = raw_text(printed["long"], 2)
    assert "1.审判执行业务及诉讼服务中心建设专项经费绩效目标表" in table
    for text in (LONG_GOAL, LONG_VALUE, "历年统计数据及上级要求", "陪审员参审补助"):
        assert text in table, text  # the whole text, on the page


def test_a_one_project_publication_is_short(printed: dict[str, Path]) -> None:
    assert page_count(printed["published/long"]) == 1
    text = raw_text(printed["published/long"], 1)
    assert LONG_GOAL in text and LONG_VALUE in text


DEMO_PROJECTS = {
    "石家庄高新区法院": 1,
    "天津北辰区法院": 9,
    "玉田县司法局": 7,
    "中院本级": 0,
    "某区法院（含预置错误）": 1,
    "马踏镇（申报表）": 2,
}
EXTRA_PAGES = {"玉田县司法局": 4}
"""玉田县司法局's 部门整体绩效目标 has 5 duties of 9 indicators and 12 measures: three
landscape pages of its own in the workbook (the publication's prose fits in three)."""


@pytest.mark.parametrize("kind", ["demo", "published/demo"])
def test_demo_submissions_print_in_projects_plus_three_pages(
    printed: dict[str, Path], kind: str
) -> None:
    for unit, projects in DEMO_PROJECTS.items():
        extra = EXTRA_PAGES.get(unit, 3) if kind == "demo" else 3
        count = page_count(printed[f"{kind}/{unit}"])
        assert count <= projects + extra, (kind, unit, count)
        assert count >= max(projects, 1), (kind, unit, count)


def test_the_summary_prints_readably(printed: dict[str, Path]) -> None:
    summary = pages(printed["summary"])
    assert len(summary) < 25
    first = summary[0].text
    assert "说明（合计包括什么）" in first and "每份都计入" in first.replace(" ", "")
    # review17: a figure touched its note (“14有错误”, “4,373.44各项目…”)
    touching = re.compile(r"\d(?![万元个份年项月日号次件人])[\u4e00-\u9fff]")  # not a unit
    assert not [w for w in first.split() if touching.search(w)], first
    # review17: only the first page said 万元, and no page said which table it was
    names = ("汇总概览", "项目汇总", "支出计划", "指标明细", "问题清单", "部门整体")
    for page in summary:
        text = page.text.replace(" ", "")
        (sheet,) = [name for name in names if name in text.splitlines()[-1]]
        if sheet in ("项目汇总", "支出计划"):
            assert "预算数（万元）" in text, (page.number, sheet)


def test_published_pdf_has_the_page_footer_and_cjk_fonts(printed: dict[str, Path]) -> None:
    pdf = printed["published/demo/玉田县司法局"]
    last = pages(pdf)[-1].text.replace(" ", "")
    assert f"第{page_count(pdf)}页，共{page_count(pdf)}页" in last
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    assert "WenQuanYi" in fonts.stdout or "Zen" in fonts.stdout


def test_no_published_amount_is_broken_across_lines(printed: dict[str, Path]) -> None:
    """review14: 玉田's 1616387.84 (元) in the 20-mm 财政资金 column printed as ``161638`` over
    ``7.84``; a number too wide for its cell is now set smaller, never broken."""
    pdf = printed["published/demo/玉田县司法局"]
    (book,) = pdf.parents[1].rglob("玉田县司法局.xlsx")
    submission, _ = read_workbook(book)
    assert submission is not None
    lines = [line.text for page in pages(pdf) for line in page.lines]
    words = Counter(word for line in lines for word in line.split())
    amounts = Counter(
        amount_text(amount)
        for project in submission.projects
        for amount in (project.budget, project.fiscal, project.other)
        if amount is not None
    )
    assert amounts["1616387.84"] == 2  # 预算数 and 财政资金 (a million 元: what did not fit)
    assert {a: n for a, n in amounts.items() if words[a] < n} == {}
