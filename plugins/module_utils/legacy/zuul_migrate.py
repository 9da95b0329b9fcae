# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Zuul v2 layout.yaml + devstack-gate JJB jobs -> native Zuul v3 configuration.

Zuul's own ``zuul-migrate`` is gone and devstack-gate is retired; this is the
replacement for the devstack-gate part of it.

Pipeline of pure steps (the module does the file I/O):

1. ``parse_layout(data)``: the v2 layout mapping (pipelines, job matchers,
   project-templates, projects), checked for shape.
2. ``legacy_job_from_jjb(...)`` / ``load_legacy_jobs(paths)``: JJB itself
   expands templates, groups and projects (``module_utils.legacy.jjb``); for each job
   the node label, the build timeout and the text of its shell builders (macros
   expanded by JJB, infrastructure macros skipped) are kept.
3. ``analyse_shell(text)``: the devstack-gate parts of a shell builder:
   ``export`` lines, ``PROJECTS``, the ``BRANCH_OVERRIDE`` block, hooks
   (``pre_test_hook`` ...), ``/tmp/dg-local.conf`` heredocs, the wrapper call;
   every other line is *arbitrary shell*.
4. ``migrate(layout, legacy_jobs, options)``: each job referenced by the
   layout is

   * translated natively: parent ``gatekit-tempest`` / ``gatekit-devstack``
     (or DevStack's ``devstack-tempest`` / ``devstack``), the DEVSTACK_GATE_*
     environment translated by THE mapping
     (``module_utils.legacy.mapping.legacy_env_to_native``; nothing here
     re-implements it) into devstack_localrc / devstack_services / tox_envlist /
     tempest_test_regex / nodeset / required-projects;
   * kept as a legacy wrapper job when something cannot be expressed natively
     (arbitrary shell, hooks, a flag the mapping cannot translate): parent
     ``gatekit-legacy-dsvm``, which runs this collection's devstack-gate wrapper
     with the original environment, hooks and local.conf in the variables the
     ``devstack_gate`` role's ``run`` tasks read (``devstack_gate_job_env``,
     ``devstack_gate_job_hooks``, ``devstack_gate_job_local_conf``; other shell
     lines that ran before the wrapper in ``devstack_gate_job_script``);
   * or dropped (not defined in JJB, not a devstack-gate job), with the reason.

   v2 matchers become ``voting`` / ``branches`` / ``files`` /
   ``irrelevant-files``; the timeout is the wrapper's minutes x 60, capped;
   project pipelines (job trees become ``dependencies``) and templates follow.
   Returns ``{'config': zuul_config input, 'report': [...], 'external': {...}}``.
