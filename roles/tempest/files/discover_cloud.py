# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read clouds.yaml, authenticate, and print what tempest.conf needs as JSON.

Runs on the tempest node with the tempest venv's Python (PyYAML comes with
tempest).  Standard library HTTP only: no openstacksdk needed.

usage: discover_cloud.py CLOUDS_YAML CLOUD [KEYSTONE_CONF]
Output: {"auth": {...}, "region", "uri_v3", "services": {type: url},
         "identity_versions": [...], "keystone": {...settings read from keystone.conf}}
Exit 2 with a one-line message on stderr on any error.
"""

import configparser
import json
import os
import ssl
import sys
import urllib.error
import urllib.request

import yaml


def fail(msg):
    sys.stderr.write("discover_cloud: %s\n" % msg)
    sys.exit(2)


def request(url, data=None, headers=None, cafile=None, insecure=False):
    body = json.dumps(data).encode() if data is not None else None
    req = urllib.request.Request(url, data=body, headers=dict(headers or {}, Accept="application/json"))
    if body is not None:
        req.add_header("Content-Type", "application/json")
    ctx = None
    if url.startswith("https"):
        ctx = ssl.create_default_context(cafile=cafile)
        if insecure:
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
    with urllib.request.urlopen(req, timeout=60, context=ctx) as resp:
        return resp.status, dict(resp.headers), json.loads(resp.read().decode() or "{}")


def keystone_settings(path):
    out = {}
    if not path or not os.path.isfile(path):
        return out
    parser = configparser.RawConfigParser(strict=False)
    parser.read(path)

    def get(section, key):
        if parser.has_option(section, key):
            return parser.get(section, key).strip()
        return None

    for section, key in (("security_compliance", "lockout_failure_attempts"),
                         ("security_compliance", "lockout_duration"),
                         ("security_compliance", "unique_last_password_count"),
                         ("security_compliance", "minimum_password_age"),
                         ("security_compliance", "password_expires_days"),
                         ("security_compliance", "change_password_upon_first_use"),
                         ("oslo_policy", "enforce_scope"),
                         ("oslo_policy", "enforce_new_defaults"),
                         ("identity", "domain_specific_drivers_enabled"),
                         ("token", "provider")):
        value = get(section, key)
        if value is not None:
            out["%s.%s" % (section, key)] = value
    return out


def main():
    if len(sys.argv) < 3:
        fail("usage: discover_cloud.py CLOUDS_YAML CLOUD [KEYSTONE_CONF]")
    path, cloud_name = sys.argv[1], sys.argv[2]
    try:
        with open(path) as handle:
            clouds = (yaml.safe_load(handle) or {}).get("clouds") or {}
    except (OSError, yaml.YAMLError) as err:
        fail("cannot read %s: %s" % (path, err))
    cloud = clouds.get(cloud_name)
    if not cloud:
        fail("cloud %r not found in %s (clouds: %s)" % (cloud_name, path, ", ".join(sorted(clouds)) or "none"))
    auth = cloud.get("auth") or {}
    for key in ("auth_url", "username", "password"):
        if not auth.get(key):
            fail("clouds.%s.auth.%s is missing in %s" % (cloud_name, key, path))
    cafile = cloud.get("cacert")
    insecure = cloud.get("verify") is False
    base = auth["auth_url"].rstrip("/")
    if base.endswith("/v3"):
        base = base[:-3]
    user_domain = {"id": auth["user_domain_id"]} if auth.get("user_domain_id") else {
        "name": auth.get("user_domain_name") or "Default"}
    project_domain = {"id": auth["project_domain_id"]} if auth.get("project_domain_id") else {
        "name": auth.get("project_domain_name") or "Default"}
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": auth["username"], "password": auth["password"], "domain": user_domain}}}}}
    if auth.get("project_name"):
        body["auth"]["scope"] = {"project": {"name": auth["project_name"], "domain": project_domain}}
    elif auth.get("system_scope"):
        body["auth"]["scope"] = {"system": {"all": True}}
    try:
        _status, _headers, versions = request(base + "/", cafile=cafile, insecure=insecure)
    except urllib.error.HTTPError as err:
        if err.code != 300:
            fail("GET %s/: %s" % (base, err))
        versions = json.loads(err.read().decode() or "{}")
    except (urllib.error.URLError, OSError, ValueError) as err:
        fail("GET %s/: %s" % (base, err))
    found = [v.get("id") for v in (versions.get("versions") or {}).get("values", [])] or [
        (versions.get("version") or {}).get("id")]
    try:
        _status, _headers, token = request(base + "/v3/auth/tokens", body, cafile=cafile, insecure=insecure)
    except (urllib.error.URLError, OSError, ValueError) as err:
        fail("POST %s/v3/auth/tokens as %s: %s" % (base, auth["username"], err))
    region = cloud.get("region_name")
    services = {}
    for entry in token.get("token", {}).get("catalog", []):
        for endpoint in entry.get("endpoints", []):
            if region and endpoint.get("region_id", endpoint.get("region")) not in (region, None):
                continue
            if endpoint.get("interface") == "public":
                services[entry["type"]] = endpoint["url"]
    result = {
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
        "services": services,
        "identity_versions": [v for v in found if v],
        "keystone": keystone_settings(sys.argv[3] if len(sys.argv) > 3 else None),
    }
    json.dump(result, sys.stdout, sort_keys=True)


if __name__ == "__main__":
    main()
