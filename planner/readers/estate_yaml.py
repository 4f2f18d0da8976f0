"""The estate YAML: the human-written file naming the account, sites, links and inventory files.

Read with PyYAML's SafeLoader only (one parse: compose the node tree for line numbers, then
construct plain values from it). Every problem carries the YAML path (`sites[3].internet`) and
the line. Aliases are allowed, but a document that expands to too many nodes (an alias bomb) is
refused, as is one larger than MAX_BYTES.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

import yaml

from planner.domains import DATE_EXPECTED, MAX_GROWTH, calendar_date, finite_number
from planner.fileio import read_source
from planner.model import (
    EnterpriseAgreement,
    Holder,
    InternetAccess,
    Link,
    Site,
    SmartAccount,
    VirtualAccount,
)
from planner.model_yaml import LOADER
from planner.problems import InputError, Problem, error
from planner.readers import SourceKind

MAX_BYTES = 10 * 1024 * 1024  # a hand-written estate file is kilobytes; refuse anything absurd
MAX_NODES = 1_000_000  # nodes after alias expansion
INVENTORY_KEYS = tuple(k.value for k in SourceKind)
TOP_KEYS = ("name", "description", "account", "virtual_accounts", "sites", "links", "policies",
            "costs", "agreement", "prices", "products", "tier_rules", "inventory", "extra_columns",
            "outside_paths")


class ExtraColumns(StrEnum):
    """`extra_columns:` what a column outside an inventory file's schema is."""

    ERROR = "error"  # the default: an unknown column is most often a misspelt one
    IGNORE = "ignore"  # for users who carry columns of their own in the planner's files


class OutsidePaths(StrEnum):
    """`outside_paths:` may inventory and evidence paths leave the estate file's folder?"""

    REFUSE = "refuse"  # the default: `../../etc/...` in a colleague's estate file is refused
    ALLOW = "allow"
DEFAULT_VA = "DEFAULT"

E = TypeVar("E", bound=StrEnum)


@dataclass(slots=True)
class EstateDoc:
    """The estate file's own content, typed; presets and inventory are merged by the loader."""

    name: str = ""
    account: SmartAccount = field(default_factory=lambda: SmartAccount("", ""))
    virtual_accounts: tuple[VirtualAccount, ...] = ()
    sites: tuple[Site, ...] = ()
    links: tuple[Link, ...] = ()
    policies: dict[str, dict[str, Any]] = field(default_factory=dict)
    costs: dict[str, Any] = field(default_factory=dict)
    agreement: EnterpriseAgreement | None = None
    prices: dict[str, Any] = field(default_factory=dict)
    products: dict[str, dict[str, Any]] = field(default_factory=dict)
    tier_rules: dict[str, Any] = field(default_factory=dict)  # licence track -> substitute?
    inventory: dict[str, tuple[str, ...]] = field(default_factory=dict)
    extra_columns: ExtraColumns = ExtraColumns.ERROR
    outside_paths: OutsidePaths = OutsidePaths.REFUSE
    lines: dict[str, int] = field(default_factory=dict)  # YAML path -> 1-based line
    columns: dict[str, int] = field(default_factory=dict)  # YAML path -> 1-based column
    problems: list[Problem] = field(default_factory=list)
    # True when the file's shape is wrong (an unknown or duplicated key): reading inventory
    # against a misread estate would only bury the one real error under thousands of others.
    malformed: bool = False
    sha256: str = ""  # of the bytes parsed (the file is opened and read once)


