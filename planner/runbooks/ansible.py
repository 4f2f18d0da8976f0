"""A runnable Ansible project from the runbooks: inventory, host_vars and group_vars per site and
device, one playbook per mode, and the tasks every playbook shares.

Generic over the runbook step model (types.Step): a device step in configuration context is
applied with the platform's *_config module (cisco.ios.ios_config, cisco.nxos.nxos_config,
cisco.asa.asa_config), in check mode with a diff first and only after a confirmation pause for
real; a device step in exec context runs with *_command and prints its output (request codes,
usage files); every other step (portal, carry, manual, a command not confirmed, a platform
no collection covers) is an `ansible.builtin.pause` that shows the step, its note and its
source and waits for the operator. New step kinds or platforms need no template change:
anything not automatable becomes a pause.

Variables are written as JSON (which YAML reads) for speed, like ansible-vars.yml.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from planner.runbooks.types import DeviceRunbook, Step
from planner.safe_names import MAX_NAME_BYTES, file_names

# Command-catalogue platform prefixes -> Ansible network OS (the collection's connection name).
NETWORK_OS = (("iosxe", "cisco.ios.ios"), ("ios", "cisco.ios.ios"),
              ("nxos", "cisco.nxos.nxos"), ("asa", "cisco.asa.asa"))


def network_os(platform: str) -> str:
    """The ansible_network_os for a command-catalogue platform, "" when no collection fits."""
    for prefix, value in NETWORK_OS:
        if platform.startswith(prefix):
            return value
    return ""


def _group(prefix: str, name: str) -> str:
    """An inventory group name: letters, digits and underscores only, bounded (a long id keeps
    its start and gains a hash, so group_vars file names stay within MAX_NAME_BYTES)."""
    plain = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").lower() or "none"
    if len(prefix) + 1 + len(plain) + len(".yml") > MAX_NAME_BYTES:
        digest = hashlib.sha256(name.encode()).hexdigest()[:10]
        plain = f"{plain[:MAX_NAME_BYTES - len(prefix) - 20]}_{digest}"
    return f"{prefix}_{plain}"


def _step(step: Step) -> dict[str, object]:
    return {"title": step.title, "kind": step.kind.value, "context": step.context,
            "lines": list(step.lines), "verify": step.verify, "expect": step.expect,
            "source": step.source, "confirmed": step.confirmed, "note": step.note,
            "member": step.member}


def _yaml(data: Mapping[str, object], comment: str) -> str:
    body = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)
    return f"# {comment}\n{body}\n"


def _host_names(runbooks: Iterable[DeviceRunbook]) -> list[tuple[str, DeviceRunbook]]:
    """Inventory names, each also its host_vars file's stem: the hostname (with the serial
    where two devices share one), made safe and bounded by the shared file-name rules."""
    items = list(runbooks)
    seen = Counter(rb.hostname for rb in items)
    keys = [rb.hostname if seen[rb.hostname] == 1 else f"{rb.hostname}_{rb.serial}"
            for rb in items]
    files = file_names(keys, suffix=".yml")
    return [(files[key][:-len(".yml")], rb) for key, rb in zip(keys, items, strict=True)]


PLAYBOOK = """\
# Licensing mode {mode}: {count} device(s) ({generated}).
# Run from this folder:  ansible-playbook playbooks/{file}
# Needs the cisco.ios, cisco.nxos, cisco.asa and ansible.netcommon collections
# (requirements.yml) and credentials for the devices (ansible_user / ansible_password or
# keys, e.g. in group_vars/all.yml or a vault).
# Play 1 runs every configuration step in check mode and shows the diff: nothing changes.
# Play 2 stops for you to review it. Play 3 applies the steps device by device, in runbook
# order; steps done by hand (portal, carry, manual, unconfirmed commands) are pauses that show
# what to do, the note and the Cisco source, and wait until you press Enter.
- name: "{mode}: configuration steps in check mode (no change is made)"
  hosts: {group}
  gather_facts: false
  tasks:
    - name: Show what each configuration step would change
      ansible.builtin.include_tasks: "../tasks/check-{{{{ licensing_tasks }}}}.yml"
      loop: "{{{{ licensing_steps }}}}"
      loop_control:
        loop_var: step
        label: "{{{{ step.title }}}}"

- name: "{mode}: confirm before any change"
  hosts: {group}
  gather_facts: false
  tasks:
    - name: Review the check-mode differences above
      ansible.builtin.pause:
        prompt: >-
          Check mode done for {mode}. Press Enter to apply the steps for real,
          or Ctrl-C then A to stop
      run_once: true

- name: "{mode}: apply the runbook steps"
  hosts: {group}
  gather_facts: false
  serial: 1
  tasks:
    - name: Apply each step in order
      ansible.builtin.include_tasks: "../tasks/step-{{{{ licensing_tasks }}}}.yml"
      loop: "{{{{ licensing_steps }}}}"
      loop_control:
        loop_var: step
        label: "{{{{ step.title }}}}"
