"""The renewal read: what the vendor's renewal team will see in the telemetry, read first."""

from planner.renewal.brief import SCHEMA, RenewalBrief
from planner.renewal.findings import Finding, FindingKind, Priority, RenewalSettings
from planner.renewal.read import run_renewal

__all__ = ["SCHEMA", "Finding", "FindingKind", "Priority", "RenewalBrief", "RenewalSettings",
           "run_renewal"]
