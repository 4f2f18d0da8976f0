"""The summary `planner validate` prints: sites, devices, Virtual Accounts and licences, counted."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from planner.catalogue import Catalogue, estate_catalogue
from planner.model import Estate
from planner.tally import DeviceTally

TOP_SITES = 20  # devices-by-site rows shown before the rest are folded into one line


@dataclass(frozen=True, slots=True)
class LicenceLine:
    tag: str
    entitled: int
    in_use_cssm: int  # what CSSM reports as in use
    used_by_devices: int  # what the device inventory says is consumed
    balance: int  # entitled - used_by_devices (negative: shortfall)


@dataclass(frozen=True, slots=True)
class EstateSummary:
    name: str
    account: str
    devices: int
    sites_by_classification: tuple[tuple[str, int, int], ...]  # (classification, sites, devices)
    devices_by_family: tuple[tuple[str, int], ...]
    devices_by_site: tuple[tuple[str, str, int], ...]  # (site, classification, devices), top-N
    other_sites: tuple[int, int]  # (sites folded away, their devices)
    virtual_accounts: tuple[tuple[str, int, int], ...]  # (name, devices, entitlement units)
    licences: tuple[LicenceLine, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name, "account": self.account, "devices": self.devices,
            "sites_by_classification": [dict(classification=c, sites=s, devices=d)
                                        for c, s, d in self.sites_by_classification],
            "devices_by_family": [dict(family=f, devices=n) for f, n in self.devices_by_family],
            "devices_by_site": [dict(site=s, classification=c, devices=n)
                                for s, c, n in self.devices_by_site],
            "other_sites": {"sites": self.other_sites[0], "devices": self.other_sites[1]},
            "virtual_accounts": [dict(name=v, devices=d, entitlements=e)
                                 for v, d, e in self.virtual_accounts],
            "licences": [dict(licence=x.tag, entitled=x.entitled, in_use_cssm=x.in_use_cssm,
                              used_by_devices=x.used_by_devices, balance=x.balance)
                         for x in self.licences],
        }


def summarise(estate: Estate, *, top: int = TOP_SITES, catalogue: Catalogue | None = None,
              tally: DeviceTally | None = None) -> EstateSummary:
    """Counts for people, sorted for stable output; `tally` when the caller has counted already."""
    cat = estate_catalogue(estate, catalogue)
    counts = tally or DeviceTally.of(estate.devices)
    by_site, by_pid, by_va, used = counts.by_site, counts.by_pid, counts.by_va, counts.used
    by_family: Counter[str] = Counter()
    for pid, n in by_pid.items():
        fam = cat.family_for_pid(pid)
        by_family[fam.id if fam else f"(unknown: {pid})"] += n
    classification = {s.id: s.classification for s in estate.sites}
    by_class_sites = Counter(s.classification for s in estate.sites)
    by_class_devices: Counter[str] = Counter()
    for site, n in by_site.items():
        by_class_devices[classification.get(site, "(unknown site)")] += n
    ranked = sorted(by_site.items(), key=lambda kv: (-kv[1], kv[0]))
    shown = tuple((s, classification.get(s, "(unknown site)"), n) for s, n in ranked[:top])
    rest = ranked[top:]
    entitled: Counter[str] = Counter()
    cssm_use: Counter[str] = Counter()
    ent_by_va: Counter[str] = Counter()
    for e in estate.entitlements:
        entitled[e.tag] += e.quantity
        cssm_use[e.tag] += e.in_use
        ent_by_va[e.virtual_account] += e.quantity
    return EstateSummary(
        name=estate.name, account=estate.account.name, devices=len(estate.devices),
        sites_by_classification=tuple(
            (c, by_class_sites[c], by_class_devices[c])
            for c in sorted(set(by_class_sites) | set(by_class_devices))),
        devices_by_family=tuple(sorted(by_family.items(), key=lambda kv: (-kv[1], kv[0]))),
        devices_by_site=shown,
        other_sites=(len(rest), sum(n for _, n in rest)),
        virtual_accounts=tuple((va.name, by_va[va.name], ent_by_va[va.name])
                               for va in sorted(estate.virtual_accounts, key=lambda v: v.name)),
        licences=tuple(LicenceLine(t, entitled[t], cssm_use[t], used[t], entitled[t] - used[t])
                       for t in sorted(set(entitled) | set(used))),
    )
