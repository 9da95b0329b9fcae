# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""clouds.yaml entry, token request, catalog and versions, with a recorded keystone."""

import urllib.error

import pytest

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError
from ansible_collections.gatekit.devstack.plugins.module_utils.tempest import cloud

ENTRY = {"auth": {"auth_url": "http://ks/identity/v3/", "username": "admin", "password": "pw",
                  "user_domain_id": "default", "project_name": "admin", "project_domain_id": "default"},
         "region_name": "RegionOne"}
TOKEN = {"token": {"catalog": [
    {"type": "identity", "endpoints": [
        {"interface": "public", "region_id": "RegionOne", "url": "http://ks/identity"},
        {"interface": "admin", "region_id": "RegionOne", "url": "http://ks/admin"}]},
    {"type": "compute", "endpoints": [{"interface": "public", "region_id": "RegionTwo", "url": "http://nova"}]},
    {"type": "image", "endpoints": [{"interface": "public", "region": "RegionOne", "url": "http://glance"}]},
    {"type": "dns", "endpoints": [{"interface": "public", "url": "http://designate"}]},
]}}


class Keystone:
    def __init__(self, fail=None):
        self.calls = []
        self.fail = fail

    def __call__(self, url, data, cafile, insecure):
        self.calls.append((url, data, cafile, insecure))
        if self.fail and self.fail in url:
            raise urllib.error.URLError("connection refused")
        if data is None:
            return {"versions": {"values": [{"id": "v3.14"}, {"id": None}]}}
        return TOKEN


def test_discover_reads_versions_token_and_catalog():
    keystone = Keystone()
    found = cloud.discover(dict(ENTRY, cacert="/ca.pem", verify=False), keystone)
    assert keystone.calls[0] == ("http://ks/identity/", None, "/ca.pem", True)
    url, body, _ca, _insecure = keystone.calls[1]
    assert url == "http://ks/identity/v3/auth/tokens"
    assert body["auth"]["identity"]["password"]["user"] == {"name": "admin", "password": "pw", "domain": {"id": "default"}}
    assert body["auth"]["scope"] == {"project": {"name": "admin", "domain": {"id": "default"}}}
    assert found["uri_v3"] == "http://ks/identity/v3"
    assert found["services"] == {"identity": "http://ks/identity", "image": "http://glance", "dns": "http://designate"}
    assert found["identity_versions"] == ["v3.14"]
    assert (found["insecure"], found["cacert"], found["region"]) == (True, "/ca.pem", "RegionOne")
    assert found["auth"]["user_domain_name"] == "" and found["auth"]["project_name"] == "admin"


def test_token_request_scopes():
    auth = {"auth_url": "http://ks", "username": "u", "password": "p", "system_scope": "all",
            "user_domain_name": "Users"}
    _url, body = cloud.token_request({"auth": auth})
    assert body["auth"]["scope"] == {"system": {"all": True}}
    assert body["auth"]["identity"]["password"]["user"]["domain"] == {"name": "Users"}
    del auth["system_scope"]
    assert "scope" not in cloud.token_request({"auth": auth})[1]["auth"]


def test_no_region_takes_every_public_endpoint_and_defaults_the_region():
    assert cloud.catalog_services(TOKEN)["compute"] == "http://nova"
    entry = dict(ENTRY)
    del entry["region_name"]
    assert cloud.discover(entry, Keystone())["region"] == "RegionOne"


def test_identity_versions_single_version_document():
    assert cloud.identity_versions({"version": {"id": "v3.10"}}) == ["v3.10"]
    assert cloud.identity_versions({}) == []


@pytest.mark.parametrize("clouds, message", [
    ({"clouds": {"other": ENTRY}}, "tempest_cloud: cloud 'devstack-admin' not found in /c.yaml (clouds: other)"),
    ({}, "tempest_cloud: cloud 'devstack-admin' not found in /c.yaml (clouds: none)"),
    (None, "tempest_cloud: cloud 'devstack-admin' not found"),
    ({"clouds": {"devstack-admin": {"auth": {"auth_url": "u", "username": "a"}}}},
     "clouds.devstack-admin.auth.password: is missing in /c.yaml"),
    ({"clouds": {"devstack-admin": {"auth": "x"}}}, "clouds.devstack-admin: must be a mapping"),
])
def test_bad_clouds_yaml_names_the_key(clouds, message):
    with pytest.raises(GatekitInputError) as err:
        cloud.cloud_entry(clouds, "devstack-admin", "/c.yaml")
    assert str(err.value).startswith(message)


@pytest.mark.parametrize("fail, message", [
    ("identity/", "clouds.devstack-admin.auth.auth_url: GET http://ks/identity/: "),
    ("tokens", "clouds.devstack-admin.auth: POST http://ks/identity/v3/auth/tokens as admin: "),
])
def test_unreachable_keystone_names_the_request(fail, message):
    with pytest.raises(GatekitInputError) as err:
        cloud.discover(ENTRY, Keystone(fail=fail))
    assert str(err.value).startswith(message)
    assert "pw" not in str(err.value)
