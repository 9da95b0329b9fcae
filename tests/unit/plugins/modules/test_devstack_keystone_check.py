# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The devstack_keystone_check module: clouds from clouds.yaml and inline, probe and require."""

import json

import pytest
import yaml
from ansible.module_utils.testing import patch_module_args

from ansible_collections.gatekit.devstack.plugins.modules import devstack_keystone_check


def run_module(capsys, monkeypatch, catalogs, **args):
    monkeypatch.setattr(devstack_keystone_check, "CATALOG_OF", lambda auth: catalogs[auth["username"]])
    with patch_module_args(args), pytest.raises(SystemExit) as exc:
        devstack_keystone_check.main()
    out = json.loads(capsys.readouterr().out)
    out["rc"] = exc.value.code
    return out


def test_probe_inline_cloud_without_clouds_yaml(capsys, monkeypatch):
    out = run_module(capsys, monkeypatch, {"admin": None}, clouds={"admin": {"auth": {"username": "admin", "password": "Pw-1"}}},
                     require=False)
    assert out["rc"] == 0 and out["tokens"] == {"admin": False} and out["changed"] is False
    assert "Pw-1" not in json.dumps(out)


def test_clouds_yaml_names_checked(tmp_path, capsys, monkeypatch):
    path = tmp_path / "clouds.yaml"
    path.write_text(yaml.safe_dump({"clouds": {"devstack": {"auth": {"username": "demo"}}, "other": {"auth": {"username": "x"}}}}))
    out = run_module(capsys, monkeypatch, {"demo": ["identity"]}, clouds_yaml=str(path), names=["devstack"])
    assert out["rc"] == 0 and out["catalog"] == {"devstack": ["identity"]}
    missing = run_module(capsys, monkeypatch, {}, clouds_yaml=str(path), names=["nope"])
    assert missing["rc"] == 1 and missing["key"] == "names"
    refused = run_module(capsys, monkeypatch, {"demo": ["compute"]}, clouds_yaml=str(path), names=["devstack"])
    assert refused["rc"] == 1 and "no identity" in refused["msg"]


def test_names_need_clouds_yaml(capsys, monkeypatch):
    out = run_module(capsys, monkeypatch, {}, names=["devstack"])
    assert out["rc"] == 1 and out["key"] == "names"