"""

import re
import shlex

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError

DEFAULT_NODE = "ubuntu-xenial"
DEFAULT_MAX_TIMEOUT = 10800
DEFAULT_LEGACY_PARENT = "gatekit-legacy-dsvm"
PARENT_STYLES = {
    # style: (parent when tempest runs, parent without tempest)
    "gatekit": ("gatekit-tempest", "gatekit-devstack"),
    "devstack": ("devstack-tempest", "devstack"),
}
# devstack-gate topology -> nodeset, per style (None: the mapping's own, the collection's nodesets)
STYLE_NODESETS = {
    "gatekit": None,
    "devstack": {"aio": "openstack-single-node-noble", "multinode": "openstack-two-node-noble"},
}
# Builders of the devstack-gate era that only prepared Jenkins' workspace; Zuul v3
# (and this collection's pre-run) does their work.
DEFAULT_SKIP_MACROS = (
    "print-template-name",
    "link-logs",
    "net-info",
    "devstack-checkout",
    "zuul-git-prep",
    "zuul-git-prep-upper-constraints",
    "install-distro-packages",
    "revoke-sudo",
    "jenkins-slave-setup",
)
WRAPPER_RE = re.compile(r"(^|[\s/])(safe-)?devstack-vm-gate-wrap\.sh(\s|$)")
EXPORT_RE = re.compile(r"^export\s+([A-Za-z_][A-Za-z0-9_]*)=(.*)$")
FUNC_RE = re.compile(r"^(?:function\s+([A-Za-z_][A-Za-z0-9_]*)\s*(?:\(\s*\))?|([A-Za-z_][A-Za-z0-9_]*)\s*\(\s*\))\s*\{\s*$")
HEREDOC_RE = re.compile(
    r"^cat\s+(?:(>>?)\s*(\S+)\s+<<-?\s*['\"]?(\w+)['\"]?|<<-?\s*['\"]?(\w+)['\"]?\s+(>>?)\s*(\S+))\s*$"
)
COPY_WRAPPER_RE = re.compile(r"^cp\s+\S*devstack-vm-gate-wrap\.sh\s+\S*safe-devstack-vm-gate-wrap\.sh\s*$")
HOOKS = ("pre_test_hook", "gate_hook", "post_test_hook")
# Settings the mapping keeps only for the wrapper (vars.devstack_gate_env) that change
# what the job does: such a job stays on the wrapper.
BEHAVIOUR_ONLY_IN_WRAPPER = (
    "DEVSTACK_GATE_GRENADE",
    "GRENADE_PLUGINRC",
    "DEVSTACK_GATE_UNSTACK",
    "DEVSTACK_GATE_SETTINGS",
    "DEVSTACK_GATE_TEMPEST_HEAT_SLOW",
    "DEVSTACK_GATE_TEMPEST_LARGE_OPS",
)
# Shell settings of the JJB builders that are not part of the devstack-gate contract.
SHELL_ONLY_ENV = ("PYTHONUNBUFFERED",)
V2_LAYOUT_KEYS = ("includes", "pipelines", "jobs", "project-templates", "projects")
V2_MATCHER_KEYS = (
    "name", "voting", "branch", "files", "skip-if", "queue-name", "mutex", "tags", "attempts",
    "parameter-function", "success-pattern", "failure-pattern", "hold-following-changes",
)


# --------------------------------------------------------------------------- layout


def parse_layout(data):
    """Check the shape of a Zuul v2 layout mapping; return a normalised copy."""
    if not isinstance(data, dict):
        raise GatekitInputError("layout", "the top level must be a mapping (Zuul v2 layout.yaml)")
    unknown = sorted(set(data) - set(V2_LAYOUT_KEYS))
    if unknown:
        raise GatekitInputError("layout.%s" % unknown[0], "unknown key (allowed: %s)" % ", ".join(V2_LAYOUT_KEYS))
    for key in ("pipelines", "projects"):
        if not isinstance(data.get(key), list) or not data[key]:
            raise GatekitInputError("layout.%s" % key, "required, a non-empty list")
    pipelines = []
    for index, pipe in enumerate(data["pipelines"]):
        if not isinstance(pipe, dict) or not isinstance(pipe.get("name"), str):
            raise GatekitInputError("layout.pipelines[%d].name" % index, "required, a string")
        pipelines.append(pipe["name"])
    matchers = []
    for index, job in enumerate(data.get("jobs") or []):
        where = "layout.jobs[%d]" % index
        if not isinstance(job, dict) or not isinstance(job.get("name"), str):
            raise GatekitInputError(where + ".name", "required, a job name or ^regex")
        bad = sorted(set(job) - set(V2_MATCHER_KEYS))
        if bad:
            raise GatekitInputError("%s.%s" % (where, bad[0]), "not a Zuul v2 job matcher key")
        try:
            regex = re.compile(job["name"] if job["name"].startswith("^") else "^%s$" % re.escape(job["name"]))
        except re.error as err:
            raise GatekitInputError(where + ".name", "invalid regex: %s" % err) from None
        if "voting" in job and not isinstance(job["voting"], bool):
            raise GatekitInputError(where + ".voting", "must be a boolean")
        matchers.append(dict(job, _regex=regex, _where=where))
    templates = {}
    for index, tmpl in enumerate(data.get("project-templates") or []):
        where = "layout.project-templates[%d]" % index
        if not isinstance(tmpl, dict) or not isinstance(tmpl.get("name"), str):
            raise GatekitInputError(where + ".name", "required, a string")
        for key, value in tmpl.items():
            if key != "name" and key not in pipelines:
                raise GatekitInputError("%s.%s" % (where, key), "not a pipeline of this layout (%s)" % ", ".join(pipelines))
            if key != "name":
                _check_job_tree(value, "%s.%s" % (where, key))
        templates[tmpl["name"]] = tmpl
    projects = []
    for index, proj in enumerate(data["projects"]):
        where = "layout.projects[%d]" % index
        if not isinstance(proj, dict) or not isinstance(proj.get("name"), str):
            raise GatekitInputError(where + ".name", "required, the project name (org/name)")
        for key, value in proj.items():
            if key in ("name", "merge-mode"):
                continue
            if key == "template":
                if not isinstance(value, list):
                    raise GatekitInputError(where + ".template", "must be a list of {name: ...}")
                for tindex, tref in enumerate(value):
                    tname = tref.get("name") if isinstance(tref, dict) else None
                    if tname not in templates:
                        raise GatekitInputError(
                            "%s.template[%d]" % (where, tindex), "unknown project-template %r" % (tname,)
                        )
                continue
            if key not in pipelines:
                raise GatekitInputError("%s.%s" % (where, key), "not a pipeline of this layout (%s)" % ", ".join(pipelines))
            _check_job_tree(value, "%s.%s" % (where, key))
        projects.append(proj)
    return {"pipelines": pipelines, "matchers": matchers, "templates": templates, "projects": projects}


def _check_job_tree(value, where):
    if not isinstance(value, list):
        raise GatekitInputError(where, "must be a list of job names (or {job: [children]})")
    for index, item in enumerate(value):
        if isinstance(item, str):
            continue
        if isinstance(item, dict) and len(item) == 1:
            children = next(iter(item.values()))
            _check_job_tree(children or [], "%s[%d]" % (where, index))
            continue
        raise GatekitInputError("%s[%d]" % (where, index), "a job name or a one-key {job: [children]} mapping")


def _tree_jobs(tree):
    """Every job name of a v2 job tree."""
    return [job for job, _parent in _walk_tree(tree)]


def _walk_tree(tree, parent=None):
    """Yield (job, parent) over a v2 job tree."""
    for item in tree or []:
        if isinstance(item, str):
            yield item, parent
        else:
            (name, children), = item.items()
            yield name, parent
            yield from _walk_tree(children, name)


# --------------------------------------------------------------------------- shell


def _unquote(value):
    try:
        parts = shlex.split(value, comments=False, posix=True)
    except ValueError:
        return value
    return " ".join(parts) if parts else ""


def analyse_shell(text):
    """Split a devstack-gate shell builder into the parts the migration understands.

    Returns ``{'env': {...}, 'projects': [...], 'hooks': {...}, 'local_conf': str,
    'branch_override': str|None, 'wrapper': bool, 'other': [lines]}``; ``other``
    holds every line that is none of the known devstack-gate idioms.
    """
    lines = text.split("\n")
    out = {"env": {}, "projects": [], "hooks": {}, "local_conf": "", "branch_override": None,
           "wrapper": False, "other": []}
    exported_functions = set()
    index = 0
    while index < len(lines):
        raw = lines[index]
        line = raw.strip()
        index += 1
        if not line or line.startswith("#"):
            continue
        match = EXPORT_RE.match(line)
        if match:
            name, value = match.group(1), _unquote(match.group(2))
            if name == "PROJECTS":
                out["projects"].extend(p for p in value.split() if not p.startswith("$"))
            elif name == "BRANCH_OVERRIDE":
                out["branch_override"] = value
            elif name == "OVERRIDE_ZUUL_BRANCH" and match.group(2).strip() == "$BRANCH_OVERRIDE":
                continue
            else:
                out["env"][name] = value
            continue
        if re.match(r'^if \[\s*"\$BRANCH_OVERRIDE"\s*!=\s*"default"\s*\]\s*;\s*then$', line):
            # the standard block: export OVERRIDE_ZUUL_BRANCH=$BRANCH_OVERRIDE; fi
            while index < len(lines) and lines[index].strip() != "fi":
                inner = lines[index].strip()
                if inner and inner != "export OVERRIDE_ZUUL_BRANCH=$BRANCH_OVERRIDE":
                    out["other"].append(inner)
                index += 1
            index += 1
            continue
        match = FUNC_RE.match(line)
        if match:
            name = match.group(1) or match.group(2)
            body = []
            depth = 1
            while index < len(lines):
                inner = lines[index]
                index += 1
                depth += inner.count("{") - inner.count("}")
                if depth <= 0 and inner.strip() == "}":
                    break
                body.append(inner)
            out["hooks"][name] = _dedent(body)
            continue
        match = re.match(r"^export\s+-f\s+(.+)$", line)
        if match:
            exported_functions.update(match.group(1).split())
            continue
        match = HEREDOC_RE.match(line)
        if match:
            target = match.group(2) or match.group(6)
            marker = match.group(3) or match.group(4)
            body = []
            while index < len(lines) and lines[index].strip() != marker:
                body.append(lines[index])
                index += 1
            index += 1
            if target == "/tmp/dg-local.conf":
                out["local_conf"] += "\n".join(body) + "\n"
            else:
                out["other"].append("heredoc to %s (%d lines)" % (target, len(body)))
            continue
        if COPY_WRAPPER_RE.match(line):
            continue
        if WRAPPER_RE.search(line):
            out["wrapper"] = True
            continue
        out["other"].append(line)
    for name in list(out["hooks"]):
        if name not in exported_functions:
            out["other"].append("function %s (not exported)" % name)
    return out


def _dedent(lines):
    widths = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
    cut = min(widths) if widths else 0
    return "\n".join(line[cut:] for line in lines).strip("\n") + "\n"


# --------------------------------------------------------------------------- JJB


def legacy_job_from_jjb(name, data, registry, xml_text, skip_macros=DEFAULT_SKIP_MACROS):
    """Summarise one JJB-expanded job: node, timeout (minutes), shell texts, builders."""
    import xml.etree.ElementTree as ET  # noqa: PLC0415

    root = ET.fromstring(xml_text)
    node = (root.findtext("assignedNode") or "").strip() or None
    minutes = None
    for wrapper in root.iter():
        if wrapper.tag.endswith("BuildTimeoutWrapper"):
            text = wrapper.findtext(".//timeoutMinutes")
            if text and text.strip().isdigit():
                minutes = int(text.strip())
    shells = []
    builders = []
    unsupported = []
    for entry in data.get("builders") or []:
        bname = entry if isinstance(entry, str) else next(iter(entry))
        builders.append(bname)
        if bname in skip_macros:
            continue
        parent = ET.Element("builders")
        registry.dispatch("builder", parent, entry, job_data=data)
        for child in parent:
            if child.tag == "hudson.tasks.Shell":
                shells.append(child.findtext("command") or "")
            else:
                unsupported.append("%s (%s)" % (bname, child.tag))
    return {"name": name, "node": node, "timeout_minutes": minutes, "shells": shells,
            "builders": builders, "unsupported": unsupported}


def load_legacy_jobs(paths, skip_macros=DEFAULT_SKIP_MACROS, allow_empty_variables=False):
    """Expand JJB YAML with JJB and summarise every job (see legacy_job_from_jjb)."""
    from ansible_collections.gatekit.devstack.plugins.module_utils.legacy import jjb  # noqa: PLC0415

    imported = jjb._import_jjb()
    JenkinsJobsException, XmlJobGenerator = imported[1], imported[5]
    registry, jobs = jjb.load_jjb(paths, allow_empty_variables)[1:]
    generator = XmlJobGenerator(registry)
    out = {}
    with jjb._Quiet():
        for job in jobs:
            try:
                xml = generator.generateXML([job])[0]
                out[job.name] = legacy_job_from_jjb(job.name, job.data, registry, xml.output(), skip_macros)
            except JenkinsJobsException as exc:
                raise jjb.JJBError("job %r: %s" % (job.name, jjb.format_jjb_error(exc))) from None
    return out


# --------------------------------------------------------------------------- migration


def short_name(old, default_node=DEFAULT_NODE, strip_suffixes=()):
    """gate-tempest-dsvm-full-ubuntu-xenial -> tempest-dsvm-full (as zuul-migrate named them)."""
    name = old
    if name.startswith("gate-"):
        name = name[len("gate-"):]
    for suffix in ["-" + default_node] + list(strip_suffixes):
        if suffix and name.endswith(suffix):
            name = name[: -len(suffix)]
    name = name.replace("-%s-" % default_node, "-")
    return name


def _matcher_attrs(old, matchers, notes):
    attrs = {}
    for m in matchers:
        if not m["_regex"].match(old):
            continue
        if "voting" in m:
            attrs["voting"] = m["voting"]
        if "branch" in m:
            attrs["branches"] = m["branch"] if isinstance(m["branch"], list) else [m["branch"]]
        if "files" in m:
            attrs["files"] = m["files"] if isinstance(m["files"], list) else [m["files"]]
        for skip in m.get("skip-if") or []:
            files = skip.get("all-files-match-any") or []
            if files:
                attrs["irrelevant-files"] = list(files)
            if skip.get("project") or skip.get("branch"):
                notes.append(
                    "skip-if with project/branch conditions (%s) became unconditional irrelevant-files"
                    % ", ".join("%s=%s" % (k, skip[k]) for k in ("project", "branch") if skip.get(k))
                )
        for key in ("queue-name", "mutex", "tags", "parameter-function"):
            if key in m:
                notes.append("v2 matcher %s=%r has no job-level v3 equivalent; dropped" % (key, m[key]))
    return attrs


def translate_env(env, branch="master", local_conf=None, nodesets=None):
    """THE mapping (module_utils.legacy.mapping), imported where it is used."""
    from ansible_collections.gatekit.devstack.plugins.module_utils.legacy import mapping as legacy_mapping  # noqa: PLC0415

    return legacy_mapping.legacy_env_to_native(env, branch=branch, dg_local_conf=local_conf or None,
                                               nodesets=nodesets)


def _job_env(analysis):
    """The job's devstack-gate environment as the mapping reads it."""
    env = {k: v for k, v in analysis["env"].items() if k not in SHELL_ONLY_ENV}
    if analysis["projects"]:
        env["PROJECTS"] = " ".join(analysis["projects"])
    if analysis["branch_override"] and analysis["branch_override"] != "default":
        env["OVERRIDE_ZUUL_BRANCH"] = analysis["branch_override"]
    return env


