# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/jobs.yml (role gatekit.devstack.job_definitions) checked with the real validators.

Two job specs are rendered: jobs/default.yml (single node, voting) and a two-node,
non-voting variant with required projects.  Their outputs go through zuul 14.3's own
parsers (zuul.d and the zuul-launcher objects), ``nodepool config-validate``
(nodepool 11.0), the Jenkins XML that Jenkins Job Builder rendered, and bash (env.sh
sourced).  A second run must change nothing, check mode must write nothing, and bad
specs must fail naming the key before anything is written.
"""

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from job_definition_tools import (  # noqa: E402
    NODEPOOL,
    ROOT,
    ZUUL_PYTHON,
    launcher_validate,
    nodepool_validate,
    tree,
    zuul_validate,
)

PLAYBOOK = os.path.join(ROOT, "playbooks", "jobs.yml")
DEFAULT_JOB = os.path.join(ROOT, "jobs", "default.yml")
BIN = os.path.dirname(sys.executable)

MULTINODE_JOB = {
    "name": "gatekit-keystone-tempest-multinode",
    "parent": "gatekit-tempest-multinode",
    "description": "Keystone on two workers; non-voting while it settles.",
    "timeout": 5400,
    "voting": False,
    "required-projects": [
        "openstack/keystone",
        {"name": "openstack/keystone-tempest-plugin", "override-checkout": "master"},
    ],
    "vars": {
        "devstack_localrc": {"LIBS_FROM_GIT": "keystonemiddleware", "KEYSTONE_ADMIN_ENDPOINT": True},
        "devstack_services": {"tls-proxy": True},
        "tempest_plugins": ["keystone-tempest-plugin"],
        "tox_envlist": "full",
    },
}

EXPECTED_FILES = [
    "README.txt",
    "devstack-gate/dg-local.conf",
    "devstack-gate/env.sh",
    "jenkins/{job}/config.xml",
    "jjb/{job}.yaml",
    "launcher/launcher.yaml",
    "nodepool/nodepool.yaml",
    "zuul.d/jobs.yaml",
    "zuul.d/projects.yaml",
]

needs_zuul = pytest.mark.skipif(not os.path.exists(ZUUL_PYTHON), reason="needs .venv-zuul (zuul 14.3)")
needs_nodepool = pytest.mark.skipif(not os.path.exists(NODEPOOL), reason="needs .venv-nodepool (nodepool 11.0)")


def run_jobs_playbook(tmp_path, job_file, dest, check=False):
    """ansible-playbook playbooks/jobs.yml; returns (returncode, output, {ok, changed, failed})."""
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_NOCOLOR="1", ANSIBLE_LOCAL_TEMP=str(tmp_path / ".ansible-tmp"))
    # job_file "@FILE" passes FILE as extra vars instead (a gate_job dict)
    job_arg = job_file if str(job_file).startswith("@") else "job_file=%s" % job_file
    args = [os.path.join(BIN, "ansible-playbook"), PLAYBOOK, "-e", job_arg, "-e", "jobs_dest=%s" % dest]
    if check:
        args.append("--check")
    proc = subprocess.run(args, capture_output=True, text=True, env=env, cwd=str(tmp_path), check=False, timeout=600)
    output = proc.stdout + proc.stderr
    recap = re.search(r"localhost\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)", output)
    counts = {}
    if recap:
        counts = {"ok": int(recap.group(1)), "changed": int(recap.group(2)), "failed": int(recap.group(3))}
    return proc.returncode, output, counts


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Both jobs rendered once, then again (for idempotence); {key: (dest, job, first, second)}."""
    base = tmp_path_factory.mktemp("job-definitions")
    multinode_file = base / "multinode.yml"
    multinode_file.write_text(yaml.safe_dump(MULTINODE_JOB, sort_keys=False))
    with open(DEFAULT_JOB, encoding="utf-8") as handle:
        default_job = yaml.safe_load(handle)
    out = {}
    for key, job_file, job in (("default", DEFAULT_JOB, default_job), ("multinode", str(multinode_file), MULTINODE_JOB)):
        dest = base / key
        first = run_jobs_playbook(base, job_file, dest)
        assert first[0] == 0, first[1][-4000:]
        second = run_jobs_playbook(base, job_file, dest)
        assert second[0] == 0, second[1][-4000:]
        out[key] = (dest, job, first, second)
    return out


