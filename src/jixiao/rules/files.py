"""File-level problems: unreadable files, wrong templates, interchange JSON of the wrong shape.

These rules are reported by the readers, before any submission exists, so they do not go
through a profile (a profile cannot turn off "this file could not be read").
"""

from __future__ import annotations

from jixiao.findings import Finding
from jixiao.model import Location
from jixiao.rules.base import Rule, define

FILE_UNREADABLE = define(
    "file-unreadable",
    "error",
    "文件无法读取",
    "无法读取：{reason}",
    "确认文件是 jixiao 模板填写的 .xlsx、提交 JSON 或绩效目标文档（.docx/.txt/.md），"
    "未加密、未损坏；可重新保存或导出后再试",
)
TEMPLATE_TAMPERED = define(
    "template-tampered",
    "error",
    "模板结构被改动",
    "模板结构与已知模板不一致：{reason}",
    "请在原模板中填写，不要插入/删除行列或改动标签；可用“新建项目表”重新生成",
)
SCHEMA_INVALID = define(
    "schema-invalid",
    "error",
    "提交数据格式不符合规范",
    "数据格式错误（{path}）：{reason}",
    "按 jixiao schema 输出的 JSON Schema 修正该字段",
)


def file_finding(rule: Rule, file: str, where: Location | None = None, **params: object) -> Finding:
    """A finding about a whole file (or a place in it) that no profile can switch off."""
    message, hint = rule.render(**params)
    where = where or Location()
    return Finding(
        code=rule.code,
        severity=rule.severity,
        file=file,
        sheet=where.sheet,
        cell=where.cell,
        project_code=None,
        project_name=None,
        message=message,
        hint=hint,
        line=where.line,
        path=where.path,
    )
