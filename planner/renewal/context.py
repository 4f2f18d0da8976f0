"""The renewal read's inputs in one place: estate, dates, prices, history, consumption per VA.

Consumption of a licence in a Virtual Account is the larger of what the devices report and what
CSSM counts (`in_use + reserved` on the entitlement rows): the renewal team reads the larger.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from planner.catalogue import Catalogue, LicenceDef, ProductFamily, load_catalogue
from planner.history.queries import SeriesPoint, VaActivity
from planner.history.snapshot import in_force
from planner.model import Device, Estate, TermType
from planner.renewal.findings import RenewalSettings
from planner.renewal.prices import Price, PriceSource, Row, value_of, weighted


@dataclass(frozen=True, slots=True)
class Churn:
    """Devices changed between the last two stored snapshots."""

    before: date
    after: date
    changed: int
    devices: int

    @property
    def rate(self) -> float:
        return self.changed / self.devices if self.devices else 0.0


@dataclass(frozen=True, slots=True)
class HistoryView:
    """What the history database contributes; built by `planner.renewal.read`."""

    snapshots: tuple[date, ...]
    since: date | None  # snapshot growth is measured from
    usage_then: Mapping[tuple[str, str, str], int]  # (VA, site, tag) -> active units at `since`
    licensed_then: frozenset[tuple[str, str]]  # (device key, tag) held at `since`
    activity: tuple[VaActivity, ...]
    series: tuple[SeriesPoint, ...]
    churn: Churn | None


@dataclass(frozen=True, slots=True)
class Holding:
    quantity: int = 0
    in_use: int = 0
    reserved: int = 0
    term: bool = False  # any line of it is a term (subscription) licence


@dataclass(frozen=True, slots=True)
class RenewalContext:
    estate: Estate
    catalogue: Catalogue
    reference: date
    renewal: date
    prices: Mapping[str, float]
    settings: RenewalSettings
    history: HistoryView | None
    holdings: Mapping[tuple[str, str], Holding] = field(default_factory=dict)
    device_units: Mapping[tuple[str, str], int] = field(default_factory=dict)
    users: Mapping[tuple[str, str], tuple[Device, ...]] = field(default_factory=dict)
    rows: Mapping[tuple[str, str], tuple[Row, ...]] = field(default_factory=dict)
    # PID -> family, filled as asked: an estate has few distinct PIDs and many devices, and
    # the catalogue's prefix lookup is a scan.
    _families: dict[str, ProductFamily | None] = field(default_factory=dict)

    @property
    def currency(self) -> str:
        return self.estate.costs.currency

    def demand(self, va: str, tag: str) -> int:
        held = self.holdings.get((va, tag), Holding())
        return max(self.device_units.get((va, tag), 0), held.in_use + held.reserved)

    def family(self, pid: str) -> ProductFamily | None:
        try:
            return self._families[pid]
        except KeyError:
            fam = self._families[pid] = self.catalogue.family_for_pid(pid)
            return fam

    def licence(self, tag: str) -> LicenceDef | None:
        return self.catalogue.licences.get(tag)

    def fallback_price(self, tag: str) -> Price:
        """Price rule step 2: the estate's `prices:`, else the catalogue's list price."""
        return fallback_price(self.catalogue, self.prices, tag)

    def price(self, tag: str, va: str) -> Price:
        """The unit price of `tag` in `va` by the one price rule (planner.renewal.prices)."""
        return weighted(self.rows.get((va, tag), ())) or self.fallback_price(tag)

    def unit_price(self, tag: str, va: str) -> float:
        return self.price(tag, va).value

    def holding_value(self, va: str, tag: str) -> float:
        """The quantity in force of `tag` in `va`, priced line by line."""
        return value_of(self.rows.get((va, tag), ()))

    def row_names(self, va: str, tag: str) -> tuple[str, ...]:
        """`file:line` of every entitlement row of `tag` in `va`."""
        return tuple(r.origin for r in self.rows.get((va, tag), ()))

    def is_term(self, tag: str, va: str | None = None) -> bool:
        held = self.holdings.get((va, tag)) if va is not None else None
        if held is not None and held.term:
            return True
        lic = self.licence(tag)
        return lic is not None and lic.term is TermType.TERM

    def yearly_or_once(self, tag: str, units: int, va: str) -> float:
        """Units of a VA's holding priced for one year (term licences) or once (perpetual)."""
        return units * self.unit_price(tag, va)

    def true_forward_months(self, tag: str, va: str | None = None) -> int:
        """Months a term true-forward bills: renewal date to EA end, or one year without EA.

        A true-forward bills from that point on, not retroactively (licensing-facts s3).
        Perpetual licences are billed once; they return 0 here.
        """
        if not self.is_term(tag, va):
            return 0
        ea = self.estate.agreement
        if ea is not None and self.renewal <= ea.end:
            return billing_months(self.renewal, ea.end)
        return 12

    def tag_for_site(self, site: str) -> str | None:
        """The user's usage tag of a site (`seasonal` or `project:<name>`), if any."""
        try:
            tags = self.estate.site(site).tags
        except KeyError:
            return None
        for tag in sorted(tags):
            if tag == "seasonal" or tag.startswith("project:"):
                return tag
        return None


