"""Synthetic site plans: how many data centres, branches, enclaves... an estate of S sites has."""

from __future__ import annotations

import random
from datetime import date, timedelta

from planner.generate.plan import REFERENCE_DATE, EstatePlan, SiteKind, SiteSpec
from planner.model import InternetAccess, Link, SmartAccount

_CITIES = (
    "Albany", "Atlanta", "Austin", "Baltimore", "Boise", "Boston", "Buffalo", "Charlotte",
    "Chicago", "Cincinnati", "Cleveland", "Columbus", "Dallas", "Dayton", "Denver", "Des Moines",
    "Detroit", "El Paso", "Fresno", "Hartford", "Houston", "Indianapolis", "Jacksonville",
    "Kansas City", "Knoxville", "Las Vegas", "Lexington", "Lincoln", "Little Rock",
    "Los Angeles", "Louisville", "Madison", "Memphis", "Miami", "Milwaukee", "Minneapolis",
    "Nashville", "New Orleans", "Newark", "Norfolk", "Oakland", "Oklahoma City", "Omaha",
    "Orlando", "Philadelphia", "Phoenix", "Pittsburgh", "Portland", "Providence", "Raleigh",
    "Reno", "Richmond", "Rochester", "Sacramento", "Salt Lake City", "San Antonio", "San Diego",
    "San Jose", "Savannah", "Seattle", "Spokane", "St. Louis", "Syracuse", "Tacoma", "Tampa",
    "Toledo", "Tucson", "Tulsa", "Wichita", "Wilmington",
)
_COMPANIES = ("Northwind", "Contoso", "Fabrikam", "Tailspin", "Woodgrove", "Litware", "Adatum",
              "Proseware", "Fourth Coffee", "Wingtip")
SYNTHETIC_VAS = (
    ("DEFAULT", "Where new orders land; a few devices were never moved out."),
    ("Campus-Network", "Access and distribution switching"),
    ("Data-Centre", "Core, Nexus fabric and data-centre services"),
    ("WAN-Edge", "Branch and data-centre routers"),
    ("Wireless", "Catalyst 9800 controllers and access points"),
    ("Security-Operations", "Firewalls and ISE"),
)
SYNTHETIC_ROLE_VA = {"as": "Campus-Network", "ds": "Campus-Network", "cs": "Data-Centre",
                     "nx": "Data-Centre", "rtr": "WAN-Edge", "wlc": "Wireless",
                     "fw": "Security-Operations", "ise": "Security-Operations"}


