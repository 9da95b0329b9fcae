#!/usr/bin/python
# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: devstack_gate_env
short_description: Write the devstack-gate environment file and /tmp/dg-local.conf for a job
version_added: "0.1.0"
description:
  - Renders the environment a legacy devstack-gate run (C(devstack-vm-gate-wrap.sh)) expects, as a file of
    C(export NAME=value) lines with every value shell-quoted, so C(source <path>) reproduces it exactly.
  - The environment holds Zuul's legacy variables (the same as the P(gatekit.devstack.zuul_legacy_vars#filter)
    filter, from O(zuul)), C(WORKSPACE), then the job's settings sorted by name - C(DEVSTACK_GATE_*) flags,
    C(PROJECTS), C(DEVSTACK_PROJECT_FROM_GIT), C(ENABLED_SERVICES), C(BUILD_TIMEOUT) (ms), C(TEMPEST_CONCURRENCY), ...
  - The job is given either as native Zuul v3 job variables (O(job_vars), translated by the collection's one
    legacy mapping, C(module_utils/legacy/mapping.py)) or as legacy settings (O(legacy_env), written as given).
    Either way the module returns both forms and notes on anything that cannot be translated.
  - The C(/tmp/dg-local.conf) text (localrc settings, plugins, meta-sections that have no C(DEVSTACK_GATE_*)
    flag) is written to O(local_conf_path) when set.
  - Unknown C(DEVSTACK_GATE_*) keys in O(legacy_env) are reported as warnings (devstack-gate turned any such key
    into a test-matrix feature).
author:
  - gatekit.devstack contributors (@gatekit)
extends_documentation_fragment:
  - gatekit.devstack.file_output
  - gatekit.devstack.attributes
