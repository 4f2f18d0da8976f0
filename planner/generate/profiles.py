"""What real estates hold: PID mixes per site kind, software trains, licence bundles, serials."""

from __future__ import annotations

from itertools import accumulate

from planner.generate.plan import SiteKind

# --- What each kind of site holds -------------------------------------------------------------
# (PID, weight): access switches dominate everywhere but the data centre.
MIX: dict[SiteKind, tuple[tuple[str, float], ...]] = {
    SiteKind.DC: (("N9K-C93180YC-EX", 30), ("N9K-C93180YC-FX", 18), ("N9K-C9336C-FX2", 6),
                  ("C9500-32QC", 5), ("C9500-48Y4C", 4), ("C9606R", 2), ("C9300-48P", 10),
                  ("C9300-24P", 4), ("FPR-2110", 3), ("FPR-4115", 1), ("ASAv", 4),
                  ("SNS-3715-K9", 0.3), ("SNS-3655-K9", 0.2), ("ISR4451-X/K9", 1),
                  ("C8300-1N1S-4T2X", 2), ("C9800-40-K9", 0.3)),
    SiteKind.HQ: (("C9300-48P", 46), ("C9300-24P", 14), ("C9300-48U", 6), ("C9407R", 3),
                  ("C9500-32QC", 2), ("C9800-40-K9", 0.25), ("FPR-2110", 1), ("ISR4451-X/K9", 1),
                  ("C8300-1N1S-4T2X", 1), ("SNS-3715-K9", 0.2)),
    SiteKind.CAMPUS: (("C9300-48P", 40), ("C9300-24P", 16), ("C9200L-48P-4X", 10),
                      ("C9407R", 3), ("C9500-48Y4C", 1), ("C9800-L-C-K9", 0.4), ("FPR-1120", 1),
                      ("C8300-1N1S-4T2X", 1)),
    SiteKind.BRANCH: (("C9200L-24P-4G", 30), ("C9200L-48P-4X", 18), ("C9300-24P", 10),
                      ("C9300-48P", 10), ("ISR4331/K9", 4), ("C8200L-1N-4T", 4), ("FPR-1010", 3),
                      ("C9800-CL-K9", 1)),
    SiteKind.OT_CONTROL: (("C9300-24P", 10), ("C9300-48P", 6), ("C9500-48Y4C", 2),
                          ("ISR4451-X/K9", 2), ("FPR-2110", 2)),
    SiteKind.SUBSTATION: (("C9300-24P", 10), ("C9200L-24P-4G", 8), ("ISR4331/K9", 3),
                          ("FPR-1010", 2)),
    SiteKind.ENCLAVE: (("C9300-48P", 20), ("C9300-24P", 8), ("C9500-32QC", 2),
                       ("ISR4451-X/K9", 2), ("FPR-2110", 2), ("ASAv", 1), ("N9K-C93180YC-EX", 3)),
    SiteKind.AIRGAP: (("C9300-24P", 10), ("C9200L-24P-4G", 6), ("ISR4331/K9", 2),
                      ("FPR-1010", 2), ("N9K-C93180YC-EX", 2)),
}
# The first devices of a site, so even a two-device branch has its WAN router.
ANCHORS: dict[SiteKind, tuple[str, ...]] = {
    SiteKind.DC: ("C9500-32QC", "C9500-32QC", "FPR-2110", "C8300-1N1S-4T2X", "SNS-3715-K9",
                  "C9800-40-K9", "N9K-C93180YC-EX", "N9K-C93180YC-EX"),
    SiteKind.HQ: ("C9500-32QC", "C8300-1N1S-4T2X", "FPR-2110", "C9800-40-K9", "C9407R"),
    SiteKind.CAMPUS: ("C8300-1N1S-4T2X", "C9407R", "C9800-L-C-K9", "FPR-1120"),
    SiteKind.BRANCH: ("ISR4331/K9", "C9300-24P", "FPR-1010"),
    SiteKind.OT_CONTROL: ("ISR4451-X/K9", "FPR-2110", "C9500-48Y4C"),
    SiteKind.SUBSTATION: ("ISR4331/K9", "C9300-24P"),
    SiteKind.ENCLAVE: ("ISR4451-X/K9", "FPR-2110", "C9500-32QC"),
    SiteKind.AIRGAP: ("C9300-24P", "ISR4331/K9"),
}
# Branch WAN routers: the older ISR 4000 or its Catalyst 8000 successor.
ROUTER_SWAP = {"ISR4331/K9": ("ISR4331/K9", "ISR4331/K9", "C8200L-1N-4T", "ISR4321/K9")}

