"""The rules catalogue: every rule's code, severity, title, message template and hint, as
text, JSON or Markdown (``docs/rules.md`` is the Markdown, kept true by a test)."""

from __future__ import annotations

import json

from jixiao.rules import RULES


def rules_json() -> list[dict[str, object]]:
    """Every rule as a JSON object."""
    return [
        {
            "code": r.code,
            "severity": r.severity.value,
            "severities": [s.value for s in r.severities],
            "title": r.title,
            "message": r.message,
            "hint": r.hint,
        }
        for r in RULES.values()
    ]


def rules_text() -> str:
    """Every rule on two lines for a terminal."""
    lines = []
    for rule in RULES.values():
        levels = "/".join(s.label for s in rule.severities)
        lines.append(f"{rule.code:<28} {levels:<6} {rule.title}\n{'':<36}→ {rule.hint}")
    return "\n".join(lines)


def render_rules(output_format: str) -> str:
    """The catalogue in ``text``, ``json`` or ``markdown``."""
    if output_format == "markdown":
        return rules_markdown().rstrip("\n")
    if output_format == "json":
        return json.dumps(rules_json(), ensure_ascii=False, indent=2)
    return rules_text()


def rules_markdown() -> str:
    """The rule catalogue as Markdown (``docs/rules.md`` is this output, kept true by a test)."""
    lines = [
        "# 校验规则一览（jixiao rules）",
        "",
        "由 `jixiao rules --format markdown` 生成，请勿手改。规则编码是稳定的契约：只增不改。",
        "级别：错误 = 表格有误；警告 = 审核时会被质疑；提示 = 供参考。",
        "",
        "| 编码 | 级别 | 名称 | 信息模板 | 修改提示 |",
        "|---|---|---|---|---|",
    ]
    for rule in RULES.values():
        levels = "/".join(s.label for s in rule.severities)
        cells = (f"`{rule.code}`", levels, rule.title, rule.message, rule.hint)
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"
