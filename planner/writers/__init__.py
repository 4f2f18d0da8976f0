"""Writers that turn a Plan into files an operator acts on (plan.json, CSV manifests, summary)."""

from planner.plan_document import PLAN_SCHEMA
from planner.writers.plan_files import render_plan_files, write_plan_files

__all__ = ["PLAN_SCHEMA", "render_plan_files", "write_plan_files"]
