"""Device captures (`show license ...`, `show version`, RUM reports, SLR codes) as a source.

The parsing lives in planner.evidence; this reader puts it behind the registry's interface, so
an estate's `inventory: evidence:` folders and `planner ingest` read captures the same way as
every other source.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from planner.readers import ReadContext, ReadResult, SourceKind


class CapturesReader:
    """Every capture under the folders given, read as one source (see FolderReader)."""

    kind = SourceKind.EVIDENCE

    def read_folders(self, folders: Sequence[Path], base: Path,
                     ctx: ReadContext) -> ReadResult:
        # Imported only when captures are read: the parsers pull in TextFSM templates.
        from planner.evidence import read_evidence_detailed

        got = read_evidence_detailed(folders, base=base, site=ctx.site,
                                     virtual_account=ctx.virtual_account,
                                     catalogue=ctx.catalogue)
        return ReadResult(devices=list(got.devices), problems=list(got.problems),
                          files=list(got.files))


__all__ = ["CapturesReader"]
