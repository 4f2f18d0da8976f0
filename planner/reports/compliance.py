"""Build the compliance pack's context: scope, inventory, data flows, clocks, controls, risks."""

from __future__ import annotations

import string
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from planner.cadence import network_reauths, offline_trips, onprem_manual_syncs
from planner.catalogue import Catalogue, estate_catalogue
from planner.cycle.record import SiteAcks
from planner.device_table import state_counts
from planner.fileio import read_text
from planner.model import (
    CostAssumptions,
    DataElement,
    Estate,
    Holder,
    InternetAccess,
    LicenceUse,
    LicensingState,
    Mode,
)
from planner.model_yaml import safe_load
from planner.modes import load_modes, reservation_modes, server_modes
from planner.money import money
from planner.plan import DeviceClass, Plan, SolveStatus
from planner.reporting import LicenceClass, licence_class, load_reporting
from planner.reports.charts import site_map
from planner.reports.components import components
from planner.reports.context import (
    Chart,
    ClassificationRow,
    Clock,
    ComplianceReport,
    Control,
    Flow,
    Inventory,
    InventoryRow,
    Risk,
    Scope,
)
from planner.reports.exposure import CSSM, Group, cadence, groups, leaving, ordered, route
from planner.reports.meta import meta
from planner.reports.registers import clocks_register, summarise_clocks
from planner.reports.reproducibility import reproducibility
from planner.resources import models_dir
from planner.writers.plan_files import plan_obligations

SIGNOFF = ("System Owner", "Information System Security Officer (ISSO)",
           "Authorizing Official or delegate", "Network Architect",
           "Licensing and Procurement Lead")


@dataclass(frozen=True, slots=True)
class ControlDef:
    id: str
    title: str
    statement: str
    satisfied: str


def load_controls() -> tuple[str, tuple[ControlDef, ...]]:
    """models/controls.yaml: (source, controls)."""
    doc = safe_load(read_text(models_dir() / "controls.yaml"))
    controls = tuple(ControlDef(str(c["id"]), str(c["title"]),
                                " ".join(str(c["statement"]).split()),
                                " ".join(str(c["satisfied"]).split())) for c in doc["controls"])
    return " ".join(str(doc["source"]).split()), controls


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _count_text(counter: Counter[str], limit: int = 6) -> str:
    items = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    text = ", ".join(f"{k} x{v}" for k, v in items[:limit])
    return text + (f", +{len(items) - limit} more" if len(items) > limit else "")


def scope(estate: Estate, plan: Plan) -> Scope:
    devices = Counter(d.site for d in estate.devices)
    classes = sorted({s.classification for s in estate.sites})
    rows = []
    for name in classes:
        policy = estate.policy(name)
        ids = [s.id for s in estate.sites if s.classification == name]
        rows.append(ClassificationRow(
            name=name, description=policy.description, sites=len(ids),
            devices=sum(devices[i] for i in ids),
            allowed_modes=", ".join(m.value for m in Mode if m in policy.allowed_modes),
            # What may leave as the planner applies it: hostname privacy keeps hostnames in
            # whatever telemetry_may_leave lists (modes.data_leaving_for).
            may_leave=", ".join(e.value for e in DataElement if e in policy.telemetry_may_leave
                                and not (policy.hostname_privacy
                                         and e is DataElement.HOSTNAME)),
            hostname_privacy=policy.hostname_privacy))
    enclaves: dict[str, list[str]] = {}
    for site in estate.sites:
        if site.enclave:
            enclaves.setdefault(site.enclave, []).append(site.id)
    boundary = sorted({(min(ln.a, ln.b), max(ln.a, ln.b)) for ln in estate.links
                       if ln.crosses_boundary})
    offline = sum(1 for s in estate.sites if s.internet is InternetAccess.NONE)
    statement = (
        f"The system is the licence-management function of the Cisco estate of {estate.name}: "
        f"{len(estate.sites)} sites, {len(estate.devices)} devices, the Smart Account "
        f"{estate.account.name} ({estate.account.domain}) with {len(estate.virtual_accounts)} "
        f"Virtual Accounts, the SSM On-Prem servers the plan places "
        f"({sum(p.servers for p in plan.servers)}), and the media carried between sites and "
        "Cisco. Cisco Smart Software Manager (cloud) is an external service outside the "
        "boundary; every flow of licence data to it is in the data-flow register.")
    return Scope(
        estate=estate.name, account=estate.account.name, domain=estate.account.domain,
        holder=estate.account.holder.value, statement=statement, classifications=tuple(rows),
        enclaves=tuple((k, ", ".join(sorted(v))) for k, v in sorted(enclaves.items())),
        boundary_links=tuple(boundary),
        internet_sites=len(estate.sites) - offline, offline_sites=offline)