def _classify(legacy, options):
    """('native'|'legacy'|'dropped', reasons, analysis-or-None)."""
    if legacy is None:
        return "dropped", ["not defined in the JJB input"], None
    if legacy["unsupported"]:
        return "dropped", ["builders with no shell equivalent: %s" % ", ".join(legacy["unsupported"])], None
    analysis = {"env": {}, "projects": [], "hooks": {}, "local_conf": "", "branch_override": None,
                "wrapper": False, "other": []}
    for text in legacy["shells"]:
        part = analyse_shell(text)
        analysis["env"].update(part["env"])
        analysis["projects"].extend(part["projects"])
        analysis["hooks"].update(part["hooks"])
        analysis["local_conf"] += part["local_conf"]
        analysis["branch_override"] = part["branch_override"] or analysis["branch_override"]
        analysis["wrapper"] = analysis["wrapper"] or part["wrapper"]
        analysis["other"].extend(part["other"])
    if not analysis["wrapper"]:
        return "dropped", [
            "does not run devstack-gate (builders: %s); use a native Zuul job for it (e.g. zuul-jobs tox-*)"
            % ", ".join(legacy["builders"])
        ], analysis
    reasons = []
    if analysis["other"]:
        reasons.append("arbitrary shell: %s" % "; ".join(analysis["other"][:5]))
    for hook in sorted(analysis["hooks"]):
        reasons.append("defines %s (arbitrary bash run by the wrapper)" % hook)
    return ("legacy" if reasons else "native"), reasons, analysis


