"""Walk evidence folders, read and parse every capture, and turn records into Devices.

Never fatal for the rest: an unreadable or unrecognised file or command becomes a WARNING
naming the file and is skipped; a truncated output yields what it holds, with a WARNING.
"""

from __future__ import annotations

import multiprocessing
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from planner.catalogue import Catalogue, load_catalogue, runs_slup
from planner.evidence import asa, fsm, inventory, ios, iosxe, iosxr, nxos, rum, slr, version
from planner.evidence.detect import canonical_command, detect_command, detect_os
from planner.evidence.identity import clean_serial
from planner.evidence.records import DeviceEvidence, Era, merge
from planner.evidence.split import Block, split_text
from planner.fileio import decode_bytes, read_input
from planner.model import Device, LicenceUse, Origin
from planner.problems import InputError, Problem, Severity, warning
from planner.readers import CommandReport, FileReport

_MAX_BYTES = 50 * 1024 * 1024  # a capture larger than this is not a capture
_SKIP_SUFFIXES = (".yml", ".yaml", ".csv", ".md", ".zip", ".gz", ".tar", ".png", ".jpg",
                  ".pdf")


_IOS_SHOW_LICENSE = re.compile(r"^Index \d+ Feature:", re.M)


def _parser(command: str, text: str, os_name: str) -> Callable[[], DeviceEvidence] | None:
    table: dict[str, Callable[[], DeviceEvidence]] = {
        "show license summary": lambda: iosxe.parse_summary(text),
        "show license udi": lambda: iosxe.parse_udi(text),
        "show license platform summary": lambda: iosxr.parse_platform(text, command),
        "show license platform detail": lambda: iosxr.parse_platform(text, command),
        "rum-report": lambda: rum.parse_rum(text),
        "slr-authorization": lambda: slr.parse_authorization(text),
        "nxos-license-file": lambda: nxos.parse_license_file(text),
        "show license host-id": lambda: nxos.parse_host_id(text),
        "show inventory": lambda: inventory.parse_inventory(text, os_name),
    }
    if command in table:
        return table[command]
    if command == "show license":
        # Only IOS prints `Index N Feature:` entries; NX-OS `show license` (licence files) is
        # detected by content before this, and anything else is not IOS's layout.
        return (lambda: ios.parse_show_license(text)) if _IOS_SHOW_LICENSE.search(text) \
            else None
    if command in {"show version", "show version brief"}:
        return lambda: version.parse_version(text, os_name, command.endswith("brief"))
    if command == "show license usage":
        return (lambda: nxos.parse_usage(text)) if os_name == "nx-os" else (
            lambda: iosxe.parse_usage(text))
    if command == "show license all" and os_name == "asa":
        return lambda: asa.parse_show_license_all(text)
    if command in {"show license all", "show license status", "show license tech support",
                   "show license reservation", "show license authorization",
                   "show license rum id"}:
        return lambda: iosxe.parse_report(text, command)
    if command.startswith("license smart reservation") or command.startswith("slr-"):
        if "<specificPLR" in text:
            return lambda: slr.parse_authorization(text)
        return lambda: slr.parse_codes(text, command)
    return None


def parse_block(block: Block, source: str) -> tuple[DeviceEvidence | None, list[Problem]]:
    """Parse one block; (None, [warning]) when it is not a command this package reads."""
    record, problems, _report = _parse_block(block, source)
    return record, problems