def read_estate_document(path: Path, display: str) -> EstateDoc:
    """Parse and type the estate file; raises InputError only when it cannot be parsed at all."""
    text, digest = read_source(path, display, max_bytes=MAX_BYTES)
    if not text.strip():
        raise InputError([error(display, "file is empty", line=1,
                                expected="an estate YAML mapping (name, account, sites, ...)")])
    loader = LOADER(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise InputError([error(display, "file holds no YAML document", line=1,
                                    expected="an estate YAML mapping")])
        lines: dict[str, int] = {}
        builder = _Builder(loader, lines, display)
        data = builder.build(node, "")
    except RecursionError:
        raise InputError([error(display, "document is nested too deeply",
                                expected="a plain estate file")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise InputError([error(display, f"not valid YAML: {getattr(exc, 'problem', exc)}",
                                line=line, expected="YAML (see docs/estate-format.md)")]) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise InputError([error(display, f"top level is a {type(data).__name__}, not a mapping",
                                line=1, expected="a mapping with name, account, sites, ...")])
    doc = EstateDoc(lines=lines, columns=builder.columns, sha256=digest,
                    problems=builder.problems,
                    malformed=bool(builder.problems))
    _Typer(display, doc).fill(data)
    return doc


_STR, _SEQ, _MAP, _TIMESTAMP, _MERGE, _VALUE = (f"tag:yaml.org,2002:{t}" for t in (
    "str", "seq", "map", "timestamp", "merge", "value"))


class _Builder:
    """Plain values from the node tree, recording each YAML path's line on the way.

    One pass instead of PyYAML's construct_document plus a separate walk. Scalars other than
    strings go through the safe constructor (ints, floats, booleans, nulls, dates); merge keys
    are flattened as safe_load does. Every node visit is counted, so an alias bomb is refused
    instead of expanded. Text scalars, most of an estate file, are taken where they are met
    (a mapping's keys and values, a list's items) rather than by a call per node.
    """

    def __init__(self, loader: Any, lines: dict[str, int], display: str) -> None:
        self.loader = loader
        self.lines = lines
        self.display = display
        self.visits = 0
        self.problems: list[Problem] = []  # duplicate keys, values no constructor accepts
        self.columns: dict[str, int] = {}  # YAML path -> 1-based column, for problems as data

    def build(self, node: yaml.Node, path: str) -> Any:
        self._visit()
        mark = node.start_mark
        self.lines.setdefault(path, mark.line + 1)
        self.columns.setdefault(path, mark.column + 1)
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path)
        if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
            return self._sequence(node, path)
        if isinstance(node, yaml.MappingNode) and node.tag == _MAP:
            return self._mapping(node, path)
        # Any other tag (!!set, !!omap, !!python/...): the safe constructor accepts or refuses.
        return self.loader.construct_object(node)

    def _visit(self) -> None:
        self.visits += 1
        if self.visits > MAX_NODES:
            raise InputError([error(self.display, f"document expands to more than {MAX_NODES} "
                                    "nodes (nested aliases?)", expected="a plain estate file")])

    def _scalar(self, node: yaml.ScalarNode, path: str) -> Any:
        if node.tag in (_STR, _TIMESTAMP):
            # Dates stay text here: the typed reader checks them as calendar dates with
            # their line (PyYAML raises a bare ValueError for 2025-02-30 and turns
            # `2025-01-01T10:00+02:00` into a datetime that no date compares with).
            return node.value
        try:
            return self.loader.construct_object(node)
        except (ValueError, OverflowError) as exc:
            self.problems.append(error(self.display, f"value {node.value!r} cannot be read "
                                       f"({exc})", line=node.start_mark.line + 1,
                                       column=path or None, expected="a plain value"))
            return node.value

    def _sequence(self, node: yaml.SequenceNode, path: str) -> list[Any]:
        out: list[Any] = []
        lines, columns = self.lines, self.columns
        for i, item in enumerate(node.value):
            where = f"{path}[{i}]"
            if type(item) is yaml.ScalarNode and item.tag == _STR:
                self._visit()
                mark = item.start_mark
                lines.setdefault(where, mark.line + 1)
                columns.setdefault(where, mark.column + 1)
                out.append(item.value)
            else:
                out.append(self.build(item, where))
        return out

    def _mapping(self, node: yaml.MappingNode, path: str) -> dict[Any, Any]:
        if self._duplicates(node, path):
            self.loader.flatten_mapping(node)
        lines, columns = self.lines, self.columns
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if type(key_node) is yaml.ScalarNode and key_node.tag == _STR:
                # The mapping's own path is recorded already: a key adds only its visit.
                self._visit()
                key: Any = key_node.value
            else:
                key = self.build(key_node, path)
                if isinstance(key, (dict, list)):
                    raise InputError([error(self.display, "a mapping key is not a plain value",
                                            line=key_node.start_mark.line + 1, column=path,
                                            expected="text keys")])
            name = f"{path}.{key}" if path else str(key)
            if type(value_node) is yaml.ScalarNode and value_node.tag == _STR:
                self._visit()  # its own line would be replaced by the key's just below
                out[key] = value_node.value
            else:
                out[key] = self.build(value_node, name)
            mark = key_node.start_mark
            lines[name] = mark.line + 1
            columns[name] = mark.column + 1
        return out

    def _duplicates(self, node: yaml.MappingNode, path: str) -> bool:
        """A key written twice in one mapping is an error (YAML says keys are unique; PyYAML
        silently keeps the last). Checked before merge keys (`<<`) are expanded, since an
        explicit key overriding a merged one is the point of a merge. True when a key is a
        merge (`<<`) or value (`=`) key, which the safe constructor's flattening handles."""
        first: dict[str, int] = {}
        special = False
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE:
                special = special or key_node.tag in (_MERGE, _VALUE)
                continue
            if key_node.tag == _VALUE:
                special = True
            line = key_node.start_mark.line + 1
            key = key_node.value
            if key not in first:
                first[key] = line
                continue
            self.problems.append(error(
                self.display, f"key {key!r} appears twice in one mapping (first on line "
                f"{first[key]})", line=line, column=f"{path}.{key}" if path else str(key),
                position=key_node.start_mark.column + 1,
                expected="each key once (YAML would silently keep the last)"))
        return special


class _Typer:
    """Typed access to the loaded mapping; every problem names the YAML path and line."""

    def __init__(self, display: str, doc: EstateDoc) -> None:
        self.display = display
        self.doc = doc
        # YAML paths an unknown key was taken for ("did you mean"): their "is missing"
        # follow-on errors are not reported, so a misspelt key is one error, not two.
        self.suggested: set[str] = set()

    def bad(self, path: str, message: str, expected: str) -> None:
        self.doc.problems.append(error(self.display, message, line=self.line(path),
                                       column=path, expected=expected,
                                       position=self.doc.columns.get(path)))

    def line(self, path: str) -> int | None:
        while path:
            if path in self.doc.lines:
                return self.doc.lines[path]
            path = path.rsplit(".", 1)[0] if "." in path else (
                path.rsplit("[", 1)[0] if "[" in path else "")
        return None

    def mapping(self, value: Any, path: str, keys: tuple[str, ...]) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.bad(path, f"is a {type(value).__name__}, not a mapping", "a mapping")
            return {}
        for key in value:
            if not path and str(key).startswith("x-"):
                continue  # top-level `x-...` keys hold YAML anchors for reuse; not read
            if keys and key not in keys:
                hint = difflib.get_close_matches(str(key), keys, n=1, cutoff=0.6)
                where = f"{path}.{key}" if path else str(key)
                if hint and hint[0] not in value:
                    self.suggested.add(f"{path}.{hint[0]}" if path else hint[0])
                self.doc.malformed = True
                self.bad(where, f"unknown key {key!r}"
                         + (f"; did you mean {hint[0]!r}?" if hint else ""),
                         "one of " + ", ".join(keys))
        return value

    def text(self, m: dict[str, Any], key: str, path: str, *, required: bool = False,
             default: str = "") -> str:
        value = m.get(key)
        where = f"{path}.{key}" if path else key
        if value is None or value == "":
            if required and where not in self.suggested:
                self.bad(where, f"{key} is missing", f"a {key}")
            return default
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            return str(value).strip()
        self.bad(where, f"{key} is a {type(value).__name__}, not text", "text")
        return default

    def flag(self, m: dict[str, Any], key: str, path: str, default: bool = False) -> bool:
        value = m.get(key, default)
        if isinstance(value, bool):
            return value
        self.bad(f"{path}.{key}", f"{key} {value!r} is not true/false", "true or false")
        return default

    def choice(self, m: dict[str, Any], key: str, path: str, enum: type[E],
               default: E | None = None) -> E | None:
        value = m.get(key)
        if value is None:
            if default is None and f"{path}.{key}" not in self.suggested:
                self.bad(f"{path}.{key}", f"{key} is missing",
                         "|".join(e.value for e in enum))
            return default
        try:
            return enum(str(value).strip().lower())
        except ValueError:
            self.bad(f"{path}.{key}", f"{key} {value!r} is not allowed",
                     "|".join(e.value for e in enum))
            return default

    def day(self, m: dict[str, Any], key: str, path: str) -> date | None:
        value = m.get(key)
        where = f"{path}.{key}"
        if value is None:
            if where not in self.suggested:
                self.bad(where, f"{key} is missing", "YYYY-MM-DD")
            return None
        got = calendar_date(str(value))
        if isinstance(got, str):
            self.bad(where, f"bad date {value!r}: {key} {got}", DATE_EXPECTED)
            return None
        return got

    def option(self, data: dict[str, Any], key: str, enum: type[E], default: E) -> E:
        got = self.choice(data, key, "", enum, default)
        return got if got is not None else default

    def items(self, data: dict[str, Any], key: str) -> list[Any]:
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.bad(key, f"{key} is a {type(value).__name__}, not a list", "a YAML list")
            return []
        return value

    def fill(self, data: dict[str, Any]) -> None:
        doc = self.doc
        self.mapping(data, "", TOP_KEYS)
        doc.extra_columns = self.option(data, "extra_columns", ExtraColumns, ExtraColumns.ERROR)
        doc.outside_paths = self.option(data, "outside_paths", OutsidePaths, OutsidePaths.REFUSE)
        doc.name = self.text(data, "name", "", required=True)
        doc.account = self._account(data.get("account"))
        doc.virtual_accounts = self._virtual_accounts(self.items(data, "virtual_accounts"))
        doc.sites = tuple(s for i, raw in enumerate(self.items(data, "sites"))
                          if (s := self._site(raw, f"sites[{i}]")) is not None)
        doc.links = tuple(x for i, raw in enumerate(self.items(data, "links"))
                          if (x := self._link(raw, f"links[{i}]")) is not None)
        doc.policies = {str(k): v for k, v in self.mapping(data.get("policies"), "policies",
                                                           ()).items()}
        doc.costs = self.mapping(data.get("costs"), "costs", ())
        doc.prices = {str(k): v for k, v in self.mapping(data.get("prices"), "prices",
                                                         ()).items()}
        doc.products = {str(k): v for k, v in self.mapping(data.get("products"), "products",
                                                           ()).items()}
        doc.tier_rules = {str(k): v for k, v in self.mapping(data.get("tier_rules"),
                                                             "tier_rules", ()).items()}
        if data.get("agreement") is not None:
            m = self.mapping(data["agreement"], "agreement", ("start", "end", "growth_allowance"))
            start, end = self.day(m, "start", "agreement"), self.day(m, "end", "agreement")
            growth = m.get("growth_allowance", 0.20)
            if finite_number(growth, 0, MAX_GROWTH) is None:
                self.bad("agreement.growth_allowance", f"growth_allowance {growth!r} is not a "
                         "share", f"a finite number from 0 to {MAX_GROWTH:g}, e.g. 0.2 for 20%")
                growth = 0.20
            if start and end and end <= start:
                self.bad("agreement.end", f"end {end} is not after start {start}",
                         "an end after the start")
            elif start and end:
                doc.agreement = EnterpriseAgreement(start, end, float(growth))
        inv = self.mapping(data.get("inventory"), "inventory", INVENTORY_KEYS)
        for key in INVENTORY_KEYS:
            value = inv.get(key)
            paths = [value] if isinstance(value, str) else value
            if paths is None:
                continue
            if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
                self.bad(f"inventory.{key}", f"inventory.{key} is not a list of paths",
                         "a list of file paths relative to the estate file")
                continue
            doc.inventory[key] = tuple(paths)

    def _account(self, raw: Any) -> SmartAccount:
        keys = ("name", "domain", "holder", "slr_preapproved", "plr_preapproved",
                "export_authorised")
        if raw is None:
            self.bad("account", "account is missing", "account: {name, domain, holder, ...}")
            return SmartAccount("", "")
        m = self.mapping(raw, "account", keys)
        return SmartAccount(
            name=self.text(m, "name", "account", required=True),
            domain=self.text(m, "domain", "account"),
            holder=self.choice(m, "holder", "account", Holder, Holder.CUSTOMER) or Holder.CUSTOMER,
            slr_preapproved=self.flag(m, "slr_preapproved", "account"),
            plr_preapproved=self.flag(m, "plr_preapproved", "account"),
            export_authorised=self.flag(m, "export_authorised", "account"))

    def _virtual_accounts(self, raws: list[Any]) -> tuple[VirtualAccount, ...]:
        out: list[VirtualAccount] = []
        seen: set[str] = set()
        for i, raw in enumerate(raws):
            path = f"virtual_accounts[{i}]"
            m = {"name": raw} if isinstance(raw, str) else self.mapping(
                raw, path, ("name", "description", "default"))
            name = self.text(m, "name", path, required=True)
            if not name:
                continue
            if name in seen:
                self.bad(f"{path}.name", f"Virtual Account {name!r} is listed twice",
                         "unique names")
                continue
            seen.add(name)
            out.append(VirtualAccount(name, self.text(m, "description", path),
                                      self.flag(m, "default", path)))
        defaults = [va.name for va in out if va.is_default]
        if len(defaults) > 1:
            self.bad("virtual_accounts", f"{len(defaults)} Virtual Accounts are marked default: "
                     + ", ".join(defaults), "exactly one default")
        if not defaults:
            # CSSM always has a Default Virtual Account; name it when the file does not.
            match = [va for va in out if va.name.casefold() == DEFAULT_VA.casefold()]
            if match:
                out = [VirtualAccount(v.name, v.description, v is match[0]) for v in out]
            else:
                out.insert(0, VirtualAccount(DEFAULT_VA, "Default Virtual Account", True))
        return tuple(out)

    def _site(self, raw: Any, path: str) -> Site | None:
        m = self.mapping(raw, path, ("id", "name", "classification", "internet", "enclave",
                                     "tags", "description"))
        if not m:
            return None
        site_id = self.text(m, "id", path, required=True)
        classification = self.text(m, "classification", path, required=True)
        internet = self.choice(m, "internet", path, InternetAccess)
        tags_raw = m.get("tags") or []
        if not isinstance(tags_raw, list) or not all(isinstance(t, (str, int)) for t in tags_raw):
            self.bad(f"{path}.tags", "tags is not a list of words", "a list such as [hq, dc]")
            tags_raw = []
        if not site_id:
            return None
        # A site with a bad field is kept (its errors are recorded, so the estate is refused)
        # so that devices and links naming it do not add a cascade of "unknown site" errors.
        enclave = self.text(m, "enclave", path) or None
        return Site(site_id, self.text(m, "name", path, default=site_id), classification,
                    internet or InternetAccess.NONE, enclave,
                    tuple(sorted({str(t) for t in tags_raw})))

    def _link(self, raw: Any, path: str) -> Link | None:
        m = self.mapping(raw, path, ("a", "b", "crosses_boundary", "description"))
        if not m:
            return None
        a = self.text(m, "a", path, required=True)
        b = self.text(m, "b", path, required=True)
        crosses = self.flag(m, "crosses_boundary", path)
        if a and b and a == b:
            self.bad(path, f"link joins site {a!r} to itself", "two different sites")
            return None
        return Link(a, b, crosses) if a and b else None
