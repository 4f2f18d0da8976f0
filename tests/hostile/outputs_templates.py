"""User templates (`--templates DIR`) cannot reach Python internals, modules or files.

Every payload below runs shell commands or reads files in a plain jinja2 Environment; in the
planner's sandbox each must end in exit 2 naming the template, with nothing written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from planner.reports.render import environment

from ._outkit import DATE, refused, run, write_estate

PAYLOADS = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ joiner.__init__.__globals__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ r.__class__.__init__.__globals__ }}",
    "{{ r|attr('__class__') }}",
    "{% for c in [].__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    "{% include '/etc/passwd' %}",
    "{% include '../../../../../../etc/passwd' %}",
    "{{ ''.format.__globals__ }}",
    "{{ kind.__class__ }}",
]


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_estate(tmp_path_factory.mktemp("tpl"), devices=12, sites=3, seed=9)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_report_templates_cannot_escape(estate: Path, tmp_path: Path, payload: str) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "tradeoff.md.j2").write_text(payload + "\n")
    out = tmp_path / "report.md"
    refused(run("report", str(estate), "--kind", "tradeoff", "--format", "md", "--date", DATE,
                "--templates", str(templates), "-o", str(out)), "tradeoff.md.j2")
    assert not out.exists()


@pytest.mark.parametrize("payload", PAYLOADS[:4])
def test_runbook_templates_cannot_escape(estate: Path, tmp_path: Path, payload: str) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "runbook.html.j2").write_text(payload + "\n")
    out = tmp_path / "rb"
    result = run("runbook", str(estate), "-o", str(out), "--date", DATE,
                 "--templates", str(templates))
    refused(result, "runbook.html.j2")
    assert not out.exists()


def test_the_documented_context_still_renders(estate: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "tradeoff.md.j2").write_text(
        "{% for s in r.strategies %}{{ s.strategy | md }} {{ s.status }}\n{% endfor %}"
        "{{ kind | upper }}\n")
    result = run("report", str(estate), "--kind", "tradeoff", "--format", "md", "--date", DATE,
                 "--templates", str(templates))
    assert result.exit_code == 0, result.output
    assert "optimal" in result.output and "TRADEOFF" in result.output


@dataclass(frozen=True)
class _Context:
    path: Path
    name: str


def test_no_file_is_reachable_through_a_value_in_the_context(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    env = environment()
    ctx = _Context(secret, "x")
    for source in ("{{ r.path.read_text() }}", "{{ r.path.open().read() }}",
                   "{{ r.path.write_text('x') }}", "{{ r.path.parent.iterdir() | list }}"):
        with pytest.raises(Exception) as info:
            env.from_string(source).render(r=ctx)
        assert "unsafe" in str(info.value) or "undefined" in str(info.value), source
    assert secret.read_text() == "top secret"
    assert env.from_string("{{ r.name | upper }}").render(r=ctx) == "X"