def _parse_block(block: Block, source: str) -> tuple[DeviceEvidence | None, list[Problem],
                                                     CommandReport]:
    typed = block.command

    def ignored(why: str, shown: str = "") -> tuple[None, list[Problem], CommandReport]:
        return None, [], CommandReport(block.line, shown or typed or "(output)", "ignored", why)

    def skipped(problem: Problem, shown: str = "") -> tuple[None, list[Problem],
                                                            CommandReport]:
        why = problem.message.removesuffix("; skipped")
        return None, [problem], CommandReport(block.line, shown or typed or "(output)",
                                              "skipped", why)

    if block.config_mode:
        return ignored("typed in configuration mode: configuration carries no evidence")
    command = canonical_command(typed) if typed else None
    if command == "show license" and not block.text.lstrip().startswith("Index"):
        command = detect_command(block.text) or command  # `show license` on XE 16+ = status
    if command is None and typed:
        if typed.lower().startswith("sh"):
            return skipped(warning(source, f"command `{typed}` is not one planner reads; "
                                   "skipped", line=block.line))
        # Session and configuration commands (`terminal length 0`, `enable`, `conf t`) carry
        # no evidence; only what they print may (syslogs after a reservation install).
        command = detect_command(block.text) if block.text.strip() else None
        if command is None:
            return ignored("session command: prints no licence evidence")
    if command is None:
        command = detect_command(block.text)
    if command is None:
        if not block.text.strip():
            return ignored("empty output")
        return skipped(warning(source, "no recognised `show license` output here; skipped",
                               line=block.line, expected="a command listed in docs/evidence.md"))
    shown = typed or f"{command} (recognised by content)"
    os_name = detect_os(command, block.text, block.hostname)
    parse = _parser(command, block.text, os_name)
    if parse is None:
        reason = (f"`{command}` output is not in a layout planner reads (IOS `show license` "
                  "lists `Index N Feature:` entries)" if command == "show license" else
                  f"no parser for `{command}`")
        return skipped(warning(source, f"{reason}; skipped", line=block.line), shown)
    try:
        record = parse()
    except (rum.RumError, slr.SlrError, fsm.ParseError) as exc:
        return skipped(warning(source, f"{command}: {exc}; skipped", line=block.line), shown)
    except (ValueError, LookupError, TypeError, AttributeError, RecursionError) as exc:
        # A layout no parser foresaw must cost this output, not the folder: one capture set
        # holds thousands of files from every era, and one odd output must not stop the rest.
        return skipped(warning(source, f"`{command}` output in a layout planner cannot read "
                               f"({type(exc).__name__}); skipped", line=block.line,
                               expected="the layouts listed in docs/evidence.md"), shown)
    record = replace(record, source=source, line=block.line, hostname=record.hostname or
                     block.hostname, os=record.os or os_name,
                     blocks=(f"{source}:{block.line} {command}",))
    problems: list[Problem] = []
    if record.truncated:
        problems.append(warning(source, f"`{command}` output looks truncated; kept what it "
                                "holds", line=block.line))
    for lic in record.licences:
        if not lic.known and (lic.in_use or lic.status == "RESERVED"):
            problems.append(warning(source, f"licence `{lic.raw}` is not in the licence "
                                    "catalogue; recorded as evidence, left out of the device's "
                                    "licences", line=block.line,
                                    expected="a licence in models/licences.yaml"))
    return record, problems, CommandReport(block.line, shown, "read", describe(record))


def describe(record: DeviceEvidence) -> str:
    """What one parsed output contributed, in a few words for the ingest report."""
    parts = [f"{name} {value}" for name, value in (
        ("os", record.os), ("host", record.hostname), ("pid", record.pid),
        ("serial", record.serial), ("version", record.version),
        ("smart account", record.smart_account), ("virtual account", record.virtual_account),
        ("era", record.era.value)) if value]
    if record.members:
        parts.append(f"{len(record.members)} members")
    if record.peers:
        parts.append("HA peer " + ";".join(f"{h} {p}:{s}" for h, p, s in record.peers))
    uses = licence_uses(record)
    if uses:
        parts.append("licences " + ";".join(f"{u.tag}:{u.count}" for u in uses))
    unknown = sorted({lic.raw for lic in record.licences if lic.in_use and not lic.known})
    if unknown:
        parts.append("not in the licence catalogue: " + ";".join(unknown))
    if record.licences and not uses and not unknown:
        parts.append(f"{len(record.licences)} licence line(s), none in use")
    if record.truncated:
        parts.append("truncated")
    return ", ".join(parts) or "nothing that identifies a device"


