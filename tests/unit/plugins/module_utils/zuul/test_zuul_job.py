# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
import pytest

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError
from ansible_collections.gatekit.devstack.plugins.module_utils.zuul.job import (
    collect,
    config_files,
    deep_merge,
    load_config_text,
    load_job_file,
    load_paths,
    node_count,
    node_names,
    plain,
    resolve,
)

LIBRARY = """
- nodeset:
    name: two
    nodes:
      - {name: controller, label: l}
      - {name: compute1, label: l}
- job:
    name: base-dsvm
    abstract: true
    timeout: 7200
    pre-run: playbooks/base-pre.yaml
    post-run: playbooks/base-post.yaml
    run: playbooks/base-run.yaml
    required-projects: [opendev.org/openstack/devstack]
    vars:
      devstack_localrc: {LOG_COLOR: false, DATABASE_PASSWORD: secretdatabase}
      devstack_services: {base: false, mysql: true, keystone: true}
      tox_envlist: smoke
- job:
    name: tempest-base
    parent: base-dsvm
    pre-run: playbooks/tempest-pre.yaml
    post-run: playbooks/tempest-post.yaml
    required-projects: [opendev.org/openstack/tempest]
    vars:
      devstack_services: {tempest: true}
      tox_envlist: full
"""

PROJECT = """
- job:
    name: my-tempest
    parent: tempest-base
    nodeset: two
    timeout: 3600
    run: playbooks/my-run.yaml
    vars:
      devstack_localrc: {LOG_COLOR: true}
      devstack_services: {cinder: false}
      tempest_test_regex: '^keystone'
- job:
    name: my-tempest
    branches: stable/2024.1
    vars:
      tox_envlist: all
- job:
    name: my-override
    parent: tempest-base
    vars:
      devstack_services: !override {keystone: true}
- job:
    name: orphan
    parent: not-there
- job: {name: loop-a, parent: loop-b}
- job: {name: loop-b, parent: loop-a}
"""


def _jobs():
    jobs, nodesets = collect(load_config_text(LIBRARY, "lib.yaml"), "lib.yaml")
    collect(load_config_text(PROJECT, "project.yaml"), "project.yaml", jobs, nodesets)
    return jobs, nodesets


def test_chain_merges_vars_like_zuul():
    jobs, nodesets = _jobs()
    job = resolve(jobs, "my-tempest")
    assert job["chain"] == ["base-dsvm", "tempest-base", "my-tempest"]
    assert job["parent"] == "tempest-base"
    assert job["vars"]["devstack_localrc"] == {"LOG_COLOR": True, "DATABASE_PASSWORD": "secretdatabase"}
    assert job["vars"]["devstack_services"] == {
        "base": False, "mysql": True, "keystone": True, "tempest": True, "cinder": False}
    assert job["vars"]["tox_envlist"] == "full"
    assert job["timeout"] == 3600
    assert job["run"] == "playbooks/my-run.yaml"
    assert job["pre-run"] == ["playbooks/base-pre.yaml", "playbooks/tempest-pre.yaml"]
    assert job["post-run"] == ["playbooks/tempest-post.yaml", "playbooks/base-post.yaml"]
    assert job["required-projects"] == ["opendev.org/openstack/devstack", "opendev.org/openstack/tempest"]
    assert job["abstract"] is False
    assert node_count(job["nodeset"], nodesets) == 2


def test_abstract_is_not_inherited():
    jobs = _jobs()[0]
    assert resolve(jobs, "base-dsvm")["abstract"] is True
    assert resolve(jobs, "tempest-base")["abstract"] is False


def test_branch_variants_apply_only_on_their_branch():
    jobs = _jobs()[0]
    assert resolve(jobs, "my-tempest", "master")["vars"]["tox_envlist"] == "full"
    assert resolve(jobs, "my-tempest", "stable/2024.1")["vars"]["tox_envlist"] == "all"


def test_override_tag_replaces_instead_of_merging():
    jobs = _jobs()[0]
    assert resolve(jobs, "my-override")["vars"]["devstack_services"] == {"keystone": True}


def test_unknown_parent_is_named():
    jobs = _jobs()[0]
    with pytest.raises(GatekitInputError) as err:
        resolve(jobs, "orphan")
    assert "'not-there'" in str(err.value)
    assert "orphan -> not-there" in str(err.value)


