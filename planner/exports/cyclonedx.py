"""A licence bill of materials: CycloneDX 1.6 JSON, each device a component, each licence it
uses a `licenses[].license` entry with `licensing` (CycloneDX 1.6, "licensing" object).

Where each field comes from (docs/exports.md repeats this for readers):
- component: name = hostname, version = software version, bom-ref and serial from the device
  (devices CSV or captures); properties carry the site, Virtual Account and planned mode;
- license.name: the licence's catalogue name (models/licences.yaml), id-less (not SPDX);
- licensing.licensor: Cisco Systems, Inc.; licensee and purchaser: the Smart Account name
  (the estate's `account.name`: the account that holds the licence);
- licenseTypes: "subscription" for term licences, "perpetual" otherwise (models/licences.yaml
  `term`), plus "device" (Cisco Smart Licensing counts licences per device);
- lastRenewal / expiration: the latest start / earliest end of the device's Virtual Account
  term entitlements for that licence (entitlements CSV or CSSM export), as date-times at
  midnight UTC; absent when unknown.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from planner import __version__
from planner.catalogue import Catalogue
from planner.exports.records import ExportDevice
from planner.model import Estate, TermType

LICENSOR = "Cisco Systems, Inc."
SPEC = "1.6"


def _when(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _licence(tag: str, count: int, device: ExportDevice, estate: Estate,
             catalogue: Catalogue) -> dict[str, Any]:
    defn = catalogue.licences.get(tag)
    term = defn.term if defn else TermType.PERPETUAL
    holder = {"organization": {"name": estate.account.name}}
    licensing: dict[str, Any] = {
        "licensor": {"organization": {"name": LICENSOR}},
        "licensee": holder,
        "purchaser": holder,
        "licenseTypes": ["subscription" if term is TermType.TERM else "perpetual", "device"],
    }
    terms = [e for e in estate.entitlements
             if e.virtual_account == device.virtual_account and e.tag == tag
             and e.term is TermType.TERM]
    starts = [e.start for e in terms if e.start is not None]
    ends = [e.end for e in terms if e.end is not None]
    if starts:
        licensing["lastRenewal"] = _when(max(starts))
    if ends:
        licensing["expiration"] = _when(min(ends))
    name = defn.name if defn else tag
    return {"license": {"name": f"{name} x{count}" if count != 1 else name,
                        "licensing": licensing}}


def _serial_number(devices: Sequence[ExportDevice], estate: Estate) -> str:
    """A BOM serial that is the same for the same estate and plan (a name-based UUID)."""
    digest = hashlib.sha256()
    digest.update(estate.name.encode())
    for d in devices:
        digest.update(f"|{d.serial}|{d.hostname}|{d.mode}".encode())
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, digest.hexdigest())}"


def licence_bom(devices: Sequence[ExportDevice], estate: Estate, catalogue: Catalogue,
                versions: dict[str, str], as_of: date | None) -> str:
    """The BOM as JSON text (sorted keys, byte-identical for the same inputs)."""
    components = []
    for d in devices:
        ref = f"device:{d.serial or d.hostname}"
        component: dict[str, Any] = {
            "type": "device", "bom-ref": ref, "name": d.hostname,
            "supplier": {"name": LICENSOR},
            "properties": [
                {"name": "planner:pid", "value": d.pid},
                {"name": "planner:serial", "value": d.serial},
                {"name": "planner:site", "value": d.site},
                {"name": "planner:virtual_account", "value": d.virtual_account},
                {"name": "planner:mode", "value": d.mode or "unplanned"},
                {"name": "planner:reservation", "value": d.reservation.value},
            ],
        }
        if versions.get(ref):
            component["version"] = versions[ref]
        if d.licences:
            component["licenses"] = [_licence(tag, count, d, estate, catalogue)
                                     for tag, count in d.licences]
        components.append(component)
    metadata: dict[str, Any] = {
        "tools": {"components": [{"type": "application", "name": "planner",
                                  "version": __version__}]},
        "component": {"type": "application", "bom-ref": "estate",
                      "name": f"{estate.name} licence estate"},
    }
    if as_of is not None:
        metadata["timestamp"] = _when(as_of)
    bom = {"bomFormat": "CycloneDX", "specVersion": SPEC, "version": 1,
           "serialNumber": _serial_number(devices, estate), "metadata": metadata,
           "components": components}
    return json.dumps(bom, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
