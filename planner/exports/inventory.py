"""NetBox and Nautobot write-back: CSV files their own bulk import (Import button) accepts.

Per device: the planned mode, the On-Prem server's site, the Virtual Account, the
reservation state and the next licensing deadline, as custom fields; per site its modes.
Each tool gets the custom-field definitions to import first (Customization > Custom Fields >
Import in NetBox; Extensibility > Custom Fields > Import in Nautobot), then the objects.

The import column rules followed (NetBox bulk import and custom fields documentation;
Nautobot CSV import documentation):
- a header row of field names; custom fields as `cf_<name>` (NetBox) or `cf_<key>` (Nautobot);
- custom-field names/keys of lower-case letters, digits and underscores;
- dates as YYYY-MM-DD; empty cells leave a field empty;
- an existing object is updated only when its row carries its `id` (a NetBox integer, a
  Nautobot UUID); rows without one create objects. Planner does not know those ids: pass an
  export of the tool's devices and sites (`--ids`) and they are filled in by name; rows of
  objects the export lacks go to unmatched.csv instead, so nothing is created by accident.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from planner.exports.records import ExportDevice
from planner.fileio import csv_text


class Tool(StrEnum):
    NETBOX = "netbox"
    NAUTOBOT = "nautobot"


@dataclass(frozen=True, slots=True)
class FieldDef:
    name: str
    label: str
    type: str  # "text" or "date": valid in both tools
    on_sites: bool
    description: str


FIELDS = (
    FieldDef("licensing_mode", "Licensing mode", "text", True,
             "Planned Cisco licensing mode (cssm-direct, cslu, onprem-network, onprem-manual, "
             "offline, slr, plr); for a site, its modes joined by +"),
    FieldDef("licensing_server", "Licensing server site", "text", False,
             "Site of the SSM On-Prem server the device reports to (On-Prem modes)"),
    FieldDef("licensing_virtual_account", "Virtual Account", "text", False,
             "Cisco Smart Account Virtual Account holding the device's licences"),
    FieldDef("licensing_reservation", "Reservation state", "text", False,
             "reserved, to-reserve, to-return or none (SLR/PLR against the plan)"),
    FieldDef("licensing_next_deadline", "Next licensing deadline", "date", False,
             "Earliest of subscription end and usage-report acknowledgement due"),
    FieldDef("licensing_deadline_reason", "Deadline reason", "text", False,
             "What the next licensing deadline is"),
)

# Which object types each tool calls a device and a site.
DEVICE_TYPE = {Tool.NETBOX: "dcim.device", Tool.NAUTOBOT: "dcim.device"}
SITE_TYPE = {Tool.NETBOX: "dcim.site", Tool.NAUTOBOT: "dcim.location"}


def field_definitions(tool: Tool) -> str:
    """The custom-field definitions as the tool's custom-field import CSV."""
    rows = []
    for f in FIELDS:
        types = DEVICE_TYPE[tool] + (f",{SITE_TYPE[tool]}" if f.on_sites else "")
        rows.append((f.name, f.label, "Licensing", f.type, types, "false", f.description))
    # The same columns under each tool's own names.
    if tool is Tool.NETBOX:
        header = ("name", "label", "group_name", "type", "object_types", "required",
                  "description")
    else:
        header = ("key", "label", "grouping", "type", "content_types", "required",
                  "description")
    return csv_text(header, rows)


def read_ids(text: str, source: str) -> dict[str, str]:
    """Name -> id from a NetBox or Nautobot CSV export (columns ID/id and Name/name)."""
    reader = csv.DictReader(io.StringIO(text))
    fields = {f.strip().lower(): f for f in reader.fieldnames or ()}
    if "id" not in fields or "name" not in fields:
        raise ValueError(f"{source}: expected an export with ID and Name columns "
                         f"(found: {', '.join(reader.fieldnames or ()) or 'none'})")
    out: dict[str, str] = {}
    for row in reader:
        name, ident = (row.get(fields["name"]) or "").strip(), (row.get(fields["id"]) or "")
        if name and ident.strip():
            out.setdefault(name, ident.strip())
    return out


def _date(value: object) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else ""


def _keyed(header: Sequence[str], rows: Sequence[Sequence[object]],
           ids: Mapping[str, str] | None) -> tuple[str, str]:
    """(import CSV, unmatched CSV). With ids, rows gain their `id` and unknown names move to
    the unmatched file; without, rows are keyed by name only."""
    if ids is None:
        return csv_text(header, rows), ""
    matched = [(ids[str(r[0])], *r) for r in rows if str(r[0]) in ids]
    unmatched = [r for r in rows if str(r[0]) not in ids]
    return (csv_text(("id", *header), matched),
            csv_text(header, unmatched) if unmatched else "")


def inventory_files(tool: Tool, devices: Sequence[ExportDevice],
                    sites: Sequence[tuple[str, str, str]],
                    device_ids: Mapping[str, str] | None = None,
                    site_ids: Mapping[str, str] | None = None) -> dict[str, str]:
    """custom-fields.csv, devices.csv and sites.csv (locations.csv for Nautobot), plus
    unmatched-*.csv when ids were given and some objects were not in the export."""
    cf = [f"cf_{f.name}" for f in FIELDS]
    device_rows = [(d.hostname, d.mode, d.server_site, d.virtual_account, d.reservation.value,
                    _date(d.deadline), d.deadline_reason) for d in devices]
    # Sites are matched by their name in the tool (the estate's site name).
    site_rows = [(name, mode) for _id, name, mode in sites]
    site_file = "sites.csv" if tool is Tool.NETBOX else "locations.csv"
    files = {"custom-fields.csv": field_definitions(tool)}
    devices_csv, devices_left = _keyed(("name", *cf), device_rows, device_ids)
    sites_csv, sites_left = _keyed(("name", "cf_licensing_mode"), site_rows, site_ids)
    files["devices.csv"] = devices_csv
    files[site_file] = sites_csv
    if devices_left:
        files["unmatched-devices.csv"] = devices_left
    if sites_left:
        files[f"unmatched-{site_file}"] = sites_left
    return files
