"""Reading text and JSON files a clerk hands in, with reasons in Chinese: decoding (UTF-8, or
the UTF-16 Notepad writes), operating-system errors, JSON syntax, JSON Schema problems, and
characters no spreadsheet cell can hold.  Used by the interchange reader, the document
importer and the profile loader; never the system's or a library's English words.
"""

from __future__ import annotations

import codecs
import errno
import json
import os
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jsonschema


class _Constant(ValueError):
    """``NaN``/``Infinity`` in the JSON text (Python reads them; JSON has no such numbers)."""


def _reject_constant(name: str) -> None:
    raise _Constant(name)


_READ_ERRORS = {
    errno.EACCES: "没有读取权限",
    errno.EPERM: "没有读取权限",
    errno.ENOENT: "文件不存在",
    errno.EISDIR: "这是一个文件夹",
    errno.ELOOP: "链接成环，指向不到文件",
    errno.EIO: "磁盘读取出错",
    errno.ENAMETOOLONG: "路径太长",
}


def read_error_reason(exc: OSError) -> str:
    """Why a file could not be read, in Chinese (the system's English words are left out)."""
    reason = _READ_ERRORS.get(exc.errno or 0)
    return reason or f"无法读取文件（系统错误 {exc.errno}）"


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_text(data: bytes) -> str:
    """Text bytes as UTF-8, or as the UTF-8/UTF-16 their BOM names (Notepad's "Unicode" is
    UTF-16 with a BOM).  Raises UnicodeDecodeError."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding)
    return data.decode("utf-8")


_UNHOLDABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
"""Characters no cell can hold (XML 1.0 forbids them) and no terminal should be sent."""


def holdable(text: str) -> str:
    """``text`` without the characters of :data:`_UNHOLDABLE`."""
    return _UNHOLDABLE.sub("", text) if _UNHOLDABLE.search(text) else text


def holdable_strings(value: Any) -> Any:
    if isinstance(value, str):
        return holdable(value)
    if isinstance(value, list):
        return [holdable_strings(v) for v in value]
    if isinstance(value, dict):
        return {holdable(k): holdable_strings(v) for k, v in value.items()}
    return value


_JSON_PROBLEMS = (
    ("Expecting value", "这里缺少一个值"),
    ("Expecting property name enclosed in double quotes", "字段名要用英文双引号括起来"),
    ("Expecting ':' delimiter", "缺少冒号“:”"),
    ("Expecting ',' delimiter", "缺少逗号“,”"),
    ("Unterminated string", "字符串没有结束的引号"),
    ("Invalid control character", "字符串里有控制字符（换行要写成 \\n）"),
    ("Invalid \\escape", "无效的转义“\\”"),
    ("Invalid \\uXXXX escape", "无效的 \\u 转义"),
    ("Extra data", "JSON 结束后还有多余的内容"),
)


def json_problem(message: str) -> str:
    """The JSON parser's English message in Chinese."""
    for english, chinese in _JSON_PROBLEMS:
        if message.startswith(english):
            return chinese
    return "语法错误"


