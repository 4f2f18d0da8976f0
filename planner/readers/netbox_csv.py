"""NetBox device export CSV (Name, Site, Device type, Serial number, Platform, Status, Tenant ...).

NetBox knows what is racked where but nothing about licences, so its rows become devices with
blank Virtual Account, version, state and licences; the join fills those from other sources.
Site names are mapped to estate site ids by exact id or name (after NFC normalisation): a
`hq` that differs from the estate's `HQ` only in case is not silently taken for it.
"""

from __future__ import annotations

from pathlib import Path

from planner.device_table import DeviceTable
from planner.fileio import read_source
from planner.model import Device, Origin
from planner.problems import error
from planner.readers import ReadContext, ReadResult, SourceKind
from planner.readers._common import export_rows

COLUMNS: dict[str, tuple[str, ...]] = {
    "Name": ("device", "hostname"),
    "Site": (),
    "Device type": ("type", "model", "device_type"),
    "Serial number": ("serial", "serial_number", "serial no"),
    "Platform": (),
    "Status": (),
    "Tenant": (),
}
REQUIRED = ("Name", "Site", "Device type", "Serial number")
# Columns of NetBox's device table export that say nothing about licensing: accepted, not read.
# Anything else (a misspelt `Serail number`) is an error unless `extra_columns: ignore`.
UNREAD = ("ID", "Role", "Device role", "Manufacturer", "Rack", "Location", "Region",
          "Site group", "Position", "Face", "Airflow", "Asset tag", "Description", "Comments",
          "Tags", "IP Address", "Primary IPv4", "Primary IPv6", "Out-of-band IP", "OOB IP",
          "Cluster", "Virtual chassis", "VC position", "VC priority", "Config template",
          "Parent device", "Interfaces", "Console ports", "Power ports", "Created",
          "Last updated", "Contacts", "Tenant group", "Latitude", "Longitude")


class NetboxCsvReader:
    kind = SourceKind.NETBOX

    def read(self, path: Path, display: str, ctx: ReadContext) -> ReadResult:
        text, digest = read_source(path, display)
        result = ReadResult(sha256=digest)
        problems = result.problems
        devices: list[Device] = []
        for line, cell in export_rows(text, display, COLUMNS, REQUIRED,
                                      "a NetBox device export", "device", problems,
                                      extra_columns=ctx.extra_columns, unread=UNREAD):
            blank = [c for c in ("Device type", "Serial number", "Site") if not cell[c]]
            for column in blank:
                problems.append(error(display, f"{column} is blank", line=line, column=column,
                                      expected=f"a {column.lower()}"))
            if blank:
                continue
            # Mapped by exact site id or name; an unmapped site stays as written, and validation
            # names it as unknown (and says when it differs from a site only in case).
            site = ctx.site_ids.get(cell["Site"], cell["Site"])
            devices.append(Device(
                hostname=cell["Name"], pid=cell["Device type"], serial=cell["Serial number"],
                site=site, virtual_account="", origin=Origin(display, line)))
        result.devices = DeviceTable.from_devices(devices)
        return result
