"""Presets merged with an estate's overrides: the licence catalogue (prices, tier rules, product
families), the site classification policies and the cost assumptions.

models/ ships the presets; an estate file may override any field or add policies and product
families. Every field is checked against the type of the dataclass field it fills (read with
`typing.get_type_hints`, so a field added to the model is checked the same way), and every
problem names the estate file, the YAML path and its line, and what was expected.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any, get_type_hints

from planner.cadence import onprem_sync_limit_days
from planner.catalogue import (
    Catalogue,
    LicenceDef,
    ProductFamily,
    build_prefixes,
    fact_source,
    load_catalogue,
)
from planner.domains import MAX_AMOUNT, finite_number
from planner.model import ClassificationPolicy, CostAssumptions, DataElement, Mode
from planner.model_yaml import load_model
from planner.problems import Problem, error
from planner.readers.estate_yaml import EstateDoc
from planner.resources import models_dir


@dataclass(frozen=True, slots=True)
class Presets:
    """The presets as one estate sees them, with every problem its overrides raised."""

    # models/ plus the file's `prices:`, `tier_rules:` and `products:`.
    catalogue: Catalogue
    policies: tuple[ClassificationPolicy, ...]
    costs: CostAssumptions
    problems: tuple[Problem, ...]


def merge_presets(doc: EstateDoc, display: str) -> Presets:
    """The shipped presets with `doc`'s overrides applied; `display` names the estate file."""
    problems: list[Problem] = []
    catalogue = merged_catalogue(doc, display, problems)
    policies = merged_policies(doc, display, problems)
    costs = merged_costs(doc, display, problems)
    return Presets(catalogue, policies, costs, tuple(problems))


class Shape(StrEnum):
    """What a preset field holds, read from the type of the dataclass field it fills."""

    FLAG = "flag"  # bool
    TEXT = "text"  # str
    WHOLE = "whole"  # int
    DAYS = "days"  # int | None: None means "derive it" and is never written by hand
    AMOUNT = "amount"  # float
    TEXTS = "texts"  # tuple[str, ...]
    VERSION = "version"  # str | None: YAML reads `17.3` as a number, so numbers are accepted
    MODES = "modes"  # frozenset[Mode]
    ELEMENTS = "elements"  # frozenset[DataElement]


_SHAPE_OF_TYPE: dict[object, Shape] = {
    bool: Shape.FLAG, str: Shape.TEXT, int: Shape.WHOLE, int | None: Shape.DAYS,
    float: Shape.AMOUNT, tuple[str, ...]: Shape.TEXTS, str | None: Shape.VERSION,
    frozenset[Mode]: Shape.MODES, frozenset[DataElement]: Shape.ELEMENTS,
}

EXPECTED: dict[Shape, str] = {
    Shape.FLAG: "true or false",
    Shape.TEXT: "text",
    Shape.WHOLE: "a whole number >= 0",
    Shape.DAYS: "a whole number of days",
    Shape.AMOUNT: f"a finite number from 0 to {MAX_AMOUNT:,.0f}",
    Shape.TEXTS: "a list of text",
    Shape.VERSION: "a software version",
    Shape.MODES: "modes from " + "|".join(Mode),
    Shape.ELEMENTS: "elements from " + "|".join(DataElement),
}


@cache
def field_shapes(cls: type) -> dict[str, Shape]:
    """Field name -> shape for every init field of dataclass `cls`, from its real types."""
    hints = get_type_hints(cls)
    shapes: dict[str, Shape] = {}
    for f in dataclasses.fields(cls):
        if not f.init:
            continue
        shape = _SHAPE_OF_TYPE.get(hints[f.name])
        if shape is None:
            raise TypeError(f"{cls.__name__}.{f.name}: type {hints[f.name]!r} has no preset "
                            "shape (add it to planner.presets._SHAPE_OF_TYPE)")
        shapes[f.name] = shape
    return shapes


def accepts(shape: Shape, value: Any) -> bool:
    """Whether `value`, as YAML gave it, can fill a field of `shape` (enums are checked by the
    enum itself, so its own message names the bad member)."""
    if shape is Shape.FLAG:
        return isinstance(value, bool)
    if shape is Shape.TEXT:
        return isinstance(value, str)
    if shape is Shape.TEXTS:
        return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
    if shape is Shape.VERSION:
        return value is None or (isinstance(value, (str, int, float))
                                 and not isinstance(value, bool))
    if shape in (Shape.MODES, Shape.ELEMENTS):
        return isinstance(value, list)
    number = finite_number(value, 0, MAX_AMOUNT)
    return number is not None and (shape is Shape.AMOUNT or number.is_integer())