def inventory(estate: Estate, plan: Plan, catalogue: Catalogue) -> Inventory:
    by_site: dict[str, list[Any]] = {s.id: [] for s in estate.sites}
    for device in estate.devices:
        by_site.setdefault(device.site, []).append(device)
    modes = {d.site: ", ".join(m.value for m in d.modes) for d in plan.sites}
    families: Counter[str] = Counter()
    states: Counter[str] = Counter()
    rows = []
    family_of: dict[str, str] = {}
    for site in sorted(estate.sites, key=lambda s: s.id):
        fam: Counter[str] = Counter()
        st: Counter[str] = Counter()
        for device in by_site[site.id]:
            if device.pid not in family_of:  # a prefix scan per PID, not per device
                found = catalogue.family_for_pid(device.pid)
                family_of[device.pid] = found.id if found else "unknown"
            fam[family_of[device.pid]] += 1
            st[device.state.value] += 1
        families.update(fam)
        states.update(st)
        rows.append(InventoryRow(
            site=site.id, name=site.name, classification=site.classification,
            devices=len(by_site[site.id]),
            members=sum(len(d.members) for d in by_site[site.id]),
            families=_count_text(fam), states=_count_text(st), modes=modes.get(site.id, "-")))
    return Inventory(
        devices=len(estate.devices), members=sum(len(d.members) for d in estate.devices),
        sites=len(estate.sites), virtual_accounts=len(estate.virtual_accounts),
        entitlement_lines=len(estate.entitlements),
        families=tuple(sorted(families.items(), key=lambda kv: (-kv[1], kv[0]))),
        states=tuple(sorted(states.items(), key=lambda kv: (-kv[1], kv[0]))), rows=tuple(rows))


def flows(plan: Plan, grouped: Sequence[Group] | None = None) -> tuple[Flow, ...]:
    """Every flow of licence data out of a site, then each On-Prem server's flow to CSSM
    (`grouped`: the plan's `groups`, when the caller holds them already)."""
    estate, specs = plan.estate, load_modes()
    rows: list[tuple[str, str, str, tuple[str, ...], str, str, str, int]] = []
    served: dict[str, set[DataElement]] = {}
    for group in groups(plan) if grouped is None else grouped:
        elements, _ = leaving(estate, group)
        site = group.site
        if group.mode in server_modes():
            server = group.server_site or site.id
            served.setdefault(f"{server}|{group.mode.value}", set()).update(elements)
            if server == site.id:
                continue  # devices and server share the site: nothing leaves it yet
            rows.append((site.id, site.classification, group.mode.value, ordered(elements),
                         f"SSM On-Prem server at {server}",
                         "HTTPS over internal links that cross no boundary",
                         "continuous (devices report to the server)", group.devices))
            continue
        destination, transport = route(group.mode, site, group.server_site)
        rows.append((site.id, site.classification, group.mode.value, ordered(elements),
                     destination, transport, cadence(specs[group.mode]), group.devices))
    for placement in plan.servers:
        site = estate.site(placement.site)
        elements = frozenset(served.get(f"{site.id}|{placement.mode.value}", set()))
        media = load_modes()[placement.mode].carries_media
        rows.append((f"{site.id} (SSM On-Prem server)", site.classification,
                     placement.mode.value, ordered(elements), CSSM,
                     "sync file carried on removable media" if media
                     else "HTTPS scheduled sync from the server",
                     cadence(specs[placement.mode]), placement.devices))
    rows.sort(key=lambda r: (r[0], r[2], r[4]))
    out = []
    for i, row in enumerate(rows, start=1):
        allowed = estate.policy(row[1]).telemetry_may_leave
        beyond = tuple(e for e in row[3] if DataElement(e) not in allowed)
        out.append(Flow(f"F{i:02d}", *row, beyond_policy=beyond))
    return tuple(out)


def _due(when: date | None, days: int) -> str:
    return (when + timedelta(days=days)).isoformat() if when else f"report date + {days} days"


