"""A history database edited or damaged outside planner is a clear error (exit 2), never a crash."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import main
from planner.generate import generate_estate, write_estate

EDITS = {
    "bad-date": "UPDATE snapshots SET taken = 'not-a-date' WHERE taken = '2026-11-01'",
    "text-count": "UPDATE snapshots SET device_count = 'abc'",
    "text-units": "UPDATE usage SET units = 'many'",
    "dropped-table": "DROP TABLE usage",
}


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("history")
    write_estate(root / "e", generate_estate(30, 5, 2))
    estate, db = root / "e" / "estate.yaml", root / "h.db"
    for taken in ("2026-11-01", "2026-11-15"):
        result = CliRunner().invoke(main, ["snapshot", "add", str(estate), "--db", str(db),
                                           "--date", taken])
        assert result.exit_code == 0, result.output
    return estate, db


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_damaged_history_is_a_clear_error(history: tuple[Path, Path], tmp_path: Path,
                                          edit: str) -> None:
    estate, pristine = history
    db = tmp_path / "h.db"
    shutil.copy(pristine, db)
    with sqlite3.connect(db) as conn:
        conn.execute(EDITS[edit])
    runner = CliRunner()
    for args in (["renewal", str(estate), "--renewal-date", "2027-06-01", "--date",
                  "2026-12-01", "--db", str(db)],
                 ["snapshot", "list", str(estate), "--db", str(db)],
                 ["snapshot", "diff", "2026-11-01", "2026-11-15", "--estate", str(estate),
                  "--db", str(db)]):
        result = runner.invoke(main, args)
        assert result.exit_code in (0, 2), (edit, args[0], result.output)
        assert "internal error" not in result.output and "Traceback" not in result.output
        if result.exit_code == 2:
            assert "h.db" in result.output
