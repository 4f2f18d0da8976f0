"""plan.json's class records made column by column (plan_document._class_blocks, planner
.class_columns) are, line for line, the json module's encoding of `_class_record`: for strings
JSON must escape (quotes, backslashes, control characters), non-ASCII, "/" in ids, classes
sharing an id, decisions in any order or missing, servers named or not, and reserved runs."""

from __future__ import annotations

import json
from dataclasses import replace
from operator import attrgetter

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.arrow import pa
from planner.class_columns import class_columns, holding, json_strings
from planner.model import LicenceUse, Mode
from planner.plan import ClassDecision, DeviceClass
from planner.plan_document import (
    _ENCODER,
    Run,
    _class_blocks,
    _class_record,
    json_text,
    plan_document,
)

from .conftest import sample_plan

# Characters JSON escapes, a few it must not (/, DEL, non-ASCII, a surrogate pair's worth).
AWKWARD = st.text(alphabet=st.sampled_from(
    list('ab/"\\\x00\x01\x1f\x7f\t\n\r\x08\x0c é\u2028\U0001F600,:{}[]')), max_size=6)
SHARED = st.sampled_from(["", "S1", 'q"', "b\\s", "é/x", "\x00", "tab\t"])  # few values
LICENCES = st.lists(st.builds(LicenceUse, AWKWARD, st.integers(0, 40)), max_size=3).map(tuple)


@st.composite
def classes(draw: st.DrawFn) -> list[DeviceClass]:
    ids = draw(st.lists(st.one_of(AWKWARD, st.sampled_from(["x/y", "x/y#1", "é"])),
                        max_size=12))
    sets = draw(st.lists(LICENCES, min_size=1, max_size=3))
    return [DeviceClass(cid, draw(SHARED), draw(SHARED), draw(st.sampled_from(sets)),
                        draw(SHARED), draw(st.integers(0, 10**9)), draw(st.integers(0, 99)),
                        draw(st.one_of(SHARED, AWKWARD)), (), draw(SHARED), draw(SHARED))
            for cid in ids]


def _expected_lines(klasses: list[DeviceClass], decisions: list[ClassDecision],
                    runs: dict[str, tuple[Run, ...]]) -> list[str]:
    decided = {d.class_id: d for d in decisions}  # the last decision naming an id wins
    return [f"    {_ENCODER.encode(_class_record(c, decided.get(c.id), runs.get(c.id)))},"
            for c in sorted(klasses, key=attrgetter("id"))]


@settings(max_examples=200, deadline=None, derandomize=True)
@given(klasses=classes(), data=st.data())
def test_class_blocks_are_the_encoded_class_records(klasses: list[DeviceClass],
                                                    data: st.DataObject) -> None:
    named = [c.id for c in klasses] + data.draw(st.lists(AWKWARD, max_size=2))
    decisions = [ClassDecision(cid, "S", data.draw(st.sampled_from(list(Mode))),
                               data.draw(st.sampled_from([None, "", "DC", 'd"c'])))
                 for cid in data.draw(st.lists(st.sampled_from(named), max_size=14)
                                      if named else st.just([]))]
    if data.draw(st.booleans()):  # the solver's way: one per class, sorted by id
        decisions = sorted({d.class_id: d for d in decisions}.values(),
                           key=attrgetter("class_id"))
    runs = {cid: tuple((data.draw(st.integers(1, 5)), tuple(sorted(
        (data.draw(AWKWARD), data.draw(st.integers(1, 3))) for _ in range(2))))
        for _ in range(data.draw(st.integers(1, 2))))
        for cid in data.draw(st.lists(st.sampled_from(named), max_size=3) if named
                             else st.just([]))}
    plan = replace(sample_plan(), classes=tuple(klasses), class_decisions=tuple(decisions))
    got = b"".join(_class_blocks(plan, runs)).decode("utf-8")
    assert got.split("\n")[:-1] == _expected_lines(klasses, decisions, runs)  # not splitlines:
    # U+2028 is a line break to Python, not to JSON


def test_blocks_of_many_classes_join_into_one_list(monkeypatch: object) -> None:
    import planner.plan_document as plan_document_module

    plan = sample_plan()
    many = tuple(replace(c, id=f"{c.id}/{k}") for k in range(7) for c in plan.classes)
    plan = replace(plan, classes=many)
    setattr(plan_document_module, "_CLASSES_PER_BLOCK", 3)  # noqa: B010 - blocks of 3
    try:
        fast = json_text(plan_document(plan, encoded_classes=True))
    finally:
        setattr(plan_document_module, "_CLASSES_PER_BLOCK", 1 << 15)  # noqa: B010
    assert fast == json_text(plan_document(plan))
    assert len(json.loads(fast)["classes"]) == len(many)


def test_a_plan_without_classes_writes_an_empty_list() -> None:
    plan = replace(sample_plan(), classes=(), class_decisions=())
    assert json.loads(json_text(plan_document(plan, encoded_classes=True)))["classes"] == []


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(st.one_of(st.none(), st.text(max_size=8)), max_size=20))
def test_json_strings_are_the_json_modules(values: list[str | None]) -> None:
    got = json_strings(pa.array(values, pa.large_string())).to_pylist()
    assert got == [json.dumps(v, ensure_ascii=False) for v in values]


@settings(max_examples=100, deadline=None, derandomize=True)
@given(klasses=classes(), data=st.data())
def test_each_class_gets_the_last_decision_naming_it(klasses: list[DeviceClass],
                                                     data: st.DataObject) -> None:
    ids = [c.id for c in klasses] or ["none"]
    decisions = [ClassDecision(cid, "S", data.draw(st.sampled_from(list(Mode))))
                 for cid in data.draw(st.lists(st.sampled_from(ids), max_size=14))]
    decided = {d.class_id: k for k, d in enumerate(decisions)}
    columns = class_columns(klasses, decisions)
    assert columns.decision.tolist() == [decided.get(c.id, -1) for c in klasses]
    assert columns.by_id.tolist() == sorted(range(len(klasses)), key=lambda k: klasses[k].id)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(values=st.lists(st.one_of(st.none(), st.text(max_size=8)), max_size=12),
       chars=st.sets(st.integers(0, 127), min_size=1, max_size=40), start=st.integers(0, 3))
def test_holding_finds_the_strings_with_any_of_the_bytes(values: list[str | None],
                                                         chars: set[int], start: int) -> None:
    # Runs of consecutive byte values are compared at once; a slice of an array reads only
    # its own strings.
    array = pa.array(["x\x00\"\\", *values], pa.large_string()).slice(min(start, 1))
    wanted = bytes(sorted(chars))
    expected = [v is not None and any(b in wanted for b in v.encode()) for v in array.to_pylist()]
    assert holding(array, wanted).tolist() == expected
