# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""zuul_config renderer and validator: pure unit tests (zuul itself is exercised in
tests/functional/test_zuul_config*.py)."""

import copy
import difflib
import random

import pytest
import yaml

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError
from ansible_collections.gatekit.devstack.plugins.module_utils.zuul.config import (
    FILES,
    ZuulConfigError,
    ZuulTag,
    count_objects,
    normalize_tags,
    render_zuul_config,
    validate_zuul_config,
)
from ansible_collections.gatekit.devstack.plugins.module_utils.zuul.library import PLAYBOOKS, job_library
from ansible_collections.gatekit.devstack.plugins.module_utils.zuul.schema import JOB_ATTRIBUTE_CHECKS

# zuul 14.3.0 JobParser.job_attributes (without _source_context/_start_mark); the
# functional tests compare this list with the installed zuul.
ZUUL_14_3_JOB_ATTRIBUTES = {
    "parent", "final", "abstract", "protected", "intermediate", "requires", "provides", "failure-message",
    "success-message", "failure-url", "success-url", "hold-following-changes", "voting", "semaphore",
    "semaphores", "tags", "branches", "files", "secrets", "irrelevant-files", "nodeset", "pre-timeout",
    "timeout", "post-timeout", "attempts", "pre-run", "post-run", "run", "cleanup-run", "ansible-split-streams",
    "ansible-version", "roles", "required-projects", "include-projects", "exclude-projects", "vars",
    "extra-vars", "host-vars", "group-vars", "include-vars", "dependencies", "allowed-projects",
    "override-branch", "override-checkout", "description", "variant-description", "post-review",
    "match-on-config-updates", "workspace-scheme", "workspace-checkout", "deduplicate", "failure-output",
    "image-build-name", "type", "preserve-home-paths", "secret-exposure", "attribute-control",
}


class _Loader(yaml.SafeLoader):  # pylint: disable=too-many-ancestors
    """PyYAML SafeLoader (YAML 1.1, as zuul's) reading the Zuul tags back as ZuulTag."""


def _tag(tag):
    def construct(loader, node):
        if isinstance(node, yaml.MappingNode):
            return ZuulTag(tag, loader.construct_mapping(node, deep=True))
        if isinstance(node, yaml.SequenceNode):
            return ZuulTag(tag, loader.construct_sequence(node, deep=True))
        return ZuulTag(tag, loader.construct_scalar(node))
    return construct


for _name in ("!inherit", "!override", "!encrypted/pkcs1-oaep"):
    _Loader.add_constructor(_name, _tag(_name))


def load(text):
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass


def pipelines():
    return [
        {"name": "check", "manager": "independent",
         "trigger": {"gerrit": [{"event": "patchset-created"},
                                {"event": "comment-added", "comment": r"(?i)^(Patch Set [0-9]+:)?\s*recheck"}]},
         "success": {"gerrit": {"Verified": 1}}, "failure": {"gerrit": {"Verified": -1}}},
        {"name": "gate", "manager": "dependent", "supercedes": "check",
         "require": {"gerrit": {"open": True, "approval": [{"Code-Review": 2}, {"Workflow": 1}]}},
         "trigger": {"gerrit": [{"event": "comment-added", "approval": [{"Workflow": 1}]}]},
         "success": {"gerrit": {"Verified": 2, "submit": True}}, "failure": {"gerrit": {"Verified": -2}}},
        {"name": "post", "manager": "supercedent", "post-review": True,
         "trigger": {"gerrit": [{"event": "ref-updated", "ref": "^refs/heads/.*$"}]}},
        {"name": "periodic", "manager": "independent", "trigger": {"timer": [{"time": "0 2 * * *"}]}},
    ]


def sample():
    config = job_library()
    config["pipelines"] = pipelines()
    config["secrets"] = [{"name": "creds", "data": {
        "user": "gatekit", "password": {"!encrypted/pkcs1-oaep": ["aGVsbG8=", "d29ybGQ="]}}}]
    config["jobs"].append({
        "name": "my-tempest", "parent": "gatekit-tempest", "secrets": ["creds"],
        "required-projects": {"!inherit": ["openstack/keystone"]},
        "vars": {"!override": {"tox_envlist": "all", "version": "3.10", "flag": "yes"}},
    })
    config["projects"] = [
        {"name": "org/b", "check": {"jobs": ["my-tempest"]}},
        {"name": "org/a", "gate": {"jobs": [{"my-tempest": {"voting": False}}]},
         "check": {"jobs": ["gatekit-tempest", "my-tempest"]}},
    ]
    return config


def playbooks_present(path):
    return path in PLAYBOOKS.values()


# ---------------------------------------------------------------- rendering

def test_render_is_byte_identical_and_independent_of_input_order():
    first = render_zuul_config(sample())
    assert first == render_zuul_config(sample())
    shuffled = sample()
    random.Random(4).shuffle(shuffled["jobs"])
    shuffled["projects"].reverse()
    shuffled["jobs"][0] = dict(reversed(list(shuffled["jobs"][0].items())))
    assert render_zuul_config(shuffled) == first


def test_file_split_and_counts():
    files = render_zuul_config(sample())
    assert list(files) == ["pipelines.yaml", "secrets.yaml", "nodesets.yaml", "jobs.yaml", "projects.yaml"]
    assert [entry[2] for entry in FILES if entry[2] in files] == list(files)
    assert count_objects(sample())["jobs"] == 6
    for text in files.values():
        assert text.startswith("# Generated by gatekit.devstack.zuul_config")
        assert text.endswith("\n") and not text.endswith("\n\n")
        assert all(line == line.rstrip() for line in text.splitlines())


def test_small_change_small_diff():
    before = render_zuul_config(sample())["jobs.yaml"]
    config = sample()
    config["jobs"][1]["timeout"] = 4000  # gatekit-devstack gets a timeout
    after = render_zuul_config(config)["jobs.yaml"]
    changed = [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert changed == ["+    timeout: 4000"]


def test_output_round_trips_through_yaml_with_tags():
    config = sample()
    files = render_zuul_config(config)
    jobs = [item["job"] for item in load(files["jobs.yaml"])]
    mine = next(j for j in jobs if j["name"] == "my-tempest")
    assert mine["required-projects"] == ZuulTag("!inherit", ["openstack/keystone"])
    assert mine["vars"] == ZuulTag("!override", {"tox_envlist": "all", "version": "3.10", "flag": "yes"})
    secret = load(files["secrets.yaml"])[0]["secret"]
    assert secret["data"]["password"] == ZuulTag("!encrypted/pkcs1-oaep", ["aGVsbG8=", "d29ybGQ="])
    assert "password: !encrypted/pkcs1-oaep\n" in files["secrets.yaml"]
    assert "required-projects: !inherit\n" in files["jobs.yaml"]
    project_a = load(files["projects.yaml"])[0]["project"]
    assert project_a["name"] == "org/a"
    assert list(project_a) == ["name", "check", "gate"]  # pipeline order follows the pipelines list
    assert project_a["gate"]["jobs"] == [{"my-tempest": {"voting": False}}]


def test_tagged_objects_and_mapping_form_render_the_same():
    config = sample()
    tagged = copy.deepcopy(config)
    tagged["jobs"][-1]["required-projects"] = ZuulTag("!inherit", ["openstack/keystone"])
    assert render_zuul_config(tagged) == render_zuul_config(config)


@pytest.mark.parametrize("value", [
    "plain", "yes", "No", "on", "null", "~", "true", "3.10", "010", "0x1f", "1e3", "1:20", "2001-12-14",
    "", " lead", "trail ", "a: b", "# hash", "a #b", "it's", 'say "hi"', "-dash", "- item", "[x]", "{x}",
    "*star", "&amp", "!bang", "%pct", "@at", "`tick`", "|pipe", ">gt", "?q", "multi\nline\n", "no newline\nend",
    "keep\n\n", "\nleading newline", "  indented\nx", "tab\there", "caf\u00e9", "emoji \U0001F600", "nul\x00",
    "line\u2028sep", "back\\slash", "<<", "=", "y", "n", ".inf", "-.5", "+1", "0o17", "1_000",
])
def test_strings_keep_their_text(value):
    config = {"jobs": [{"name": "j", "vars": {"v": value}, "description": value}]}
    loaded = load(render_zuul_config(config)["jobs.yaml"])[0]["job"]
    assert loaded["vars"]["v"] == value
    assert loaded["description"] == value


@pytest.mark.parametrize("value", [0, -1, 10 ** 20, 1.5, -0.25, 1e16, 1e-7, True, False, None, [], {}])
def test_scalars_keep_their_type(value):
    config = {"jobs": [{"name": "j", "vars": {"v": value, "w": [value]}}]}
    loaded = load(render_zuul_config(config)["jobs.yaml"])[0]["job"]
    assert loaded["vars"]["v"] == value and type(loaded["vars"]["v"]) is type(value)
    assert loaded["vars"]["w"] == [value]


def test_nested_lists_and_mappings():
    value = {"b": [1, [2, [3]], {"z": 1, "name": "n", "a": [{}]}], "a": {"k": []}}
    config = {"jobs": [{"name": "j", "vars": {"v": value}}]}
    text = render_zuul_config(config)["jobs.yaml"]
    assert load(text)[0]["job"]["vars"]["v"] == value
    assert "- - 2\n" in text


def test_input_is_not_mutated():
    config = sample()
    snapshot = copy.deepcopy(config)
    render_zuul_config(config)
    validate_zuul_config(config, playbook_exists=playbooks_present)
    assert config == snapshot


def test_normalize_tags():
    assert normalize_tags({"a": {"!inherit": [1]}, "b": {"!x": 1}}) == {
        "a": ZuulTag("!inherit", [1]), "b": {"!x": 1}}


def test_job_library_validates_with_its_playbooks():
    assert validate_zuul_config(job_library(), playbook_exists=playbooks_present) == []
    errors = validate_zuul_config(job_library(), playbook_exists=lambda path: False)
    assert len(errors) == 4
    assert ("job[gatekit-devstack].run", "playbook 'playbooks/zuul/run.yaml' does not exist in the repository") \
        in errors


def test_job_attribute_table_matches_zuul_14_3():
    assert set(JOB_ATTRIBUTE_CHECKS) == ZUUL_14_3_JOB_ATTRIBUTES


def test_branch_variants_are_not_duplicates():
    config = {"jobs": [{"name": "j"}, {"name": "j", "branches": "master"}, {"name": "j", "branches": ["stable"]}]}
    assert validate_zuul_config(config) == []
    config["jobs"].append({"name": "j", "branches": "master"})
    assert validate_zuul_config(config) == [
        ("job[j]", "duplicate name: defined 4 times (a repeated job must be a branch variant with its own "
                   "'branches')")]


def test_external_names_satisfy_references():
    config = {"jobs": [{"name": "j", "parent": "base", "nodeset": "ubuntu-noble"}],
              "projects": [{"name": "p", "check": {"jobs": ["j", "tox-pep8"]}}]}
    assert len(validate_zuul_config(config)) == 3
    external = {"jobs": ["base", "tox-pep8"], "nodesets": ["ubuntu-noble"], "pipelines": ["check"]}
    assert validate_zuul_config(config, external=external) == []
    assert validate_zuul_config(config, external={"jobz": []})[0] == (
        "external.jobz", "unknown key 'jobz' (did you mean 'jobs'?)")


def test_unknown_driver_connection_passes_through():
    config = {"pipelines": [{"name": "check", "manager": "independent",
                             "trigger": {"github": [{"event": "pull_request", "action": "opened"}]}}]}
    assert validate_zuul_config(config, connections={"github": "github"}) == []
    assert validate_zuul_config(config)[0][1].startswith("unknown connection 'github'")


def test_every_error_is_reported_and_nothing_rendered():
    config = {"jobs": [{"name": "a", "parent": "b", "timeout": "1h"}, {"name": "b", "parent": "a"}],
              "projects": [{"name": "p", "check": {"jobs": ["c"]}}]}
    with pytest.raises(ZuulConfigError) as info:
        render_zuul_config(config)
    err = info.value
    assert isinstance(err, GatekitInputError)
    assert err.errors == [
        ("job[a].timeout", "expected an integer, got str '1h'"),
        ("job[a].parent", "parent cycle: a -> b -> a"),
        ("project[p].check.jobs[0]", "unknown job 'c'"),
    ]
    assert str(err).startswith("3 errors in the Zuul configuration:\njob[a].timeout: expected an integer")
    assert err.key == "job[a].timeout"


BAD = [
    ({"jobs": [{"name": "j", "run-playbook": "x"}]}, "job[j].run-playbook", "unknown key 'run-playbook' (did you "
                                                                            "mean 'run'?)"),
    ({"jobs": [{"name": "j", "timeout": True}]}, "job[j].timeout", "expected an integer, got bool True"),
    ({"jobs": [{"name": "j", "voting": "no"}]}, "job[j].voting", "expected a boolean (true/false), got str 'no'"),
    ({"jobs": [{"name": "j", "vars": {"1x": 1}}]}, "job[j].vars.1x", "invalid Ansible variable name '1x'"),
    ({"jobs": [{"name": "j", "vars": {"ansible_host": 1}}]}, "job[j].vars.ansible_host",
     "the variable name 'ansible_host' is reserved by Zuul"),
    ({"jobs": [{"parent": None}]}, "job[#0]", "missing required key 'name'"),
    ({"jobs": [{"name": "j", "parent": "nope"}]}, "job[j].parent", "unknown parent job 'nope'"),
    ({"jobs": [{"name": "j", "nodeset": "nope"}]}, "job[j].nodeset", "unknown nodeset 'nope'"),
    ({"jobs": [{"name": "j", "parent": "j"}]}, "job[j].parent", "parent cycle: j -> j"),
    ({"jobs": [{"name": "j", "abstract": True}], "projects": [{"check": {"jobs": ["j"]}}]},
     "project[#0].check.jobs[0]", "job 'j' is abstract and cannot run in a pipeline"),
    ({"nodesets": [{"name": "n", "nodes": []}, {"name": "n", "nodes": []}]}, "nodeset[n]",
     "duplicate name: defined 2 times"),
    ({"nodesets": [{"name": "n", "nodes": [{"name": "localhost", "label": "x"}]}]}, "nodeset[n].nodes",
     "nodes named 'localhost' are not allowed"),
    ({"jobs": [{"name": "j", "files": {"!encrypted/pkcs1-oaep": "aGk="}}]}, "job[j].files",
     "the !encrypted/pkcs1-oaep tag is not allowed here"),
    ({"jobs": [{"name": "j", "vars": {"!inherit": []}}]}, "job[j].vars",
     "expected a mapping of variables, got list []"),
    ({"jobs": [{"name": "j", "workspace-scheme": "deep"}]}, "job[j].workspace-scheme",
     "expected one of 'golang', 'flat', 'unique', got str 'deep'"),
    ({"jobs": [{"name": "j", "semaphore": "s", "semaphores": ["s"]}], "semaphores": [{"name": "s"}]}, "job[j]",
     "use either 'semaphore' or 'semaphores', not both"),
    ({"jobs": [{"name": "j", "preserve-home-paths": [".ssh/config"]}]}, "job[j].preserve-home-paths",
     "'.ssh/config' is not allowed"),
    ({"jobs": [{"name": "j", "post-review": False}]}, "job[j].post-review",
     "once set, post-review may not be unset (false)"),
    ({"jobs": [{"name": "j", "failure-output": "(unclosed"}]}, "job[j].failure-output",
     "invalid regex '(unclosed': missing ), unterminated subpattern at position 0"),
    ({"pipelines": [{"name": "p", "manager": "independent", "trigger": {"timer": [{"time": 5}]}}]},
     "pipeline[p].trigger.timer[0].time", "expected a string, got int 5"),
    ({"pipelines": [{"name": "p", "manager": "dependent", "trigger": {}, "window-floor": 4,
                     "window-ceiling": 2}]}, "pipeline[p].window-ceiling", "may not be less than window-floor (4)"),
    ({"pipelines": [{"name": "p", "manager": "independent"}]}, "pipeline[p]", "missing required key 'trigger'"),
    ({"pipelines": [{"name": "p", "manager": "independent", "trigger": {"timer": [{"time": "@daily"}]},
                     "success": {"timer": {}}}]}, "pipeline[p].success.timer", "the timer driver has no reporter"),
    ({"projects": [{"name": "p", "templates": "t"}]}, "project[p].templates", "expected a list, got str 't'"),
    ({"projects": [{"name": "p", "check": {"jobz": []}}]}, "project[p].check.jobz",
     "unknown key 'jobz' (did you mean 'jobs'?)"),
    ({"projects": [{"name": "p", "check": {"jobs": [{"a": {}, "b": {}}]}}]}, "project[p].check.jobs[0]",
     "expected a job name or a one-key mapping {job-name: {attributes}}, got dict"),
    ({"projects": [{"name": "p", "check": {"jobs": [{"j": {"name": "x"}}]}}], "jobs": [{"name": "j"}]},
     "project[p].check.jobs[0][j].name", "unknown key 'name'"),
    ({"project_templates": [{"description": "x"}]}, "project-template[#0]", "missing required key 'name'"),
    ({"secrets": [{"name": "s", "data": {}, "oidc": None}]}, "secret[s]",
     "keys 'data' and 'oidc' are mutually exclusive"),
    ({"queues": [{"name": "q", "per-branch": True, "type": "per-branch"}]}, "queue[q]",
     "keys 'per-branch' and 'type' are mutually exclusive"),
    ({"jobs": {"name": "j"}}, "config.jobs", "expected a list of job objects, got dict"),
    ({"project_templates": [], "project-templates": []}, "config",
     "use either 'project_templates' or 'project-templates', not both"),
    ([], "config", "expected a mapping of object lists, got list []"),
]


@pytest.mark.parametrize("config,key,reason", BAD, ids=["%02d-%s" % (i, b[1]) for i, b in enumerate(BAD)])
def test_bad_input_is_rejected_naming_object_and_key(config, key, reason):
    errors = validate_zuul_config(config)
    assert any(k == key and r.startswith(reason) for k, r in errors), errors
    with pytest.raises(ZuulConfigError):
        render_zuul_config(config)
