"""`planner report` end to end: both kinds and formats, byte-identical reruns, dates, errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import main
from tests.reports.conftest import WHEN

KINDS = ("tradeoff", "compliance")
FORMATS = ("html", "md")


def _run(args: list[str], env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, args, env=env or {"SOURCE_DATE_EPOCH": ""})
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_two_runs_give_the_same_bytes(hostile_path: Path, tmp_path: Path, kind: str,
                                      fmt: str) -> None:
    outputs = []
    for n in (1, 2):  # the same name in two folders: a document links its registers by name
        (tmp_path / str(n)).mkdir()
        out = tmp_path / str(n) / f"report.{fmt}"
        code, _, err = _run(["report", str(hostile_path), "--kind", kind, "--format", fmt,
                             "-o", str(out), "--date", WHEN])
        assert code == 0, err
        assert f"wrote {out}" in err
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert WHEN.encode() in outputs[0]
    assert list(tmp_path.glob("*/.*.tmp")) == []  # written atomically: no temp file left


def test_source_date_epoch_dates_the_report(hostile_path: Path) -> None:
    code, out, _ = _run(["report", str(hostile_path), "--kind", "compliance", "--format", "md"],
                        env={"SOURCE_DATE_EPOCH": "1798761600"})  # 2027-01-01
    assert code == 0
    assert "| report date | 2027-01-01 (from SOURCE\\_DATE\\_EPOCH) |" in out
    assert "2027-04-01" in out  # a 90-day clock counted from it


def test_without_a_date_nothing_is_stamped(hostile_path: Path) -> None:
    code, out, _ = _run(["report", str(hostile_path), "--kind", "compliance", "--format", "md"])
    assert code == 0
    assert "| report date | not stamped (from none) |" in out
    assert "report date + 90 days" in out  # clocks stay relative, never the wall clock


def test_bad_date_fails_before_solving(hostile_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    code, _, err = _run(["report", str(hostile_path), "--kind", "tradeoff", "-o", str(out),
                         "--date", "2026-13-01"])
    assert code == 2
    assert "--date '2026-13-01' is not a date" in err
    assert not out.exists()


def test_bad_input_writes_nothing(tmp_path: Path) -> None:
    estate = tmp_path / "estate.yaml"
    estate.write_text("name: [unclosed\n", encoding="utf-8")
    out = tmp_path / "r.html"
    code, _, err = _run(["report", str(estate), "--kind", "tradeoff", "-o", str(out)])
    assert code == 2
    assert "estate.yaml" in err
    assert not out.exists()


def test_templates_option_overrides(hostile_path: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "tradeoff.md.j2").write_text("# Ours: {{ r.meta.estate|md }}\n", encoding="utf-8")
    code, out, _ = _run(["report", str(hostile_path), "--kind", "tradeoff", "--format", "md",
                         "--templates", str(mine), "--date", WHEN])
    assert code == 0
    assert out.startswith("# Ours: Acme &lt;script&gt;")


def test_help_names_the_options() -> None:
    code, out, _ = _run(["report", "--help"])
    assert code == 0
    for option in ("--kind", "--format", "--output", "--templates", "--date", "--solver",
                   "--time-limit"):
        assert option in out


def test_renewal_kind_needs_a_reference_date(hostile_path: Path) -> None:
    code, _, err = _run(["report", str(hostile_path), "--kind", "renewal",
                         "--renewal-date", "2027-06-30"])
    assert code == 2
    assert "needs a reference date" in err


def test_renewal_kind_needs_a_renewal_date_without_an_agreement(hostile_path: Path) -> None:
    code, _, err = _run(["report", str(hostile_path), "--kind", "renewal", "--date", WHEN])
    assert code == 2
    assert "--renewal-date" in err


@pytest.mark.parametrize("fmt", FORMATS)
def test_renewal_kind_renders_the_brief(hostile_path: Path, tmp_path: Path, fmt: str) -> None:
    outputs = []
    for n in (1, 2):  # the same name in two folders: a document links its registers by name
        (tmp_path / str(n)).mkdir()
        out = tmp_path / str(n) / f"report.{fmt}"
        code, _, err = _run(["report", str(hostile_path), "--kind", "renewal", "--format", fmt,
                             "--date", WHEN, "--renewal-date", "2027-06-30", "-o", str(out)])
        assert code == 0, err
        outputs.append(out.read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1]
    assert "Renewal brief: Acme" in outputs[0] and "2027-04-01" in outputs[0]  # pack due


def test_no_possible_plan_exits_3_and_writes_nothing(tmp_path: Path) -> None:
    from tests.reports.conftest import write_hostile

    path = write_hostile(tmp_path / "estate")
    devices = path.parent / "devices.csv"
    # A SLUP-era C9300 in the secret enclave: new SLR is impossible, PLR not pre-approved.
    devices.write_text(devices.read_text(encoding="utf-8").replace(
        "ENC,\"NET_[x](y)\",16.12.10,slr", "ENC,\"NET_[x](y)\",17.9.4,slup"), encoding="utf-8")
    for kind in KINDS:
        out = tmp_path / f"{kind}.html"
        code, _, err = _run(["report", str(path), "--kind", kind, "-o", str(out),
                             "--date", WHEN])
        assert code == 3, err
        assert "ENC" in err
        assert not out.exists()