ROLE = {"C9200": "as", "C9200L": "as", "C9300": "as", "C9400": "ds", "C9500": "cs",
         "C9600": "cs", "N9K": "nx", "ISR4000": "rtr", "C8000": "rtr", "C9800": "wlc",
         "FPR": "fw", "ASAV": "fw", "ISE": "ise"}

# Software trains as customers run them (version, weight); IOS XE 17.3.2+ runs SLUP.
IOSXE_SWITCH = (("16.12.5", 3), ("16.12.10a", 4), ("17.3.4", 3), ("17.3.8a", 4), ("17.6.4", 6),
                 ("17.6.6a", 8), ("17.9.3", 7), ("17.9.4a", 10), ("17.9.5", 8), ("17.12.3", 5),
                 ("17.12.4", 4))
VERSIONS: dict[str, tuple[tuple[str, float], ...]] = {
    "C9200": IOSXE_SWITCH, "C9200L": IOSXE_SWITCH, "C9300": IOSXE_SWITCH,
    "C9400": (("16.12.5", 2), ("17.3.8a", 3), ("17.6.6a", 4), ("17.9.4a", 6), ("17.12.3", 2)),
    "C9500": (("16.12.8", 2), ("17.3.8a", 3), ("17.6.6a", 5), ("17.9.4a", 6), ("17.12.4", 2)),
    "C9600": (("17.3.8a", 2), ("17.6.6a", 4), ("17.9.5", 4), ("17.12.4", 1)),
    "C9800": (("17.3.7", 2), ("17.6.5", 4), ("17.9.5", 8), ("17.12.3", 4)),
    "ISR4000": (("16.9.8", 3), ("16.12.5", 5), ("17.3.6", 4), ("17.6.6", 6), ("17.9.4a", 6)),
    "C8000": (("17.6.5", 3), ("17.9.4a", 8), ("17.12.3", 5), ("17.12.4", 3)),
    "N9K": (("9.3(8)", 3), ("9.3(12)", 5), ("10.2(5)", 4), ("10.2(7)", 4), ("10.3(4a)", 3),
            ("10.4(2)", 2)),
    "ASAV": (("9.16(4)", 3), ("9.18(4)", 5), ("9.20(2)", 3)),
    "FPR": (("7.0.6", 3), ("7.2.5", 6), ("7.4.1", 4)),
    "ISE": (("3.1", 2), ("3.2", 5), ("3.3", 3)),
}
# Licence bundles per family, per licensed unit (tags, weight); always tags of the family's tracks.
BUNDLES: dict[str, tuple[tuple[tuple[str, ...], float], ...]] = {
    "C9200": ((("network-essentials", "dna-essentials"), 6),
              (("network-advantage", "dna-advantage"), 3), (("network-essentials",), 2)),
    "C9300": ((("network-advantage", "dna-advantage"), 10),
              (("network-essentials", "dna-essentials"), 5), (("network-advantage",), 2),
              (("network-advantage", "dna-advantage", "hseck9"), 1)),
    "C9400": ((("network-advantage", "dna-advantage"), 6), (("network-advantage",), 1)),
    "C9500": ((("network-advantage", "dna-advantage"), 6),
              (("network-advantage", "dna-advantage", "hseck9"), 2), (("network-advantage",), 1)),
    "C9600": ((("network-advantage", "dna-advantage"), 4), (("network-advantage",), 1)),
    "C9800": ((("air-network-advantage", "air-dna-advantage"), 7),
              (("air-network-essentials", "air-dna-essentials"), 3)),
    "ISR4000": ((("ipbasek9", "securityk9"), 5), (("ipbasek9", "securityk9", "appxk9"), 3),
                (("ipbasek9", "securityk9", "hseck9"), 2), (("ipbasek9", "uck9"), 1)),
    "C8000": ((("network-advantage", "dna-advantage", "hseck9"), 5),
              (("network-essentials", "dna-essentials"), 3),
              (("network-premier", "dna-premier", "hseck9"), 1)),
    "N9K": ((("nxos-essentials",), 5), (("nxos-advantage",), 3)),
    "ASAV": ((("asav-standard", "asa-strong-encryption"), 1),),
    "FPR": ((("fpr-threat",), 3), (("fpr-threat", "fpr-malware"), 3),
            (("fpr-threat", "fpr-malware", "fpr-url"), 4)),
    "ISE": ((("ise-essentials", "ise-advantage"), 3), (("ise-essentials",), 1),
            (("ise-essentials", "ise-advantage", "ise-premier"), 1)),
}
BUNDLES["C9200L"] = BUNDLES["C9200"]
NXOS_CLASSIC = ("nxos-lan-enterprise",)  # NX-OS 9.3 before Smart Licensing tiers

