# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Resolve a Zuul v3 job the way Zuul builds it, so it can be run locally.

Pure functions over plain data, plus a loader for zuul.d directories and
``.zuul.yaml`` files (Zuul's custom tags ``!inherit``, ``!override`` and
``!encrypted/pkcs1-oaep`` are understood).

Inheritance, as Zuul's documentation describes it (job.html, "Job Inheritance"):

* ``vars``, ``extra-vars``, ``host-vars``, ``group-vars``: deep-merged; the
  child's value wins key by key, nested dicts are merged recursively; a value
  tagged ``!override`` replaces instead of merging.
* ``required-projects``: accumulated (a child's entry for the same project
  replaces the parent's).
* ``pre-run``: parent's first; ``post-run``: child's first; ``run``: the
  child's replaces the parent's.
* every other attribute: the child's value, when it sets one, replaces.
* ``abstract`` is not inherited; a job with no ``parent`` is a root (Zuul's
  tenant base job); a ``parent`` that is defined nowhere is an error naming it.
* Several definitions of one job name are variants: those whose ``branches``
  match the branch (or that have none) apply in file order.
"""

import os
import re

from ansible_collections.gatekit.devstack.plugins.module_utils.common import YAML_IMPORT_ERROR, GatekitInputError, yaml
from ansible_collections.gatekit.devstack.plugins.module_utils.zuul.tags import override_control, untag, yaml_loader

MERGED_DICTS = ("vars", "extra-vars", "host-vars", "group-vars")
NOT_INHERITED = ("abstract", "name", "parent", "branches")


def load_config_text(text, source):
    """Parse one Zuul config file; return its list of items. ``source`` names it in errors."""
    try:
        data = yaml.load(text, Loader=yaml_loader())  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as err:
        raise GatekitInputError(source, "not valid YAML: %s" % err) from err
    if data is None:
        return []
    if not isinstance(data, list):
        raise GatekitInputError(source, "a Zuul config file is a list of items, got %s" % type(data).__name__)
    return data


def load_job_file(path):
    """The job spec (one job mapping) in the YAML file ``path``; errors name the file."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise GatekitInputError("job_file", "%s does not exist" % path) from None
    except (OSError, UnicodeDecodeError) as err:
        raise GatekitInputError("job_file", "cannot read %s: %s" % (path, err)) from None
    if yaml is None:
        raise GatekitInputError("PyYAML", "is required to read a job spec: %s" % YAML_IMPORT_ERROR)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise GatekitInputError(path, "not valid YAML: %s" % err) from None
    if not isinstance(data, dict):
        raise GatekitInputError(path, "a job spec is a mapping (name, parent, vars, ...), got %s"
                                % ("nothing" if data is None else type(data).__name__))
    return data


def config_files(path):
    """The Zuul config files under ``path`` in Zuul's load order.

    ``path`` is a file, a ``zuul.d``-like directory (its ``*.yaml`` files,
    sorted), or a repository root holding ``zuul.yaml``, ``zuul.d/``,
    ``.zuul.yaml`` or ``.zuul.d/`` (Zuul reads the first that exists).
    """
    if os.path.isfile(path):
        return [path]
    if not os.path.isdir(path):
        raise GatekitInputError("config", "%s does not exist" % path)
    for candidate in ("zuul.yaml", "zuul.d", ".zuul.yaml", ".zuul.d"):
        full = os.path.join(path, candidate)
        if os.path.exists(full):
            return config_files(full)
    found = []
    for root, dirs, files in os.walk(path):
        dirs.sort()
        found.extend(os.path.join(root, f) for f in sorted(files) if f.endswith((".yaml", ".yml")))
    if not found:
        raise GatekitInputError("config", "%s holds no Zuul configuration (*.yaml)" % path)
    return found


def collect(items, source, jobs=None, nodesets=None):
    """Index ``job`` and ``nodeset`` items: name -> list of definitions (in order)."""
    jobs = {} if jobs is None else jobs
    nodesets = {} if nodesets is None else nodesets
    for index, item in enumerate(items):
        if not isinstance(item, dict) or len(item) != 1:
            raise GatekitInputError("%s[%d]" % (source, index), "each item is a mapping with one key (job, nodeset, project, ...)")
        kind, body = next(iter(item.items()))
        if kind not in ("job", "nodeset"):
            continue
        if not isinstance(body, dict) or not isinstance(body.get("name"), str):
            raise GatekitInputError("%s[%d].%s" % (source, index, kind), "needs a string `name`")
        target = jobs if kind == "job" else nodesets
        target.setdefault(body["name"], []).append(dict(body, _source=source))
    return jobs, nodesets


def load_paths(paths):
    """Load and index every Zuul config file under ``paths`` (earlier paths first)."""
    jobs, nodesets = {}, {}
    for path in paths:
        for filename in config_files(path):
            with open(filename, encoding="utf-8") as handle:
                collect(load_config_text(handle.read(), filename), filename, jobs, nodesets)
    return jobs, nodesets


def deep_merge(parent, child):
    """Zuul's variable merge: child wins, dicts merge recursively, ``!override`` replaces."""
    parent = override_control(parent)[0]
    child, override = override_control(child)
    if override and isinstance(child, dict):
        return dict(child)
    if not isinstance(parent, dict) or not isinstance(child, dict):
        return child
    merged = dict(parent)
    for key, value in child.items():
        merged[key] = deep_merge(merged.get(key), value)
    return merged


def _as_list(value):
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _project_name(entry):
    return entry["name"] if isinstance(entry, dict) else entry


def apply_layer(job, layer):
    """Apply one definition (a parent's child, or a variant) on top of ``job``."""
    result = dict(job)
    for key, tagged in layer.items():
        if key.startswith("_") or key in NOT_INHERITED:
            continue
        if key in MERGED_DICTS:
            result[key] = deep_merge(result.get(key, {}), tagged)
            continue
        value, override = override_control(tagged)
        replace = override and isinstance(value, list)  # an !override sequence replaces
        if key == "required-projects" and not replace:
            by_name = {_project_name(p): p for p in _as_list(result.get(key))}
            for entry in _as_list(value):
                by_name[_project_name(entry)] = entry
            result[key] = list(by_name.values())
        elif key == "pre-run":
            result[key] = _as_list(result.get(key)) + _as_list(value)
        elif key == "post-run":
            result[key] = _as_list(value) + _as_list(result.get(key))
        else:
            result[key] = list(value) if replace else value
    return result


def _branch_matches(definition, branch):
    matchers = _as_list(definition.get("branches"))
    return not matchers or any(re.search(m, branch) for m in matchers)


def resolve(jobs, name, branch="master"):
    """Return the job ``name`` with its parent chain applied, plus ``chain`` (root first)."""
    if name not in jobs:
        known = ", ".join(sorted(jobs)[:20]) or "none"
        raise GatekitInputError("job", "no job named %r in the configuration (known: %s)" % (name, known))
    chain = []
    current = name
    while current is not None:
        if current in chain:
            raise GatekitInputError("%s.parent" % chain[-1], "parent cycle: %s" % " -> ".join(chain + [current]))
        if current not in jobs:
            raise GatekitInputError(
                "%s.parent" % chain[-1],
                "parent job %r is not defined in the configuration or the gatekit.devstack job library (chain: %s)"
                % (current, " -> ".join(chain + [current])))
        chain.append(current)
        variants = [d for d in jobs[current] if _branch_matches(d, branch)]
        if not variants:
            raise GatekitInputError(current, "no variant of this job matches branch %r" % branch)
        parents = [d["parent"] for d in variants if d.get("parent")]
        current = parents[0] if parents else None
    resolved = {}
    for job_name in reversed(chain):
        for definition in jobs[job_name]:
            if _branch_matches(definition, branch):
                resolved = apply_layer(resolved, definition)
    resolved["name"] = name
    direct = [d.get("parent") for d in jobs[name] if d.get("parent")]
    if direct:
        resolved["parent"] = direct[0]
    resolved["chain"] = list(reversed(chain))
    resolved["abstract"] = any(d.get("abstract") for d in jobs[name])
    return resolved


def node_names(nodeset, nodesets):
    """Names of a job's nodes in nodeset order (inline or named); ``None`` when unknown.

    Zuul's ``host-vars`` are keyed by these names; the local gate maps them onto its
    workers by position (the first node is the primary).
    """
    if isinstance(nodeset, str):
        if nodeset not in nodesets:
            return None
        nodeset = nodesets[nodeset][-1]
    if not isinstance(nodeset, dict):
        return None
    names = []
    for node in nodeset.get("nodes", []) or []:
        name = node.get("name") if isinstance(node, dict) else None
        if isinstance(name, list):
            name = name[0] if name else None
        names.append(name if isinstance(name, str) else "node%d" % len(names))
    return names


def node_count(nodeset, nodesets):
    """Number of nodes of a job's nodeset (inline or named); ``None`` when unknown."""
    names = node_names(nodeset, nodesets)
    return None if names is None else len(names)


def plain(value):
    """Strip the tags so the result is plain data for Ansible (encrypted values stay opaque)."""
    value = untag(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if not (isinstance(k, str) and k.startswith("_"))}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value
