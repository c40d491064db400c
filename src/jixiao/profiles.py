"""Rule profiles: the indicator framework, required fields and thresholds, kept as data.

Built-in profiles live in ``rules/profiles/*.json``; a user profile file names one of them in
``extends`` and overrides only what differs.  Every profile is checked against
``schema/profile.schema.json`` before use: a bad profile is a program error (ProfileError).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from jixiao.findings import Severity
from jixiao.textfiles import (
    JsonTextError,
    decode_text,
    json_path,
    parse_json,
    read_error_reason,
    schema_problem,
)

DEFAULT_PROFILE = "hebei"
_MISSING = object()
_MAX_MEMO = 10000
_MAX_EXTENDS_DEPTH = 8


class ProfileError(Exception):
    """A profile that cannot be used (unknown name, unreadable file, invalid content)."""


@dataclass(frozen=True, slots=True)
class LevelHint:
    """Words in a 三级指标 name that place it under one 一级/二级."""

    keywords: tuple[str, ...]
    level1: str
    level2: str


@dataclass(frozen=True, slots=True)
class LevelVariant:
    """二级 labels that are written variants of one canonical label under one 一级
    (群众参与者满意度 under 满意度指标 is 服务对象满意度指标)."""

    level1: str
    contains: tuple[str, ...]
    canonical: str


@dataclass(frozen=True, slots=True)
class Meaning:
    """The words that tell what an indicator measures, and so which way its target points."""

    floor_words: tuple[str, ...] = ()
    """Names of rates that are reached, never capped (满意度, 合格率, 完成率…)."""
    floor_levels: tuple[str, ...] = ()
    """一级/二级 under which a percentage is a floor unless its name says otherwise."""
    reduction_words: tuple[str, ...] = ()
    """A name that measures a reduction (投诉减少率, 降低成本): more is better."""
    lower_is_better_words: tuple[str, ...] = ()
    """A name whose quantity should be small (投诉率, 差错, 发改率, 成本…)."""
    cost_words: tuple[str, ...] = ()
    """Money that is spent (成本, 费用, 经费): a target for it is a cap."""
    duration_words: tuple[str, ...] = ()
    """How long something takes (周期, 时长, 用时): a cap."""
    slow_day_words: tuple[str, ...] = ()
    """Words that make a 天数 a duration to cap (平均审理天数), not days of service."""
    count_units: tuple[str, ...] = ()
    """Units of counts (种, 项, 个, 人, 次…): a count is never a cost to cap."""
    ratio_words: tuple[str, ...] = ()
    """Ratios that may pass 100% (收结比, 增长率…): never percent-out-of-range."""
    money_words: tuple[str, ...] = ()
    """Names of amounts (金额, 费用, 经费…): a percentage for them is unit-mismatch."""
    unit_words: tuple[tuple[str, str], ...] = ()
    """(word in a name, the unit it calls for), tried in order: 人次 → 人次, 案件 → 件."""


@dataclass(frozen=True, slots=True)
class Subject:
    """Words naming one kind of subject (staff, equipment): a project that never mentions the
    kind in its name or 资金用途 yet names it in a goal or indicator has copied that text."""

    name: str
    words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Profile:
    """A rule set: indicator framework, aliases, required fields, thresholds, rule severities."""

    name: str
    title: str
    framework: Mapping[str, tuple[str, ...]]
    aliases: Mapping[str, str]
    required_level1: tuple[str, ...]
    recommended_level1: tuple[str, ...]
    recommended_level2: Mapping[str, tuple[str, ...]]
    requires_project_code: bool
    requires_spending_plan: bool
    requires_basis: bool
    min_satisfaction: Decimal | None
    min_plan: Mapping[str, Decimal] | None
    vague_words: tuple[str, ...]
    level_hints: tuple[LevelHint, ...]
    rule_overrides: Mapping[str, str]
    level2_variants: tuple[LevelVariant, ...] = ()
    meaning: Meaning = field(default_factory=Meaning)
    subjects: tuple[Subject, ...] = ()
    quantity_text_min_share: Decimal = Decimal("0.8")
    """A 数量指标 below this share of a count its own texts state is questioned."""
    _levels: dict[str, str | None] = field(
        default_factory=dict, compare=False, repr=False, init=False
    )
    """Memo of normalize_level: every rule asks for the same few labels again and again.  Not
    an init field: a copy made with ``dataclasses.replace`` (other aliases) starts its own."""

    def normalize_level(self, label: str | None) -> str | None:
        """Canonical 一级/二级 label: spaces removed, alias applied, suffix 指标 added."""
        if label is None:
            return None
        cached = self._levels.get(label, _MISSING)
        if cached is not _MISSING:
            return cached  # type: ignore[return-value]
        result = self._normalize_level(label)
        if len(self._levels) < _MAX_MEMO:
            self._levels[label] = result
        return result

    def _normalize_level(self, label: str) -> str | None:
        text = "".join(label.split())
        if not text:
            return None
        for candidate in (text, text + "指标", text.removesuffix("指标")):
            if candidate in self.aliases:
                return self.aliases[candidate]
        return text if text.endswith("指标") else text + "指标"

    def normalize_level2(self, label: str | None, level1: str | None) -> str | None:
        """Canonical 二级 label: as :meth:`normalize_level`, and a written variant of a 二级
        under its 一级 (``群众参与者满意度`` under 满意度指标) read as the canonical one."""
        canonical = self.normalize_level(label)
        if canonical is None or level1 is None or canonical in self.framework.get(level1, ()):
            return canonical
        for variant in self.level2_variants:
            if variant.level1 == level1 and any(w in canonical for w in variant.contains):
                return variant.canonical
        return canonical

    def severity_of(self, code: str, default: Severity) -> Severity | None:
        """The severity a rule has under this profile, or None when the profile turns it off."""
        override = self.rule_overrides.get(code)
        if override == "off":
            return None
        return Severity(override) if override else default


def _schema() -> dict[str, Any]:
    text = resources.files("jixiao.schema").joinpath("profile.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def builtin_names() -> list[str]:
    """Names of the profiles shipped with jixiao."""
    return list(_builtin_names())


def _builtin_folder() -> Traversable:
    """``rules/profiles`` inside the package, found without importing :mod:`jixiao.rules` (whose
    rule modules a listing of names does not need: ``--help`` shows the names, issue #15)."""
    return resources.files("jixiao").joinpath("rules").joinpath("profiles")


@cache
def _builtin_names() -> tuple[str, ...]:
    folder = _builtin_folder()
    names = (p.name.removesuffix(".json") for p in folder.iterdir() if p.name.endswith(".json"))
    return tuple(sorted(names))


def _read_raw(name_or_path: str) -> dict[str, Any]:
    builtin = name_or_path in builtin_names()
    if builtin:
        text = _builtin_folder().joinpath(f"{name_or_path}.json").read_text("utf-8")
    else:
        path = Path(name_or_path)
        if not path.is_file():
            known = "、".join(builtin_names())
            raise ProfileError(f"未知的规则配置“{name_or_path}”：可用 {known}，或给出配置文件路径")
        try:
            if path.stat().st_size > MAX_PROFILE_BYTES:
                raise ProfileError(f"规则配置文件 {path} 超过 1 MB，不像规则配置")
            text = decode_text(path.read_bytes())
        except OSError as exc:
            raise ProfileError(f"无法读取规则配置文件 {path}：{read_error_reason(exc)}") from None
        except UnicodeDecodeError:
            raise ProfileError(f"规则配置文件 {path} 不是 UTF-8 编码的文本") from None
    try:
        raw = parse_json(text)
    except JsonTextError as exc:
        raise ProfileError(f"规则配置 {name_or_path} {exc.reason}") from None
    if _depth(raw) > MAX_PROFILE_DEPTH:
        raise ProfileError(f"规则配置 {name_or_path} 嵌套层数过深，不像规则配置")
    if not builtin:
        _check_schema(raw, name_or_path)
    result: dict[str, Any] = raw
    return result


def _check_schema(raw: Any, name_or_path: str) -> None:
    """A user's profile file against the profile schema.  The built-in profiles are shipped
    data, checked against it by the tests (tests/test_startup.py), not at every start: the
    schema validator alone costs a tenth of a second of start-up (issue #15)."""
    import jsonschema

    errors = sorted(jsonschema.Draft202012Validator(_schema()).iter_errors(raw), key=str)
    if errors:
        first = errors[0]
        where = json_path(first.absolute_path) or "（根）"
        problem = schema_problem(first)
        raise ProfileError(f"规则配置 {name_or_path} 格式错误，位置 {where}：{problem}")


MAX_PROFILE_BYTES = 1024 * 1024
MAX_PROFILE_DEPTH = 12
"""A profile nests a few levels (framework → 一级 → list); deeper is no profile."""


def _depth(value: Any, level: int = 0) -> int:
    """How deep JSON containers nest (bounded: stops counting past the limit)."""
    if level > MAX_PROFILE_DEPTH or not isinstance(value, dict | list):
        return level
    children = value.values() if isinstance(value, dict) else value
    return max((_depth(child, level + 1) for child in children), default=level + 1)


def _resolve(name_or_path: str, depth: int = 0) -> dict[str, Any]:
    if depth > _MAX_EXTENDS_DEPTH:
        raise ProfileError(f"规则配置 {name_or_path} 的 extends 层数过多（可能循环引用）")
    raw = _read_raw(name_or_path)
    parent = raw.get("extends")
    if not parent:
        return raw
    merged = dict(_resolve(parent, depth + 1))
    for key, value in raw.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict) and key != "framework":
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


