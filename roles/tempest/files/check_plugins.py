# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check that requested tempest plugins are installed and load.

Runs with the tempest venv's Python.  tempest itself only logs errors raised by
a plugin's register_opts/get_service_clients, and one plugin that fails to
import stops discovery of all the others (Bug 1474765): here each plugin is
loaded on its own and every failure names the distribution and entry point.

usage: check_plugins.py DIST [DIST...]
Prints JSON {"plugins": {dist: [entry point names]}, "errors": [...]}; exit 1 on errors.
"""

import json
import re
import sys
import traceback
from importlib import metadata

from oslo_config import cfg

GROUP = "tempest.test_plugins"


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def main(requested):
    by_name = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            by_name.setdefault(canonical(name), dist)
    result = {"plugins": {}, "errors": []}
    for wanted in requested:
        dist = by_name.get(canonical(wanted))
        if dist is None:
            result["errors"].append("%s: not installed in the tempest venv" % wanted)
            continue
        points = [ep for ep in dist.entry_points if ep.group == GROUP]
        if not points:
            result["errors"].append("%s: installed but registers no '%s' entry point" % (wanted, GROUP))
            continue
        result["plugins"][wanted] = [ep.name for ep in points]
        for ep in points:
            try:
                plugin = ep.load()()
                plugin.load_tests()
                plugin.register_opts(cfg.ConfigOpts())
                plugin.get_opt_lists()
                if hasattr(plugin, "get_service_clients"):
                    plugin.get_service_clients()
            except Exception as err:  # noqa: BLE001 - any failure is reported with its name
                last = traceback.format_exception_only(type(err), err)[-1].strip()
                result["errors"].append("%s: tempest plugin '%s' (%s) failed to load: %s" % (wanted, ep.name, ep.value, last))
    json.dump(result, sys.stdout, sort_keys=True)
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
