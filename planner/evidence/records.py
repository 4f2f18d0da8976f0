"""The typed record one parsed capture block yields, and how blocks of one device merge."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

from planner.model import LicensingState, StackMember


class Era(StrEnum):
    """Which generation of Smart Licensing the device prints (licensing-facts s4)."""

    CLASSIC = "classic"  # registration + 30-day authorization renewals
    SLUP = "slup"  # Smart Licensing Using Policy
    TRADITIONAL = "traditional"  # pre-Smart licences (IOS CSL rights-to-use, NX-OS PAK files)
    UNKNOWN = ""


@dataclass(frozen=True, slots=True)
class LicenceEvidence:
    """One licence line as the device printed it, with its canonical short tag."""

    tag: str  # canonical short tag, or the printed name when the catalogue does not know it
    raw: str  # the name exactly as printed (`network-advantage (C9300-24 Network Advantage)`)
    count: int
    status: str  # normalised: IN USE, NOT IN USE, EVAL MODE, AUTHORIZED, RESERVED, ...
    known: bool = True  # False when the catalogue has no such licence
    entitlement: str = ""  # entitlement tag or display name in parentheses
    licence_type: str = ""  # Perpetual / Subscription / Permanent / EvalRightToUse
    next_reload: str = ""  # `show version`: the package or level the next reload runs

    @property
    def in_use(self) -> bool:
        return self.status in _IN_USE_STATUSES and self.count > 0


# RESERVED counts: an SLR device holds what its authorization code reserves, whatever it runs.
_IN_USE_STATUSES = frozenset({"IN USE", "AUTHORIZED", "EVAL MODE", "OUT OF COMPLIANCE",
                              "AUTHORIZATION EXPIRED", "RESERVED", "RESERVED IN USE"})


@dataclass(frozen=True, slots=True)
class ReportingPolicy:
    """A SLUP reporting policy: days per licence class, as printed by `show license status`."""

    name: str = ""
    ack_required: bool | None = None
    # class -> (first report, reporting frequency, report on change), in days
    attributes: tuple[tuple[str, int, int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class ReservationCode:
    """A reservation artefact: request, authorization, return or confirmation code."""

    kind: str  # request | authorization | return | confirmation
    code: str
    pid: str = ""
    serial: str = ""


@dataclass(frozen=True, slots=True)
class DeviceEvidence:
    """What one capture block (or, after merging, one device) tells about a device."""

    source: str  # file, relative to the folder read
    line: int  # 1-based line where the block starts
    command: str  # canonical command (`show license summary`, `rum-report`, ...)
    os: str = ""  # ios-xe | ios | nx-os | asa | ios-xr | cucm
    hostname: str = ""
    pid: str = ""
    serial: str = ""
    members: tuple[StackMember, ...] = ()  # stack/HA members, active first
    version: str = ""
    licences: tuple[LicenceEvidence, ...] = ()
    era: Era = Era.UNKNOWN
    era_weak: bool = False  # the era comes from a `show version` clue, not a licence command
    version_implies_era: bool = True  # False for ACI mode and development builds
    evaluation: bool = False
    registration: str = ""  # classic registration status (REGISTERED, UNREGISTERED)
    authorization: str = ""  # AUTHORIZED, EVAL MODE, ...
    transport: str = ""  # Smart, cslu, Callhome, Transport Off, ...
    transport_url: str = ""
    reservation: str = ""  # DISABLED, ENABLED, SPECIFIC INSTALLED, UNIVERSAL INSTALLED, ...
    reservation_codes: tuple[ReservationCode, ...] = ()
    policy: ReportingPolicy | None = None
    last_ack: str = ""
    next_ack_deadline: str = ""
    last_report_push: str = ""
    reporting_interval: str = ""
    smart_account: str = ""
    virtual_account: str = ""
    consumers: tuple[StackMember, ...] = ()  # e.g. access points counted by a RUM report
    # (hostname, PID, serial) of an application-HA peer the device names (CUBE `Peer Info`):
    # another device of the estate, made a device of its own by ingest.
    peers: tuple[tuple[str, str, str], ...] = ()
    truncated: bool = False
    detail: int = 0  # how complete the licence list is; higher wins when blocks merge
    blocks: tuple[str, ...] = field(default=(), compare=False)  # `file:line command` merged in

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}"

    @property
    def state(self) -> LicensingState:
        """The licensing state to put in devices.csv (model.LicensingState)."""
        res = self.reservation.upper()
        if "UNIVERSAL" in res or "PERMANENT" in res:
            return LicensingState.PLR
        if "SPECIFIC" in res or any(c.kind == "authorization" for c in self.reservation_codes):
            return LicensingState.SLR
        if self.evaluation:
            return LicensingState.EVALUATION
        if self.era is Era.SLUP:
            return LicensingState.SLUP
        if self.era is Era.CLASSIC:
            return LicensingState.CLASSIC
        return LicensingState.UNKNOWN


def _pick(old: str, new: str) -> str:
    # Later captures win: transcripts run in time order (e.g. before and after registration).
    return new or old


def merge(a: DeviceEvidence, b: DeviceEvidence) -> DeviceEvidence:
    """Combine two records of the same device; `b` is the later capture."""
    if b.detail > a.detail or (b.detail == a.detail and b.licences):
        licences = b.licences
        detail = b.detail
    else:
        licences, detail = a.licences, a.detail
    # The fuller member list wins: `show license udi` lists every member with its serial.
    members = b.members if len(b.members) > len(a.members) else a.members
    codes = a.reservation_codes + tuple(c for c in b.reservation_codes
                                        if c not in a.reservation_codes)
    consumers = a.consumers + tuple(c for c in b.consumers if c not in a.consumers)
    era_from = _era_source(a, b)
    return replace(
        a,
        command=a.command if a.command == b.command else f"{a.command}+{b.command}",
        os=a.os or b.os,
        hostname=_pick(a.hostname, b.hostname),
        pid=a.pid or b.pid,
        serial=a.serial or b.serial,
        members=members,
        version=_pick(a.version, b.version),
        licences=licences,
        detail=detail,
        era=era_from.era,
        era_weak=era_from.era_weak,
        version_implies_era=a.version_implies_era and b.version_implies_era,
        evaluation=a.evaluation if b.command == "show version" and a.licences else (
            b.evaluation if b.licences or b.authorization else a.evaluation),
        registration=_pick(a.registration, b.registration),
        authorization=_pick(a.authorization, b.authorization),
        transport=_pick(a.transport, b.transport),
        transport_url=_pick(a.transport_url, b.transport_url),
        reservation=_merge_reservation(a.reservation, b.reservation),
        reservation_codes=codes,
        policy=b.policy or a.policy,
        last_ack=_pick(a.last_ack, b.last_ack),
        next_ack_deadline=_pick(a.next_ack_deadline, b.next_ack_deadline),
        last_report_push=_pick(a.last_report_push, b.last_report_push),
        reporting_interval=_pick(a.reporting_interval, b.reporting_interval),
        smart_account=_pick(a.smart_account, b.smart_account),
        virtual_account=_pick(a.virtual_account, b.virtual_account),
        consumers=consumers,
        truncated=a.truncated or b.truncated,
        blocks=a.blocks + b.blocks,
    )


def _era_source(a: DeviceEvidence, b: DeviceEvidence) -> DeviceEvidence:
    # Later captures win, but a licence command's era outranks a `show version` clue.
    if b.era is Era.UNKNOWN or (b.era_weak and a.era is not Era.UNKNOWN and not a.era_weak):
        return a
    return b


def _merge_reservation(a: str, b: str) -> str:
    # An installed reservation outranks a bare "ENABLED"/"DISABLED" from another command.
    return a if _reservation_rank(a) > _reservation_rank(b) else (b or a)


def _reservation_rank(text: str) -> int:
    upper = text.upper()
    if "SPECIFIC" in upper or "UNIVERSAL" in upper:
        return 2
    return 1 if upper else 0
