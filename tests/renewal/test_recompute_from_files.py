"""Every price in the brief recomputed from the input files with the documented rule.

A two-snapshot estate where growth, relicensing, several prices per licence, unpriced lines and
a lapsed term all occur. The test reads entitlements.csv, devices.csv, the estate's `prices:`
and models/licences.yaml itself (csv and yaml, no planner code) and applies the rule stated in
docs/renewal-schema.md: a line's unit_price, else `prices:`, else the list price; weighted over
a VA's lines in force (a lapsed line's own quantity when none is); never another VA's line.
"""

from __future__ import annotations

import csv
import json
import math
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from planner.cli import main
from planner.resources import models_dir

REFERENCE = date(2026, 6, 1)
PRICES = {"network-advantage": 1020.0}
ESTATE = """\
name: Recompute Estate
account: {name: Recompute, domain: recompute.example, holder: customer}
virtual_accounts:
  - {name: DEFAULT, default: true}
  - {name: NET}
  - {name: LAB}
  - {name: EDGE}
  - {name: POOL}
sites:
  - {id: HQ, name: Headquarters, classification: regulated, internet: proxy}
  - {id: BR, name: Branch, classification: regulated, internet: proxy}
links:
  - {a: HQ, b: BR}
prices: {network-advantage: 1020}
inventory:
  devices: [devices.csv]
  entitlements: [entitlements.csv]
"""
ENTS = """\
virtual_account,licence,quantity,in_use,reserved,term,start,end,subscription_id,unit_price
NET,network-advantage,10,,,perpetual,,,,929.30
NET,network-advantage,5,,,perpetual,,,,
LAB,network-advantage,4,,,perpetual,,,,553.11
NET,dna-advantage,6,,,term,2024-01-01,2026-03-31,S1,300
NET,dna-advantage,2,,,term,2025-01-01,2028-01-01,S2,
NET,network-essentials,8,,,perpetual,,,,400
EDGE,network-essentials,2,,,perpetual,,,,300
EDGE,network-essentials,6,,,perpetual,,,,500
POOL,dna-essentials,5,,,term,2025-01-01,2028-01-01,S3,100
POOL,dna-essentials,3,,,term,2025-01-01,2028-01-01,S4,
"""
HEADER = "hostname,pid,serial,site,virtual_account,version,state,licences,members\n"


def _devices(rows: list[tuple[str, str, str, str]]) -> str:
    return HEADER + "".join(f"{h},C9300-48P,SN{h.upper()},{site},{va},17.12.4,slup,{lic},\n"
                            for h, site, va, lic in rows)


BOTH = "network-advantage:1;dna-advantage:1"
BEFORE = ([(f"h{i}", "HQ", "NET", BOTH) for i in range(1, 11)]
          + [("h11", "HQ", "NET", "network-essentials:1"), ("l1", "BR", "LAB",
                                                             "network-advantage:1"),
             ("e1", "BR", "EDGE", "network-advantage:1"), ("e2", "BR", "EDGE",
                                                           "network-advantage:1")])
AFTER = ([(f"h{i}", "HQ", "NET", BOTH) for i in range(1, 21)]  # h11 relicensed, h12-h20 added
         + [("l1", "BR", "LAB", "network-advantage:1"),
            ("e1", "BR", "EDGE", "network-advantage:1"),
            ("e2", "BR", "EDGE", "network-advantage:1")])


def _licences() -> dict[str, dict[str, Any]]:
    doc = yaml.safe_load((models_dir() / "licences.yaml").read_text(encoding="utf-8"))
    return dict(doc["licences"])


class Rule:
    """The documented price rule, implemented from the files alone."""

    def __init__(self, folder: Path) -> None:
        self.lic = _licences()
        self.rows: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        path = folder / "entitlements.csv"
        with path.open(encoding="utf-8", newline="") as fh:
            for number, row in enumerate(csv.DictReader(fh), start=2):
                end = date.fromisoformat(row["end"]) if row["end"] else None
                start = date.fromisoformat(row["start"]) if row["start"] else None
                live = not (start and start > REFERENCE) and not (
                    row["term"] == "term" and end is not None and end < REFERENCE)
                price = (float(row["unit_price"]) if row["unit_price"]
                         else self.fallback(row["licence"]))
                self.rows[(row["virtual_account"], row["licence"])].append({
                    "q": int(row["quantity"]), "live": live, "price": price,
                    "term": row["term"] == "term", "origin": f"{path}:{number}"})

    def fallback(self, tag: str) -> float:
        return PRICES.get(tag, float(self.lic[tag]["list_price"]))

    def price(self, va: str, tag: str) -> float:
        rows = self.rows.get((va, tag), [])
        live = [r for r in rows if r["live"] and r["q"] > 0]
        basis = live or rows
        if not basis:
            return self.fallback(tag)
        weight = sum(r["q"] for r in basis)
        return sum(r["q"] * r["price"] for r in basis) / weight

    def value(self, va: str, tag: str) -> float:
        return sum(r["q"] * r["price"] for r in self.rows.get((va, tag), []) if r["live"])

    def entitled(self, va: str, tag: str) -> int:
        return sum(r["q"] for r in self.rows.get((va, tag), []) if r["live"])

    def origins(self, va: str, tag: str) -> list[str]:
        return [r["origin"] for r in self.rows.get((va, tag), [])]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Rule]:
    folder = tmp_path_factory.mktemp("recompute")
    (folder / "estate.yaml").write_text(ESTATE, encoding="utf-8")
    (folder / "entitlements.csv").write_text(ENTS, encoding="utf-8")
    estate = str(folder / "estate.yaml")
    runner = CliRunner()
    (folder / "devices.csv").write_text(_devices(BEFORE), encoding="utf-8")
    assert runner.invoke(main, ["snapshot", "add", estate, "--date", "2026-01-01"]).exit_code == 0
    (folder / "devices.csv").write_text(_devices(AFTER), encoding="utf-8")
    assert runner.invoke(main, ["snapshot", "add", estate, "--date", "2026-06-01"]).exit_code == 0
    result = runner.invoke(main, ["renewal", estate, "--renewal-date", "2026-12-01", "--date",
                                  REFERENCE.isoformat(), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout), Rule(folder)


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, abs_tol=0.01)


