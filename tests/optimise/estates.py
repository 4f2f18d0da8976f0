"""Small estates built in code for the optimiser tests: one hand-made, and a random generator."""

from __future__ import annotations

import random

from planner.model import (
    CostAssumptions,
    Device,
    Entitlement,
    Estate,
    InternetAccess,
    LicenceUse,
    LicensingState,
    Link,
    Site,
    SmartAccount,
    StackMember,
    Tier,
    VirtualAccount,
)
from tests.estate_builder import build_estate

_PIDS = (("C9300-48P", "17.9.4", LicensingState.SLUP), ("C9300-24T", "17.2.1",
         LicensingState.CLASSIC), ("ISR4331/K9", "17.6.5", LicensingState.SLUP),
         ("C9500-24Y4C", "16.12.4", LicensingState.CLASSIC))
_LICS = (("network-advantage", "dna-advantage"), ("network-essentials",),
         ("network-advantage",), ("dna-essentials", "network-essentials"),
         ("network-advantage", "hseck9"))  # HSECK9 on SLUP software needs a SLAC
_TIERS = {"network-essentials": Tier.ESSENTIALS, "network-advantage": Tier.ADVANTAGE,
          "network-premier": Tier.PREMIER, "dna-essentials": Tier.ESSENTIALS,
          "dna-advantage": Tier.ADVANTAGE, "hseck9": Tier.ADDON}


def random_estate(seed: int, *, sites: int = 3, max_devices: int = 6,
                  capacity: int = 25000) -> Estate:
    """A small random estate: mixed classifications, links, boundaries, VAs and holdings."""
    rng = random.Random(seed)
    classes = ("unclassified", "regulated", "ot", "secret")
    site_list = []
    for i in range(sites):
        internet = rng.choice((InternetAccess.DIRECT, InternetAccess.PROXY, InternetAccess.NONE))
        tags = ("dc",) if rng.random() < 0.3 else ()
        cls = rng.choices(classes, weights=(4, 3, 2, 1))[0]
        site_list.append(Site(f"S{i}", f"Site {i}", cls, internet, tags=tags))
    links = []
    for i in range(1, sites):
        if rng.random() < 0.7:
            links.append(Link(f"S{rng.randrange(i)}", f"S{i}", crosses_boundary=rng.random() < 0.3))
    vas = ("DEFAULT", "East", "West")[: rng.randint(1, 3)]
    devices = []
    for s in site_list:
        for j in range(rng.randint(1, max_devices)):
            pid, version, state = rng.choice(_PIDS)
            lics = rng.choice(_LICS)
            members = ()
            if pid.startswith("C9300") and rng.random() < 0.3:
                members = tuple(StackMember(pid, f"{s.id}M{j}{k}") for k in range(2))
            devices.append(Device(f"{s.id}-sw{j}", pid, f"{s.id}X{j:03d}", s.id, rng.choice(vas),
                                  version, state, tuple(LicenceUse(t) for t in lics), members))
    ents = []
    for va in vas:
        for tag, tier in _TIERS.items():
            if rng.random() < 0.5:
                ents.append(Entitlement(va, tag, tag, tier, rng.randint(0, 6),
                                        in_use=rng.randint(0, 2)))
    costs = CostAssumptions(onprem_server_capacity=capacity,
                            onprem_ha=rng.random() < 0.3, labour_rate_per_hour=rng.choice((60, 95,
                                                                                          150)))
    account = SmartAccount("Acme", "acme.example", slr_preapproved=rng.random() < 0.85,
                           plr_preapproved=rng.random() < 0.5, export_authorised=rng.random() < 0.5)
    return build_estate(devices, name=f"random-{seed}", account=account,
                        virtual_accounts=(VirtualAccount(v, is_default=v == "DEFAULT")
                                          for v in vas),
                        sites=site_list, links=links, entitlements=ents, costs=costs)
