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
  - gatekit.devstack.attributes
attributes:
  diff_mode:
    description: Reads only; there is nothing to diff.
    support: none
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
  resolve:
    description:
      - Apply the job's parent chain. V(false) takes O(job) as given (a job already resolved,
        or one whose parent is defined outside the configuration) - no schema check, no chain.
    type: bool
    default: true
    version_added: 0.3.0
  spec:
    description:
      - Also check the job as a gate job spec and return RV(spec) - C(name) a job name,
        C(vars) a mapping, C(timeout) a positive integer, C(voting) a boolean, a nodeset with
        at least one node, C(host-vars) keyed by the nodeset's nodes, C(group-vars) a mapping
        of group name to variables - every problem naming its key.
      - The job as written (O(job), O(job_file)) is checked for its shape before its parent
        chain is applied, the resolved job for its nodes after.
    type: bool
    default: false
    version_added: 0.3.0
  nodesets:
    description:
      - With O(spec), the number of nodes of nodesets that are not defined in the Zuul
        configuration (name -> count).
    type: dict
    default: {}
    version_added: 0.3.0
  node_count:
    description:
      - With O(spec) and O(resolve=false) (no Zuul configuration is read), the number of nodes
        of a named nodeset that is not in O(nodesets).
    type: int
    version_added: 0.3.0
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
spec:
  description:
    - With O(spec), the job laid out for the gate's hosts - C(name), C(nodeset), C(node_count),
      C(nodes), C(timeout), C(voting), C(vars) (every host), C(group_vars) (group name ->
      variables, over C(vars) on that group's hosts) and C(node_vars) (per node position, its
      C(host-vars), applied last).
  returned: when O(spec) is true
  type: dict
  sample:
    name: gatekit-tempest-multinode
    nodeset: gatekit-two-node
    node_count: 2
    nodes: [controller, compute1]
    timeout: 7200
    voting: true
    vars: {tox_envlist: all}
    group_vars: {subnodes: {devstack_services: {tempest: false}}}
    node_vars: [{}, {}]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError
from ansible_collections.gatekit.devstack.plugins.module_utils.gate.job_spec import gate_spec, shape_problems
from ansible_collections.gatekit.devstack.plugins.module_utils.zuul.job import (
    collect,
    load_job_file,
    load_paths,
    node_names,
    plain,
    resolve,
)
from ansible_collections.gatekit.devstack.plugins.module_utils.zuul.schema import check_job


def _given_job_problems(params):
    """Problems of the job as written: its shape (with ``spec``) and Zuul's schema (when resolving)."""
    problems = shape_problems(params["job"]) if params["spec"] else []
    if params["resolve"]:
        errors = []
        check_job(params["job"], params["job_file"] or "job", errors)
        problems += ["%s: %s" % (path, reason) for path, reason in errors]
    return problems


def main():
    module = AnsibleModule(
        argument_spec={
            "config": {"type": "path"},
            "job": {"type": "dict"},
            "job_file": {"type": "path"},
            "name": {"type": "str"},
            "library": {"type": "list", "elements": "path", "default": []},
            "branch": {"type": "str", "default": "master"},
            "resolve": {"type": "bool", "default": True},
            "spec": {"type": "bool", "default": False},
            "nodesets": {"type": "dict", "default": {}},
            "node_count": {"type": "int"},
        },
        required_one_of=[("config", "job", "job_file")],
        mutually_exclusive=[("job", "job_file")],
        supports_check_mode=True,
    )
    params = module.params
    if not params["resolve"] and params["job"] is None and params["job_file"] is None:
        module.fail_json(msg="resolve: false takes a job as given: give job or job_file")
    if params["job_file"]:
        try:
            params["job"] = load_job_file(params["job_file"])
        except GatekitInputError as err:
            module.fail_json(msg=str(err))
    if params["job"] is not None:
        problems = _given_job_problems(params)
        if problems:
            module.fail_json(msg="; ".join(problems), errors=problems)
    name = params["name"] or (params["job"] or {}).get("name")
    if not name and params["resolve"]:
        module.fail_json(msg="name: give the job to resolve (or a job with a `name`)")
    nodesets = {}
    try:
        if params["resolve"]:
            jobs, nodesets = load_paths(list(params["library"]) + ([params["config"]] if params["config"] else []))
            if params["job"] is not None:
                collect([{"job": params["job"]}], "job", jobs, nodesets)
            job = plain(resolve(jobs, name, params["branch"]))
        else:
            job = plain(params["job"])
    except GatekitInputError as err:
        module.fail_json(msg=str(err))
    except (OSError, UnicodeDecodeError) as err:
        module.fail_json(msg="config: cannot read %s: %s" % (params["config"], err))
    if job.get("abstract"):
        module.fail_json(msg="%s: the job is abstract; run one of its children" % name)
    nodes = node_names(job.get("nodeset"), nodesets)
    result = {"changed": False, "job": job, "node_count": None if nodes is None else len(nodes), "nodes": nodes}
    if params["spec"]:
        try:
            result["spec"] = gate_spec(job, nodes=nodes, node_count=None if params["resolve"] else params["node_count"], known_nodesets=params["nodesets"])
        except GatekitInputError as err:
            module.fail_json(msg="%s: %s" % (name, err))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