def migrate(layout, legacy_jobs, *, parent_style="gatekit", default_node=DEFAULT_NODE,
            max_timeout=DEFAULT_MAX_TIMEOUT, legacy_parent=DEFAULT_LEGACY_PARENT, strip_suffixes=(),
            nodesets=None):
    """Migrate ``layout`` (from parse_layout) using ``legacy_jobs`` (from load_legacy_jobs).

    ``nodesets`` maps devstack-gate topologies (``aio``, ``multinode``) to nodeset
    names; default: the collection's for ``gatekit``, DevStack's for ``devstack``.
    """
    if parent_style not in PARENT_STYLES:
        raise GatekitInputError("parent_style", "must be one of %s" % ", ".join(sorted(PARENT_STYLES)))
    if nodesets is None:
        nodesets = STYLE_NODESETS[parent_style]
    elif not isinstance(nodesets, dict) or set(nodesets) != {"aio", "multinode"} or not all(
            isinstance(v, str) and v for v in nodesets.values()):
        raise GatekitInputError("nodesets", "must map both 'aio' and 'multinode' to nodeset names")
    if isinstance(max_timeout, bool) or not isinstance(max_timeout, int) or max_timeout <= 0:
        raise GatekitInputError("max_timeout", "must be a positive integer (seconds)")
    # every job name the layout references, in first-seen order
    referenced = []
    for tmpl in layout["templates"].values():
        for key, tree in tmpl.items():
            if key != "name":
                referenced.extend(job for job in _tree_jobs(tree))
    for proj in layout["projects"]:
        short = proj["name"].rsplit("/", 1)[-1]
        for tref in proj.get("template") or []:
            tmpl = layout["templates"][tref["name"]]
            for key, tree in tmpl.items():
                if key != "name":
                    referenced.extend(_fill(job, short, tref) for job in _tree_jobs(tree))
        for key, tree in proj.items():
            if key in layout["pipelines"]:
                referenced.extend(job for job in _tree_jobs(tree))
    seen = set()
    names = [j for j in referenced if not (j in seen or seen.add(j)) and "{" not in j]

    new_names = {}
    taken = set()
    jobs = []
    report = []
    used_nodesets = set()
    parents = set()
    for old in names:
        if old == "noop":
            new_names[old] = "noop"
            continue
        legacy = legacy_jobs.get(old)
        kind, reasons, analysis = _classify(legacy, None)
        entry = {"job": old, "result": kind, "reasons": list(reasons), "notes": []}
        report.append(entry)
        if kind == "dropped":
            continue
        notes = entry["notes"]
        env = _job_env(analysis)
        try:
            mapped = translate_env(env, "master", analysis["local_conf"], nodesets)
        except GatekitInputError as err:
            mapped = None
            kind = "legacy"
            entry["reasons"].append("the mapping rejects the environment: %s" % err)
        if mapped is not None:
            wrapper_env = mapped["vars"].get("devstack_gate_env") or {}
            behaviour = [k for k in BEHAVIOUR_ONLY_IN_WRAPPER if k in wrapper_env]
            if mapped.get("unknown"):
                kind = "legacy"
                entry["reasons"].append("not devstack-gate settings: %s" % ", ".join(mapped["unknown"]))
            if behaviour:
                kind = "legacy"
                entry["reasons"].append(
                    "%s: only the devstack-gate wrapper implements this"
                    % ", ".join("%s=%s" % (k, wrapper_env[k]) for k in behaviour)
                )
        entry["result"] = kind
        base = short_name(old, default_node, strip_suffixes)
        new = base if kind == "native" else "legacy-" + base
        if new in taken:
            new = old if kind == "native" else "legacy-" + old
        taken.add(new)
        new_names[old] = entry["new_name"] = new
        job = {"name": new, "description": "Migrated from the devstack-gate job %s." % old}
        if legacy["timeout_minutes"]:
            seconds = legacy["timeout_minutes"] * 60
            if seconds > max_timeout:
                notes.append("timeout %d s capped at %d s" % (seconds, max_timeout))
                seconds = max_timeout
            job["timeout"] = seconds
        job.update(_matcher_attrs(old, layout["matchers"], notes))
        if legacy["node"] and legacy["node"] != default_node:
            notes.append("ran on node label %r" % legacy["node"])
        projects = list(mapped["required_projects"]) if mapped else list(analysis["projects"])
        override = mapped.get("override_checkout") if mapped else env.get("OVERRIDE_ZUUL_BRANCH")
        if kind == "native":
            notes.extend(mapped["notes"])
            parent = mapped["parent"]
            if parent_style != "gatekit":
                parent = PARENT_STYLES[parent_style][0 if parent == PARENT_STYLES["gatekit"][0] else 1]
            job["parent"] = parent
            job["nodeset"] = mapped["nodeset"]
            used_nodesets.add(mapped["nodeset"])
            if mapped.get("timeout") and "timeout" not in job:
                job["timeout"] = min(mapped["timeout"], max_timeout)
            if mapped["vars"]:
                job["vars"] = mapped["vars"]
            if mapped.get("group_vars"):
                job["group-vars"] = mapped["group_vars"]
        else:
            job["parent"] = legacy_parent
            # the variables of the devstack_gate role's run tasks (roles/devstack_gate)
            legacy_vars = {"devstack_gate_job_env": env}
            hooks = {hook: analysis["hooks"][hook] for hook in HOOKS if hook in analysis["hooks"]}
            if hooks:
                legacy_vars["devstack_gate_job_hooks"] = hooks
            if analysis["local_conf"]:
                legacy_vars["devstack_gate_job_local_conf"] = analysis["local_conf"]
            if analysis["other"]:
                legacy_vars["devstack_gate_job_script"] = "\n".join(analysis["other"]) + "\n"
            job["vars"] = legacy_vars
        if override:
            job["override-checkout"] = override
        if projects:
            job["required-projects"] = projects
        parents.add(job["parent"])
        jobs.append(job)

    def convert_tree(tree, where_notes):
        out = []
        for job, parent in _walk_tree(tree):
            new = new_names.get(job)
            if new is None:
                where_notes.add(job)
                continue
            if parent is not None and new_names.get(parent):
                out.append({new: {"dependencies": [new_names[parent]]}})
            else:
                out.append(new)
        return out

    templates = []
    project_notes = []
    parametrised = set()
    for tname, tmpl in sorted(layout["templates"].items()):
        if any("{" in job for key, tree in tmpl.items() if key != "name" for job in _tree_jobs(tree)):
            parametrised.add(tname)
            continue
        obj = {"name": tname}
        missing = set()
        for key, tree in tmpl.items():
            if key != "name":
                converted = convert_tree(tree, missing)
                if converted:
                    obj[key] = {"jobs": converted}
        if missing:
            project_notes.append("template %s: dropped jobs %s" % (tname, ", ".join(sorted(missing))))
        if len(obj) > 1:
            templates.append(obj)
    kept_templates = {t["name"] for t in templates}
    projects_out = []
    for proj in layout["projects"]:
        short = proj["name"].rsplit("/", 1)[-1]
        obj = {"name": proj["name"]}
        missing = set()
        pipelines = {}
        for tref in proj.get("template") or []:
            tname = tref["name"]
            if tname in kept_templates:
                obj.setdefault("templates", []).append(tname)
            elif tname in parametrised:
                tmpl = layout["templates"][tname]
                for key, tree in tmpl.items():
                    if key != "name":
                        filled = _fill_tree(tree, short, tref)
                        pipelines.setdefault(key, []).extend(convert_tree(filled, missing))
        for key, tree in proj.items():
            if key in layout["pipelines"]:
                pipelines.setdefault(key, []).extend(convert_tree(tree, missing))
        for key in layout["pipelines"]:
            if pipelines.get(key):
                obj[key] = {"jobs": _dedupe(pipelines[key])}
        if missing:
            project_notes.append("project %s: dropped jobs %s" % (proj["name"], ", ".join(sorted(missing))))
        if "merge-mode" in proj:
            obj["merge-mode"] = proj["merge-mode"].replace("_", "-")
        if len(obj) > 1:
            projects_out.append(obj)
    config = {"jobs": jobs, "project_templates": templates, "projects": projects_out}
    external = {
        "jobs": sorted(parents | {"noop"}),
        "nodesets": sorted(used_nodesets),
        "pipelines": list(layout["pipelines"]),
    }
    return {"config": config, "report": report, "external": external, "project_notes": project_notes}


