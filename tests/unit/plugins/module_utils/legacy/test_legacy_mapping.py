# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one legacy <-> native mapping: table cases and round-trip properties."""

import json
import random

import pytest

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError
from ansible_collections.gatekit.devstack.plugins.module_utils.legacy.mapping import (
    DEFAULTS,
    legacy_defaults,
    legacy_env_to_native,
    native_job_to_legacy_env,
    native_to_legacy_env,
)


def plain(data):
    return json.loads(json.dumps(data))


def gate(**flags):
    return {"DEVSTACK_GATE_" + k: v for k, v in flags.items()}


def test_reference_tempest_neutron_full():
    env = gate(TEMPEST="1", TEMPEST_FULL="1", NEUTRON="1", TLSPROXY="1")
    env["OVERRIDE_ZUUL_BRANCH"] = "stable/wallaby"
    res = legacy_env_to_native(env, dg_local_conf="[[local|localrc]]\nENABLE_FILE_INJECTION=True")
    assert plain(res["vars"]) == {
        "tox_envlist": "full",
        "devstack_services": {"tempest": True, "tls-proxy": True},
        "devstack_localrc": {"ENABLE_FILE_INJECTION": "True"},
    }
    assert res["parent"] == "gatekit-tempest"
    assert res["nodeset"] == "gatekit-single-node"
    assert res["override_checkout"] == "stable/wallaby"
    assert res["notes"] == [] and res["unknown"] == []


@pytest.mark.parametrize(
    ("flags", "envlist", "regex"),
    [
        ({}, "smoke", None),
        ({"TEMPEST_NOTESTS": "1", "TEMPEST_FULL": "1"}, "venv-tempest", None),
        ({"TEMPEST_REGEX": "tempest.api.identity", "TEMPEST_ALL": "1"}, "all", "tempest.api.identity"),
        ({"TEMPEST_REGEX": "x", "TEMPEST_ALL_PLUGINS": "1"}, "all-plugin", "x"),
        ({"TEMPEST_ALL_PLUGINS": "1"}, "all-plugin", None),
        ({"TEMPEST_ALL": "1", "TEMPEST_FULL": "1"}, "all", "tempest"),
        ({"TEMPEST_DISABLE_TENANT_ISOLATION": "1", "TEMPEST_FULL": "1"}, "full-serial", None),
        ({"TEMPEST_FULL": "true", "SMOKE_SERIAL": "1"}, "full", None),
        ({"SMOKE_SERIAL": "1", "TEMPEST_SCENARIOS": "1"}, "smoke-serial", None),
        ({"TEMPEST_SCENARIOS": "1"}, "scenario", None),
        ({"TEMPEST_FULL": "False"}, "smoke", None),
    ],
)
def test_tempest_selection_precedence(flags, envlist, regex):
    res = legacy_env_to_native(gate(TEMPEST="1", **flags))
    assert res["vars"]["tox_envlist"] == envlist
    assert res["vars"].get("tempest_test_regex") == regex


def test_no_tempest():
    res = legacy_env_to_native(gate(TEMPEST="0", TEMPEST_FULL="1"))
    assert "tox_envlist" not in res["vars"]
    assert res["vars"]["devstack_services"] == {"tempest": False}
    assert res["parent"] == "gatekit-devstack"
    assert "DEVSTACK_GATE_TEMPEST_FULL: ignored because DEVSTACK_GATE_TEMPEST is not set" in res["notes"]


def test_localrc_flags():
    res = legacy_env_to_native(gate(CONFIGDRIVE="1", VIRT_DRIVER="fake", LIBVIRT_TYPE="kvm", NEUTRON_DVR="1", USE_PYTHON3="True"))
    assert plain(res["vars"]["devstack_localrc"]) == {
        "FORCE_CONFIG_DRIVE": True,
        "USE_PYTHON3": True,
        "VIRT_DRIVER": "fake",
        "LIBVIRT_TYPE": "kvm",
        "Q_DVR_MODE": "dvr_snat",
    }
    assert "devstack_localrc" not in legacy_env_to_native(gate(VIRT_DRIVER="libvirt"))["vars"]


