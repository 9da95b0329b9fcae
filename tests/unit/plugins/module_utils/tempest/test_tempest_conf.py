# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""tempest.conf renderer: the service map, merge order, values, errors.

fixtures/tempest_conf/<case>/tempest.conf is what the role wrote before tempest.conf had a
renderer (its Jinja set_fact + template, run against a keystone stand-in), for the inputs
in inputs.json: the default job, catalog services with test-config and overrides, keystone
settings from the job, scope from localrc.
"""

import json
import os

import pytest

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError
from ansible_collections.gatekit.devstack.plugins.module_utils.tempest import conf

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "tempest_conf")
CASES = sorted(os.listdir(FIXTURES))

CLOUD = {
    "auth": {"username": "admin", "password": "pw", "project_name": "admin", "user_domain_name": "",
             "user_domain_id": "default", "project_domain_name": "", "project_domain_id": "default"},
    "region": "RegionOne",
    "uri_v3": "http://ks/identity/v3",
    "cacert": "",
    "insecure": False,
    "services": {"identity": "http://ks/identity"},
}


def load(case):
    with open(os.path.join(FIXTURES, case, "inputs.json")) as handle:
        inputs = json.load(handle)
    with open(os.path.join(FIXTURES, case, "tempest.conf")) as handle:
        return inputs, handle.read()


def render(**kw):
    args = dict(cloud=CLOUD, keystone={}, workspace="/ws")
    args.update(kw)
    return conf.tempest_conf_data(**args)


@pytest.mark.parametrize("case", CASES)
def test_same_text_as_the_role_wrote_before(case):
    inputs, expected = load(case)
    assert conf.render_tempest_conf(**inputs) == expected


def test_cases_cover_the_default_job():
    assert "default" in CASES
    inputs, text = load("default")
    assert inputs["local_conf"] is None and inputs["overrides"] == {}
    assert "[service_available]\nnova = false\n" in text


def test_service_map_every_option_from_its_catalog_types():
    options = [option for option, _kinds in conf.SERVICE_MAP]
    assert len(options) == len(set(options)) == 16
    assert conf.service_available({"identity": "x"}) == {option: False for option in options}
    available = conf.service_available({"volume": "x", "shared-file-system": "y", "compute": "z"})
    assert [o for o, on in available.items() if on] == ["nova", "cinder", "manila"]
    for option, kinds in conf.SERVICE_MAP:
        for kind in kinds:
            assert conf.service_available({kind: "u"})[option] is True


def test_merge_order_generated_then_test_config_then_overrides():
    local_conf = {"test-config": {"$TEMPEST_CONFIG": {
        "auth": {"tempest_roles": "member,reader"},
        "service_available": {"nova": True},
        "compute": {"flavor_ref": "1", "image_ref": "i"}}}}
    data = render(local_conf=local_conf, overrides={"compute": {"flavor_ref": "2"}, "auth": {"tempest_roles": None}})
    assert data["service_available"]["nova"] is True
    assert data["compute"] == {"flavor_ref": "2", "image_ref": "i"}
    # null drops an option; a section keeps its place, new sections come after.
    assert data["auth"]["tempest_roles"] is None
    assert list(data)[-1] == "compute"
    text = conf.render_ini(data, ())
    assert "tempest_roles" not in text
    assert list(data["auth"])[:2] == ["admin_username", "admin_password"]


def test_other_test_config_files_are_not_tempest_conf():
    data = render(local_conf={"test-config": {"$OTHER": {"x": {"y": 1}}}})
    assert "x" not in data


def test_values_as_oslo_config_reads_them():
    assert conf.ini_value(True) == "true" and conf.ini_value(False) == "false"
    assert conf.ini_value([1, True, "x"]) == "1,True,x"
    assert conf.ini_value({"k": "v", "n": 2}) == "k:v,n:2"
    assert conf.ini_value(1.5) == "1.5"
    assert conf.ini_value("a = b # c") == "a = b # c"
    text = conf.render_ini({"s": {"a": None, "b": "x y", "c": 0}}, ("h1", "h2"))
    assert text == "# h1\n# h2\n\n[s]\nb = x y\nc = 0\n"


def test_keystone_settings_shape_identity_and_scope():
    strict = {"oslo_policy.enforce_scope": "True", "security_compliance.lockout_failure_attempts": "3",
              "identity.domain_specific_drivers_enabled": "yes"}
    data = render(keystone=strict)
    assert data["auth"]["admin_system"] == "all"
    assert data["enforce_scope"]["keystone"] is True
    assert data["identity"]["user_lockout_failure_attempts"] == 3
    assert data["identity-feature-enabled"]["security_compliance"] is True
    assert data["identity-feature-enabled"]["domain_specific_drivers"] is True
    relaxed = render()
    assert relaxed["auth"]["admin_system"] is None
    assert relaxed["identity"]["user_lockout_duration"] == "1800"


def test_keystone_settings_from_the_job_when_no_keystone_conf():
    local_conf = {"post-config": {"$KEYSTONE_CONF": {"security_compliance": {"lockout_failure_attempts": 2}}}}
    assert conf.keystone_settings_from_job(local_conf, {"ENFORCE_SCOPE": True}) == {
        "security_compliance.lockout_failure_attempts": "2", "oslo_policy.enforce_scope": "True"}
    # KEYSTONE_ENFORCE_SCOPE wins over ENFORCE_SCOPE and over the post-config.
    local_conf["post-config"]["$KEYSTONE_CONF"]["oslo_policy"] = {"enforce_scope": True}
    scope = conf.keystone_settings_from_job(local_conf, {"ENFORCE_SCOPE": True, "KEYSTONE_ENFORCE_SCOPE": False})
    assert scope["oslo_policy.enforce_scope"] == "False"
    assert render(local_conf=local_conf, localrc={"KEYSTONE_ENFORCE_SCOPE": False})["enforce_scope"]["keystone"] is False


def test_keystone_settings_from_ini():
    text = "[security_compliance]\nlockout_failure_attempts = 3 \n[token]\nprovider = fernet\n[other]\nx = 1\n"
    assert conf.keystone_settings_from_ini(text) == {
        "security_compliance.lockout_failure_attempts": "3", "token.provider": "fernet"}
    with pytest.raises(GatekitInputError, match="^tempest_keystone_conf: cannot parse"):
        conf.keystone_settings_from_ini("no section header\n")


def test_admin_domain_name():
    auth = dict(CLOUD["auth"], user_domain_id="", user_domain_name="")
    assert render(cloud=dict(CLOUD, auth=auth))["auth"]["admin_domain_name"] == "Default"
    auth["user_domain_id"] = "d1"
    assert render(cloud=dict(CLOUD, auth=auth))["auth"]["admin_domain_name"] == "d1"
    auth["user_domain_name"] = "Users"
    assert render(cloud=dict(CLOUD, auth=auth))["auth"]["admin_domain_name"] == "Users"


def test_tls_options():
    data = render(cloud=dict(CLOUD, insecure=True, cacert="/ca.pem"))
    assert data["identity"]["disable_ssl_certificate_validation"] is True
    assert data["identity"]["ca_certificates_file"] == "/ca.pem"
    assert render()["identity"]["ca_certificates_file"] is None


@pytest.mark.parametrize("kwargs, key", [
    ({"overrides": {"compute": 5}}, "tempest_tempest_conf_overrides.compute: must be a mapping"),
    ({"overrides": ["compute"]}, "tempest_tempest_conf_overrides: must be a mapping"),
    ({"local_conf": {"test-config": {"$TEMPEST_CONFIG": {"auth": "x"}}}},
     "devstack_local_conf.test-config.$TEMPEST_CONFIG.auth: must be a mapping"),
    ({"local_conf": {"test-config": []}}, "devstack_local_conf.test-config: must be a mapping"),
    ({"local_conf": {"post-config": {"$KEYSTONE_CONF": {"oslo_policy": 1}}}},
     "devstack_local_conf.post-config.$KEYSTONE_CONF.oslo_policy: must be a mapping"),
    ({"localrc": "ENFORCE_SCOPE=True"}, "devstack_localrc: must be a mapping"),
    ({"keystone": {"oslo_policy.enforce_scope": "maybe"}},
     "tempest_keystone_conf: [oslo_policy] enforce_scope: 'maybe' is not a boolean"),
    ({"keystone": {"security_compliance.lockout_failure_attempts": "three"}},
     "tempest_keystone_conf: [security_compliance] lockout_failure_attempts: 'three' is not an integer"),
])
def test_bad_input_names_the_key(kwargs, key):
    with pytest.raises(GatekitInputError) as err:
        render(**kwargs)
    assert str(err.value).startswith(key)


def test_multi_line_value_names_the_option():
    data = render(overrides={"compute": {"flavor_ref": "a\nb"}})
    with pytest.raises(GatekitInputError, match=r"^tempest.conf.compute.flavor_ref: values must be one line"):
        conf.render_ini(data)


def test_inputs_are_not_changed():
    overrides = {"identity": {"region": "R2"}}
    local_conf = {"test-config": {"$TEMPEST_CONFIG": {"identity": {"region": "R1"}}}}
    data = render(local_conf=local_conf, overrides=overrides)
    assert data["identity"]["region"] == "R2"
    assert overrides == {"identity": {"region": "R2"}}
    assert local_conf["test-config"]["$TEMPEST_CONFIG"] == {"identity": {"region": "R1"}}


def test_stestr_conf():
    assert conf.render_stestr_conf("/v/lib/tempest") == (
        "[DEFAULT]\ntest_path=/v/lib/tempest/test_discover\ntop_dir=/v/lib/tempest\ngroup_regex=([^\\.]*\\.)*\n")
