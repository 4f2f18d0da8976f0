"""NetBox device exports become devices with sites mapped by id or name."""

from __future__ import annotations

from pathlib import Path

from planner.readers import ReadContext, SourceKind
from planner.readers.registry import reader_for


def test_netbox_export(tmp_path: Path, ctx: ReadContext) -> None:
    path = tmp_path / "netbox.csv"
    path.write_text("ID,Name,Status,Tenant,Site,Location,Rack,Role,Manufacturer,Type,"
                    "Platform,Serial number\n"
                    "1,hq-sw1,Active,,Headquarters,,,access,Cisco,C9300-48P,ios-xe,FOC1\n"
                    "2,br1-sw1,Active,,BR1,,,access,Cisco,C9200L-24P-4G,ios-xe,FOC2\n"
                    "3,lab-sw1,Planned,,Lab,,,access,Cisco,C9300-48P,ios-xe,FOC3\n"
                    "4,x,Active,,HQ,,,access,Cisco,C9300-48P,ios-xe,\n", encoding="utf-8")
    got = reader_for(SourceKind.NETBOX).read(path, "netbox.csv", ctx)
    assert [(d.hostname, d.pid, d.site) for d in got.devices] == [
        ("hq-sw1", "C9300-48P", "HQ"), ("br1-sw1", "C9200L-24P-4G", "BR1"),
        ("lab-sw1", "C9300-48P", "Lab")]  # unknown sites are kept for validation to name
    [problem] = got.problems
    assert (problem.line, problem.column) == (5, "Serial number")


def test_netbox_missing_column(tmp_path: Path, ctx: ReadContext) -> None:
    path = tmp_path / "netbox.csv"
    path.write_text("Name,Site,Device type\nx,HQ,C9300-48P\n", encoding="utf-8")
    got = reader_for(SourceKind.NETBOX).read(path, "netbox.csv", ctx)
    assert [p.column for p in got.problems] == ["Serial number"]
