"""One device's ordered steps for its planned mode, per member where codes are per member, each
verified; unknown platforms and unconfirmed text become steps marked for manual confirmation."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace

from planner.cadence import offline_trips
from planner.catalogue import Catalogue, ProductFamily
from planner.encode import cli_value
from planner.model import DataElement, Device, Estate, InternetAccess, LicensingState, Mode
from planner.modes import (
    device_networked_modes,
    load_modes,
    reporting_modes,
    reservation_modes,
    server_modes,
)
from planner.optimise.classes import slup_state
from planner.returns import ReturnEntry, return_entry
from planner.runbooks.catalogue import Command, CommandCatalogue, Platform
from planner.runbooks.types import (
    CarryItem,
    DeviceRunbook,
    Direction,
    PlannedDevice,
    RunbookSettings,
    Step,
    StepKind,
)
from planner.slac import SlacEntry, SlacPath, slac_entry

CSSM_WORKSTATION = "the CSSM workstation (internet side)"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def interval_days(mode: Mode) -> int | None:
    """The reporting interval a networked mode implies (modes.yaml transfers per year).

    Under On-Prem manual sync the device still pushes to its server over the site network at the
    network-sync rate; only the server's sync with CSSM crosses the air gap."""
    if mode not in device_networked_modes():
        return None
    source = Mode.ONPREM_NETWORK if mode is Mode.ONPREM_MANUAL else mode
    per_year = load_modes()[source].transfers_per_year
    return max(1, round(365 / per_year)) if per_year > 0 else None


def _fs(family: ProductFamily | None) -> str:
    """Where licensing files are saved: flash: on Catalyst switches, else bootflash:."""
    return "flash:" if family is not None and family.kind == "switch" and family.os == "ios-xe" \
        else "bootflash:"


def _units(device: Device) -> list[str]:
    """Every unit that needs its own reservation codes: the device, then each further member."""
    units = [f"{device.pid}:{device.serial}"]
    units += [f"{m.pid}:{m.serial}" for m in device.members if m.serial != device.serial]
    return units


def _fill(text: str, values: Mapping[str, str]) -> str:
    """A catalogue line with its {placeholders} filled; every value is checked and quoted for
    the device CLI (encode.cli_value), whichever step or command it lands in."""
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        value = values.get(name)
        return f"<{name}>" if value is None else cli_value(value, f"the value of {{{name}}}")

    return _PLACEHOLDER.sub(one, text)


class _Builder:
    """Collects one device's steps; every device step comes from the command catalogue."""

    def __init__(self, platform: Platform | None, values: dict[str, str], fallback: str) -> None:
        self.platform = platform
        self.values = values
        self.fallback = fallback  # where to obtain commands the catalogue lacks
        self.steps: list[Step] = []

    def command(self, step_id: str, title: str, *, member: str = "",
                extra: Mapping[str, str] | None = None) -> Command | None:
        values = {**self.values, **(extra or {})}
        cmd = self.platform.commands.get(step_id) if self.platform else None
        if cmd is None:
            name = self.platform.name if self.platform else "this platform"
            self.steps.append(Step(
                title=title, kind=StepKind.MANUAL, confirmed=False, member=member,
                note=f"no confirmed command for '{step_id}' on {name}: obtain it from "
                     f"{self.fallback} and confirm it before the change window",
            ))
            return None
        note = cmd.evidence if cmd.confirmed else f"MANUAL CONFIRMATION REQUIRED: {cmd.reason}"
        self.steps.append(Step(
            title=title, kind=StepKind.DEVICE, context=cmd.context,
            lines=tuple(_fill(line, values) for line in cmd.lines),
            verify=_fill(cmd.verify, values), expect=_fill(cmd.expect, values),
            source=str(cmd.source), confirmed=cmd.confirmed, note=note, member=member,
        ))
        return cmd

    def other(self, kind: StepKind, title: str, note: str, source: str = "", *,
              member: str = "") -> None:
        self.steps.append(Step(title=title, kind=kind, note=note, source=source, member=member))


