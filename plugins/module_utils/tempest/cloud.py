# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cloud tempest tests: clouds.yaml's entry, keystone's versions and catalog.

Ansible's own HTTP client only: no openstacksdk on the tempest node.

* ``cloud_entry(clouds, name, path)`` -- the validated ``clouds.<name>`` entry.
* ``token_request(entry)`` -- ``(base_url, body)`` of the password authentication.
* ``identity_versions(document)`` -- the version ids of keystone's ``GET /``.
* ``catalog_services(token, region)`` -- ``{service type: public url}``.
* ``discover(entry, request)`` -- all of it as one dict; ``request(url, data, cafile,
  insecure)`` returns the decoded JSON body (``http_request`` is the real one), so
  tests run it without a keystone.

Every error is a ``GatekitInputError`` naming the key (``tempest_cloud``,
``clouds.<name>.auth.<key>``) or the request that failed.
"""

import json
import urllib.error

from ansible.module_utils.urls import open_url

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError


def cloud_entry(clouds, name, path):
    clouds = clouds.get("clouds") if isinstance(clouds, dict) else None
    clouds = clouds if isinstance(clouds, dict) else {}
    entry = clouds.get(name)
    if not entry:
        raise GatekitInputError("tempest_cloud", "cloud %r not found in %s (clouds: %s)"
                                % (name, path, ", ".join(sorted(clouds)) or "none"))
    if not isinstance(entry, dict) or not isinstance(entry.get("auth") or {}, dict):
        raise GatekitInputError("clouds.%s" % name, "must be a mapping with an auth mapping in %s" % path)
    auth = entry.get("auth") or {}
    for key in ("auth_url", "username", "password"):
        if not auth.get(key):
            raise GatekitInputError("clouds.%s.auth.%s" % (name, key), "is missing in %s" % path)
    return entry


def base_url(entry):
    base = entry["auth"]["auth_url"].rstrip("/")
    return base[:-3] if base.endswith("/v3") else base


def _domain(auth, kind):
    if auth.get("%s_domain_id" % kind):
        return {"id": auth["%s_domain_id" % kind]}
    return {"name": auth.get("%s_domain_name" % kind) or "Default"}


def token_request(entry):
    auth = entry["auth"]
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": auth["username"], "password": auth["password"], "domain": _domain(auth, "user")}}}}}
    if auth.get("project_name"):
        body["auth"]["scope"] = {"project": {"name": auth["project_name"], "domain": _domain(auth, "project")}}
    elif auth.get("system_scope"):
        body["auth"]["scope"] = {"system": {"all": True}}
    return base_url(entry) + "/v3/auth/tokens", body


def identity_versions(document):
    document = document or {}
    found = [v.get("id") for v in (document.get("versions") or {}).get("values", [])] or [
        (document.get("version") or {}).get("id")]
    return [v for v in found if v]


def catalog_services(token, region=None):
    services = {}
    for entry in (token or {}).get("token", {}).get("catalog", []):
        for endpoint in entry.get("endpoints", []):
            if region and endpoint.get("region_id", endpoint.get("region")) not in (region, None):
                continue
            if endpoint.get("interface") == "public":
                services[entry["type"]] = endpoint["url"]
    return services


def http_request(url, data=None, cafile=None, insecure=False):
    """JSON ``GET`` (``data`` None) or ``POST``; keystone's ``300 Multiple Choices`` is an answer."""
    body = json.dumps(data).encode() if data is not None else None
    headers = {"Accept": "application/json"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    tls = url.startswith("https")
    try:
        resp = open_url(url, data=body, headers=headers, method="POST" if body is not None else "GET",
                        validate_certs=not (tls and insecure), ca_path=(cafile or None) if tls else None, timeout=60)
        return json.loads(resp.read().decode() or "{}")
    except urllib.error.HTTPError as err:
        if err.code != 300 or body is not None:
            raise
        return json.loads(err.read().decode() or "{}")


def discover(entry, request=http_request, name="devstack-admin"):
    """What tempest.conf needs from the cloud; secrets included (the caller hides them)."""
    auth = entry["auth"]
    cafile = entry.get("cacert")
    insecure = entry.get("verify") is False
    base = base_url(entry)
    try:
        versions = request(base + "/", None, cafile, insecure)
    except (urllib.error.URLError, OSError, ValueError) as err:
        raise GatekitInputError("clouds.%s.auth.auth_url" % name, "GET %s/: %s" % (base, err)) from None
    url, body = token_request(entry)
    try:
        token = request(url, body, cafile, insecure)
    except (urllib.error.URLError, OSError, ValueError) as err:
        raise GatekitInputError("clouds.%s.auth" % name, "POST %s as %s: %s" % (url, auth["username"], err)) from None
    region = entry.get("region_name")
    return {
        "auth": {
            "username": auth["username"],
            "password": auth["password"],
            "project_name": auth.get("project_name", ""),
            "user_domain_name": auth.get("user_domain_name") or "",
            "user_domain_id": auth.get("user_domain_id") or "",
            "project_domain_name": auth.get("project_domain_name") or "",
            "project_domain_id": auth.get("project_domain_id") or "",
        },
        "region": region or "RegionOne",
        "uri_v3": base + "/v3",
        "cacert": cafile or "",
        "insecure": insecure,
        "services": catalog_services(token, region),
        "identity_versions": identity_versions(versions),
    }
