#!/usr/bin/python
# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: zuul_config
short_description: Render and validate Zuul v3 configuration into zuul.d/*.yaml
description:
  - Renders Zuul v3 configuration objects (pipelines, queues, semaphores, secrets, nodesets, jobs,
    project-templates, projects) given as structured data into one file per object type in O(dest).
  - Validates everything B(before) writing, with errors that name the object and the key.
    The schema is zuul 14.3's own (every attribute of C(JobParser), the nodeset, secret, project,
    project-template, pipeline, semaphore and queue schemas, the Gerrit, timer and zuul driver
    trigger/reporter schemas), encoded in the collection so zuul need not be installed.
  - Also checks what Zuul only checks when it builds a tenant layout, unknown parent job,
    unknown nodeset, secret, semaphore, queue, project-template, pipeline or job,
    parent cycles, an abstract job in a project pipeline, duplicate names, and, with
    O(repo_root), playbook paths missing in the repository.
  - Output is deterministic, a re-render of the same input is byte-identical and a small
    change in the input gives a small diff. Objects are sorted by name (pipelines keep their input
    order), keys follow a fixed order per object type, nested mappings are sorted with C(name) first,
    lists keep their order.
  - Files are written atomically and only when their content changes; nothing is written when
    validation fails.
version_added: 0.1.0
author:
  - gatekit.devstack contributors (@gatekit)
extends_documentation_fragment:
  - gatekit.devstack.attributes
options:
  config:
    description:
      - The objects to render, a mapping with any of the keys C(pipelines), C(queues), C(semaphores),
        C(secrets), C(nodesets), C(jobs), C(project_templates) (or C(project-templates)), C(projects).
        Each is a list of the mappings Zuul reads for that stanza, with Zuul's key spellings
        (C(pre-run), C(required-projects), ...).
      - Files written, C(pipelines.yaml), C(queues.yaml), C(semaphores.yaml), C(secrets.yaml),
        C(nodesets.yaml), C(jobs.yaml), C(project-templates.yaml), C(projects.yaml); only those
        with objects.
      - "YAML tags are written as one-key mappings: C({'!inherit': [...]}), C({'!override': {...}})
        on the attributes Zuul lets you merge-control (C(vars), C(required-projects), C(files), ...),
        and C({'!encrypted/pkcs1-oaep': [chunk, ...]}) inside secret C(data)."
    type: dict
    required: true
  dest:
    description:
      - The directory to write, usually C(zuul.d) in a project's repository. Created when missing.
    type: path
    required: true
  repo_root:
    description:
      - The repository root that playbook paths (C(pre-run), C(run), C(post-run), C(cleanup-run))
        are relative to. When set, each playbook must exist there.
      - When not set, playbook paths are not checked.
    type: path
  external:
    description:
      - Names of objects defined elsewhere in the tenant (for example zuul-jobs' C(base) job),
        so references to them are accepted. Keys as in O(config), values lists of names.
      - Project pipelines are checked against the pipelines of O(config) plus C(external.pipelines)
        only when one of them names any pipeline.
    type: dict
    default: {}
  connections:
    description:
      - Connection names and their driver, as in the tenant's zuul.conf. Pipelines may only use
        these in C(trigger), C(require), C(reject) and reporters.
      - The drivers C(gerrit), C(timer) and C(zuul) are validated; any other driver's settings are
        accepted as they are.
    type: dict
    default: {gerrit: gerrit, timer: timer, zuul: zuul}
  prune:
    description:
      - Remove files of the fixed set above that this O(config) no longer produces (for example
        C(secrets.yaml) after the last secret was removed). Other files in O(dest) are never touched.
    type: bool
    default: false
attributes:
  diff_mode:
    details: One diff per file that is (or would be) written or removed.
notes:
  - Round-trip tested against zuul 14.3.0's own parsers (C(safe_load_yaml), C(JobParser),
    C(NodeSetParser), C(ProjectParser), C(ProjectTemplateParser), C(SecretParser), C(PipelineParser)).
  - The collection ships its own job library in C(zuul.d/) (C(gatekit-devstack-base),
    C(gatekit-devstack), C(gatekit-tempest), C(gatekit-tempest-multinode)) rendered by this module's
    renderer; see docs/modules/zuul_config.md.
"""

EXAMPLES = r"""
- name: Render a project's Zuul configuration
  gatekit.devstack.zuul_config:
    dest: "{{ project_dir }}/zuul.d"
    repo_root: "{{ project_dir }}"
    external:
      jobs: [base]
    config:
      nodesets:
        - name: gatekit-single-node
          nodes:
            - name: controller
              label: gatekit-bookworm
          groups:
            - name: primary
              nodes: [controller]
      jobs:
        - name: my-tempest
          parent: base
          nodeset: gatekit-single-node
          run: playbooks/zuul/run.yaml
          timeout: 7200
          required-projects:
            "!inherit":
              - openstack/keystone
          vars:
            tox_envlist: all
      projects:
        - name: org/my-project
          check:
            jobs:
              - my-tempest
          gate:
            jobs:
              - my-tempest:
                  voting: true

- name: Pipelines with Gerrit triggers, approvals and Verified votes
  gatekit.devstack.zuul_config:
    dest: /srv/project-config/zuul.d
    config:
      pipelines:
        - name: check
          manager: independent
          trigger:
            gerrit:
              - event: patchset-created
              - event: comment-added
                comment: (?i)^(Patch Set [0-9]+:)?( [\w\\+-]*)*(\n\n)?\s*recheck
          success:
            gerrit:
              Verified: 1
          failure:
            gerrit:
              Verified: -1
        - name: gate
          manager: dependent
          require:
            gerrit:
              open: true
              current-patchset: true
              approval:
                - Code-Review: 2
                - Workflow: 1
          trigger:
            gerrit:
              - event: comment-added
                approval:
                  - Workflow: 1
          success:
            gerrit:
              Verified: 2
              submit: true
          failure:
            gerrit:
              Verified: -2
  check_mode: true
  diff: true
"""

RETURN = r"""
files:
  description: Every file the configuration renders to (absolute paths), in a fixed order.
  returned: success
  type: list
  elements: str
  sample: [/src/zuul.d/nodesets.yaml, /src/zuul.d/jobs.yaml]
changed_files:
  description: The files whose content changed (or would change in check mode).
  returned: success
  type: list
  elements: str
removed:
  description: Files removed (or that would be) by O(prune).
  returned: success
  type: list
  elements: str
counts:
  description: Number of objects of each type rendered.
  returned: success
  type: dict
  sample: {pipelines: 0, queues: 0, semaphores: 0, secrets: 0, nodesets: 2, jobs: 4, project_templates: 0, projects: 0}
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.gatekit.devstack.plugins.module_utils.common import (
    GatekitInputError,
    write_file_result,
)
from ansible_collections.gatekit.devstack.plugins.module_utils.zuul.config import (
    FILES,
    count_objects,
    render_zuul_config,
)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            config=dict(type="dict", required=True),
            dest=dict(type="path", required=True),
            repo_root=dict(type="path"),
            external=dict(type="dict", default={}),
            connections=dict(type="dict", default={"gerrit": "gerrit", "timer": "timer", "zuul": "zuul"}),
            prune=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    params = module.params
    dest = params["dest"]
    repo_root = params["repo_root"]
    playbook_exists = None
    if repo_root is not None:
        if not os.path.isdir(repo_root):
            module.fail_json(msg="repo_root: %s is not a directory" % repo_root)

        def playbook_exists(path):
            return os.path.isfile(os.path.join(repo_root, path))

    try:
        rendered = render_zuul_config(params["config"], playbook_exists=playbook_exists,
                                      external=params["external"], connections=params["connections"])
    except GatekitInputError as err:
        module.fail_json(msg=str(err), errors=["%s: %s" % e for e in getattr(err, "errors", [(err.key, err.reason)])])

    if os.path.exists(dest) and not os.path.isdir(dest):
        module.fail_json(msg="dest: %s exists and is not a directory" % dest)
    if not os.path.isdir(dest) and not module.check_mode:
        os.makedirs(dest, mode=0o755)

    files, changed_files, removed, diffs = [], [], [], []
    for _key, _stanza, filename in FILES:
        path = os.path.join(dest, filename)
        if filename in rendered:
            files.append(path)
            result = write_file_result(path, rendered[filename], check_mode=module.check_mode)
            if result["changed"]:
                changed_files.append(path)
                diffs.append(result["diff"])
        elif params["prune"] and os.path.isfile(path):
            removed.append(path)
            with open(path, encoding="utf-8", errors="surrogateescape") as handle:
                before = handle.read()
            diffs.append({"before": before, "after": "", "before_header": path,
                          "after_header": "%s (absent)" % path})
            if not module.check_mode:
                os.unlink(path)

    changed = bool(changed_files or removed)
    module.exit_json(changed=changed, files=files, changed_files=changed_files, removed=removed,
                     counts=count_objects(params["config"]), diff=diffs)


if __name__ == "__main__":
    main()
