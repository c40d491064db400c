"""Indicators and spending plans written as prose in the 部门整体绩效目标 narrative.

Two forms occur: a list ``案件结案率 ≥85% 为优、审限内结案率 …`` (name, then the value from
its first symbol or digit, or a target in words from its verb: ``…达到全市中等以上``), and
numbered items ``1、产出指标-数量指标-名称（说明），指标值>=6；``.  Values are kept as written
(converter residue such as LaTeX was removed before): the 指标值 grammar reads them later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from jixiao.findings import Finding
from jixiao.model import Indicator, Location, PlanEntry
from jixiao.rules.imports import unparsed

_ITEM = re.compile(r"(?:^|(?<=[；;。：:\s]))(\d{1,2})\s*、")
_VALUE_START = re.compile(r"\$|[≥≤<>=＝≧≦]|不低于|不少于|不高于|不超过")
_DIGIT = re.compile(r"\d")
_DASH = re.compile(r"\s*[-—－–]+\s*")
_PLAN = re.compile(
    r"((?:\d{1,2}月底[、，,和及\s]*){2,})[^%。；]{0,12}?((?:\d{1,3}(?:\.\d+)?\s*%[、，,和及\s]*)+)"
)
_NUMBERING = re.compile(r"^\s*(?:\d{1,2}\s*[、.．]|[（(][一二三四五六七八九十\d]+[）)])")
_ENDS_SENTENCE = re.compile(r"[。！？；;：:]\s*$")
_LEFTOVER_NOTE = re.compile(r"^以上.{0,20}确定")
_COMPARISON = re.compile("达到|保持|位居|位于|力争|争取|进一步|持续|稳步|不断|明显|逐步|显著|大幅")
"""Verbs that open a target written in words; the words themselves are judged by value-vague."""
MIN_NAME = 2


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of text and the line it starts on."""

    text: str
    line: int


def join(pieces: list[Piece]) -> str:
    """Lines of one paragraph joined: a line broken mid-sentence (a page break) joins without a
    separator, a new sentence or numbered item starts a new line."""
    out = ""
    for piece in pieces:
        text = piece.text.strip()
        if not text:
            continue
        if out and (_ENDS_SENTENCE.search(out) or _NUMBERING.match(text)):
            out += "\n"
        out += text
    return out


def _joined(pieces: list[Piece]) -> tuple[str, list[tuple[int, int]]]:
    """The joined text and (offset, line) marks to find the line of any offset."""
    text, marks = "", []
    for piece in pieces:
        part = piece.text.strip()
        if not part:
            continue
        if text and (_ENDS_SENTENCE.search(text) or _NUMBERING.match(part)):
            text += "\n"
        marks.append((len(text), piece.line))
        text += part
    return text, marks


def _line_at(marks: list[tuple[int, int]], offset: int) -> int | None:
    line = None
    for start, number in marks:
        if start > offset:
            break
        line = number
    return line


def plan_from(pieces: list[Piece], file: str) -> tuple[PlanEntry, ...]:
    """``资金累计支出进度3月底、6月底…分别达到30%、60%…`` → plan entries."""
    for piece in pieces:
        if match := _PLAN.search(piece.text):
            checkpoints = re.findall(r"\d{1,2}月底", match.group(1))
            percents = re.findall(r"\d{1,3}(?:\.\d+)?", match.group(2))
            where = Location(file=file, line=piece.line)
            return tuple(
                PlanEntry(c, Decimal(p), None, where)
                for c, p in zip(checkpoints, percents, strict=False)
            )
    return ()


def indicators_from(
    pieces: list[Piece], file: str, findings: list[Finding]
) -> tuple[Indicator, ...]:
    """Every indicator of a block's 绩效指标 text, in either form."""
    text, marks = _joined(pieces)
    if not text:
        return ()
    if "指标值" in text and _ITEM.search(text):
        return _numbered(text, marks, file, findings)
    return _listed(text, marks, file, findings)


def _listed(
    text: str, marks: list[tuple[int, int]], file: str, findings: list[Finding]
) -> tuple[Indicator, ...]:
    out: list[Indicator] = []
    start, current = 0, ""
    for part in text.split("、"):
        stated = _stated_without_number(part) if not current else None
        if stated is not None:  # ``审判质效达到全市中等以上``: a target in words
            line = _line_at(marks, start + stated[2])
            out.append(Indicator(level3=stated[0], value=stated[1], source=_at(file, line)))
            start += len(part) + 1
            continue
        current = f"{current}、{part}" if current else part
        value_at = _value_start(current)
        if value_at is not None and value_at > 0:
            name, value = current[:value_at].strip(), current[value_at:].strip()
            line = _line_at(marks, start + value_at)
            out.append(
                Indicator(level3=name.replace("\n", ""), value=value, source=_at(file, line))
            )
            start, current = start + len(current) + 1, ""
    if current.strip():
        findings.append(unparsed(file, _line_at(marks, start), current, "绩效指标"))
    return tuple(out)


