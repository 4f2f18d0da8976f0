"""The reproducibility block: input hashes, versions, the solve, and a date that is never the clock.

The report date comes from `--date`, else SOURCE_DATE_EPOCH, else the report is "not stamped":
two runs over the same inputs therefore give the same bytes.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml

from planner import __version__
from planner.catalogue import estate_catalogue
from planner.clock import stamp_date
from planner.fileio import read_text
from planner.model import Estate
from planner.model_yaml import safe_load
from planner.plan import Plan
from planner.reports.context import InputHash, Reproducibility
from planner.resources import models_dir

NOT_STAMPED = "not stamped"
# Catalogue files whose `version:` the block names (beside the licence/product catalogue).
_VERSIONED = ("costs.yaml", "modes.yaml", "policies.yaml", "controls.yaml")


def report_date(option: str | None) -> tuple[date | None, str]:
    """The report date and where it came from: `--date`, SOURCE_DATE_EPOCH, or none."""
    return stamp_date(option)


def _file_version(path: Path) -> str:
    try:
        doc = safe_load(read_text(path))
    except (OSError, yaml.YAMLError):
        return "unreadable"
    return str(doc.get("version", "unversioned")) if isinstance(doc, dict) else "unversioned"


def catalogue_versions(estate: Estate) -> tuple[tuple[str, str], ...]:
    """(catalogue, version) for the licence/product catalogue and every versioned model file."""
    catalogue = estate_catalogue(estate)
    rows = [("licences and products", catalogue.version)]
    for name in _VERSIONED:
        path = models_dir() / name
        if path.is_file():
            rows.append((name, _file_version(path)))
    return tuple(sorted(rows))


def reproducibility(estate: Estate, plan: Plan | None, when: date | None, source: str,
                    command: str) -> Reproducibility:
    """The block for a report; without a plan (the renewal brief) no solver ran."""
    inputs = tuple(InputHash(s.path, s.kind, s.sha256)
                   for s in sorted(estate.sources, key=lambda s: (s.path, s.kind)))
    return Reproducibility(
        inputs=inputs, tool_version=__version__, catalogues=catalogue_versions(estate),
        solver=plan.solver if plan else "none (no optimisation)",
        status=plan.status.value if plan else "n/a", gap=plan.gap if plan else 0.0,
        gap_money=plan.gap_money if plan else 0.0,
        generated=when.isoformat() if when else NOT_STAMPED, date_source=source, command=command,
    )
