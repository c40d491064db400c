"""The indicator framework: valid 一级/二级 labels, aliases, and the categories a project needs."""

from __future__ import annotations

from collections.abc import Iterator

from jixiao.findings import Finding, Severity
from jixiao.model import Indicator, Project
from jixiao.profiles import LevelHint, Profile
from jixiao.rules.base import Scope, define, indicator_check, project_check
from jixiao.rules.meaning import canonical_levels, memo_of, remember

LEVEL_INVALID = define(
    "level-invalid",
    "error",
    "指标级次不符合指标体系",
    "{level}“{label}”{reason}",
    "从下拉列表选择：{allowed}",
)
LEVEL_ALIAS = define(
    "level-alias",
    "info",
    "指标名称使用了别称",
    "{level}“{label}”按“{canonical}”处理",
    "建议改为规范名称“{canonical}”",
    once=("info",),
)
LEVEL_MISMATCH = define(
    "level-mismatch",
    "warning",
    "三级指标可能放错了级次",
    "三级指标“{name}”含“{keyword}”，却放在 {level1}/{level2} 下",
    "考虑移到 {expected1}/{expected2} 下",
)
CATEGORY_MISSING = define(
    "category-missing",
    "error",
    "缺少必备的指标类别",
    "项目缺少{category}",
    "补充至少一条{category}",
    also=("warning",),
)


def levels_valid(indicator: Indicator, scope: Scope) -> bool:
    """True when 一级 is in the framework and 二级 (if given) belongs under it."""
    level1, level2 = canonical_levels(indicator, scope)
    allowed = scope.profile.framework.get(level1 or "")
    return allowed is not None and (level2 is None or level2 in allowed)


@indicator_check
def level_labels(indicator: Indicator, scope: Scope) -> Iterator[Finding | None]:
    """一级 must be in the profile's framework and 二级 allowed under it (after aliasing)."""
    in_project = scope.project is not None
    if not in_project and indicator.level1 is None and indicator.level2 is None:
        return  # department narrative indicators often name no levels at all
    framework = scope.profile.framework
    level1, level2 = canonical_levels(indicator, scope)
    named = "" if in_project else named_indicator(indicator)
    if level1 is None or level1 not in framework:
        yield LEVEL_INVALID.at(
            scope,
            indicator.at("level1"),
            level="一级指标",
            label=indicator.level1 or "",
            reason=("为空" if level1 is None else "不在指标体系中") + named,
            allowed="、".join(framework),
        )
        return
    if level2 is None and not in_project:
        return
    if level2 is None or level2 not in framework[level1]:
        yield LEVEL_INVALID.at(
            scope,
            indicator.at("level2"),
            level="二级指标",
            label=indicator.level2 or "",
            reason=("为空" if level2 is None else f"不属于一级指标“{level1}”") + named,
            allowed="、".join(framework[level1]),
        )


def named_indicator(indicator: Indicator) -> str:
    """``（社会公众投诉率）``: the indicator a finding on a narrative row is about.  Every row of
    a narrative 分项 stands on one line of the document, its 指标值 often a sentence, so the
    level alone does not say which indicator is meant (a project row has its cell); as
    rules.department.levels_left_out names it (issue 15's grammar gaps)."""
    return f"（{indicator.name}）" if indicator.name else ""


@indicator_check
def level_aliases(indicator: Indicator, scope: Scope) -> Iterator[Finding | None]:
    """A label spelled with a known alias (效果指标 → 效益指标) or a variant (群众参与者满意度
    → 服务对象满意度指标) is accepted, with a note (once per file: see Rule.once)."""
    for field_name, level, raw, canonical in _aliased(indicator, scope):
        yield LEVEL_ALIAS.at(
            scope, indicator.at(field_name), level=level, label=raw, canonical=canonical
        )


def _aliased(indicator: Indicator, scope: Scope) -> tuple[tuple[str, str, str, str], ...]:
    """(field, level, as written, canonical) of the row's 一级/二级 written with an alias or a
    variant; remembered per profile by the two labels as written (all the answer reads)."""
    memo = memo_of(scope.profile)
    key = ("aliased", indicator.level1, indicator.level2)
    found = memo.get(key)
    if found is None:
        level1, level2 = canonical_levels(indicator, scope)
        aliased = []
        for field_name, level, raw, canonical in (
            ("level1", "一级指标", indicator.level1, level1),
            ("level2", "二级指标", indicator.level2, level2),
        ):
            if raw is None or canonical is None:
                continue
            written = "".join(raw.split())
            if canonical not in (written, written + "指标"):
                aliased.append((field_name, level, raw, canonical))
        found = remember(memo, key, tuple(aliased))
    return found  # type: ignore[return-value]


@indicator_check
def level_hints(indicator: Indicator, scope: Scope) -> Iterator[Finding | None]:
    """A 三级 name that says where it belongs (社会评价 under 经济效益指标) is questioned."""
    name = indicator.level3 or ""
    if not name:
        return
    level1, level2 = canonical_levels(indicator, scope)
    allowed = scope.profile.framework.get(level1 or "")  # levels_valid, with level2 given
    if level2 is None or allowed is None or level2 not in allowed:
        return
    for hint, keyword in _hints_named(name, scope.profile):
        if (level1, level2) != (hint.level1, hint.level2):
            yield LEVEL_MISMATCH.at(
                scope,
                indicator.at("level3"),
                name=name,
                keyword=keyword,
                level1=level1,
                level2=level2,
                expected1=hint.level1,
                expected2=hint.level2,
            )
            return


def _hints_named(name: str, profile: Profile) -> tuple[tuple[LevelHint, str], ...]:
    """The profile's level hints whose keywords ``name`` contains, in order, each with its
    first keyword found (remembered per profile: 300 rows hold a few dozen names)."""
    memo = memo_of(profile)
    key = ("hints", name)
    found = memo.get(key)
    if found is None:
        named = []
        for hint in profile.level_hints:
            keyword = next((k for k in hint.keywords if k in name), None)
            if keyword:
                named.append((hint, keyword))
        found = remember(memo, key, tuple(named))
    return found  # type: ignore[return-value]


@project_check
def categories(project: Project, scope: Scope) -> Iterator[Finding | None]:
    """产出 and 效益 are required (E); 满意度 and the 产出 sub-categories are expected (W).

    Not for a table the document breaks off inside (``Project.cut_off``, reported by the
    importer as ``import-unparsed``): the categories after the break were never seen, so
    their absence says nothing about what the unit filed."""
    if project.cut_off:
        return
    profile = scope.profile
    present: dict[str, set[str]] = {}
    for indicator in project.indicators:
        level1, level2 = canonical_levels(indicator, scope)
        if level1:
            present.setdefault(level1, set()).add(level2 or "")
    where = project.at("indicators")
    for level1 in profile.required_level1:
        if level1 not in present:
            yield CATEGORY_MISSING.at(scope, where, category=level1)
    for level1 in profile.recommended_level1:
        if level1 not in present:
            yield CATEGORY_MISSING.at(scope, where, severity=Severity.WARNING, category=level1)
    for level1, expected in profile.recommended_level2.items():
        if level1 not in present:
            continue
        for level2 in expected:
            if level2 not in present[level1]:
                yield CATEGORY_MISSING.at(
                    scope, where, severity=Severity.WARNING, category=f"{level1}下的{level2}"
                )