def test_service_flags_and_neutron_branch_default():
    res = legacy_env_to_native(gate(POSTGRES="1", NEUTRON="0"))
    services = res["vars"]["devstack_services"]
    assert services["postgresql"] is True and services["mysql"] is False
    assert services["q-svc"] is False
    old = legacy_env_to_native(gate(NEUTRON="1"), branch="stable/mitaka")
    assert old["vars"]["devstack_services"]["q-svc"] is True
    assert legacy_defaults("stable/mitaka")["NEUTRON"] == "0"
    assert legacy_defaults("stable/ocata")["NEUTRON"] == "1"
    # OVERRIDE_ZUUL_BRANCH decides the branch defaults like devstack-gate
    assert "q-svc" not in legacy_env_to_native({"OVERRIDE_ZUUL_BRANCH": "stable/mitaka"})["vars"]["devstack_services"]


def test_override_and_enabled_services():
    res = legacy_env_to_native({"OVERRIDE_ENABLED_SERVICES": "key,mysql", "ENABLED_SERVICES": "horizon"})
    assert plain(res["vars"]["devstack_services"]) == {"base": False, "key": True, "mysql": True, "tempest": False, "horizon": True}


def test_topology_nodeset():
    assert legacy_env_to_native(gate(TOPOLOGY="multinode"))["nodeset"] == "gatekit-two-node"
    with pytest.raises(GatekitInputError, match="DEVSTACK_GATE_TOPOLOGY: must be one of aio, multinode"):
        legacy_env_to_native(gate(TOPOLOGY="mesh"))


def test_projects_libs_and_overrides():
    env = {
        "PROJECTS": "openstack/nova openstack/neutron openstack/nova",
        "DEVSTACK_PROJECT_FROM_GIT": "oslo.log,os-brick",
        "OVERRIDE_NOVA_PROJECT_BRANCH": "stable/zed",
        "OVERRIDE_OS_BRICK_PROJECT_BRANCH": "master",
        "OVERRIDE_GHOST_PROJECT_BRANCH": "x",
    }
    res = legacy_env_to_native(env)
    assert plain(res["required_projects"]) == [
        {"name": "openstack/nova", "override-checkout": "stable/zed"},
        "openstack/neutron",
        "openstack/oslo.log",
        {"name": "openstack/os-brick", "override-checkout": "master"},
    ]
    assert res["vars"]["devstack_localrc"]["LIBS_FROM_GIT"] == "oslo.log,os-brick"
    assert any(n.startswith("OVERRIDE_GHOST_PROJECT_BRANCH") for n in res["notes"])


def test_numbers():
    res = legacy_env_to_native({"TEMPEST_CONCURRENCY": "4", "BUILD_TIMEOUT": "10800000", "OS_TEST_TIMEOUT": "900"})
    assert res["vars"]["tempest_concurrency"] == 4
    assert res["vars"]["tempest_test_timeout"] == 900
    assert res["timeout"] == 10800
    with pytest.raises(GatekitInputError, match="BUILD_TIMEOUT: expected an integer"):
        legacy_env_to_native({"BUILD_TIMEOUT": "soon"})


def test_local_config_text_is_parsed():
    local_config = "\n".join(
        [
            "enable_plugin heat https://opendev.org/openstack/heat stable/zed",
            "enable_service h-eng,h-api",
            "disable_service horizon",
            "ENABLED_SERVICES+=,c-bak",
            "export IMAGE_URLS='http://x/a.img'",
            'HOST="$(hostname)"',
            "DEST=$HOME/stack",
            "if true; then echo; fi",
        ]
    )
    res = legacy_env_to_native({"DEVSTACK_LOCAL_CONFIG": local_config}, dg_local_conf="[[local|localrc]]\nDEST=/opt/x\n")
    v = plain(res["vars"])
    assert v["devstack_plugins"] == {"heat": "https://opendev.org/openstack/heat stable/zed"}
    assert v["devstack_services"] == {"tempest": False, "h-eng": True, "h-api": True, "horizon": False, "c-bak": True}
    assert v["devstack_localrc"] == {"IMAGE_URLS": "http://x/a.img", "HOST": {"shell": '"$(hostname)"'}, "DEST": "$HOME/stack"}
    assert res["notes"] == ["DEVSTACK_LOCAL_CONFIG: line 8 (localrc): no job-variable form, ignored: if true; then echo; fi"]


def test_unknown_keys_reported_not_translated():
    res = legacy_env_to_native({"DEVSTACK_GATE_EXPERIMENTAL_THING": "1", "RANDOM_VAR": "x", "ZUUL_BRANCH": "master"})
    assert res["unknown"] == ["DEVSTACK_GATE_EXPERIMENTAL_THING"]
    assert "EXPERIMENTAL" not in json.dumps(res["vars"]).upper()
    assert len(res["notes"]) == 2