def _values(planned: PlannedDevice, family: ProductFamily | None, settings: RunbookSettings,
            mode: Mode) -> dict[str, str]:
    device = planned.device
    stem = _UNSAFE.sub("_", device.hostname).strip("._") or device.serial
    fs = _fs(family)
    server = planned.server_site or "?"
    interval = interval_days(mode)
    return {
        "cslu_url": settings.cslu_url or "<CSLU URL, e.g. http://<cslu-host>:8182/cslu/v1/pi>",
        "onprem_url": settings.server_urls.get(server)
        or f"<SSM On-Prem transport URL of the server at {server}>",
        "proxy_host": settings.proxy_host or "<proxy host>",
        "proxy_port": settings.proxy_port or "<proxy port>",
        "id_token": f"<ID token from the SSM On-Prem local account {device.virtual_account}>"
        if mode in server_modes()
        else f"<ID token from CSSM, Virtual Account {device.virtual_account}>",
        "interval_days": str(interval) if interval else "<days>",
        "usage_file": f"{fs}{stem}_usage.txt",
        "ack_file": f"{fs}ACK_{stem}_usage.txt",
        "auth_code": "<authorization code from CSSM>",
        "slac_feature": "<enforced or export-controlled licence, e.g. hseck9>",
        "slac_file": f"{fs}SLAC_{stem}.txt",
        "scope": "all" if len(_units(device)) > 1 else "local",
        "fs": fs,
        "stem": stem,
    }


def _privacy(b: _Builder, estate: Estate, planned: PlannedDevice, mode: Mode) -> None:
    if mode not in reporting_modes():
        return
    policy = estate.policy(estate.site(planned.device.site).classification)
    if policy.hostname_privacy:
        b.command("privacy-hostname", f"Keep the hostname out of usage reports ({policy.name} "
                  "policy: hostname_privacy)")
    if DataElement.SOFTWARE_VERSION not in policy.telemetry_may_leave:
        b.command("privacy-version", f"Keep the software version out of usage reports "
                  f"({policy.name} policy: software-version may not leave)")


def _carry(kind: str, trip: int, direction: Direction, planned: PlannedDevice, item: str,
           pick_up: str, deliver: str, member: str = "") -> CarryItem:
    d = planned.device
    return CarryItem(trip, direction, kind, d.site, d.hostname, member, item, pick_up, deliver)


def _reservation(b: _Builder, planned: PlannedDevice, family: ProductFamily | None,
                 mode: Mode, carry: list[CarryItem]) -> None:
    device = planned.device
    units = _units(device)
    tags = ", ".join(f"{t} x{n}" for t, n in planned.reserved) or "the licences the device uses"
    reserve = "CSSM help 'Reserve Licenses' <https://software.cisco.com/web/fw/softwareworkspace/" \
              "smartlicensing/ssmcompiledhelps/c_Reserve_Licenses.html>"
    if mode is Mode.SLR and device.state.value == "slr":
        b.command("reservation-verify", "Verify the existing reservation (kept: no new request)")
        b.other(StepKind.PORTAL, "Compare the reservation with the plan in CSSM",
                f"Virtual Account {device.virtual_account}: the reservation for "
                f"{', '.join(units)} must hold {tags}. If it differs, use 'Update Reserved "
                "Licenses' in CSSM and install the new authorization code as in an SLR request.",
                reserve)
        return
    b.command("reservation-enable", "Enable licence reservation")
    if family is not None and family.modular and len(units) == 1:
        b.other(StepKind.MANUAL, "List the supervisors", "modular chassis: reservation codes are "
                "per supervisor (and chassis); the inventory lists no supervisors, so read them "
                "from 'show license udi' and repeat the per-member steps for each", "")
    if mode is Mode.PLR:
        b.command("plr-request", "Generate the PLR request code")
    elif len(units) > 1:
        b.command("reservation-request-all", "Generate one request code per member")
    else:
        b.command("reservation-request-local", "Generate the request code")
    for unit in units:
        carry.append(_carry("request-code", 1, Direction.OUT, planned,
                            f"request code of {unit}", f"console of {device.hostname}",
                            f"CSSM, Virtual Account {device.virtual_account}", unit))
    what = "universal (PLR)" if mode is Mode.PLR else f"specific: {tags}"
    for unit in units:
        b.other(StepKind.PORTAL, f"Reserve in CSSM for {unit}",
                f"Virtual Account {device.virtual_account}: Licenses > License Reservation, "
                f"enter the request code, reserve {what}, download the authorization code",
                reserve, member=unit)
    for unit in units:
        serial = unit.split(":", 1)[1]
        auth_file = f"{b.values['fs']}{b.values['stem']}_{serial}_auth.txt"
        carry.append(_carry("authorization-code", 2, Direction.IN, planned, auth_file,
                            f"CSSM, Virtual Account {device.virtual_account}",
                            f"{device.hostname} ({auth_file})", unit))
        step = "plr-install" if mode is Mode.PLR else "reservation-install"
        b.command(step, f"Install the authorization code for {unit}", member=unit,
                  extra={"auth_file": auth_file})
        if mode is Mode.SLR:
            carry.append(_carry("confirmation-code", 3, Direction.OUT, planned,
                                f"confirmation code of {unit}", f"console of {device.hostname}",
                                f"CSSM, product instance {unit}", unit))
    if mode is Mode.SLR:
        b.other(StepKind.PORTAL, "Enter the confirmation codes in CSSM",
                "each install prints a 'Last Confirmation code'; enter it for the product "
                "instance in CSSM so the reservation is confirmed", reserve)


