"""Per-site alternatives: the site-level pricer agrees with the optimiser, and flips are exact."""

from __future__ import annotations

from dataclasses import replace

import pytest

from planner.model import Mode
from planner.reports.sites import SitePricer
from tests.reports.conftest import Built


def test_pricer_reproduces_the_optimisers_site_costs(example: Built) -> None:
    pricer = SitePricer(example.estate, example.plan)
    for decision in example.plan.sites:
        assert pricer.chosen_price(decision.site).cost == pytest.approx(decision.total,
                                                                        rel=1e-9, abs=1e-6)


def test_every_other_mode_says_why_it_lost(hostile: Built) -> None:
    for row in hostile.tradeoff.sites:
        verdicts = {a.mode: a for a in row.alternatives}
        assert set(verdicts) == {m.value for m in Mode}
        assert [m for m, a in verdicts.items() if a.verdict == "chosen"] == row.modes.split(", ")
        for alt in verdicts.values():
            assert alt.reason
            if alt.verdict == "excluded":
                assert alt.delta is None
            elif alt.verdict == "costs more":
                assert alt.delta is not None and alt.delta >= 0


def test_secret_enclave_alternatives_are_exclusions(hostile: Built) -> None:
    enc = next(r for r in hostile.tradeoff.sites if r.site == "ENC")
    assert enc.modes == "slr"
    cssm = next(a for a in enc.alternatives if a.mode == "cssm-direct")
    assert cssm.verdict == "excluded" and "policy 'secret' forbids cssm-direct" in cssm.reason


def _number(text: str, after: str) -> float:
    return float(text.split(after)[1].split(" ")[0].split("/")[0].replace(",", ""))


def test_flip_break_evens_are_where_the_costs_tie(hostile: Built) -> None:
    """Re-pricing at the stated labour rate or exposure price makes the two site costs equal.

    BR2 runs classic (pre-SLUP) software, so SLR is eligible there: it sends no software
    version, so a high enough exposure price on the unclassified policy flips BR2 to it."""
    checked = set()
    for flip in hostile.tradeoff.flips:
        if flip.lever == "labour rate":
            rate = _number(flip.text, "labour rate of USD ")
            est = replace(hostile.estate, costs=replace(hostile.estate.costs,
                                                        labour_rate_per_hour=rate))
        elif flip.lever == "exposure price":
            price = _number(flip.text, "exposure price of USD ")
            policy = flip.text.split("for policy '")[1].split("'")[0]
            est = replace(hostile.estate, policies=tuple(
                replace(p, exposure_cost_per_device_year=price) if p.name == policy else p
                for p in hostile.estate.policies))
        else:
            continue
        mode = Mode(flip.text.split(") ")[1].split(" ")[0])
        pricer = SitePricer(est, hostile.plan)
        assert pricer.price(flip.site, mode).cost == pytest.approx(
            pricer.chosen_price(flip.site).cost, abs=0.02), flip.text
        checked.add((flip.site, flip.lever))
    assert ("BR2", "exposure price") in checked


def test_no_site_is_left_without_a_flip_line(hostile: Built) -> None:
    assert {f.site for f in hostile.tradeoff.flips} == {s.id for s in hostile.estate.sites}
