"""A tiny estate folder to load, with knobs for each test."""

from __future__ import annotations

from pathlib import Path

ESTATE = """\
name: Tiny Agency
account: {name: Tiny, domain: tiny.example}
virtual_accounts: [{name: DEFAULT, default: true}, {name: Campus}]
sites:
  - {id: HQ, name: Headquarters, classification: regulated, internet: proxy}
  - {id: BR1, name: Branch One, classification: unclassified, internet: direct}
links:
  - {a: HQ, b: BR1}
inventory:
  devices: [devices.csv]
  entitlements: [entitlements.csv]
"""
DEVICES = """\
hostname,pid,serial,site,virtual_account,version,state,licences,members
hq-sw1,C9300-48P,FOC1,HQ,Campus,17.9.4,slup,network-advantage:1;dna-advantage:1,C9300-48P:FOC1;C9300-48P:FOC5
br1-sw1,C9200L-24P-4G,FOC2,BR1,,17.9.4,slup,network-essentials:1,
"""
ENTITLEMENTS = """\
virtual_account,licence,quantity,in_use,reserved,term,start,end,subscription_id,unit_price
Campus,network-advantage,5,1,0,perpetual,,,,
Campus,dna-advantage,5,1,0,term,2025-01-01,2030-01-01,Sub1,
Campus,network-essentials,5,1,0,perpetual,,,,
"""


def write_estate(folder: Path, *, estate: str = ESTATE, devices: str = DEVICES,
                 entitlements: str = ENTITLEMENTS, **extra: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    files = {"estate.yaml": estate, "devices.csv": devices, "entitlements.csv": entitlements,
             **extra}
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder / "estate.yaml"