@dataclass(frozen=True, slots=True)
class _Kind:
    family: str
    devices: int = 0
    members: int = 0
    slup: int = 0
    classic: int = 0
    licensed: int = 0  # SLUP devices that consume at least one licence (the others need no report)
    classes: frozenset[LicenceClass] = frozenset()


def _licence_classes(licences: tuple[LicenceUse, ...],
                     catalogue: Catalogue) -> frozenset[LicenceClass]:
    """The reporting classes of a licence set's tags (tags not in the catalogue have none)."""
    found = set()
    for use in licences:
        try:
            lic = catalogue.licence(use.tag)
        except KeyError:
            continue
        found.add(licence_class(lic.term.value == "term", lic.export_controlled, lic.enforced))
    return frozenset(found)


def _kinds(classes: dict[str, DeviceClass], group: Group, catalogue: Catalogue,
           memo: dict[int, frozenset[LicenceClass]] | None = None) -> list[_Kind]:
    """The group's devices by family. `memo` (licence set id -> its classes) is shared by the
    caller over groups whose classes stay alive, as a plan's do: a third of a million classes
    at a million devices hold a few dozen licence sets."""
    memo = {} if memo is None else memo
    slup_state = LicensingState.SLUP.value
    acc: dict[str, list[Any]] = {}  # family -> [devices, members, slup, classic, licensed, set]
    for cid in group.class_ids:
        cls = classes[cid]
        row = acc.get(cls.family or "unknown")
        if row is None:
            row = acc[cls.family or "unknown"] = [0, 0, 0, 0, 0, set()]
        devices, licences = cls.devices, cls.licences
        row[0] += devices
        row[1] += cls.members
        slup = cls.runs_slup or cls.state == slup_state
        if slup:
            row[2] += devices
            if licences:
                row[4] += devices
        else:
            row[3] += devices
        if licences:
            found = memo.get(id(licences))
            if found is None:
                found = memo[id(licences)] = _licence_classes(licences, catalogue)
            row[5] |= found
    return [_Kind(family, devices=v[0], members=v[1], slup=v[2], classic=v[3], licensed=v[4],
                  classes=frozenset(v[5])) for family, v in sorted(acc.items())]


_RESERVE_SOURCE = ("CSSM help 'Reserve Licenses' and 'Update Reserved Licenses': a reservation "
                   "holds an authorization code per device (per stack member or supervisor); a "
                   "replaced or re-planned device returns it (return code) before a new one")
_CLASSIC_SOURCE = ("Cisco Smart Software Licensing (before Smart Licensing Using Policy): "
                   "authorization renews every 30 days and expires after 90 days without "
                   "contact; registration renews every 6 months and lasts a year")


def _slup_clocks(add: Any, kind: _Kind, mode: Mode, when: date | None,
                 costs: CostAssumptions, ack: Callable[[str, str], tuple[str, str]]) -> None:
    """A SLUP kind's clocks from the reporting policy (Cisco default: models/reporting.yaml)."""
    policy = load_reporting().default
    basis = (f"{policy.name} policy (Cisco SLUP configuration guides, 'Information About Smart "
             "Licensing Using Policy', table 'Policy: Cisco default')")
    unlicensed = kind.slup - kind.licensed
    if unlicensed:
        add(f"no usage report ({unlicensed} SLUP devices consume no licence)", "none",
            f"{basis}: a product instance that never consumed a licence needs no report")
    if not kind.licensed:
        return
    gated = kind.classes & {LicenceClass.ENFORCED, LicenceClass.EXPORT_CONTROLLED}
    if gated:
        names = " and ".join(sorted(c.value for c in gated))
        add(f"Smart Licensing Authorization Code (SLAC) installed before use ({names})",
            _due(when, 0), f"{basis}: {names} licences are authorised per device by a SLAC; "
            "the default policy then asks for no periodic report")
    unenforced = kind.classes - gated
    window = policy.binding_window_days(unenforced)
    if window is None:
        return
    recurring = policy.recurring_window_days(unenforced)
    what = ", ".join(sorted(c.value for c in unenforced))
    if mode is Mode.OFFLINE:
        trips = offline_trips(costs)
        add(f"next report-and-ACK round trip ({kind.licensed} devices, {what})",
            _due(when, min(trips.interval_days, window)),
            f"{basis}: report within {window} days"
            + (f", then every {recurring} days" if recurring else ", then after each change")
            + f"; planned every {trips.interval_days} days ({trips.basis})")
    else:
        sent = ("sent automatically every 30 days; this is the policy backstop"
                if load_modes()[mode].needs_internet else
                "sent to the SSM On-Prem server; the ACK returns with its sync")
        add(f"next usage report ({kind.licensed} devices, {what})", _due(when, window),
            f"{basis}: report within {window} days"
            + (f", then every {recurring} days" if recurring else ", then after each change")
            + f"; {sent}")
    if policy.ack_required:
        add("acknowledgement imported", *ack(_due(when, window),
                                             f"{basis}: an acknowledgement (ACK) from CSSM is "
                                             "required"))