@pytest.mark.parametrize("key", ["default", "multinode"])
def test_layout_is_complete_and_a_second_run_changes_nothing(rendered, key):
    dest, job, first, second = rendered[key]
    files = sorted(tree(dest))
    assert files == sorted(f.format(job=job["name"]) for f in EXPECTED_FILES)
    assert first[2]["changed"] > 0
    assert second[2]["changed"] == 0, second[1][-3000:]


@needs_zuul
@pytest.mark.parametrize("key", ["default", "multinode"])
def test_zuul_parsers_accept_the_job_and_project(rendered, key):
    dest, job, _first, _second = rendered[key]
    code, report = zuul_validate(dest / "zuul.d")
    assert code == 0 and report["ok"], report
    assert report["counts"] == {"job": 1, "project": 1}
    jobs = yaml.safe_load((dest / "zuul.d" / "jobs.yaml").read_text())
    rendered_job = jobs[0]["job"]
    for attr in ("name", "parent", "nodeset", "timeout", "voting", "required-projects", "vars"):
        if attr in job:
            assert rendered_job[attr] == job[attr], attr
    project = yaml.safe_load((dest / "zuul.d" / "projects.yaml").read_text())[0]["project"]
    pipelines = ["check", "gate"] if job.get("voting", True) else ["check"]
    assert sorted(project) == pipelines
    for pipeline in pipelines:
        assert project[pipeline]["jobs"] == [job["name"]]


@needs_zuul
@pytest.mark.parametrize("key", ["default", "multinode"])
def test_zuul_launcher_objects_pass_zuul_parsers_and_flattening(rendered, key):
    dest, _job, _first, _second = rendered[key]
    code, report = launcher_validate(dest / "launcher" / "launcher.yaml")
    assert code == 0 and report["ok"], report
    assert set(report["providers"]) == {"example-cloud", "gatekit-embedded"}


@needs_nodepool
@pytest.mark.parametrize("key,workers", [("default", ["gate-primary"]), ("multinode", ["gate-primary", "gate-subnode-1"])])
def test_nodepool_config_validate_accepts_nodepool_yaml(rendered, key, workers):
    dest, _job, _first, _second = rendered[key]
    path = dest / "nodepool" / "nodepool.yaml"
    code, output = nodepool_validate(path)
    assert code == 0, output
    data = yaml.safe_load(path.read_text())
    with open(os.path.join(ROOT, "roles", "build_image", "defaults", "main.yml"), encoding="utf-8") as handle:
        build_image = yaml.safe_load(handle)
    image = data["diskimages"][0]
    assert image["name"] == build_image["build_image_name"]
    assert image["release"] == "bookworm"
    assert image["elements"][0] == "debian-minimal"
    assert image["elements"][-len(build_image["build_image_elements"]) :] == build_image["build_image_elements"]
    assert image["env-vars"]["DIB_GATEKIT_WHEELS"].split() == build_image["build_image_wheels"]
    assert [label["name"] for label in data["labels"]] == ["gatekit-bookworm"]
    static = [p for p in data["providers"] if p["driver"] == "static"]
    assert [p["name"] for p in static] == ["gatekit-embedded"]
    assert [n["name"] for n in static[0]["pools"][0]["nodes"]] == workers


@pytest.mark.parametrize("key,node,minutes", [("default", "gatekit-bookworm", 60), ("multinode", "gatekit-bookworm-2-node", 90)])
def test_jenkins_xml_from_jjb_has_the_node_timeout_and_legacy_env(rendered, key, node, minutes):
    dest, job, _first, _second = rendered[key]
    root = ET.parse(dest / "jenkins" / job["name"] / "config.xml").getroot()
    assert root.findtext("assignedNode") == node
    assert root.findtext(".//hudson.plugins.build__timeout.BuildTimeoutWrapper/strategy/timeoutMinutes") == str(minutes)
    shell = "\n".join(e.text or "" for e in root.iter("command"))
    assert "export DEVSTACK_GATE_TEMPEST=1" in shell
    assert "./safe-devstack-vm-gate-wrap.sh" in shell
    jjb = yaml.safe_load((dest / "jjb" / ("%s.yaml" % job["name"])).read_text())
    assert [o["job"]["name"] for o in jjb if "job" in o] == [job["name"]]


def sourced_env(path):
    script = "set -e; env -i bash -c 'source \"$1\" && env -0' _ %s" % path
    out = subprocess.run(["bash", "-c", script], capture_output=True, check=True).stdout.decode()
    return dict(item.split("=", 1) for item in out.split("\0") if "=" in item)