# Cisco serials: 3-letter manufacturing location + year (since 1996) and week + 4 alphanumerics.
LOCATIONS = {"C9200": ("JAE", "FOC"), "C9200L": ("JAE", "FOC"), "C9300": ("FOC", "FCW"),
              "C9400": ("FXS", "FOC"), "C9500": ("FCW", "CAT"), "C9600": ("FXS", "CAT"),
              "N9K": ("FDO", "FLM"), "ISR4000": ("FDO", "FLM", "FGL"), "C8000": ("FGL", "FDO"),
              "C9800": ("FCW", "TTM"), "FPR": ("JMX", "JAD"), "ASAV": ("JAD",),
              "ISE": ("WZP", "FCH")}
YEARS = {"C9200": (22, 28), "C9200L": (22, 28), "C9300": (21, 28), "C9400": (21, 27),
          "C9500": (21, 28), "C9600": (23, 28), "N9K": (20, 28), "ISR4000": (19, 26),
          "C8000": (24, 29), "C9800": (22, 28), "FPR": (22, 28), "ASAV": (23, 29),
          "ISE": (26, 29)}
# The Catalyst 8200 and 8000V are a family of their own (SLUP from IOS XE 17.4.1, not 17.3.2);
# the generator draws them exactly like the other Catalyst 8000 routers.
ROLE["C8200"], VERSIONS["C8200"] = ROLE["C8000"], VERSIONS["C8000"]
BUNDLES["C8200"], LOCATIONS["C8200"], YEARS["C8200"] = (BUNDLES["C8000"], LOCATIONS["C8000"],
                                                        YEARS["C8000"])
OVERFLOW = ("QAA", "QAB", "QAC", "QAD", "QAE", "QAF", "QAG", "QAH")  # >1.68M serials only
B36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
SUFFIX_SPACE = 36**4
SUFFIX_STEP = 1_000_003  # coprime to 36: n -> n*step mod 36^4 is a permutation


PAIRS = [x + y for x in B36 for y in B36]

# Access closets: about a third standalone, the rest stacks of 2-8 members, smaller ones commoner.
STACK_SIZES = (1, 2, 3, 4, 5, 6, 7, 8)
STACK_CUM = list(accumulate((0.35, 0.27, 0.16, 0.09, 0.05, 0.035, 0.025, 0.02)))
STACK_CUM[-1] = 1.0
