"""Converge the keystone deployment's database and accounts (installed by gatekit.devstack.devstack).

Runs with the deployment venv's python (PyMySQL, keystoneauth1). Reads a JSON
specification on stdin (it holds passwords, so never on the command line), prints one
JSON object: {"changed": bool, "actions": [...]}; passwords never appear in the output.

  db        ensure database + user (+ password) through MariaDB's root unix socket
  probe     {"admin_ok": bool}: can admin get a project-scoped token?
  accounts  ensure services/endpoints, projects, users (+ passwords), roles, assignments
  verify    every cloud in clouds.yaml gets a token; the catalog holds `identity`
"""

import json
import sys

import pymysql
import yaml
from keystoneauth1 import exceptions, loading, session
from keystoneauth1.identity import v3


def out(obj, rc=0):
    print(json.dumps(obj, sort_keys=True))
    sys.exit(rc)


# ---------------------------------------------------------------- database
def ensure_db(spec):
    actions = []
    name, user, password = spec["database"], spec["user"], spec["password"]
    host = spec.get("host", "127.0.0.1")

    def can_login():
        try:
            pymysql.connect(host=host, user=user, password=password, database=name, connect_timeout=5).close()
            return True
        except pymysql.err.OperationalError:
            return False

    if can_login():
        return {"changed": False, "actions": []}
    root = pymysql.connect(unix_socket=spec.get("socket", "/run/mysqld/mysqld.sock"), user="root")
    with root.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name=%s", (name,))
        if cur.fetchone()[0] == 0:
            cur.execute("CREATE DATABASE `%s` CHARACTER SET utf8mb4" % name)
            actions.append("created database %s" % name)
        for grantee in ("localhost", "%"):
            cur.execute("SELECT COUNT(*) FROM mysql.user WHERE user=%s AND host=%s", (user, grantee))
            verb = "ALTER" if cur.fetchone()[0] else "CREATE"
            cur.execute("%s USER %%s@%%s IDENTIFIED BY %%s" % verb, (user, grantee, password))
            cur.execute("GRANT ALL PRIVILEGES ON `%s`.* TO %%s@%%s" % name, (user, grantee))
            actions.append("%s user %s@%s" % (verb.lower(), user, grantee))
        cur.execute("FLUSH PRIVILEGES")
    root.commit()
    root.close()
    if not can_login():
        out({"failed": True, "msg": "user %s still cannot log in to database %s" % (user, name)}, 1)
    return {"changed": True, "actions": actions}


# ---------------------------------------------------------------- keystone
def session_for(auth_url, username, password, project=None, *, system=None, domain="default"):
    kwargs = {"auth_url": auth_url, "username": username, "password": password, "user_domain_id": domain}
    if system:
        kwargs["system_scope"] = system
    elif project:
        kwargs["project_name"] = project
        kwargs["project_domain_id"] = domain
    return session.Session(auth=v3.Password(**kwargs))


def token_ok(auth_url, username, password, project=None, system=None):
    try:
        session_for(auth_url, username, password, project, system=system).get_token()
        return True
    except exceptions.Unauthorized:
        return False


class Keystone:
    def __init__(self, sess, region):
        self.s = sess
        self.region = region
        self.actions = []

    def req(self, method, path, **kw):
        kw.setdefault("endpoint_filter", {"service_type": "identity", "interface": "public"})
        return self.s.request(path, method, **kw)

    def find(self, kind, name, key=None, **filters):
        params = dict(filters)
        params["name"] = name
        items = self.req("GET", "/v3/%s" % kind, params=params).json()[key or kind]
        return items[0] if items else None

    def ensure(self, kind, singular, name, body):
        found = self.find(kind, name)
        if found:
            return found
        body = dict(body, name=name)
        made = self.req("POST", "/v3/%s" % kind, json={singular: body}).json()[singular]
        self.actions.append("created %s %s" % (singular, name))
        return made