def parse_file_text(text: str, source: str) -> tuple[list[tuple[int, DeviceEvidence]],
                                                     list[Problem], tuple[CommandReport, ...]]:
    """Every evidence record in one file's text, with the problems met and, for each command
    output found, what was read or why it was skipped."""
    problems: list[Problem] = []
    stripped = text.lstrip()
    if stripped.startswith(("<RUMReport", "{", "<?xml", "<specificPLR", "<!--")):
        blocks = [Block(text, 1)]  # XML/JSON artefacts are never split on prompts
    else:
        text, problems = _without_overlong_lines(text, source)
        blocks = split_text(text)
    # (file part, record): the part (`==== ... ====` section) is all grouping needs, and the
    # block text is not carried back from worker processes.
    out: list[tuple[int, DeviceEvidence]] = []
    reports: list[CommandReport] = []
    peers: list[tuple[int, DeviceEvidence]] = []
    blocks = [part for block in blocks for part in _split_versions(block)]
    for block in blocks:
        record, found, report = _parse_block(block, source)
        problems.extend(found)
        reports.append(report)
        if record is not None:
            out.append((block.section, record))
            peers.extend((block.section, _peer(record, *peer)) for peer in record.peers)
    # Peers go last, so a later block that names no device never joins a peer by position.
    return out + peers, problems, tuple(reports)


def _split_versions(block: Block) -> list[Block]:
    """A block holding several devices' `show version` outputs (prompts dropped by the
    collection script) as one block per output; any other block as it is."""
    if "Software" not in block.text:
        return [block]
    command = canonical_command(block.command) if block.command else detect_command(block.text)
    if command not in {"show version", "show version brief"}:
        return [block]
    parts = version.split_outputs(block.text)
    if len(parts) == 1:
        return [block]
    # The first output keeps the prompt's command and hostname; the others are bare outputs.
    first_line = block.line + (1 if block.command else 0)
    return [replace(block, text=parts[0][1])] + [
        Block(text, first_line + offset, section=block.section) for offset, text in parts[1:]]


# No Cisco CLI prints a line anywhere near this long (terminal widths stop at 512). Longer lines
# are blanked before parsing: the template regexes backtrack per line, so one pathological
# line would make parsing quadratic in its length; with every line bounded, parsing is linear
# in the file's size. (XML and JSON artefacts are not line-oriented and are not touched.)
MAX_CLI_LINE = 4096


def _without_overlong_lines(text: str, source: str) -> tuple[str, list[Problem]]:
    if len(text) <= MAX_CLI_LINE:
        return text, []
    lines = text.split("\n")
    if max(map(len, lines)) <= MAX_CLI_LINE:
        return text, []
    problems: list[Problem] = []
    for i, line in enumerate(lines):
        if len(line) > MAX_CLI_LINE:
            problems.append(warning(source, f"line is {len(line):,} characters long; CLI "
                                    "output lines are shorter, so it was not parsed",
                                    line=i + 1, expected=f"lines under {MAX_CLI_LINE} "
                                    "characters"))
            lines[i] = ""
    return "\n".join(lines), problems


def _peer(record: DeviceEvidence, hostname: str, pid: str, serial: str) -> DeviceEvidence:
    """The application-HA peer a device names (CUBE `Peer Info`): a device of its own."""
    return DeviceEvidence(source=record.source, line=record.line,
                          command=f"{record.command} (HA peer)", os=record.os,
                          hostname=hostname, pid=pid, serial=clean_serial(serial),
                          blocks=(f"{record.source}:{record.line} {record.command} (HA peer)",))


def walk(paths: Sequence[Path], base: Path) -> Iterator[tuple[Path, str]]:
    """Every file under `paths` (recursively, sorted, hidden files skipped), with its name
    relative to `base` for messages."""
    base_text = str(base.resolve())
    for root in paths:
        if root.is_file():
            yield root, _rel(root, base)
            continue
        top = str(root.resolve())
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            rel_dir = os.path.relpath(dirpath, base_text).replace(os.sep, "/")
            inside = not rel_dir.startswith("..")
            for name in sorted(filenames):
                if not name.startswith("."):
                    path = Path(dirpath, name)
                    if not inside:
                        yield path, path.as_posix()
                    else:
                        yield path, name if rel_dir == "." else f"{rel_dir}/{name}"


