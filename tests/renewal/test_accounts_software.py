"""Smart Account hygiene, software refresh and licensing era, pinned by hand."""

from __future__ import annotations

from dataclasses import replace

from renewal_builders import REFERENCE, RENEWAL, dev, ent, estate

from planner.model import Estate, Holder, InternetAccess, LicensingState, Site
from planner.renewal import FindingKind, Priority, RenewalBrief, run_renewal
from planner.renewal.findings import Finding, RenewalSettings


def read(e: Estate) -> RenewalBrief:
    return run_renewal(e, reference=REFERENCE, renewal=RENEWAL)


def only(brief: RenewalBrief, kind: FindingKind) -> list[Finding]:
    return [f for f in brief.findings if f.kind is kind]


def test_va_with_entitlements_and_no_devices() -> None:
    e = estate([dev("a1")], [ent("NET", "network-advantage", 1, price=1000),
                             ent("LAB", "network-advantage", 3, price=1000)], vas=("NET", "LAB"))
    (f,) = only(read(e), FindingKind.VA_NO_DEVICES)
    assert f.subject == "LAB"
    assert f.evidence.numbers == (("entitled network-advantage", 3.0),)
    assert (f.money, f.priority) == (3000.0, Priority.MEDIUM)


def test_default_va_stranded_points_to_the_short_va() -> None:
    e = estate([dev("a1"), dev("a2"), dev("a3")],
               [ent("DEFAULT", "network-advantage", 4, price=1000),
                ent("NET", "network-advantage", 1, price=1000)])
    brief = read(e)
    (f,) = only(brief, FindingKind.DEFAULT_VA_STRANDED)
    assert f.subject == "DEFAULT/network-advantage"
    assert f.evidence.number("stranded") == 4
    assert f.evidence.virtual_accounts == ("DEFAULT", "NET")
    assert f.money == 4000.0
    assert "transfer them to NET where they are short" in f.counter_move
    (over,) = only(brief, FindingKind.OVER_CONSUMPTION)
    assert "DEFAULT (4)" in over.counter_move
    assert only(brief, FindingKind.VA_NO_DEVICES) == []  # the Default VA is its own finding


def test_unusual_number_of_virtual_accounts() -> None:
    many = tuple(f"V{n:02d}" for n in range(1, 11))  # 10 + NET + DEFAULT = 12 > max(10, 3)
    brief = read(estate([dev("a1")], [ent("NET", "network-advantage", 1)], vas=("NET", *many)))
    (f,) = only(brief, FindingKind.VA_COUNT)
    assert f.evidence.number("virtual_accounts") == 12
    assert f.evidence.number("threshold") == 10
    assert f.evidence.number("without_devices") == 11
    assert f.priority is Priority.MEDIUM


def test_sites_do_not_earn_virtual_accounts() -> None:
    """A VA per site is the sprawl itself: 12 VAs read as unusual even with 15 sites."""
    sites = tuple(Site(f"BR{n:02d}", f"Branch {n}", "regulated", InternetAccess.DIRECT)
                  for n in range(15))
    many = tuple(f"V{n:02d}" for n in range(1, 11))
    e = estate([dev("a1", site="BR00")], [ent("NET", "network-advantage", 1)],
               vas=("NET", *many), sites=sites)
    (f,) = only(read(e), FindingKind.VA_COUNT)
    assert f.evidence.number("threshold") == 10


def test_large_estates_earn_a_virtual_account_per_devices_each() -> None:
    """Threshold max(floor, min(cap, ceil(devices / devices_each))): 300 devices at 25 each
    earn 12, so 12 VAs are fine and 13 are not; a cap of 11 holds the threshold at 11."""
    devices = [dev(f"a{n:03d}") for n in range(300)]
    ents = [ent("NET", "network-advantage", 300)]
    settings = RenewalSettings(va_devices_each=25)

    def count(vas: int, **kw: int) -> list[Finding]:
        names = ("NET", *(f"V{n:02d}" for n in range(vas - 2)))  # + DEFAULT
        brief = run_renewal(estate(devices, ents, vas=names), reference=REFERENCE,
                            renewal=RENEWAL, settings=replace(settings, **kw))
        return only(brief, FindingKind.VA_COUNT)

    assert count(12) == []
    (f,) = count(13)
    assert (f.evidence.number("threshold"), f.evidence.number("devices")) == (12, 300)
    assert f.evidence.number("without_devices") == 12  # everything but NET
    assert f.evidence.number("thin") == 0
    assert count(11, va_count_cap=11) == []
    (capped,) = count(12, va_count_cap=11)
    assert capped.evidence.number("threshold") == 11


def test_ten_virtual_accounts_are_not_unusual() -> None:
    eight = tuple(f"V{n}" for n in range(8))  # 8 + NET + DEFAULT = 10
    brief = read(estate([dev("a1")], [ent("NET", "network-advantage", 1)], vas=("NET", *eight)))
    assert only(brief, FindingKind.VA_COUNT) == []


def test_reseller_held_smart_account() -> None:
    e = estate([dev("a1"), dev("a2")], [ent("NET", "network-advantage", 2, price=1000)],
               holder=Holder.RESELLER)
    (f,) = only(read(e), FindingKind.RESELLER_HELD)
    assert (f.subject, f.money, f.priority) == ("Hand", 2000.0, Priority.HIGH)
    assert f.evidence.number("entitled_units") == 2
    assert "Take ownership" in f.counter_move


def test_customer_held_account_is_fine() -> None:
    e = estate([dev("a1")], [ent("NET", "network-advantage", 1)])
    assert only(read(e), FindingKind.RESELLER_HELD) == []


def test_refresh_far_below_current_train() -> None:
    devices = [dev("r1", version="17.6.1"), dev("r2", version="16.12.4"),
               dev("r3", version="17.12.4")]
    (f,) = only(read(estate(devices, [ent("NET", "network-advantage", 3)])), FindingKind.REFRESH)
    assert f.subject == "C9300"
    assert f.evidence.devices == ("r1", "r2")
    assert f.evidence.number("on 16.12.4") == 1
    assert f.evidence.number("on 17.6.1") == 1
    assert f.evidence.number("share_of_estate") == 0.6667
    assert "oldest 16.12.4" in f.signal and "17.15" in f.signal
    assert (f.money, f.priority) == (0.0, Priority.MEDIUM)


def test_licensing_era_and_state_contradictions() -> None:
    devices = [dev("c1", version="16.12.4", state=LicensingState.CLASSIC),
               dev("c2", version="16.9.5", state=LicensingState.SLUP),
               dev("s1", version="17.9.1", state=LicensingState.CLASSIC),
               dev("s2", version="17.12.4")]
    (f,) = only(read(estate(devices, [ent("NET", "network-advantage", 4)])),
                FindingKind.LICENSING_ERA)
    assert f.evidence.devices == ("c1", "c2")
    assert f.evidence.number("classic_era_devices") == 2
    assert f.evidence.number("state_mismatch_devices") == 2
    assert f.notes == ("state contradicts version: c2", "state contradicts version: s1")
    assert "new SLR is not possible" in f.counter_move
    assert f.priority is Priority.MEDIUM


def test_current_software_raises_no_software_findings() -> None:
    brief = read(estate([dev("a1", version="17.15.1")], [ent("NET", "network-advantage", 1)]))
    assert only(brief, FindingKind.REFRESH) == only(brief, FindingKind.LICENSING_ERA) == []
