"""The forced single-mode strategies beside the optimal mix (`planner compare`)."""

from __future__ import annotations

from typing import Any

from planner.model import Estate
from planner.plan import Plan, Strategy

COMPARED = (Strategy.OPTIMAL, Strategy.ALL_CSSM, Strategy.ALL_CSLU, Strategy.ALL_ONPREM_NETWORK,
            Strategy.ALL_ONPREM_MANUAL, Strategy.ALL_OFFLINE, Strategy.ALL_SLR, Strategy.ALL_PLR)


def compare_strategies(estate: Estate, **same: Any) -> tuple[Plan, ...]:
    """Solve every strategy in COMPARED with the same options; infeasible ones say why.

    The optimal mix is solved too (a SolverError from it propagates: no plan is possible).
    """
    from planner.optimise import plan_estate

    options = {k: v for k, v in same.items() if k != "strategy"}
    return tuple(plan_estate(estate, strategy=s, **options) for s in COMPARED)
