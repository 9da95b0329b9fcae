# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The devstack_local_conf module: changed, check mode, diff, errors, atomic write."""

import json
import os
import stat

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.gatekit.devstack.plugins.modules import devstack_local_conf


def run_module(capsys, **args):
    with patch_module_args(args), pytest.raises(SystemExit) as exc:
        devstack_local_conf.main()
    out = json.loads(capsys.readouterr().out)
    out["rc"] = exc.value.code
    return out


ARGS = {
    "localrc": {"ADMIN_PASSWORD": "secret", "PYTHON3_VERSION": "3.10"},
    "services": {"base": False, "key": True, "mysql": True},
}


def test_create_then_idempotent(tmp_path, capsys):
    path = str(tmp_path / "local.conf")
    first = run_module(capsys, path=path, **ARGS)
    assert first["changed"] is True
    assert first["diff"]["before"] == ""
    with open(path) as handle:
        text = handle.read()
    assert text == first["content"]
    assert 'PYTHON3_VERSION="3.10"' in text
    second = run_module(capsys, path=path, **ARGS)
    assert second["changed"] is False
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644


def test_check_mode_writes_nothing(tmp_path, capsys):
    path = str(tmp_path / "local.conf")
    res = run_module(capsys, path=path, _ansible_check_mode=True, _ansible_diff=True, **ARGS)
    assert res["changed"] is True
    assert "enable_service key" in res["diff"]["after"]
    assert not os.path.exists(path)


def test_change_reports_diff(tmp_path, capsys):
    path = str(tmp_path / "local.conf")
    run_module(capsys, path=path, **ARGS)
    res = run_module(capsys, path=path, localrc={"ADMIN_PASSWORD": "other"}, services=ARGS["services"])
    assert res["changed"] is True
    assert 'ADMIN_PASSWORD="secret"' in res["diff"]["before"]
    assert 'ADMIN_PASSWORD="other"' in res["diff"]["after"]


def test_mode_applied(tmp_path, capsys):
    path = str(tmp_path / "local.conf")
    res = run_module(capsys, path=path, mode="0600", **ARGS)
    assert res["changed"] is True
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert run_module(capsys, path=path, mode="0600", **ARGS)["changed"] is False


def test_bad_input_fails_and_writes_nothing(tmp_path, capsys):
    path = tmp_path / "local.conf"
    path.write_text("old\n")
    res = run_module(capsys, path=str(path), localrc={"A": "$B", "B": "$A"})
    assert res["failed"] is True
    assert res["msg"].startswith("localrc.B: Dependency cycle detected in B")
    assert path.read_text() == "old\n"
    assert sorted(os.listdir(str(tmp_path))) == ["local.conf"]


def test_missing_plugin_requirement(tmp_path, capsys):
    res = run_module(capsys, path=str(tmp_path / "lc"), plugins={"bar": "u"}, plugin_requires={"bar": ["foo"]})
    assert res["failed"] is True
    assert "plugin 'bar' requires plugin 'foo'" in res["msg"]


def test_warning_is_returned(tmp_path, capsys, monkeypatch):
    seen = []
    monkeypatch.setattr(devstack_local_conf.AnsibleModule, "warn", lambda self, msg: seen.append(msg))
    run_module(
        capsys,
        path=str(tmp_path / "lc"),
        base_dir="/opt/stack",
        localrc={"TEMPEST_PLUGINS": "x"},
        tempest_plugins=["y"],
    )
    assert seen == ['TEMPEST_PLUGINS already defined in localrc ("x"); requested tempest_plugins y ignored']