@cache
def load_profile(name_or_path: str = DEFAULT_PROFILE) -> Profile:
    """Load a built-in profile by name, or a user profile file (JSON) by path."""
    raw = _resolve(name_or_path)
    if "framework" not in raw:
        raise ProfileError(
            f"规则配置 {name_or_path} 缺少 framework（指标体系），也未 extends 内置配置"
        )
    thresholds = raw.get("thresholds", {})
    requires = raw.get("requires", {})
    min_sat = thresholds.get("min_satisfaction")
    min_plan = thresholds.get("min_plan")
    share = thresholds.get("quantity_text_min_share", 0.8)
    return Profile(
        name=raw["name"],
        title=raw.get("title", raw["name"]),
        framework={k: tuple(v) for k, v in raw["framework"].items()},
        aliases=dict(raw.get("aliases", {})),
        required_level1=tuple(raw.get("required_level1", ())),
        recommended_level1=tuple(raw.get("recommended_level1", ())),
        recommended_level2={k: tuple(v) for k, v in raw.get("recommended_level2", {}).items()},
        requires_project_code=requires.get("project_code", True),
        requires_spending_plan=requires.get("spending_plan", True),
        requires_basis=requires.get("basis", True),
        min_satisfaction=None if min_sat is None else Decimal(str(min_sat)),
        min_plan=None if min_plan is None else {k: Decimal(str(v)) for k, v in min_plan.items()},
        vague_words=tuple(raw.get("vague_words", ())),
        level_hints=tuple(
            LevelHint(tuple(h["keywords"]), h["level1"], h["level2"])
            for h in raw.get("level_hints", ())
        ),
        rule_overrides=dict(raw.get("rules", {})),
        level2_variants=tuple(
            LevelVariant(v["level1"], tuple(v["contains"]), v["canonical"])
            for v in raw.get("level2_variants", ())
        ),
        meaning=_meaning(raw.get("meaning", {})),
        subjects=tuple(Subject(s["name"], tuple(s["words"])) for s in raw.get("subjects", ())),
        quantity_text_min_share=Decimal(str(share)),
    )


def _meaning(raw: Mapping[str, Any]) -> Meaning:
    lists = {
        name: tuple(raw.get(name, ()))
        for name in (
            "floor_words",
            "floor_levels",
            "reduction_words",
            "lower_is_better_words",
            "cost_words",
            "duration_words",
            "slow_day_words",
            "count_units",
            "ratio_words",
            "money_words",
        )
    }
    unit_words = tuple((word, unit) for word, unit in raw.get("unit_words", ()))
    return Meaning(**lists, unit_words=unit_words)
