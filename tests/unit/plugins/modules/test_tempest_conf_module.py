# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The tempest_conf module against a keystone stand-in on the loopback: write, idempotence,
check mode, diff without the password, errors naming the key."""

import json
import os
import stat
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import yaml
from ansible.module_utils.testing import patch_module_args

from ansible_collections.gatekit.devstack.plugins.modules import tempest_conf

PASSWORD = "s3cret-pw"
CATALOG = [{"type": "identity", "endpoints": [{"interface": "public", "region_id": "RegionOne", "url": "x"}]},
           {"type": "compute", "endpoints": [{"interface": "public", "region_id": "RegionOne", "url": "y"}]}]


class Keystone(BaseHTTPRequestHandler):
    def log_message(self, *_args):
        pass

    def _send(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):  # noqa: N802 - http.server's name
        self._send(300, {"versions": {"values": [{"id": "v3.14"}]}})

    def do_POST(self):  # noqa: N802 - http.server's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if body["auth"]["identity"]["password"]["user"]["password"] != PASSWORD:
            self._send(401, {"error": {"code": 401}})
            return
        self._send(201, {"token": {"catalog": CATALOG}})


@pytest.fixture(scope="module")
def keystone():
    server = HTTPServer(("127.0.0.1", 0), Keystone)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d/identity" % server.server_address[1]
    server.shutdown()


@pytest.fixture
def workspace(tmp_path, keystone):
    clouds = {"clouds": {"devstack-admin": {"auth": {
        "auth_url": keystone, "username": "admin", "password": PASSWORD, "user_domain_id": "default",
        "project_name": "admin", "project_domain_id": "default"}, "region_name": "RegionOne"}}}
    (tmp_path / "clouds.yaml").write_text(yaml.safe_dump(clouds))
    (tmp_path / "keystone.conf").write_text("[security_compliance]\nlockout_failure_attempts = 2\n")
    (tmp_path / "etc").mkdir()
    return tmp_path


def run_module(capsys, **args):
    with patch_module_args(args), pytest.raises(SystemExit) as exc:
        tempest_conf.main()
    out = json.loads(capsys.readouterr().out)
    out["rc"] = exc.value.code
    return out


def args_for(ws, **extra):
    args = {"path": str(ws / "etc" / "tempest.conf"), "clouds_yaml": str(ws / "clouds.yaml"),
            "keystone_conf": str(ws / "keystone.conf"), "workspace": str(ws)}
    args.update(extra)
    return args


def test_writes_then_idempotent(workspace, capsys):
    first = run_module(capsys, **args_for(workspace, overrides={"compute": {"min_compute_nodes": 2}}))
    assert first["changed"] is True, first
    path = workspace / "etc" / "tempest.conf"
    text = path.read_text()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert "admin_password = %s\n" % PASSWORD in text
    assert "[service_available]\nnova = true\nglance = false\n" in text
    assert "user_lockout_failure_attempts = 2\n" in text and "security_compliance = true\n" in text
    assert text.endswith("[compute]\nmin_compute_nodes = 2\n")
    assert first["service_available"]["nova"] is True
    assert first["identity_versions"] == ["v3.14"]
    second = run_module(capsys, **args_for(workspace, overrides={"compute": {"min_compute_nodes": 2}}))
    assert second["changed"] is False


def test_check_mode_and_diff_hide_the_password(workspace, capsys):
    res = run_module(capsys, _ansible_check_mode=True, _ansible_diff=True, **args_for(workspace))
    assert res["changed"] is True
    assert not (workspace / "etc" / "tempest.conf").exists()
    assert "uri_v3 = " in res["diff"][0]["after"]
    assert PASSWORD not in json.dumps(res)


def test_stestr_conf_from_the_interpreters_tempest(workspace, capsys, tmp_path_factory, monkeypatch):
    site = tmp_path_factory.mktemp("site")
    (site / "tempest").mkdir()
    (site / "tempest" / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(site))
    res = run_module(capsys, stestr_conf=str(workspace / ".stestr.conf"), **args_for(workspace))
    assert res["changed"] is True
    assert (workspace / ".stestr.conf").read_text() == (
        "[DEFAULT]\ntest_path=%s/tempest/test_discover\ntop_dir=%s/tempest\ngroup_regex=([^\\.]*\\.)*\n" % (site, site))
    assert stat.S_IMODE(os.stat(workspace / ".stestr.conf").st_mode) == 0o644


def test_keystone_conf_absent_takes_the_job(workspace, capsys):
    res = run_module(capsys, **args_for(workspace, keystone_conf=str(workspace / "none.conf"),
                                        localrc={"ENFORCE_SCOPE": True}))
    text = (workspace / "etc" / "tempest.conf").read_text()
    assert res["changed"] is True
    assert "admin_system = all\n" in text and "[enforce_scope]\nkeystone = true\n" in text


@pytest.mark.parametrize("extra, message", [
    ({"cloud": "nope"}, "tempest_cloud: cloud 'nope' not found"),
    ({"overrides": {"compute": "x"}}, "tempest_tempest_conf_overrides.compute: must be a mapping"),
    ({"clouds_yaml": "/nonexistent/clouds.yaml"}, "tempest_clouds_yaml: cannot read /nonexistent/clouds.yaml"),
])
def test_errors_name_the_key(workspace, capsys, extra, message):
    res = run_module(capsys, **args_for(workspace, **extra))
    assert res["rc"] == 1 and res["failed"] is True
    assert res["msg"].startswith(message), res["msg"]
    assert not (workspace / "etc" / "tempest.conf").exists()


def test_wrong_password_and_bad_yaml(workspace, capsys):
    clouds = yaml.safe_load((workspace / "clouds.yaml").read_text())
    clouds["clouds"]["devstack-admin"]["auth"]["password"] = "wrong-pw"
    (workspace / "clouds.yaml").write_text(yaml.safe_dump(clouds))
    res = run_module(capsys, **args_for(workspace))
    assert res["msg"].startswith("clouds.devstack-admin.auth: POST ") and "401" in res["msg"]
    (workspace / "clouds.yaml").write_text("clouds:\n  a: [password: wrong-pw\n")
    res = run_module(capsys, **args_for(workspace))
    assert res["msg"].startswith("tempest_clouds_yaml: %s is not valid YAML at line" % (workspace / "clouds.yaml"))
    assert "wrong-pw" not in res["msg"]