def convert(shape: Shape, value: Any) -> Any:
    """The field value for an accepted YAML `value`."""
    if shape in (Shape.WHOLE, Shape.DAYS):
        return int(value)
    if shape is Shape.AMOUNT:
        return float(value)
    if shape is Shape.TEXTS:
        return tuple(str(v).strip() for v in value)
    if shape is Shape.VERSION:
        return None if value is None else str(value)
    if shape is Shape.MODES:
        return frozenset(Mode(str(m)) for m in value)
    if shape is Shape.ELEMENTS:
        return frozenset(DataElement(str(e)) for e in value)
    return value


def _models_doc(name: str) -> dict[str, Any]:
    data = load_model(models_dir() / name)
    return data if isinstance(data, dict) else {}


# --- the catalogue: prices, tier substitution, product families ---------------------------

def merged_catalogue(doc: EstateDoc, display: str, problems: list[Problem]) -> Catalogue:
    """models/licences.yaml and products.yaml with the file's `prices:`, `tier_rules:` and
    `products:` applied (the shipped catalogue itself when the file overrides none)."""
    base = load_catalogue()
    if not doc.prices and not doc.products and not doc.tier_rules:
        return base
    licences: dict[str, LicenceDef] = dict(base.licences)
    for name, value in sorted(doc.prices.items()):
        where = f"prices.{name}"
        tag = base.canonical_tag(name)
        if tag is None:
            problems.append(error(display, f"unknown licence {name!r}", column=where,
                                  line=doc.lines.get(where), expected="a licence tag"))
        elif finite_number(value, 0, MAX_AMOUNT) is None:
            problems.append(error(display, f"price {value!r} is not a price", column=where,
                                  line=doc.lines.get(where), expected=EXPECTED[Shape.AMOUNT]))
        else:
            licences[tag] = dataclasses.replace(licences[tag], list_price=float(value))
    tracks = {lic.track for lic in base.licences.values()}
    for track, value in sorted(doc.tier_rules.items()):
        where = f"tier_rules.{track}"
        if track not in tracks or not isinstance(value, bool):
            problems.append(error(display, f"cannot set tier substitution {track}: {value!r}",
                                  column=where, line=doc.lines.get(where),
                                  expected="a licence track (" + ", ".join(sorted(tracks))
                                  + ") with true or false"))
            continue
        for tag, lic in licences.items():
            if lic.track == track:
                licences[tag] = dataclasses.replace(lic, substitutes=value)
    families = _families(doc, display, problems, base)
    prefixes = base._prefixes if families == base.families else build_prefixes(families)
    return Catalogue(f"{base.version} + estate overrides", licences, families,
                     base._aliases, prefixes, base.pairing)


# products.yaml spells `pid_prefixes` as `pids`; `id` is the mapping key; `assumption` and
# `reason` say where a fact comes from and become the family's `source`.
_FAMILY_KEY_OF_FIELD = {"pid_prefixes": "pids"}
_FAMILY_PROVENANCE = {"assumption": Shape.FLAG, "reason": Shape.TEXT}
_NEW_FAMILY_NEEDS = ("name", "pids", "os", "kind")


@cache
def family_keys() -> dict[str, Shape]:
    """The keys a `products:` entry may set, with their shapes (ProductFamily's fields)."""
    keys = {_FAMILY_KEY_OF_FIELD.get(name, name): shape
            for name, shape in field_shapes(ProductFamily).items() if name != "id"}
    return {**keys, **_FAMILY_PROVENANCE}


def _family_expected() -> str:
    keys = family_keys()
    flags = [k for k, shape in keys.items() if shape is Shape.FLAG]
    lists = [k for k, shape in keys.items() if shape is Shape.TEXTS]
    return ("one of " + ", ".join(sorted(keys)) + " (true/false for " + ", ".join(flags)
            + "; lists of text for " + " and ".join(lists) + "; text otherwise)")


