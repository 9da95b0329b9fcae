#!/usr/bin/python
# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: zuul_job
short_description: Resolve a Zuul v3 job and its parent chain from a Zuul configuration
version_added: 0.1.0
description:
  - Reads a C(zuul.d) directory, a C(.zuul.yaml) file or a repository holding either, finds
    the job O(name) and applies its parent chain the way Zuul does, so that the job can be run
    locally (C(make gate ZUUL_CONFIG=... JOB_NAME=...)).
  - Variables (C(vars), C(extra-vars), C(host-vars), C(group-vars)) are deep-merged down the
    chain with the child winning; C(!override) replaces instead of merging; C(required-projects)
    accumulate; C(pre-run) runs parents first and C(post-run) children first; other attributes
    are replaced by the child.
  - A parent that is defined nowhere (neither in O(config) nor in O(library)) is an error that
    names it and the chain that led to it.
  - Reads files only; changes nothing.
author:
  - gatekit.devstack developers (@gatekit)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
  platform:
    platforms: posix
options:
  config:
    description:
      - A zuul.d directory, a .zuul.yaml file, or a repository root holding one.
      - One of O(config), O(job) and O(job_file) is required.
    type: path
  job_file:
    description:
      - A YAML file holding one job definition (a job spec such as C(jobs/default.yml)),
        read as O(job). A missing file, invalid YAML or a non-mapping is an error naming
        the file.
    type: path
    version_added: 0.2.0
  job:
    description:
      - A single job definition (a job spec such as C(jobs/default.yml)) to resolve against
        O(library) (and O(config) when given); its C(name) is the job resolved.
      - Checked against Zuul's job schema first (unknown keys, types), each error naming the key.
    type: dict
  name:
    description: The job to resolve; defaults to the name of O(job).
    type: str
  library:
    description:
      - More Zuul configuration to resolve parents from (this collection's own C(zuul.d) job
        library, so jobs may use C(gatekit-tempest) and friends as parents).
      - O(config) is loaded after it, so a job defined in both is a variant from O(config).
    type: list
    elements: path
    default: []
  branch:
    description: The branch that job variants (C(branches)) are matched against.
    type: str
    default: master
"""

EXAMPLES = r"""
- name: Resolve a job spec file against the collection's job library
  gatekit.devstack.zuul_job:
    job: "{{ lookup('ansible.builtin.file', 'jobs/default.yml') | from_yaml }}"
    library:
      - "{{ playbook_dir }}/zuul.d"

- name: Resolve a project's job to run it locally
  gatekit.devstack.zuul_job:
    config: /src/my-project/.zuul.yaml
    name: my-project-tempest
    library:
      - "{{ playbook_dir }}/../zuul.d"
  register: job

- name: Show the merged variables
  ansible.builtin.debug:
    var: job.job.vars
"""

RETURN = r"""
job:
  description: The resolved job. Encrypted secrets are replaced by C(<encrypted>).
  returned: success
  type: dict
  sample:
    name: my-project-tempest
    parent: gatekit-tempest
    chain: [gatekit-devstack-base, gatekit-devstack, gatekit-tempest, my-project-tempest]
    nodeset: gatekit-single-node
    vars: {tox_envlist: all}
node_count:
  description: How many nodes the job's nodeset has, when the nodeset is known.
  returned: success
  type: int
  sample: 1
nodes:
  description:
    - The names of the nodeset's nodes in order, when the nodeset is known (C(host-vars) are keyed by them).
  returned: success
  type: list
  elements: str
  sample: [controller, compute1]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError
from ansible_collections.gatekit.devstack.plugins.module_utils.zuul.job import (
    collect,
    load_job_file,
    load_paths,
    node_count,
    node_names,
    plain,
    resolve,
)
from ansible_collections.gatekit.devstack.plugins.module_utils.zuul.schema import check_job


def main():
    module = AnsibleModule(
        argument_spec={
            "config": {"type": "path"},
            "job": {"type": "dict"},
            "job_file": {"type": "path"},
            "name": {"type": "str"},
            "library": {"type": "list", "elements": "path", "default": []},
            "branch": {"type": "str", "default": "master"},
        },
        required_one_of=[("config", "job", "job_file")],
        mutually_exclusive=[("job", "job_file")],
        supports_check_mode=True,
    )
    params = module.params
    if params["job_file"]:
        try:
            params["job"] = load_job_file(params["job_file"])
        except GatekitInputError as err:
            module.fail_json(msg=str(err))
    if params["job"] is not None:
        errors = []
        check_job(params["job"], params["job_file"] or "job", errors)
        if errors:
            module.fail_json(msg="; ".join("%s: %s" % (path, reason) for path, reason in errors),
                             errors=["%s: %s" % (path, reason) for path, reason in errors])
    name = params["name"] or (params["job"] or {}).get("name")
    if not name:
        module.fail_json(msg="name: give the job to resolve (or a job with a `name`)")
    try:
        jobs, nodesets = load_paths(list(params["library"]) + ([params["config"]] if params["config"] else []))
        if params["job"] is not None:
            collect([{"job": params["job"]}], "job", jobs, nodesets)
        job = resolve(jobs, name, params["branch"])
    except GatekitInputError as err:
        module.fail_json(msg=str(err))
    except (OSError, UnicodeDecodeError) as err:
        module.fail_json(msg="config: cannot read %s: %s" % (params["config"], err))
    if job["abstract"]:
        module.fail_json(msg="%s: the job is abstract; run one of its children" % name)
    module.exit_json(changed=False, job=plain(job), node_count=node_count(job.get("nodeset"), nodesets),
                     nodes=node_names(job.get("nodeset"), nodesets))


if __name__ == "__main__":
    main()