def test_wrapper_only_flags_kept():
    res = legacy_env_to_native(gate(REMOVE_STACK_SUDO="0", GRENADE="pullup", TIMEOUT_BUFFER="10"))
    assert res["vars"]["devstack_gate_env"] == {"DEVSTACK_GATE_REMOVE_STACK_SUDO": "0", "DEVSTACK_GATE_GRENADE": "pullup"}
    back = native_to_legacy_env(res["vars"])["env"]
    assert back["DEVSTACK_GATE_GRENADE"] == "pullup"


def test_subnode_config():
    res = legacy_env_to_native(gate(TOPOLOGY="multinode") | {"DEVSTACK_SUBNODE_CONFIG": "disable_service tempest\nNOVA_VNC_ENABLED=true\n"})
    assert plain(res["group_vars"]) == {"subnodes": {"devstack_localrc": {"NOVA_VNC_ENABLED": "true"}, "devstack_services": {"tempest": False}}}
    back = native_to_legacy_env(res["vars"], nodeset=res["nodeset"], group_vars=res["group_vars"])
    assert back["env"]["DEVSTACK_SUBNODE_CONFIG"] == 'disable_service tempest\nNOVA_VNC_ENABLED="true"\n'


def test_native_job_to_legacy():
    job = {
        "name": "gatekit-keystone-tempest",
        "nodeset": "gatekit-two-node",
        "timeout": 3600,
        "required-projects": ["opendev.org/openstack/keystone", {"name": "openstack/tempest", "override-checkout": "master"}],
        "vars": {
            "devstack_services": {"mysql": True, "keystone": True, "tempest": True, "horizon": False},
            "devstack_localrc": {"ADMIN_PASSWORD": "secret", "LIBVIRT_TYPE": "kvm"},
            "devstack_plugins": {"keystone-tempest-plugin": ""},
            "tempest_plugins": ["keystone-tempest-plugin"],
            "tox_envlist": "all",
            "tempest_test_regex": "^tempest\\.api\\.identity",
            "tempest_concurrency": 2,
            "tempest_exclude_regex": "x",
        },
    }
    res = native_job_to_legacy_env(job)
    assert plain(res["env"]) == {
        "ENABLED_SERVICES": "mysql,keystone",
        "DEVSTACK_GATE_TEMPEST": "1",
        "DEVSTACK_GATE_TEMPEST_REGEX": "^tempest\\.api\\.identity",
        "DEVSTACK_GATE_LIBVIRT_TYPE": "kvm",
        "DEVSTACK_GATE_TOPOLOGY": "multinode",
        "PROJECTS": "openstack/keystone openstack/tempest",
        "OVERRIDE_TEMPEST_PROJECT_BRANCH": "master",
        "TEMPEST_CONCURRENCY": "2",
        "BUILD_TIMEOUT": "3600000",
    }
    assert res["dg_local_conf"] == (
        '[[local|localrc]]\ndisable_service horizon\nADMIN_PASSWORD="secret"\nTEMPEST_PLUGINS="/opt/stack/new/keystone-tempest-plugin"\n\n'
    )
    assert res["notes"] == ["tempest_exclude_regex: no devstack-gate equivalent; not translated"]


def test_native_envlist_without_flag_is_noted():
    res = native_to_legacy_env({"devstack_services": {"tempest": True}, "tox_envlist": "integrated-full"})
    assert res["env"]["DEVSTACK_GATE_TEMPEST_FULL"] == "1"
    assert "approximated" in res["notes"][0]


def test_bad_input_types():
    with pytest.raises(GatekitInputError, match="^env: "):
        legacy_env_to_native(["x"])
    with pytest.raises(GatekitInputError, match="^vars: "):
        native_to_legacy_env(["x"])


# ---- round-trip properties ----