def test_devstack_gate_env_of_the_default_job_includes_inherited_vars(rendered):
    dest, _job, _first, _second = rendered["default"]
    env = sourced_env(dest / "devstack-gate" / "env.sh")
    # tempest: true comes from the parent gatekit-tempest: the chain was resolved
    assert env["DEVSTACK_GATE_TEMPEST"] == "1"
    assert env["DEVSTACK_GATE_TEMPEST_REGEX"] == r"^(tempest\.api\.identity|keystone_tempest_plugin\.)"
    assert env["BUILD_TIMEOUT"] == "3600000"
    # no concurrency is pinned by the library: the wrapper then uses the DevStack rule
    assert "TEMPEST_CONCURRENCY" not in env
    assert "DEVSTACK_GATE_TOPOLOGY" not in env
    assert "TEMPEST_PLUGINS=" in (dest / "devstack-gate" / "dg-local.conf").read_text()


def test_devstack_gate_env_of_the_multinode_job(rendered):
    dest, _job, _first, _second = rendered["multinode"]
    env = sourced_env(dest / "devstack-gate" / "env.sh")
    assert env["DEVSTACK_GATE_TOPOLOGY"] == "multinode"
    assert env["DEVSTACK_GATE_TEMPEST_FULL"] == "1"
    assert env["DEVSTACK_GATE_TLSPROXY"] == "1"
    assert env["PROJECTS"] == "openstack/keystone openstack/keystone-tempest-plugin"
    assert env["OVERRIDE_KEYSTONE_TEMPEST_PLUGIN_PROJECT_BRANCH"] == "master"
    assert env["DEVSTACK_PROJECT_FROM_GIT"] == "keystonemiddleware"
    assert "disable_service keystone" in env["DEVSTACK_SUBNODE_CONFIG"]
    assert env["BUILD_TIMEOUT"] == "5400000"


@pytest.mark.parametrize("key", ["default", "multinode"])
def test_readme_names_every_file(rendered, key):
    dest, job, _first, _second = rendered[key]
    text = (dest / "README.txt").read_text()
    for name in EXPECTED_FILES[1:]:
        assert name.format(job=job["name"]) in text, name


def test_check_mode_writes_nothing(tmp_path):
    code, output, counts = run_jobs_playbook(tmp_path, DEFAULT_JOB, tmp_path / "out", check=True)
    assert code == 0, output[-3000:]
    assert counts["changed"] > 0
    assert not (tmp_path / "out").exists()


BAD_SPECS = [
    ("timeout", dict(MULTINODE_JOB, timeout="soon"), "timeout: must be a positive integer"),
    ("voting", dict(MULTINODE_JOB, voting="maybe"), "voting: must be true or false"),
    ("name", dict(MULTINODE_JOB, name="has spaces"), "name: required, a job name"),
    ("vars", dict(MULTINODE_JOB, vars=["x"]), "vars: must be a mapping"),
    ("parent", dict(MULTINODE_JOB, parent="no-such-parent"), "no-such-parent"),
    ("nodeset", dict(MULTINODE_JOB, nodeset="no-such-nodeset"), "nodeset: no-such-nodeset"),
]


@pytest.mark.parametrize("spec,message", [(s, m) for _k, s, m in BAD_SPECS], ids=[k for k, _s, _m in BAD_SPECS])
def test_bad_spec_fails_naming_the_key_and_writes_nothing(tmp_path, spec, message):
    job_file = tmp_path / "bad.yml"
    job_file.write_text(yaml.safe_dump(spec, sort_keys=False))
    code, output, _counts = run_jobs_playbook(tmp_path, str(job_file), tmp_path / "out")
    assert code != 0
    assert message in output, output[-3000:]
    assert not (tmp_path / "out").exists()