def _offline(b: _Builder, estate: Estate, planned: PlannedDevice,
             carry: list[CarryItem]) -> None:
    device = planned.device
    cadence = offline_trips(estate.costs)
    b.command("transport-off", "Turn licence transport off (offline reporting)")
    b.command("save-usage", "Save the usage (RUM) report to a file")
    carry.append(_carry("usage-report", 1, Direction.OUT, planned, b.values["usage_file"],
                        f"{device.hostname} ({b.values['usage_file']})",
                        f"CSSM, Virtual Account {device.virtual_account}: upload usage data"))
    b.other(StepKind.PORTAL, "Upload the usage report to CSSM and download the acknowledgement",
            f"Virtual Account {device.virtual_account}: upload the usage data file, then download "
            f"the ACK file. Repeat this round trip every {cadence.interval_days} days "
            f"({cadence.per_year:g} trips a year), so every report and its ACK land inside the "
            f"{cadence.window_days}-day window ({cadence.basis}).",
            "Cisco tech note 217046 <https://www.cisco.com/c/en/us/support/docs/ios-nx-os-software"
            "/ios-xe-17/217046-configure-smart-licensing-using-policy-o.html>")
    carry.append(_carry("acknowledgement", 2, Direction.IN, planned, b.values["ack_file"],
                        f"CSSM, Virtual Account {device.virtual_account}",
                        f"{device.hostname} ({b.values['ack_file']})"))
    b.command("import-ack", "Import the acknowledgement")


_CSSM_SLAC = ("CSSM help 'Product Instances: Authorize License-Enforced Features' <https://software"
              ".cisco.com/web/fw/softwareworkspace/smartlicensing/ssmcompiledhelps/"
              "c_Product_Instances.html>")
_CSSM_RETURN = ("CSSM help 'Update Reserved Licenses' (enter the return code for the product "
                "instance) <https://software.cisco.com/web/fw/softwareworkspace/smartlicensing/"
                "ssmcompiledhelps/c_Update_Reserved_Licenses.html>; Cisco how-to LIC217546")


def _return_first(b: _Builder, planned: PlannedDevice, back: ReturnEntry,
                  carry: list[CarryItem]) -> None:
    """Return the reservation the device leaves, before its new mode's steps: the device prints a
    return code, which is entered in CSSM so the reserved licences go back to the pool."""
    device = planned.device
    b.command("reservation-return", f"Return the {back.held.value.upper()} reservation first "
              f"(the device moves to {back.planned.value})")
    for unit in back.units:
        carry.append(_carry("return-code", 1, Direction.OUT, planned, f"return code of {unit}",
                            f"console of {device.hostname}",
                            f"CSSM, Virtual Account {back.virtual_account}: product instance "
                            f"{unit}, enter the return code", unit))
    b.other(StepKind.PORTAL, "Enter the return code in CSSM",
            f"Virtual Account {back.virtual_account}: open the product instance "
            f"{', '.join(back.units)}, choose to remove it with a return code and enter the code "
            "printed above, so the reserved licences are released before the device is counted "
            "in its new mode", _CSSM_RETURN)


def _slac(b: _Builder, planned: PlannedDevice, entry: SlacEntry,
          carry: list[CarryItem]) -> None:
    """The Smart Licensing Authorization Code for each enforced or export-controlled licence:
    requested by the device when it reaches CSSM (directly, through CSLU or a network-synced
    On-Prem), else generated in CSSM for the UDI and carried in as a file."""
    device = planned.device
    for tag in entry.licences:
        if entry.path is SlacPath.ONLINE:
            b.command("slac-request", f"Request the authorization code (SLAC) for {tag}",
                      extra={"slac_feature": tag})
            continue
        slac_file = f"{b.values['fs']}SLAC_{b.values['stem']}_{tag}.txt"
        b.other(StepKind.PORTAL, f"Generate the authorization code (SLAC) for {tag} in CSSM",
                f"Virtual Account {device.virtual_account}: Product Instances, Authorize "
                f"License-Enforced Features; enter the UDI of {', '.join(entry.units)}, select "
                f"{tag}, download the SLAC file (offline path: the device cannot reach CSSM)",
                _CSSM_SLAC)
        carry.append(_carry("slac", 2, Direction.IN, planned, slac_file,
                            f"CSSM, Virtual Account {device.virtual_account}",
                            f"{device.hostname} ({slac_file})"))
        b.command("slac-import", f"Import the authorization code (SLAC) for {tag}",
                  extra={"slac_file": slac_file})


