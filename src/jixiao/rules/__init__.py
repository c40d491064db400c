"""Every rule of RULES.md, one module per family; importing this package registers them all."""

from jixiao.rules import (  # noqa: F401  (imported for their registrations)
    cost,
    department,
    files,
    identity,
    indicator_values,
    levels,
    money,
    overall_table,
    plan,
)
from jixiao.rules.base import (
    INDICATOR_CHECKS,
    PROJECT_CHECKS,
    RULES,
    SUBMISSION_CHECKS,
    Rule,
    Scope,
)

__all__ = ["INDICATOR_CHECKS", "PROJECT_CHECKS", "RULES", "SUBMISSION_CHECKS", "Rule", "Scope"]