def test_a_job_resolved_from_a_zuul_config_is_rendered_without_its_bookkeeping(tmp_path):
    """site.yml with gate_zuul_config hands over the job zuul_job resolved (chain, playbooks)."""
    resolved = {
        "name": "my-project-tempest",
        "parent": "gatekit-tempest",
        "chain": ["gatekit-devstack-base", "gatekit-devstack", "gatekit-tempest", "my-project-tempest"],
        "abstract": False,
        "nodeset": "gatekit-single-node",
        "timeout": 7200,
        "post-timeout": 1800,
        "pre-run": ["playbooks/zuul/pre.yaml"],
        "run": "playbooks/zuul/run.yaml",
        "post-run": ["playbooks/zuul/post.yaml"],
        "vars": {"devstack_services": {"mysql": True, "keystone": True, "tempest": True}, "tox_envlist": "smoke"},
    }
    extra = tmp_path / "extra.yml"
    extra.write_text(yaml.safe_dump({"gate_job": resolved}))
    code, output, _counts = run_jobs_playbook(tmp_path, "@" + str(extra), tmp_path / "out")
    assert code == 0, output[-3000:]
    job = yaml.safe_load((tmp_path / "out" / "zuul.d" / "jobs.yaml").read_text())[0]["job"]
    assert not {"chain", "abstract", "pre-run", "run", "post-run"} & set(job)
    assert job["post-timeout"] == 1800
    env = sourced_env(tmp_path / "out" / "devstack-gate" / "env.sh")
    assert env["DEVSTACK_GATE_TEMPEST"] == "1"
    assert env["BUILD_TIMEOUT"] == "7200000"
    if os.path.exists(ZUUL_PYTHON):
        code, report = zuul_validate(tmp_path / "out" / "zuul.d")
        assert code == 0 and report["ok"], report


def run_filter_play(tmp_path, expression):
    """Evaluate a Jinja expression on localhost; returns (returncode, output, value)."""
    play = [
        {
            "hosts": "localhost",
            "gather_facts": False,
            "tasks": [
                {
                    "name": "Evaluate",
                    "ansible.builtin.copy": {"content": "{{ %s | to_json }}" % expression, "dest": str(tmp_path / "value.json"), "mode": "0600"},
                }
            ],
        }
    ]
    (tmp_path / "play.yml").write_text(yaml.safe_dump(play))
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_NOCOLOR="1")
    proc = subprocess.run(
        [os.path.join(BIN, "ansible-playbook"), str(tmp_path / "play.yml")], capture_output=True, text=True, env=env, cwd=ROOT, check=False, timeout=300
    )
    value = yaml.safe_load((tmp_path / "value.json").read_text()) if proc.returncode == 0 else None
    return proc.returncode, proc.stdout + proc.stderr, value


def test_legacy_env_filter_gives_the_mapping_of_the_job_as_given(tmp_path):
    # taken as given: nothing comes from the parent, so the spec names its nodeset and tempest itself
    spec = dict(MULTINODE_JOB, nodeset="gatekit-two-node", vars=dict(MULTINODE_JOB["vars"], devstack_services={"tempest": True}))
    code, output, value = run_filter_play(tmp_path, "%s | gatekit.devstack.legacy_env" % json.dumps(spec))
    assert code == 0, output[-3000:]
    assert value["env"]["DEVSTACK_GATE_TEMPEST"] == "1"
    assert value["env"]["DEVSTACK_GATE_TOPOLOGY"] == "multinode"
    assert value["env"]["BUILD_TIMEOUT"] == "5400000"
    assert "KEYSTONE_ADMIN_ENDPOINT" in value["dg_local_conf"]


def test_legacy_filters_name_the_bad_key(tmp_path):
    code, output, _value = run_filter_play(tmp_path, '{"name": "x", "vars": [1]} | gatekit.devstack.legacy_env')
    assert code != 0 and "legacy_env: vars: must be a dict" in output, output[-3000:]
    code, output, _value = run_filter_play(tmp_path, '[{"name": "x", "timeout": -1}] | gatekit.devstack.legacy_jjb_jobs')
    assert code != 0 and "legacy_jjb_jobs: job_specs[0].timeout" in output, output[-3000:]


def test_a_job_from_a_zuul_config_renders_too(tmp_path):
    extra = tmp_path / "extra.yml"
    extra.write_text(yaml.safe_dump({"gate_zuul_config": os.path.join(ROOT, "zuul.d"), "gate_zuul_job": "gatekit-tempest-multinode"}))
    code, output, _counts = run_jobs_playbook(tmp_path, "@" + str(extra), tmp_path / "out")
    assert code == 0, output[-3000:]
    job = yaml.safe_load((tmp_path / "out" / "zuul.d" / "jobs.yaml").read_text())[0]["job"]
    assert job["name"] == "gatekit-tempest-multinode" and job["parent"] == "gatekit-tempest"
    env = sourced_env(tmp_path / "out" / "devstack-gate" / "env.sh")
    assert env["DEVSTACK_GATE_TOPOLOGY"] == "multinode"
    nodepool = yaml.safe_load((tmp_path / "out" / "nodepool" / "nodepool.yaml").read_text())
    static = [p for p in nodepool["providers"] if p["driver"] == "static"][0]
    assert [n["name"] for n in static["pools"][0]["nodes"]] == ["gate-primary", "gate-subnode-1"]
