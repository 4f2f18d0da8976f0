"""Plan files: plan.json (planner.plan_document), device list, reservation manifests, SLAC and
reservation-return manifests, On-Prem deployment, transfer batches, purchases and a summary;
same plan, same bytes.

The files go out as one output set (planner.output): the files that grow with the estate
(devices.csv, plan.json) are made in pieces straight into their temporary copies, the small
ones are rendered first; a failure at any point leaves the previous set untouched. Timings are
left out on purpose: they differ run to run.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from operator import attrgetter
from pathlib import Path

import numpy as np

from planner.catalogue import estate_catalogue
from planner.clock import stamp_date
from planner.collector import bulk_objects
from planner.encode import finite
from planner.fileio import csv_text, write_files_atomic
from planner.model import Mode, TermType
from planner.money import money as money_text  # text; plan_document.money rounds numbers
from planner.output import Content, Streamed
from planner.parts import part_numbers
from planner.plan import COST_PARTS, Plan
from planner.plan_document import (
    PLAN_SCHEMA,
    json_chunks,
    json_text,
    money,
    onprem_document,
    plan_document,
    rebatch_transfers,
)
from planner.returns import ReturnEntry
from planner.safe_names import file_name, file_names
from planner.slac import SlacEntry
from planner.writers.device_columns import (
    PlannedRows,
    devices_csv_chunks,
    planned_rows,
)
from planner.writers.obligations import MODES, Obligations, obligations


def generated_date(option: str | None = None) -> date | None:
    """The date to stamp on outputs: `--date`, else SOURCE_DATE_EPOCH, else none at all."""
    return stamp_date(option)[0]


def file_stem(name: str) -> str:
    """A safe, bounded file-name stem for one name (planner.safe_names)."""
    return file_name(name)


# --- CSV files --------------------------------------------------------------------------------

def devices_csv(rows: PlannedRows) -> Streamed:
    """devices.csv, made in pieces from the device columns as it is written."""
    return Streamed(lambda: devices_csv_chunks(rows))


def _reservation_files(plan: Plan) -> dict[str, str]:
    """One manifest per Virtual Account and reservation mode: the device row per tag to reserve,
    then one row per further stack member or supervisor (each needs its own codes)."""
    header = ("virtual_account", "mode", "site", "hostname", "role", "pid", "serial",
              "member_of", "tag", "count")
    groups: dict[tuple[str, Mode], list[tuple[object, ...]]] = defaultdict(list)
    # A mode sorts as its text does (a StrEnum is its value).
    for r in sorted(plan.reservations,
                    key=attrgetter("virtual_account", "mode", "site", "hostname", "serial")):
        rows = groups[(r.virtual_account, r.mode)]
        mode = r.mode.value
        for tag, count in r.licences:
            rows.append((r.virtual_account, mode, r.site, r.hostname, "device", r.pid,
                         r.serial, "", tag, count))
        for member in r.members:
            if (member.pid, member.serial) == (r.pid, r.serial):
                continue  # the device row already names the active member
            rows.append((r.virtual_account, mode, r.site, r.hostname, "member",
                         member.pid, member.serial, r.serial, "", ""))
    files = {}
    for mode in sorted({m for _va, m in groups}, key=lambda m: m.value):
        names = file_names([va for va, m in groups if m is mode], suffix=f".{mode.value}.csv")
        files.update({f"reservations/{names[va]}": csv_text(header, rows)
                      for (va, m), rows in groups.items() if m is mode})
    return files


def plan_obligations(plan: Plan, rows: PlannedRows | None = None,
                     ) -> tuple[list[SlacEntry], list[ReturnEntry]]:
    """What the plan obliges per device besides its mode, as records: a SLAC for an enforced
    or export-controlled licence, and the return of a reservation the device leaves."""
    return _obligations(plan, rows).entries()


def _obligations(plan: Plan, rows: PlannedRows | None = None) -> Obligations:
    return obligations(rows if rows is not None else planned_rows(plan),
                       estate_catalogue(plan.estate))


def _onprem_csv(plan: Plan) -> str:
    header = ("site", "mode", "servers", "ha", "vms", "sites_served", "devices",
              "local_account", "virtual_account")
    rows = []
    for p in sorted(plan.servers, key=lambda p: (p.site, p.mode.value)):
        for va in p.virtual_accounts or ("",):
            rows.append((p.site, p.mode.value, p.servers, str(p.ha).lower(),
                         p.servers * (2 if p.ha else 1), ";".join(p.sites_served), p.devices,
                         va, va))
    return csv_text(header, rows)


def _transfers_csv(plan: Plan) -> str:
    header = ("batch", "source_va", "target_va", "tag", "quantity")
    rows = [(t.batch, t.source_va, t.target_va, tag, qty)
            for t in rebatch_transfers(plan.transfers) for tag, qty in t.items]
    return csv_text(header, rows)


PURCHASE_COLUMNS = ("virtual_account", "tag", "licence_term", "quantity", "unit_price",
                    "price_per", "years", "total", "currency", "priced", "part_numbers")


def _purchase_platforms(plan: Plan, rows: PlannedRows) -> dict[tuple[str, str], set[str]]:
    """(Virtual Account, licence) -> the PIDs of the devices that use it there: the purchased
    (account, licence) pairs each class uses are worked out once per distinct (account, licence
    set), and the PIDs once per distinct (those pairs, PID) among the device rows."""
    wanted = {(p.virtual_account, p.tag) for p in plan.purchases}
    out: dict[tuple[str, str], set[str]] = {}
    if not wanted or not len(rows.table):
        return out
    uses: dict[frozenset[tuple[str, str]], int] = {}  # distinct pair sets, numbered
    # Classes share their licence-set tuple (optimise.classes), so `id` finds a set seen
    # before without hashing its items; equal sets held apart only cost one more look.
    seen: dict[tuple[str, int], int] = {}
    per_class = []
    for klass in rows.classes:
        seen_key = (klass.virtual_account, id(klass.licences))
        code = seen.get(seen_key)
        if code is None:
            used = frozenset((klass.virtual_account, u.tag) for u in klass.licences) & wanted
            code = seen[seen_key] = uses.setdefault(used, len(uses)) if used else -1
        per_class.append(code)
    pids = rows.table.pid
    row_uses = np.append(np.array(per_class, dtype=np.int64), -1)[rows.row_class]
    inside = row_uses >= 0
    pairs = np.bincount(row_uses[inside] * len(pids.values) + pids.codes[inside],
                        minlength=len(uses) * len(pids.values))
    pair_sets = list(uses)
    for pair in np.flatnonzero(pairs).tolist():
        pid = pids.values[pair % len(pids.values)]
        for account_tag in pair_sets[pair // len(pids.values)]:
            out.setdefault(account_tag, set()).add(pid)
    return out


def purchase_rows(plan: Plan, devices: PlannedRows | None = None) -> list[tuple[str, ...]]:
    """One row per purchase with its arithmetic: total = quantity x unit_price x years, where
    years is the horizon for a term licence and 1 for a perpetual one (bought once)."""
    estate = plan.estate
    catalogue = estate_catalogue(estate)
    horizon = estate.costs.horizon_years
    platforms = _purchase_platforms(plan, devices if devices is not None
                                    else planned_rows(plan))
    rows: list[tuple[str, ...]] = []
    for p in sorted(plan.purchases, key=lambda p: (p.virtual_account, p.tag)):
        lic = catalogue.licences.get(p.tag)
        term = lic is not None and lic.term is TermType.TERM
        years = horizon if term else 1
        parts = part_numbers(p.tag, platforms.get((p.virtual_account, p.tag), ()))
        rows.append((p.virtual_account, p.tag, "term" if term else "perpetual",
                     str(p.quantity), f"{money(p.unit_price):.2f}",
                     "unit and year" if term else "unit, once", str(years),
                     f"{money(p.total):.2f}", estate.costs.currency,
                     "yes" if p.unit_price > 0 else "NO PRICE KNOWN",
                     "; ".join(parts)))
    return rows


def _purchases_csv(plan: Plan, rows: PlannedRows) -> str:
    return csv_text(PURCHASE_COLUMNS, purchase_rows(plan, rows))


def unpriced_note(plan: Plan) -> str:
    """What unpriced purchases mean for the totals ("" when every line has a price)."""
    unpriced = [p for p in plan.purchases if p.unit_price <= 0]
    if not unpriced:
        return ""
    units = sum(p.quantity for p in unpriced)
    tags = ", ".join(sorted({p.tag for p in unpriced}))
    return (f"{len(unpriced)} purchase line(s), {units:,} units ({tags}), have no known price "
            "and are counted at 0.00: every total understates the spend by their cost. Give "
            "them a unit_price in the entitlements or a price in the estate's prices:.")


# --- summary ----------------------------------------------------------------------------------

def summary_text(plan: Plan, generated: date | None = None,
                 rows: PlannedRows | None = None, owed: Obligations | None = None) -> str:
    """A page a person reads first: status, cost parts, sites by mode, what to do next.
    `owed` is the plan's obligations when the caller has them (they read every device)."""
    cur = plan.estate.costs.currency
    lines = [f"Plan for {plan.estate.name} ({PLAN_SCHEMA})"]
    if generated:
        lines.append(f"Generated: {generated.isoformat()}")
    lines += [f"Strategy: {plan.strategy.value}   Status: {plan.status.value}   "
              f"Solver: {plan.solver}",
              (f"Proven gap: {plan.gap:.4%} ({money_text(plan.gap_money, cur)})"
               if finite(plan.gap) is not None and finite(plan.gap_money) is not None
               else "Proven gap: unknown (the solver proved no bound)"),
              f"Horizon: {plan.estate.costs.horizon_years} years", "",
              f"Total cost: {money_text(plan.costs.total, cur)}"]
    for part in COST_PARTS:
        lines.append(f"  {part:<20}{money_text(getattr(plan.costs, part)):>16}")
    by_mode: Counter[str] = Counter()
    devices_by_mode: Counter[str] = Counter()
    for decided in plan.sites:
        for chosen in decided.modes:
            by_mode[chosen.value] += 1
    owed = owed if owed is not None else _obligations(plan, rows)
    # Devices per planned mode, counted on the mode codes (first count: no mode, -1).
    per_mode = np.bincount(owed.mode.astype(np.intp) + 1, minlength=len(MODES) + 1).tolist()
    for mode, n in zip((None, *MODES), per_mode, strict=True):
        if n:
            devices_by_mode[mode.value if mode is not None else "unassigned"] += n
    lines += ["", "Sites and devices by mode:"]
    for name in sorted(set(by_mode) | set(devices_by_mode)):
        lines.append(f"  {name:<20}{by_mode[name]:>6} sites{devices_by_mode[name]:>9} devices")
    lines += ["", f"On-Prem servers: {sum(p.servers for p in plan.servers)} at "
              f"{len(plan.servers)} site(s)",
              f"Devices reserved (SLR/PLR): {plan.devices_reserved}",
              f"Authorization codes (SLAC) to obtain: {len(owed.slac)} device(s) "
              f"({owed.offline_slacs} by the offline path; slac/)",
              f"Reservations to return first: {len(owed.returns)} device(s) (returns/)",
              f"Transfers: {len(rebatch_transfers(plan.transfers))} batch(es); purchases: "
              f"{len(plan.purchases)} line(s)",
              f"Labour: {plan.labour_hours_initial:,.1f} h initial, "
              f"{plan.labour_hours_per_year:,.1f} h a year"]
    if unpriced_note(plan):
        lines += ["", "Unpriced purchases: " + unpriced_note(plan)]
    if plan.infeasible:
        lines += ["", "Infeasible sites:"]
        for site_id, reasons in sorted(plan.infeasible):
            lines.append(f"  {site_id}: " + "; ".join(reasons))
    if plan.assumptions:
        lines += ["", "Assumptions:"] + [f"  - {a}" for a in plan.assumptions]
    return "\n".join(lines) + "\n"


