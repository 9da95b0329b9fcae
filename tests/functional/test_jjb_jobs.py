# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""gatekit.devstack.jjb_jobs with Jenkins Job Builder itself: the config.xml JJB writes
(assignedNode, the shell builder with its exports, the build-timeout wrapper), the same
jobs as `jenkins-jobs test`, check/diff/idempotence, and a table of bad inputs."""

import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from job_definition_tools import BIN, JJB_DIR, ROOT, run_tasks, tree  # noqa: E402

from ansible_collections.gatekit.devstack.plugins.module_utils.legacy.jjb import (  # noqa: E402
    JJBError,
    dump_jjb_yaml,
    expand_jjb,
    render_jjb,
)

TEMPLATE = "{pipeline}-tempest-dsvm-full-{node}{suffix}"


def site_spec():
    """A devstack-gate site in the structured input the module takes."""
    return {
        "defaults": {"project-type": "freestyle", "concurrent": True},
        "job_templates": [
            {
                "name": TEMPLATE,
                "timeout": 180,
                "devstack_gate_env": {
                    "DEVSTACK_GATE_TEMPEST": 1,
                    "DEVSTACK_GATE_TEMPEST_FULL": 1,
                    "DEVSTACK_GATE_TLSPROXY": True,
                },
            },
            {
                "name": "{pipeline}-tempest-dsvm-identity-{node}{suffix}",
                "timeout": 90,
                "devstack_gate_env": {"DEVSTACK_GATE_TEMPEST": 1, "DEVSTACK_GATE_TEMPEST_REGEX": r"tempest\.api\.identity"},
                "projects": ["openstack/keystone-tempest-plugin"],
                "local_conf": "[[local|localrc]]\nTEMPEST_PLUGINS=/opt/stack/new/keystone-tempest-plugin\n",
                "pre_test_hook": "echo ${HOME} {not a parameter}",
            },
        ],
        "jobs": [
            {"name": "gatekit-keystone-tempest", "node": "gatekit-bookworm", "timeout": 60,
             "devstack_gate_env": {"DEVSTACK_GATE_TEMPEST": 1, "DEVSTACK_GATE_TEMPEST_REGEX": "a{1,2}"}},
        ],
        "job_groups": [{"name": "devstack-jobs", "jobs": [TEMPLATE, "{pipeline}-tempest-dsvm-identity-{node}{suffix}"]}],
        "projects": [{"name": "devstack-gate", "pipeline": ["check", "gate"], "node": "gatekit-bookworm",
                      "suffix": "", "branch-override": "default", "jobs": ["devstack-jobs"]}],
    }


def expand(tmp_path, spec):
    path = tmp_path / "rendered.yaml"
    path.write_text(dump_jjb_yaml(render_jjb(spec)))
    return {job.name: job for job in expand_jjb([str(path)])}


def shell_commands(xml_bytes):
    root = ET.fromstring(xml_bytes)
    return [el.findtext("command") for el in root.iter("hudson.tasks.Shell")]


def test_rendered_site_expands_with_jjb(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    jobs = expand(tmp_path, site_spec())
    assert sorted(jobs) == [
        "check-tempest-dsvm-full-gatekit-bookworm",
        "check-tempest-dsvm-identity-gatekit-bookworm",
        "gate-tempest-dsvm-full-gatekit-bookworm",
        "gate-tempest-dsvm-identity-gatekit-bookworm",
        "gatekit-keystone-tempest",
    ]
    root = ET.fromstring(jobs["gate-tempest-dsvm-full-gatekit-bookworm"].xml)
    assert root.findtext("assignedNode") == "gatekit-bookworm"
    wrapper = root.find("buildWrappers/hudson.plugins.build__timeout.BuildTimeoutWrapper")
    assert wrapper.findtext("strategy/timeoutMinutes") == "180"
    assert wrapper.findtext("timeoutEnvVar") == "BUILD_TIMEOUT"
    assert root.find("buildWrappers/hudson.plugins.timestamper.TimestamperBuildWrapper") is not None
    commands = shell_commands(jobs["gate-tempest-dsvm-full-gatekit-bookworm"].xml)
    assert commands[0] == 'echo "JJB template: %s"' % TEMPLATE
    assert "cp -a /usr/local/gatekit/devstack-gate devstack-gate" in commands[3]
    main = commands[-1]
    for line in ("export DEVSTACK_GATE_TEMPEST=1", "export DEVSTACK_GATE_TEMPEST_FULL=1",
                 "export DEVSTACK_GATE_TLSPROXY=1", "export BRANCH_OVERRIDE=default",
                 "cp devstack-gate/devstack-vm-gate-wrap.sh ./safe-devstack-vm-gate-wrap.sh",
                 "./safe-devstack-vm-gate-wrap.sh"):
        assert line in main.splitlines()
    archived = [el.findtext("artifacts") for el in root.iter("hudson.tasks.ArtifactArchiver")]
    assert archived == ["logs/**", "console.html"]


def test_literal_text_survives_jjb_formatting(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    jobs = expand(tmp_path, site_spec())
    identity = shell_commands(jobs["check-tempest-dsvm-identity-gatekit-bookworm"].xml)[-1]
    assert "function pre_test_hook {\n    echo ${HOME} {not a parameter}\n}\nexport -f pre_test_hook" in identity
    assert "export DEVSTACK_GATE_TEMPEST_REGEX='tempest\\.api\\.identity'" in identity
    assert "cat > /tmp/dg-local.conf <<'GATEKIT_LOCAL_CONF'\n[[local|localrc]]\n" in identity
    assert 'export PROJECTS="openstack/keystone-tempest-plugin $PROJECTS"' in identity
    plain = shell_commands(jobs["gatekit-keystone-tempest"].xml)[-1]
    assert "export DEVSTACK_GATE_TEMPEST_REGEX='a{1,2}'" in plain
    assert "BRANCH_OVERRIDE" not in plain


def test_same_jobs_as_the_jenkins_jobs_cli(tmp_path, monkeypatch):
    """The library path gives byte-identical XML to `jenkins-jobs test --config-xml`."""
    out = tmp_path / "cli"
    env = dict(os.environ, HOME=str(tmp_path))
    subprocess.run([os.path.join(BIN, "jenkins-jobs"), "-l", "error", "test", "--config-xml", "-o", str(out),
                    JJB_DIR], check=True, env=env, capture_output=True, timeout=300)
    cli = tree(out)
    # monkeypatch: HOME comes back after the test (later tests run gates with the real one)
    monkeypatch.setenv("HOME", str(tmp_path))
    lib = {"%s/config.xml" % job.name: job.xml for job in expand_jjb([JJB_DIR])}
    assert len(lib) == 50
    assert lib == cli


def test_module_writes_checks_and_is_idempotent(tmp_path):
    out = tmp_path / "jenkins"
    spec = site_spec()
    task = {"gatekit.devstack.jjb_jobs": dict(spec, output_dir=str(out), yaml_path=str(tmp_path / "jjb" / "site.yaml"))}
    check = run_tasks(tmp_path, [task], check=True)[0]
    assert check["changed"] is True and not check.get("failed"), check
    assert not out.exists() and not (tmp_path / "jjb").exists()
    first, second = run_tasks(tmp_path, [task, task], diff=True)
    assert first["changed"] is True and len(first["jobs"]) == 5, first
    assert first["jjb_version"].startswith("6.")
    assert second["changed"] is False and second["changed_jobs"] == [], second
    files = tree(out)
    assert sorted(files) == sorted("%s/config.xml" % j for j in first["jobs"])
    assert (tmp_path / "jjb" / "site.yaml").read_text().startswith("# Rendered by gatekit.devstack.jjb_jobs")
    # one template change -> only its two jobs change
    spec["job_templates"][0]["timeout"] = 200
    task = {"gatekit.devstack.jjb_jobs": dict(spec, output_dir=str(out))}
    third = run_tasks(tmp_path, [task], diff=True)[0]
    assert sorted(third["changed_jobs"]) == ["check-tempest-dsvm-full-gatekit-bookworm",
                                             "gate-tempest-dsvm-full-gatekit-bookworm"]
    assert any("<timeoutMinutes>200</timeoutMinutes>" in d["after"] for d in third["diff"])


def test_module_renders_the_collection_job_spec(tmp_path):
    """jobs/default.yml (a Zuul-shaped spec) -> its parent chain -> THE mapping -> JJB XML."""
    with open(os.path.join(ROOT, "jobs", "default.yml"), encoding="utf-8") as handle:
        spec = yaml.safe_load(handle)
    out = tmp_path / "jenkins"
    result = run_tasks(tmp_path, [{"gatekit.devstack.jjb_jobs": {"job_specs": [spec], "output_dir": str(out)}}])[0]
    assert not result.get("failed"), result.get("msg")
    assert result["jobs"] == [spec["name"]]
    assert spec["name"] in result["notes"]
    xml = (out / spec["name"] / "config.xml").read_bytes()
    root = ET.fromstring(xml)
    assert root.findtext("assignedNode") == "gatekit-bookworm"
    assert root.findtext(".//timeoutMinutes") == str(spec["timeout"] // 60)
    main = shell_commands(xml)[-1].splitlines()
    assert "export DEVSTACK_GATE_TEMPEST=1" in main
    assert "export DEVSTACK_GATE_TEMPEST_REGEX='%s'" % spec["vars"]["tempest_test_regex"] in main
    assert 'TEMPEST_PLUGINS="/opt/stack/new/keystone-tempest-plugin"' in main


def test_module_expands_project_config_sources_and_prunes(tmp_path):
    out = tmp_path / "jenkins"
    stale = out / "old-job"
    stale.mkdir(parents=True)
    (stale / "config.xml").write_text("<project/>")
    task = {"gatekit.devstack.jjb_jobs": {"sources": [JJB_DIR], "macros": False, "output_dir": str(out),
                                          "names": ["*-tempest-dsvm-*"], "prune": True}}
    result = run_tasks(tmp_path, [task])[0]
    assert not result.get("failed"), result
    assert "gate-tempest-dsvm-full-ubuntu-xenial" in result["jobs"]
    assert all("tempest-dsvm" in name for name in result["jobs"])
    assert result["removed"] == [str(stale / "config.xml")]
    assert not stale.exists()


BAD_INPUTS = [
    # (what, spec change, expected message fragment)
    ("missing template parameter",
     lambda s: s["projects"][0].pop("branch-override"),
     "Missing parameter: 'branch-override' [In project 'devstack-gate' > In job group 'devstack-jobs' > "
     "In job template '{pipeline}-tempest-dsvm-full-{node}{suffix}']"),
    ("unknown macro",
     lambda s: s["jobs"][0].update(extra={"builders": ["no-such-macro"]}),
     "job 'gatekit-keystone-tempest': Unknown entry point or macro 'no-such-macro' for component type: 'builder'"),
    ("unknown job group",
     lambda s: s["projects"][0].update(jobs=["no-such-group"]),
     "no-such-group"),
    ("bad environment name",
     lambda s: s["job_templates"][0]["devstack_gate_env"].update({"BAD-NAME": 1}),
     "job_templates[0].devstack_gate_env.BAD-NAME: not a valid environment variable name"),
    ("list as environment value",
     lambda s: s["jobs"][0]["devstack_gate_env"].update(DEVSTACK_GATE_TEMPEST=[1]),
     "jobs[0].devstack_gate_env.DEVSTACK_GATE_TEMPEST: must be a scalar, got list"),
    ("timeout not an integer",
     lambda s: s["jobs"][0].update(timeout="3h"),
     "jobs[0].timeout: must be a positive integer (minutes), got '3h'"),
    ("duplicate job name",
     lambda s: s["jobs"].append(dict(s["jobs"][0])),
     "jobs[1].name: duplicate name 'gatekit-keystone-tempest' (also jobs[0])"),
    ("unknown key in a job",
     lambda s: s["jobs"][0].update(nodes="x"),
     "jobs[0].nodes: unknown key"),
    ("group without jobs",
     lambda s: s["job_groups"][0].pop("jobs"),
     "job_groups[0].jobs: required, a list of job or template names"),
]


@pytest.fixture(scope="module")
def bad_runs(tmp_path_factory):
    """Every bad input as one task of ONE playbook run (ansible start-up dominates)."""
    base = tmp_path_factory.mktemp("jjb-bad")
    tasks = []
    for index, (_what, mutate, _expected) in enumerate(BAD_INPUTS):
        spec = site_spec()
        mutate(spec)
        tasks.append({"gatekit.devstack.jjb_jobs": dict(spec, output_dir=str(base / str(index) / "jenkins"),
                                                        yaml_path=str(base / str(index) / "site.yaml"))})
    return base, run_tasks(base, tasks)


@pytest.mark.parametrize("index", range(len(BAD_INPUTS)), ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_is_rejected_and_nothing_written(bad_runs, index):
    base, results = bad_runs
    what, _mutate, expected = BAD_INPUTS[index]
    result = results[index]
    assert result.get("failed") is True, (what, result)
    assert expected in result["msg"], (what, result["msg"])
    assert "Traceback" not in result["msg"] and "Traceback" not in result.get("module_stderr", "")
    assert not (base / str(index)).exists()


def test_jjb_error_names_the_job_in_the_library(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    spec = site_spec()
    spec["projects"][0].pop("node")
    with pytest.raises(JJBError) as err:
        expand(tmp_path, spec)
    assert "Missing parameter: 'node'" in str(err.value)
    assert "job template" in str(err.value)
