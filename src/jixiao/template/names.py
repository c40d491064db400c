"""The template facts the command line shows in its help before any template is built: the
layouts by name and how many project sheets a template has.  They live apart from the layout
specs (:mod:`jixiao.template.layout`, :mod:`jixiao.template.application`), which re-export
them: building those specs at import costs tens of milliseconds that ``jixiao --help`` and
every command that builds no template should not pay (issue #15)."""

from __future__ import annotations

FIRST_LAYOUT = "绩效目标表"
"""The Hebei/Tianjin 项目支出绩效目标表 workbook (:mod:`jixiao.template.layout`)."""
APPLICATION_LAYOUT = "申报表"
"""The 项目支出绩效目标申报表 workbook (:mod:`jixiao.template.application`)."""
TEMPLATE_LAYOUTS = (FIRST_LAYOUT, APPLICATION_LAYOUT)
"""The template layouts, the first layout's first: ``--layout`` offers them."""

DEFAULT_PROJECTS = 30
"""Project sheets in a new template."""
MAX_PROJECTS = 200
"""The most project sheets a template may have."""
