"""SLUP RUM reports: `<RUMReport>` XML wrapping JSON whose `payload` is itself JSON text.

The XML is untrusted input, so it is parsed with defusedxml (no entity expansion, no external
entities), never with the standard library parser.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from planner.evidence.normalise import canonical_licence, to_int
from planner.evidence.records import DeviceEvidence, Era, LicenceEvidence
from planner.model import StackMember


class RumError(ValueError):
    """The report cannot be read; the message says why."""


def _sudi(obj: Any) -> StackMember | None:
    if isinstance(obj, dict):
        sudi = obj.get("sudi", obj)
        if isinstance(sudi, dict) and sudi.get("udi_serial_number"):
            return StackMember(str(sudi.get("udi_pid", "")), str(sudi["udi_serial_number"]))
    return None


def _dict(value: Any) -> dict[str, Any]:
    """The value when it is an object, else empty: the report is untrusted, its shape too."""
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _time(value: Any) -> int | float:
    """A sortable time stamp; anything that is not a number sorts first."""
    return value if isinstance(value, int | float) and not isinstance(value, bool) else 0


def _json(body: str, what: str) -> Any:
    try:
        return json.loads(body)
    except json.JSONDecodeError as exc:
        raise RumError(f"{what} is cut off or malformed ({exc.msg} at character "
                       f"{exc.pos})") from None
    except ValueError as exc:  # e.g. an integer longer than Python's 4300-digit limit
        raise RumError(f"{what} is malformed ({exc})") from None
    except RecursionError:
        # json's scanner recurses once per nesting level; a hostile report must not crash us.
        raise RumError(f"{what} is nested too deeply") from None


def _payload(text: str) -> dict[str, Any]:
    body = text.strip()
    if body.startswith("<"):
        try:
            root = SafeET.fromstring(body)
        except (SafeET.ParseError, DefusedXmlException) as exc:
            raise RumError(f"not well-formed RUM XML ({exc})") from None
        body = (root.text or "").strip()
    outer = _json(body, "RUM report JSON")
    payload = outer.get("payload", outer) if isinstance(outer, dict) else None
    if isinstance(payload, str):
        payload = _json(payload, "RUM payload JSON")
    if not isinstance(payload, dict) or "asset_identification" not in payload:
        raise RumError("no asset_identification in the RUM payload")
    return payload


def parse_rum(text: str) -> DeviceEvidence:
    """The reporting device, its software, the entitlement and its latest measured count.

    The counted consumers (access points on a 9800 controller) come from the measurements'
    added/removed SUDI lists, applied in time order.
    """
    payload = _payload(text)
    ident = _dict(payload.get("asset_identification"))
    device = _sudi(ident.get("instance", {})) or StackMember("", "")
    meta = _dict(payload.get("meta"))
    members = tuple(m for m in (_sudi(h) for h in _list(meta.get("ha_udi"))) if m)
    consumers: dict[StackMember, None] = {}
    count = 0
    measurements = sorted((m for m in _list(payload.get("measurements")) if isinstance(m, dict)),
                          key=lambda m: (_time(m.get("start_time")), _time(m.get("log_time"))))
    for m in measurements:
        mmeta = _dict(m.get("meta"))
        for added in _list(mmeta.get("added_sudi_list")):
            s = _sudi(added)
            if s:
                consumers.setdefault(s, None)
        for removed in _list(mmeta.get("removed_sudi_list")):
            s = _sudi(removed)
            if s:
                consumers.pop(s, None)
        value = m.get("value", {})
        if isinstance(value, dict):
            count = to_int(str(value.get("value", "")), count)
    # The latest measurement's end is the day the report's usage runs to: the report was
    # written that day or later, which is what the cycle ledger counts as "reported".
    ends = [_time(m.get("end_time")) for m in measurements]
    latest = max((t for t in ends if t > 0), default=0)
    reported = (datetime.fromtimestamp(latest, tz=UTC).date().isoformat()
                if 0 < latest < 32503680000 else "")
    licences: tuple[LicenceEvidence, ...] = ()
    tag_text = str(meta.get("entitlement_tag", ""))
    if tag_text:
        tag, known = canonical_licence(tag_text)
        licences = (LicenceEvidence(tag=tag, raw=tag_text, count=count,
                                    status="IN USE" if count else "NOT IN USE", known=known,
                                    entitlement=tag_text),)
    return DeviceEvidence(source="", line=0, command="rum-report", os="ios-xe",
                          pid=device.pid, serial=device.serial, members=members,
                          version=str(meta.get("software_version", "")), licences=licences,
                          era=Era.SLUP, consumers=tuple(consumers), detail=2,
                          last_report_push=reported)
