"""The Ansible project `planner runbook` writes for each bundled example: consistent (every
playbook's group, every host's tasks file exists; every YAML file loads) and accepted by
`ansible-playbook --syntax-check` where ansible-core is installed (a dev dependency).

The per-mode playbooks include their tasks dynamically, so the syntax check also imports each
collection's tasks files statically; a collection that is not installed (the `ansible` package
ships cisco.ios and cisco.nxos; cisco.asa now comes from Galaxy) skips its own check, by name.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from planner.cli import main
from planner.resources import examples_dir
from planner.runbooks.ansible import FAMILIES, MANUAL

EXAMPLES = sorted(p.name for p in examples_dir().iterdir() if (p / "estate.yaml").is_file())
PLAYBOOK = shutil.which("ansible-playbook")


@pytest.fixture(scope="module", params=EXAMPLES)
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp(request.param)
    runner = CliRunner()
    assert runner.invoke(main, ["example", request.param, str(folder / "est")]).exit_code == 0
    estate = str(folder / "est" / "estate.yaml")
    assert runner.invoke(main, ["plan", estate, "-o", str(folder / "plan")]).exit_code == 0
    made = runner.invoke(main, ["runbook", estate, "--plan", str(folder / "plan" / "plan.json"),
                                "-o", str(folder / "rb"), "--no-html"])
    assert made.exit_code == 0, made.output
    return folder / "rb" / "ansible"


def test_project_is_consistent(project: Path) -> None:
    inventory = yaml.safe_load((project / "inventory.yml").read_text())
    groups = inventory["all"]["children"]
    hosts = {h for g in groups.values() for h in g["hosts"]}
    assert hosts == {p.stem for p in (project / "host_vars").glob("*.yml")}
    assert any(g.startswith("site_") for g in groups) and any(g.startswith("mode_")
                                                              for g in groups)
    for group in groups:
        if group.startswith("site_"):
            assert (project / "group_vars" / f"{group}.yml").is_file()
    playbooks = sorted((project / "playbooks").glob("*.yml"))
    assert playbooks
    for book in playbooks:
        plays = yaml.safe_load(book.read_text())
        assert [p["hosts"] for p in plays] == [f"mode_{book.stem.replace('-', '_')}"] * 3
        assert plays[0]["tasks"][0]["ansible.builtin.include_tasks"].startswith("../tasks/check-")
        assert "ansible.builtin.pause" in plays[1]["tasks"][0]  # confirm before applying
    shorts = {short for short, _ in FAMILIES.values()} | {MANUAL}
    for path in (project / "host_vars").glob("*.yml"):
        host = yaml.safe_load(path.read_text())
        assert host["licensing_tasks"] in shorts
        assert (project / "tasks" / f"step-{host['licensing_tasks']}.yml").is_file()
        for step in host["licensing_steps"]:
            assert {"title", "kind", "context", "lines", "confirmed", "source"} <= set(step)
    for path in (project / "tasks").glob("*.yml"):
        yaml.safe_load(path.read_text())


def _syntax_check(project: Path, playbook: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(PLAYBOOK), "--syntax-check", str(playbook)], cwd=project,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.slow
@pytest.mark.skipif(PLAYBOOK is None, reason="ansible-core is not installed")
def test_playbooks_pass_ansible_syntax_check(project: Path) -> None:
    for book in sorted((project / "playbooks").glob("*.yml")):
        done = _syntax_check(project, book)
        assert done.returncode == 0, done.stdout + done.stderr


def _installed(collection: str) -> bool:
    """In the `ansible` package, or where ansible-galaxy installs by default."""
    namespace, name, _module = collection.split(".")
    try:
        if importlib.util.find_spec(f"ansible_collections.{namespace}.{name}") is not None:
            return True
    except ModuleNotFoundError:
        pass
    return any((root / "ansible_collections" / namespace / name).is_dir()
               for root in (Path.home() / ".ansible" / "collections",
                            Path("/usr/share/ansible/collections")))


@pytest.mark.slow
@pytest.mark.skipif(PLAYBOOK is None, reason="ansible-core is not installed")
@pytest.mark.parametrize("family", [*sorted(FAMILIES), MANUAL])
def test_tasks_files_pass_syntax_check(project: Path, family: str) -> None:
    if family != MANUAL and not _installed(family):
        pytest.skip(f"the {family.rsplit('.', 1)[0]} collection is not installed")
    short = MANUAL if family == MANUAL else FAMILIES[family][0]
    wrapper = project / "playbooks" / f"_syntax_{short}.yml"
    wrapper.write_text("- hosts: all\n  gather_facts: false\n  tasks:\n"
                       f"    - ansible.builtin.import_tasks: ../tasks/check-{short}.yml\n"
                       f"    - ansible.builtin.import_tasks: ../tasks/step-{short}.yml\n")
    try:
        done = _syntax_check(project, wrapper)
    finally:
        wrapper.unlink()
    assert done.returncode == 0, done.stdout + done.stderr
