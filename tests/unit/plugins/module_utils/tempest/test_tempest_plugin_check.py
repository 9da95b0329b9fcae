# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Each requested tempest plugin is installed, registers an entry point and loads."""

from importlib import metadata

from ansible_collections.gatekit.devstack.plugins.module_utils.tempest import plugins


class Dist:
    def __init__(self, name, points):
        self.metadata = {"Name": name}
        self.entry_points = [metadata.EntryPoint(n, v, g) for n, v, g in points]


DISTS = [
    Dist("keystone_tempest_plugin", [("keystone_tests", "keystone_tempest_plugin.plugin:KeystoneTempestPlugin",
                                      plugins.GROUP)]),
    Dist("no-plugin-here", [("x", "x:main", "console_scripts")]),
    Dist("broken-plugin", [("broken", "broken.plugin:Plugin", plugins.GROUP)]),
    Dist(None, []),
]


def load(ep):
    if ep.name == "broken":
        raise ImportError("No module named 'gktp_module_that_does_not_exist'")


def test_every_failure_named():
    result = plugins.check_plugins(["Keystone.Tempest-Plugin", "no-plugin-here", "broken-plugin", "absent"], DISTS, load)
    assert result["plugins"] == {"Keystone.Tempest-Plugin": ["keystone_tests"], "broken-plugin": ["broken"]}
    assert result["errors"] == [
        "no-plugin-here: installed but registers no 'tempest.test_plugins' entry point",
        "broken-plugin: tempest plugin 'broken' (broken.plugin:Plugin) failed to load: "
        "ImportError: No module named 'gktp_module_that_does_not_exist'",
        "absent: not installed in the tempest venv",
    ]


def test_all_good():
    result = plugins.check_plugins(["keystone-tempest-plugin"], DISTS, load)
    assert result == {"plugins": {"keystone-tempest-plugin": ["keystone_tests"]}, "errors": []}


def test_list_plugins_table():
    text = ("+---------------+------------------+\n|      Name     |    EntryPoint    |\n"
            "+---------------+------------------+\n| keystone_tests | keystone_tempest_plugin.plugin:K |\n"
            "| gktp_demo | gktp_demo_tempest_plugin.plugin:P |\n+---------------+\n")
    listed = plugins.listed_plugins(text)
    assert listed == ["Name", "keystone_tests", "gktp_demo"]
    assert plugins.unlisted({"a": ["keystone_tests"], "b": ["gktp_demo", "other"]}, listed) == ["other"]
