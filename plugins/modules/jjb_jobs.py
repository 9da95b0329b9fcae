#!/usr/bin/python
# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: jjb_jobs
short_description: Render devstack-gate Jenkins Job Builder YAML and expand it into Jenkins config.xml with JJB
version_added: "0.1.0"
description:
  - Renders Jenkins Job Builder (JJB) YAML from a structured description of devstack-gate jobs
    (C(defaults), C(job-template), C(job), C(job-group), C(project)), plus the builder, wrapper and
    publisher macros such a job calls (C(build-timeout), C(print-template-name), C(link-logs),
    C(net-info), C(devstack-checkout), C(devstack-logs), C(console-log)).
  - Jenkins Job Builder itself (the pinned C(jenkins-job-builder) library, in-process, no Jenkins
    server) expands the rendered YAML, together with any existing JJB files given in O(sources),
    into one C(<job>/config.xml) per job in O(output_dir), the layout of C(jenkins-jobs test --config-xml).
  - JJB errors (a missing template parameter, an unknown macro) fail the task with a message that
    names the job, template, group and project and the file position; nothing is written then.
  - Each job's shell builder exports its C(devstack_gate_env), writes
    C(/tmp/dg-local.conf), defines C(pre_test_hook) / C(post_test_hook) and runs the safe copy of
    C(devstack-vm-gate-wrap.sh) installed by the P(gatekit.devstack.devstack_gate#role) role.
author:
  - gatekit.devstack contributors (@gatekit)
extends_documentation_fragment:
  - gatekit.devstack.attributes
requirements:
  - jenkins-job-builder (pinned in the collection's requirements.txt) on the host that runs the module
attributes:
  diff_mode:
    details: One diff per file that is (or would be) written or removed.
options:
  output_dir:
    description: Directory that receives C(<job-name>/config.xml) for every expanded job. Created when missing.
    type: path
    required: true
  yaml_path:
    description:
      - Where to write the rendered JJB YAML. When omitted the YAML is only used to expand the jobs.
    type: path
  sources:
    description: Existing JJB YAML files or directories expanded together with the rendered YAML.
    type: list
    elements: path
    default: []
  defaults:
    description: JJB C(defaults) (named C(global) unless it has a C(name)). Omitted when not given.
    type: dict
  job_templates:
    description:
      - devstack-gate job templates. Each item has C(name) (JJB format string, e.g.
        C({pipeline}-tempest-dsvm-full-{node}{suffix})), C(node) (default C({node})), C(timeout)
        (minutes, default 120), C(description), C(devstack_gate_env) (dict of environment variables),
        C(projects) (extra C(PROJECTS)), C(local_conf) (text for C(/tmp/dg-local.conf)),
        C(pre_test_hook) / C(post_test_hook) (bash), C(branch_override) (default C({branch-override})),
        C(parameters) (extra template parameters) and C(extra) (raw JJB job keys, win over the rest).
      - In templates C(devstack_gate_env) values are JJB format strings; hook and local.conf text is literal.
    type: list
    elements: dict
    default: []
  jobs:
    description:
      - Concrete devstack-gate jobs, same keys as O(job_templates) (no template parameters; every
        brace is literal; C(branch_override) only when given).
    type: list
    elements: dict
    default: []
  job_specs:
    description:
      - Job specs in the shape of a Zuul v3 job (the collection's C(jobs/*.yml)), rendered as plain JJB jobs.
      - Each spec is resolved against its parent chain (the other specs and this collection's job library,
        C(gatekit-tempest) ...) as Zuul merges jobs, then the collection's legacy mapping gives its
        devstack-gate environment and C(/tmp/dg-local.conf); the Jenkins label is O(job_spec_node)
        (with C(-2-node) appended for a multinode nodeset) and the timeout is the job's, in minutes.
    type: list
    elements: dict
    default: []
  job_spec_node:
    description: Jenkins node label for jobs rendered from O(job_specs).
    type: str
    default: gatekit-bookworm
  job_groups:
    description: JJB job groups, C({name, jobs, <parameters>}).
    type: list
    elements: dict
    default: []
  projects:
    description: JJB projects, C({name, jobs, <parameters>}); a list parameter expands as a cartesian product.
    type: list
    elements: dict
    default: []
  raw:
    description: "Extra JJB objects (one-key mappings such as C({job: {...}})) passed through unchanged."
    type: list
    elements: dict
    default: []
  macros:
    description: Render the standard devstack-gate macros. Set to V(false) when O(sources) define them.
    type: bool
    default: true
  wrapper_dir:
    description: Directory on the worker holding C(devstack-vm-gate-wrap.sh); C(devstack-checkout) copies it.
    type: str
    default: /usr/local/gatekit/devstack-gate
  names:
    description: Only write jobs matching one of these shell globs (like C(jenkins-jobs test DIR NAME)).
    type: list
    elements: str
    default: []
  allow_empty_variables:
    description: Let JJB replace a missing template parameter with an empty string instead of failing.
    type: bool
    default: false
  prune:
    description:
      - Remove C(<dir>/config.xml) entries under O(output_dir) that JJB no longer generates
        (only directories that hold nothing but C(config.xml)).
    type: bool
    default: false
notes:
  - Literal braces in JJB strings are doubled (C({{ }})); this module doubles them in hooks, local.conf
    text and in plain jobs for you.
seealso:
  - module: gatekit.devstack.zuul_migrate
"""

EXAMPLES = r"""
- name: Render the devstack-gate jobs of a site and the Jenkins XML for them
  gatekit.devstack.jjb_jobs:
    yaml_path: "{{ build_dir }}/jjb/devstack-gate.yaml"
    output_dir: "{{ build_dir }}/jenkins"
    defaults:
      project-type: freestyle
      concurrent: true
    job_templates:
      - name: "{pipeline}-tempest-dsvm-full-{node}{suffix}"
        timeout: 180
        devstack_gate_env:
          DEVSTACK_GATE_TEMPEST: 1
          DEVSTACK_GATE_TEMPEST_FULL: 1
          DEVSTACK_GATE_TLSPROXY: 1
    job_groups:
      - name: devstack-jobs
        jobs: ["{pipeline}-tempest-dsvm-full-{node}{suffix}"]
    projects:
      - name: devstack-gate
        pipeline: [check, gate]
        node: debian-bookworm
        suffix: ""
        branch-override: default
        jobs: [devstack-jobs]

- name: The collection's default job (jobs/default.yml) as a Jenkins job
  gatekit.devstack.jjb_jobs:
    job_specs:
      - "{{ lookup('ansible.builtin.file', 'jobs/default.yml') | from_yaml }}"
    output_dir: "{{ build_dir }}/jenkins"

- name: Expand an existing project-config tree with JJB (its own macros), only tempest jobs
  gatekit.devstack.jjb_jobs:
    sources: [/srv/project-config/jenkins/jobs]
    macros: false
    names: ["*tempest*"]
    output_dir: /tmp/jenkins-xml
    prune: true
"""

RETURN = r"""
notes:
  description: For each job rendered from O(job_specs), what the legacy mapping could not translate.
  returned: always
  type: dict
jobs:
  description: Names of the jobs JJB generated (after O(names) filtering), sorted.
  returned: always
  type: list
  elements: str
  sample: [check-tempest-dsvm-full-debian-bookworm, gate-tempest-dsvm-full-debian-bookworm]
changed_jobs:
  description: Jobs whose config.xml was (or, in check mode, would be) created or changed.
  returned: always
  type: list
  elements: str
removed:
  description: config.xml paths removed by O(prune).
  returned: always
  type: list
  elements: str
yaml_path:
  description: Where the rendered JJB YAML was written, if O(yaml_path) was given.
  returned: always
  type: str
jjb_version:
  description: Version of jenkins-job-builder that expanded the jobs.
  returned: always
  type: str
  sample: 6.5.0
"""

import os
import shutil
import tempfile

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.gatekit.devstack.plugins.module_utils.common import (
    GatekitInputError,
    write_file_result,
)
from ansible_collections.gatekit.devstack.plugins.module_utils.legacy.jjb import (
    DEFAULT_WRAPPER_DIR,
    JJBError,
    JJBMissing,
    config_xml_path,
    dump_jjb_yaml,
    expand_jjb,
    jjb_version,
    jobs_from_specs,
    render_jjb,
)

SPEC_OPTIONS = ("defaults", "job_templates", "jobs", "job_groups", "projects", "raw", "macros", "wrapper_dir")


def _stale(output_dir, keep):
    """config.xml files under output_dir not in keep (dirs holding only config.xml)."""
    stale = []
    if not os.path.isdir(output_dir):
        return stale
    for root, dirs, files in os.walk(output_dir):
        dirs.sort()
        if files == ["config.xml"] and not dirs:
            rel = os.path.relpath(os.path.join(root, "config.xml"), output_dir)
            if rel not in keep:
                stale.append(rel)
    return sorted(stale)


def run(module):
    params = module.params
    spec = {key: params[key] for key in SPEC_OPTIONS if params.get(key) is not None}
    notes = {}
    if params["job_specs"]:
        spec_jobs, notes = jobs_from_specs(params["job_specs"], node=params["job_spec_node"])
        spec["jobs"] = list(spec.get("jobs") or []) + spec_jobs
    objects = render_jjb(spec)
    yaml_text = dump_jjb_yaml(objects)
    workdir = tempfile.mkdtemp(prefix="gatekit-jjb-")
    try:
        rendered = os.path.join(workdir, "gatekit-rendered.yaml")
        with open(rendered, "w", encoding="utf-8") as handle:
            handle.write(yaml_text)
        for index, source in enumerate(params["sources"]):
            if not os.path.exists(source):
                raise GatekitInputError("sources[%d]" % index, "%s does not exist" % source)
        home = os.environ.get("HOME")
        os.environ["HOME"] = workdir  # JJB keeps caches under ~/.cache: keep them out of the user's home
        try:
            jobs = expand_jjb(
                [rendered] + list(params["sources"]),
                allow_empty_variables=params["allow_empty_variables"],
                names=params["names"] or None,
            )
        finally:
            if home is None:
                os.environ.pop("HOME", None)
            else:
                os.environ["HOME"] = home
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    result = {"changed": False, "jobs": [], "changed_jobs": [], "removed": [], "notes": notes,
              "yaml_path": params["yaml_path"] or ""}
    diffs = []
    check = module.check_mode
    if params["yaml_path"]:
        if not check:
            os.makedirs(os.path.dirname(os.path.abspath(params["yaml_path"])), exist_ok=True)
        res = write_file_result(params["yaml_path"], yaml_text, check)
        if res["changed"]:
            result["changed"] = True
            diffs.append(res["diff"])
    output_dir = params["output_dir"]
    keep = set()
    for job in jobs:
        rel = config_xml_path(job.name)
        keep.add(rel)
        path = os.path.join(output_dir, rel)
        if not check:
            os.makedirs(os.path.dirname(path), exist_ok=True)
        res = write_file_result(path, job.xml.decode("utf-8"), check)
        result["jobs"].append(job.name)
        if res["changed"]:
            result["changed"] = True
            result["changed_jobs"].append(job.name)
            diffs.append(res["diff"])
    if params["prune"]:
        for rel in _stale(output_dir, keep):
            path = os.path.join(output_dir, rel)
            result["removed"].append(path)
            result["changed"] = True
            diffs.append({"before": "config.xml", "after": "", "before_header": path, "after_header": "(removed)"})
            if not check:
                os.unlink(path)
                try:
                    os.rmdir(os.path.dirname(path))
                except OSError:
                    pass
    result["jjb_version"] = jjb_version() or ""
    if module._diff:
        result["diff"] = diffs
    return result


def main():
    module = AnsibleModule(
        argument_spec={
            "output_dir": {"type": "path", "required": True},
            "yaml_path": {"type": "path"},
            "sources": {"type": "list", "elements": "path", "default": []},
            "defaults": {"type": "dict"},
            "job_templates": {"type": "list", "elements": "dict", "default": []},
            "jobs": {"type": "list", "elements": "dict", "default": []},
            "job_specs": {"type": "list", "elements": "dict", "default": []},
            "job_spec_node": {"type": "str", "default": "gatekit-bookworm"},
            "job_groups": {"type": "list", "elements": "dict", "default": []},
            "projects": {"type": "list", "elements": "dict", "default": []},
            "raw": {"type": "list", "elements": "dict", "default": []},
            "macros": {"type": "bool", "default": True},
            "wrapper_dir": {"type": "str", "default": DEFAULT_WRAPPER_DIR},
            "names": {"type": "list", "elements": "str", "default": []},
            "allow_empty_variables": {"type": "bool", "default": False},
            "prune": {"type": "bool", "default": False},
        },
        supports_check_mode=True,
    )
    try:
        result = run(module)
    except GatekitInputError as err:
        module.fail_json(msg=str(err), key=err.key)
    except JJBError as err:
        module.fail_json(msg="Jenkins Job Builder rejected the jobs: %s" % err)
    except JJBMissing as err:
        module.fail_json(msg=str(err))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
