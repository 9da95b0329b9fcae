# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The gate's view of a job spec: checked once, in one place.

A job spec (``jobs/*.yml``, or a job resolved from a Zuul configuration) is checked
here for what the gate and the job definitions need of it, every problem naming its
key. ``shape_problems`` looks at the job as written (before its parent chain is
applied); ``gate_spec`` looks at the resolved job and its nodeset and returns the
plain data the gate hands to its hosts:

* ``vars``: the job's variables (every host gets them);
* ``group_vars``: group name -> variables, applied over ``vars`` on the hosts of
  that group, in this order;
* ``node_vars``: per node position, its ``host-vars``, applied last (Zuul's
  precedence: host-vars over group-vars over vars, each replacing whole top-level
  variables, as Ansible's inventory layers do).

Pure functions over plain data; nothing is read or written.
"""

import re

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError

DEFAULT_NODESET = "gatekit-single-node"
DEFAULT_TIMEOUT = 3600
JOB_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def _shown(value):
    return "<missing>" if value is None else str(value)


def shape_problems(job):
    """What is wrong with the job spec as written: a list of ``key: reason`` strings."""
    if not isinstance(job, dict):
        return ["must be a mapping in the shape of a Zuul job (name, parent, nodeset, timeout, voting, vars)"]
    problems = []
    name = job.get("name")
    if not (isinstance(name, str) and JOB_NAME_RE.match(name)):
        problems.append("name: required, a job name (letters, digits, . _ -), got %s" % _shown(name))
    if "parent" in job and not isinstance(job["parent"], str):
        problems.append("parent: must be a job name")
    if not isinstance(job.get("vars", {}), dict):
        problems.append("vars: must be a mapping")
    timeout = job.get("timeout", DEFAULT_TIMEOUT)
    if isinstance(timeout, bool) or not isinstance(timeout, int) or timeout <= 0:
        problems.append("timeout: must be a positive integer (seconds), got %s" % _shown(timeout))
    if not isinstance(job.get("voting", True), bool):
        problems.append("voting: must be true or false")
    if not isinstance(job.get("nodeset", DEFAULT_NODESET), (str, dict)):
        problems.append("nodeset: must be a nodeset name or an inline nodeset")
    if not isinstance(job.get("required-projects", []), list):
        problems.append("required-projects: must be a list")
    for key, what in (("group-vars", "group name"), ("host-vars", "node name")):
        value = job.get(key, {})
        if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
            problems.append("%s: must be a mapping of %s to variables" % (key, what))
    return problems


def check_shape(job):
    """Raise GatekitInputError with every shape problem of ``job`` (see shape_problems)."""
    problems = shape_problems(job)
    if not problems:
        return
    key, sep, reason = problems[0].partition(": ")
    if not sep:
        raise GatekitInputError("job", "; ".join(problems))
    raise GatekitInputError(key, "; ".join([reason] + problems[1:]))


def gate_spec(job, nodes=None, node_count=None, known_nodesets=None):
    """The resolved ``job`` checked and laid out for the gate's hosts.

    ``nodes``: the names of the nodeset's nodes, in order, when the nodeset is known
    (inline, or defined in the Zuul configuration); ``node_count``: the number of nodes
    of a named nodeset that is not (``known_nodesets``, name -> count, is asked first).
    Raises GatekitInputError naming the key.
    """
    check_shape(job)
    nodeset = job.get("nodeset", DEFAULT_NODESET)
    known = dict(known_nodesets or {})
    if nodes is not None:
        count = len(nodes)
    elif isinstance(nodeset, dict):
        nodes = [n.get("name") if isinstance(n, dict) else None for n in nodeset.get("nodes") or []]
        count = len(nodes)
    elif nodeset in known:
        count = known[nodeset]
    else:
        count = node_count or 0
    if not isinstance(count, int) or count < 1:
        raise GatekitInputError(
            "nodeset", "%s has no nodes or is not defined (inline, in the Zuul configuration or the job library, "
            "or one of %s)" % (nodeset if isinstance(nodeset, str) else "the inline nodeset", ", ".join(sorted(known)) or "none"))
    names = list(nodes or [])
    host_vars = job.get("host-vars", {})
    unknown = [name for name in host_vars if name not in names]
    if unknown:
        raise GatekitInputError(
            "host-vars", "%s is not a node of the nodeset (nodes: %s)" % (", ".join(unknown), ", ".join(map(str, names)) or "unknown"))
    return {
        "name": job["name"],
        "nodeset": nodeset,
        "node_count": count,
        "nodes": names,
        "timeout": job.get("timeout", DEFAULT_TIMEOUT),
        "voting": job.get("voting", True),
        "vars": dict(job.get("vars", {})),
        "group_vars": {group: dict(v) for group, v in job.get("group-vars", {}).items()},
        "node_vars": [dict(host_vars.get(name, {})) for name in names] if names else [{} for index in range(count)],
    }
