# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pip-method deployment, checked from inside the worker: real MariaDB + keystone."""

import json
import os

import pytest
import testinfra
import yaml

NAME = "gkds-molecule"
VENV_PY = "/opt/stack/venv/bin/python3"
CLOUDS = "/etc/openstack/clouds.yaml"
HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.fixture(scope="module")
def worker():
    return testinfra.get_host("podman://" + NAME)


@pytest.fixture(scope="module")
def clouds(worker):
    return yaml.safe_load(worker.file(CLOUDS).content_string)["clouds"]


@pytest.fixture(scope="module")
def deployment(worker):
    return json.loads(worker.file("/root/devstack_deployment.json").content_string)


def test_services_run_under_the_supervisor(worker):
    status = worker.check_output("supervisorctl status")
    for program in ("mariadb", "keystone"):
        assert any(line.split()[:2] == [program, "RUNNING"] for line in status.splitlines()), status
    # uwsgi with the HTTP/1.1 socket, dropped to the stack user after binding port 80.
    ini = worker.file("/etc/keystone/keystone-uwsgi-public.ini").content_string
    assert "http11-socket" in ini
    assert "\nhttp-socket" not in ini
    assert worker.socket("tcp://0.0.0.0:80").is_listening
    users = worker.check_output("ps -o user= -C uwsgi").split()
    assert "stack" in users


def test_keystone_uses_mariadb_and_fernet(worker):
    conf = worker.file("/etc/keystone/keystone.conf")
    assert conf.mode == 0o640
    assert conf.user == "stack"
    assert "connection = mysql+pymysql://keystone:" in conf.content_string
    assert "provider = fernet" in conf.content_string
    assert worker.file("/etc/keystone/fernet-keys/0").exists
    assert worker.file("/etc/keystone/credential-keys/0").exists
    tables = worker.check_output("mysql -N -e 'SELECT COUNT(*) FROM information_schema.tables WHERE table_schema=\"keystone\"'")
    assert int(tables) > 30


def test_clouds_yaml_shape_and_mode(worker, clouds):
    f = worker.file(CLOUDS)
    assert f.mode == 0o600
    for name in ("devstack", "devstack-admin", "devstack-alt", "devstack-system-admin"):
        assert name in clouds
    for name, user, project in (("devstack", "demo", "demo"), ("devstack-admin", "admin", "admin"),
                                ("devstack-alt", "alt_demo", "alt_demo")):
        cloud = clouds[name]
        assert cloud["region_name"] == "RegionOne"
        assert str(cloud["identity_api_version"]) == "3"
        auth = cloud["auth"]
        assert set(auth) == {"auth_url", "username", "password", "project_name", "user_domain_id",
                             "project_domain_id"}
        assert (auth["username"], auth["project_name"]) == (user, project)
        assert auth["user_domain_id"] == auth["project_domain_id"] == "default"
        assert auth["auth_url"].startswith("http://") and auth["auth_url"].endswith("/identity")
        assert len(auth["password"]) >= 32  # generated, not DevStack's "secret"
    assert clouds["devstack-system-admin"]["auth"]["system_scope"] == "all"
    # Every account has its own generated password.
    passwords = {c["auth"]["username"]: c["auth"]["password"] for c in clouds.values()}
    assert len(set(passwords.values())) == len(passwords)


def test_secrets_file_is_private(worker):
    f = worker.file("/opt/stack/.gatekit-secrets")
    assert f.mode == 0o600
    assert f.user == "root"


@pytest.mark.parametrize("cloud", ["devstack", "devstack-admin", "devstack-alt", "devstack-system-admin"])
def test_token_issue(worker, cloud):
    out = worker.check_output(
        "OS_CLOUD=%s /opt/stack/venv/bin/openstack token issue -f value -c id -c expires", cloud)
    assert len(out.split()) == 2


def test_catalog_has_identity(worker, deployment):
    out = worker.check_output("OS_CLOUD=devstack-admin /opt/stack/venv/bin/openstack catalog list -f json")
    catalog = json.loads(out)
    identity = [s for s in catalog if s["Type"] == "identity"]
    assert identity and identity[0]["Name"] == "keystone"
    endpoints = json.dumps(identity[0]["Endpoints"])
    for interface in ("public", "internal", "admin"):
        assert interface in endpoints
    assert deployment["auth_url"] in endpoints
    assert deployment["region"] == "RegionOne"
    assert "keystone" in deployment["services"]


def test_openrc(worker, deployment):
    out = worker.check_output(
        "bash -c 'source /opt/stack/devstack/openrc alt_demo alt_demo && "
        "/opt/stack/venv/bin/openstack token issue -f value -c project_id && echo $OS_AUTH_URL'")
    assert out.splitlines()[-1] == deployment["auth_url"]
    assert worker.file("/opt/stack/devstack/openrc").mode == 0o600


def test_logs_in_opt_stack_logs(worker):
    for service in ("keystone", "mariadb"):
        log = worker.file("/opt/stack/logs/%s.log" % service)
        assert log.exists and log.size > 0
    assert "POST /identity/v3/auth/tokens" in worker.file("/opt/stack/logs/keystone.log").content_string


def test_rbac_switches_follow_the_variables(worker):
    conf = worker.file("/etc/keystone/keystone.conf").content_string
    assert "enforce_scope = false" in conf
    assert "enforce_new_defaults = false" in conf


def test_fifty_concurrent_keepalive_clients_none_dropped(worker):
    with open(os.path.join(HERE, "keystone_load.py")) as f:
        script = f.read()
    worker.check_output("cat > /tmp/keystone_load.py <<'GATEKIT_EOF'\n%s\nGATEKIT_EOF" % script)
    res = worker.run("%s /tmp/keystone_load.py %s devstack 50 2", VENV_PY, CLOUDS)
    result = json.loads(res.stdout)
    print(result)
    assert res.rc == 0, result["errors"]
    assert result["ok"] == result["requests"] == 100
    assert result["failed"] == 0
