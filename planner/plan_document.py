"""plan.json: the one module that knows its fields, writing a Plan to it and reading it back.

Schema `planner.plan/2` (docs/plan-schema.md, models/plan.schema.json) grows with sites, classes
and Virtual Accounts, never with devices: what each device does is in devices.csv, and a reader
that needs the device-to-class mapping re-derives it from the estate, whose input files the
document records by SHA-256. The one per-device fact a class does not fix, the licence tags a
reserved device draws (its own tag, a substitute, a purchase), is written per class as runs:
"the next n devices, in serial order, reserve these tags". `planner.plan/1` documents (with a
`reservations[]` record per reserved device) are still read.

Writing is deterministic: keys sorted, money rounded to cents, hours to hundredths, one list
record per line, classes encoded straight to JSON text (the part that grows with the estate).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner import json_shape as shape
from planner.encode import finite
from planner.fileio import read_text
from planner.model import Device, Mode
from planner.modes import reservation_modes
from planner.output import Bytes
from planner.plan import ClassDecision, DeviceClass, Plan, Transfer
from planner.problems import InputError, error

if TYPE_CHECKING:
    from planner.class_columns import ClassColumns

PLAN_SCHEMA = "planner.plan/2"
PLAN_SCHEMA_V1 = "planner.plan/1"
READABLE_SCHEMAS = (PLAN_SCHEMA, PLAN_SCHEMA_V1)
MAX_TYPES_PER_TRANSFER = 10  # a CSSM transfer request carries at most 10 licence types
_WRITTEN_BY = "a plan.json written by 'planner plan'"

Licences = tuple[tuple[str, int], ...]  # (tag, count), sorted by tag


def money(value: float) -> float:
    """Money as every plan file states it: rounded to cents (and never -0.0)."""
    return round(value, 2) + 0.0  # adding 0.0 turns -0.0 (from rounding a tiny debit) into 0.0


def hours(value: float) -> float:
    return round(value, 2) + 0.0  # adding 0.0 turns -0.0 (from rounding a tiny debit) into 0.0


def rebatch_transfers(transfers: Iterable[Transfer]) -> list[Transfer]:
    """Transfers regrouped per (source, target) in batches of at most 10 licence types.

    Quantities of one tag between the same pair add up; batches are numbered from 1 in
    (source, target, tag) order so the list is deterministic whatever the solver returned.
    """
    totals: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for transfer in transfers:
        for tag, qty in transfer.items:
            totals[(transfer.source_va, transfer.target_va)][tag] += qty
    out: list[Transfer] = []
    for (source, target), counter in sorted(totals.items()):
        items = sorted((t, q) for t, q in counter.items() if q > 0)
        for start in range(0, len(items), MAX_TYPES_PER_TRANSFER):
            out.append(Transfer(len(out) + 1, source, target,
                                tuple(items[start:start + MAX_TYPES_PER_TRANSFER])))
    return out


# --- reservations per class, as runs ------------------------------------------------------------

Run = tuple[int, Licences]  # (devices, what each of them reserves)


def _runs(per_device: Iterable[Licences]) -> tuple[Run, ...]:
    out: list[list[Any]] = []
    for licences in per_device:
        if out and out[-1][1] == licences:
            out[-1][0] += 1
        else:
            out.append([1, licences])
    return tuple((int(n), lic) for n, lic in out)


def reservation_runs(plan: Plan) -> dict[str, tuple[Run, ...]]:
    """Class id -> what its devices reserve, in runs over the class's devices in (serial,
    hostname) order: a class's devices draw the same tags until a supply line runs out, so a
    class has one run, or a few where supply lines change, however many devices it holds."""
    if not plan.reservations:
        return {}
    reserved = reservation_modes()
    decided = {d.class_id for d in plan.class_decisions if d.mode in reserved}
    class_of = {(c.site, serial): c.id for c in plan.classes if c.id in decided
                for serial in c.device_serials}
    drawn: dict[str, list[tuple[tuple[str, str], Licences]]] = defaultdict(list)
    for r in plan.reservations:
        cid = class_of.get((r.site, r.serial))
        if cid is not None:
            drawn[cid].append(((r.serial, r.hostname), r.licences))
    return {cid: _runs(lic for _key, lic in sorted(rows)) for cid, rows in drawn.items()}


def reserved_in_runs(runs: Sequence[Run], devices: Sequence[Device], name: str,
                     class_id: str) -> dict[tuple[str, str], Licences]:
    """(hostname, serial) -> licences to reserve: `runs` laid over `devices` in (serial,
    hostname) order, as `reservation_runs` wrote them; a count that does not match the class
    is refused (the document was edited, or made from other devices)."""
    ordered = sorted(devices, key=attrgetter("serial", "hostname"))
    if sum(n for n, _ in runs) != len(ordered):
        raise InputError([error(name, f"class {class_id}: the plan reserves for "
                                f"{sum(n for n, _ in runs)} device(s), the estate's class holds "
                                f"{len(ordered)}", column="classes.reserved",
                                expected="a plan.json made from this estate by 'planner plan'")])
    out: dict[tuple[str, str], Licences] = {}
    at = 0
    for n, licences in runs:
        for device in ordered[at:at + n]:
            out[(device.hostname, device.serial)] = licences
        at += n
    return out


# --- writing ------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class LazyRecords:
    """A list of records encoded only when `json_chunks` reaches them, a block at a time, so
    a plan with hundreds of thousands of classes never holds them all as text at once."""

    count: int
    blocks: Callable[[], Iterator[Bytes]]  # every record as a line `    {...},\n`, in blocks


_STR = json.encoder.encode_basestring  # what JSONEncoder(ensure_ascii=False) uses for strings
# Shared (dumps() builds one a call). allow_nan=False: NaN and Infinity are not JSON, so a
# non-finite number that reached the document is a bug caught here, never written.
_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, allow_nan=False)


def _record_encoder() -> Callable[[Any], str]:
    """`_ENCODER.encode`, with the C encoder it builds on every call built once: plan.json
    encodes a record per line, a thousand at 10k devices, and the per-call set-up was a third
    of their time. Same text (the json module's own C encoder, the same settings); where the
    json module has no C encoder, `_ENCODER.encode` itself."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return _ENCODER.encode
    encode = make({}, _ENCODER.default, _STR, None, _ENCODER.key_separator,
                  _ENCODER.item_separator, True, False, False)  # sorted keys, no NaN
    return lambda value: "".join(encode(value, 0))  # type: ignore[no-any-return]


_ENCODE = _record_encoder()


def _licence_list(uses: Iterable[tuple[str, int]]) -> list[dict[str, Any]]:
    return [{"tag": tag, "count": n} for tag, n in uses]


def _run_list(runs: Sequence[Run]) -> list[dict[str, Any]]:
    return [{"devices": n, "licences": _licence_list(lic)} for n, lic in runs]


def _class_record(c: DeviceClass, decision: ClassDecision | None,
                  runs: Sequence[Run] | None) -> dict[str, Any]:
    record = {
        "id": c.id, "site": c.site, "family": c.family, "train": c.train,
        "version": c.version, "state": c.state, "devices": c.devices, "members": c.members,
        "virtual_account": c.virtual_account,
        "licences": [{"tag": u.tag, "count": u.count} for u in c.licences],
        "mode": decision.mode.value if decision else None,
        "server_site": (decision.server_site or None) if decision else None,
    }
    if runs:
        record["reserved"] = _run_list(runs)
    return record


def _class_records(plan: Plan, runs: Mapping[str, tuple[Run, ...]]) -> list[dict[str, Any]]:
    """The class records as dicts, sorted by id (each class with the last decision naming it)."""
    decisions = {d.class_id: d for d in plan.class_decisions}
    return [_class_record(c, decisions.get(c.id), runs.get(c.id))
            for c in sorted(plan.classes, key=attrgetter("id"))]


_CLASSES_PER_BLOCK = 1 << 15
CodedText = tuple[Any, Any]  # (a text per distinct value, a code per class): large_string, int32


def _reserved_column(ids: Any, runs: Mapping[str, tuple[Run, ...]]) -> Any:
    """Per class, its `"reserved": [...], ` text (empty for a class that reserves nothing):
    the few reserving classes are found by a hash lookup of their ids, not a loop over all."""
    from planner import class_columns as cols
    from planner.arrow import pa, pc

    named = [cid for cid, r in runs.items() if r]
    texts = cols.strings(["", *(f'"reserved": {_ENCODER.encode(_run_list(runs[cid]))}, '
                                for cid in named)])
    # Typed scalars: an untyped Python int has pyarrow infer its type, importing dateutil.
    found = pc.index_in(ids, value_set=cols.strings(named))  # int32, null: not reserving
    at = pc.fill_null(pc.add(found, pa.scalar(1, pa.int32())), pa.scalar(0, pa.int32()))
    return texts.take(at)


def _class_blocks(plan: Plan, runs: Mapping[str, tuple[Run, ...]],
                  columns: ClassColumns | None = None) -> Iterator[memoryview]:
    """The class records, sorted by id, as JSON lines a block at a time: byte for byte the
    encoder's text of `_class_record` (tested), made column by column.

    Classes are the one part of plan.json that grows with the estate: a third of a million at
    a million devices. Each field is one array (planner.class_columns); a field with few
    distinct values (site, Virtual Account, family, train, version, state, licence set, mode,
    server site, device and member counts) is encoded once per distinct value, with the
    record's text around it, and taken by code, and a block's records are joined by pyarrow,
    never one string per class.
    """
    import numpy as np  # only when plan.json is written: reading a plan needs neither

    from planner import class_columns as cols
    from planner.arrow import from_numpy, large_text, pc

    classes = plan.classes
    n = len(classes)
    if not n:
        return
    decided = columns if columns is not None else cols.class_columns(classes,
                                                                      plan.class_decisions)
    order = from_numpy(decided.by_id)
    lit = large_text

    def coded(literals: Any, codes: Any, before: str, after: str = "") -> CodedText:
        """The text `before`, a distinct value's literal and `after`, per distinct value, and
        each class's code in id order: the record's fixed text is joined to the few distinct
        values once, not to every class."""
        return (pc.binary_join_element_wise(lit(before), literals, lit(after), lit("")),
                codes.take(order))

    def text_field(array: Any, before: str, after: str = "") -> CodedText:
        encoded = array.dictionary_encode(null_encoding="encode")  # null: `null`
        return coded(cols.json_strings(encoded.dictionary), encoded.indices, before, after)

    def attribute(name: str, after: str = "") -> CodedText:
        return text_field(cols.strings(list(map(attrgetter(name), classes))),
                          f', "{name}": ', after)

    def number_field(name: str, before: str) -> CodedText:
        values = np.fromiter(map(attrgetter(name), classes), np.int64, count=n)
        distinct, which = np.unique(values, return_inverse=True)  # counts repeat: few values
        return coded(cols.json_numbers(distinct), from_numpy(which.reshape(-1).astype(np.int32)),
                     before)

    # A licence set is one tuple shared by its classes: encoded once per tuple.
    licences = list(map(attrgetter("licences"), classes))
    _same, first, which = np.unique(np.fromiter(map(id, licences), np.uint64, count=n),
                                    return_index=True, return_inverse=True)
    sets = cols.strings([_ENCODER.encode([{"tag": u.tag, "count": u.count} for u in licences[i]])
                         for i in first.tolist()])
    del licences
    # The record's fields in key order: coded ones (distinct values with the text around
    # them, and a code per class) and whole ones (a value per class, in id order). The text
    # between fields goes with a coded neighbour, so a block joins 13 arrays, not 26.
    fields: list[CodedText | Any] = [
        number_field("devices", '    {"devices": '), attribute("family", ', "id": '),
        cols.json_strings(decided.ids.take(order)),
        coded(sets, from_numpy(which.reshape(-1).astype(np.int32)), ', "licences": '),
        number_field("members", ', "members": '), text_field(decided.mode, ', "mode": ', ", ")]
    if runs:
        fields.append(_reserved_column(decided.ids, runs).take(order))
    fields += [text_field(decided.server_site, '"server_site": '), attribute("site"),
               attribute("state"), attribute("train"), attribute("version"),
               attribute("virtual_account", "},\n")]
    for start in range(0, n, _CLASSES_PER_BLOCK):
        size = min(_CLASSES_PER_BLOCK, n - start)
        parts = [f[0].take(f[1].slice(start, size)) if isinstance(f, tuple)
                 else f.slice(start, size) for f in fields]
        yield cols.joined_bytes(pc.binary_join_element_wise(*parts, lit("")))


def server_records(plan: Plan) -> list[dict[str, Any]]:
    """The On-Prem deployment as plan.json's `servers` (and onprem.json) state it."""
    return [{
        "site": p.site, "mode": p.mode.value, "servers": p.servers, "ha": p.ha,
        "vms": p.servers * (2 if p.ha else 1), "sites_served": list(p.sites_served),
        "devices": p.devices, "local_accounts": [
            {"local_account": va, "virtual_account": va} for va in p.virtual_accounts],
    } for p in sorted(plan.servers, key=lambda p: (p.site, p.mode.value))]


def onprem_document(plan: Plan) -> dict[str, Any]:
    """onprem.json: the servers part of the plan, under the plan's schema name."""
    return {"schema": PLAN_SCHEMA, "servers": server_records(plan)}


def plan_document(plan: Plan, generated: date | None = None, *, encoded_classes: bool = False,
                  columns: ClassColumns | None = None) -> dict[str, Any]:
    """The plan as plain data, per docs/plan-schema.md and models/plan.schema.json.

    `encoded_classes` leaves the class records as LazyRecords for `json_chunks`, encoded a
    block at a time as they are written (the writers' fast path), from `columns` when the
    writer has the plan's class columns already; by default they are dicts like every other
    record.
    """
    estate = plan.estate
    runs = reservation_runs(plan)
    costs = plan.costs
    return {
        "schema": PLAN_SCHEMA,
        "generated": generated.isoformat() if generated else None,
        "estate": {
            "name": estate.name,
            "smart_account": {"name": estate.account.name, "domain": estate.account.domain},
            "currency": estate.costs.currency,
            "horizon_years": estate.costs.horizon_years,
            "sources": [{"path": s.path, "kind": s.kind, "sha256": s.sha256}
                        for s in sorted(estate.sources, key=lambda s: (s.path, s.kind))],
        },
        "strategy": plan.strategy.value,
        "status": plan.status.value,
        "solver": plan.solver,
        "objective": money(plan.objective),
        "gap": finite(round(plan.gap, 6)),  # null: the solver proved no bound
        "gap_money": finite(money(plan.gap_money)),
        "costs": {
            "purchases": money(costs.purchases), "servers": money(costs.servers),
            "labour": money(costs.labour), "exposure": money(costs.exposure),
            "flexibility": money(costs.flexibility), "transfers": money(costs.transfers),
            "reservation_uplift": money(costs.reservation_uplift),
            "total": money(costs.total), "controllable": money(costs.controllable),
        },
        "labour_hours_per_year": hours(plan.labour_hours_per_year),
        "labour_hours_initial": hours(plan.labour_hours_initial),
        "devices": len(estate.devices),
        "devices_reserved": plan.devices_reserved,
        "model": dict(zip(("rows", "columns", "nonzeros"), plan.model_size, strict=True)),
        "sites": [{
            "site": s.site, "modes": [m.value for m in s.modes], "server_site": s.server_site,
            "devices": s.devices, "labour": money(s.labour), "exposure": money(s.exposure),
            "flexibility": money(s.flexibility),
            "reservation_uplift": money(s.reservation_uplift), "total": money(s.total),
            "labour_hours_per_year": hours(s.labour_hours_per_year),
            "excluded": {m.value: list(r) for m, r in s.excluded},
        } for s in sorted(plan.sites, key=lambda s: s.site)],
        "classes": LazyRecords(len(plan.classes), lambda: _class_blocks(plan, runs, columns))
        if encoded_classes else _class_records(plan, runs),
        "servers": server_records(plan),
        "transfers": [{
            "batch": t.batch, "source_va": t.source_va, "target_va": t.target_va,
            "items": [{"tag": tag, "quantity": qty} for tag, qty in t.items],
        } for t in rebatch_transfers(plan.transfers)],
        "purchases": [{
            "virtual_account": p.virtual_account, "tag": p.tag, "quantity": p.quantity,
            "unit_price": money(p.unit_price), "total": money(p.total),
        } for p in sorted(plan.purchases, key=lambda p: (p.virtual_account, p.tag))],
        "exposure": [{
            "site": e.site, "element": e.element.value, "devices": e.devices,
            "transfers_per_year": round(e.transfers_per_year, 4), "cost": money(e.cost),
        } for e in sorted(plan.exposure, key=lambda e: (e.site, e.element.value))],
        "infeasible": [{"site": site, "reasons": list(reasons)}
                       for site, reasons in sorted(plan.infeasible)],
        "assumptions": list(plan.assumptions),
    }


_RECORDS_PER_CHUNK = 2048


def json_chunks(doc: Mapping[str, Any]) -> Iterator[str | Bytes]:
    """`doc` as JSON text (UTF-8 bytes, or views of them, for LazyRecords' blocks) in pieces of
    at most a few thousand list records: sorted keys, one top-level key per line and one list
    record per line.

    Readable and diff-friendly, and it keeps to the C encoder (json's `indent` switches to the
    pure-Python one, several times slower on a plan with a hundred thousand classes). Written
    in pieces so a writer never holds a large document as one string.
    """
    keys = sorted(doc)
    yield "{\n"
    for k, key in enumerate(keys):
        value = doc[key]
        end = ",\n" if k < len(keys) - 1 else "\n"
        if isinstance(value, LazyRecords) and value.count:
            yield f"  {_ENCODER.encode(key)}: [\n"
            yield from _last_without_comma(value.blocks())
            yield f"  ]{end}"
        elif isinstance(value, list) and value:
            yield f"  {_ENCODER.encode(key)}: [\n"
            for start in range(0, len(value), _RECORDS_PER_CHUNK):
                part = value[start:start + _RECORDS_PER_CHUNK]
                last = start + _RECORDS_PER_CHUNK >= len(value)
                yield ",\n".join(f"    {_ENCODE(item)}" for item in part) + (
                    "\n" if last else ",\n")
            yield f"  ]{end}"
        else:
            value = [] if isinstance(value, LazyRecords) else value
            yield f"  {_ENCODER.encode(key)}: {_ENCODE(value)}{end}"
    yield "}\n"


def _last_without_comma(blocks: Iterator[Bytes]) -> Iterator[Bytes]:
    """Blocks of `record,\n` lines, the last line's comma dropped (JSON has no trailing one):
    the last block up to its comma, then the line end, so no block is copied."""
    held: Bytes | None = None
    for block in blocks:
        if len(block):
            if held is not None:
                yield held
            held = block
    if held is not None:
        yield memoryview(held)[:-2]
        yield b"\n"


def json_text(doc: Mapping[str, Any]) -> str:
    """`json_chunks` joined: the whole document as one string (small documents, tests)."""
    return "".join(p if isinstance(p, str) else str(p, "utf-8") for p in json_chunks(doc))


# --- reading ------------------------------------------------------------------------------------

_LICENCES = shape.list_of(shape.obj({"tag": shape.text(), "count": shape.count()}))
_COMMON = {
    "classes": shape.list_of(shape.obj({"id": shape.text(), "mode": shape.text(optional=True),
                                        "server_site": shape.text(optional=True)})),
    "servers": shape.list_of(shape.obj({
        "site": shape.text(), "mode": shape.text(),
        "local_accounts": shape.list_of(shape.obj({"virtual_account": shape.text()}))})),
    "estate": shape.obj({"sources": shape.list_of(shape.obj({
        "kind": shape.text(), "path": shape.text(), "sha256": shape.text()}))}, optional=True),
}
# What a reader uses of each version, checked before any of it is used.
_SHAPES = {
    PLAN_SCHEMA: shape.obj({**_COMMON, "classes": shape.list_of(shape.obj({
        "id": shape.text(), "mode": shape.text(optional=True),
        "server_site": shape.text(optional=True),
        "reserved": shape.list_of(shape.obj({"devices": shape.count(),
                                             "licences": _LICENCES}))}))}),
    PLAN_SCHEMA_V1: shape.obj({**_COMMON, "reservations": shape.list_of(shape.obj({
        "hostname": shape.text(), "serial": shape.text(), "licences": _LICENCES}))}),
}


@dataclass(frozen=True, slots=True)
class SavedServer:
    site: str
    mode: str  # as written; a reader compares it with the catalogue's modes
    virtual_accounts: tuple[str, ...]  # sorted


@dataclass(frozen=True, slots=True)
class SavedPlan:
    """What a saved plan.json (either version) says, typed and checked: class decisions, the
    input files it was made from, its On-Prem servers and what reserved devices reserve."""

    path: str
    schema: str
    generated: str | None
    sources: tuple[tuple[str, str, str], ...] | None  # (kind, path, sha256); None: not recorded
    decisions: Mapping[str, tuple[Mode | None, str | None]]  # class id -> (mode, server site)
    servers: tuple[SavedServer, ...]
    reserved_by_device: Mapping[tuple[str, str], Licences]  # v1: (hostname, serial) -> tags
    reserved_runs: Mapping[str, tuple[Run, ...]]  # v2: class id -> runs

    def reserved(self, class_id: str, devices: Sequence[Device],
                 ) -> Mapping[tuple[str, str], Licences]:
        """(hostname, serial) -> what each of a class's devices reserves (absent: nothing)."""
        if self.schema == PLAN_SCHEMA_V1:
            return self.reserved_by_device
        runs = self.reserved_runs.get(class_id)
        return reserved_in_runs(runs, devices, self.path, class_id) if runs else {}


def _parse(path: Path) -> dict[str, Any]:
    name = str(path)
    try:
        doc = json.loads(read_text(path, name))
    except json.JSONDecodeError as exc:
        raise InputError([error(name, f"not valid JSON: {exc.msg}", line=exc.lineno,
                                expected=_WRITTEN_BY)]) from None
    except (RecursionError, ValueError) as exc:  # nesting too deep; an integer past the limit
        raise InputError([error(name, f"not a usable JSON document ({type(exc).__name__})",
                                expected=_WRITTEN_BY)]) from None
    if not isinstance(doc, dict) or doc.get("schema") not in READABLE_SCHEMAS:
        raise InputError([error(name, "not a planner plan file", column="schema",
                                expected="schema " + " or ".join(
                                    repr(s) for s in READABLE_SCHEMAS))])
    return doc


def _mode(value: Any, name: str, where: str) -> Mode | None:
    if value is None:
        return None
    try:
        return Mode(value)
    except ValueError:
        raise InputError([error(name, f"unknown mode {value!r}", column=where,
                                expected=", ".join(m.value for m in Mode))]) from None


def _licences(raw: list[dict[str, Any]] | None) -> Licences:
    return tuple(sorted((str(x["tag"]), int(x["count"])) for x in raw or []))


def read_plan(path: Path) -> SavedPlan:
    """Read and check a saved plan.json of either version; exit 2 (InputError) naming the file
    and the JSON path of what is wrong."""
    name = str(path)
    doc = _parse(path)
    schema = str(doc["schema"])
    shape.check_shape(_SHAPES[schema], doc, name)
    decisions: dict[str, tuple[Mode | None, str | None]] = {}
    runs: dict[str, tuple[Run, ...]] = {}
    for i, raw in enumerate(doc.get("classes") or []):
        cid = str(raw["id"])
        decisions[cid] = (_mode(raw.get("mode"), name, f"classes[{i}].mode"),
                          raw.get("server_site"))
        if raw.get("reserved"):
            runs[cid] = tuple((int(r["devices"]), _licences(r["licences"]))
                              for r in raw["reserved"])
    by_device = {(str(r["hostname"]), str(r["serial"])): _licences(r["licences"])
                 for r in doc.get("reservations") or []} if schema == PLAN_SCHEMA_V1 else {}
    block = doc.get("estate")
    raw_sources = block.get("sources") if isinstance(block, dict) else None
    sources = None if not isinstance(raw_sources, list) else tuple(
        (str(s["kind"]), str(s["path"]), str(s["sha256"])) for s in raw_sources)
    servers = tuple(SavedServer(str(s["site"]), str(s["mode"]), tuple(sorted(
        str(a["virtual_account"]) for a in s.get("local_accounts") or [])))
        for s in doc.get("servers") or [])
    generated = doc.get("generated")
    return SavedPlan(name, schema, generated if isinstance(generated, str) else None, sources,
                     decisions, servers, by_device, runs)


def stamped_date(path: Path) -> str | None:
    """The `generated` date a saved plan carries, or None when it has none or cannot be read
    (a caller then falls back to its own clock; `read_plan` reports what is wrong)."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    stamped = doc.get("generated") if isinstance(doc, dict) else None
    return stamped if isinstance(stamped, str) and stamped else None
