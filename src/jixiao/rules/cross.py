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
TEMPLATE_VERSION_MIXED = define(
    "template-version-mixed",
    "warning",
    "报送文件的模板版本不一",
    "本文件的模板（{version}）与多数文件（{majority}）不同",
    "请该单位用最新模板重新填报",
)