def _families(doc: EstateDoc, display: str, problems: list[Problem],
              base: Catalogue) -> dict[str, ProductFamily]:
    """The product families as this estate sees them: models/products.yaml with the file's
    `products:` applied. A known id changes the fields given; a new id adds a family (it needs
    a name, PID prefixes, os and kind; the rest default as in models/products.yaml)."""
    families: dict[str, ProductFamily] = dict(base.families)
    keys = family_keys()
    for fid, changes in sorted(doc.products.items()):
        where = f"products.{fid}"
        if not isinstance(changes, dict):
            problems.append(error(display, "is not a mapping", column=where,
                                  line=doc.lines.get(where), expected="{field: value}"))
            continue
        good: dict[str, Any] = {}
        for key, value in changes.items():
            shape = keys.get(str(key))
            if shape is None or not accepts(shape, value):
                problems.append(error(
                    display, f"cannot set {key!r} to {value!r}", column=f"{where}.{key}",
                    line=doc.lines.get(f"{where}.{key}"), expected=_family_expected()))
            else:
                good[str(key)] = value
        if fid not in families:
            missing = [k for k in _NEW_FAMILY_NEEDS if k not in good]
            if missing:
                problems.append(error(
                    display, f"new product family {fid!r} lacks {', '.join(missing)}",
                    column=where, line=doc.lines.get(where),
                    expected="a new family needs name, pids (PID prefixes), os and kind; or a "
                    "family id from models/products.yaml, e.g. C9300"))
                continue
            if "source" not in good and good.get("assumption") is not True:
                good["source"] = f"estate file {display}, products.{fid}"
        families[fid] = _family(fid, good, families.get(fid))
    return families


# A new family's fields the file leaves out, by shape (models/products.yaml's own defaults).
_NEW_FAMILY_DEFAULT: dict[Shape, Any] = {Shape.FLAG: False, Shape.TEXT: "", Shape.TEXTS: (),
                                         Shape.VERSION: None}


def _family(fid: str, fields: dict[str, Any], base: ProductFamily | None) -> ProductFamily:
    values: dict[str, Any] = {}
    for name, shape in field_shapes(ProductFamily).items():
        key = _FAMILY_KEY_OF_FIELD.get(name, name)
        if key in fields and key != "source":
            values[name] = convert(shape, fields[key])
    if "source" in fields or fields.get("assumption") is True:
        values["source"] = fact_source(fields)
    if base is not None:
        return dataclasses.replace(base, **values)
    fields_of_new: dict[str, Any] = {
        name: fid if name == "id" else values.get(name, _NEW_FAMILY_DEFAULT.get(shape))
        for name, shape in field_shapes(ProductFamily).items()}
    return ProductFamily(**fields_of_new)


# --- classification policies ---------------------------------------------------------------

def policy_fields() -> tuple[str, ...]:
    """The fields a `policies:` entry may set: ClassificationPolicy's, but its name."""
    shapes = field_shapes(ClassificationPolicy)
    # description first: the order the estate schema and docs/estate-format.md list them.
    return ("description", *(n for n in shapes if n not in ("name", "description")))


def merged_policies(doc: EstateDoc, display: str,
                    problems: list[Problem]) -> tuple[ClassificationPolicy, ...]:
    """models/policies.yaml with the file's `policies:` applied, field by field; a new name
    adds a classification."""
    presets: dict[str, dict[str, Any]] = dict(_models_doc("policies.yaml").get("policies", {}))
    allowed = policy_fields()
    merged: dict[str, dict[str, Any]] = {}
    for name in sorted(set(presets) | set(doc.policies)):
        fields = dict(presets.get(name, {}))
        override = doc.policies.get(name)
        where = f"policies.{name}"
        if override is not None and not isinstance(override, dict):
            problems.append(error(display, "is not a mapping", column=where,
                                  line=doc.lines.get(where), expected="{field: value}"))
            override = {}
        for key, value in (override or {}).items():
            if key not in allowed:
                problems.append(error(display, f"unknown policy field {key!r}",
                                      column=f"{where}.{key}", line=doc.lines.get(f"{where}.{key}"),
                                      expected="one of " + ", ".join(allowed)))
            else:
                fields[key] = value
        merged[name] = fields
    out = []
    for name, fields in merged.items():
        policy = _policy(name, fields, doc, display, problems)
        if policy is not None:
            out.append(policy)
    return tuple(out)