def _networked(b: _Builder, estate: Estate, planned: PlannedDevice, mode: Mode,
               slup: bool) -> None:
    site = estate.site(planned.device.site)
    if mode is Mode.CSSM_DIRECT:
        b.command("transport-smart", "Send usage directly to CSSM (Smart transport)")
        if site.internet is InternetAccess.PROXY:
            b.command("proxy", f"Reach CSSM through the site proxy ({site.id})")
    elif mode is Mode.CSLU:
        b.command("transport-cslu", "Send usage to the CSLU collector")
    else:
        server = planned.server_site or "?"
        b.other(StepKind.PORTAL, f"Prepare SSM On-Prem at {server}",
                f"local account for Virtual Account {planned.device.virtual_account} exists; "
                "copy the server's transport URL for the next step", "")
        b.command("transport-onprem", f"Send usage to SSM On-Prem at {server}")
    if slup:
        b.command("usage-interval", "Set the reporting interval")
        if mode is Mode.CSSM_DIRECT:
            b.command("trust-token", "Install the trust code (ID token from CSSM)")
        b.command("sync", "Report now and receive the acknowledgement")
        if mode is Mode.ONPREM_MANUAL:
            b.other(StepKind.PORTAL, f"Synchronise SSM On-Prem at {planned.server_site} with "
                    "CSSM by hand", "the air-gapped server acknowledges usage only after its "
                    "manual synchronisation (the carry trips of the server's site); sync the "
                    "device again afterwards if 'Last ACK received' still shows the old date", "")
    elif mode is Mode.CSSM_DIRECT:
        b.command("register-token", "Register with CSSM (ID token)")
    else:
        b.command("register-token", f"Register with SSM On-Prem at {planned.server_site} "
                  "(ID token from the On-Prem local account)")


def _rollback(b: _Builder, mode: Mode, state: str) -> list[Step]:
    out = _Builder(b.platform, b.values, b.fallback)
    if mode is Mode.SLR and state == "slr":
        return []  # the existing reservation is only verified: nothing to undo
    if mode in reservation_modes() and state not in ("slr", "plr"):
        out.command("reservation-return", "Return the reservation (prints a return code)")
        out.other(StepKind.PORTAL, "Enter the return code in CSSM",
                  "the reserved licences go back to the Virtual Account", "")
    out.other(StepKind.DEVICE, "Restore the licence configuration captured in the pre-checks",
              "re-apply the 'license smart' lines saved before the change (and remove the "
              "lines added by this runbook with their 'no' form)", "")
    return out.steps


def _prechecks(platform: Platform | None) -> list[Step]:
    """Capture the licensing state first (the catalogue's 'precheck' entry for the platform)."""
    if platform is None:
        return []
    b = _Builder(platform, {}, str(platform.guide))
    b.command("precheck", "Capture the licensing state before the change")
    return b.steps


def _manual_reason(family: ProductFamily | None, device: Device, slup: bool | None,
                   commands: CommandCatalogue) -> tuple[str, str, str]:
    """Why no platform applies, where to obtain the procedure, and its Cisco source if known."""
    if family is None:
        return (f"PID {device.pid} is not in the product catalogue: no confirmed commands",
                "the product's licensing configuration guide on cisco.com", "")
    if family.id in commands.no_cli:
        entry = commands.no_cli[family.id]
        return entry.reason, str(entry.source), str(entry.source)
    guide = f"the {family.name} Smart Licensing configuration guide on cisco.com"
    if slup is None:
        return (f"software version of {family.id} unknown: run 'show version' and rerun "
                "'planner runbook' with the version in the inventory", guide, "")
    return (f"no confirmed commands for {family.id} {device.version or '(version unknown)'} "
            f"({family.os})", guide, "")


