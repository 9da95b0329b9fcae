# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Keystone convergence against in-memory keystone and MariaDB fakes."""

import copy
import itertools

import pytest

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError
from ansible_collections.gatekit.devstack.plugins.module_utils.devstack.keystone import (
    check_clouds,
    cloud_auth,
    converge_accounts,
    ensure_database,
)

URL = "http://10.0.0.5/identity"


class FakeKeystone:
    """Enough of keystone's v3 API for the converger: collections filtered by query, grants."""

    def __init__(self):
        self.data = {"regions": [], "services": [], "endpoints": [], "roles": [], "projects": [], "users": []}
        self.grants = set()
        self.calls = []
        self.ids = itertools.count(1)

    def request(self, method, path, params=None, body=None):
        self.calls.append((method, path))
        parts = path.strip("/").split("/")[1:]
        kind = parts[0]
        if method == "GET":
            items = [i for i in self.data[kind] if all(i.get(k) == v for k, v in (params or {}).items())]
            return {kind: copy.deepcopy(items)}
        if method == "POST":
            (item,) = body.values()
            item = dict(item, id=item.get("id") or "id%d" % next(self.ids))
            self.data[kind].append(item)
            return {kind[:-1]: item}
        if method == "PATCH":
            (change,) = body.values()
            target = next(i for i in self.data[kind] if i["id"] == parts[1])
            target.update(change)
            return {kind[:-1]: target}
        if method == "HEAD":
            return 204 if path in self.grants else 404
        if method == "PUT":
            self.grants.add(path)
            return {}
        raise AssertionError(method)


SPEC = {
    "region": "RegionOne",
    "services": [{"name": "keystone", "type": "identity", "description": "Keystone",
                  "endpoints": {"public": URL, "internal": URL}}],
    "roles": ["admin", "member"],
    "projects": ["admin", "demo"],
    "users": ["demo"],
    "passwords": {"demo": "Pw-demo-1", "admin": "Pw-admin-1"},
    "assignments": [{"user": "demo", "role": "member", "project": "demo"},
                    {"user": "demo", "role": "admin", "system": "all"}],
}


def test_accounts_created_then_idempotent():
    ks = FakeKeystone()
    first = converge_accounts(ks, SPEC, lambda user, password: True)
    assert first["changed"] is True
    assert first["actions"] == [
        "created region RegionOne", "created service keystone", "created internal endpoint of keystone",
        "created public endpoint of keystone", "created role admin", "created role member",
        "created project admin", "created project demo", "created user demo",
        "granted member to demo on project demo", "granted admin to demo on system",
    ]
    assert not any("Pw-" in action for action in first["actions"])
    again = converge_accounts(ks, SPEC, lambda user, password: True)
    assert again == {"changed": False, "actions": []}


def test_moved_endpoint_and_stale_password_are_fixed():
    ks = FakeKeystone()
    converge_accounts(ks, SPEC, lambda user, password: True)
    moved = copy.deepcopy(SPEC)
    moved["services"][0]["endpoints"]["public"] = "http://10.0.0.9/identity"
    result = converge_accounts(ks, moved, lambda user, password: False)
    assert result["actions"] == ["updated public endpoint of keystone", "reset password of user demo"]
    public = [e for e in ks.data["endpoints"] if e["interface"] == "public"]
    assert [e["url"] for e in public] == ["http://10.0.0.9/identity"]
    assert ks.data["users"][0]["password"] == "Pw-demo-1"


def test_check_mode_reports_without_writing():
    ks = FakeKeystone()
    result = converge_accounts(ks, SPEC, lambda user, password: True, check_mode=True)
    assert result["changed"] is True
    assert "granted member to demo on project demo" in result["actions"]
    assert all(method in ("GET", "HEAD") for method, _path in ks.calls)
    assert ks.data == FakeKeystone().data


def test_user_without_password_names_the_key():
    spec = dict(SPEC, users=["ghost"])
    with pytest.raises(GatekitInputError) as err:
        converge_accounts(FakeKeystone(), spec, lambda user, password: True)
    assert err.value.key == "passwords"


class FakeDb:
    def __init__(self, schemas=(), users=(), logins=False):
        self.schemas, self.users, self.logins = set(schemas), set(users), logins
        self.sql = []
        self.committed = False

    def can_login(self, user, password, name):
        return self.logins

    def schema_exists(self, name):
        return name in self.schemas

    def user_exists(self, user, host):
        return (user, host) in self.users

    def execute(self, sql, args):
        self.sql.append((sql, args))

    def commit(self):
        self.committed = True
        self.logins = True


def test_database_created_with_both_grantees():
    db = FakeDb(users={("keystone", "localhost")})
    result = ensure_database(db, "keystone", "keystone", "Db-Pw-1")
    assert result == {"changed": True, "actions": [
        "created database keystone", "alter user keystone@localhost", "create user keystone@%"]}
    assert db.sql[0] == ("CREATE DATABASE `keystone` CHARACTER SET utf8mb4", ())
    assert ("GRANT ALL PRIVILEGES ON `keystone`.* TO %s@%s", ("keystone", "%")) in db.sql
    assert db.sql[-1][0] == "FLUSH PRIVILEGES" and db.committed


def test_database_login_ok_changes_nothing_and_check_mode_writes_nothing():
    assert ensure_database(FakeDb(logins=True), "keystone", "keystone", "pw") == {"changed": False, "actions": []}
    db = FakeDb(schemas={"keystone"})
    result = ensure_database(db, "keystone", "keystone", "pw", check_mode=True)
    assert result["changed"] is True and "created database keystone" not in result["actions"]
    assert db.sql == [] and not db.committed


def test_database_login_still_refused_is_an_error():
    db = FakeDb()
    db.commit = lambda: None
    with pytest.raises(GatekitInputError):
        ensure_database(db, "keystone", "keystone", "pw")


def test_cloud_auth_scopes():
    assert cloud_auth(URL, "admin", "pw", system="all") == {
        "auth_url": URL, "username": "admin", "user_domain_id": "default", "password": "pw", "system_scope": "all"}
    assert cloud_auth(URL, "demo", "pw", project="demo")["project_domain_id"] == "default"


def test_check_clouds_probe_and_require():
    clouds = {"good": {"auth": {"username": "a"}}, "refused": {"auth": {"username": "b"}}}
    catalog = {"a": ["identity", "identity", "compute"], "b": None}
    probe = check_clouds(clouds, lambda auth: catalog[auth["username"]], require=False)
    assert probe == {"tokens": {"good": True, "refused": False}, "catalog": {"good": ["compute", "identity"]}}
    with pytest.raises(GatekitInputError, match="refused"):
        check_clouds(clouds, lambda auth: catalog[auth["username"]])
    with pytest.raises(GatekitInputError, match="no identity"):
        check_clouds({"x": {"auth": {"username": "c"}}}, lambda auth: ["compute"])