def _ack_clock(site: str, assumed_due: str, ledger: Mapping[str, SiteAcks],
               assumed_basis: str) -> tuple[str, str]:
    """The ACK clock's due date and basis: the recorded ledger where evidence exists (the
    earliest next ACK deadline the site's devices showed), else the assumed date."""
    seen = ledger.get(site)
    if seen is None or not seen.earliest_deadline:
        return assumed_due, (f"{assumed_basis} (no recorded 'planner cycle status' read for "
                             "this site: assumed from the report date)")
    rest = seen.devices - seen.evidenced
    return seen.earliest_deadline, (
        f"evidence: the earliest next ACK deadline shown by {seen.evidenced} device(s) at "
        f"{site} in the ledger read of {seen.read_on} (planner cycle status); {seen.overdue} "
        f"overdue; last ACK {seen.latest_ack or 'none shown'}"
        + (f"; {rest} device(s) without a capture showing one" if rest else ""))


def clocks(plan: Plan, when: date | None, catalogue: Catalogue,
           ledger: Mapping[str, SiteAcks] | None = None,
           crossings: Mapping[str, tuple[str, str]] | None = None,
           grouped: Sequence[Group] | None = None) -> tuple[Clock, ...]:
    """Licensing clocks per site and device class, from the reporting policy and CSSM's
    On-Prem clocks (models/reporting.yaml; docs/licensing-facts.md); the ACK clock comes from the
    recorded ledger where a site has evidence, and a manual On-Prem server's sync clocks from the
    last synchronisation response sealed for its crossing (planner cycle seal)."""
    out: list[Clock] = []
    costs = plan.estate.costs
    classes = {c.id: c for c in plan.classes}  # once: estates have tens of thousands
    licence_classes: dict[int, frozenset[LicenceClass]] = {}  # keyed by the plan's licence sets
    for group in groups(plan) if grouped is None else grouped:
        mode, site = group.mode, group.site.id
        for kind in _kinds(classes, group, catalogue, licence_classes):
            def add(clock: str, due: str, basis: str, k: _Kind = kind, at: str = site,
                    m: Mode = mode) -> None:
                out.append(Clock(at, k.family, k.devices, m.value, clock, due, basis))
            if mode in reservation_modes():
                codes = kind.devices + kind.members
                add(f"keep {codes} authorization code(s) ({kind.devices} devices, "
                    f"{kind.members} members)", "for the life of each device", _RESERVE_SOURCE)
                continue
            if kind.slup:
                def ack(due: str, basis: str, at: str = site) -> tuple[str, str]:
                    return _ack_clock(at, due, ledger or {}, basis)
                _slup_clocks(add, kind, mode, when, costs, ack)
            if kind.classic:
                add(f"authorization renewal ({kind.classic} classic devices)", _due(when, 30),
                    f"{_CLASSIC_SOURCE}; expires without contact by {_due(when, 90)}")
                add("registration renewal", _due(when, 182),
                    f"{_CLASSIC_SOURCE} (by {_due(when, 365)})")
    onprem = load_reporting().onprem
    for placement in plan.servers:
        add_to = placement.site
        if placement.mode is Mode.ONPREM_MANUAL:
            sync = onprem_manual_syncs(costs)
            where = plan.estate.site(add_to)
            last = (crossings or {}).get(where.enclave or where.id)
            since, evidence = (date.fromisoformat(last[0]), f"; evidence: the last "
                               f"synchronisation response was sealed on {last[0]} (trip "
                               f"{last[1]}, planner cycle seal --leg in)") if last else (when, "")
            out.append(Clock(add_to, "SSM On-Prem server", placement.devices,
                             placement.mode.value, f"next manual sync with CSSM (planned every "
                             f"{sync.interval_days} days)", _due(since, sync.interval_days),
                             sync.basis + evidence))
            out.append(Clock(add_to, "SSM On-Prem server", placement.devices,
                             placement.mode.value, "instance removed from CSSM if not synced by",
                             _due(since, onprem.removed_after_days),
                             f"{_sentence(onprem.source, 'is removed from CSSM')} (the "
                             f"{onprem.alert_after_days}-day alert is a warning, not a limit)"))
        else:
            # Network sync runs by itself, but the same CSSM limits bind it: a server that stops
            # syncing (proxy change, expired token) is alerted and then removed like any other.
            out.append(Clock(add_to, "SSM On-Prem server", placement.devices,
                             placement.mode.value, "last successful scheduled sync confirmed "
                             "(CSSM alerts after this many days without one)",
                             _due(when, onprem.alert_after_days),
                             _sentence(onprem.source, "an alert is raised")))
            out.append(Clock(add_to, "SSM On-Prem server", placement.devices,
                             placement.mode.value, "instance removed from CSSM if not synced by",
                             _due(when, onprem.removed_after_days),
                             f"{_sentence(onprem.source, 'is removed from CSSM')} (network sync "
                             "is bound by the same limit when it fails)"))
            reauth = network_reauths()
            out.append(Clock(add_to, "SSM On-Prem server", placement.devices,
                             placement.mode.value, "scheduled-sync token re-authentication "
                             "(manual sync with Cisco.com credentials)",
                             _due(when, reauth.interval_days),
                             f"{reauth.basis} (Cisco Community 4167182): about "
                             f"{reauth.per_year:.1f} re-authentications a year"))
    return tuple(out)


