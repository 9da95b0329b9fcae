# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""module_utils.legacy.jjb: the JJB YAML renderer (pure). JJB's own expansion of it is
tested in tests/functional/test_jjb_jobs.py."""

import pytest
import yaml

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError
from ansible_collections.gatekit.devstack.plugins.module_utils.legacy.jjb import (
    STANDARD_MACRO_NAMES,
    config_xml_path,
    dump_jjb_yaml,
    format_jjb_error,
    jobs_from_specs,
    render_jjb,
    render_shell,
)
from ansible_collections.gatekit.devstack.plugins.module_utils.legacy.mapping import legacy_env_to_native


def test_standard_macros_and_object_order():
    objects = render_jjb({
        "defaults": {"concurrent": True},
        "job_templates": [{"name": "{pipeline}-x-{node}"}],
        "jobs": [{"name": "y", "node": "n"}],
        "job_groups": [{"name": "g", "jobs": ["{pipeline}-x-{node}"]}],
        "projects": [{"name": "p", "pipeline": "check", "node": "n", "branch-override": "default", "jobs": ["g"]}],
        "raw": [{"view": {"name": "v"}}],
    })
    kinds = [next(iter(o)) for o in objects]
    assert kinds == ["defaults"] + ["wrapper"] + ["builder"] * 4 + ["publisher"] * 2 + [
        "job-template", "job", "job-group", "project", "view"]
    names = [o[k]["name"] for o, k in zip(objects, kinds, strict=True) if k in ("wrapper", "builder", "publisher")]
    assert tuple(names) == STANDARD_MACRO_NAMES
    assert objects[0] == {"defaults": {"name": "global", "concurrent": True}}


def test_template_shape():
    template = render_jjb({"job_templates": [{"name": "t-{node}", "timeout": 180}], "macros": False})[0]
    body = template["job-template"]
    assert body["node"] == "{node}"
    assert body["wrappers"] == [{"build-timeout": {"timeout": 180}}, "timestamps"]
    assert body["builders"][:4] == [{"print-template-name": {"template-name": "{template-name}"}},
                                    "link-logs", "net-info", "devstack-checkout"]
    assert body["publishers"] == ["devstack-logs", "console-log"]


def test_shell_in_a_template_keeps_parameters_and_doubles_literal_braces():
    text = render_shell({
        "devstack_gate_env": {"DEVSTACK_GATE_TEMPEST": True, "DEVSTACK_GATE_NEUTRON": False,
                              "DEVSTACK_GATE_TEMPEST_REGEX": "tempest.api (identity)", "LIB": "{lib}"},
        "projects": ["openstack/a", "openstack/b"],
        "local_conf": "[[local|localrc]]\nX=${Y}\n",
        "pre_test_hook": "for f in {a,b}; do echo $f; done",
    }, template=True)
    lines = text.splitlines()
    assert lines[:2] == ["#!/bin/bash -xe", "export PYTHONUNBUFFERED=true"]
    assert "export DEVSTACK_GATE_TEMPEST=1" in lines and "export DEVSTACK_GATE_NEUTRON=0" in lines
    assert "export DEVSTACK_GATE_TEMPEST_REGEX='tempest.api (identity)'" in lines
    assert "export LIB='{lib}'" in lines
    assert 'export PROJECTS="openstack/a openstack/b $PROJECTS"' in lines
    assert "X=${{Y}}" in lines
    assert "    for f in {{a,b}}; do echo $f; done" in lines
    assert "function pre_test_hook {{" in lines and "export -f pre_test_hook" in lines
    assert "export BRANCH_OVERRIDE={branch-override}" in lines
    assert lines[-2:] == ["cp devstack-gate/devstack-vm-gate-wrap.sh ./safe-devstack-vm-gate-wrap.sh",
                          "./safe-devstack-vm-gate-wrap.sh"]


def test_shell_in_a_plain_job_is_literal():
    text = render_shell({"devstack_gate_env": {"A": "x{1,2}", "B": "it's"}, "branch_override": "stable/2024.1"},
                        template=False)
    assert "export A='x{{1,2}}'" in text  # JJB formats plain jobs too: {{ }} -> { }
    assert "export B='it'\"'\"'s'" in text
    assert "export BRANCH_OVERRIDE=stable/2024.1" in text
    assert "BRANCH_OVERRIDE" not in render_shell({}, template=False)


def test_yaml_is_stable_and_readable():
    spec = {"jobs": [{"name": "j", "node": "n", "devstack_gate_env": {"B": 1, "A": 2}}]}
    first = dump_jjb_yaml(render_jjb(spec))
    assert first == dump_jjb_yaml(render_jjb(spec))
    assert first.startswith("# Rendered by gatekit.devstack.jjb_jobs")
    assert "    - shell: |\n" in first  # multi-line shell as a block scalar
    assert yaml.safe_load(first)[-1]["job"]["name"] == "j"
    assert first.index("export B=1") < first.index("export A=2")  # env keeps the user's order


BAD = [
    ({"jobs": [{"node": "n"}]}, "jobs[0].name", "required"),
    ({"jobs": [{"name": "j", "timeout": 0}]}, "jobs[0].timeout", "positive integer"),
    ({"jobs": [{"name": "j", "timeout": True}]}, "jobs[0].timeout", "positive integer"),
    ({"jobs": [{"name": "j", "devstack_gate_env": "A=1"}]}, "jobs[0].devstack_gate_env", "mapping"),
    ({"jobs": [{"name": "j", "devstack_gate_env": {"1A": 1}}]}, "jobs[0].devstack_gate_env.1A", "valid environment"),
    ({"jobs": [{"name": "j", "devstack_gate_env": {"A": {"b": 1}}}]}, "jobs[0].devstack_gate_env.A", "scalar"),
    ({"jobs": [{"name": "j", "projects": "openstack/a"}]}, "jobs[0].projects", "list of project names"),
    ({"jobs": [{"name": "j", "local_conf": {"a": 1}}]}, "jobs[0].local_conf", "string"),
    ({"jobs": [{"name": "j", "pre_test_hook": ["x"]}]}, "jobs[0].pre_test_hook", "string"),
    ({"jobs": [{"name": "j", "branch_override": ""}]}, "jobs[0].branch_override", "branch name"),
    ({"jobs": [{"name": "j", "extra": []}]}, "jobs[0].extra", "mapping"),
    ({"jobs": [{"name": "j", "bogus": 1}]}, "jobs[0].bogus", "unknown key"),
    ({"jobs": [{"name": "j"}, {"name": "j"}]}, "jobs[1].name", "duplicate name 'j'"),
    ({"job_templates": {"name": "t"}}, "job_templates", "must be a list"),
    ({"job_groups": [{"name": "g"}]}, "job_groups[0].jobs", "required"),
    ({"projects": [{"jobs": []}]}, "projects[0].name", "required"),
    ({"raw": [{"a": 1, "b": 2}]}, "raw[0]", "one-key"),
    ({"defaults": []}, "defaults", "mapping"),
    ({"jobz": []}, "spec.jobz", "unknown key"),
]


@pytest.mark.parametrize("spec,key,reason", BAD, ids=[b[1] + ":" + b[2] for b in BAD])
def test_bad_input_names_the_key(spec, key, reason):
    with pytest.raises(GatekitInputError) as err:
        render_jjb(spec)
    assert err.value.key == key
    assert reason in err.value.reason


def test_config_xml_path():
    assert config_xml_path("a") == "a/config.xml"
    assert config_xml_path("folder/a") == "folder/a/config.xml"
    with pytest.raises(GatekitInputError):
        config_xml_path("../etc")


class _Ctx:
    def __init__(self, message):
        self.message = message


class _Pos:
    path = "/x/devstack-gate.yaml"
    line = 4
    column = 2


class _Err:
    message = "While formatting string '#!/bin/bash\\nexport...': Missing parameter: 'branch-override'"
    ctx = [_Ctx("In project 'p'"), _Ctx("In job template 't'")]
    pos = _Pos()


def test_format_jjb_error_keeps_reason_chain_and_position():
    assert format_jjb_error(_Err()) == (
        "Missing parameter: 'branch-override' [In project 'p' > In job template 't'] at /x/devstack-gate.yaml:5:3")


DEFAULT_SPEC = {
    "name": "gatekit-keystone-tempest",
    "parent": "gatekit-tempest",
    "description": "Keystone and\ntempest.",
    "nodeset": "gatekit-single-node",
    "timeout": 3601,
    "vars": {
        "devstack_services": {"mysql": True, "keystone": True},
        "tempest_plugins": ["keystone-tempest-plugin"],
        "tox_envlist": "all",
        "tempest_test_regex": r"^(tempest\.api\.identity|keystone_tempest_plugin\.)",
    },
}


def test_job_specs_resolve_the_parent_chain_then_use_the_mapping():
    jobs, notes = jobs_from_specs([DEFAULT_SPEC, dict(DEFAULT_SPEC, name="two", parent="gatekit-tempest-multinode",
                                                      nodeset="gatekit-two-node")])
    one, two = jobs
    assert one["name"] == "gatekit-keystone-tempest" and one["node"] == "gatekit-bookworm"
    assert one["timeout"] == 61  # seconds rounded up to minutes
    assert one["description"] == "Keystone and tempest."
    env = one["devstack_gate_env"]
    assert env["DEVSTACK_GATE_TEMPEST"] == "1"  # tempest: true comes from the parent gatekit-tempest
    assert "BUILD_TIMEOUT" not in env  # the build-timeout wrapper sets it
    assert two["node"] == "gatekit-bookworm-2-node"
    assert two["devstack_gate_env"]["DEVSTACK_GATE_TOPOLOGY"] == "multinode"
    assert set(notes) == {"gatekit-keystone-tempest", "two"}
    # round trip through THE mapping gives the spec's test selection back
    back = legacy_env_to_native(env, dg_local_conf=one.get("local_conf"))
    assert back["vars"]["tox_envlist"] == "all"
    assert back["vars"]["tempest_test_regex"] == DEFAULT_SPEC["vars"]["tempest_test_regex"]
    assert back["vars"]["tempest_plugins"] == ["keystone-tempest-plugin"]
    assert back["parent"] == "gatekit-tempest"
    # and the rendered job is a plain JJB job
    (job,) = render_jjb({"jobs": [one], "macros": False})
    assert job["job"]["node"] == "gatekit-bookworm"


@pytest.mark.parametrize("specs,key", [
    ({"name": "x"}, "job_specs"),
    ([{"parent": "gatekit-tempest"}], "job_specs[0].name"),
    ([{"name": "x", "parent": "no-such-parent"}], "job_specs[0].x.parent"),
    ([{"name": "x", "parent": "gatekit-tempest", "timeout": "1h"}], "job_specs[0].timeout"),
])
def test_bad_job_specs(specs, key):
    with pytest.raises(GatekitInputError) as err:
        jobs_from_specs(specs)
    assert err.value.key == key
