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

from planner.catalogue import Catalogue, estate_catalogue
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
from planner.returns import ReturnEntry, holds_reservation, return_entry
from planner.safe_names import file_name, file_names
from planner.slac import SlacEntry, gated_licences, slac_entry, slac_path
from planner.writers.device_columns import (
    PlannedRows,
    devices_csv_chunks,
    planned_rows,
)


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
    for r in sorted(plan.reservations, key=lambda r: (r.virtual_account, r.mode.value,
                                                      r.site, r.hostname, r.serial)):
        rows = groups[(r.virtual_account, r.mode)]
        for tag, count in r.licences:
            rows.append((r.virtual_account, r.mode.value, r.site, r.hostname, "device", r.pid,
                         r.serial, "", tag, count))
        for member in r.members:
            if (member.pid, member.serial) == (r.pid, r.serial):
                continue  # the device row already names the active member
            rows.append((r.virtual_account, r.mode.value, r.site, r.hostname, "member",
                         member.pid, member.serial, r.serial, "", ""))
    files = {}
    for mode in sorted({m for _va, m in groups}, key=lambda m: m.value):
        names = file_names([va for va, m in groups if m is mode], suffix=f".{mode.value}.csv")
        files.update({f"reservations/{names[va]}": csv_text(header, rows)
                      for (va, m), rows in groups.items() if m is mode})
    return files


def _obligation_rows(rows: PlannedRows, catalogue: Catalogue) -> list[int]:
    """The rows, in devices.csv order, that may owe a SLAC or a reservation return: a device
    holding a reservation today, or one with an enforced or export-controlled licence in a mode
    that obtains SLACs. Only these become Device records; the per-device rules decide."""
    table = rows.table
    held = np.array([holds_reservation(state) for state in table.state.values] or [False])
    gated = np.array([bool(gated_licences(uses, catalogue)) for uses in table.licences.values]
                     or [False])
    slac_mode = np.array([d is not None and slac_path(d.mode) is not None
                          for d in rows.decisions] + [False])
    order = rows.order
    klass = rows.row_class[order]
    maybe = held[table.state.codes[order]] | (
        gated[table.licences.codes[order]] & slac_mode[np.where(klass >= 0, klass, -1)])
    got: list[int] = order[maybe].tolist()
    return got


def plan_obligations(plan: Plan, rows: PlannedRows | None = None,
                     ) -> tuple[list[SlacEntry], list[ReturnEntry]]:
    """What the plan obliges per device besides its mode: a SLAC for an enforced or
    export-controlled licence, and the return of a reservation the device leaves."""
    catalogue = estate_catalogue(plan.estate)
    rows = rows if rows is not None else planned_rows(plan)
    slacs: list[SlacEntry] = []
    returns: list[ReturnEntry] = []
    for device, decision in rows.devices(_obligation_rows(rows, catalogue)):
        mode = decision.mode if decision else None
        slac = slac_entry(device, mode, catalogue)
        if slac is not None:
            slacs.append(slac)
        back = return_entry(device, mode)
        if back is not None:
            returns.append(back)
    slacs.sort(key=attrgetter("virtual_account", "site", "hostname", "serial"))
    returns.sort(key=attrgetter("virtual_account", "site", "hostname", "serial"))
    return slacs, returns


def _obligation_files(slacs: list[SlacEntry], returns: list[ReturnEntry]) -> dict[str, str]:
    """Per Virtual Account: slac/<va>.csv (which UDI needs which authorization code, online or
    offline) and returns/<va>.csv (reservations to return, and the mode each device goes to)."""
    slac_rows: dict[str, list[tuple[object, ...]]] = defaultdict(list)
    for e in slacs:
        slac_rows[e.virtual_account].append(
            (e.virtual_account, e.site, e.hostname, e.pid, e.serial, ";".join(e.units),
             ";".join(e.licences), e.mode.value, e.path.value))
    return_rows: dict[str, list[tuple[object, ...]]] = defaultdict(list)
    for r in returns:
        return_rows[r.virtual_account].append(
            (r.virtual_account, r.site, r.hostname, r.pid, r.serial, ";".join(r.units),
             r.held.value, r.planned.value, r.planned_virtual_account))
    # One shared naming per folder (planner.safe_names): safe, bounded, collision-free names.
    slac_names = file_names(slac_rows, suffix=".csv")
    return_names = file_names(return_rows, suffix=".csv")
    files = {f"slac/{slac_names[va]}": csv_text(SLAC_HEADER, rows)
             for va, rows in slac_rows.items()}
    files.update({f"returns/{return_names[va]}": csv_text(RETURN_HEADER, rows)
                  for va, rows in return_rows.items()})
    return files


