# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The legacy wrapper's translator: a devstack-gate job's environment -> native job variables.

The devstack_gate role's ``dg_translate.py`` runs these on the node, with the collection
installed there; the translation itself is ``legacy.mapping``'s, and so is the list of the
environment variables that make up a job (``mapping.reads_key`` / ``mapping.job_key``).
Pure functions over dicts: the entry point reads and writes the files.
"""

import posixpath

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError
from ansible_collections.gatekit.devstack.plugins.module_utils.legacy import mapping as legacy_mapping


def job_environment(environ):
    """The part of ``environ`` the mapping reads, sorted by name."""
    return dict(sorted((key, value) for key, value in environ.items() if legacy_mapping.reads_key(key)))


def job_env_names(environ):
    """The names of ``environ`` a re-run of the job exports (the reproduce script), sorted."""
    return sorted(key for key in environ if legacy_mapping.job_key(key))


def branch_of(environ):
    """The branch under test: OVERRIDE_ZUUL_BRANCH (read by the mapping itself), ZUUL_BRANCH, master."""
    return environ.get("ZUUL_BRANCH") or "master"


def translate(environ, dg_local_conf):
    """``(job env, mapping result)``; a multinode topology is an error (the wrapper deploys one node)."""
    env = job_environment(environ)
    result = legacy_mapping.legacy_env_to_native(env, branch=branch_of(environ), dg_local_conf=dg_local_conf)
    if result["nodeset"] != legacy_mapping.NODESETS["aio"]:
        raise GatekitInputError(
            "DEVSTACK_GATE_TOPOLOGY",
            "the gatekit wrapper deploys one node; run multinode jobs natively (nodeset %s)" % result["nodeset"],
        )
    return env, result


def messages(result):
    """The lines the wrapper prints about a translation: its notes, then one warning per unknown key."""
    lines = []
    for note in result["notes"]:
        if not note.startswith(tuple(key + ":" for key in result["unknown"])):
            lines.append("devstack-gate note: %s" % note)
    for key in result["unknown"]:
        lines.append("devstack-gate WARNING: %s is not a devstack-gate setting: reported, not turned into a feature" % key)
    return lines


def gate_vars(result, environ, defaults=None):
    """The node playbook's extra vars: the native job vars over the installation's ``defaults``,
    with the log directory as ``tempest_results_dir``."""
    merged = dict(defaults or {})
    merged.update(result["vars"])
    merged.setdefault("devstack_method", environ.get("GATEKIT_DG_METHOD") or "pip")
    merged["tempest_results_dir"] = environ.get("DEVSTACK_GATE_LOG_DIR") or posixpath.join(environ["WORKSPACE"], "logs")
    merged["devstack_gate_parent"] = result["parent"]
    merged["devstack_gate_run_tempest"] = bool(merged.get("devstack_services", {}).get("tempest"))
    return merged


def summary(result, job_vars):
    """The one line that says which native job runs."""
    return "devstack-gate: native job (%s): tox_envlist=%s tempest_test_regex=%s devstack_method=%s" % (
        result["parent"], job_vars.get("tox_envlist", "-"), job_vars.get("tempest_test_regex", "-"), job_vars["devstack_method"])