def _sentence(source: str, needle: str) -> str:
    """The sentence of a multi-sentence source that states one fact (its citation included)."""
    for part in source.split(". "):
        if needle in part:
            return part.rstrip(".") + "."
    return source


def _sites_text(n: int) -> str:
    return f"{n} site{'' if n == 1 else 's'}"


def _verb(items: list[str], plural: str) -> str:
    """'send' for many sites, 'sends' for one (and 'carries' for one carry)."""
    if len(items) != 1:
        return plural
    return plural[:-1] + "ies" if plural.endswith("y") else plural + "s"


def _exchange_facts(plan: Plan, flows_: tuple[Flow, ...]) -> dict[str, object]:
    """Sentences for SC-7, CA-3 and MP-5 built from this plan's flows, so a statement names only
    the paths the plan uses and says what the register says (a test checks each against it)."""
    estate, specs = plan.estate, load_modes()
    sources = {f.source for f in flows_}
    offline = {s.id for s in estate.sites if s.internet is InternetAccess.NONE}
    to_cisco = [f for f in flows_ if f.destination.endswith(CSSM)]
    networked = sorted({f.source for f in to_cisco if specs[Mode(f.mode)].networked})
    carried = [f for f in to_cisco if not specs[Mode(f.mode)].networked]
    to_server = {f.source for f in flows_ if f.destination.startswith("SSM On-Prem server")}
    off_server = sorted(offline & to_server)
    off_carried = sorted(offline & {f.source for f in carried})
    off_silent = sorted(offline - sources)  # devices and server share the site, or no devices
    parts = []
    if off_server:
        parts.append(f"{_sites_text(len(off_server))} {_verb(off_server, 'send')} licence data "
                     "over HTTPS to an SSM "
                     "On-Prem server inside their own boundary")
    if off_carried:
        parts.append(f"{_sites_text(len(off_carried))} {_verb(off_carried, 'carry')} it to Cisco "
                     "on removable media or "
                     "as hand-typed codes")
    if off_silent:
        parts.append(f"{_sites_text(len(off_silent))} {_verb(off_silent, 'keep')} it on site (a "
                     "server there, or no "
                     "licence data to send)")
    if offline:
        offline_note = (f"None of the {_sites_text(len(offline))} without an internet path sends "
                        "licence data to Cisco over a network: " + "; ".join(parts) + ".")
    else:
        offline_note = "Every site has an internet path."
    paths = []
    direct = sorted({f.source for f in to_cisco if f.mode == Mode.CSSM_DIRECT.value})
    cslu = sorted({f.source for f in flows_ if f.mode == Mode.CSLU.value})
    if direct:
        paths.append(f"directly from {_sites_text(len(direct))}")
    if cslu:
        paths.append(f"through a CSLU collector at {_sites_text(len(cslu))}")
    if plan.servers:
        paths.append(f"through the {sum(p.servers for p in plan.servers)} SSM On-Prem "
                     f"server(s) at {', '.join(p.site for p in plan.servers)}")
    if carried:
        paths.append(f"by carried media ({len(carried)} media flows)")
    exchange = ", ".join(paths[:-1]) + (" and " if len(paths) > 1 else "") + (paths[-1] if paths
                                                                               else "")
    return {
        "offline_note": offline_note, "networked_sources": len(networked),
        "media_flows": len(carried), "exchange_paths": exchange or "by no path (no devices)",
    }


