# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Translate the devstack-gate environment of this process into native job variables.

Run by devstack-vm-gate-wrap.sh / devstack-vm-gate.sh (``python3 dg_translate.py``)
with the venv's python. The translation is the collection's ONE legacy mapping
(``plugins/module_utils/legacy/mapping.py``), imported from the collection installed
on this node; nothing here re-implements it.

``--report FILE``: write the translation (native vars, parent, nodeset, required
projects, notes, unknown keys) as JSON and print the notes; exit 1 with a message
naming the key on input the mapping rejects.
``--vars FILE``: also write the extra-vars file for the node playbook: the native
job vars on top of the installation's defaults (``GATEKIT_DG_DEFAULTS``), with
``tempest_results_dir`` = the log directory.

Reads ``/tmp/dg-local.conf`` (``GATEKIT_DG_LOCAL_CONF`` overrides the path). Writes
JSON only (no YAML: devstack-gate's ``yaml.load`` without a Loader broke on
PyYAML 6, reference section 4 item 21).
"""

import argparse
import json
import os
import sys

COLLECTIONS = os.environ.get("GATEKIT_DG_COLLECTIONS", "/opt/gatekit/collections")
if COLLECTIONS not in sys.path:
    sys.path.insert(0, COLLECTIONS)

# pylint: disable=wrong-import-position
from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError  # noqa: E402
from ansible_collections.gatekit.devstack.plugins.module_utils.legacy import mapping as legacy_mapping  # noqa: E402

#: Set by the wrapper itself, not by the job.
WRAPPER_KEYS = ("DEVSTACK_GATE_LOG_DIR",)


def job_environment(environ):
    """The part of the environment the mapping reads: DEVSTACK_GATE_*, its other keys, overrides."""
    env = {}
    for key, value in environ.items():
        if key in WRAPPER_KEYS:
            continue
        if key.startswith(legacy_mapping.PREFIX) or key in legacy_mapping.OTHER_KEYS or legacy_mapping.PROJECT_BRANCH_RE.match(key):
            env[key] = value
    return dict(sorted(env.items()))


def branch_of(environ):
    """The branch under test: OVERRIDE_ZUUL_BRANCH (read by the mapping itself), ZUUL_BRANCH, master."""
    return environ.get("ZUUL_BRANCH") or "master"


def read_text(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def translate(environ, dg_local_conf):
    env = job_environment(environ)
    result = legacy_mapping.legacy_env_to_native(env, branch=branch_of(environ), dg_local_conf=dg_local_conf)
    if result["nodeset"] != legacy_mapping.NODESETS["aio"]:
        raise GatekitInputError(
            "DEVSTACK_GATE_TOPOLOGY",
            "the gatekit wrapper deploys one node; run multinode jobs natively (nodeset %s)" % result["nodeset"],
        )
    return env, result


def write_json(path, data):
    tmp = "%s.tmp%d" % (path, os.getpid())
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, sort_keys=False)
        handle.write("\n")
    os.replace(tmp, path)


def gate_vars(result, environ):
    defaults = json.loads(read_text(environ.get("GATEKIT_DG_DEFAULTS", "")) or "{}") if environ.get("GATEKIT_DG_DEFAULTS") else {}
    merged = dict(defaults)
    merged.update(result["vars"])
    merged.setdefault("devstack_method", environ.get("GATEKIT_DG_METHOD") or "pip")
    log_dir = environ.get("DEVSTACK_GATE_LOG_DIR") or os.path.join(environ["WORKSPACE"], "logs")
    merged["tempest_results_dir"] = log_dir
    merged["devstack_gate_parent"] = result["parent"]
    merged["devstack_gate_run_tempest"] = bool(merged.get("devstack_services", {}).get("tempest"))
    return merged


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--report", help="write the translation here (JSON)")
    parser.add_argument("--vars", help="write the node playbook's extra vars here (JSON)")
    args = parser.parse_args(argv)
    environ = dict(os.environ)
    local_conf_path = environ.get("GATEKIT_DG_LOCAL_CONF", "/tmp/dg-local.conf")
    try:
        env, result = translate(environ, read_text(local_conf_path))
    except GatekitInputError as err:
        print("devstack-gate: %s" % err, file=sys.stderr)
        return 1
    for note in result["notes"]:
        if not note.startswith(tuple(key + ":" for key in result["unknown"])):
            print("devstack-gate note: %s" % note)
    for key in result["unknown"]:
        print("devstack-gate WARNING: %s is not a devstack-gate setting: reported, not turned into a feature" % key)
    if args.report:
        write_json(args.report, {"env": env, "translation": result})
    if args.vars:
        job_vars = gate_vars(result, environ)
        write_json(args.vars, job_vars)
        print(
            "devstack-gate: native job (%s): tox_envlist=%s tempest_test_regex=%s devstack_method=%s"
            % (result["parent"], job_vars.get("tox_envlist", "-"), job_vars.get("tempest_test_regex", "-"), job_vars["devstack_method"])
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
