# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The devstack_gate_env module: two files, check mode, diff, idempotence, errors."""

import json
import os
import stat

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.gatekit.devstack.plugins.modules import devstack_gate_env


def run_module(capsys, **args):
    with patch_module_args(args), pytest.raises(SystemExit) as exc:
        devstack_gate_env.main()
    out = json.loads(capsys.readouterr().out)
    out["rc"] = exc.value.code
    return out


JOB = {"devstack_services": {"tempest": True, "tls-proxy": True}, "devstack_localrc": {"A": "1"}, "tox_envlist": "full"}


def test_native_write_idempotent_check(tmp_path, capsys):
    env_path, lc_path = str(tmp_path / "env.sh"), str(tmp_path / "dg-local.conf")
    args = {"path": env_path, "local_conf_path": lc_path, "job_vars": JOB, "timeout": 600}
    check = run_module(capsys, _ansible_check_mode=True, **args)
    assert check["changed"] is True and not os.path.exists(env_path)
    first = run_module(capsys, **args)
    assert first["changed"] is True
    assert first["env"]["DEVSTACK_GATE_TLSPROXY"] == "1"
    assert "export BUILD_TIMEOUT=600000\n" in open(env_path).read()
    assert open(lc_path).read() == '[[local|localrc]]\nA="1"\n\n'
    assert stat.S_IMODE(os.stat(env_path).st_mode) == 0o644
    assert run_module(capsys, **args)["changed"] is False
    args["timeout"] = 700
    changed = run_module(capsys, **args)
    assert changed["changed"] is True
    assert "BUILD_TIMEOUT=600000" in changed["diff"][0]["before"] and "BUILD_TIMEOUT=700000" in changed["diff"][0]["after"]


def test_legacy_warns_unknown(tmp_path, capsys, monkeypatch):
    # record warnings directly: how they are serialized depends on what else the process imported
    seen = []
    monkeypatch.setattr(devstack_gate_env.AnsibleModule, "warn", lambda self, msg: seen.append(msg))
    res = run_module(capsys, path=str(tmp_path / "env.sh"), legacy_env={"DEVSTACK_GATE_TEMPEST": 1, "DEVSTACK_GATE_NOPE": 1})
    assert [w for w in seen if w.startswith("DEVSTACK_GATE_NOPE: not a devstack-gate setting")]
    assert res["native"]["unknown"] == ["DEVSTACK_GATE_NOPE"]
    assert res["native"]["vars"]["devstack_services"] == {"tempest": True}


def test_exclusive_sources(tmp_path, capsys):
    res = run_module(capsys, path=str(tmp_path / "env.sh"), job_vars={}, legacy_env={})
    assert res["failed"] is True and "mutually exclusive" in res["msg"]


def test_bad_input_writes_nothing(tmp_path, capsys):
    res = run_module(capsys, path=str(tmp_path / "env.sh"), legacy_env={"BAD NAME": "1"})
    assert res["failed"] is True and res["msg"].startswith("env.BAD NAME:")
    assert os.listdir(str(tmp_path)) == []


def test_bad_mode(tmp_path, capsys):
    res = run_module(capsys, path=str(tmp_path / "env.sh"), legacy_env={}, mode="u=rw")
    assert res["failed"] is True and res["msg"].startswith("mode:")
