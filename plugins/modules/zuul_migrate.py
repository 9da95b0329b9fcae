#!/usr/bin/python
# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: zuul_migrate
short_description: Migrate a Zuul v2 layout.yaml and devstack-gate JJB jobs to native Zuul v3
version_added: "0.1.0"
description:
  - Zuul's own migration tool was removed from Zuul and devstack-gate is retired; this module converts a
    Zuul v2 C(layout.yaml) plus the Jenkins Job Builder definitions of devstack-gate jobs into native
    Zuul v3 configuration (C(zuul.d/) files) and a migration report.
  - Jenkins Job Builder itself expands the JJB templates, job groups and macros (no Jenkins needed).
  - A devstack-gate job whose environment the collection's legacy mapping can express becomes a native
    job whose parent is this collection's C(gatekit-tempest) / C(gatekit-devstack) (or DevStack's
    C(devstack-tempest) / C(devstack), see O(parent_style)); its C(DEVSTACK_GATE_*) flags are
    translated by the ONE legacy mapping of this collection
    (C(module_utils/legacy/mapping.py)) into C(devstack_localrc), C(devstack_services),
    C(tox_envlist), C(tempest_test_regex) and the nodeset.
  - v2 job matchers become C(voting), C(branches), C(files) and C(irrelevant-files); the JJB build timeout
    (minutes x 60, capped by O(max_timeout)) becomes C(timeout); C(PROJECTS) and
    C(DEVSTACK_PROJECT_FROM_GIT) become C(required-projects); C(BRANCH_OVERRIDE) becomes
    C(override-checkout); project pipelines (job trees become C(dependencies)) and project templates
    follow.
  - A job that cannot be expressed natively (arbitrary shell, hooks, grenade, a flag the mapping cannot
    translate) becomes a job whose parent (O(legacy_parent)) runs this collection's devstack-gate
    wrapper with the original environment, in the variables of the P(gatekit.devstack.devstack_gate#role)
    role's C(run) tasks - C(devstack_gate_job_env), C(devstack_gate_job_hooks) (C(pre_test_hook),
    C(gate_hook), C(post_test_hook) bodies), C(devstack_gate_job_local_conf), and
    C(devstack_gate_job_script) for other shell lines that ran before the wrapper - and the report says why.
  - Jobs that do not use devstack-gate, or that JJB does not define, are dropped and the report says why.
  - The result is validated (types, unknown keys, references) before anything is written.
author:
  - gatekit.devstack contributors (@gatekit)
extends_documentation_fragment:
  - gatekit.devstack.attributes