SLAC_HEADER = ("virtual_account", "site", "hostname", "pid", "serial", "units", "licences",
               "mode", "path")
RETURN_HEADER = ("virtual_account", "site", "hostname", "pid", "serial", "units", "holds",
                 "planned_mode", "planned_virtual_account")


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
    """(Virtual Account, licence) -> the PIDs of the devices that use it there: per distinct
    (class, PID) pair of the device rows, not per device."""
    wanted = {(p.virtual_account, p.tag) for p in plan.purchases}
    out: dict[tuple[str, str], set[str]] = {}
    if not wanted or not len(rows.table):
        return out
    pids = rows.table.pid
    inside = rows.row_class >= 0
    pairs = np.unique(rows.row_class[inside].astype(np.int64) * len(pids.values)
                      + pids.codes[inside])
    for pair in pairs.tolist():
        klass, pid = rows.classes[pair // len(pids.values)], pids.values[pair % len(pids.values)]
        for use in klass.licences:
            key = (klass.virtual_account, use.tag)
            if key in wanted:
                out.setdefault(key, set()).add(pid)
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
                 rows: PlannedRows | None = None,
                 obligations: tuple[list[SlacEntry], list[ReturnEntry]] | None = None) -> str:
    """A page a person reads first: status, cost parts, sites by mode, what to do next.
    `obligations` is plan_obligations' answer when the caller has it (it walks every device)."""
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
    rows = rows if rows is not None else planned_rows(plan)
    per_class = np.bincount(rows.row_class + 1, minlength=len(rows.classes) + 1).tolist()
    for decision, n in zip((None, *rows.decisions), per_class, strict=True):  # first: no class
        if n:
            devices_by_mode[decision.mode.value if decision else "unassigned"] += n
    slacs, returns = obligations or plan_obligations(plan, rows)
    lines += ["", "Sites and devices by mode:"]
    for name in sorted(set(by_mode) | set(devices_by_mode)):
        lines.append(f"  {name:<20}{by_mode[name]:>6} sites{devices_by_mode[name]:>9} devices")
    lines += ["", f"On-Prem servers: {sum(p.servers for p in plan.servers)} at "
              f"{len(plan.servers)} site(s)",
              f"Devices reserved (SLR/PLR): {plan.devices_reserved}",
              f"Authorization codes (SLAC) to obtain: {len(slacs)} device(s) "
              f"({sum(e.path.value == 'offline' for e in slacs)} by the offline path; slac/)",
              f"Reservations to return first: {len(returns)} device(s) (returns/)",
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
    obligations = plan_obligations(plan, rows)  # once: summary.txt counts them too
    doc = plan_document(plan, generated, encoded_classes=True, columns=rows.columns)
    files: dict[str, Content] = {
        "plan.json": Streamed(lambda: json_chunks(doc)),
        "devices.csv": devices_csv(rows),
        "onprem.csv": _onprem_csv(plan),
        "onprem.json": json_text(onprem_document(plan)),
        "transfers.csv": _transfers_csv(plan),
        "purchases.csv": _purchases_csv(plan, rows),
        "summary.txt": summary_text(plan, generated, rows, obligations),
    }
    files.update(_reservation_files(plan))
    files.update(_obligation_files(*obligations))
    return files


def render_plan_files(plan: Plan, generated: date | None = None) -> dict[str, str | bytes]:
    """Every plan file, rendered whole in memory: relative path -> content (a redacted copy,
    tests). `write_plan_files` writes the same bytes without holding the large files whole."""
    return {name: "".join(c.decode("utf-8") if isinstance(c, bytes) else c
                          for c in content.chunks()) if isinstance(content, Streamed)
            else content for name, content in plan_file_set(plan, generated).items()}


def write_plan_files(plan: Plan, outdir: Path | str,
                     generated: date | None = None) -> list[Path]:
    """Write every plan file into `outdir` as one set (planner.output): files a previous plan
    wrote and this one does not (a reservation manifest for a Virtual Account no longer
    reserved in) are gone, so an operator never keys in a stale manifest."""
    with bulk_objects():  # a million rows of strings and no cycles (planner.collector)
        return write_files_atomic(outdir, plan_file_set(plan, generated))