def control_facts(plan: Plan, scope_: Scope, flows_: tuple[Flow, ...], clock_count: int,
                  ) -> dict[str, object]:
    estate = plan.estate
    kept = sum(1 for s in estate.sites if estate.policy(s.classification).hostname_privacy)
    reseller = estate.account.holder is Holder.RESELLER
    slacs, returns = plan_obligations(plan)
    return {
        "flows": len(flows_), **_exchange_facts(plan, flows_),
        "sites": len(estate.sites), "hostname_kept_sites": kept,
        "boundary_links": len(scope_.boundary_links), "offline_sites": scope_.offline_sites,
        "devices": len(estate.devices), "members": sum(len(d.members) for d in estate.devices),
        "reserved_devices": plan.devices_reserved,
        "servers": sum(p.servers for p in plan.servers),
        "server_sites": ", ".join(p.site for p in plan.servers) or "no site",
        "account": estate.account.name, "holder": estate.account.holder.value,
        "holder_note": ("The account is reseller-held: move it to the customer so oversight "
                        "cannot lapse with the reseller relationship." if reseller else
                        "The account is customer-held."),
        "clocks": clock_count,
        "beyond_policy_note": _beyond_note(flows_),
        "entitlement_lines": len(estate.entitlements),
        "returns": len(returns), "slac_devices": len(slacs),
    }


def _beyond_note(flows_: tuple[Flow, ...]) -> str:
    beyond = [f for f in flows_ if f.beyond_policy]
    if not beyond:
        return ("No flow carries a data element its classification policy does not list as "
                "allowed to leave: the planner treats each policy's telemetry_may_leave as a "
                "hard rule when it chooses modes.")
    # Only a plan made under other policies (an edited plan.json, changed presets) gets here.
    return (f"{len(beyond)} flow(s) carry data elements their classification policy does not "
            f"list as allowed to leave ({', '.join(f.id for f in beyond[:12])}"
            f"{', ...' if len(beyond) > 12 else ''}): re-plan with the current policies, or "
            "record these as accepted residual risks.")


def controls(facts: dict[str, object]) -> tuple[str, tuple[Control, ...]]:
    source, defs = load_controls()
    out = []
    for c in defs:
        missing = placeholders(c.satisfied) - set(facts)
        if missing:
            raise ValueError(f"models/controls.yaml {c.id}: unknown placeholder(s) "
                             f"{', '.join(sorted(missing))}")
        out.append(Control(c.id, c.title, c.statement, c.satisfied.format_map(facts), source))
    return source, tuple(out)