requirements:
  - jenkins-job-builder (pinned in the collection's requirements.txt)
attributes:
  diff_mode:
    details: One diff per file that is (or would be) written or removed.
options:
  layout:
    description: Path of the Zuul v2 C(layout.yaml).
    type: path
    required: true
  jjb_paths:
    description: JJB YAML files or directories (for example project-config's C(jenkins/jobs)).
    type: list
    elements: path
    required: true
  output_dir:
    description: Directory receiving C(zuul.d/<file_prefix>jobs.yaml), C(project-templates.yaml), C(projects.yaml).
    type: path
    required: true
  file_prefix:
    description: Prefix of the written C(zuul.d) file names.
    type: str
    default: migrated-
  report_path:
    description: Where to write the migration report (markdown). Default C(<output_dir>/migration-report.md).
    type: path
  parent_style:
    description: Parents of translated jobs - V(gatekit) (C(gatekit-tempest)/C(gatekit-devstack)) or V(devstack).
    type: str
    choices: [gatekit, devstack]
    default: gatekit
  nodesets:
    description:
      - Nodesets of translated jobs per devstack-gate topology, a mapping with keys C(aio) and C(multinode).
      - Default the collection's C(gatekit-single-node) / C(gatekit-two-node) with O(parent_style=gatekit),
        DevStack's C(openstack-single-node-noble) / C(openstack-two-node-noble) with O(parent_style=devstack).
    type: dict
  legacy_parent:
    description: Parent of jobs kept on the devstack-gate wrapper.
    type: str
    default: gatekit-legacy-dsvm
  default_node:
    description: The v2 default node label; stripped from job names.
    type: str
    default: ubuntu-xenial
  strip_suffixes:
    description: Further suffixes to strip from job names.
    type: list
    elements: str
    default: []
  skip_macros:
    description: Builder macros that only prepared Jenkins' workspace and are dropped.
    type: list
    elements: str
    default: [print-template-name, link-logs, net-info, devstack-checkout, zuul-git-prep,
              zuul-git-prep-upper-constraints, install-distro-packages, revoke-sudo, jenkins-slave-setup]
  max_timeout:
    description: Cap for job timeouts, in seconds.
    type: int
    default: 10800
  external_jobs:
    description: Further job names defined elsewhere in the tenant (accepted as references).
    type: list
    elements: str
    default: []
  external_nodesets:
    description: Nodeset names defined elsewhere in the tenant (the mapping's nodesets are added).
    type: list
    elements: str
    default: []
seealso:
  - module: gatekit.devstack.jjb_jobs
  - module: gatekit.devstack.zuul_config
"""

EXAMPLES = r"""
- name: Migrate project-config's devstack-gate jobs to Zuul v3
  gatekit.devstack.zuul_migrate:
    layout: /srv/project-config/zuul/layout.yaml
    jjb_paths: [/srv/project-config/jenkins/jobs]
    output_dir: /srv/project-config-v3
  register: migration

- name: Show what was kept on the legacy wrapper
  ansible.builtin.debug:
    msg: "{{ migration.report | selectattr('result', 'equalto', 'legacy') | map(attribute='job') | list }}"
"""

RETURN = r"""
report:
  description: One entry per v2 job referenced by the layout - C(job), C(result) (native, legacy or
    dropped), C(new_name), C(reasons), C(notes).
  returned: always
  type: list
  elements: dict
counts:
  description: Number of jobs per result.
  returned: always
  type: dict
  sample: {native: 14, legacy: 4, dropped: 45}
files:
  description: The files written (or that would be) because their content changed.
  returned: always
  type: list
  elements: str
"""

import os
import shutil
import tempfile

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError, write_files_result
from ansible_collections.gatekit.devstack.plugins.module_utils.legacy.jjb import JJBError, JJBMissing
from ansible_collections.gatekit.devstack.plugins.module_utils.legacy.zuul_migrate import (
    load_legacy_jobs,
    migrate,
    parse_layout,
    report_markdown,
    summarize,
)
from ansible_collections.gatekit.devstack.plugins.module_utils.zuul.config import render_zuul_config

try:
    import yaml

    HAS_YAML = True
except ImportError:
    HAS_YAML = False


def run(module):
    p = module.params
    try:
        with open(p["layout"], encoding="utf-8") as handle:
            layout_data = yaml.safe_load(handle)
    except OSError as err:
        raise GatekitInputError("layout", "cannot read %s: %s" % (p["layout"], err.strerror)) from None
    except yaml.YAMLError as err:
        raise GatekitInputError("layout", "%s is not YAML: %s" % (p["layout"], err)) from None
    layout = parse_layout(layout_data)
    for index, path in enumerate(p["jjb_paths"]):
        if not os.path.exists(path):
            raise GatekitInputError("jjb_paths[%d]" % index, "%s does not exist" % path)
    home = os.environ.get("HOME")
    workdir = None
    try:
        workdir = tempfile.mkdtemp(prefix="gatekit-migrate-")
        os.environ["HOME"] = workdir  # JJB caches under ~/.cache
        legacy = load_legacy_jobs(p["jjb_paths"], skip_macros=tuple(p["skip_macros"]))
    finally:
        if home is None:
            os.environ.pop("HOME", None)
        else:
            os.environ["HOME"] = home
        if workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    result = migrate(
        layout,
        legacy,
        parent_style=p["parent_style"],
        default_node=p["default_node"],
        max_timeout=p["max_timeout"],
        legacy_parent=p["legacy_parent"],
        strip_suffixes=tuple(p["strip_suffixes"]),
        nodesets=p["nodesets"],
    )
    external = result["external"]
    external["jobs"] = sorted(set(external["jobs"]) | set(p["external_jobs"]))
    external["nodesets"] = sorted(set(external["nodesets"]) | set(p["external_nodesets"]))
    files = render_zuul_config(result["config"], external=external)
    outputs = [(os.path.join(p["output_dir"], "zuul.d", p["file_prefix"] + name), text)
               for name, text in files.items()]
    report_path = p["report_path"] or os.path.join(p["output_dir"], "migration-report.md")
    outputs.append((report_path, report_markdown(result["report"], result["project_notes"])))
    out = {"changed": False, "report": result["report"], "counts": summarize(result["report"]), "files": []}
    out["files"], diffs = write_files_result(outputs, module.check_mode)
    out["changed"] = bool(out["files"])
    if module._diff:
        out["diff"] = diffs
    return out


def main():
    module = AnsibleModule(
        argument_spec={
            "layout": {"type": "path", "required": True},
            "jjb_paths": {"type": "list", "elements": "path", "required": True},
            "output_dir": {"type": "path", "required": True},
            "file_prefix": {"type": "str", "default": "migrated-"},
            "report_path": {"type": "path"},
            "parent_style": {"type": "str", "choices": ["gatekit", "devstack"], "default": "gatekit"},
            "nodesets": {"type": "dict"},
            "legacy_parent": {"type": "str", "default": "gatekit-legacy-dsvm"},
            "default_node": {"type": "str", "default": "ubuntu-xenial"},
            "strip_suffixes": {"type": "list", "elements": "str", "default": []},
            "skip_macros": {
                "type": "list",
                "elements": "str",
                "default": [
                    "print-template-name", "link-logs", "net-info", "devstack-checkout", "zuul-git-prep",
                    "zuul-git-prep-upper-constraints", "install-distro-packages", "revoke-sudo",
                    "jenkins-slave-setup",
                ],
            },
            "max_timeout": {"type": "int", "default": 10800},
            "external_jobs": {"type": "list", "elements": "str", "default": []},
            "external_nodesets": {"type": "list", "elements": "str", "default": []},
        },
        supports_check_mode=True,
    )
    if not HAS_YAML:
        module.fail_json(msg=missing_required_lib("PyYAML"))
    try:
        result = run(module)
    except GatekitInputError as err:
        module.fail_json(msg=str(err), key=getattr(err, "key", None))
    except JJBError as err:
        module.fail_json(msg="Jenkins Job Builder rejected the JJB input: %s" % err)
    except JJBMissing as err:
        module.fail_json(msg=str(err))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
