# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Jenkins Job Builder: render devstack-gate JJB YAML, let JJB expand it.

Two halves, both pure (no file is written here):

* ``render_jjb(spec)`` turns a structured description (job templates, jobs,
  job groups, projects, defaults) into the list of JJB objects a devstack-gate
  site used (``job-template``, ``job``, ``job-group``, ``project``,
  ``defaults`` and the builder / wrapper / publisher macros such a job needs);
  ``dump_jjb_yaml(objects)`` turns that list into YAML text.
* ``expand_jjb(paths)`` hands YAML files to Jenkins Job Builder itself (the
  ``jenkins-job-builder`` library, imported lazily) and returns every expanded
  job with its ``config.xml`` bytes.  Nothing here re-implements JJB's
  template expansion; its errors come back as ``JJBError`` whose text names
  the job (template, group, project) and the file position.

The environment of a rendered job is the devstack-gate contract: ``export``
lines for ``DEVSTACK_GATE_*`` and friends, optional ``/tmp/dg-local.conf``,
optional ``pre_test_hook`` / ``post_test_hook`` functions, then the safe copy of
``devstack-vm-gate-wrap.sh`` is run.  The wrapper comes from this collection's
``devstack_gate`` role (``/usr/local/gatekit/devstack-gate`` by default).
"""

import logging
import pathlib
import re
import sys

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError, yaml
from ansible_collections.gatekit.devstack.plugins.module_utils.legacy.mapping import native_job_to_legacy_env
from ansible_collections.gatekit.devstack.plugins.module_utils.zuul.job import collect, plain, resolve
from ansible_collections.gatekit.devstack.plugins.module_utils.zuul.library import LABEL, job_library

DEFAULT_WRAPPER_DIR = "/usr/local/gatekit/devstack-gate"
WRAPPER_SCRIPT = "devstack-vm-gate-wrap.sh"
SAFE_WRAPPER = "./safe-devstack-vm-gate-wrap.sh"
ENV_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Shell that is safe unquoted: no word splitting, globbing, brace or other expansion.
_SAFE_SHELL_RE = re.compile(r"^[A-Za-z0-9_./:,=@%+-]*$")

# Macros every rendered devstack-gate job calls (names as OpenStack's
# project-config used them, so people coming from there recognise them).
STANDARD_MACRO_NAMES = (
    "build-timeout",
    "print-template-name",
    "link-logs",
    "net-info",
    "devstack-checkout",
    "devstack-logs",
    "console-log",
)

# Keys of a job / job-template entry in the structured input.
JOB_KEYS = frozenset(
    (
        "name",
        "node",
        "timeout",
        "description",
        "devstack_gate_env",
        "projects",
        "local_conf",
        "pre_test_hook",
        "post_test_hook",
        "branch_override",
        "extra",
        "parameters",
    )
)
SPEC_KEYS = frozenset(
    ("defaults", "job_templates", "jobs", "job_groups", "projects", "raw", "macros", "wrapper_dir")
)


class JJBError(Exception):
    """Jenkins Job Builder refused the definitions; the text names the job."""


class JJBMissing(Exception):
    """The jenkins-job-builder library is not importable."""


def _shell_value(value):
    """Quote ``value`` for a bash ``export`` line, leaving JJB ``{param}`` intact."""
    text = _scalar_text(value)
    if _SAFE_SHELL_RE.match(text):
        return text
    return "'" + text.replace("'", "'\"'\"'") + "'"


def _scalar_text(value):
    if isinstance(value, bool):
        return "1" if value else "0"
    if value is None:
        return ""
    return str(value)


def _check_keys(item, allowed, where):
    if not isinstance(item, dict):
        raise GatekitInputError(where, "must be a mapping, got %s" % type(item).__name__)
    unknown = sorted(set(item) - set(allowed))
    if unknown:
        raise GatekitInputError(
            "%s.%s" % (where, unknown[0]), "unknown key (allowed: %s)" % ", ".join(sorted(allowed))
        )


def _brace(text):
    """Literal braces must be doubled: JJB formats every job and template string."""
    return text.replace("{", "{{").replace("}", "}}")


def render_shell(job, template, where="job"):
    """The devstack-gate shell builder for one job: exports, hooks, wrapper.

    In a template, ``devstack_gate_env`` values are JJB format strings (so
    ``{branch}`` is filled per project); everywhere else braces are literal.
    """
    env = job.get("devstack_gate_env") or {}
    if not isinstance(env, dict):
        raise GatekitInputError(where + ".devstack_gate_env", "must be a mapping of variable names to values")
    lines = ["#!/bin/bash -xe", "export PYTHONUNBUFFERED=true"]
    for key in env:
        if not isinstance(key, str) or not ENV_NAME_RE.match(key):
            raise GatekitInputError(
                "%s.devstack_gate_env.%s" % (where, key), "not a valid environment variable name"
            )
        value = env[key]
        if isinstance(value, (dict, list)):
            raise GatekitInputError(
                "%s.devstack_gate_env.%s" % (where, key), "must be a scalar, got %s" % type(value).__name__
            )
        quoted = _shell_value(value)
        lines.append("export %s=%s" % (key, quoted if template else _brace(quoted)))
    projects = job.get("projects") or []
    if not isinstance(projects, list) or not all(isinstance(p, str) and p for p in projects):
        raise GatekitInputError(where + ".projects", "must be a list of project names (org/name)")
    if projects:
        lines.append('export PROJECTS="%s $PROJECTS"' % " ".join(projects))
    local_conf = job.get("local_conf")
    if local_conf:
        if not isinstance(local_conf, str):
            raise GatekitInputError(where + ".local_conf", "must be a string (local.conf text)")
        lines.append("cat > /tmp/dg-local.conf <<'GATEKIT_LOCAL_CONF'")
        lines.extend(_brace(local_conf.rstrip("\n")).split("\n"))
        lines.append("GATEKIT_LOCAL_CONF")
    for hook in ("pre_test_hook", "post_test_hook"):
        body = job.get(hook)
        if body:
            if not isinstance(body, str):
                raise GatekitInputError("%s.%s" % (where, hook), "must be a string (bash commands)")
            lines.append("")
            lines.append("function %s {{" % hook)
            lines.extend("    " + line if line else "" for line in _brace(body.rstrip("\n")).split("\n"))
            lines.append("}}")
            lines.append("export -f %s" % hook)
    branch = job.get("branch_override", "{branch-override}" if template else None)
    if branch is not None:
        if not isinstance(branch, str) or not branch:
            raise GatekitInputError(where + ".branch_override", "must be a branch name or 'default'")
        lines.append("")
        lines.append("export BRANCH_OVERRIDE=%s" % (branch if template else _brace(branch)))
        lines.append('if [ "$BRANCH_OVERRIDE" != "default" ] ; then')
        lines.append("    export OVERRIDE_ZUUL_BRANCH=$BRANCH_OVERRIDE")
        lines.append("fi")
    # the devstack-checkout macro has put the wrapper scripts in ./devstack-gate
    lines.append("cp devstack-gate/%s %s" % (WRAPPER_SCRIPT, SAFE_WRAPPER))
    lines.append(SAFE_WRAPPER)
    return "\n".join(lines) + "\n"


def standard_macros(wrapper_dir=DEFAULT_WRAPPER_DIR):
    """The builder / wrapper / publisher macros a devstack-gate job needs."""
    checkout = (
        "#!/bin/bash -xe\n"
        "# The wrapper scripts installed by the gatekit.devstack.devstack_gate role.\n"
        "if [ ! -x %(dir)s/%(script)s ]; then\n"
        '    echo "%(dir)s/%(script)s is missing: run the devstack_gate role on this node" >&2\n'
        "    exit 1\n"
        "fi\n"
        "rm -rf devstack-gate\n"
        "cp -a %(dir)s devstack-gate\n"
    ) % {"dir": wrapper_dir, "script": WRAPPER_SCRIPT}
    return [
        {
            "wrapper": {
                "name": "build-timeout",
                "wrappers": [
                    {"timeout": {"timeout": "{timeout}", "timeout-var": "BUILD_TIMEOUT", "fail": True}}
                ],
            }
        },
        {
            "builder": {
                "name": "print-template-name",
                "builders": [{"shell": 'echo "JJB template: {template-name}"'}],
            }
        },
        {
            "builder": {
                "name": "link-logs",
                "builders": [{"shell": '#!/bin/sh\necho "Logs: $WORKSPACE/logs"\n'}],
            }
        },
        {
            "builder": {
                "name": "net-info",
                "builders": [{"shell": "#!/bin/sh\nexport PATH=$PATH:/sbin\nip -4 addr show 2>/dev/null || true\n"}],
            }
        },
        {"builder": {"name": "devstack-checkout", "builders": [{"shell": checkout}]}},
        {
            "publisher": {
                "name": "devstack-logs",
                "publishers": [{"archive": {"artifacts": "logs/**", "allow-empty": True}}],
            }
        },
        {
            "publisher": {
                "name": "console-log",
                "publishers": [{"archive": {"artifacts": "console.html", "allow-empty": True}}],
            }
        },
    ]


def _render_job(job, template, where):
    _check_keys(job, JOB_KEYS, where)
    name = job.get("name")
    if not isinstance(name, str) or not name.strip():
        raise GatekitInputError(where + ".name", "required, a non-empty string")
    timeout = job.get("timeout", 120)
    if isinstance(timeout, bool) or not isinstance(timeout, int) or timeout <= 0:
        raise GatekitInputError(where + ".timeout", "must be a positive integer (minutes), got %r" % (timeout,))
    out = {"name": name}
    if job.get("description"):
        out["description"] = str(job["description"])
    node = job.get("node", "{node}" if template else None)
    if node:
        out["node"] = str(node)
    params = {} if job.get("parameters") is None else job["parameters"]
    if not isinstance(params, dict):
        raise GatekitInputError(where + ".parameters", "must be a mapping of JJB parameters")
    out.update(params)
    out["wrappers"] = [{"build-timeout": {"timeout": timeout}}, "timestamps"]
    builders = []
    if template:
        builders.append({"print-template-name": {"template-name": "{template-name}"}})
    builders.extend(["link-logs", "net-info", "devstack-checkout"])
    builders.append({"shell": render_shell(job, template, where)})
    out["builders"] = builders
    out["publishers"] = ["devstack-logs", "console-log"]
    extra = {} if job.get("extra") is None else job["extra"]
    if not isinstance(extra, dict):
        raise GatekitInputError(where + ".extra", "must be a mapping of raw JJB job keys")
    out.update(extra)
    return out


def jobs_from_specs(specs, node=LABEL, multinode_suffix="-2-node"):
    """Zuul-v3-shaped job specs (jobs/*.yml) -> devstack-gate ``jobs`` entries.

    Each spec is first resolved against its parent chain (the specs themselves and
    this collection's job library, ``gatekit-tempest`` ...) the way Zuul merges
    jobs (``zuul_job.resolve``); then THE legacy mapping (``legacy_mapping.native_job_to_legacy_env``) gives the
    environment and the ``/tmp/dg-local.conf`` text; nothing is translated here.
    The Jenkins label is ``node`` (``node`` + ``multinode_suffix`` when the
    mapping says the topology is multinode, as OpenStack's ``*-2-node`` labels).
    ``BUILD_TIMEOUT`` is left to the build-timeout wrapper (it sets it).
    Returns ``(jobs, notes)`` where notes maps job name -> list of notes.
    """
    if not isinstance(specs, list):
        raise GatekitInputError("job_specs", "must be a list of Zuul-shaped job specs")
    jobs = []
    notes = {}
    index_by_name = {}
    collect([{"job": job} for job in job_library()["jobs"]], "gatekit.devstack job library", index_by_name)
    for index, spec in enumerate(specs):
        where = "job_specs[%d]" % index
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str) or not spec["name"]:
            raise GatekitInputError(where + ".name", "required: a job spec in the shape of a Zuul job")
        # a spec replaces a library job of the same name
        index_by_name[spec["name"]] = [dict(spec, _source=where)]
    for index, spec in enumerate(specs):
        where = "job_specs[%d]" % index
        try:
            resolved = plain(resolve(index_by_name, spec["name"]))
        except GatekitInputError as err:
            raise GatekitInputError("%s.%s" % (where, err.key), err.reason) from None
        timeout = resolved.get("timeout")
        if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, int) or timeout <= 0):
            raise GatekitInputError(where + ".timeout", "must be a positive integer (seconds), got %r" % (timeout,))
        try:
            legacy = native_job_to_legacy_env(resolved)
        except GatekitInputError as err:
            raise GatekitInputError("%s.%s" % (where, err.key), err.reason) from None
        env = dict(legacy["env"])
        env.pop("BUILD_TIMEOUT", None)
        projects = env.pop("PROJECTS", "").split()
        multinode = env.get("DEVSTACK_GATE_TOPOLOGY") == "multinode"
        job = {
            "name": spec["name"],
            "node": node + (multinode_suffix if multinode else ""),
            "timeout": -(-(timeout or 7200) // 60),
            "devstack_gate_env": env,
        }
        if spec.get("description"):
            job["description"] = " ".join(str(spec["description"]).split())
        if projects:
            job["projects"] = projects
        if legacy["dg_local_conf"]:
            job["local_conf"] = legacy["dg_local_conf"]
        jobs.append(job)
        notes[spec["name"]] = list(legacy["notes"])
    return jobs, notes


def _render_named(items, kind, where, required_list=None):
    out = []
    if not isinstance(items, list):
        raise GatekitInputError(where, "must be a list")
    for index, item in enumerate(items):
        here = "%s[%d]" % (where, index)
        if not isinstance(item, dict):
            raise GatekitInputError(here, "must be a mapping")
        if not isinstance(item.get("name"), str) or not item["name"]:
            raise GatekitInputError(here + ".name", "required, a non-empty string")
        if required_list and not isinstance(item.get(required_list), list):
            raise GatekitInputError(here + "." + required_list, "required, a list of job or template names")
        out.append({kind: dict(item)})
    return out


def render_jjb(spec):
    """Return the list of JJB objects (one-key dicts) described by ``spec``.

    ``spec`` keys: ``defaults`` (dict, the ``global`` defaults unless it has a
    name), ``job_templates`` and ``jobs`` (lists of devstack-gate jobs, see
    ``JOB_KEYS``), ``job_groups`` and ``projects`` (JJB shape: name, jobs,
    parameters), ``raw`` (JJB objects passed through), ``macros`` (bool:
    include ``standard_macros``; default true), ``wrapper_dir``.
    """
    _check_keys(spec, SPEC_KEYS, "spec")
    wrapper_dir = spec.get("wrapper_dir") or DEFAULT_WRAPPER_DIR
    objects = []
    defaults = spec.get("defaults")
    if defaults is not None:
        if not isinstance(defaults, dict):
            raise GatekitInputError("defaults", "must be a mapping of JJB defaults")
        body = {"name": "global"}
        body.update(defaults)
        objects.append({"defaults": body})
    if spec.get("macros", True):
        objects.extend(standard_macros(wrapper_dir))
    seen = {}
    for key, template in (("job_templates", True), ("jobs", False)):
        items = spec.get(key) or []
        if not isinstance(items, list):
            raise GatekitInputError(key, "must be a list")
        for index, job in enumerate(items):
            where = "%s[%d]" % (key, index)
            rendered = _render_job(job, template, where)
            if rendered["name"] in seen:
                raise GatekitInputError(
                    where + ".name", "duplicate name %r (also %s)" % (rendered["name"], seen[rendered["name"]])
                )
            seen[rendered["name"]] = where
            objects.append({"job-template" if template else "job": rendered})
    objects.extend(_render_named(spec.get("job_groups") or [], "job-group", "job_groups", "jobs"))
    objects.extend(_render_named(spec.get("projects") or [], "project", "projects", "jobs"))
    raw = spec.get("raw") or []
    if not isinstance(raw, list):
        raise GatekitInputError("raw", "must be a list of one-key JJB objects")
    for index, item in enumerate(raw):
        if not isinstance(item, dict) or len(item) != 1:
            raise GatekitInputError("raw[%d]" % index, "must be a one-key mapping like {job: {...}}")
        objects.append(item)
    return objects


def dump_jjb_yaml(objects):
    """YAML text for JJB; stable (key order kept) so reruns are idempotent."""
    if yaml is None:  # pragma: no cover
        raise JJBMissing("PyYAML is required")

    class _Dumper(yaml.SafeDumper):
        pass

    def _str(dumper, data):
        style = "|" if "\n" in data else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)

    _Dumper.add_representer(str, _str)
    header = "# Rendered by gatekit.devstack.jjb_jobs; expand with `jenkins-jobs test`.\n"
    return header + yaml.dump(objects, Dumper=_Dumper, sort_keys=False, default_flow_style=False, width=1000)


def _import_jjb():
    # jenkins-job-builder is a third-party package: module_utils import it only when used
    # (hence the PLC0415 exceptions), so the modules that do not need it load without it.
    try:
        from jenkins_jobs.config import JJBConfig  # noqa: PLC0415
        from jenkins_jobs.errors import JenkinsJobsException  # noqa: PLC0415
        from jenkins_jobs.loader import load_files  # noqa: PLC0415
        from jenkins_jobs.registry import ModuleRegistry  # noqa: PLC0415
        from jenkins_jobs.roots import Roots  # noqa: PLC0415
        from jenkins_jobs.xml_config import XmlJobGenerator  # noqa: PLC0415
    except ImportError as err:
        raise JJBMissing(
            "jenkins-job-builder is not importable by %s (%s): install the pinned "
            "jenkins-job-builder from requirements.txt" % (_python(), err)
        ) from err
    return JJBConfig, JenkinsJobsException, load_files, ModuleRegistry, Roots, XmlJobGenerator


def _python():
    return sys.executable


def jjb_version():
    """Version string of the importable jenkins-job-builder, or None."""
    try:
        from jenkins_jobs.version import version_info  # noqa: PLC0415
    except ImportError:
        return None
    return version_info.version_string()


def format_jjb_error(exc):
    """One readable line from a JenkinsJobsException: message, job chain, position."""
    message = " ".join(str(exc.message).split())
    # "While formatting string '<80 chars of shell>...': Missing parameter: 'x'" -> the reason
    message = re.sub(r"^While formatting string (['\"]).*?\1: ", "", message)
    chain = [" ".join(str(ctx.message).split()) for ctx in getattr(exc, "ctx", [])]
    text = message
    if chain:
        text += " [" + " > ".join(chain) + "]"
    pos = getattr(exc, "pos", None)
    if pos is not None and getattr(pos, "path", None):
        text += " at %s:%d:%d" % (pos.path, pos.line + 1, pos.column + 1)
    return text


class ExpandedJob:
    """One Jenkins job expanded by JJB: its name, job dict and config.xml bytes."""

    __slots__ = ("data", "name", "xml")

    def __init__(self, name, data, xml):
        self.name = name
        self.data = data
        self.xml = xml


class _Quiet:
    """Silence JJB's INFO/WARNING chatter ("config file not found") for a call."""

    def __enter__(self):
        # JJB also warns through the root logger ("logrotate is deprecated ...")
        self.disabled = logging.root.manager.disable
        logging.disable(logging.WARNING)
        return self

    def __exit__(self, *exc):
        logging.disable(self.disabled)
        return False


def load_jjb(paths, allow_empty_variables=False):
    """Parse JJB YAML files/dirs with JJB; return (roots, registry, generated job list).

    Jobs are JJB's own expansion (templates x projects x groups); macros are
    resolved later, when XML is generated.
    """
    JJBConfig, JenkinsJobsException, load_files, ModuleRegistry, Roots = _import_jjb()[:5]
    with _Quiet():
        config = JJBConfig(config_file_required=False)
        config.builder["plugins_info"] = []  # never ask a Jenkins server
        config.yamlparser["allow_empty_variables"] = bool(allow_empty_variables)
        roots = Roots(config)
        try:
            load_files(config, roots, [pathlib.Path(p) for p in paths])
            registry = ModuleRegistry(config, [])
            registry.set_macros(roots.macros)
            jobs = roots.generate_jobs()
            registry.amend_job_dicts(jobs)
        except JenkinsJobsException as exc:
            raise JJBError(format_jjb_error(exc)) from None
    return roots, registry, jobs


def expand_jjb(paths, allow_empty_variables=False, names=None):
    """Expand JJB YAML with JJB; return a sorted list of ``ExpandedJob``.

    ``names``: optional list of fnmatch globs to keep (as ``jenkins-jobs test NAME``).
    """
    import fnmatch  # noqa: PLC0415

    imported = _import_jjb()
    JenkinsJobsException, XmlJobGenerator = imported[1], imported[5]
    registry, jobs = load_jjb(paths, allow_empty_variables)[1:]
    if names:
        jobs = [j for j in jobs if any(fnmatch.fnmatch(j.name, pattern) for pattern in names)]
    out = []
    generator = XmlJobGenerator(registry)
    with _Quiet():
        for job in jobs:
            try:
                xml = generator.generateXML([job])[0]
            except JenkinsJobsException as exc:
                raise JJBError("job %r: %s" % (job.name, format_jjb_error(exc))) from None
            out.append(ExpandedJob(job.name, job.data, xml.output()))
    out.sort(key=lambda j: j.name)
    return out


def config_xml_path(name):
    """Relative path JJB's ``--config-xml`` layout uses for a job (folders allowed)."""
    parts = [p for p in name.split("/") if p]
    if not parts or any(p in (".", "..") for p in parts):
        raise GatekitInputError("job name", "%r cannot be used as an output path" % name)
    return "/".join(parts + ["config.xml"])