def _policy(name: str, fields: dict[str, Any], doc: EstateDoc, display: str,
            problems: list[Problem]) -> ClassificationPolicy | None:
    """One policy from its merged fields, or None (with a problem) when a field is wrong."""
    where = f"policies.{name}"
    line = doc.lines.get(where)
    shapes = {k: s for k, s in field_shapes(ClassificationPolicy).items() if k != "name"}
    # Mode and element sets are required (an absent or null set is empty); the rest default
    # as the dataclass does.
    given: dict[str, Any] = {
        k: fields.get(k) or [] if s in (Shape.MODES, Shape.ELEMENTS) else fields[k]
        for k, s in shapes.items() if k in fields or s in (Shape.MODES, Shape.ELEMENTS)}
    values: dict[str, Any] = {}
    try:
        for key, shape in shapes.items():
            if shape in (Shape.MODES, Shape.ELEMENTS) and not accepts(shape, given[key]):
                raise ValueError(f"{key} is not a list")
        for key, shape in shapes.items():
            if key not in given:
                continue
            if shape is Shape.AMOUNT and not accepts(shape, given[key]):
                raise ValueError(f"{key} {given[key]!r} is not {EXPECTED[shape]}")
            if shape in (Shape.MODES, Shape.ELEMENTS, Shape.AMOUNT):
                values[key] = convert(shape, given[key])
    except (ValueError, TypeError) as exc:
        problems.append(error(display, f"policy {name!r}: {exc}", column=where, line=line,
                              expected=EXPECTED[Shape.MODES] + ", "
                              + EXPECTED[Shape.ELEMENTS]))
        return None
    if not values["allowed_modes"]:
        problems.append(error(display, f"policy {name!r} allows no licensing mode",
                              column=f"{where}.allowed_modes", line=line,
                              expected="at least one of " + "|".join(Mode)))
        return None
    for key, shape in shapes.items():
        if key in values or key not in given:
            continue
        if not accepts(shape, given[key]):
            problems.append(error(display, f"policy {name!r}: {key} {given[key]!r} is not valid",
                                  column=f"{where}.{key}",
                                  line=doc.lines.get(f"{where}.{key}", line),
                                  expected=EXPECTED[shape]))
            return None
        # Folded YAML (`>-`) and hand-wrapped text read as one line.
        values[key] = " ".join(given[key].split()) if shape is Shape.TEXT else given[key]
    return ClassificationPolicy(name=name, **values)


# --- cost assumptions ----------------------------------------------------------------------

def merged_costs(doc: EstateDoc, display: str, problems: list[Problem]) -> CostAssumptions:
    """models/costs.yaml with the file's `costs:` applied; each value checked by its type."""
    defaults = {k: v.get("value") if isinstance(v, dict) else v
                for k, v in _models_doc("costs.yaml").get("costs", {}).items()}
    shapes = field_shapes(CostAssumptions)
    values: dict[str, Any] = {}
    for key, value in [*defaults.items(), *doc.costs.items()]:
        where = f"costs.{key}"
        shape = shapes.get(str(key))
        if shape is None:
            problems.append(error(display, f"unknown cost field {key!r}", column=where,
                                  line=doc.lines.get(where),
                                  expected="one of " + ", ".join(shapes)))
            continue
        # A cost that is text (the currency) names something: blank names nothing.
        blank = shape is Shape.TEXT and isinstance(value, str) and not value.strip()
        if blank or not accepts(shape, value):
            problems.append(error(display, f"{key} {value!r} is not valid", column=where,
                                  line=doc.lines.get(where), expected=EXPECTED[shape]))
            continue
        values[str(key)] = convert(shape, value)
    _check_cadence(values, doc, display, problems)
    return CostAssumptions(**values)


def _check_cadence(values: dict[str, Any], doc: EstateDoc, display: str,
                   problems: list[Problem]) -> None:
    """Drop (with a problem) a manual sync interval outside Cisco's window and a zero horizon."""
    limit = onprem_sync_limit_days()
    interval = values.get("onprem_manual_sync_interval_days")
    if interval is not None and not 1 <= interval <= limit:
        where = "costs.onprem_manual_sync_interval_days"
        problems.append(error(display, f"a manual sync every {interval} days misses Cisco's "
                              f"{limit}-day window", column=where, line=doc.lines.get(where),
                              expected=f"1 to {limit} days (CSSM removes an On-Prem instance "
                              "unsynchronised for 90 days; devices need an ACK every 90 days)"))
        values.pop("onprem_manual_sync_interval_days")
    if values.get("horizon_years") == 0:
        problems.append(error(display, "horizon_years is 0", column="costs.horizon_years",
                              line=doc.lines.get("costs.horizon_years"), expected="1 or more"))
        values.pop("horizon_years")


__all__ = ["EXPECTED", "Presets", "Shape", "accepts", "convert", "family_keys", "field_shapes",
           "merge_presets", "merged_catalogue", "merged_costs", "merged_policies",
           "policy_fields"]