SELECTIONS = [
    {},
    {"TEMPEST_NOTESTS": "1"},
    {"TEMPEST_REGEX": "tempest.api"},
    {"TEMPEST_REGEX": "plug", "TEMPEST_ALL_PLUGINS": "1"},
    {"TEMPEST_ALL_PLUGINS": "1"},
    {"TEMPEST_ALL": "1"},
    {"TEMPEST_DISABLE_TENANT_ISOLATION": "1"},
    {"TEMPEST_FULL": "1"},
    {"SMOKE_SERIAL": "1"},
    {"TEMPEST_SCENARIOS": "1"},
]
OPTIONAL_FLAGS = {
    "POSTGRES": ["1"],
    "CELLS": ["1"],
    "IRONIC": ["1"],
    "TLSPROXY": ["1"],
    "HORIZON": ["1"],
    "CONFIGDRIVE": ["1"],
    "INSTALL_TESTONLY": ["1"],
    "USE_PYTHON3": ["1"],
    "NEUTRON": ["0"],
    "NEUTRON_DVR": ["1"],
    "VIRT_DRIVER": ["fake", "ironic"],
    "LIBVIRT_TYPE": ["kvm"],
    "FIXED_RANGE": ["10.1.0.0/20"],
    "TOPOLOGY": ["multinode"],
    "REMOVE_STACK_SUDO": ["0"],
    "GRENADE": ["pullup"],
    "UNSTACK": ["1"],
}
DG_LOCAL_CONFS = [
    None,
    "[[local|localrc]]\nENABLE_FILE_INJECTION=True\n",
    "[[local|localrc]]\nX='a b'\nY=\"$X/c\"\nenable_plugin p https://x/p\ndisable_service c-bak\n"
    "[[post-config|$NOVA_CONF]]\n[DEFAULT]\nm = 1\nm = 2\n[x]\nk = v\n",
]


def random_env(rng):
    env = {}
    if rng.random() < 0.8:
        env["DEVSTACK_GATE_TEMPEST"] = "1"
        env.update(gate(**rng.choice(SELECTIONS)))
    for name in rng.sample(sorted(OPTIONAL_FLAGS), rng.randint(0, 5)):
        env["DEVSTACK_GATE_" + name] = rng.choice(OPTIONAL_FLAGS[name])
    if rng.random() < 0.5:
        env["PROJECTS"] = " ".join(rng.sample(["openstack/nova", "openstack/neutron", "openstack/swift"], 2))
    if rng.random() < 0.3:
        env["DEVSTACK_PROJECT_FROM_GIT"] = "oslo.log"
    if rng.random() < 0.3:
        env["TEMPEST_CONCURRENCY"] = str(rng.randint(1, 8))
    if rng.random() < 0.3:
        env["BUILD_TIMEOUT"] = str(rng.randint(1, 180) * 60000)
    if rng.random() < 0.3:
        env["OVERRIDE_ZUUL_BRANCH"] = rng.choice(["stable/zed", "stable/mitaka"])
    return env, rng.choice(DG_LOCAL_CONFS)


def normalize(env):
    """What a faithful translation must preserve: non-default flags, canonical '1'."""
    branch = env.get("OVERRIDE_ZUUL_BRANCH") or "master"
    defaults = legacy_defaults(branch)
    out = {}
    tempest = env.get("DEVSTACK_GATE_TEMPEST") == "1"
    for key, value in env.items():
        if not key.startswith("DEVSTACK_GATE_"):
            out[key] = value
            continue
        name = key[len("DEVSTACK_GATE_") :]
        if value == defaults[name]:
            continue
        if not tempest and name.startswith(("TEMPEST_", "SMOKE_")) and name not in ("TEMPEST_HEAT_SLOW", "TEMPEST_LARGE_OPS"):
            continue
        out[key] = value
    return out


def back_to_legacy(native):
    return native_to_legacy_env(
        native["vars"],
        nodeset=native["nodeset"],
        required_projects=native["required_projects"],
        timeout=native["timeout"],
        override_checkout=native["override_checkout"],
        group_vars=native["group_vars"],
    )


def without_notes(native):
    return {k: v for k, v in plain(native).items() if k not in ("notes",)}


@pytest.mark.parametrize("seed", range(300))
def test_round_trip(seed):
    rng = random.Random(seed)
    env, dg = random_env(rng)
    native = legacy_env_to_native(env, dg_local_conf=dg)
    legacy = back_to_legacy(native)
    # legacy -> native -> legacy keeps every non-default flag
    assert plain(legacy["env"]) == normalize(env)
    # native -> legacy -> native is the identity on translated jobs
    again = legacy_env_to_native(legacy["env"], dg_local_conf=legacy["dg_local_conf"])
    assert without_notes(again) == without_notes(native)
    # and the dg-local.conf text is stable
    assert back_to_legacy(again)["dg_local_conf"] == legacy["dg_local_conf"]


def test_every_default_is_documented():
    assert len(DEFAULTS) == len(set(DEFAULTS))
    assert DEFAULTS["TOPOLOGY"] == "aio" and DEFAULTS["VIRT_DRIVER"] == "libvirt"
