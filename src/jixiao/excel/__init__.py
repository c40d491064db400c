"""Excel integration: worksheet-function support, ribbon handlers, add-in installation."""

WINDOWS_PYTHONS = ("3.11", "3.12", "3.13", "3.14")
"""The Python versions jixiao supports on a Windows desk, oldest first: the ones for which every
dependency has a 64-bit Windows wheel (xlwings 0.37.8, pywin32, python-calamine, lxml, rpds-py:
checked with ``pip download --only-binary=:all: --platform win_amd64 --python-version 3.14``;
3.15's wheels exist too, but jixiao has not been tried on it).  The one owner: ``jixiao excel
bundle`` offers these, and install.ps1 accepts these (its ``$Supported``, a copy a test keeps
equal: the script runs before any Python is found).  Here, not in ``bundle.py``, so that the
command line's ``--python`` choices cost no import at start-up."""