def test_every_priced_finding_follows_the_rule(run: tuple[dict[str, Any], Rule]) -> None:
    doc, rule = run
    found = {f["id"]: f for f in doc["findings"]}
    kinds = {f["kind"] for f in doc["findings"]}
    assert {"over-consumption", "growth", "upgrade-pitch", "shelfware", "va-dormant"} <= kinds
    checked = 0
    for f in doc["findings"]:
        n = f["evidence"]["numbers"]
        kind = f["kind"]
        if kind == "over-consumption":
            va, tag = f["subject"].split("/")
            price = rule.price(va, tag)
            assert close(n["unit_price"], price), f["id"]
            months = n["billed_months"]
            factor = months / 12 if months else 1
            assert close(f["money"], n["true_forward_units"] * price * factor), f["id"]
        elif kind == "growth":
            (va,) = f["evidence"]["virtual_accounts"]
            (tag,) = f["evidence"]["licences"]
            assert close(n["unit_price"], rule.price(va, tag)), f["id"]
            assert close(f["money"], n["growth_units"] * rule.price(va, tag)), f["id"]
        elif kind == "upgrade-pitch":
            va, tag = f["subject"].split("/")
            low = f["evidence"]["licences"][1]
            step = rule.price(va, tag) - rule.price(va, low)
            assert close(n["price_step_per_unit"], step), f["id"]
            assert close(f["money"], n["units"] * step), f["id"]
        elif kind == "shelfware":
            tag = f["subject"]
            value = sum(rule.value(va, tag) for va in f["evidence"]["virtual_accounts"])
            assert close(f["money"], value), f["id"]
        elif kind in ("va-no-devices", "va-dormant"):
            va = f["subject"]
            value = sum(rule.value(v, t) for v, t in rule.rows if v == va)
            assert close(f["money"], value), f["id"]
        else:
            continue
        checked += 1
        # Shelfware's further licences are substitution candidates, not rows it rests on.
        tags = f["evidence"]["licences"][:1] if kind == "shelfware" else (
            f["evidence"]["licences"] or sorted({t for v, t in rule.rows if v == f["subject"]}))
        for va in f["evidence"]["virtual_accounts"]:
            for tag in tags:
                for origin in rule.origins(va, tag):
                    assert origin in f["evidence"]["entitlement_rows"], (f["id"], origin)
    assert checked >= 7
    # The cases the old rules got wrong, by value:
    growth = found["growth:HQ/network-advantage"]
    assert close(growth["evidence"]["numbers"]["unit_price"], (10 * 929.30 + 5 * 1020) / 15)
    assert growth["evidence"]["devices"] == ["h11"] + [f"h{i}" for i in range(12, 21)]
    lapsed = found["over-consumption:NET/dna-advantage"]
    assert close(lapsed["evidence"]["numbers"]["unit_price"], 420.0)  # the live unpriced line
    assert rule.origins("NET", "dna-advantage")[0] in lapsed["evidence"]["entitlement_rows"]


def test_every_line_of_both_sides_follows_the_rule(run: tuple[dict[str, Any], Rule]) -> None:
    doc, rule = run
    pos = doc["position"]
    for ln in pos["lines"]:
        va, tag = ln["virtual_account"], ln["licence"]
        if ln["kind"] == "renewal":
            assert ln["units"] == rule.entitled(va, tag)
            assert close(ln["opening"], rule.value(va, tag)), ln["id"]
        elif ln["kind"] == "step-up":
            step = rule.price(va, tag) - rule.price(va, ln["lower_tier"])
            assert close(ln["unit_price"], step), ln["id"]
        else:
            assert close(ln["unit_price"], rule.price(va, tag)), ln["id"]
        assert close(ln["opening"], ln["units"] * ln["unit_price"] * ln["factor"]), ln["id"]
        assert ln["evidence"]["entitlement_rows"] or ln["evidence"]["devices"], ln["id"]
        assert ln["basis"] in ("per year", "perpetual, once") or ln["basis"].endswith("billed")
    assert close(pos["opening"] - pos["position"], sum(a["saving"] for a in pos["actions"]))
    assert close(pos["headroom"], pos["opening"] - pos["position"])
    ids = {ln["id"] for ln in pos["lines"]}
    assert {"renewal:NET/dna-advantage", "renewal:POOL/dna-essentials",
            "true-forward:NET/dna-advantage", "step-up:NET/network-advantage",
            "step-up:EDGE/network-advantage", "uplift:NET/HQ/network-advantage"} <= ids
    for f in doc["findings"]:
        assert set(f["lines"]) <= ids
