"""Hostile or random input to the cycle's readers never escapes as an internal error."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.cycle.clock import interval_days, printed_date
from planner.cycle.manifest import ManifestRefused, check, load
from planner.problems import InputError, UsageError

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20)


@given(text=st.text(max_size=60))
def test_printed_dates_never_raise(text: str) -> None:
    got = printed_date(text)
    assert got is None or isinstance(got, date)
    days = interval_days(text)
    assert days is None or days >= 0


@given(day=st.dates(date(1990, 1, 1), date(2099, 12, 31)),
       zone=st.sampled_from(["UTC", "EDT", "est", "IST", "PDT", ""]))
def test_printed_dates_round_trip(day: date, zone: str) -> None:
    assert printed_date(f"{day:%b %d} 12:10:32 {day.year} {zone}") == day


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=json_values, keep_schema=st.booleans())
def test_any_manifest_is_refused_or_read_never_crashes(tmp_path_factory: object, body: object,
                                                      keep_schema: bool) -> None:
    folder = Path(tmp_path_factory.mktemp("m"))  # type: ignore[attr-defined]
    doc = body
    if keep_schema and isinstance(doc, dict):
        doc = {**doc, "schema": "planner.cycle-manifest/1"}
    (folder / "manifest.json").write_text(json.dumps(doc))
    try:
        manifest = load(folder, None)
    except (InputError, ManifestRefused, UsageError):
        return
    check(folder, manifest)  # a manifest that passed its seal is checked without error


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(["trip", "estate", "crossing", "created", "expected", "legs",
                              "trip_facts"]),
       sub=st.sampled_from(["bundle", "out", "in", None]), value=json_values)
def test_a_correctly_sealed_but_malformed_manifest_is_exit_2(tmp_path_factory: object,
                                                              field: str, sub: str | None,
                                                              value: object) -> None:
    """Someone who recomputes the plain seal over a malformed body gets a clear refusal."""
    from planner.cycle.manifest import Leg, Manifest, SealMethod, _seal

    folder = Path(tmp_path_factory.mktemp("s"))  # type: ignore[attr-defined]
    (folder / "README.md").write_text("x")
    body = Manifest("T-1", "E", "C", "2027-01-04",
                    {Leg.BUNDLE: ("README.md",), Leg.OUT: ("out/a",), Leg.IN: ("in/a",)},
                    {Leg.BUNDLE: {"README.md": "0" * 64}}).body()
    if sub is not None and isinstance(body[field], dict):
        body[field][sub] = value
    else:
        body[field] = value
    doc = {**body, "seal": {"method": "sha256", "value": _seal(body, SealMethod.SHA256, None)}}
    (folder / "manifest.json").write_text(json.dumps(doc))
    try:
        manifest = load(folder, None)
    except InputError:
        return
    found = check(folder, manifest)
    assert isinstance(found.ok, bool)
