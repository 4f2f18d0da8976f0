"""Regenerate the bundled example estates: `python examples/build_examples.py`.

Each example is a hand-written site plan (names, classifications, links, Virtual Accounts,
policy and cost overrides) filled with devices and entitlements by `planner.generate`, with a
fixed seed, so the committed files are reproducible byte for byte. Every organisation, name and
number is fictional. This script is tooling for maintainers, not part of the planner.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import sys
from datetime import date
from pathlib import Path

from planner.catalogue import load_catalogue
from planner.fileio import csv_text, write_files_atomic
from planner.generate import EstatePlan, SiteKind, SiteSpec, render_plan
from planner.model import Holder, InternetAccess, Link, SmartAccount

HERE = Path(__file__).resolve().parent
D, P, N = InternetAccess.DIRECT, InternetAccess.PROXY, InternetAccess.NONE
K = SiteKind


def federal_agency() -> tuple[EstatePlan, str]:
    def office(sid: str, name: str, weight: float, internet: InternetAccess = D,
               kind: SiteKind = K.CAMPUS) -> SiteSpec:
        return SiteSpec(sid, name, kind, "unclassified", internet, weight,
                        tags=("regional",) if kind is K.CAMPUS else ("field",))

    sites = [
        SiteSpec("HQ", "Northwind Headquarters, Washington DC", K.HQ, "regulated", P, 60,
                 tags=("hq",)),
        SiteSpec("DC-EAST", "Ashburn Enterprise Data Centre", K.DC, "regulated", P, 38,
                 tags=("dc",)),
        SiteSpec("DC-WEST", "Denver Federal Center Data Centre", K.DC, "regulated", P, 26,
                 tags=("dc",)),
        office("REG-ATL", "Atlanta Regional Office", 9),
        office("REG-BOS", "Boston Regional Office", 7),
        office("REG-CHI", "Chicago Regional Office", 10),
        office("REG-DAL", "Dallas Regional Office", 8, P),
        office("REG-KC", "Kansas City Regional Office", 6),
        office("REG-NYC", "New York Regional Office", 11, P),
        office("REG-PHL", "Philadelphia Regional Office", 6),
        office("REG-SEA", "Seattle Regional Office", 7),
        office("REG-SF", "San Francisco Regional Office", 8),
        office("FO-ANC", "Anchorage Field Office", 1.5, kind=K.BRANCH),
        office("FO-ELP", "El Paso Field Office", 2, kind=K.BRANCH),
        office("FO-HNL", "Honolulu Field Office", 1.5, kind=K.BRANCH),
        office("FO-MIA", "Miami Field Office", 2.5, kind=K.BRANCH),
        office("FO-PHX", "Phoenix Field Office", 2, kind=K.BRANCH),
        office("FO-SAN", "San Diego Field Office", 2, kind=K.BRANCH),
        office("FO-SJU", "San Juan Field Office", 1, kind=K.BRANCH),
        office("FO-STL", "St. Louis Field Office", 2, kind=K.BRANCH),
        SiteSpec("SCIF-HQ", "Headquarters SCIF", K.ENCLAVE, "secret", N, 6,
                 enclave="scif-hq", tags=("enclave",), virtual_account="Classified-Enclaves"),
        SiteSpec("SIPR-EAST", "Ashburn Classified Enclave", K.ENCLAVE, "secret", N, 8,
                 enclave="sipr-east", tags=("enclave",), virtual_account="Classified-Enclaves"),
        SiteSpec("SIPR-WEST-1", "Denver Classified Enclave, Building 53", K.ENCLAVE, "secret", N,
                 5, enclave="sipr-west", tags=("enclave",),
                 virtual_account="Classified-Enclaves"),
        SiteSpec("SIPR-WEST-2", "Denver Classified Enclave, Building 67", K.ENCLAVE, "secret", N,
                 3, enclave="sipr-west", tags=("enclave",),
                 virtual_account="Classified-Enclaves"),
        SiteSpec("RANGE-NM", "White Sands Test Range Instrumentation Lab", K.AIRGAP, "secret", N,
                 3, tags=("air-gapped",), virtual_account="Classified-Enclaves"),
        SiteSpec("COOP-BR", "Blue Ridge Continuity of Operations Site", K.AIRGAP, "secret", N,
                 4, tags=("air-gapped", "coop"), virtual_account="Classified-Enclaves"),
        SiteSpec("LAB-FOR", "Digital Forensics Evidence Lab", K.AIRGAP, "regulated", N, 2,
                 tags=("air-gapped", "forensics")),
    ]
    links = [Link("HQ", "DC-EAST"), Link("HQ", "DC-WEST"), Link("DC-EAST", "DC-WEST")]
    east = ("REG-ATL", "REG-BOS", "REG-NYC", "REG-PHL", "FO-MIA", "FO-SJU", "REG-CHI")
    for s in sites:
        if s.id.startswith(("REG-", "FO-")):
            links.append(Link("DC-EAST" if s.id in east else "DC-WEST", s.id))
    links += [Link("HQ", "SCIF-HQ", crosses_boundary=True),
              Link("DC-EAST", "SIPR-EAST", crosses_boundary=True),
              Link("DC-WEST", "SIPR-WEST-1", crosses_boundary=True),
              Link("SIPR-WEST-1", "SIPR-WEST-2")]
    plan = EstatePlan(
        name="Northwind Federal Agency",
        account=SmartAccount("Northwind Federal Agency", "northwind.gov", slr_preapproved=True,
                             plr_preapproved=False, export_authorised=True),
        virtual_accounts=(
            ("DEFAULT", "Orders land here; the agency never finished moving them."),
            ("HQ-Network", "Headquarters and regional office campus switching"),
            ("Data-Centre", "Ashburn and Denver data centres"),
            ("WAN-Edge", "WAN routers, TIC-compliant edge"),
            ("Wireless", "Catalyst 9800 controllers; the FY2024 refresh was ordered at "
                         "Essentials, the controllers run Advantage"),
            ("Cyber-Security", "Firewalls, ASAv and ISE (Office of the CISO)"),
            ("Classified-Enclaves", "SCIF and SIPR enclaves: reservation codes only"),
            ("FY2019-Modernisation", "Network modernisation programme, closed 2021; never used"),
        ),
        sites=tuple(sites), links=tuple(links), devices=2400,
        role_va={"as": "HQ-Network", "ds": "HQ-Network", "cs": "Data-Centre",
                 "nx": "Data-Centre", "rtr": "WAN-Edge", "wlc": "Wireless",
                 "fw": "Cyber-Security", "ise": "Cyber-Security"},
        dormant_va="FY2019-Modernisation", stray_share=0.04,
        agreement=(date(2025, 2, 1), date(2028, 1, 31)),
        header=(
            "Northwind Federal Agency (fictional): a regulated headquarters behind a TIC proxy,\n"
            "two data centres, regional and field offices, classified SCIF/SIPR enclaves reached\n"
            "only across boundary links, and air-gapped sites. SLR is pre-approved; PLR is not.\n"
            "Regenerate with: python examples/build_examples.py"),
        extra_yaml=(
            "policies:\n"
            "  secret: {exposure_cost_per_device_year: 120}\n"
            "costs: {labour_rate_per_hour: 135, horizon_years: 5}\n"
            "prices: {network-advantage: 1020, dna-advantage: 365}"),
        shelfware=(("FY2019-Modernisation", "network-advantage", 180),
                   ("FY2019-Modernisation", "dna-advantage", 180),
                   ("FY2019-Modernisation", "air-dna-advantage", 400),
                   ("DEFAULT", "network-advantage", 60),
                   ("DEFAULT", "dna-advantage", 45),
                   ("Cyber-Security", "ise-premier", 1500)),
        # The FY2024 wireless refresh was ordered at Essentials to fit the budget line; the
        # controllers were configured at Advantage (the renewal team's upgrade pitch).
        essentials_vas=("Wireless",),
    )
    return plan, ("Northwind Federal Agency (fictional): classified enclaves reached only across "
                  "boundary links, air-gapped sites, a regulated HQ behind a proxy; SLR "
                  "pre-approved, PLR not.")


_NW_CITIES = (
    "Aberdeen", "Albany", "Astoria", "Beaverton", "Bellevue", "Bellingham", "Bend", "Boise",
    "Bremerton", "Centralia", "Coeur d'Alene", "Coos Bay", "Corvallis", "Ellensburg", "Eugene",
    "Everett", "Federal Way", "Grants Pass", "Gresham", "Hillsboro", "Hood River",
    "Idaho Falls", "Kennewick", "Kent", "Klamath Falls", "Lacey", "Lewiston", "Longview",
    "Medford", "Meridian", "Moscow", "Moses Lake", "Mount Vernon", "Nampa", "Olympia", "Pasco",
    "Pendleton", "Pocatello", "Port Angeles", "Portland", "Pullman", "Redmond", "Renton",
    "Richland", "Salem", "Sandpoint", "Seattle", "Spokane", "Spokane Valley", "Springfield",
    "Tacoma", "Twin Falls", "Vancouver", "Walla Walla", "Wenatchee", "Yakima",
)
_BIG_CITIES = {"Seattle": 5, "Portland": 4, "Spokane": 3, "Tacoma": 3, "Boise": 3,
               "Bellevue": 2, "Eugene": 2, "Salem": 2, "Vancouver": 2, "Everett": 2}
_QUARTERS = ("", "North", "South", "Downtown", "East")


def regional_bank() -> tuple[EstatePlan, str]:
    sites = [
        SiteSpec("DC-SEA", "Seattle Primary Data Centre", K.DC, "regulated", P, 70, tags=("dc",)),
        SiteSpec("DC-SPK", "Spokane Recovery Data Centre", K.DC, "regulated", P, 45,
                 tags=("dc",)),
        SiteSpec("HQ", "Cascade Tower Headquarters, Seattle", K.HQ, "regulated", P, 55,
                 tags=("hq",)),
        SiteSpec("OPS-BEL", "Bellevue Operations Centre", K.CAMPUS, "regulated", P, 30,
                 tags=("campus",)),
        SiteSpec("CDE-SEA", "Card Data Environment (PCI), Seattle", K.AIRGAP, "regulated", N, 4,
                 enclave="pci-cde", tags=("pci",), virtual_account="Data-Centres"),
    ]
    links = [Link("DC-SEA", "DC-SPK"), Link("DC-SEA", "HQ"), Link("DC-SPK", "HQ"),
             Link("DC-SEA", "OPS-BEL"), Link("DC-SEA", "CDE-SEA", crosses_boundary=True)]
    n = 0
    codes: dict[str, str] = {}
    for city in _NW_CITIES:
        letters = "".join(ch for ch in city.upper() if ch.isalpha())
        # Three-letter branch codes, unique: Kennewick is KEN, so Kent becomes KNT.
        code = next(c for c in (letters[:3], letters[0] + letters[-2:], letters[:2] + letters[-1],
                                *(letters[0] + x + y for x in letters[1:] for y in letters[2:]))
                    if c not in codes.values())
        codes[city] = code
        for q in range(_BIG_CITIES.get(city, 1) + (1 if len(city) % 3 == 0 else 0)):
            n += 1
            quarter = _QUARTERS[q % len(_QUARTERS)]
            name = f"{city} {quarter} Branch".replace("  ", " ")
            sid = f"BR-{code}-{q + 1:02d}"
            # Branches with SD-WAN local breakout go direct; the rest hairpin via the DC proxy.
            internet = P if n % 4 == 0 else D
            weight = 1.2 + (n * 37 % 10) / 4 + (2.5 if q == 0 and city in _BIG_CITIES else 0)
            sites.append(SiteSpec(sid, name, K.BRANCH, "regulated", internet, weight,
                                  tags=("branch",)))
            links.append(Link("DC-SEA" if n % 3 else "DC-SPK", sid))
    # Opened every September for the Washington State Fair, then packed away: usage the bank
    # tags `seasonal`, so its growth is shown apart from the baseline.
    sites.append(SiteSpec("POP-PUY", "Washington State Fair Pop-up Branch, Puyallup", K.BRANCH,
                          "regulated", D, 1.5, tags=("branch", "seasonal")))
    links.append(Link("DC-SEA", "POP-PUY"))
    plan = EstatePlan(
        name="Cascade Mutual Bank",
        account=SmartAccount("Cascade Mutual Bank", "cascademutual.com", holder=Holder.RESELLER,
                             slr_preapproved=False, plr_preapproved=False,
                             export_authorised=True),
        virtual_accounts=(
            ("DEFAULT", "Reseller-created Default account; orders still land here"),
            ("Retail-Branches", "Branch routers, switches and firewalls"),
            ("Data-Centres", "Seattle and Spokane data centres, PCI card environment"),
            ("Corporate-Campus", "Headquarters and operations centre"),
            ("Wireless", "Catalyst 9800 controllers, branch and campus APs"),
            ("Security", "Firewalls and ISE"),
            ("Cascade-Trust-Legacy", "From the 2021 Cascade Trust acquisition; devices migrated"),
        ),
        sites=tuple(sites), links=tuple(links), devices=3200,
        role_va={"as": "Corporate-Campus", "ds": "Corporate-Campus", "cs": "Data-Centres",
                 "nx": "Data-Centres", "rtr": "Retail-Branches", "wlc": "Wireless",
                 "fw": "Security", "ise": "Security"},
        dormant_va="Cascade-Trust-Legacy", stray_share=0.05,
        agreement=(date(2024, 7, 1), date(2027, 6, 30)),
        header=(
            "Cascade Mutual Bank (fictional): 93 regulated branches across Washington,\n"
            "Oregon and Idaho plus a seasonal state-fair pop-up branch, two data centres and a\n"
            "headquarters behind the bank's proxy, a PCI card environment, and a Smart Account\n"
            "still held by the reseller.\n"
            "Regenerate with: python examples/build_examples.py"),
        extra_yaml=(
            "policies:\n"
            "  regulated: {exposure_cost_per_device_year: 12}\n"
            "costs: {labour_rate_per_hour: 110}"),
        shelfware=(("Cascade-Trust-Legacy", "network-advantage", 240),
                   ("Cascade-Trust-Legacy", "dna-advantage", 240),
                   ("Cascade-Trust-Legacy", "appxk9", 60),
                   ("DEFAULT", "network-essentials", 120),
                   ("Security", "fpr-url", 80),
                   ("Wireless", "cisco-wireless-advantage", 150)),
    )
    return plan, ("Cascade Mutual Bank (fictional): 93 regulated branches and a seasonal "
                  "pop-up branch, two data centres behind a proxy, a PCI enclave, a "
                  "reseller-held Smart Account; two Virtual Accounts' licences come from a "
                  "CSSM API export.")


_SUBSTATIONS = (
    "Alder Creek", "Bear Hollow", "Birch Point", "Black Rock", "Canyon Road", "Cedar Gap",
    "Cold Springs", "Coyote Flats", "Deer Park", "Dry Fork", "Eagle Bend", "Elk Meadow",
    "Fox Run", "Granite Hill", "Hawk Ridge", "Hidden Valley", "Iron Mountain", "Juniper",
    "Kettle Falls", "Lone Pine", "Maple Grove", "Mill Creek", "North Fork", "Oak Springs",
    "Owl Canyon", "Pine Bluff", "Quail Run", "Raven Hill", "Red Butte", "River Bend",
    "Rock Creek", "Sage Flat", "Silver Lake", "Stone Bridge", "Sugar Loaf", "Tamarack",
    "Thunder Ridge", "Timber Lake", "Willow Creek", "Wolf Point",
)


def utility() -> tuple[EstatePlan, str]:
    sites = [
        SiteSpec("DC-RIV", "Riverside Data Centre", K.DC, "unclassified", D, 35, tags=("dc",)),
        SiteSpec("DC-CDF", "Cedar Falls Disaster Recovery Centre", K.DC, "unclassified", D, 20,
                 tags=("dc",)),
        SiteSpec("HQ", "Blue River Tower Headquarters", K.HQ, "unclassified", D, 40,
                 tags=("hq",)),
    ]
    links = [Link("DC-RIV", "DC-CDF"), Link("DC-RIV", "HQ"), Link("DC-CDF", "HQ")]
    # The data-centre migration to a colocation hall runs as a capital project with its own
    # Virtual Account; the site is tagged with the project so its growth is shown apart.
    sites.append(SiteSpec("DC-QRY", "Quarry Ridge Colocation Hall (DC migration)", K.DC,
                          "unclassified", D, 8, tags=("dc", "project:dc-migration"),
                          virtual_account="PRJ-2025-DC-Migration"))
    links += [Link("DC-RIV", "DC-QRY"), Link("DC-CDF", "DC-QRY")]
    for i, area in enumerate(("North", "South", "East", "West", "Valley", "Lakes", "Highlands",
                              "Metro")):
        sid = f"SC-{area[:3].upper()}"
        sites.append(SiteSpec(sid, f"{area} Service Centre", K.BRANCH, "unclassified", D,
                              3 + (i * 5) % 4, tags=("office",)))
        links.append(Link("DC-RIV" if i % 2 else "DC-CDF", sid))
    sites += [
        SiteSpec("ECC", "Energy Control Centre (EMS/SCADA)", K.OT_CONTROL, "ot", N, 14,
                 enclave="grid-ot", tags=("ot", "server"), virtual_account="Grid-OT"),
        SiteSpec("BCC", "Backup Control Centre", K.OT_CONTROL, "ot", N, 7, enclave="grid-ot",
                 tags=("ot",), virtual_account="Grid-OT"),
    ]
    links += [Link("DC-RIV", "ECC", crosses_boundary=True), Link("ECC", "BCC")]
    for i, place in enumerate(_SUBSTATIONS):
        kv = (69, 115, 230, 500)[i * 7 % 4]
        sid = f"SUB-{i + 1:03d}"
        sites.append(SiteSpec(sid, f"{place} {kv} kV Substation", K.SUBSTATION, "ot", N,
                              1.2 + (kv >= 230) * 1.5, enclave="grid-ot",
                              tags=("ot", "substation"), virtual_account="Grid-OT"))
        links.append(Link("ECC" if i % 4 else "BCC", sid))
    for sid, name in (("GEN-HYD", "Blue River Hydroelectric Dam"),
                      ("GEN-GAS", "Pine Flats Gas Turbine Plant"),
                      ("GEN-WND", "Eagle Ridge Wind Farm"),
                      ("WTP-NTH", "North Water Treatment Plant"),
                      ("WTP-STH", "South Water Treatment Plant")):
        sites.append(SiteSpec(sid, name, K.AIRGAP, "ot", N, 4 if sid.startswith("GEN") else 2.5,
                              tags=("ot", "air-gapped"), virtual_account="Generation-OT"))
    plan = EstatePlan(
        name="Blue River Power & Water",
        account=SmartAccount("Blue River Power & Water", "blueriverpw.com",
                             slr_preapproved=True, plr_preapproved=True, export_authorised=True),
        virtual_accounts=(
            ("DEFAULT", "Default Virtual Account"),
            ("IT-Infrastructure", "Corporate IT: data centres, headquarters, service centres"),
            ("IT-Security", "IT firewalls and ISE"),
            ("Grid-OT", "Control centres and transmission substations (NERC CIP)"),
            ("Generation-OT", "Hydro, gas and wind plants, water treatment (isolated)"),
            ("Wireless", "Catalyst 9800 controllers for offices"),
            ("AMI-Pilot-2020", "Smart-meter backhaul pilot, cancelled 2022"),
            # A Virtual Account per capital project, the utility's habit: never closed.
            ("PRJ-2019-Fibre-Backbone", "Capital project 2019-031, closed 2021"),
            ("PRJ-2021-CIP-Remediation", "NERC CIP remediation, capital project 2021-007"),
            ("PRJ-2023-Substation-Automation", "Capital project 2023-014, handed to Grid-OT"),
            ("PRJ-2024-Wildfire-Cameras", "Wildfire camera backhaul, capital project 2024-022"),
            ("PRJ-2025-DC-Migration", "Riverside to Quarry Ridge colocation, project 2025-003"),
            ("PRJ-2027-Substation-Rebuild", "Five substations rebuilt from 2027; licences "
                                            "ordered ahead"),
        ),
        sites=tuple(sites), links=tuple(links), devices=1600,
        role_va={"as": "IT-Infrastructure", "ds": "IT-Infrastructure",
                 "cs": "IT-Infrastructure", "nx": "IT-Infrastructure",
                 "rtr": "IT-Infrastructure", "wlc": "Wireless", "fw": "IT-Security",
                 "ise": "IT-Security"},
        dormant_va="AMI-Pilot-2020", stray_share=0.03,
        header=(
            "Blue River Power & Water (fictional): IT offices with ordinary internet, and OT:\n"
            "two control centres and 40 transmission substations behind an IT/OT boundary,\n"
            "plus generation and water plants with no network path out at all. A data-centre\n"
            "migration is under way, and every capital project got its own Virtual Account.\n"
            "Regenerate with: python examples/build_examples.py"),
        extra_yaml=(
            "policies:\n"
            "  ot: {exposure_cost_per_device_year: 40}\n"
            "costs: {labour_rate_per_hour: 105, horizon_years: 5}"),
        shelfware=(("AMI-Pilot-2020", "network-advantage", 90),
                   ("AMI-Pilot-2020", "dna-advantage", 90),
                   ("AMI-Pilot-2020", "hseck9", 90),
                   ("DEFAULT", "network-advantage", 40),
                   ("IT-Security", "fpr-malware", 30),
                   ("PRJ-2024-Wildfire-Cameras", "network-essentials", 24)),
        # Ordered ahead of the rebuild: the switches' perpetual licences are held already, the
        # DNA subscription starts with the project (not entitled before then).
        orders=(("PRJ-2027-Substation-Rebuild", "network-advantage", 60, date(2026, 10, 1)),
                ("PRJ-2027-Substation-Rebuild", "dna-advantage", 60, date(2027, 1, 15))),
    )
    return plan, ("Blue River Power & Water (fictional): OT control centres and 40 substations "
                  "behind an IT/OT boundary, air-gapped plants, IT offices unclassified, a "
                  "data-centre migration and a Virtual Account per capital project; "
                  "data-centre inventory joined with a NetBox export.")


# CSSM's display names for the licences it exports (as in shared/realdata/catalog); others use
# the catalogue's name, which the planner's alias table also knows.
_CSSM_NAMES = {
    "air-dna-advantage": "Aironet DNA Advantage Term Licenses",
    "air-dna-essentials": "Aironet DNA Essentials Term Licenses",
    "air-network-advantage": "AP Perpetual Networkstack Advantage",
    "air-network-essentials": "AP Perpetual Networkstack Essentials",
    "asav-standard": "ASAv10 Standard - 1G",
    "ise-essentials": "ISE Essentials", "ise-advantage": "ISE Advantage",
    "ise-premier": "ISE Premier",
}


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def move_to_cssm_json(files: dict[str, str], account: SmartAccount, vas: tuple[str, ...],
                      as_of: date) -> None:
    """Move some Virtual Accounts' entitlements out of entitlements.csv into a CSSM API export.

    Shows the CSSM JSON reader on a real shape: `roles[].licenses[]` with per-term
    `licenseDetails`, display names instead of short tags.
    """
    cat = load_catalogue()
    keep: list[dict[str, str]] = []
    moved: list[dict[str, str]] = []
    for row in _rows(files["entitlements.csv"]):
        (moved if row["virtual_account"] in vas else keep).append(row)
    header = list(_rows(files["entitlements.csv"])[0])
    files["entitlements.csv"] = csv_text(header, [[r[h] for h in header] for r in keep])
    lines: dict[tuple[str, str], list[dict[str, str]]] = {}
    for row in moved:
        lines.setdefault((row["virtual_account"], row["licence"]), []).append(row)
    licenses = []
    for (va, tag), rows in sorted(lines.items()):
        qty = sum(int(r["quantity"]) for r in rows)
        used = sum(int(r["in_use"]) for r in rows)
        reserved = sum(int(r["reserved"]) for r in rows)
        details = []
        for r in rows:
            detail: dict[str, object] = {"licenseType": r["term"].upper(),
                                         "quantity": int(r["quantity"])}
            if r["term"] == "term":
                ended = date.fromisoformat(r["end"]) < as_of
                detail |= {"startDate": r["start"], "endDate": r["end"],
                           "subscriptionId": r["subscription_id"],
                           "status": "EXPIRED" if ended else "ACTIVE"}
            details.append(detail)
        licenses.append({
            "license": _CSSM_NAMES.get(tag, cat.licences[tag].name), "virtualAccount": va,
            "quantity": qty, "inUse": used, "reserved": reserved,
            "available": max(qty - used - reserved, 0), "pendingQuantity": 0,
            "billingType": "PREPAID" if cat.licences[tag].term.value == "term" else "PERPETUAL",
            "status": "In Compliance" if qty >= used + reserved else "Out of Compliance",
            "licenseDetails": details, "licenseSubstitutions": []})
    doc = [{"accountName": account.name, "accountDomain": account.domain,
            "accountType": "CUSTOMER", "roles": [
                {"role": "Smart Account Administrator", "licenses": licenses}]}]
    files["cssm-licenses.json"] = json.dumps(doc, indent=2, sort_keys=True) + "\n"


def netbox_export(files: dict[str, str], plan: EstatePlan, sites: tuple[str, ...],
                  unseen: int) -> None:
    """A NetBox device export of some sites: what is racked there, plus a few devices that
    CSSM never saw (new spares): the loader joins them with devices.csv on PID and serial."""
    names = {s.id: s.name for s in plan.sites}
    header = ("Name", "Status", "Tenant", "Site", "Rack", "Role", "Manufacturer", "Device type",
              "Platform", "Serial number")
    roles = {"as": "Access Switch", "ds": "Distribution Switch", "cs": "Core Switch",
             "nx": "Leaf Switch", "rtr": "Router", "wlc": "Wireless Controller",
             "fw": "Firewall", "ise": "Server"}
    out = []
    for row in _rows(files["devices.csv"]):
        if row["site"] not in sites:
            continue
        role = row["hostname"].rsplit("-", 1)[1].rstrip("0123456789")
        platform = "Cisco IOS XE" if row["pid"].startswith(("C9", "C8", "ISR")) else ""
        rack = f"R{(sum(map(ord, row['hostname'])) % 40) + 1:02d}"
        out.append([row["hostname"], "Active", plan.account.name, names[row["site"]], rack,
                    roles.get(role, "Network"), "Cisco", row["pid"], platform, row["serial"]])
    for i in range(unseen):
        site = sites[i % len(sites)]
        out.append([f"{site.lower()}-as-spare{i + 1:02d}", "Inventory", plan.account.name,
                    names[site], "Spares cage", "Access Switch", "Cisco", "C9300-48P",
                    "Cisco IOS XE", f"FOC2851{'QRSTUVWXYZ'[i]}{i:03d}"])
    files["netbox-devices.csv"] = csv_text(header, sorted(out))


EXAMPLES = {"federal-agency": (federal_agency, 2401), "regional-bank": (regional_bank, 2402),
            "utility": (utility, 2403)}


def build(root: Path = HERE) -> dict[str, dict[str, str]]:
    """Render every example (name -> files); pure, so a test can compare with the tree."""
    out = {}
    for name, (make, seed) in EXAMPLES.items():
        plan, readme = make()
        if name == "regional-bank":
            plan = dataclasses.replace(plan, extra_inventory=(("cssm_json",
                                                               "cssm-licenses.json"),))
        elif name == "utility":
            plan = dataclasses.replace(plan, extra_inventory=(("netbox", "netbox-devices.csv"),))
        files = render_plan(plan, seed)
        if name == "regional-bank":
            move_to_cssm_json(files, plan.account, ("Security", "Wireless"), plan.as_of)
        elif name == "utility":
            netbox_export(files, plan, ("DC-RIV", "DC-CDF", "HQ"), unseen=3)
        files["README.md"] = readme + "\n"
        out[name] = files
    return out


def main() -> int:
    for name, files in build().items():
        write_files_atomic(HERE / name, dict(files))
        print(f"wrote examples/{name}: {sum(f.count(chr(10)) for f in files.values())} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
