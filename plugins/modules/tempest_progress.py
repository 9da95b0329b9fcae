#!/usr/bin/python
# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: tempest_progress
short_description: Wait a little for a background tempest run and report how far it is
version_added: "0.2.0"
description:
  - One poll of a tempest run started in the background by the tempest role's run script.
    It waits up to O(wait) seconds for the run to end, then counts the finished tests in the
    workspace's C(tempest-run.log).
  - "Returns C(gate_progress) (C(tempest: N/TOTAL tests, P passed, F failed, S skipped)), the
    line the gate's terminal shows; TOTAL is the number of tests the run script listed (C(tempest run --list-tests) per phase)."
  - Meant for an C(until) loop on C(done); changes nothing.
author:
  - gatekit.devstack contributors (@gatekit)
extends_documentation_fragment:
  - gatekit.devstack.attributes
attributes:
  diff_mode:
    description: Changes nothing, so there is no diff.
    support: none
options:
  workspace:
    description: The tempest workspace (C(tempest-run.log), C(.run-rc), C(.run-pid), C(.run-start), the test lists C(.run-list-N) and C(.run-listed)).
    type: path
    required: true
  wait:
    description: Seconds to wait for the run to end before reporting.
    type: int
    default: 20
  phases:
    description: Number of phases of the run (for C(msg)).
    type: int
    default: 1
"""

EXAMPLES = r"""
- name: Tempest progress
  gatekit.devstack.tempest_progress:
    workspace: /opt/stack/tempest
    wait: 20
  register: tempest_poll
  until: tempest_poll.done
  retries: 400
  delay: 0
"""

RETURN = r"""
done:
  description: The run ended (exit code written, or its process is gone).
  returned: always
  type: bool
run_rc:
  description: The run's exit code as text; empty while it runs or when it was killed.
  returned: always
  type: str
counts:
  description: Tests finished so far (not top-level keys, which Ansible reads as the task's own state).
  returned: always
  type: dict
  contains:
    passed: {description: Tests passed., type: int}
    skipped: {description: Tests skipped., type: int}
    failed: {description: Tests failed., type: int}
total: {description: Tests listed for the run; null until listed., returned: always, type: int}
phase: {description: Phases started so far., returned: always, type: int}
elapsed: {description: Seconds since the run started., returned: always, type: int}
gate_progress:
  description: The progress line for the gate's terminal.
  returned: always
  type: str
  sample: "tempest: 57/176 tests, 55 passed, 0 failed, 2 skipped"
msg:
  description: The same progress with phase and elapsed time.
  returned: always
  type: str
"""

import os
import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.gatekit.devstack.plugins.module_utils.common import read_text_or_none
from ansible_collections.gatekit.devstack.plugins.module_utils.tempest import progress


def _read(workspace, name):
    try:
        return (read_text_or_none(os.path.join(workspace, name)) or "").strip()
    except OSError:
        return ""


def _alive(workspace):
    pid = _read(workspace, ".run-pid")
    if not os.path.exists(os.path.join(workspace, ".run-pid")):
        return True  # not started yet
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def main():
    module = AnsibleModule(
        argument_spec={
            "workspace": {"type": "path", "required": True},
            "wait": {"type": "int", "default": 20},
            "phases": {"type": "int", "default": 1},
        },
        supports_check_mode=True,
    )
    workspace = module.params["workspace"]
    rc_file = os.path.join(workspace, ".run-rc")
    for _second in range(max(module.params["wait"], 0)):
        if os.path.exists(rc_file):
            break
        time.sleep(1)
    start = _read(workspace, ".run-start")
    now = int(time.time())
    log = _read(workspace, "tempest-run.log")
    counts = progress.count_results(log)
    total = done = None
    if os.path.exists(os.path.join(workspace, ".run-listed")):
        listings = [_read(workspace, name) for name in sorted(os.listdir(workspace)) if name.startswith(".run-list-")]
        total = sum(progress.count_listed(text) for text in listings) or None
        if total:
            done = progress.count_done(log, listings)
    state = dict(
        counts={key: counts[key] for key in ("passed", "skipped", "failed")},
        phase=counts["phase"],
        run_rc=_read(workspace, ".run-rc"),
        done=os.path.exists(rc_file) or not _alive(workspace),
        elapsed=now - int(start) if start.isdigit() else 0,
        total=total,
    )
    state["gate_progress"] = progress.gate_progress(counts, state["total"], done)
    state["msg"] = progress.progress_message(dict(counts, done=state["done"], elapsed=state["elapsed"]),
                                             module.params["phases"])
    module.exit_json(changed=False, **state)


if __name__ == "__main__":
    main()
