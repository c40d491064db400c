"""jixiao（绩效）: templates, validation and consolidation of 预算绩效目标 tables."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    """``jixiao.__version__``, looked up only when asked: reading the installed metadata costs
    tens of milliseconds of every command's start-up (issue #15), and few commands print it."""
    if name != "__version__":
        raise AttributeError(f"module 'jixiao' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("jixiao")
    except PackageNotFoundError:  # running from a source tree that was not installed
        found = "0.0.0"
    globals()["__version__"] = found
    return found
