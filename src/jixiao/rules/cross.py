"""Rules across submissions, checked when a unit consolidates its sub-units (汇总)."""

from __future__ import annotations

from jixiao.rules.base import define

SUBMISSION_DUPLICATE = define(
    "submission-duplicate",
    "error",
    "同一单位重复报送",
    "“{unit}”报送了 {count} 份（{files}）",
    "确认以哪一份为准，删除或改名其余文件后重新汇总（汇总时两份都已计入）",
)
YEAR_MIXED = define(
    "year-mixed",
    "warning",
    "报送文件的预算年度不一",
    "本文件的预算年度（{year} 年）与多数文件（{majority} 年）不同",
    "确认是否误放了其他年度的文件：不同年度的预算不应相加（汇总时本文件已计入各合计）",
)
TEMPLATE_VERSION_MIXED = define(
    "template-version-mixed",
    "warning",
    "报送文件的模板版本不一",
    "本文件的模板（{version}）与多数文件（{majority}）不同",
    "请该单位用最新模板重新填报",
)
