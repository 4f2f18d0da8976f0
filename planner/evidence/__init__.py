"""Device evidence: read `show license` captures, RUM reports and reservation codes.

`read_evidence(paths, base=...)` walks folders of captures (any names, any nesting), parses
every command output it recognises, merges the blocks of each device, and returns the devices
(planner.model.Device), the problems met (warnings only: nothing here is fatal) and the full
evidence records. docs/evidence.md lists the commands and formats read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from planner.catalogue import Catalogue, load_catalogue
from planner.evidence.group import group_records
from planner.evidence.ingest import FileReport, infer_era, map_files, to_device, walk
from planner.evidence.records import (
    DeviceEvidence,
    Era,
    LicenceEvidence,
    ReportingPolicy,
    ReservationCode,
)
from planner.model import Device
from planner.problems import Problem, Severity, warning


@dataclass(frozen=True, slots=True)
class EvidenceResult:
    """Everything one read produced; `files` drives `planner ingest`'s per-file report."""

    devices: tuple[Device, ...]
    problems: tuple[Problem, ...]
    records: tuple[DeviceEvidence, ...]
    files: tuple[FileReport, ...] = field(default=())


def read_evidence_detailed(paths: Sequence[Path], *, base: Path, site: str = "",
                           virtual_account: str = "", workers: int | None = None,
                           catalogue: Catalogue | None = None) -> EvidenceResult:
    """Read every capture under `paths`; see `read_evidence`.

    `workers` parse files in parallel processes (default: one per CPU, for large folders);
    results are merged in file order, so the output does not depend on it. `catalogue` is the
    product-family view a device's era is inferred against from its software version (an
    estate's, with its `products:` overrides; default the shipped one).
    """
    items: list[tuple[int, DeviceEvidence]] = []
    problems: list[Problem] = []
    reports: list[FileReport] = []
    for root in paths:
        if not root.exists():
            problems.append(warning(_display(root, base), "evidence folder not found; skipped"))
    files = list(walk([p for p in paths if p.exists()], base))
    for parsed, found, report in map_files(files, workers):
        items.extend(parsed)
        problems.extend(found)
        reports.append(report)
    families = catalogue if catalogue is not None else load_catalogue()
    records = [infer_era(rec, families) for rec in group_records(items, problems)]
    devices = []
    for rec in records:
        if not rec.serial and not rec.hostname:
            # Nothing to join on (a RUM report without its SUDI, say): a nameless device
            # would only become a confusing "device  has no site" error downstream.
            problems.append(warning(rec.source, "the evidence names no device (no serial "
                                    "number, no hostname); skipped", line=rec.line,
                                    expected="a capture that prints the device's UDI or "
                                    "hostname"))
            continue
        if not rec.serial:
            problems.append(warning(rec.source, f"device `{rec.hostname or '?'}` has no serial "
                                    "number in the evidence; it joins on hostname only",
                                    line=rec.line, expected="`show license udi` or "
                                    "`show license all` output for this device"))
        devices.append(to_device(rec, site=site, virtual_account=virtual_account))
    problems.sort(key=Problem.sort_key)
    return EvidenceResult(tuple(devices), tuple(problems), tuple(records), tuple(reports))


def read_evidence(paths: Sequence[Path], *, base: Path) -> tuple[
        list[Device], list[Problem], list[DeviceEvidence]]:
    """Devices, problems (all WARNING) and evidence records from capture folders or files.

    `base` is the folder messages name files relative to (the estate file's folder). Site is
    left blank and the Virtual Account is the one the device prints (blank when it prints
    none): the caller joins these devices with its other sources.
    """
    result = read_evidence_detailed(paths, base=base)
    return list(result.devices), list(result.problems), list(result.records)


def _display(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


__all__ = ["DeviceEvidence", "Era", "EvidenceResult", "LicenceEvidence", "ReportingPolicy",
           "ReservationCode", "Severity", "read_evidence", "read_evidence_detailed"]
