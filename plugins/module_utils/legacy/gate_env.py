# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The devstack-gate environment: Zuul's legacy variables and a sourceable env file.

* ``zuul_legacy_vars(zuul)`` -- the same dict Zuul's ``zuul_legacy_vars`` filter
  returns for the same ``zuul`` dict: ZUUL_UUID, ZUUL_PROJECT, ZUUL_SHORT_PROJECT_NAME,
  ZUUL_PIPELINE, ZUUL_VOTING, WORKSPACE (``/home/zuul/workspace``), BUILD_TIMEOUT
  (``timeout`` x 1000, when set), ZUUL_BRANCH (when set), for changes ZUUL_CHANGES
  (``project:branch:refs/changes/NN/change/patchset`` joined by ``^`` over
  ``zuul.items``), ZUUL_CHANGE_IDS (``change,patchset`` joined by spaces),
  ZUUL_CHANGE, ZUUL_PATCHSET; for ref updates ZUUL_REFNAME, ZUUL_OLDREV, ZUUL_NEWREV
  (40 zeros when absent); and TOX_TESTENV_PASSENV naming all of them.  ZUUL_URL,
  ZUUL_REF, ZUUL_COMMIT, LOG_PATH, BASE_LOG_PATH and JOB_TAGS are not set (as in Zuul).
* ``gate_environment(...)`` -- the whole environment of a legacy run, from native job
  vars or from legacy settings, via :mod:`legacy_mapping` (the one translation).
* ``render_env_file(env)`` -- ``export NAME=<shell-quoted value>`` lines.
"""

import re
import shlex
from collections import OrderedDict

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError
from ansible_collections.gatekit.devstack.plugins.module_utils.legacy.mapping import (
    legacy_env_to_native,
    native_to_legacy_env,
)

LEGACY_WORKSPACE = "/home/zuul/workspace"
ZERO_SHA = "0" * 40
ENV_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _need(zuul, key, where="zuul"):
    if not isinstance(zuul, dict) or key not in zuul:
        raise GatekitInputError("%s.%s" % (where, key), "required by zuul_legacy_vars but missing")
    return zuul[key]


def zuul_legacy_vars(zuul):
    """Zuul's legacy environment for a job; see the module docstring."""
    project = _need(zuul, "project")
    project_name = _need(project, "name", "zuul.project")
    params = OrderedDict()
    params["ZUUL_UUID"] = _need(zuul, "build")
    params["ZUUL_PROJECT"] = project_name
    params["ZUUL_SHORT_PROJECT_NAME"] = project_name.rsplit("/", 1)[-1]
    params["ZUUL_PIPELINE"] = _need(zuul, "pipeline")
    params["ZUUL_VOTING"] = _need(zuul, "voting")
    params["WORKSPACE"] = LEGACY_WORKSPACE
    if zuul.get("timeout") is not None:
        params["BUILD_TIMEOUT"] = "%d" % (int(zuul["timeout"]) * 1000)
    if "branch" in zuul:
        params["ZUUL_BRANCH"] = zuul["branch"]
    if "change" in zuul:
        refs = []
        ids = []
        for index, item in enumerate(_need(zuul, "items")):
            where = "zuul.items[%d]" % index
            change = str(_need(item, "change", where))
            patchset = str(_need(item, "patchset", where))
            item_project = _need(_need(item, "project", where), "name", where + ".project")
            refs.append("%s:%s:refs/changes/%s/%s/%s" % (item_project, _need(item, "branch", where), change[-2:], change, patchset))
            ids.append("%s,%s" % (change, patchset))
        params["ZUUL_CHANGES"] = "^".join(refs)
        params["ZUUL_CHANGE_IDS"] = " ".join(ids)
        params["ZUUL_CHANGE"] = str(zuul["change"])
        params["ZUUL_PATCHSET"] = str(_need(zuul, "patchset"))
    if "newrev" in zuul or "oldrev" in zuul:
        params["ZUUL_REFNAME"] = _need(zuul, "ref")
        params["ZUUL_OLDREV"] = zuul.get("oldrev", ZERO_SHA)
        params["ZUUL_NEWREV"] = zuul.get("newrev", ZERO_SHA)
    params["TOX_TESTENV_PASSENV"] = " ".join(params)
    return dict(params)


def env_value_text(value):
    """How Ansible's ``environment:`` stringifies a value (True -> 'True')."""
    if value is None:
        return ""
    return str(value)


def render_env_file(env, header=None):
    """A bash-sourceable file: one ``export NAME=value`` per entry, values shell-quoted."""
    lines = []
    if header:
        lines.extend("# " + line if line else "#" for line in header.splitlines())
    for name, value in env.items():
        if not isinstance(name, str) or not ENV_NAME_RE.match(name):
            raise GatekitInputError("env.%s" % name, "not a valid environment variable name")
        lines.append("export %s=%s" % (name, shlex.quote(env_value_text(value))))
    return "\n".join(lines) + "\n"


def gate_environment(
    *,
    job_vars=None,
    legacy_env=None,
    dg_local_conf=None,
    zuul=None,
    workspace=None,
    nodeset=None,
    required_projects=None,
    timeout=None,
    override_checkout=None,
    group_vars=None,
    branch=None,
):
    """The environment of a legacy devstack-gate run.

    Exactly one of ``job_vars`` (native) or ``legacy_env`` (``DEVSTACK_GATE_*`` and
    friends, used as given) is the source.  Returns an OrderedDict with ``env``
    (Zuul legacy variables first, then the job's settings sorted by name),
    ``dg_local_conf`` (text), ``native`` (the translation to job vars) and
    ``notes``.  ``branch`` defaults to ``zuul.branch`` or ``master``.
    """
    if (job_vars is None) == (legacy_env is None):
        raise GatekitInputError("job_vars", "give exactly one of job_vars (native) or legacy_env (DEVSTACK_GATE_*)")
    if branch is None:
        branch = (zuul or {}).get("branch") or "master"
    env = OrderedDict()
    if zuul:
        env.update(zuul_legacy_vars(zuul))
    if job_vars is not None:
        if not isinstance(job_vars, dict):
            raise GatekitInputError("job_vars", "must be a dict of job variables")
        legacy = native_to_legacy_env(
            job_vars,
            nodeset=nodeset,
            required_projects=required_projects,
            timeout=timeout,
            override_checkout=override_checkout,
            group_vars=group_vars,
            branch=branch,
        )
        job_env = legacy["env"]
        text = legacy["dg_local_conf"]
        notes = list(legacy["notes"])
        native = OrderedDict([("vars", job_vars)])
    else:
        if not isinstance(legacy_env, dict):
            raise GatekitInputError("legacy_env", "must be a dict of environment variables")
        job_env = OrderedDict((str(k), v if isinstance(v, str) else env_value_text(v)) for k, v in legacy_env.items())
        text = dg_local_conf or ""
        native = legacy_env_to_native(job_env, branch=branch, dg_local_conf=text)
        notes = list(native["notes"])
    for key in sorted(job_env):
        env.pop(key, None)
        env[key] = job_env[key]
    if workspace:
        env["WORKSPACE"] = workspace
    env.setdefault("WORKSPACE", LEGACY_WORKSPACE)
    return OrderedDict([("env", env), ("dg_local_conf", text), ("native", native), ("notes", notes)])
