"""Cross-record rules on hand-built estates: enclaves, duplicates, expiry, consumption."""

from __future__ import annotations

from datetime import date

from planner.catalogue import load_catalogue
from planner.model import (
    ClassificationPolicy,
    Device,
    Entitlement,
    Estate,
    InternetAccess,
    LicenceUse,
    Link,
    Mode,
    Site,
    SmartAccount,
    StackMember,
    Tier,
)
from planner.problems import Problem
from planner.validate import validate_estate
from tests.estate_builder import build_estate

POLICY = ClassificationPolicy("secret", frozenset({Mode.SLR}), frozenset())


def estate(sites: tuple[Site, ...], links: tuple[Link, ...] = (),
           devices: tuple[Device, ...] = (), ents: tuple[Entitlement, ...] = ()) -> Estate:
    return build_estate(devices, account=SmartAccount("t", "t"), sites=sites, links=links,
                        entitlements=ents, policies=(POLICY,), path="estate.yaml")


def run(e: Estate) -> list[Problem]:
    # These devices carry no version or state on purpose; the warning that raises has its own
    # test (tests/optimise/test_open_rules.py).
    return [p for p in validate_estate(e, catalogue=load_catalogue(), lines={},
                                       today=date(2026, 11, 1)) if p.column != "version"]


def site(sid: str, enclave: str | None = None) -> Site:
    return Site(sid, sid, "secret", InternetAccess.NONE, enclave)


def test_single_site_enclave_needs_no_link() -> None:
    assert run(estate((site("A", "e1"),))) == []


def test_cut_off_enclave_site_is_an_error() -> None:
    e = estate((site("A", "e1"), site("B", "e1"), site("C", "e1")), (Link("A", "B"),))
    [problem] = run(e)
    assert problem.severity == "error" and problem.column == "sites[2].enclave"
    assert "'C'" in problem.message


def test_enclave_with_no_links_at_all_is_a_warning() -> None:
    [problem] = run(estate((site("A", "e1"), site("B", "e1"))))
    assert problem.severity == "warning" and "no link reaches any of them" in problem.message


def test_link_to_unknown_site_and_duplicate_site() -> None:
    problems = run(estate((site("A"), site("A")), (Link("A", "Z"),)))
    assert {p.column for p in problems} == {"sites[1].id", "links[0].b"}


def test_member_serial_may_repeat_its_own_device_but_not_another() -> None:
    stack = Device("s", "C9300-48P", "S1", "A", "DEFAULT",
                   members=(StackMember("C9300-48P", "S1"), StackMember("C9300-48P", "S2")))
    other = Device("o", "C9300-48P", "s2", "A", "DEFAULT")
    problems = run(estate((site("A"),), devices=(stack, other)))
    assert [p.message.split(" (")[0] for p in problems] == ["duplicate serial S2"]


def test_expiry_and_over_consumption_are_warnings() -> None:
    use = (LicenceUse("network-advantage", 3),)
    devices = (Device("a", "C9300-48P", "S1", "A", "DEFAULT", licences=use),
               Device("b", "C9300-48P", "S2", "A", "DEFAULT", licences=use))
    ents = (Entitlement("DEFAULT", "network-advantage", "Network Advantage", Tier.ADVANTAGE, 4,
                        end=date(2026, 10, 31)),)
    problems = run(estate((site("A"),), devices=devices, ents=ents))
    assert {p.severity for p in problems} == {"warning"}
    text = " | ".join(p.message for p in problems)
    assert "ended on 2026-10-31" in text
    assert "devices use 6, entitlements hold 4 (short 2)" in text


def test_unknown_pid_site_and_va() -> None:
    d = Device("a", "WS-C3850-48P", "S1", "NOWHERE", "Finance")
    problems = run(estate((site("A"),), devices=(d,)))
    assert sorted((p.severity, p.column) for p in problems) == [
        ("error", "site"), ("error", "virtual_account"), ("warning", "pid")]


def test_own_serial_anywhere_in_the_member_list_is_not_a_duplicate() -> None:
    stack = Device("s", "C9300-48P", "S1", "A", "DEFAULT",
                   members=(StackMember("C9300-48P", "S2"), StackMember("C9300-48P", "s1")))
    plain = Device("p", "C9300-48P", "S3", "A", "DEFAULT",
                   members=(StackMember("C9300-48P", "S3"), StackMember("C9300-48P", "S4")))
    assert run(estate((site("A"),), devices=(stack, plain))) == []


def test_repeats_found_by_every_route_of_the_fast_serial_check() -> None:
    # Each case defeats a different shortcut: repeated device serials (in another case),
    # one member listed by two stacks, and a member that is another stack's own serial.
    def dev(host: str, serial: str, *members: str) -> Device:
        return Device(host, "C9300-48P", serial, "A", "DEFAULT",
                      members=tuple(StackMember("C9300-48P", m) for m in members))

    cases = {
        "device twice": ((dev("a", "S1"), dev("b", "s1")), ["duplicate serial S1"]),
        "member twice": ((dev("a", "S1", "S1", "M1"), dev("b", "S2", "S2", "M1")),
                         ["duplicate serial M1"]),
        "member is a device": ((dev("a", "S1", "S1", "S2"), dev("b", "S2", "S2", "S3")),
                               ["duplicate serial S2"]),
        "all clean": ((dev("a", "S1", "S1", "M1"), dev("b", "S2", "M2", "S2")), []),
    }
    for name, (devices, expected) in cases.items():
        got = [p.message.split(" (")[0] for p in run(estate((site("A"),), devices=devices))]
        assert got == expected, name


def test_control_characters_are_found_in_each_identifier() -> None:
    devices = (Device("a\tb", "C9300-48P", "S1", "A", "DEFAULT"),
               Device("c", "C9300-48P", "S2\x00", "A", "DEFAULT"),
               Device("d", "C9300-48P", "S3", "A", "DEFAULT"),
               Device("e\u00a0", "C9300-48P", "S4", "A", "DEFAULT"))  # printable-ish: allowed
    problems = run(estate((site("A"),), devices=devices))
    assert sorted(p.column for p in problems if "control character" in p.message) == [
        "hostname", "serial"]
