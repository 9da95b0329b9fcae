# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which requirements an environment already satisfies."""

from ansible_collections.gatekit.devstack.plugins.module_utils.venv import requirements

INSTALLED = {"tempest": "40.0.0", "keystone-tempest-plugin": "0.17.0", "os-testr": "3.0.0rc1"}


def version_of(name):
    return INSTALLED.get(requirements.canonical(name))


def test_plain_requirements():
    specs = ["tempest", "Keystone_Tempest.Plugin>=0.16", "os-testr<4", "tempest==39.0.0", "absent", "tempest[extra]"]
    assert requirements.unsatisfied(specs, version_of) == ["tempest==39.0.0", "absent"]


def test_urls_paths_and_garbage_need_pip():
    specs = ["git+https://opendev.org/openstack/foo", "/opt/stack/foo", "./foo", "~/foo",
             "foo @ https://x/foo.whl", "not a requirement!!"]
    assert requirements.unsatisfied(specs, version_of) == specs


def test_prereleases_count():
    assert requirements.unsatisfied(["os-testr>=2"], version_of) == []


def test_running_interpreter():
    assert requirements.unsatisfied(["pytest"]) == []
    assert requirements.unsatisfied(["gatekit-no-such-distribution"]) == ["gatekit-no-such-distribution"]


def test_canonical():
    assert requirements.canonical("Keystone_Tempest.Plugin") == "keystone-tempest-plugin"
