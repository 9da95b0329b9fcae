# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check that the requested tempest plugins are installed and load.

tempest itself only logs errors raised by a plugin's register_opts /
get_service_clients, and one plugin that fails to import stops the discovery
of all the others (Bug 1474765): here each plugin is loaded on its own and
every failure names the distribution and the entry point.

* ``check_plugins(requested, distributions, load)`` -- ``{"plugins": {dist:
  [entry point names]}, "errors": [...]}``; ``distributions`` are
  ``importlib.metadata`` distributions (or objects shaped like them) and
  ``load(entry_point)`` exercises one plugin (``load_plugin`` is the real one).
* ``listed_plugins(text)`` -- the plugin names of ``tempest list-plugins``.
* ``unlisted(plugins, listed)`` -- entry points tempest does not list.
"""

import re
import traceback

from ansible_collections.gatekit.devstack.plugins.module_utils.venv.requirements import canonical

try:
    from oslo_config import cfg  # the tempest venv's
except ImportError:  # only load_plugin needs it, and it runs in the tempest venv
    cfg = None

GROUP = "tempest.test_plugins"


def load_plugin(entry_point):
    """What tempest does with a plugin: instantiate, load tests, options, service clients."""
    plugin = entry_point.load()()
    plugin.load_tests()
    plugin.register_opts(cfg.ConfigOpts())
    plugin.get_opt_lists()
    if hasattr(plugin, "get_service_clients"):
        plugin.get_service_clients()


def check_plugins(requested, distributions, load=load_plugin):
    by_name = {}
    for dist in distributions:
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
                load(ep)
            except Exception as err:  # noqa: BLE001 - any failure is reported with its name
                last = traceback.format_exception_only(type(err), err)[-1].strip()
                result["errors"].append("%s: tempest plugin '%s' (%s) failed to load: %s" % (wanted, ep.name, ep.value, last))
    return result


def listed_plugins(text):
    return re.findall(r"^\|\s*(\S+)\s*\|", text, re.MULTILINE)


def unlisted(plugins, listed):
    return [name for names in plugins.values() for name in names if name not in listed]
