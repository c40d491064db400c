"""The project's own texts against its indicators: counts it states, and text copied from others.

A project named "购置 3 台…" with a 数量指标 of ``≥1台``, or whose 依据 states 125 人 while the
target is ``≥50人``, contradicts itself (``quantity-text-mismatch``).  A goal reused word for word
by projects with different names, or a goal or indicator naming staff or equipment that the
project's name and 资金用途 never mention, was most likely copied from another project
(``text-copied``).  The subject words and the share are the profile's.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from itertools import pairwise

from jixiao.findings import Finding, Severity
from jixiao.model import Indicator, Project, Submission
from jixiao.rules.base import Scope, define, project_check, submission_check
from jixiao.rules.department import similar
from jixiao.rules.meaning import in_levels, texts
from jixiao.values import ValueKind, format_number, parse_value

QUANTITY_TEXT_MISMATCH = define(
    "quantity-text-mismatch",
    "warning",
    "数量指标与项目自身文字不符",
    "数量指标“{name}”目标 {value} {relation}{source}写明的 {stated}（“{excerpt}”）",
    "目标值应与{source}写明的数量一致；确有差别的，在指标值确定依据中说明原因",
)
TEXT_COPIED = define(
    "text-copied",
    "warning",
    "文字可能抄自其他项目",
    "{field}“{text}”{problem}",
    "核对是否从其他项目复制：按本项目的名称和资金用途改写",
    also=("info",),
)

_CJK = "\u3400-\u9fff"
_NUMERALS = {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CHINESE = "两二三四五六七八九十"
_COUNT = re.compile(
    rf"(?<![\d.第])(?P<number>\d+(?:\.\d+)?|[{_CHINESE}][{_CHINESE}一]?)\s*"
    r"(?P<unit>人次|户次|件次|场次|台|辆|套|个(?!月|工作日|百分点)|人|名|件|次|份|场|户|项|批|部|所|家)"
)
_BEFORE = re.compile(rf"[{_CJK}]{{1,8}}$")
_AFTER = re.compile(rf"^[{_CJK}]{{1,8}}")
_SAME_UNIT = {"名": "人"}
_GENERIC = frozenset(
    ("数量", "工作", "项目", "开展", "完成", "保障", "提升", "提高", "全年", "年度", "人员", "情况")
)
_NUMBERING = re.compile(r"^\s*(?:\d{1,2}\s*[.、．]|[（(][一二三四五六七八九十\d]+[）)])\s*")
MIN_COPIED = 6
"""A goal shorter than this (after numbering and spaces) is too short to call copied."""


@dataclass(frozen=True, slots=True)
class Stated:
    """A count a text states: ``购置执法车辆 3 辆`` → 3, 辆, and the words around it."""

    number: Decimal
    unit: str
    context: str
    excerpt: str


def _chinese_number(text: str) -> Decimal | None:
    if text.isdigit() or "." in text:
        return Decimal(text)
    if text == "十":
        return Decimal(10)
    if text.startswith("十"):
        return Decimal(10 + _NUMERALS.get(text[1], 0)) if text[1] in _NUMERALS else None
    tens = _NUMERALS.get(text[0])
    if tens is None:
        return None
    if len(text) == 1:
        return Decimal(tens)
    return Decimal(tens * 10) if text[1] == "十" else None


def stated_counts(text: str | None) -> list[Stated]:
    """Every count of things or people a text states, with the words around it."""
    return list(_stated_counts(text or ""))


@lru_cache(maxsize=4096)
def _stated_counts(text: str) -> tuple[Stated, ...]:
    """:func:`stated_counts`, remembered: a project's name, 资金用途 and goal are read again
    for every 数量指标 row (Stated is frozen, so the answer is shared safely)."""
    plain = unicodedata.normalize("NFKC", text)
    found = []
    for match in _COUNT.finditer(plain):
        number = _chinese_number(match.group("number"))
        if number is None or number <= 0:
            continue
        before = _BEFORE.search(plain[: match.start()])
        after = _AFTER.search(plain[match.end() :])
        context = (before.group() if before else "") + (after.group() if after else "")
        start = match.start() - len(before.group()) if before else match.start()
        excerpt = plain[start : match.end() + (len(after.group()) if after else 0)]
        unit = _SAME_UNIT.get(match.group("unit"), match.group("unit"))
        found.append(Stated(number, unit, context, excerpt))
    return tuple(found)


@lru_cache(maxsize=4096)
def _bigrams(text: str) -> frozenset[str]:
    chars = re.sub(rf"[^{_CJK}]", " ", text)
    pairs = {a + b for word in chars.split() for a, b in pairwise(word)}
    return frozenset(pairs - _GENERIC)


def _overlap(indicator: Indicator, stated: Stated) -> int:
    return len(_bigrams(texts(indicator)) & _bigrams(stated.context))


@project_check
def quantities_match_texts(project: Project, scope: Scope) -> Iterator[Finding | None]:
    """A 数量指标 below a count of the same unit that the project's name, 资金用途 or goal
    states about the same thing, or well below one its own 依据 states (any share under the
    profile's ``quantity_text_min_share``); above the count its name states."""
    sources = (
        ("项目名称", project.name),
        ("资金用途", project.purpose),
        ("绩效目标", project.goal),
    )
    for indicator in project.indicators:
        value = parse_value(indicator.value)
        if value.kind is not ValueKind.QUANTITATIVE or value.number is None or not value.unit:
            continue
        if value.symbol is not None and value.symbol.is_upper_bound:
            continue
        if not in_levels(indicator, scope, ("数量指标",)):
            continue
        own = (("指标值确定依据", indicator.basis),)
        for source, text in (*sources, *own):
            finding = _against(indicator, value.number, value.unit, source, text, scope)
            if finding is not None:
                yield finding
                break


def _against(
    indicator: Indicator,
    target: Decimal,
    unit: str,
    source: str,
    text: str | None,
    scope: Scope,
) -> Finding | None:
    unit = _SAME_UNIT.get(unit, unit)
    counts = [s for s in stated_counts(text) if s.unit == unit]
    if source != "指标值确定依据":  # the row's own basis is about the row; other texts must be
        counts = [s for s in counts if _overlap(indicator, s) > 0]
    if not counts or any(s.number == target for s in counts):
        return None
    stated = max(counts, key=lambda s: (_overlap(indicator, s), s.number))
    share = scope.profile.quantity_text_min_share
    if target < stated.number * share:
        relation = "低于"
    elif source == "项目名称" and target > stated.number:
        relation = "高于"
    else:
        return None
    return QUANTITY_TEXT_MISMATCH.at(
        scope,
        indicator.at("value"),
        name=indicator.name,
        value=(indicator.value or "").strip(),
        relation=relation,
        source=source,
        stated=f"{format_number(stated.number)}{unit}",
        excerpt=stated.excerpt,
    )


# ------------------------------------------------------------------ text copied


def _core(text: str | None) -> str:
    """A goal without its numbering, spaces and final stop, to compare with another."""
    lines = [_NUMBERING.sub("", line) for line in (text or "").splitlines()]
    joined = "".join("".join(line.split()) for line in lines)
    return unicodedata.normalize("NFKC", joined).rstrip("。；;，,.")


@submission_check
def goals_not_copied(submission: Submission, scope: Scope) -> Iterator[Finding | None]:
    """One goal word for word in projects with different names (a generic goal reused for
    unrelated projects) is noted once, at the first of them."""
    by_goal: dict[str, list[Project]] = {}
    for project in submission.projects:
        core = _core(project.goal)
        if len(core) >= MIN_COPIED:
            by_goal.setdefault(core, []).append(project)
    for projects in by_goal.values():
        first, others = projects[0], projects[1:]
        different = [p for p in others if not similar(first.name or "", p.name or "")]
        if not different:
            continue
        yield TEXT_COPIED.at(
            scope.for_project(first),
            first.at("goal"),
            severity=Severity.INFO,
            field="绩效目标",
            text=(first.goal or "").strip(),
            problem=f"与 {'、'.join(p.label for p in different)} 的绩效目标一字不差",
        )


_DESCRIPTIONS = ("项目概况", "项目支出明细", "资金用途")
"""Attributes of the other layouts in which a project says what its money is for."""


@project_check
def subjects_belong(project: Project, scope: Scope) -> Iterator[Finding | None]:
    """A goal or indicator naming a kind of subject (编外人员, 装备…) that the project's name
    and 资金用途 never mention: once per project and kind, at its first place.

    A layout without 资金用途 (the other provinces' 申报表 and 批复表) may describe the project
    in 项目概况 / 项目支出明细 instead, which count as its own words; with neither, only the
    name would be left to compare, which says too little to call a goal copied — also in the
    申报表 workbook, filled from such forms (review17: seed 105 imported into it was told its
    goal's 聘用 was copied, while the published table was not).  The 绩效目标表 always has
    资金用途, and its name alone still tells a copied goal (review18: 法院信息化运维项目 with a
    goal about 书记员 and 车辆 went unflagged when this held for every layout)."""
    described = "\n".join(project.attributes.get(k, "") for k in _DESCRIPTIONS)
    if not (project.purpose or "").strip() and not described.strip() and scope.table_layout:
        return
    own = f"{project.name or ''}\n{project.purpose or ''}\n{described}"
    places = list(_places(project))
    written = "\n".join(text for _, text, _, _ in places)
    for subject in scope.profile.subjects:
        any_word = _any_of(subject.words)
        if any_word.search(own) or not any_word.search(written):
            continue  # named in its own words, or in none of its goal and indicators
        for field, text, owner, key in places:
            if not any_word.search(text):
                continue  # most texts: one search instead of a test per word
            word = next((w for w in subject.words if w in text), None)
            if word is not None:
                yield TEXT_COPIED.at(
                    scope,
                    owner.at(key),
                    field=field,
                    text=text.strip(),
                    problem=f"提到“{word}”，而项目名称和资金用途中都没有{subject.name}",
                )
                break


@lru_cache(maxsize=64)
def _any_of(words: tuple[str, ...]) -> re.Pattern[str]:
    """A search that finds whether a text holds any of ``words`` (which one is still read off
    the list in its order: the first listed, not the first in the text)."""
    return re.compile("|".join(map(re.escape, words)))


def _places(project: Project) -> Iterator[tuple[str, str, Project | Indicator, str]]:
    """(field, its text, whose field it is, its key): the place is looked up only for the
    one text reported, not for every text read."""
    if project.goal:
        yield "绩效目标", project.goal, project, "goal"
    for indicator in project.indicators:
        if indicator.level3:
            yield "三级指标", indicator.level3, indicator, "level3"
        if indicator.description and indicator.description != indicator.level3:
            yield "绩效指标描述", indicator.description, indicator, "description"