def device_runbook(estate: Estate, planned: PlannedDevice, catalogue: Catalogue,
                   commands: CommandCatalogue, settings: RunbookSettings) -> DeviceRunbook:
    """The ordered steps that put one device into its planned mode."""
    device = planned.device
    family = catalogue.family_for_pid(device.pid)
    slup = slup_state(family, device.version, device.state)
    platform = commands.platform_for(family, device.version, slup)
    mode = planned.mode
    fallback = str(platform.guide) if platform else "the platform's licensing guide"
    values = _values(planned, family, settings, mode or Mode.CSSM_DIRECT)
    b = _Builder(platform, values, fallback)
    carry: list[CarryItem] = []
    rollback: list[Step] = []
    if mode is None:
        b.other(StepKind.MANUAL, "No planned mode",
                "the plan assigns no licensing mode to this device (not in any device class)")
    elif platform is None:
        reason, where, source = _manual_reason(family, device, slup, commands)
        back = return_entry(device, mode)
        if back is not None:  # no platform commands, but the return still comes first
            b.other(StepKind.MANUAL, f"Return the {back.held.value.upper()} reservation first",
                    f"the device holds a reservation and moves to {back.planned.value}: "
                    f"{reason}: obtain its return procedure from {where} and enter the return "
                    "code in CSSM", _CSSM_RETURN)
        b.other(StepKind.MANUAL, f"Put the device into {mode.value} by hand",
                f"{reason}: obtain the procedure from {where}; never apply guessed commands",
                source)
    else:
        back = return_entry(device, mode)
        if back is not None:
            _return_first(b, planned, back, carry)
        _privacy(b, estate, planned, mode)
        if mode in reservation_modes():
            _reservation(b, planned, family, mode, carry)
        elif mode is Mode.OFFLINE:
            _offline(b, estate, planned, carry)
        else:
            _networked(b, estate, planned, mode, bool(slup))
        slac = slac_entry(device, mode, catalogue)
        if slac is not None:
            _slac(b, planned, slac, carry)
        rollback = _rollback(b, mode, device.state.value)

    return DeviceRunbook(
        hostname=device.hostname, pid=device.pid, serial=device.serial, site=device.site,
        virtual_account=device.virtual_account, family=family.id if family else "",
        version=device.version, state=device.state.value, mode=mode,
        server_site=planned.server_site, platform=platform.id if platform else "",
        units=tuple(_units(device)),
        variables=_variables(planned, platform, values, mode, estate,
                             slac_entry(device, mode, catalogue), return_entry(device, mode)),
        prechecks=tuple(_prechecks(platform)), steps=tuple(b.steps),
        rollback=tuple(rollback), carry=tuple(carry),
    )


def _variables(planned: PlannedDevice, platform: Platform | None, values: Mapping[str, str],
               mode: Mode | None, estate: Estate, slac: SlacEntry | None,
               back: ReturnEntry | None) -> dict[str, object]:
    """Per-device variables for the user's Ansible playbook (ansible-vars.yml)."""
    device = planned.device
    site = estate.site(device.site)
    policy = estate.policy(site.classification)
    transport = (load_modes()[mode].transport or None) if mode else None
    url = (values["onprem_url"] if mode in server_modes() else
           values["cslu_url"] if mode is Mode.CSLU else None)
    reporting = mode in reporting_modes() if mode else False
    return {
        "site": device.site, "pid": device.pid, "serial": device.serial,
        "virtual_account": device.virtual_account, "mode": mode.value if mode else None,
        "platform": platform.id if platform else None, "transport": transport,
        "server_site": planned.server_site, "server_url": url,
        "proxy": f"{values['proxy_host']}:{values['proxy_port']}"
        if mode is Mode.CSSM_DIRECT and site.internet is InternetAccess.PROXY else None,
        "interval_days": interval_days(mode) if mode else None,
        "privacy_hostname": bool(reporting and policy.hostname_privacy),
        "privacy_version": bool(reporting and DataElement.SOFTWARE_VERSION
                                not in policy.telemetry_may_leave),
        "reservation": {
            "type": "universal" if mode is Mode.PLR else "specific",
            "tags": [{"tag": t, "count": n} for t, n in planned.reserved],
            "members": _units(device),
            "scope": values["scope"],
        } if mode in reservation_modes() else None,
        "slac": {"licences": list(slac.licences), "path": slac.path.value,
                 "scope": values["scope"]} if slac else None,
        "return_reservation": {"holds": back.held.value, "units": list(back.units)}
        if back else None,
        "usage_file": values["usage_file"] if mode is Mode.OFFLINE else None,
        "ack_file": values["ack_file"] if mode is Mode.OFFLINE else None,
    }