def ensure_accounts(spec):
    auth_url, region = spec["auth_url"], spec["region"]
    admin = v3.Password(auth_url=auth_url, username="admin", password=spec["admin_password"],
                        user_domain_id="default", system_scope="all")
    sess = session.Session(auth=admin)
    ks = Keystone(sess, region)
    # Regions and endpoints first: a moved service host must show in the catalog.
    regions = {r["id"] for r in ks.req("GET", "/v3/regions").json()["regions"]}
    if region not in regions:
        ks.req("POST", "/v3/regions", json={"region": {"id": region}})
        ks.actions.append("created region %s" % region)
    for svc in spec.get("services", []):
        found = [s for s in ks.req("GET", "/v3/services", params={"type": svc["type"]}).json()["services"]
                 if s.get("name") == svc["name"]]
        if found:
            service = found[0]
        else:
            service = ks.req("POST", "/v3/services", json={"service": {
                "name": svc["name"], "type": svc["type"], "description": svc.get("description", "")}}).json()["service"]
            ks.actions.append("created service %s" % svc["name"])
        eps = ks.req("GET", "/v3/endpoints", params={"service_id": service["id"]}).json()["endpoints"]
        for iface, url in sorted(svc["endpoints"].items()):
            mine = [e for e in eps if e["interface"] == iface and e.get("region_id") == region]
            if mine and mine[0]["url"] == url:
                continue
            if mine:
                ks.req("PATCH", "/v3/endpoints/%s" % mine[0]["id"], json={"endpoint": {"url": url}})
                ks.actions.append("updated %s endpoint of %s" % (iface, svc["name"]))
            else:
                ks.req("POST", "/v3/endpoints", json={"endpoint": {
                    "service_id": service["id"], "interface": iface, "url": url, "region_id": region}})
                ks.actions.append("created %s endpoint of %s" % (iface, svc["name"]))
    domain = "default"
    roles = {r: ks.ensure("roles", "role", r, {}) for r in spec.get("roles", [])}
    projects = {p: ks.ensure("projects", "project", p, {"domain_id": domain}) for p in spec.get("projects", [])}
    users = {}
    for name in spec.get("users", []):
        u = {"name": name, "password": spec["passwords"][name]}
        found = ks.find("users", u["name"], domain_id=domain)
        if not found:
            found = ks.req("POST", "/v3/users", json={"user": {
                "name": u["name"], "password": u["password"], "domain_id": domain, "enabled": True}}).json()["user"]
            ks.actions.append("created user %s" % u["name"])
        elif not token_ok(auth_url, u["name"], u["password"]):
            ks.req("PATCH", "/v3/users/%s" % found["id"], json={"user": {"password": u["password"], "enabled": True}})
            ks.actions.append("reset password of user %s" % u["name"])
        users[u["name"]] = found
    for a in spec.get("assignments", []):
        user = users.get(a["user"]) or ks.find("users", a["user"], domain_id=domain)
        role = roles.get(a["role"]) or ks.find("roles", a["role"])
        if a.get("system"):
            path = "/v3/system/users/%s/roles/%s" % (user["id"], role["id"])
            what = "system"
        else:
            project = projects.get(a["project"]) or ks.find("projects", a["project"], domain_id=domain)
            path = "/v3/projects/%s/users/%s/roles/%s" % (project["id"], user["id"], role["id"])
            what = "project %s" % a["project"]
        resp = ks.req("HEAD", path, raise_exc=False)
        if resp.status_code == 404:
            ks.req("PUT", path)
            ks.actions.append("granted %s to %s on %s" % (a["role"], a["user"], what))
    return {"changed": bool(ks.actions), "actions": ks.actions}


def verify(spec):
    with open(spec["clouds_yaml"]) as f:
        clouds = yaml.safe_load(f)["clouds"]
    results = {}
    for name in spec["clouds"]:
        cloud = clouds[name]
        auth = loading.get_plugin_loader("password").load_from_options(**cloud["auth"])
        sess = session.Session(auth=auth)
        sess.get_token()
        types = sorted({s["type"] for s in sess.auth.get_access(sess).service_catalog.catalog})
        results[name] = types
        if "identity" not in types:
            out({"failed": True, "msg": "cloud %s: catalog has no identity service: %s" % (name, types)}, 1)
    return {"changed": False, "catalog": results}


def main():
    cmd = sys.argv[1]
    spec = json.load(sys.stdin)
    if cmd == "db":
        out(ensure_db(spec))
    elif cmd == "probe":
        out({"changed": False, "admin_ok": token_ok(spec["auth_url"], "admin", spec["admin_password"], project="admin")})
    elif cmd == "accounts":
        out(ensure_accounts(spec))
    elif cmd == "verify":
        out(verify(spec))
    out({"failed": True, "msg": "unknown command %s" % cmd}, 2)


if __name__ == "__main__":
    main()