options:
  path:
    description: The environment file to write.
    type: path
    required: true
  local_conf_path:
    description:
      - Where to write the C(/tmp/dg-local.conf) text (usually C(/tmp/dg-local.conf)). Not written when omitted.
    type: path
  mode:
    description: Mode of the files written (octal string). Existing files are set to it too.
    type: str
    default: "0644"
  job_vars:
    description:
      - Native job variables (C(devstack_localrc), C(devstack_services), C(devstack_plugins), C(devstack_local_conf),
        C(tempest_plugins), C(tox_envlist), C(tempest_test_regex), C(tempest_concurrency), C(tempest_test_timeout),
        C(devstack_gate_env)). Mutually exclusive with O(legacy_env).
    type: dict
  nodeset:
    description: The job's nodeset (name or inline dict); a multi-node nodeset sets C(DEVSTACK_GATE_TOPOLOGY=multinode).
    type: raw
  required_projects:
    description: The job's C(required-projects) (names or dicts with C(name) and C(override-checkout)); become C(PROJECTS).
    type: list
    elements: raw
  timeout:
    description: The job timeout in seconds; C(BUILD_TIMEOUT) is written in milliseconds.
    type: int
  override_checkout:
    description: The job's C(override-checkout); written as C(OVERRIDE_ZUUL_BRANCH).
    type: str
  group_vars:
    description: The job's C(group-vars); C(subnodes) (or C(subnode)) DevStack settings become C(DEVSTACK_SUBNODE_CONFIG).
    type: dict
  legacy_env:
    description:
      - Legacy settings (C(DEVSTACK_GATE_*), C(PROJECTS), C(DEVSTACK_LOCAL_CONFIG), ...), written as given.
        Mutually exclusive with O(job_vars).
    type: dict
  dg_local_conf:
    description: With O(legacy_env), the text of C(/tmp/dg-local.conf) to write to O(local_conf_path).
    type: str
  zuul:
    description: The job's C(zuul) variable; adds Zuul's legacy variables (C(ZUUL_*), C(WORKSPACE), C(BUILD_TIMEOUT)).
    type: dict
  workspace:
    description: C(WORKSPACE) for the wrapper (default C(/home/zuul/workspace), Zuul's legacy value).
    type: str
  branch:
    description: The branch under test, which decides devstack-gate's defaults (default C(zuul.branch) or C(master)).
    type: str
seealso:
  - module: gatekit.devstack.devstack_local_conf
"""

EXAMPLES = r"""
- name: Legacy environment for the native job being run
  gatekit.devstack.devstack_gate_env:
    path: "{{ ansible_user_dir }}/workspace/devstack-gate-env.sh"
    local_conf_path: /tmp/dg-local.conf
    job_vars:
      devstack_services: {tempest: true, tls-proxy: true}
      devstack_localrc: {ENABLE_FILE_INJECTION: true}
      tox_envlist: full
    timeout: 7200
    zuul: "{{ zuul | default(omit) }}"

- name: A legacy job's settings, as its run.yaml exported them
  gatekit.devstack.devstack_gate_env:
    path: /home/zuul/workspace/devstack-gate-env.sh
    local_conf_path: /tmp/dg-local.conf
    legacy_env:
      DEVSTACK_GATE_TEMPEST: 1
      DEVSTACK_GATE_TEMPEST_FULL: 1
      DEVSTACK_GATE_TLSPROXY: 1
    dg_local_conf: |
      [[local|localrc]]
      ENABLE_FILE_INJECTION=True
  register: gate_env

- name: Show what the legacy job means as native job variables
  ansible.builtin.debug:
    var: gate_env.native.vars
"""

RETURN = r"""
env:
  description: The environment written to O(path), in file order.
  returned: success
  type: dict
  sample: {WORKSPACE: /home/zuul/workspace, DEVSTACK_GATE_TEMPEST: "1", DEVSTACK_GATE_TEMPEST_FULL: "1"}
dg_local_conf:
  description: The C(/tmp/dg-local.conf) text (empty when there is nothing to add).
  returned: success
  type: str
  sample: "[[local|localrc]]\nENABLE_FILE_INJECTION=\"True\"\n\n"
native:
  description:
    - The job as native variables (C(vars), C(parent), C(nodeset), C(required_projects), C(timeout), ...); with
      O(job_vars) only C(vars).
  returned: success
  type: dict
notes:
  description: What could not be translated between the legacy and native forms.
  returned: success
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.gatekit.devstack.plugins.module_utils.common import (
    GatekitInputError,
    octal_mode,
    write_file_result,
)
from ansible_collections.gatekit.devstack.plugins.module_utils.legacy.gate_env import gate_environment, render_env_file

HEADER = "devstack-gate environment written by gatekit.devstack.devstack_gate_env.\nUse: source this file, then run devstack-vm-gate-wrap.sh."

ARGUMENT_SPEC = {
    "path": {"type": "path", "required": True},
    "local_conf_path": {"type": "path"},
    "mode": {"type": "str", "default": "0644"},
    "job_vars": {"type": "dict"},
    "nodeset": {"type": "raw"},
    "required_projects": {"type": "list", "elements": "raw"},
    "timeout": {"type": "int"},
    "override_checkout": {"type": "str"},
    "group_vars": {"type": "dict"},
    "legacy_env": {"type": "dict"},
    "dg_local_conf": {"type": "str"},
    "zuul": {"type": "dict"},
    "workspace": {"type": "str"},
    "branch": {"type": "str"},
}


def main():
    module = AnsibleModule(
        argument_spec=ARGUMENT_SPEC,
        supports_check_mode=True,
        mutually_exclusive=[("job_vars", "legacy_env"), ("job_vars", "dg_local_conf")],
        required_one_of=[("job_vars", "legacy_env")],
    )
    params = module.params
    mode = octal_mode(params["mode"])
    if mode is None:
        module.fail_json(msg="mode: must be an octal string such as 0644, got %r" % params["mode"])
    try:
        result = gate_environment(
            job_vars=params["job_vars"],
            legacy_env=params["legacy_env"],
            dg_local_conf=params["dg_local_conf"],
            zuul=params["zuul"],
            workspace=params["workspace"],
            nodeset=params["nodeset"],
            required_projects=params["required_projects"],
            timeout=params["timeout"],
            override_checkout=params["override_checkout"],
            group_vars=params["group_vars"],
            branch=params["branch"],
        )
        env_text = render_env_file(result["env"], header=HEADER)
    except GatekitInputError as err:
        module.fail_json(msg=str(err), key=err.key)
    if params["legacy_env"] is not None:
        for key in result["native"]["unknown"]:
            module.warn("%s: not a devstack-gate setting (devstack-gate would turn it into a test-matrix feature)" % key)
    changed = False
    diffs = []
    targets = [(params["path"], env_text)]
    if params["local_conf_path"]:
        targets.append((params["local_conf_path"], result["dg_local_conf"]))
    for path, text in targets:
        try:
            written = write_file_result(path, text, check_mode=module.check_mode, mode=mode)
        except OSError as err:
            module.fail_json(msg="%s: cannot write: %s" % (path, err))
        changed = changed or written["changed"]
        diffs.append(written["diff"])
    module.exit_json(
        changed=changed,
        env=result["env"],
        dg_local_conf=result["dg_local_conf"],
        native=result["native"],
        notes=result["notes"],
        diff=diffs,
    )


if __name__ == "__main__":
    main()
