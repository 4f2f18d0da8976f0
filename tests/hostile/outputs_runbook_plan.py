"""`planner runbook --plan` trusts nothing in plan.json: decisions are re-checked against the
estate's eligibility rules and the plan must come from these very input files."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from planner.eligibility import allowed_modes
from planner.loader import load_estate
from planner.model import Mode
from planner.problems import InputError
from planner.runbooks.planned import from_plan_file

from ._outkit import DATE, refused, run, write_estate


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    root = tmp_path_factory.mktemp("rbplan")
    estate = write_estate(root / "e", devices=60, sites=12, seed=3)
    assert run("plan", str(estate), "-o", str(root / "plan"), "--date", DATE).exit_code == 0
    return estate, json.loads((root / "plan" / "plan.json").read_text())


def _write(tmp_path: Path, doc: dict[str, object]) -> Path:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc))
    return path


def _excluded_pairs(estate_path: Path, doc: dict[str, object]) -> list[tuple[int, Mode, str]]:
    """(class index, a mode the rules exclude for it, its site) for every class."""
    from planner.catalogue import estate_catalogue
    from planner.eligibility import mode_exclusions
    from planner.graph import analyse_reach
    from planner.model import LicensingState
    from planner.modes import load_modes
    from planner.optimise.classes import build_classes

    estate = load_estate(estate_path).estate
    classes = build_classes(estate, estate_catalogue(estate))
    by_id = {c.id: c for c in classes.classes}
    reach, specs = analyse_reach(estate), load_modes()
    sites = {s.id: s for s in estate.sites}
    pairs = []
    for i, raw in enumerate(doc["classes"]):  # type: ignore[arg-type]
        cls = by_id[raw["id"]]
        verdict = mode_exclusions(estate, sites[cls.site], classes.families[cls.id], cls.version,
                                  LicensingState(cls.state), reach, specs)
        ok = allowed_modes(verdict)
        pairs += [(i, m, cls.site) for m in Mode if m not in ok]
    return pairs


def test_a_secret_site_forced_onto_the_internet_is_refused(planned: tuple[Path, dict[str, object]],
                                                           tmp_path: Path) -> None:
    estate, doc = planned
    pairs = [p for p in _excluded_pairs(estate, doc) if p[1] is Mode.CSSM_DIRECT]
    assert pairs, "the estate has sites that may not report to CSSM directly"
    index, mode, site = pairs[0]
    tampered = json.loads(json.dumps(doc))
    tampered["classes"][index]["mode"] = mode.value
    out = tmp_path / "rb"
    refused(run("runbook", str(estate), "--plan", str(_write(tmp_path, tampered)), "-o", str(out),
                "--date", DATE), f"site {site}", "mode cssm-direct is not allowed")
    assert not out.exists()


def test_every_excluded_decision_is_refused(planned: tuple[Path, dict[str, object]],
                                            tmp_path: Path) -> None:
    estate_path, doc = planned
    estate = load_estate(estate_path).estate
    pairs = _excluded_pairs(estate_path, doc)
    for index, mode, site in random.Random(13).sample(pairs, min(25, len(pairs))):
        tampered = json.loads(json.dumps(doc))
        tampered["classes"][index]["mode"] = mode.value
        with pytest.raises(InputError) as info:
            from_plan_file(estate, _write(tmp_path, tampered))
        text = str(info.value)
        assert f"site {site}" in text and mode.value in text, text


def test_an_onprem_server_that_cannot_reach_the_site_is_refused(
        planned: tuple[Path, dict[str, object]], tmp_path: Path) -> None:
    estate_path, doc = planned
    estate = load_estate(estate_path).estate
    onprem = [i for i, c in enumerate(doc["classes"])  # type: ignore[arg-type]
              if c["mode"] in ("onprem-network", "onprem-manual")]
    if not onprem:
        pytest.skip("this estate plans no On-Prem site")
    tampered = json.loads(json.dumps(doc))
    tampered["classes"][onprem[0]]["server_site"] = "NOWHERE"
    with pytest.raises(InputError, match="cannot serve site"):
        from_plan_file(estate, _write(tmp_path, tampered))


def test_a_plan_of_other_inputs_is_refused(planned: tuple[Path, dict[str, object]],
                                           tmp_path: Path) -> None:
    _estate, doc = planned
    copy = write_estate(tmp_path / "copy", devices=60, sites=12, seed=3)
    devices = copy.parent / "devices.csv"
    devices.write_text(devices.read_text() + "\n")  # one byte more: another inventory
    out = tmp_path / "rb"
    refused(run("runbook", str(copy), "--plan", str(_write(tmp_path, doc)), "-o", str(out)),
            "devices.csv", "changed since the plan was made")
    other = write_estate(tmp_path / "other", devices=12, sites=3, seed=9)
    refused(run("runbook", str(other), "--plan", str(_write(tmp_path, doc)), "-o", str(out)),
            "changed since the plan was made")
    assert not out.exists()


def test_a_plan_without_input_hashes_is_refused(planned: tuple[Path, dict[str, object]],
                                                tmp_path: Path) -> None:
    estate, doc = planned
    tampered = json.loads(json.dumps(doc))
    del tampered["estate"]["sources"]
    refused(run("runbook", str(estate), "--plan", str(_write(tmp_path, tampered)),
                "-o", str(tmp_path / "rb")), "no input hashes")


def test_the_untampered_plan_is_accepted(planned: tuple[Path, dict[str, object]],
                                         tmp_path: Path) -> None:
    estate, doc = planned
    result = run("runbook", str(estate), "--plan", str(_write(tmp_path, doc)),
                 "-o", str(tmp_path / "rb"), "--date", DATE)
    assert result.exit_code == 0, result.output
