#!/usr/bin/python
# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: devstack_pip_progress
short_description: Follow a pip install started with async, with a progress line for the gate
version_added: "0.2.0"
description:
  - "Reads the result file of an C(async) task running C(pip) (its registered C(results_file)) and the
    C(--log) file that pip writes, and returns whether the job has finished and C(gate_progress), one line
    such as C(pip: keystone venv, installing 134 packages, 52s) (phase, packages, seconds since pip started)."
  - Meant for an C(until) loop, in place of M(ansible.builtin.async_status); each retry shows the latest line.
  - When the job has finished, returns the job's own result; a failed job fails this task with the job's
    message, so a C(rescue) sees the failure as it would see the pip task's.
author:
  - gatekit.devstack contributors (@gatekit)
extends_documentation_fragment:
  - gatekit.devstack.attributes
attributes:
  check_mode:
    support: full
    details: Reads only.
  diff_mode:
    support: none
options:
  results_file:
    description: The async job's result file (the C(results_file) the async task registered).
    type: path
    required: true
  log:
    description: The file given to pip as C(--log).
    type: path
    required: true
  label:
    description: What is being installed, for the progress line.
    type: str
    default: packages
seealso:
  - module: ansible.builtin.async_status
"""

EXAMPLES = r"""
- name: Start pip
  ansible.builtin.pip:
    name: [keystone]
    virtualenv: /opt/stack/venv
    extra_args: --log /opt/stack/logs/pip.log
  async: 3600
  poll: 0
  register: pip_job

- name: Wait for pip
  gatekit.devstack.devstack_pip_progress:
    results_file: "{{ pip_job.results_file }}"
    log: /opt/stack/logs/pip.log
    label: keystone venv
  register: pip_wait
  until: pip_wait.finished
  retries: 720
  delay: 5
"""

RETURN = r"""
finished:
  description: Whether the pip job has finished.
  returned: always
  type: bool
gate_progress:
  description: The progress line.
  returned: always
  type: str
  sample: "pip: keystone venv, resolving, 48 packages, 37s"
progress:
  description: The parts of the line (C(phase), C(resolved), C(total), C(elapsed) seconds).
  returned: always
  type: dict
job:
  description: The job's own result, once it has finished.
  returned: when finished
  type: dict
"""

import json

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.gatekit.devstack.plugins.module_utils.common import read_text_or_none
from ansible_collections.gatekit.devstack.plugins.module_utils.devstack.pip_progress import pip_progress


def job_state(text):
    """``(finished, result)`` of an async result file's text (a partly written file: running)."""
    if not text:
        return False, {}
    try:
        data = json.loads(text)
    except ValueError:
        return False, {}
    if data.get("started") and not data.get("finished"):
        return False, data
    return True, data


def main():
    module = AnsibleModule(
        argument_spec={
            "results_file": {"type": "path", "required": True},
            "log": {"type": "path", "required": True},
            "label": {"type": "str", "default": "packages"},
        },
        supports_check_mode=True,
    )
    params = module.params
    finished, job = job_state(read_text_or_none(params["results_file"]))
    progress = pip_progress(read_text_or_none(params["log"]), params["label"])
    line = progress.pop("line")
    result = {"changed": False, "finished": finished, "gate_progress": line, "progress": progress}
    if finished:
        result["job"] = job
        result["changed"] = bool(job.get("changed"))
        if job.get("failed") or job.get("rc", 0) != 0:
            module.fail_json(msg=job.get("msg") or "pip failed", **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