def placeholders(lines: Iterable[str]) -> set[str]:
    """The {placeholder} names used in catalogue text (tests check each one is filled)."""
    return {m.group(1) for line in lines for m in _PLACEHOLDER.finditer(line)}


def round_trip_steps(estate: Estate, planned: PlannedDevice, catalogue: Catalogue,
                     commands: CommandCatalogue, settings: RunbookSettings
                     ) -> tuple[tuple[Step, ...], tuple[Step, ...], dict[str, str]]:
    """One device's share of a recurring report round trip (planner cycle): the steps before
    the carry (save the usage report), the steps after it (import the ACK, or sync with the
    On-Prem server once it has its response), and the file names used (usage_file, ack_file)."""
    device = planned.device
    family = catalogue.family_for_pid(device.pid)
    slup = slup_state(family, device.version, device.state)
    platform = commands.platform_for(family, device.version, slup)
    mode = planned.mode or Mode.OFFLINE
    fallback = str(platform.guide) if platform else "the platform's licensing guide"
    before = _Builder(platform, _values(planned, family, settings, mode), fallback)
    after = _Builder(platform, before.values, fallback)
    if mode is Mode.OFFLINE:
        before.command("save-usage", "Save the usage (RUM) report to a file")
        after.command("import-ack", "Import the acknowledgement")
    else:
        after.command("sync", f"Report to SSM On-Prem at {planned.server_site} and receive the "
                      "acknowledgement it now holds")
    return tuple(before.steps), tuple(after.steps), {
        "usage_file": before.values["usage_file"], "ack_file": before.values["ack_file"],
        "stem": before.values["stem"]}


def reservation_change_steps(estate: Estate, device: Device, mode: Mode, change: str,
                             units: tuple[str, ...], catalogue: Catalogue,
                             commands: CommandCatalogue, settings: RunbookSettings
                             ) -> tuple[Step, ...]:
    """The steps for a reservation change the offline cycle meets (planner cycle status):

    - `replaced`: `device` is the new chassis; `units` the old one's units, whose reservation
      must be returned so it is not left orphaned in CSSM, then the new one is reserved;
    - `member-added`: `units` are the new stack members, reserved one by one;
    - `member-removed`: `units` are the members gone, whose reserved licences go back.
    """
    family = catalogue.family_for_pid(device.pid)
    slup = slup_state(family, device.version, device.state)
    platform = commands.platform_for(family, device.version, slup)
    fallback = str(platform.guide) if platform else "the platform's licensing guide"
    planned = PlannedDevice(device, mode)
    b = _Builder(platform, _values(planned, family, settings, mode), fallback)
    reserve = "CSSM help 'Update Reserved Licenses' <https://software.cisco.com/web/fw/" \
              "softwareworkspace/smartlicensing/ssmcompiledhelps/c_Update_Reserved_Licenses.html>"
    if change == "replaced":
        for unit in units:
            b.other(StepKind.PORTAL, f"Return the reservation of the replaced unit {unit}",
                    f"if the old unit still boots, run 'license smart reservation return' on it "
                    f"and enter the return code for product instance {unit} in CSSM (Virtual "
                    f"Account {device.virtual_account}); if it cannot, ask Cisco licensing "
                    "support to release it. Until then its licences stay reserved to a device "
                    "that no longer exists.", reserve, member=unit)
        _reservation(b, PlannedDevice(replace(device, state=LicensingState.UNKNOWN), mode),
                     family, mode, [])
    elif change == "member-added":
        b.command("reservation-request-all", "Generate request codes (one per member, the new "
                  "member's included)")
        for unit in units:
            b.other(StepKind.PORTAL, f"Reserve in CSSM for the new member {unit}",
                    f"Virtual Account {device.virtual_account}: enter the new member's request "
                    "code, reserve what the stack uses, download its authorization code",
                    reserve, member=unit)
            serial = unit.split(":", 1)[1]
            auth_file = f"{b.values['fs']}{b.values['stem']}_{serial}_auth.txt"
            b.command("reservation-install", f"Install the authorization code for {unit}",
                      member=unit, extra={"auth_file": auth_file})
    else:
        for unit in units:
            b.other(StepKind.PORTAL, f"Release the reservation of the removed member {unit}",
                    "return its reservation (return code from the member if it is still "
                    "available, else Cisco licensing support) so its licences go back to the "
                    f"Virtual Account {device.virtual_account}", reserve, member=unit)
    b.command("reservation-verify", "Verify the reservation now covers every member")
    return tuple(b.steps)
