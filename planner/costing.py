"""Every price the planner quotes, written once (docs/model.md section 3).

The optimiser's coefficients (`optimise/data.py`, `optimise/allocation.py`), the plan's cost
breakdown (`optimise/extract.py`), and the site-level prices of the trade-off report
(`reports/sites.py`) and `planner explain` all call these functions, so what a report says a
site would cost is what the optimiser pays for it. The inputs are the estate's
`CostAssumptions`, its classification policies and the mode catalogue (`models/modes.yaml`);
no figure is written here. Money is a float in the estate's currency over the planning horizon.

The arithmetic order of each formula is part of its contract: the plan files and reports are
byte-identical from release to release, and a reordered sum can move the last bit of a float.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from planner.catalogue import Catalogue, LicenceDef
from planner.model import (
    ClassificationPolicy,
    CostAssumptions,
    DataElement,
    Entitlement,
    LicensingState,
    Mode,
    TermType,
)
from planner.modes import ModeSpec, data_leaving_for
from planner.plan import DeviceClass
from planner.slac import SlacPath, gated_licences, slac_path

N_ELEMENTS = len(DataElement)


# -- labour -------------------------------------------------------------------------------------

def labour_money(costs: CostAssumptions, hours_initial: float, hours_per_year: float) -> float:
    """rho * (h0 + H * h1): one-off hours plus yearly hours over the horizon, at the labour rate."""
    return (hours_initial + hours_per_year * costs.horizon_years) * costs.labour_rate_per_hour


# -- exposure -----------------------------------------------------------------------------------

def sensitive_elements(policy: ClassificationPolicy) -> int:
    """|E_P|: the licence data elements that could leave a site of the policy (every element,
    less the hostname when the policy sets hostname privacy: then it never leaves)."""
    return N_ELEMENTS - (1 if policy.hostname_privacy else 0)


def exposure_share(hostname_privacy: bool, leaving: frozenset[DataElement]) -> float:
    """sigma(m, P) = |D(m, P)| / |E_P|: the share of the policy's sensitive elements that mode m
    sends out (docs/model.md, exposure)."""
    sensitive = N_ELEMENTS - (1 if hostname_privacy else 0)
    return len(leaving) / sensitive if sensitive else 0.0


def mode_exposure_share(policy: ClassificationPolicy, spec: ModeSpec) -> float:
    """sigma(m, P) for a mode's catalogue entry at a site of the policy."""
    return exposure_share(policy.hostname_privacy, data_leaving_for(spec, policy))


def exposure_device_years(policy: ClassificationPolicy, spec: ModeSpec, devices: int,
                          years: int) -> float:
    """N * H * sigma(m, P): what the policy's exposure price multiplies (a break-even's slope)."""
    return devices * years * mode_exposure_share(policy, spec)


def exposure_per_element(policy: ClassificationPolicy, devices: int, years: int) -> float:
    """The exposure money of one data element leaving for `devices` devices over `years`: the
    policy's price split evenly over its sensitive elements (a plan's exposure per element)."""
    sensitive = sensitive_elements(policy)
    return (policy.exposure_cost_per_device_year * devices * years / sensitive
            if sensitive else 0.0)


# -- per decision unit --------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class UnitCost:
    """What one decision unit costs in one mode over the horizon, by part (money)."""

    hours_initial: float
    hours_per_year: float
    labour: float
    exposure: float
    flexibility: float
    uplift: float

    @property
    def total(self) -> float:
        return self.labour + self.exposure + self.flexibility + self.uplift


@dataclass(frozen=True, slots=True)
class UnitRates:
    """Per (policy, mode): the per-device and per-member coefficient of every part. Costs are
    linear in devices, members and SLAC devices, so a unit's cost is a few multiplications."""

    hours_initial_per_device: float
    hours_initial_per_member: float
    hours_per_device_year: float
    hours_per_member_year: float
    exposure_per_device: float
    flexibility_per_device: float
    uplift_per_device: float
    years: float
    labour_rate: float
    slac_hours_per_device: float  # one-off, for each device that needs a SLAC in this mode


def unit_rates(costs: CostAssumptions, policy: ClassificationPolicy,
               spec: ModeSpec) -> UnitRates:
    """c[u,m]'s coefficients for a site of `policy` in mode `spec` (docs/model.md section 3)."""
    years = costs.horizon_years
    hy_dev, hy_mem = spec.hours_per_device_year, 0.0
    if spec.reservation:
        # Each replaced or moved device is a new reservation: codes per device and per member.
        hy_dev += costs.device_churn_per_year * spec.hours_per_change
        hy_mem += costs.device_churn_per_year * spec.hours_initial_per_member
    expo = (policy.exposure_cost_per_device_year * years
            * exposure_share(policy.hostname_privacy, data_leaving_for(spec, policy)))
    flex = costs.flexibility_cost_per_locked_device_year * years if spec.reservation else 0.0
    uplift = costs.plr_uplift_per_device if spec.mode is Mode.PLR else 0.0
    return UnitRates(spec.hours_initial_per_device, spec.hours_initial_per_member, hy_dev,
                     hy_mem, expo, flex, uplift, float(years), costs.labour_rate_per_hour,
                     slac_hours(costs, spec.mode))