def test_parent_cycle_is_reported():
    jobs = _jobs()[0]
    with pytest.raises(GatekitInputError, match="parent cycle: loop-a -> loop-b -> loop-a"):
        resolve(jobs, "loop-a")


def test_unknown_job_lists_known_ones():
    jobs = _jobs()[0]
    with pytest.raises(GatekitInputError, match="no job named 'nope'"):
        resolve(jobs, "nope")


def test_input_is_not_mutated():
    jobs = _jobs()[0]
    before = repr(jobs)
    resolve(jobs, "my-tempest")
    assert repr(jobs) == before


def test_deep_merge_rules():
    assert deep_merge({"a": {"b": 1, "c": 2}}, {"a": {"c": 3}}) == {"a": {"b": 1, "c": 3}}
    assert deep_merge({"a": [1]}, {"a": [2]}) == {"a": [2]}


def test_bad_files_are_named():
    with pytest.raises(GatekitInputError, match="x.yaml: a Zuul config file is a list"):
        load_config_text("job: {}", "x.yaml")
    with pytest.raises(GatekitInputError, match=r"x.yaml\[0\].job: needs a string `name`"):
        collect(load_config_text("- job: {parent: a}", "x.yaml"), "x.yaml")
    with pytest.raises(GatekitInputError, match="not valid YAML"):
        load_config_text("- job: [", "x.yaml")


def test_encrypted_secrets_are_opaque():
    items = load_config_text("- secret:\n    name: s\n    data:\n      k: !encrypted/pkcs1-oaep [abc]\n", "s.yaml")
    assert plain(items)[0]["secret"]["data"]["k"] == ["<encrypted>"]


def test_load_paths_reads_a_repository(tmp_path):
    (tmp_path / "zuul.d").mkdir()
    (tmp_path / "zuul.d" / "b.yaml").write_text(PROJECT)
    (tmp_path / "zuul.d" / "a.yaml").write_text(LIBRARY)
    assert [p.rsplit("/", 1)[-1] for p in config_files(str(tmp_path))] == ["a.yaml", "b.yaml"]
    jobs, nodesets = load_paths([str(tmp_path)])
    assert resolve(jobs, "my-tempest")["chain"][0] == "base-dsvm"
    assert "two" in nodesets
    with pytest.raises(GatekitInputError, match="does not exist"):
        config_files(str(tmp_path / "missing"))


def test_node_names_follow_the_nodeset_order():
    nodesets = _jobs()[1]
    named = [n for n in nodesets if node_count(n, nodesets) == 2][0]
    names = node_names(named, nodesets)
    assert len(names) == 2 and all(isinstance(n, str) for n in names)
    inline = {"nodes": [{"name": "controller", "label": "x"}, {"name": ["compute1", "alias"], "label": "x"}]}
    assert node_names(inline, nodesets) == ["controller", "compute1"]
    assert node_names("no-such-nodeset", nodesets) is None
    assert node_count("no-such-nodeset", nodesets) is None


@pytest.mark.parametrize("text, reason", [
    ("name: [unclosed\n", "not valid YAML"),
    ("- name: x\n", "a job spec is a mapping (name, parent, vars, ...), got list"),
    ("", "a job spec is a mapping (name, parent, vars, ...), got nothing"),
])
def test_load_job_file_names_the_file(tmp_path, text, reason):
    path = tmp_path / "job.yml"
    path.write_text(text)
    with pytest.raises(GatekitInputError) as err:
        load_job_file(str(path))
    assert err.value.key == str(path)
    assert reason in err.value.reason


def test_load_job_file_missing(tmp_path):
    with pytest.raises(GatekitInputError, match=r"job_file: .*/nope\.yml does not exist"):
        load_job_file(str(tmp_path / "nope.yml"))


def test_load_job_file_reads_a_spec(tmp_path):
    path = tmp_path / "job.yml"
    path.write_text("name: x\nparent: gatekit-tempest\nvars: {a: 1}\n")
    assert load_job_file(str(path)) == {"name": "x", "parent": "gatekit-tempest", "vars": {"a": 1}}
