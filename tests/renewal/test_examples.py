"""The renewal read on the bundled examples: every finding complete, the JSON valid, and the
history-driven kinds appearing once snapshots exist."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from planner.history import add_snapshot, from_estate, open_history
from planner.loader import load_estate
from planner.renewal import FindingKind, run_renewal
from planner.resources import examples_dir, models_dir

REFERENCE = date(2026, 6, 1)
RENEWAL = date(2027, 1, 31)


def _examples() -> list[Path]:
    try:
        root = examples_dir()
    except FileNotFoundError:
        return []
    return sorted(p for p in root.glob("*/estate.yaml"))


EXAMPLES = _examples()


@pytest.mark.skipif(not EXAMPLES, reason="no bundled examples in this checkout")
@pytest.mark.parametrize("path", EXAMPLES, ids=[p.parent.name for p in EXAMPLES])
def test_every_finding_is_complete_and_the_json_validates(path: Path) -> None:
    estate = load_estate(path, today=REFERENCE).estate
    brief = run_renewal(estate, reference=REFERENCE, renewal=RENEWAL)
    assert brief.findings
    for f in brief.findings:
        assert f.signal and f.reading and f.counter_move, f.id
        assert f.money >= 0 and f.currency == estate.costs.currency
        assert f.evidence.numbers, f.id
    assert len({f.id for f in brief.findings}) == len(brief.findings)
    doc = json.loads(json.dumps(brief.to_dict(), sort_keys=True))
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((models_dir() / "renewal.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(doc, schema)


@pytest.mark.skipif(not EXAMPLES, reason="no bundled examples in this checkout")
def test_history_kinds_appear_on_an_example(tmp_path: Path) -> None:
    estate = load_estate(EXAMPLES[0], today=REFERENCE).estate
    # An earlier estate without every tenth device, stored twice: growth since then, and any
    # VA that never had devices nor changed is dormant.
    earlier = replace(estate, devices=tuple(d for i, d in enumerate(estate.devices) if i % 10))
    conn = open_history(tmp_path / "h.db")
    add_snapshot(conn, from_estate(earlier, date(2026, 1, 1)))
    add_snapshot(conn, from_estate(earlier, date(2026, 3, 1)))
    brief = run_renewal(estate, reference=REFERENCE, renewal=RENEWAL, conn=conn)
    kinds = {f.kind for f in brief.findings}
    assert FindingKind.GROWTH in kinds
    no_devices = [f for f in run_renewal(estate, reference=REFERENCE, renewal=RENEWAL).findings
                  if f.kind is FindingKind.VA_NO_DEVICES]
    dormant = [f for f in brief.findings if f.kind is FindingKind.VA_DORMANT]
    assert [f.subject for f in dormant] == [f.subject for f in no_devices]
    assert brief.since == date(2026, 1, 1)
    assert {p.source for p in brief.series} == {"snapshot", "estate"}
