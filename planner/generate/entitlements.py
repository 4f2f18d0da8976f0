"""entitlements.csv: sized from use, with shortfalls, stranded and shelfware licences, terms."""

from __future__ import annotations

import csv
import io
import math
import random
from datetime import date, timedelta

from planner.catalogue import load_catalogue
from planner.fileio import safe_cell
from planner.generate.devices import Use
from planner.generate.plan import ENTITLEMENT_HEADER, EstatePlan
from planner.model import TermType, Tier


def render_entitlements(plan: EstatePlan, use: dict[tuple[str, str], Use],
                        rng: random.Random) -> str:
    """entitlements.csv sized from use: mostly a little headroom, some shortfalls, shelfware."""
    cat = load_catalogue()
    default_va = safe_cell(plan.virtual_accounts[0][0])
    qty: dict[tuple[str, str], int] = {}
    for key in sorted(use):
        need = use[key].need
        r = rng.random()
        if r < 0.12:  # over-consumption: a true-forward waiting to happen
            q = int(need * rng.uniform(0.6, 0.95))
        elif r < 0.22:  # bought for growth that never came
            q = math.ceil(need * rng.uniform(1.2, 1.6))
        else:
            q = need + math.ceil(need * rng.uniform(0.0, 0.08))
        # CSSM reserves (SLR/PLR) only from what is available: reservations never exceed it.
        qty[key] = qty.get(key, 0) + max(q, use[key].reserved)
        va, tag = key
        if va != default_va and cat.licences[tag].term is TermType.PERPETUAL and r > 0.7:
            # Orders land in the Default VA; nobody moved this part (stranded licences).
            stranded = (default_va, tag)
            qty[stranded] = qty.get(stranded, 0) + math.ceil(need * rng.uniform(0.1, 0.3))
    for va, tag, q in plan.shelfware:
        key = (safe_cell(va), tag)
        qty[key] = qty.get(key, 0) + q
    if plan.essentials_vas:
        _hold_at_lowest_tier(qty, use, {safe_cell(v) for v in plan.essentials_vas})
    rows: list[tuple[str, str, int, int, int, str, str, str, str, str]] = []
    sub = 200000 + int(rng.random() * 500000)
    for key in sorted(qty):
        va, tag = key
        lic = cat.licences[tag]
        u = use.get(key, Use())
        total = qty[key]
        if lic.term is TermType.PERPETUAL:
            parts = [(total, "", "", "")]
        else:
            k = 1 + (total > 40 and rng.random() < 0.6) + (total > 400 and rng.random() < 0.5)
            cuts = sorted(int(rng.random() * total) for _ in range(k - 1))
            sizes = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True) if b > a]
            sizes = sizes or [total]
            parts = []
            for size in sizes:
                sub += 1 + int(rng.random() * 900)
                start, end = _term(plan.as_of, rng)
                parts.append((size, start, end, f"Sub{sub}"))
        in_left, res_left = u.in_use, u.reserved
        for i, (size, start, end, sid) in enumerate(parts):
            last = i == len(parts) - 1
            share = 1.0 if not total else size / total
            iu = in_left if last else min(in_left, round(u.in_use * share))
            rs = res_left if last else min(res_left, round(u.reserved * share))
            in_left -= iu
            res_left -= rs
            price = ""
            if lic.list_price and rng.random() < 0.35:
                price = f"{lic.list_price * rng.uniform(0.45, 0.8):.2f}"
            rows.append((va, tag, size, iu, rs, str(lic.term), start, end, sid, price))
    for va, tag, q, begins in plan.orders:
        # Bought ahead of a project: no draws, so plans without orders keep their bytes.
        lic = cat.licences[tag]
        end, sid = "", ""
        if lic.term is TermType.TERM:
            sub += 1
            end, sid = (begins + timedelta(days=365 * 3 - 1)).isoformat(), f"Sub{sub}"
        rows.append((safe_cell(va), tag, q, 0, 0, str(lic.term), begins.isoformat(), end, sid,
                     ""))
    rows.sort(key=lambda row: (row[0], row[1], row[7], row[8]))
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(ENTITLEMENT_HEADER)
    writer.writerows(rows)
    return buf.getvalue()


def _hold_at_lowest_tier(qty: dict[tuple[str, str], int], use: dict[tuple[str, str], Use],
                         vas: set[str]) -> None:
    """In these VAs every tiered order was placed at its track's lowest tier (Essentials),
    while the devices were configured higher: the upgrade pitch the renewal team will make.

    Units that SLR/PLR devices reserve stay at their tier (CSSM reserves only what is held).
    """
    cat = load_catalogue()
    lowest: dict[str, str] = {}
    for tag, lic in sorted(cat.licences.items()):
        if lic.tier is Tier.ADDON:
            continue
        cur = lowest.get(lic.track)
        if cur is None or lic.tier.rank < cat.licences[cur].tier.rank:
            lowest[lic.track] = tag
    for key in sorted(qty):
        va, tag = key
        lic = cat.licences[tag]
        base = lowest.get(lic.track)
        if va not in vas or lic.tier is Tier.ADDON or base is None or base == tag:
            continue
        keep = min(qty[key], use[key].reserved if key in use else 0)
        moved = qty[key] - keep
        if keep:
            qty[key] = keep
        else:
            del qty[key]  # no zero-quantity rows
        qty[(va, base)] = qty.get((va, base), 0) + moved


def _term(as_of: date, rng: random.Random) -> tuple[str, str]:
    """A subscription term of 3, 5 or 7 years: a few ended, some ending within 90 days."""
    years = rng.choices((3, 5, 7), weights=(6, 3, 1))[0]
    length = timedelta(days=365 * years)
    r = rng.random()
    if r < 0.05:
        end = as_of - timedelta(days=15 + int(rng.random() * 300))
    elif r < 0.15:
        end = as_of + timedelta(days=7 + int(rng.random() * 83))
    else:  # started some time ago, ends after the next quarter
        end = as_of + timedelta(days=120 + int(rng.random() * (length.days - 150)))
    return (end - length).isoformat(), end.isoformat()
