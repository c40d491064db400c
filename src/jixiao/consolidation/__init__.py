"""汇总: many sub-unit submissions → one checked unit-level picture (pure, on the model).

Money is converted to one money unit before anything is added (never 元 + 万元), exactly
(``Decimal`` until a writer puts it in a cell); projects are never merged by name; the same
项目编码 or the same sub-unit twice is flagged on both sides, never silently resolved.

One job a module, each name imported from its own module (nothing is re-exported here):
:mod:`.table` the tables' model (``Table``, ``Column``, ``Kind``); :mod:`.results` what one
file brings (``Entry``, ``FileResult``, ``Submitted``); :mod:`.columns` every summary table's
columns; :mod:`.rows` one file's rows (``file_result``); :mod:`.plan` the unit's spending plan;
:mod:`.cross_files` the checks across files; :mod:`.unit` the unit view (``Consolidation``)
and ``consolidate`` / ``consolidate_results``.  Engine-side: no reader, service, output or
template is imported here.
"""
