"""The one way tests build an Estate in code (no loader, no files): every test package's own
fixtures (engine_io, optimise, validation, history, runbooks, cycle) call `build_estate` with
only what their tests are about; the rest takes these defaults."""

from __future__ import annotations

from collections.abc import Iterable

import yaml

from planner.model import (
    ClassificationPolicy,
    CostAssumptions,
    DataElement,
    Device,
    Entitlement,
    Estate,
    InternetAccess,
    Link,
    Mode,
    Site,
    SmartAccount,
    VirtualAccount,
)
from planner.resources import models_dir

DEFAULT_VA = (VirtualAccount("DEFAULT", is_default=True),)
HQ = Site("HQ", "HQ", "unclassified", InternetAccess.PROXY, tags=("dc",))


def preset_policies() -> tuple[ClassificationPolicy, ...]:
    """The bundled policy presets (models/policies.yaml), as the loader would read them."""
    with open(models_dir() / "policies.yaml", encoding="utf-8") as fh:
        doc = yaml.safe_load(fh)
    out = []
    for name, raw in sorted(doc["policies"].items()):
        out.append(ClassificationPolicy(
            name=name, allowed_modes=frozenset(Mode(m) for m in raw["allowed_modes"]),
            telemetry_may_leave=frozenset(DataElement(e) for e in raw["telemetry_may_leave"]),
            exposure_cost_per_device_year=float(raw["exposure_cost_per_device_year"]),
            hostname_privacy=bool(raw["hostname_privacy"]),
            allow_mixed_modes=bool(raw["allow_mixed_modes"]), description=raw["description"]))
    return tuple(out)


def open_policy(name: str) -> ClassificationPolicy:
    """A classification that allows every mode and lets every data element leave."""
    return ClassificationPolicy(name, frozenset(Mode), frozenset(DataElement))


def build_estate(devices: Iterable[Device] = (), *, name: str = "t",
                 account: SmartAccount | None = None,
                 virtual_accounts: Iterable[VirtualAccount] = DEFAULT_VA,
                 sites: Iterable[Site] = (HQ,), links: Iterable[Link] = (),
                 entitlements: Iterable[Entitlement] = (),
                 policies: Iterable[ClassificationPolicy] | None = None,
                 costs: CostAssumptions | None = None, path: str = "") -> Estate:
    """An Estate from what the test names; `policies=None` means the bundled presets."""
    return Estate(
        name=name, account=account or SmartAccount("A", "a.example"),
        virtual_accounts=tuple(virtual_accounts), sites=tuple(sites), links=tuple(links),
        devices=tuple(devices), entitlements=tuple(entitlements),
        policies=preset_policies() if policies is None else tuple(policies),
        costs=costs or CostAssumptions(), path=path)