def price_unit(r: UnitRates, devices: int, members: int, slac_devices: int = 0) -> UnitCost:
    """c[u,m] by part for N_u = devices, X_u = members, of which `slac_devices` need a SLAC."""
    hours_initial = r.hours_initial_per_device * devices + r.hours_initial_per_member * members
    per_year = r.hours_per_device_year * devices + r.hours_per_member_year * members
    labour = (hours_initial + per_year * r.years) * r.labour_rate
    if slac_devices and r.slac_hours_per_device:
        # The SLAC's one-off labour, added after the rest (its own term in h0 and in L).
        extra = slac_devices * r.slac_hours_per_device
        hours_initial += extra
        labour += extra * r.labour_rate
    return UnitCost(hours_initial, per_year, labour, r.exposure_per_device * devices,
                    r.flexibility_per_device * devices, r.uplift_per_device * devices)


def unit_cost(costs: CostAssumptions, policy: ClassificationPolicy, spec: ModeSpec,
              devices: int, members: int, slac_devices: int = 0) -> UnitCost:
    """c[u,m] by part for one unit (or a whole site: costs are linear, so it prices as one)."""
    return price_unit(unit_rates(costs, policy, spec), devices, members, slac_devices)


# -- SLAC ---------------------------------------------------------------------------------------

def slac_hours(costs: CostAssumptions, mode: Mode) -> float:
    """Hours per device to obtain its SLAC in `mode` (0 where the reservation carries it)."""
    path = slac_path(mode)
    if path is SlacPath.ONLINE:
        return costs.slac_hours_online_per_device
    if path is SlacPath.OFFLINE:
        return costs.slac_hours_offline_per_device
    return 0.0


def class_needs_slac(cls: DeviceClass, cat: Catalogue) -> bool:
    """Whether the class's devices pay SLAC labour in a reporting mode (SLUP and an enforced or
    export-controlled licence: planner/slac.py)."""
    slup = cls.runs_slup or cls.state == LicensingState.SLUP.value
    return slup and bool(gated_licences(cls.licences, cat))


# -- per site -----------------------------------------------------------------------------------

def charged_per_account(mode: Mode) -> bool:
    """Whether a mode's site charge falls once per Virtual Account at the site (connected CSLU
    serves one Smart Account/Virtual Account pair: docs/licensing-facts.md section 2) rather
    than once per site."""
    return mode is Mode.CSLU


def charge_accounts(mode: Mode, vas: Iterable[str]) -> tuple[str, ...]:
    """The per-site charges a mode's use at a site triggers: one per Virtual Account when
    `charged_per_account`, else one ("")."""
    return tuple(vas) if charged_per_account(mode) else ("",)


def has_site_charge(spec: ModeSpec) -> bool:
    """Whether the mode has per-site work to charge at all."""
    return not (spec.hours_initial_per_site == 0 and spec.hours_per_site_year == 0)


def site_charge(costs: CostAssumptions, spec: ModeSpec) -> float:
    """c_k: one per-site charge of the mode (setup and recurring site work over the horizon)."""
    return labour_money(costs, spec.hours_initial_per_site, spec.hours_per_site_year)


@dataclass(frozen=True, slots=True)
class ServerPrice:
    """One SSM On-Prem server (an HA pair when costs.onprem_ha) over the horizon."""

    cost: float  # c_g: running plus labour
    hours_initial: float  # setup
    hours_per_year: float  # syncs (manual) or token re-authentications (network)
    work: float  # the labour part of `cost`: setup and sync hours at the labour rate

    @property
    def running(self) -> float:
        """Running the VMs: the server cost less its labour (CostBreakdown's `servers`)."""
        return self.cost - self.work


def server_price(costs: CostAssumptions, spec: ModeSpec) -> ServerPrice:
    """c_g = pi * running cost * H + rho * (pi * setup hours + H * s_m) (docs/model.md)."""
    years = costs.horizon_years
    pair = 2 if costs.onprem_ha else 1
    hours0 = pair * costs.onprem_server_setup_hours
    sync = spec.hours_per_server_year
    cost = (pair * costs.onprem_server_cost_per_year * years
            + (hours0 + sync * years) * costs.labour_rate_per_hour)
    return ServerPrice(cost, hours0, sync, labour_money(costs, hours0, sync))


# -- licences -----------------------------------------------------------------------------------

def transfer_batch_cost(costs: CostAssumptions) -> float:
    """c_tr: the labour of one CSSM transfer request."""
    return costs.transfer_hours_per_batch * costs.labour_rate_per_hour


def quoted_prices(entitlements: Iterable[Entitlement]) -> dict[str, float]:
    """Per licence, the lowest `unit_price` quoted on any entitlement line of the Smart Account:
    it is what the organisation is contracted to pay (a line without one says nothing)."""
    quoted: dict[str, float] = {}
    for ent in entitlements:
        if ent.unit_price is not None:
            quoted[ent.tag] = min(quoted.get(ent.tag, ent.unit_price), ent.unit_price)
    return quoted


def unit_price(tag: str, quoted: Mapping[str, float], licence: LicenceDef | None) -> float:
    """p[u]: the lowest quoted price, else the catalogue's list price (which the estate's
    `prices:` already replaced in its catalogue), else 0 (unknown licence)."""
    each = quoted.get(tag)
    if each is None:
        each = licence.list_price if licence else 0.0
    return each


def horizon_price(each: float, licence: LicenceDef | None, costs: CostAssumptions) -> float:
    """pi[v,u]: a unit over the horizon (term licences are priced per year, perpetual once)."""
    term = licence is not None and licence.term is TermType.TERM
    return each * (costs.horizon_years if term else 1)


# -- what-if ------------------------------------------------------------------------------------

def break_even(now: float, delta: float, slope: float) -> float | None:
    """The value of a parameter at which an alternative `delta` dearer today ties, when both
    costs are linear in it and differ in slope by `slope` (None: parallel, or below zero)."""
    if abs(slope) < 1e-9:
        return None
    value = now - delta / slope
    return value if value >= 0 else None
