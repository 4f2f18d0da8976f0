"""Write-back of a plan to the tools a network team already runs: NetBox and Nautobot bulk
import files, and a CycloneDX 1.6 licence BOM. Each format is a pure function from a
PlannedEstate (and a reference date) to file contents; the CLI writes them."""

from planner.exports.records import ExportDevice, export_devices, site_modes

__all__ = ["ExportDevice", "export_devices", "site_modes"]