"""

# Per collection: its short name (the tasks file suffix) and the module prefix.
FAMILIES = {"cisco.ios.ios": ("ios", "cisco.ios.ios"),
            "cisco.nxos.nxos": ("nxos", "cisco.nxos.nxos"),
            "cisco.asa.asa": ("asa", "cisco.asa.asa")}
MANUAL = "manual"  # the tasks file for devices no collection drives: every step a pause
AUTOMATED = "step.kind == 'device' and step.confirmed"

PAUSE = """\
- name: "{{{{ step.title }}}} (by hand)"
  ansible.builtin.pause:
    prompt: |-
      {{{{ inventory_hostname }}}}: {{{{ step.title }}}} ({{{{ step.kind }}}})
      {{{{ 'NOT CONFIRMED: check the command against the source first' if not step.confirmed
          else '' }}}}
      {{{{ step.lines | join('\\n') }}}}
      {{{{ step.note }}}}
      Source: {{{{ step.source }}}}
      Press Enter when it is done.
  when: not ({automated})
"""


def check_tasks(collection: str | None) -> str:
    """One configuration step in check mode with a diff, for one collection's devices."""
    head = "# One configuration step in check mode with a diff (each playbook's first play).\n"
    if collection is None:
        return head + "[]\n"  # nothing to check on a device no collection drives
    return head + f"""- name: "{{{{ step.title }}}} (check mode)"
  {collection}_config:
    lines: "{{{{ step.lines }}}}"
  check_mode: true
  diff: true
  when: {AUTOMATED} and step.context == 'config'
"""


def step_tasks(collection: str | None) -> str:
    """One runbook step applied, for one collection's devices (each playbook's last play)."""
    head = "# One runbook step, applied one device at a time (each playbook's last play).\n"
    if collection is None:
        return head + PAUSE.format(automated="false")
    return head + f"""- name: "{{{{ step.title }}}} (configuration)"
  {collection}_config:
    lines: "{{{{ step.lines }}}}"
  when: {AUTOMATED} and step.context == 'config'

- name: "{{{{ step.title }}}} (exec)"
  {collection}_command:
    commands: "{{{{ step.lines }}}}"
  register: exec_result
  when: {AUTOMATED} and step.context != 'config'

- name: "{{{{ step.title }}}}: output to keep (request codes, usage files)"
  ansible.builtin.debug:
    var: exec_result.stdout_lines
  when: {AUTOMATED} and step.context != 'config'

""" + PAUSE.format(automated=AUTOMATED)


REQUIREMENTS = """\
# Collections the playbooks use: ansible-galaxy collection install -r requirements.yml
# (on an air-gapped controller, install them from tarballs carried across: ansible-galaxy
# collection download -r requirements.yml on a connected machine).
collections:
  - name: ansible.netcommon
  - name: cisco.ios
  - name: cisco.nxos
  - name: cisco.asa
"""

CFG = """\
[defaults]
inventory = inventory.yml
retry_files_enabled = False
host_key_checking = True

[persistent_connection]
command_timeout = 60
"""


def ansible_project(runbooks: Iterable[DeviceRunbook], generated: str | None,
                    site_names: Mapping[str, str]) -> dict[str, str]:
    """The project's files, paths relative to its folder."""
    named = _host_names(runbooks)
    stamp = f"generated {generated}" if generated else "planner runbook"
    files: dict[str, str] = {"ansible.cfg": CFG, "requirements.yml": REQUIREMENTS}
    for short, collection in [*FAMILIES.values(), (MANUAL, None)]:
        files[f"tasks/check-{short}.yml"] = check_tasks(collection)
        files[f"tasks/step-{short}.yml"] = step_tasks(collection)
    by_site: dict[str, list[str]] = defaultdict(list)
    by_mode: dict[str, list[str]] = defaultdict(list)
    for name, rb in named:
        group_mode = rb.mode.value if rb.mode else "none"
        by_site[rb.site].append(name)
        by_mode[group_mode].append(name)
        os_name = network_os(rb.platform)
        host = {"ansible_host": rb.hostname, "licensing": dict(rb.variables),
                "licensing_steps": [_step(s) for s in (*rb.prechecks, *rb.steps)],
                "licensing_rollback": [_step(s) for s in rb.rollback]}
        host["licensing_tasks"] = FAMILIES[os_name][0] if os_name else MANUAL
        if os_name:
            host["ansible_network_os"] = os_name
        else:
            host["ansible_connection"] = "local"  # every step is a pause: nothing to connect to
        files[f"host_vars/{name}.yml"] = _yaml(host, f"{rb.hostname} ({rb.pid} {rb.serial}), "
                                                     f"site {rb.site}, mode {group_mode}")
    children: dict[str, object] = {}
    for site, hosts in sorted(by_site.items()):
        group = _group("site", site)
        children[group] = {"hosts": {h: None for h in sorted(hosts)}}
        files[f"group_vars/{group}.yml"] = _yaml(
            {"licensing_site": site, "licensing_site_name": site_names.get(site, site)},
            f"site {site}")
    for mode, hosts in sorted(by_mode.items()):
        children[_group("mode", mode)] = {"hosts": {h: None for h in sorted(hosts)}}
    files["group_vars/all.yml"] = _yaml(
        {"ansible_connection": "ansible.netcommon.network_cli"},
        "every device: network_cli; credentials belong in a vault, not here")
    files["inventory.yml"] = _yaml({"all": {"children": children}},
                                   f"licensing inventory ({stamp}): a group per site and mode")
    for mode, hosts in sorted(by_mode.items()):
        if mode == "none":
            continue
        files[f"playbooks/{mode}.yml"] = PLAYBOOK.format(
            mode=mode, count=len(hosts), generated=stamp, file=f"{mode}.yml",
            group=_group("mode", mode))
    return files
