# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Translate the devstack-gate environment of this process into native job variables.

Run by devstack-vm-gate-wrap.sh / devstack-vm-gate.sh (``python3 dg_translate.py``)
with the venv's python. Everything it decides is the collection's
(``plugins/module_utils/legacy/wrapper_translate.py`` over the ONE legacy mapping),
imported from the collection installed on this node; this file only reads and writes.

``--report FILE``: write the translation (native vars, parent, nodeset, required
projects, notes, unknown keys) as JSON and print the notes; exit 1 with a message
naming the key on input the mapping rejects.
``--vars FILE``: also write the extra-vars file for the node playbook: the native
job vars on top of the installation's defaults (``GATEKIT_DG_DEFAULTS``), with
``tempest_results_dir`` = the log directory.
``--env-names``: print the names of this environment that make up the job (one a line),
for the reproduce script; nothing else.

Reads ``/tmp/dg-local.conf`` (``GATEKIT_DG_LOCAL_CONF`` overrides the path). Writes
JSON only (no YAML: devstack-gate's ``yaml.load`` without a Loader broke on PyYAML 6).
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
from ansible_collections.gatekit.devstack.plugins.module_utils.legacy import wrapper_translate  # noqa: E402


def read_text(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def write_json(path, data):
    tmp = "%s.tmp%d" % (path, os.getpid())
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, sort_keys=False)
        handle.write("\n")
    os.replace(tmp, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--report", help="write the translation here (JSON)")
    parser.add_argument("--vars", help="write the node playbook's extra vars here (JSON)")
    parser.add_argument("--env-names", action="store_true", help="print the job's environment variable names")
    args = parser.parse_args(argv)
    environ = dict(os.environ)
    if args.env_names:
        for name in wrapper_translate.job_env_names(environ):
            print(name)
        return 0
    try:
        env, result = wrapper_translate.translate(environ, read_text(environ.get("GATEKIT_DG_LOCAL_CONF", "/tmp/dg-local.conf")))
    except GatekitInputError as err:
        print("devstack-gate: %s" % err, file=sys.stderr)
        return 1
    for line in wrapper_translate.messages(result):
        print(line)
    if args.report:
        write_json(args.report, {"env": env, "translation": result})
    if args.vars:
        defaults_path = environ.get("GATEKIT_DG_DEFAULTS")
        defaults = json.loads(read_text(defaults_path) or "{}") if defaults_path else {}
        job_vars = wrapper_translate.gate_vars(result, environ, defaults)
        write_json(args.vars, job_vars)
        print(wrapper_translate.summary(result, job_vars))
    return 0


if __name__ == "__main__":
    sys.exit(main())