def billing_months(start: date, end: date) -> int:
    """Whole months from `start` to the day after `end`; a part month bills as a whole one."""
    stop = end + timedelta(days=1)
    months = (stop.year - start.year) * 12 + (stop.month - start.month)
    if stop.day > start.day:
        months += 1
    return max(months, 0)


def add_months(day: date, months: int) -> date:
    """`day` shifted by whole months, clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for dom in (day.day, 30, 29, 28):
        try:
            return date(year, month, dom)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - day 28 exists in every month


def fallback_price(catalogue: Catalogue, prices: Mapping[str, float], tag: str) -> Price:
    """Price rule step 2. The estate's `prices:` reach here merged into its catalogue; a price
    differing from the shipped catalogue's list price is the estate's."""
    if tag in prices:
        return Price(float(prices[tag]), PriceSource.ESTATE)
    lic = catalogue.licences.get(tag)
    if lic is None:
        return Price(0.0, PriceSource.LIST)
    shipped = load_catalogue().licences.get(tag)
    if shipped is not None and shipped.list_price != lic.list_price:
        return Price(lic.list_price, PriceSource.ESTATE)
    return Price(lic.list_price, PriceSource.LIST)


def build_context(estate: Estate, catalogue: Catalogue, *, reference: date, renewal: date,
                  prices: Mapping[str, float] | None = None,
                  settings: RenewalSettings | None = None,
                  history: HistoryView | None = None) -> RenewalContext:
    fixed = dict(prices or {})
    holdings: dict[tuple[str, str], Holding] = {}
    rows: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for ent in estate.entitlements:
        key = (ent.virtual_account, ent.tag)
        old = holdings.get(key, Holding())
        # A term that ended before the reference date entitles nothing any more, nor does an
        # order whose start is after it (bought ahead, not in force yet); what either shows
        # in use stays consumption.
        live = in_force(ent, reference)
        holdings[key] = Holding(old.quantity + (ent.quantity if live else 0),
                                old.in_use + ent.in_use,
                                old.reserved + ent.reserved,
                                old.term or ent.term is TermType.TERM)
        price = (Price(ent.unit_price, PriceSource.LINE) if ent.unit_price is not None
                 else fallback_price(catalogue, fixed, ent.tag))
        future = ent.start is not None and ent.start > reference
        rows[key].append(Row(
            virtual_account=ent.virtual_account, tag=ent.tag,
            quantity=ent.quantity if live else 0, listed=ent.quantity,
            term=ent.term is TermType.TERM, price=price.value, source=price.source,
            origin=str(ent.origin) if ent.origin is not None else estate.path or "estate",
            lapsed=not live and not future, future=future))
    units: dict[tuple[str, str], int] = defaultdict(int)
    users: dict[tuple[str, str], list[Device]] = defaultdict(list)
    for dev in estate.devices:
        for use in dev.licences:
            units[(dev.virtual_account, use.tag)] += use.count
            users[(dev.virtual_account, use.tag)].append(dev)
    return RenewalContext(
        estate=estate, catalogue=catalogue, reference=reference, renewal=renewal,
        prices=fixed, settings=settings or RenewalSettings(), history=history,
        holdings=holdings, device_units=dict(units),
        users={k: tuple(sorted(v, key=lambda d: d.hostname)) for k, v in users.items()},
        rows={k: tuple(v) for k, v in rows.items()},
    )


def named(devices: tuple[Device, ...] | list[Device], limit: int) -> tuple[str, ...]:
    """Hostnames for evidence: sorted, unique, at most `limit`."""
    # nsmallest, not a full sort: a VA can hold 100k devices and evidence names 20.
    return tuple(heapq.nsmallest(limit, {d.hostname for d in devices}))
