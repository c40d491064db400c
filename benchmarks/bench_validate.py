"""Validation speed: a generated 1,000-project / 10,000-indicator submission, and one row check.

Prints rows per second for the whole submission and microseconds for a single indicator row
(what a live worksheet function calls).  Aims (issue #2): the whole submission well under a
second, one row under 50 µs.  Run: ``python benchmarks/bench_validate.py [--projects N]``.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from decimal import Decimal
from typing import Any

from jixiao.excel import udf_support
from jixiao.model import Indicator
from jixiao.money import MoneyUnit
from jixiao.readers.interchange import parse_submission
from jixiao.validate import check_indicator, validate_submission
from jixiao.values import parse_value

ROWS = [
    ("产出指标", "数量指标", "办理案件数", "≥{n}件"),
    ("产出指标", "数量指标", "培训人次", "≥{n}人次"),
    ("产出指标", "质量指标", "案件审结率", "≥{p}%"),
    ("产出指标", "质量指标", "验收合格率", "{p}%"),
    ("产出指标", "时效指标", "资金拨付及时率", "≥{p}%"),
    ("产出指标", "时效指标", "完成时限", "2024年{m}月底前"),
    ("产出指标", "成本指标", "设备购置费", "≤{c}万元"),
    ("效益指标", "社会效益指标", "群众知晓率", "≥{p}%"),
    ("效益指标", "可持续影响指标", "保障水平", "持续提升"),
    ("满意度指标", "服务对象满意度指标", "群众满意度", "≥{p}%"),
]


def generate(projects: int, seed: int = 7) -> dict[str, Any]:
    """A realistic submission with unique values (so parsing is not served from a cache)."""
    rng = random.Random(seed)
    out = []
    for i in range(projects):
        budget = round(rng.uniform(5, 2000), 2)
        indicators = [
            {
                "level1": l1,
                "level2": l2,
                "level3": name,
                "description": name,
                "basis": "历史数据",
                "value": template.format(
                    n=rng.randint(1, 99999),
                    p=rng.randint(60, 100),
                    m=rng.randint(1, 12),
                    c=round(budget * rng.random(), 2),
                ),
            }
            for l1, l2, name, template in ROWS
        ]
        out.append(
            {
                "number": i + 1,
                "code": f"13010024P{i:06d}1{i % 10000:04d}X",
                "name": f"项目{i + 1}",
                "budget": budget,
                "fiscal": budget,
                "other": None,
                "purpose": "保障业务正常开展",
                "plan": [
                    {"checkpoint": c, "percent": p}
                    for c, p in (("3月底", 25), ("6月底", 50), ("10月底", 75), ("12月底", 100))
                ],
                "goal": "保障业务正常开展",
                "indicators": indicators,
            }
        )
    return {
        "format": "jixiao-submission",
        "version": 1,
        "unit": {"name": "基准测试单位", "year": 2024, "money_unit": "万元"},
        "projects": out,
    }


def best_of(repeat: int, func: Any) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--projects", type=int, default=1000)
    args = parser.parse_args()
    text = json.dumps(generate(args.projects), ensure_ascii=False)
    submission, problems = parse_submission(text, "bench.json")
    assert submission is not None, problems
    rows = sum(len(p.indicators) for p in submission.projects)

    load = best_of(3, lambda: parse_submission(text, "bench.json"))

    def cold() -> None:
        parse_value.cache_clear()
        validate_submission(submission)

    validate_cold = best_of(3, cold)
    validate_warm = best_of(3, lambda: validate_submission(submission))

    row = Indicator("产出指标", "成本指标", "设备购置费", "设备购置费", "≤413.73万元", "询价")
    budget = Decimal("806.72")
    n = 20000
    start = time.perf_counter()
    for i in range(n):
        parse_value.cache_clear() if i % 2 else None
        check_indicator(row, budget=budget, money_unit=MoneyUnit.WAN, year=2024)
    per_row = (time.perf_counter() - start) / n
    start = time.perf_counter()
    for _ in range(n):  # what JX_CHECK_ROW runs for one cell, argument conversion included
        udf_support.check_row(
            "产出指标", "成本指标", "设备购置费", "≤413.73万元", "询价", 806.72, "万元", 2024.0
        )
    per_udf = (time.perf_counter() - start) / n

    print(f"submission: {args.projects} projects, {rows} rows, {len(text) / 1e6:.1f} MB JSON")
    print(f"load + schema check : {load:.3f} s")
    print(f"validate (cold)     : {validate_cold:.3f} s = {rows / validate_cold:,.0f} rows/s")
    print(f"validate (warm)     : {validate_warm:.3f} s = {rows / validate_warm:,.0f} rows/s")
    print(f"one row check       : {per_row * 1e6:.1f} µs (aim < 50 µs)")
    print(
        f"JX_CHECK_ROW body   : {per_udf * 1e6:.1f} µs (warm, xlwings' own call overhead excluded)"
    )
    print(f"ratio whole/aim(1s) : {validate_cold / 1.0:.2f}")


if __name__ == "__main__":
    main()
