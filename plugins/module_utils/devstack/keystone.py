# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Converge a keystone deployment: its database, its accounts, and the check of its clouds.

The convergence functions take their I/O as arguments (a keystone API object, a database
object, a token function), so they are tested against in-memory fakes; the adapters at the
bottom bind them to keystoneauth1 and PyMySQL, which only the deployment's venv has.
Passwords never appear in an action text.
"""

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError

DOMAIN = "default"


# ---------------------------------------------------------------- database
def ensure_database(db, name, user, password, check_mode=False):
    """Make ``name`` exist and ``user`` log in to it with ``password`` (from any host).

    ``db`` has ``can_login(user, password, name)``, ``schema_exists(name)``,
    ``user_exists(user, host)`` and ``execute(sql, args)`` (as MariaDB's root).
    """
    if db.can_login(user, password, name):
        return {"changed": False, "actions": []}
    actions = []
    statements = []
    if not db.schema_exists(name):
        statements.append(("CREATE DATABASE `%s` CHARACTER SET utf8mb4" % name, ()))
        actions.append("created database %s" % name)
    for grantee in ("localhost", "%"):
        verb = "ALTER" if db.user_exists(user, grantee) else "CREATE"
        statements.append(("%s USER %%s@%%s IDENTIFIED BY %%s" % verb, (user, grantee, password)))
        statements.append(("GRANT ALL PRIVILEGES ON `%s`.* TO %%s@%%s" % name, (user, grantee)))
        actions.append("%s user %s@%s" % (verb.lower(), user, grantee))
    statements.append(("FLUSH PRIVILEGES", ()))
    if check_mode:
        return {"changed": True, "actions": actions}
    for sql, args in statements:
        db.execute(sql, args)
    db.commit()
    if not db.can_login(user, password, name):
        raise GatekitInputError("password", "user %s still cannot log in to database %s" % (user, name))
    return {"changed": True, "actions": actions}


# ---------------------------------------------------------------- accounts
class _Converger:
    def __init__(self, api, check_mode):
        self.api = api
        self.check_mode = check_mode
        self.actions = []

    def change(self, action, method, path, body=None):
        self.actions.append(action)
        if self.check_mode:
            return None
        return self.api.request(method, path, body=body)

    def find(self, kind, name, **filters):
        params = dict(filters, name=name)
        items = self.api.request("GET", "/v3/%s" % kind, params=params)[kind]
        return items[0] if items else None

    def ensure(self, kind, singular, name, body):
        found = self.find(kind, name, **({"domain_id": body["domain_id"]} if "domain_id" in body else {}))
        if found:
            return found
        made = self.change("created %s %s" % (singular, name), "POST", "/v3/%s" % kind, {singular: dict(body, name=name)})
        return made[singular] if made else {"id": None, "name": name}


def _ensure_service(conv, region, svc):
    found = [s for s in conv.api.request("GET", "/v3/services", params={"type": svc["type"]})["services"]
             if s.get("name") == svc["name"]]
    if found:
        service = found[0]
    else:
        made = conv.change("created service %s" % svc["name"], "POST", "/v3/services", {"service": {
            "name": svc["name"], "type": svc["type"], "description": svc.get("description", "")}})
        service = made["service"] if made else {"id": None}
    endpoints = []
    if service["id"] is not None:
        endpoints = conv.api.request("GET", "/v3/endpoints", params={"service_id": service["id"]})["endpoints"]
    for iface, url in sorted(svc["endpoints"].items()):
        mine = [e for e in endpoints if e["interface"] == iface and e.get("region_id") == region]
        if mine and mine[0]["url"] == url:
            continue
        if mine:
            conv.change("updated %s endpoint of %s" % (iface, svc["name"]), "PATCH", "/v3/endpoints/%s" % mine[0]["id"],
                        {"endpoint": {"url": url}})
        else:
            conv.change("created %s endpoint of %s" % (iface, svc["name"]), "POST", "/v3/endpoints", {"endpoint": {
                "service_id": service["id"], "interface": iface, "url": url, "region_id": region}})


def converge_accounts(api, spec, token_ok, check_mode=False):
    """Ensure the region, services + endpoints, roles, projects, users (+ passwords) and
    role assignments of ``spec``; return ``{"changed", "actions"}``.

    ``api.request(method, path, params=None, body=None)`` returns the decoded JSON body, and
    for ``HEAD`` the HTTP status. ``token_ok(user, password)`` says whether a user's
    password is the current one (a reset is needed otherwise).
    """
    region = spec["region"]
    conv = _Converger(api, check_mode)
    # Regions and endpoints first: a moved service host must show in the catalog.
    regions = {r["id"] for r in api.request("GET", "/v3/regions")["regions"]}
    if region not in regions:
        conv.change("created region %s" % region, "POST", "/v3/regions", {"region": {"id": region}})
    for svc in spec.get("services") or []:
        _ensure_service(conv, region, svc)
    roles = {r: conv.ensure("roles", "role", r, {}) for r in spec.get("roles") or []}
    projects = {p: conv.ensure("projects", "project", p, {"domain_id": DOMAIN}) for p in spec.get("projects") or []}
    passwords = spec.get("passwords") or {}
    users = {}
    for name in spec.get("users") or []:
        if name not in passwords:
            raise GatekitInputError("passwords", "no password for user %s" % name)
        found = conv.find("users", name, domain_id=DOMAIN)
        if not found:
            made = conv.change("created user %s" % name, "POST", "/v3/users", {"user": {
                "name": name, "password": passwords[name], "domain_id": DOMAIN, "enabled": True}})
            found = made["user"] if made else {"id": None, "name": name}
        elif not token_ok(name, passwords[name]):
            conv.change("reset password of user %s" % name, "PATCH", "/v3/users/%s" % found["id"],
                        {"user": {"password": passwords[name], "enabled": True}})
        users[name] = found
    for grant in spec.get("assignments") or []:
        user = users.get(grant["user"]) or conv.find("users", grant["user"], domain_id=DOMAIN)
        role = roles.get(grant["role"]) or conv.find("roles", grant["role"])
        if user is None or role is None:
            raise GatekitInputError("assignments", "unknown user or role in %s" % (grant,))
        if grant.get("system"):
            target, what = ("/v3/system/users/%s" % user["id"]), "system"
        else:
            project = projects.get(grant["project"]) or conv.find("projects", grant["project"], domain_id=DOMAIN)
            if project is None:
                raise GatekitInputError("assignments", "unknown project %s" % grant["project"])
            target, what = ("/v3/projects/%s/users/%s" % (project["id"], user["id"])), "project %s" % grant["project"]
        action = "granted %s to %s on %s" % (grant["role"], grant["user"], what)
        path = "%s/roles/%s" % (target, role["id"])
        if None in (user["id"], role["id"]) or "/None/" in path:
            conv.actions.append(action)  # its parts are created by this (check mode) run
        elif api.request("HEAD", path) == 404:
            conv.change(action, "PUT", path)
    return {"changed": bool(conv.actions), "actions": conv.actions}


# ---------------------------------------------------------------- clouds
def cloud_auth(auth_url, username, password, project=None, system=None):
    """The clouds.yaml ``auth`` block of one DevStack account."""
    auth = {"auth_url": auth_url, "username": username, "user_domain_id": DOMAIN, "password": password}
    if system:
        auth["system_scope"] = system
    else:
        auth["project_name"] = project
        auth["project_domain_id"] = DOMAIN
    return auth


def check_clouds(clouds, catalog_of, require=True):
    """Get a token for each cloud (name -> clouds.yaml entry) with ``catalog_of(auth)``, which
    returns the catalog's service types or ``None`` when the credentials are refused.

    Returns ``{"tokens": {name: bool}, "catalog": {name: [types]}}``; with ``require`` a refused
    token or a catalog without ``identity`` is an error naming the cloud.
    """
    tokens, catalog = {}, {}
    for name, cloud in clouds.items():
        types = catalog_of(cloud["auth"])
        tokens[name] = types is not None
        if types is None:
            if require:
                raise GatekitInputError("clouds", "cloud %s: keystone refused its credentials" % name)
            continue
        catalog[name] = sorted(set(types))
        if require and "identity" not in catalog[name]:
            raise GatekitInputError("clouds", "cloud %s: catalog has no identity service: %s" % (name, catalog[name]))
    return {"tokens": tokens, "catalog": catalog}


# ---------------------------------------------------------------- adapters (the node's venv)
# keystoneauth1 and PyMySQL are imported where they are used (hence the PLC0415 exceptions):
# only the deployment's venv has them, and the tests of the functions above run without.
class KeystoneAuthApi:
    """``converge_accounts``'s API over a keystoneauth1 session, as system-scoped admin."""

    def __init__(self, auth_url, admin_password):
        from keystoneauth1 import session  # noqa: PLC0415
        from keystoneauth1.identity import v3  # noqa: PLC0415

        auth = v3.Password(auth_url=auth_url, username="admin", password=admin_password,
                           user_domain_id=DOMAIN, system_scope="all")
        self.session = session.Session(auth=auth)

    def request(self, method, path, params=None, body=None):
        kwargs = {"endpoint_filter": {"service_type": "identity", "interface": "public"}}
        if params:
            kwargs["params"] = params
        if body is not None:
            kwargs["json"] = body
        if method == "HEAD":
            return self.session.request(path, method, raise_exc=False, **kwargs).status_code
        resp = self.session.request(path, method, **kwargs)
        return resp.json() if resp.content else {}


def keystoneauth_catalog(auth):
    """Service types in the catalog of a token for ``auth`` (a clouds.yaml auth block), or
    ``None`` when keystone refuses the credentials."""
    from keystoneauth1 import exceptions, loading, session  # noqa: PLC0415

    plugin = loading.get_plugin_loader("password").load_from_options(**auth)
    sess = session.Session(auth=plugin)
    try:
        sess.get_token()
    except exceptions.Unauthorized:
        return None
    return [s["type"] for s in sess.auth.get_access(sess).service_catalog.catalog]


def keystoneauth_token_ok(auth_url):
    """``converge_accounts``'s ``token_ok`` for users of the default domain (unscoped)."""
    def token_ok(user, password):
        from keystoneauth1 import exceptions, session  # noqa: PLC0415
        from keystoneauth1.identity import v3  # noqa: PLC0415

        auth = v3.Password(auth_url=auth_url, username=user, password=password, user_domain_id=DOMAIN)
        try:
            session.Session(auth=auth).get_token()
            return True
        except exceptions.Unauthorized:
            return False
    return token_ok


class PyMySQLDatabase:
    """``ensure_database``'s database over PyMySQL: logins over TCP, changes as root over the socket."""

    def __init__(self, host, socket):
        import pymysql  # noqa: PLC0415

        self.pymysql = pymysql
        self.host = host
        self.socket = socket
        self._root = None

    def can_login(self, user, password, name):
        try:
            self.pymysql.connect(host=self.host, user=user, password=password, database=name, connect_timeout=5).close()
            return True
        except self.pymysql.err.OperationalError:
            return False

    def _cursor(self):
        if self._root is None:
            self._root = self.pymysql.connect(unix_socket=self.socket, user="root")
        return self._root.cursor()

    def _count(self, sql, args):
        with self._cursor() as cur:
            cur.execute(sql, args)
            return cur.fetchone()[0]

    def schema_exists(self, name):
        return self._count("SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name=%s", (name,)) > 0

    def user_exists(self, user, host):
        return self._count("SELECT COUNT(*) FROM mysql.user WHERE user=%s AND host=%s", (user, host)) > 0

    def execute(self, sql, args):
        with self._cursor() as cur:
            cur.execute(sql, args or None)

    def commit(self):
        if self._root is not None:
            self._root.commit()
            self._root.close()
            self._root = None