def _dedupe(items):
    out = []
    keys = set()
    for item in items:
        key = item if isinstance(item, str) else next(iter(item))
        if key not in keys:
            keys.add(key)
            out.append(item)
    return out


def _fill(job, short, tref):
    params = {k: v for k, v in tref.items() if k != "name"}
    params.setdefault("name", short)
    try:
        return job.format(**params)
    except (KeyError, IndexError, ValueError):
        return job


def _fill_tree(tree, short, tref):
    out = []
    for item in tree or []:
        if isinstance(item, str):
            out.append(_fill(item, short, tref))
        else:
            (name, children), = item.items()
            out.append({_fill(name, short, tref): _fill_tree(children, short, tref)})
    return out


def summarize(report):
    counts = {"native": 0, "legacy": 0, "dropped": 0}
    for entry in report:
        counts[entry["result"]] += 1
    return counts


def report_markdown(report, project_notes=()):
    """The migration report as a markdown table (every job, its fate and why)."""
    counts = summarize(report)
    lines = [
        "# Zuul v2 -> v3 migration report",
        "",
        "%d jobs: %d translated natively, %d kept as legacy wrapper jobs, %d dropped."
        % (len(report), counts["native"], counts["legacy"], counts["dropped"]),
        "",
        "| v2 job | result | v3 job | reason / notes |",
        "|---|---|---|---|",
    ]
    for entry in report:
        why = "; ".join(entry["reasons"] + entry["notes"]).replace("|", "\\|")
        lines.append("| %s | %s | %s | %s |" % (entry["job"], entry["result"], entry.get("new_name", ""), why))
    if project_notes:
        lines += ["", "## Projects and templates", ""]
        lines += ["- %s" % note for note in project_notes]
    return "\n".join(lines) + "\n"