def _rel(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def read_file(path: Path, source: str) -> tuple[str | None, list[Problem], str]:
    """(text or None when skipped, problems, SHA-256 of the bytes read or "")."""
    try:
        # One non-blocking open of a regular file, capped while reading: a FIFO or a device in
        # an evidence folder is skipped instead of waited on or read forever. The digest is of
        # these bytes, so the sources list hashes exactly what was parsed.
        got = read_input(path, source, max_bytes=_MAX_BYTES)
    except InputError as exc:
        return None, _skipped(exc), ""
    if path.suffix.lower() in _SKIP_SUFFIXES:
        return None, [warning(source, f"`{path.suffix}` files are not captures; skipped")], \
            got.sha256
    try:
        return decode_bytes(got.data, source), [], got.sha256
    except InputError as exc:
        return None, _skipped(exc), got.sha256


def _skipped(exc: InputError) -> list[Problem]:
    # Unreadable input is an error for a file the user named, but one file in an evidence
    # folder must not stop the rest: downgrade it to a warning and skip.
    return [replace(p, severity=Severity.WARNING, message=p.message + "; skipped")
            for p in exc.problems]


def read_one(item: tuple[Path, str]) -> tuple[list[tuple[int, DeviceEvidence]],
                                              list[Problem], FileReport]:
    """Read and parse one file: its records, its problems and its line in the report."""
    path, source = item
    text, found, digest = read_file(path, source)
    if text is None:
        why = found[0].message.removesuffix("; skipped") if found else "unreadable"
        return [], found, FileReport(source, 0, 0, 1, len(found),
                                     (CommandReport(0, "(file)", "skipped", why),), digest)
    parsed, found, commands = parse_file_text(text, source)
    skipped = sum(1 for p in found if p.message.endswith("skipped"))
    if not parsed and not found:
        found = [warning(source, "no `show license` output found; skipped")]
        skipped = 1
    return parsed, found, FileReport(source, len(commands), len(parsed), skipped, len(found),
                                     commands, digest)


_PARALLEL_FROM = 400  # below this many files, starting worker processes costs more than it saves


def map_files(files: list[tuple[Path, str]], workers: int | None = None) -> Iterator[
        tuple[list[tuple[int, DeviceEvidence]], list[Problem], FileReport]]:
    """`read_one` over every file, in order; in worker processes for large folders."""
    count = workers if workers is not None else (os.cpu_count() or 1)
    if count <= 1 or len(files) < _PARALLEL_FROM:
        yield from map(read_one, files)
        return
    load_catalogue()  # loaded once here, inherited by forked workers
    ctx = multiprocessing.get_context("fork" if "fork" in
                                      multiprocessing.get_all_start_methods() else None)
    with ctx.Pool(count) as pool:
        yield from pool.imap(read_one, files, chunksize=64)


def licence_uses(record: DeviceEvidence) -> tuple[LicenceUse, ...]:
    """Catalogue licences in use, summed per canonical tag (a stack prints one line per member
    model, e.g. `C9300-24 Network Advantage` 2 and `C9300-48 Network Advantage` 1)."""
    counts: dict[str, int] = {}
    for lic in record.licences:
        if lic.in_use and lic.known:
            counts[lic.tag] = counts.get(lic.tag, 0) + lic.count
    return tuple(LicenceUse(tag, n) for tag, n in sorted(counts.items()))


def infer_era(record: DeviceEvidence, catalogue: Catalogue) -> DeviceEvidence:
    """Fill an unknown era from the software version (e.g. IOS XE 17.3.2+ runs SLUP) when the
    captures name a version but no command that prints the era (summary + show version);
    the PID's family, and so the version SLUP starts from, comes from `catalogue`."""
    if record.era is not Era.UNKNOWN or not (record.version and record.pid) or \
            not record.version_implies_era:
        return record
    family = catalogue.family_for_pid(record.pid)
    if family is not None and runs_slup(family, record.version):
        return replace(record, era=Era.SLUP)
    return record


def to_device(record: DeviceEvidence, *, site: str = "", virtual_account: str = "") -> Device:
    members = tuple(m for m in record.members if m.serial)
    if len(members) <= 1 and all(m.serial == record.serial for m in members):
        members = ()  # a stand-alone device prints itself as its only HA member
    hostname = record.hostname
    return Device(hostname=hostname, pid=record.pid, serial=record.serial, site=site,
                  virtual_account=virtual_account or record.virtual_account,
                  smart_account=record.smart_account,
                  version=record.version, state=record.state, licences=licence_uses(record),
                  members=members, origin=Origin(record.source, record.line))


__all__ = [
    "CommandReport",
    "FileReport",
    "describe",
    "licence_uses",
    "map_files",
    "merge",
    "parse_block",
    "parse_file_text",
    "read_file",
    "read_one",
    "to_device",
    "walk",
]