class JsonTextError(ValueError):
    """JSON text that cannot be read: ``reason`` in Chinese, ``line`` when known."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


def parse_json(text: str) -> Any:
    """JSON text with exact decimals; every failure a :class:`JsonTextError` in Chinese (deep
    nesting, numbers of thousands of digits, NaN/Infinity included)."""
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        problem = json_problem(exc.msg)
        raise JsonTextError(
            f"不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列：{problem}）", exc.lineno
        ) from None
    except _Constant as exc:
        raise JsonTextError(
            f"不是有效的 JSON（{exc} 不是 JSON 允许的数值，请写数字或 null）"
        ) from None
    except RecursionError:
        raise JsonTextError("不是有效的 JSON（括号嵌套层数过深）") from None
    except ValueError:  # an integer of thousands of digits (Python's conversion limit)
        raise JsonTextError("不是有效的 JSON（有位数过多的数字）") from None


_TYPES = {
    "string": "文本",
    "number": "数字",
    "integer": "整数",
    "null": "null（空）",
    "array": "列表 [...]",
    "object": "对象 {...}",
    "boolean": "true/false",
}


def _kind(value: object) -> str:
    if value is None:
        return _TYPES["null"]
    if isinstance(value, bool):
        return _TYPES["boolean"]
    if isinstance(value, int):
        return _TYPES["integer"]
    if isinstance(value, float | Decimal):
        return _TYPES["number"]
    if isinstance(value, str):
        return _TYPES["string"]
    if isinstance(value, list):
        return _TYPES["array"]
    return _TYPES["object"]


def _shown(value: object, limit: int = 40) -> str:
    if isinstance(value, str):
        return f"“{_short(value, limit)}”"
    if isinstance(value, Decimal | float | int) and not isinstance(value, bool):
        text = str(value)
        return text if len(text) <= limit else f"{text[:limit]}…（{len(text)} 位）"
    return _kind(value)


def schema_problem(error: jsonschema.ValidationError) -> str:
    """What a schema error means, in Chinese (jsonschema's own message is English)."""
    keyword, value = error.validator, error.instance
    expected: Any = error.validator_value
    if keyword == "type":
        wanted = [expected] if isinstance(expected, str) else list(expected)
        names = "或".join(_TYPES.get(str(t), str(t)) for t in wanted)
        return f"应为{names}，实际是{_kind(value)}"
    if keyword == "required" and isinstance(value, dict):
        missing = [str(name) for name in expected if name not in value]
        return "缺少必填字段：" + "、".join(f"“{name}”" for name in missing)
    if keyword == "additionalProperties" and isinstance(value, dict):
        known = set(error.schema.get("properties", {})) if isinstance(error.schema, dict) else set()
        extra = [str(name) for name in value if name not in known]
        listed = "、".join(f"“{_short(name, 30)}”" for name in extra[:5])
        return f"有规范中没有的字段：{listed}" + ("等" if len(extra) > 5 else "")
    if keyword in ("enum", "const"):
        allowed = expected if keyword == "enum" else [expected]
        listed = "、".join(_shown(a) if a is not None else "null" for a in allowed)
        return f"{_shown(value)} 不是允许的值（应为 {listed}）"
    if keyword in ("minimum", "exclusiveMinimum"):
        return f"数值 {_shown(value)} 小于下限 {expected}"
    if keyword in ("maximum", "exclusiveMaximum"):
        return f"数值 {_shown(value)} 超过上限 {expected}"
    if keyword == "maxLength" and isinstance(value, str):
        return f"文本长 {len(value)} 个字符，超过上限 {expected}"
    if keyword == "minLength":
        return f"文本短于下限 {expected} 个字符"
    if keyword == "maxItems" and isinstance(value, list):
        return f"有 {len(value)} 项，超过上限 {expected} 项"
    if keyword == "minItems":
        return f"至少要有 {expected} 项"
    if keyword in ("pattern", "format"):
        return f"{_shown(value)} 的格式不符合规范"
    return "不符合规范"


def _short(message: str, limit: int = 200) -> str:
    return message if len(message) <= limit else message[:limit] + "…"


def json_path(parts: Iterator[object] | Any) -> str:
    """``projects[2].indicators[4].value`` from a sequence of keys and indexes."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""Control characters (tab and newline excepted) and bidirectional overrides."""


def printable(text: str) -> str:
    """``text`` safe for a terminal: control characters and direction overrides become ``�``."""
    return _CONTROL.sub("\ufffd", text) if _CONTROL.search(text) else text


def readable_path(path: Path | str) -> str:
    """A path as a clerk can read it, also when its name is not valid UTF-8 (a Windows archive
    unpacked on Linux leaves GBK names): those bytes are read as GB18030.  Control characters
    and direction overrides in a name are shown as ``?``."""
    text = str(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raw = os.fsencode(text)
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            text = raw.decode("utf-8", "replace")
    return _CONTROL.sub("?", text)