def risks(plan: Plan, flows_: tuple[Flow, ...]) -> tuple[Risk, ...]:
    estate = plan.estate
    out = []
    if plan.status is SolveStatus.FEASIBLE:
        out.append(Risk(f"The plan is not proven optimal (gap {plan.gap:.3%}).",
                        "Re-run with a longer --time-limit before committing spend.",
                        standing=True))
    if estate.account.holder is Holder.RESELLER:
        out.append(Risk("The Smart Account is reseller-held: access and licences can vanish "
                        "with the reseller relationship.",
                        "Transfer the Smart Account to the customer before adopting the plan.",
                        standing=True))
    modes = {d.mode for d in plan.class_decisions}
    if Mode.ONPREM_MANUAL in modes:
        sync = onprem_manual_syncs(estate.costs)
        out.append(Risk("A missed manual On-Prem sync: CSSM removes the instance after 90 days "
                        "without sync, and the devices' acknowledgements arrive only through a "
                        "sync.", f"Sync every {sync.interval_days} days (clocks table) and log "
                        "each carry (AU-2, MP-5)."))
    if Mode.OFFLINE in modes:
        trips = offline_trips(estate.costs)
        out.append(Risk("A usage report or acknowledgement missed at an offline site puts the "
                        "device out of policy.", f"Carry a report-and-ACK round trip every "
                        f"{trips.interval_days} days (clocks table); re-report within 90 days of "
                        "any licence change."))
    if modes & reservation_modes():
        out.append(Risk("Lost authorization codes or an RMA without a return code strand "
                        "reserved licences.", "Keep the codes with the reservation manifests; "
                        "return codes before a device leaves the site."))
    states = state_counts(estate.devices)
    unknown = states.get(LicensingState.UNKNOWN, 0) + states.get(LicensingState.EVALUATION, 0)
    if unknown:
        out.append(Risk(f"{unknown} devices have an unknown or evaluation licensing state.",
                        "Confirm with `show license summary` evidence (planner ingest) before "
                        "the first report falls due."))
    beyond = [f for f in flows_ if f.beyond_policy]
    if beyond:
        elements = sorted({e for f in beyond for e in f.beyond_policy})
        sites = sorted({f.source for f in beyond})
        out.append(Risk(f"{len(beyond)} flow(s) from {len(sites)} source(s) carry "
                        f"{', '.join(elements)} although the source's classification policy "
                        "does not list them as allowed to leave (the mode requires them).",
                        "Accept the exposure formally, or change the policy's allowed modes so "
                        "the optimiser picks a mode that sends less (e.g. PLR sends only the "
                        "UDI)."))
    if any(not estate.policy(s.classification).hostname_privacy for s in estate.sites):
        out.append(Risk("Some site policies let hostnames leave with the usage data.",
                        "Set hostname_privacy on those policies if hostnames are sensitive."))
    out.append(Risk("Cisco Smart Software Manager is an external service whose own controls "
                    "are outside this plan.", "Rely on Cisco's published assurances under "
                    "SA-9; limit what it receives to the register's elements."))
    return tuple(out)


def _ledger(estate: Estate, when: date | None) -> dict[str, SiteAcks]:
    """The latest recorded ledger read beside the estate (read-only), or none."""
    from planner.cycle.record import site_acks
    from planner.history.store import default_db_path

    return site_acks(default_db_path(estate.path), when) if estate.path else {}


def _crossings(estate: Estate, when: date | None) -> dict[str, tuple[str, str]]:
    """The last in-leg sealed per crossing, beside the estate (read-only), or none."""
    from planner.cycle.record import last_crossings
    from planner.history.store import default_db_path

    return last_crossings(default_db_path(estate.path), when) if estate.path else {}


def build_compliance(plan: Plan, *, when: date | None, date_source: str,
                     command: str) -> ComplianceReport:
    estate = plan.estate
    catalogue = estate_catalogue(estate)
    scope_ = scope(estate, plan)
    grouped = groups(plan)  # once: flows, clocks and components all read them
    flows_ = flows(plan, grouped)
    clocks_ = clocks(plan, when, catalogue, _ledger(estate, when), _crossings(estate, when),
                     grouped)
    source, controls_ = controls(control_facts(plan, scope_, flows_, len(clocks_)))
    cur = estate.costs.currency
    summary = (
        ("strategy", plan.strategy.value), ("status", plan.status.value),
        ("solver", plan.solver), ("proven gap", f"{plan.gap:.3%}"),
        ("total cost over the horizon", money(plan.costs.total, cur)),
        ("sites by mode", _count_text(Counter(", ".join(m.value for m in s.modes)
                                              for s in plan.sites), 8)),
        ("SSM On-Prem servers", ", ".join(f"{p.site} ({p.mode.value}, {p.servers})"
                                          for p in plan.servers) or "none"),
        ("devices reserved", str(plan.devices_reserved)),
    )
    return ComplianceReport(
        meta=meta(plan, "compliance", f"Licensing compliance pack: {estate.name}", when),
        plan_summary=summary, scope=scope_,
        site_map=Chart("site-map", "System boundary: sites, enclaves and servers",
                       site_map(estate, plan), "Boxes are segments reachable without crossing "
                       "a boundary; dashed red lines are boundary links."),
        inventory=inventory(estate, plan, catalogue), flows=flows_, clocks=clocks_,
        clock_summary=summarise_clocks(clocks_),
        report_date=when.isoformat() if when else "not stamped (dates are relative)",
        controls=controls_, controls_source=source,
        components=components(plan, flows_, tuple(c.id for c in controls_), grouped),
        assumptions=plan.assumptions,
        risks=risks(plan, flows_), signoff=SIGNOFF,
        reproducibility=reproducibility(estate, plan, when, date_source, command),
        registers=(clocks_register(clocks_),))