def plan_file_set(plan: Plan, generated: date | None = None) -> dict[str, Content]:
    """Every plan file: relative path -> content, the large ones Streamed (made as written)."""
    rows = planned_rows(plan)
    owed = _obligations(plan, rows)  # once: summary.txt counts them too
    doc = plan_document(plan, generated, encoded_classes=True, columns=rows.columns)
    files: dict[str, Content] = {
        "plan.json": Streamed(lambda: json_chunks(doc)),
        "devices.csv": devices_csv(rows),
        "onprem.csv": _onprem_csv(plan),
        "onprem.json": json_text(onprem_document(plan)),
        "transfers.csv": _transfers_csv(plan),
        "purchases.csv": _purchases_csv(plan, rows),
        "summary.txt": summary_text(plan, generated, rows, owed),
    }
    files.update(_reservation_files(plan))
    files.update(owed.files())
    return files


def render_plan_files(plan: Plan, generated: date | None = None) -> dict[str, str | bytes]:
    """Every plan file, rendered whole in memory: relative path -> content (a redacted copy,
    tests). `write_plan_files` writes the same bytes without holding the large files whole."""
    return {name: "".join(c if isinstance(c, str) else str(c, "utf-8")
                          for c in content.chunks()) if isinstance(content, Streamed)
            else content for name, content in plan_file_set(plan, generated).items()}


def write_plan_files(plan: Plan, outdir: Path | str,
                     generated: date | None = None) -> list[Path]:
    """Write every plan file into `outdir` as one set (planner.output): files a previous plan
    wrote and this one does not (a reservation manifest for a Virtual Account no longer
    reserved in) are gone, so an operator never keys in a stale manifest."""
    with bulk_objects():  # a million rows of strings and no cycles (planner.collector)
        return write_files_atomic(outdir, plan_file_set(plan, generated))
