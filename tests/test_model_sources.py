"""model.CellSources: a row's field → Location mapping whose Locations are made when asked
(issue #15), behaving as the dict of the same Locations wherever the model is used."""

from __future__ import annotations

import copy
import pickle

from jixiao.model import NOWHERE, CellSources, Indicator, Location

REFS = {"level1": "A7", "level3": "C7", "value": "F7"}


def sources() -> CellSources:
    return CellSources("单位.xlsx", "项目2", REFS)


def as_dict() -> dict[str, Location]:
    return {field: Location("单位.xlsx", "项目2", ref) for field, ref in REFS.items()}


def test_it_is_the_dict_of_its_locations() -> None:
    lazy = sources()
    assert lazy == as_dict() and as_dict() == lazy
    assert list(lazy) == ["level1", "level3", "value"] == list(lazy.keys())
    assert list(lazy.items()) == list(as_dict().items())
    assert len(lazy) == 3 and "value" in lazy and "basis" not in lazy
    assert lazy["value"] == Location(file="单位.xlsx", sheet="项目2", cell="F7")
    assert repr(lazy) == repr(as_dict())
    assert lazy != {**as_dict(), "value": Location("单位.xlsx", "项目2", "G7")}


def test_get_and_a_row_falling_back_to_itself() -> None:
    lazy = sources()
    assert lazy.get("level3") == Location("单位.xlsx", "项目2", "C7")
    assert lazy.get("basis") is None
    assert lazy.get("basis", NOWHERE) is NOWHERE
    row_place = Location("单位.xlsx", "项目2", "A7")
    row = Indicator(level3="培训人次", value="≥5人次", source=row_place, sources=lazy)
    assert row.at("value") == Location("单位.xlsx", "项目2", "F7")
    assert row.at("basis") is row_place


def test_pickled_and_copied_it_stays_equal() -> None:
    row = Indicator(level3="培训人次", value="≥5人次", sources=sources())
    again = pickle.loads(pickle.dumps(row, pickle.HIGHEST_PROTOCOL))
    assert again == row and again.sources == as_dict()
    assert copy.deepcopy(row) == row
    assert isinstance(again.sources, CellSources)
