# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Zuul legacy variables, the sourceable env file and the gate environment."""

import subprocess

import pytest

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError
from ansible_collections.gatekit.devstack.plugins.module_utils.legacy.gate_env import (
    gate_environment,
    render_env_file,
    zuul_legacy_vars,
)

BASE = {"build": "b1", "project": {"name": "opendev.org/openstack/nova"}, "pipeline": "check", "voting": True}


def test_minimal():
    assert zuul_legacy_vars(BASE) == {
        "ZUUL_UUID": "b1",
        "ZUUL_PROJECT": "opendev.org/openstack/nova",
        "ZUUL_SHORT_PROJECT_NAME": "nova",
        "ZUUL_PIPELINE": "check",
        "ZUUL_VOTING": True,
        "WORKSPACE": "/home/zuul/workspace",
        "TOX_TESTENV_PASSENV": "ZUUL_UUID ZUUL_PROJECT ZUUL_SHORT_PROJECT_NAME ZUUL_PIPELINE ZUUL_VOTING WORKSPACE",
    }


def test_change_items():
    zuul = dict(
        BASE,
        timeout=3600,
        branch="master",
        change=12345,
        patchset=3,
        items=[
            {"project": {"name": "openstack/oslo.log"}, "branch": "stable/zed", "change": 7, "patchset": 1},
            {"project": {"name": "opendev.org/openstack/nova"}, "branch": "master", "change": 12345, "patchset": 3},
        ],
    )
    out = zuul_legacy_vars(zuul)
    assert out["BUILD_TIMEOUT"] == "3600000"
    assert out["ZUUL_BRANCH"] == "master"
    assert out["ZUUL_CHANGES"] == "openstack/oslo.log:stable/zed:refs/changes/7/7/1^opendev.org/openstack/nova:master:refs/changes/45/12345/3"
    assert out["ZUUL_CHANGE_IDS"] == "7,1 12345,3"
    assert out["ZUUL_CHANGE"] == "12345" and out["ZUUL_PATCHSET"] == "3"
    assert "ZUUL_REF" not in out and "ZUUL_URL" not in out
    assert out["TOX_TESTENV_PASSENV"].split()[-4:] == ["ZUUL_CHANGES", "ZUUL_CHANGE_IDS", "ZUUL_CHANGE", "ZUUL_PATCHSET"]


def test_ref_update():
    out = zuul_legacy_vars(dict(BASE, ref="refs/tags/1.0", newrev="a" * 40, timeout=None))
    assert out["ZUUL_REFNAME"] == "refs/tags/1.0"
    assert out["ZUUL_OLDREV"] == "0" * 40
    assert out["ZUUL_NEWREV"] == "a" * 40
    assert "BUILD_TIMEOUT" not in out


def test_missing_key_named():
    with pytest.raises(GatekitInputError, match=r"^zuul.pipeline: required"):
        zuul_legacy_vars({"build": "x", "project": {"name": "a/b"}})
    with pytest.raises(GatekitInputError, match=r"^zuul.items\[0\].patchset: required"):
        zuul_legacy_vars(dict(BASE, change=1, patchset=1, items=[{"change": 1, "project": {"name": "a"}, "branch": "m"}]))


def test_env_file_sources_back_exactly(tmp_path):
    env = {
        "A": "plain",
        "B": 'it\'s "quoted" $(reboot) `id` $HOME',
        "C": "multi\nline\n",
        "D": True,
        "E": "",
        "F": "x" * 3,
    }
    path = tmp_path / "env.sh"
    path.write_text(render_env_file(env, header="test header\n\nsecond"))
    script = 'set -eu; source "$1"; for n in A B C D E F; do printf "%s=%s\\0" "$n" "${!n}"; done'
    out = subprocess.run(["bash", "-c", script, "x", str(path)], capture_output=True, check=True).stdout.decode()
    got = dict(item.split("=", 1) for item in out.split("\0")[:-1])
    assert got == {"A": "plain", "B": env["B"], "C": "multi\nline\n", "D": "True", "E": "", "F": "xxx"}
    assert path.read_text().startswith("# test header\n#\n# second\nexport A=plain\n")


def test_env_file_bad_name():
    with pytest.raises(GatekitInputError, match="env.BAD-NAME: not a valid environment variable name"):
        render_env_file({"BAD-NAME": "1"})


def test_gate_environment_native():
    res = gate_environment(
        job_vars={"devstack_services": {"tempest": True}, "tox_envlist": "full", "devstack_localrc": {"X": "1"}},
        zuul=dict(BASE, timeout=60, branch="master"),
        timeout=7200,
    )
    env = res["env"]
    keys = list(env)
    assert keys[:6] == ["ZUUL_UUID", "ZUUL_PROJECT", "ZUUL_SHORT_PROJECT_NAME", "ZUUL_PIPELINE", "ZUUL_VOTING", "WORKSPACE"]
    assert env["BUILD_TIMEOUT"] == "7200000"  # the job's timeout wins over zuul.timeout
    assert env["DEVSTACK_GATE_TEMPEST_FULL"] == "1"
    assert res["dg_local_conf"] == '[[local|localrc]]\nX="1"\n\n'


def test_gate_environment_legacy():
    res = gate_environment(
        legacy_env={"DEVSTACK_GATE_TEMPEST": 1, "DEVSTACK_GATE_BOGUS": "1", "PROJECTS": "openstack/nova"},
        dg_local_conf="[[local|localrc]]\nA=1\n",
        workspace="/ws",
    )
    assert dict(res["env"]) == {"DEVSTACK_GATE_BOGUS": "1", "DEVSTACK_GATE_TEMPEST": "1", "PROJECTS": "openstack/nova", "WORKSPACE": "/ws"}
    assert res["native"]["unknown"] == ["DEVSTACK_GATE_BOGUS"]
    assert res["native"]["vars"]["devstack_localrc"] == {"A": "1"}
    assert res["dg_local_conf"] == "[[local|localrc]]\nA=1\n"


def test_gate_environment_needs_one_source():
    with pytest.raises(GatekitInputError, match="exactly one of"):
        gate_environment()
    with pytest.raises(GatekitInputError, match="exactly one of"):
        gate_environment(job_vars={}, legacy_env={})
