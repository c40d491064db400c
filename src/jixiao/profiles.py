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
from pathlib import Path
from typing import Any

import jsonschema

from jixiao.findings import Severity

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
    _levels: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)
    """Memo of normalize_level: every rule asks for the same few labels again and again."""

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


@cache
def _builtin_names() -> tuple[str, ...]:
    folder = resources.files("jixiao.rules.profiles")
    names = (p.name.removesuffix(".json") for p in folder.iterdir() if p.name.endswith(".json"))
    return tuple(sorted(names))


def _read_raw(name_or_path: str) -> dict[str, Any]:
    if name_or_path in builtin_names():
        text = (
            resources.files("jixiao.rules.profiles")
            .joinpath(f"{name_or_path}.json")
            .read_text("utf-8")
        )
    else:
        path = Path(name_or_path)
        if not path.is_file():
            known = "、".join(builtin_names())
            raise ProfileError(f"未知的规则配置“{name_or_path}”：可用 {known}，或给出配置文件路径")
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ProfileError(f"无法读取规则配置文件 {path}：{exc}") from exc
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProfileError(f"规则配置 {name_or_path} 不是有效的 JSON：{exc}") from exc
    errors = sorted(jsonschema.Draft202012Validator(_schema()).iter_errors(raw), key=str)
    if errors:
        first = errors[0]
        where = "/".join(map(str, first.absolute_path)) or "（根）"
        raise ProfileError(f"规则配置 {name_or_path} 格式错误，位置 {where}：{first.message}")
    result: dict[str, Any] = raw
    return result


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
    )
