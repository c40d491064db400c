"""The main job on bundled data: sub-unit submissions made from the real published examples.

Three real units (a Hebei court in 万元, a Tianjin court in 万元, a Hebei justice bureau in 元),
the intermediate court's own 整体绩效目标表, and one more court derived from a real table with a
few planted mistakes (a spending plan that goes down, a budget split that does not add up, and a
项目编码 that another court also uses) are written as filled 绩效目标表 templates; a real Sichuan
township's 申报表 (104, in 元, weights that do not total 100; its year set to the demo's 2024 and
its 财政拨款 filled in as the whole amount, which the published table leaves out) is
written as a filled 申报表 template: a unit may receive both layouts.  Then all are consolidated.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from importlib import resources
from pathlib import Path

from jixiao.model import PlanEntry, Submission, Unit
from jixiao.readers.interchange import parse_submission
from jixiao.template.application_fill import fill_application
from jixiao.template.build import save_workbook
from jixiao.template.fill import fill_workbook

SUB_UNITS = (
    ("石家庄高新区法院.xlsx", "seed-000.json"),
    ("天津北辰区法院.xlsx", "seed-001.json"),
    ("玉田县司法局.xlsx", "seed-004.json"),
    ("中院本级.xlsx", "seed-002.json"),
)
PLANTED = "某区法院（含预置错误）.xlsx"
FORMS = ("马踏镇（申报表）.xlsx", "other-104.json")
"""The sub-unit that reports in the 申报表 layout (bundled from OTHER-FORMATS.md's 104)."""
UNIT_NAME = "某市中级人民法院（演示）"


def sample(name: str) -> Submission:
    """One bundled example as a submission."""
    text = resources.files("jixiao.samples").joinpath(name).read_text("utf-8")
    submission, findings = parse_submission(text, name)
    if submission is None:
        raise RuntimeError(f"bundled sample {name} is broken: {findings}")
    return submission


def planted_court() -> Submission:
    """A court derived from seed 000 with three typical mistakes planted."""
    original = sample("seed-000.json")
    project = original.projects[0]
    plan = tuple(
        dataclasses.replace(entry, percent=Decimal(40)) if entry.checkpoint == "10月底" else entry
        for entry in project.plan
    )
    broken = dataclasses.replace(project, name="审判业务经费", fiscal=Decimal("1000.00"), plan=plan)
    unit = Unit(name="某区人民法院", code="615002", year=2024, profile="hebei")
    return dataclasses.replace(original, unit=unit, projects=(broken,), department=None)


def file_names() -> list[str]:
    """The names of the workbooks :func:`make_submissions` writes."""
    return [*(name for name, _ in SUB_UNITS), PLANTED, FORMS[0]]


def make_submissions(folder: Path) -> list[Path]:
    """Write the demo's sub-unit workbooks into ``folder`` and return their paths."""
    written = []
    for filename, seed in SUB_UNITS:
        written.append(_save(sample(seed), folder / filename))
    written.append(_save(planted_court(), folder / PLANTED))
    filename, bundled = FORMS
    path = folder / filename
    save_workbook(fill_application(sample(bundled), min_projects=1), path)
    written.append(path)
    return written


def _save(submission: Submission, path: Path) -> Path:
    save_workbook(fill_workbook(submission, min_projects=1), path)
    return path


__all__ = ["UNIT_NAME", "PlanEntry", "file_names", "make_submissions", "planted_court"]