def _stated_without_number(part: str) -> tuple[str, str, int] | None:
    """A listed target written in words (``…达到全市法院中等以上``, ``…进一步提升``): its
    name, the words from the verb on (the value, which the validator judges), and where the
    value starts; None for a part with a number or symbol, or no such verb after a name."""
    if _value_start(part) is not None:
        return None
    verb = _COMPARISON.search(part)
    if verb is None or verb.start() < MIN_NAME:
        return None
    name, value = part[: verb.start()].strip(), part[verb.start() :].strip()
    return name.replace("\n", ""), value.replace("\n", ""), verb.start()


def _value_start(text: str) -> int | None:
    found = _VALUE_START.search(text) or _DIGIT.search(text)
    return found.start() if found else None


def _numbered(
    text: str, marks: list[tuple[int, int]], file: str, findings: list[Finding]
) -> tuple[Indicator, ...]:
    starts = list(_ITEM.finditer(text))
    out: list[Indicator] = []
    for i, match in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        item = text[match.end() : end]
        line = _line_at(marks, match.start())
        indicator, leftover = _item(item, _at(file, line))
        if indicator is None:
            findings.append(unparsed(file, line, item, "绩效指标"))
            continue
        out.append(indicator)
        if leftover and not _LEFTOVER_NOTE.match(leftover):
            findings.append(unparsed(file, line, leftover, "绩效指标"))
    return tuple(out)


def _item(item: str, where: Location) -> tuple[Indicator | None, str]:
    """``产出指标-数量指标-名称（说明），指标值>=6；`` → the indicator and any text after it."""
    head, found, tail = item.partition("指标值")
    if not found:
        return None, ""
    value, leftover = _value_of(tail)
    levels = [p.strip() for p in _DASH.split(head.strip().rstrip("，,。；;").strip(), maxsplit=2)]
    level1, level2, rest = levels[0], None, ""
    if len(levels) == 3:
        level2, rest = levels[1], levels[2]
    elif len(levels) == 2:
        level2, rest = _level2_prefix(levels[1])
    name, description = _description(rest)
    indicator = Indicator(
        level1=level1 or None,
        level2=level2 or None,
        level3=name or None,
        description=description or None,
        value=value or None,
        source=where,
    )
    return indicator, leftover


def _value_of(tail: str) -> tuple[str, str]:
    """The value after 指标值 (``为`` and ``：`` dropped) up to 。/；, and what follows it."""
    tail = re.sub(r"^\s*(?:为|是|[：:])\s*", "", tail)
    cut = re.search(r"[。；;]", tail)
    if not cut:
        return tail.strip().rstrip("，,"), ""
    return tail[: cut.start()].strip().rstrip("，,"), tail[cut.end() :].strip()


def _level2_prefix(text: str) -> tuple[str | None, str]:
    """``连续性指标，长期开展…`` names its 二级 before the comma; otherwise there is no 二级."""
    first, sep, rest = text.partition("，")
    if sep and first.endswith("指标") and len(first) <= 12:
        return first, rest.strip().rstrip("。")
    return None, text


def _description(text: str) -> tuple[str, str | None]:
    """``名称（说明）`` → name and description; ``（%）`` stays part of the name."""
    text = text.strip()
    if text.endswith(("）", ")")):
        depth, at = 0, len(text) - 1
        while at >= 0:
            depth += text[at] in "）)"
            depth -= text[at] in "（("
            if depth == 0:
                break
            at -= 1
        inner = text[at + 1 : -1]
        if at >= 0 and inner.strip() not in ("%", "％"):
            return text[:at].strip(), inner.strip()
        return text, None
    open_at = max(text.rfind("（"), text.rfind("("))
    if open_at >= 0 and text.count("（") + text.count("(") > text.count("）") + text.count(")"):
        return text[:open_at].strip(), text[open_at + 1 :].strip()  # never closed
    return text, None


def _at(file: str, line: int | None) -> Location:
    return Location(file=file, line=line)
