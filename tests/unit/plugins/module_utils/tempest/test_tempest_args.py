# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
import re

import pytest

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError
from ansible_collections.gatekit.devstack.plugins.module_utils.tempest.selection import (
    ENVLISTS,
    default_concurrency,
    parse_plugin_spec,
    plan_tempest_run,
    regex_and,
    regex_or,
)

IDS = [
    "tempest.api.identity.v3.test_tokens.TokensV3Test.test_create_token[id-6f8e4436,smoke]",
    "tempest.api.identity.admin.v3.test_roles.RolesV3TestJSON.test_role_create_update_show_list[id-1]",
    "tempest.api.compute.servers.test_servers.ServersTest.test_x[id-2,slow]",
    "tempest.api.compute.servers.test_servers.ServersTest.test_y[id-3,smoke]",
    "tempest.scenario.test_minimum_basic.TestMinimumBasicScenario.test_minimum_basic_scenario[id-4,slow]",
    "tempest.scenario.test_server_basic_ops.TestServerBasicOps.test_server_basic_ops[id-5,smoke]",
    "tempest.serial_tests.api.admin.test_aggregates.AggregatesAdminTestV239.test_x[id-6]",
    "keystone_tempest_plugin.tests.api.identity.v3.test_oauth2.OAuth2Test.test_x[id-7]",
]


def selected(phase):
    """Emulate stestr: --regex filters (whitespace-split, OR) then --exclude-regex."""
    out = []
    for test in IDS:
        if phase["regex"] and not any(re.search(r, test) for r in phase["regex"].split()):
            continue
        if phase["exclude_regex"] and re.search(phase["exclude_regex"], test):
            continue
        out.append(test)
    return out


@pytest.mark.parametrize("cores,expected", [(1, 1), (2, 2), (3, 3), (4, 2), (8, 6), (0, 1), ("4", 2)])
def test_default_concurrency(cores, expected):
    assert default_concurrency(cores) == expected


def test_default_concurrency_rejects_garbage():
    with pytest.raises(GatekitInputError, match="cores"):
        default_concurrency("many")


def test_all_with_regex_is_plain_regex():
    plan = plan_tempest_run("all", test_regex=r"^(tempest\.api\.identity|keystone_tempest_plugin\.)", cores=2)
    assert plan["concurrency"] == 2
    (phase,) = plan["phases"]
    assert phase["argv"] == ["tempest", "run", "--regex", r"^(tempest\.api\.identity|keystone_tempest_plugin\.)", "--concurrency", "2"]
    assert selected(phase) == [IDS[0], IDS[1], IDS[7]]


def test_all_without_regex_runs_everything():
    (phase,) = plan_tempest_run("all", cores=4)["phases"]
    assert phase["argv"] == ["tempest", "run", "--concurrency", "2"]
    assert selected(phase) == IDS


def test_smoke_with_regex_narrows():
    (phase,) = plan_tempest_run("smoke", test_regex=r"tempest\.api\.identity", cores=2)["phases"]
    assert selected(phase) == [IDS[0]]


def test_full_has_two_phases_and_combines():
    plan = plan_tempest_run("full", cores=2, concurrency=4)
    api, scen = plan["phases"]
    assert "--concurrency" in api["argv"] and "--combine" not in api["argv"]
    assert scen["argv"][-2:] == ["--serial", "--combine"]
    assert selected(api) == [IDS[0], IDS[1], IDS[3]]
    assert selected(scen) == [IDS[5], IDS[6]]


def test_full_with_regex_and_exclude():
    plan = plan_tempest_run("full", test_regex="compute|scenario", exclude_regex="test_y", cores=2)
    api, scen = plan["phases"]
    assert selected(api) == []
    assert selected(scen) == [IDS[5]]


@pytest.mark.parametrize("envlist", sorted(ENVLISTS))
def test_every_envlist_accepts_a_regex(envlist):
    plan = plan_tempest_run(envlist, test_regex=r"tempest\.api\.identity", cores=2)
    assert plan["phases"], envlist
    for phase in plan["phases"]:
        assert all(t.startswith("tempest.api.identity") for t in selected(phase))