def _kind_counts(sites: int) -> dict[SiteKind, int]:
    """How many sites of each kind an estate of this many sites has."""
    s = sites
    counts = {
        SiteKind.DC: 1 if s <= 3 else 2 if s < 300 else min(8, 2 + s // 400),
        SiteKind.HQ: 1 if s >= 3 else 0,
        SiteKind.ENCLAVE: 0 if s < 8 else min(12, max(1, s // 150)),
        SiteKind.AIRGAP: 0 if s < 10 else min(20, max(1, s // 120)),
        SiteKind.OT_CONTROL: 0 if s < 12 else min(4, max(1, s // 500)),
        SiteKind.SUBSTATION: 0 if s < 12 else max(2, s // 25),
        SiteKind.CAMPUS: s // 60,
    }
    counts[SiteKind.BRANCH] = s - sum(counts.values())
    return counts


def synthetic_plan(devices: int, sites: int, seed: int, *,
                   as_of: date = REFERENCE_DATE) -> EstatePlan:
    """A plausible estate of `devices` devices over `sites` sites, drawn from `seed`."""
    if devices < 1 or sites < 1:
        raise ValueError("an estate needs at least one device and one site")
    rng = random.Random(f"plan:{seed}")
    company = rng.choice(_COMPANIES)
    counts = _kind_counts(sites)
    specs: list[SiteSpec] = []
    links: list[Link] = []
    cities = list(_CITIES)
    rng.shuffle(cities)
    used: dict[str, int] = {}

    def city() -> str:
        name = cities[len(specs) % len(cities)]
        used[name] = used.get(name, 0) + 1
        return name if used[name] == 1 else f"{name} {used[name]}"

    def add(spec: SiteSpec) -> None:
        specs.append(spec)

    n_dc = counts[SiteKind.DC]
    dcs = [f"DC{i}" for i in range(1, n_dc + 1)]
    for i, sid in enumerate(dcs):
        tags = ("dc", "hq") if sites == 1 else ("dc",)
        add(SiteSpec(sid, f"{city()} Data Centre", SiteKind.DC, "regulated" if i == 0 else
                     "unclassified", InternetAccess.DIRECT, 40.0, tags=tags))
        if i:
            links.append(Link(dcs[i - 1], sid))
    if counts[SiteKind.HQ]:
        add(SiteSpec("HQ", "Corporate Headquarters", SiteKind.HQ, "regulated",
                     InternetAccess.PROXY, 60.0, tags=("hq",)))
        links.extend(Link(dc, "HQ") for dc in dcs)
    for i in range(1, counts[SiteKind.CAMPUS] + 1):
        sid = f"CMP{i:02d}"
        add(SiteSpec(sid, f"{city()} Campus", SiteKind.CAMPUS, "unclassified",
                     InternetAccess.DIRECT, 20.0, tags=("campus",)))
        links.append(Link(dcs[i % n_dc], sid))
    width = max(3, len(str(counts[SiteKind.BRANCH])))
    for i in range(1, counts[SiteKind.BRANCH] + 1):
        sid = f"BR{i:0{width}d}"
        regulated = rng.random() < 0.12
        proxied = regulated and rng.random() < 0.25
        add(SiteSpec(sid, f"{city()} Office", SiteKind.BRANCH,
                     "regulated" if regulated else "unclassified",
                     InternetAccess.PROXY if proxied else InternetAccess.DIRECT,
                     rng.lognormvariate(1.0, 0.7), tags=("branch",)))
        links.append(Link(dcs[i % n_dc], sid))
    has_ot = counts[SiteKind.OT_CONTROL] > 0
    ccs = [f"OTCC{i}" for i in range(1, counts[SiteKind.OT_CONTROL] + 1)]
    for i, sid in enumerate(ccs):
        add(SiteSpec(sid, f"{city()} Grid Control Centre", SiteKind.OT_CONTROL, "ot",
                     InternetAccess.NONE, 8.0, enclave=f"ot-{i + 1}", tags=("ot", "server"),
                     virtual_account="OT-Engineering"))
        links.append(Link(dcs[0], sid, crosses_boundary=True))
    for i in range(counts[SiteKind.SUBSTATION]):
        sid = f"SUB{i + 1:03d}"
        cc = i % len(ccs)
        add(SiteSpec(sid, f"{city()} Substation", SiteKind.SUBSTATION, "ot", InternetAccess.NONE,
                     1.5, enclave=f"ot-{cc + 1}", tags=("ot", "substation"),
                     virtual_account="OT-Engineering"))
        links.append(Link(ccs[cc], sid))
    for i in range(counts[SiteKind.ENCLAVE]):
        sid = f"SCIF{i + 1:02d}"
        add(SiteSpec(sid, f"{city()} Secure Facility", SiteKind.ENCLAVE, "secret",
                     InternetAccess.NONE, 6.0, enclave=f"enclave-{i // 2 + 1}",
                     tags=("enclave",), virtual_account="Classified-Programs"))
        # Pairs share an enclave: the first is reached across the boundary, the second via it.
        links.append(Link(dcs[0], sid, crosses_boundary=True) if i % 2 == 0
                     else Link(f"SCIF{i:02d}", sid))
    for i in range(counts[SiteKind.AIRGAP]):
        secret = i % 2 == 0
        add(SiteSpec(f"AG{i + 1:02d}", f"{city()} {'Test Range' if secret else 'Pumping Station'}",
                     SiteKind.AIRGAP, "secret" if secret else "ot", InternetAccess.NONE, 3.0,
                     tags=("air-gapped",),
                     virtual_account="Classified-Programs" if secret else "OT-Engineering"))
    vas = list(SYNTHETIC_VAS)
    if has_ot or counts[SiteKind.AIRGAP] > 1:
        vas.append(("OT-Engineering", "Substation and plant networks"))
    if counts[SiteKind.ENCLAVE] or counts[SiteKind.AIRGAP]:
        vas.append(("Classified-Programs", "Classified enclaves; reservation codes only"))
    vas.append(("Legacy-Acquisition", "Left over from an acquisition: licences, no devices"))
    scale = max(1, devices // 100)
    shelf = (("Campus-Network", "dna-premier", 2 * scale),
             ("Security-Operations", "ise-premier", 250 * scale),
             ("Wireless", "cisco-wireless-advantage", 5 * scale),
             ("Legacy-Acquisition", "network-advantage", 3 * scale),
             ("Legacy-Acquisition", "dna-advantage", 3 * scale))
    start = as_of - timedelta(days=400)
    return EstatePlan(
        name=f"{company} (synthetic estate, seed {seed})",
        account=SmartAccount(company, f"{company.lower().replace(' ', '')}.example",
                             slr_preapproved=True, plr_preapproved=rng.random() < 0.5,
                             export_authorised=True),
        virtual_accounts=tuple(vas), sites=tuple(specs), links=tuple(links), devices=devices,
        role_va=dict(SYNTHETIC_ROLE_VA), dormant_va="Legacy-Acquisition",
        agreement=(start, start + timedelta(days=3 * 365 - 1)),
        header=f"Synthetic estate: planner generate --devices {devices} --sites {sites} "
               f"--seed {seed}\nEvery name and number here is invented.",
        as_of=as_of, shelfware=shelf)
