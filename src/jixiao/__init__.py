"""jixiao（绩效）: templates, validation and consolidation of 预算绩效目标 tables."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("jixiao")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"