def test_venv_tempest_without_regex_runs_nothing():
    assert plan_tempest_run("venv-tempest", cores=2)["phases"] == []


def test_serial_and_lists():
    (phase,) = plan_tempest_run("smoke", serial=True, include_list="/i", exclude_list="/e", concurrency=7)["phases"]
    assert phase["argv"] == ["tempest", "run", "--regex", r"\[.*\bsmoke\b.*\]", "--include-list", "/i", "--exclude-list", "/e", "--serial"]


def test_extra_args_and_tempest_path():
    (phase,) = plan_tempest_run("all", tempest="/v/bin/tempest", extra_args=["--slowest"], cores=1)["phases"]
    assert phase["argv"] == ["/v/bin/tempest", "run", "--concurrency", "1", "--slowest"]


@pytest.mark.parametrize(
    "kwargs,key",
    [
        ({"tox_envlist": "nope"}, "tox_envlist"),
        ({"test_regex": "a b"}, "tempest_test_regex"),
        ({"test_regex": "(x"}, "tempest_test_regex"),
        ({"exclude_regex": "x\ny"}, "tempest_exclude_regex"),
        ({"concurrency": -1}, "tempest_concurrency"),
        ({"concurrency": "two"}, "tempest_concurrency"),
    ],
)
def test_bad_input_names_the_key(kwargs, key):
    with pytest.raises(GatekitInputError) as err:
        plan_tempest_run(**kwargs)
    assert str(err.value).startswith(key + ":")


def test_regex_helpers():
    assert regex_and(None, "b") == "b" and regex_and("a", "") == "a"
    both = regex_and("^tempest", "identity")
    assert re.search(both, "tempest.api.identity.x") and not re.search(both, "x.identity")
    assert regex_or("a", None) == "a"
    assert re.search(regex_or("a", "b"), "b")


@pytest.mark.parametrize(
    "spec,name,src,kind",
    [
        ("keystone-tempest-plugin", "keystone-tempest-plugin", "keystone-tempest-plugin", "pypi"),
        ("keystone-tempest-plugin==0.22.0", "keystone-tempest-plugin", "keystone-tempest-plugin==0.22.0", "pypi"),
        (
            "git+https://opendev.org/openstack/keystone-tempest-plugin",
            "keystone-tempest-plugin",
            "git+https://opendev.org/openstack/keystone-tempest-plugin",
            "vcs",
        ),
        (
            "git+https://opendev.org/openstack/kt.git@master#egg=keystone_tempest_plugin",
            "keystone_tempest_plugin",
            "git+https://opendev.org/openstack/kt.git@master#egg=keystone_tempest_plugin",
            "vcs",
        ),
        ("git+https://h/x/foo-plugin.git@1.0", "foo-plugin", "git+https://h/x/foo-plugin.git@1.0", "vcs"),
        ("foo @ git+https://h/x/bar", "foo", "foo @ git+https://h/x/bar", "vcs"),
        ("/srv/my-plugin/", "my-plugin", "/srv/my-plugin/", "path"),
        ({"name": "x-plugin", "src": "/tmp/whatever"}, "x-plugin", "/tmp/whatever", "explicit"),
    ],
)
def test_parse_plugin_spec(spec, name, src, kind):
    got = parse_plugin_spec(spec)
    assert (got["name"], got["src"], got["kind"]) == (name, src, kind)


def test_parse_plugin_spec_prefers_checked_out_repo():
    got = parse_plugin_spec("keystone-tempest-plugin", "/opt/stack", ["keystone-tempest-plugin"])
    assert got == {"name": "keystone-tempest-plugin", "canonical": "keystone-tempest-plugin", "src": "/opt/stack/keystone-tempest-plugin", "kind": "path"}


@pytest.mark.parametrize("spec", ["", "   ", 3, {"src": "x"}, "==1.0"])
def test_parse_plugin_spec_rejects(spec):
    with pytest.raises(GatekitInputError, match="^tempest_plugins:"):
        parse_plugin_spec(spec)
