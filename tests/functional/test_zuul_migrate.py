# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""gatekit.devstack.zuul_migrate on a project-config-shaped fixture (layout.yaml with
check / gate / periodic and 33 projects, devstack-gate JJB templates and job groups):
the zuul.d output loads in zuul 14.3's parsers, native jobs carry exactly what THE
legacy mapping says, the report covers every job, and bad input is rejected."""

import os
import shutil
import sys

import pytest
import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from job_definition_tools import JJB_DIR, LAYOUT, ZUUL_PYTHON, run_tasks, tree, zuul_validate  # noqa: E402

from ansible_collections.gatekit.devstack.plugins.module_utils.legacy.mapping import (  # noqa: E402
    legacy_env_to_native,
)


def load(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="module")
def migration(tmp_path_factory):
    base = tmp_path_factory.mktemp("zuul-migrate")
    out = base / "out"
    task = {"gatekit.devstack.zuul_migrate": {"layout": LAYOUT, "jjb_paths": [JJB_DIR], "output_dir": str(out)}}
    (base / "check").mkdir()
    check = run_tasks(base / "check", [task], check=True)[0]
    check["_wrote"] = out.exists()
    first, second = run_tasks(base, [task, task])
    jobs = {j["job"]["name"]: j["job"] for j in load(out / "zuul.d" / "migrated-jobs.yaml")}
    return {"out": out, "check": check, "first": first, "second": second, "jobs": jobs}


def test_check_mode_writes_nothing_and_rerun_is_idempotent(migration):
    assert migration["check"]["changed"] is True and migration["check"]["_wrote"] is False
    first = migration["first"]
    assert not first.get("failed"), first.get("msg")
    assert first["changed"] is True
    assert sorted(os.path.basename(f) for f in first["files"]) == [
        "migrated-jobs.yaml", "migrated-project-templates.yaml", "migrated-projects.yaml", "migration-report.md"]
    assert migration["second"]["changed"] is False and migration["second"]["files"] == []


@pytest.mark.skipif(not os.path.exists(ZUUL_PYTHON), reason="needs .venv-zuul (zuul 14.3)")
def test_zuul_parsers_accept_the_output(migration):
    code, report = zuul_validate(migration["out"] / "zuul.d")
    bad = [(f["path"], f["error"], [o for o in f["objects"] if not o["ok"]]) for f in report["files"] if not f["ok"]]
    assert code == 0 and report["ok"], bad
    assert report["counts"] == {"job": 18, "project-template": 2, "project": 21}


def test_report_covers_every_job_with_a_reason(migration):
    first = migration["first"]
    assert first["counts"] == {"native": 14, "legacy": 4, "dropped": 45}
    report = {e["job"]: e for e in first["report"]}
    assert len(report) == len(first["report"]) == 63  # each referenced job once, templates expanded
    assert "gate-oslo.db-python27-ubuntu-xenial" in report  # from the {name} template python-jobs
    assert report["gate-grenade-dsvm-ubuntu-xenial"]["result"] == "legacy"
    assert "DEVSTACK_GATE_GRENADE=pullup" in report["gate-grenade-dsvm-ubuntu-xenial"]["reasons"][0]
    assert report["gate-heat-dsvm-functional"]["reasons"] == [
        "defines post_test_hook (arbitrary bash run by the wrapper)",
        "defines pre_test_hook (arbitrary bash run by the wrapper)"]
    assert report["gate-nova-pep8-ubuntu-xenial"]["reasons"][0].startswith("does not run devstack-gate")
    assert report["gate-cliff-docs-ubuntu-xenial"]["reasons"] == ["not defined in the JJB input"]
    for entry in first["report"]:
        assert entry["result"] in ("native", "legacy", "dropped")
        if entry["result"] != "native":
            assert entry["reasons"], entry
    md = (migration["out"] / "migration-report.md").read_text()
    assert "63 jobs: 14 translated natively, 4 kept as legacy wrapper jobs, 45 dropped." in md
    assert "| gate-tempest-dsvm-full-ubuntu-xenial | native | tempest-dsvm-full |" in md


def test_native_jobs_are_what_the_legacy_mapping_says(migration):
    jobs = migration["jobs"]
    identity = jobs["tempest-dsvm-identity"]
    mapped = legacy_env_to_native({
        "DEVSTACK_GATE_TEMPEST": "1",
        "DEVSTACK_GATE_TEMPEST_REGEX": r"tempest\.api\.identity",
        "DEVSTACK_GATE_NEUTRON": "0",
        "OVERRIDE_ENABLED_SERVICES": "key,mysql,tempest",
        "PROJECTS": "openstack/keystone-tempest-plugin",
    })
    assert identity["vars"] == mapped["vars"]
    assert identity["parent"] == mapped["parent"] == "gatekit-tempest"
    assert identity["nodeset"] == mapped["nodeset"]
    assert identity["required-projects"] == ["openstack/keystone-tempest-plugin"]
    assert identity["vars"]["tox_envlist"] == "all"
    assert jobs["tempest-dsvm-neutron-multinode-full"]["nodeset"] == "gatekit-two-node"
    assert jobs["tempest-dsvm-py35"]["vars"]["devstack_localrc"] == {"USE_PYTHON3": True}
    assert jobs["tempest-dsvm-full"]["vars"]["devstack_services"] == {"tempest": True, "tls-proxy": True}
    assert jobs["tempest-dsvm-src-oslo.db"]["vars"]["devstack_localrc"] == {"LIBS_FROM_GIT": "oslo.db"}
    assert jobs["tempest-dsvm-src-oslo.db"]["required-projects"] == ["openstack/oslo.db"]


def test_matchers_timeouts_branches_and_pipelines(migration):
    jobs = migration["jobs"]
    assert jobs["tempest-dsvm-neutron-multinode-full"]["voting"] is False
    assert jobs["tempest-dsvm-neutron-multinode-full"]["timeout"] == 10800  # 240 min, capped
    assert jobs["tempest-dsvm-py35"]["timeout"] == 9600  # 160 min x 60
    assert "voting" not in jobs["tempest-dsvm-full"]
    assert jobs["tempest-dsvm-full"]["irrelevant-files"] == [r"^.*\.rst$", "^doc/.*$", "^releasenotes/.*$"]
    assert jobs["tempest-dsvm-identity"]["files"] == ["^keystone/.*$", "^tempest/api/identity/.*$"]
    assert jobs["legacy-grenade-dsvm"]["branches"] == ["^(?!stable/ocata).*$"]
    assert jobs["tempest-dsvm-full-ocata"]["override-checkout"] == "stable/ocata"
    legacy = jobs["legacy-heat-dsvm-functional"]
    assert legacy["parent"] == "gatekit-legacy-dsvm"
    assert legacy["vars"]["devstack_gate_job_env"]["DEVSTACK_GATE_TEMPEST"] == "0"
    assert legacy["vars"]["devstack_gate_job_hooks"] == {
        "pre_test_hook": "cd /opt/stack/new/heat/devstack\n./pre_test_hook.sh\n",
        "post_test_hook": "cd /opt/stack/new/heat/heat/tests/contrib\n./post_test_hook.sh\n"}
    projects = {p["project"]["name"]: p["project"] for p in
                load(migration["out"] / "zuul.d" / "migrated-projects.yaml")}
    dg = projects["openstack-infra/devstack-gate"]
    assert dg["templates"] == ["integrated-gate", "periodic-stable"]
    assert {"tempest-dsvm-neutron-full-ocata": {"dependencies": ["tempest-dsvm-full-ocata"]}} in dg["check"]["jobs"]
    assert projects["openstack/requirements"]["gate"]["jobs"] == ["noop"]
    assert projects["openstack/oslo.db"]["check"]["jobs"] == ["tempest-dsvm-src-oslo.db"]
    assert "openstack/cliff" not in projects  # only dropped jobs


def test_devstack_parent_style(tmp_path):
    out = tmp_path / "out"
    task = {"gatekit.devstack.zuul_migrate": {"layout": LAYOUT, "jjb_paths": [JJB_DIR], "output_dir": str(out),
                                              "parent_style": "devstack", "file_prefix": "legacy-"}}
    result = run_tasks(tmp_path, [task])[0]
    assert not result.get("failed"), result.get("msg")
    jobs = {j["job"]["name"]: j["job"] for j in load(out / "zuul.d" / "legacy-jobs.yaml")}
    assert jobs["tempest-dsvm-full"]["parent"] == "devstack-tempest"
    assert jobs["tempest-dsvm-full"]["nodeset"] == "openstack-single-node-noble"
    assert jobs["tempest-dsvm-neutron-multinode-full"]["nodeset"] == "openstack-two-node-noble"


BAD_LAYOUTS = [
    ("layout not a mapping", "- just\n- a list\n", None,
     "layout: the top level must be a mapping (Zuul v2 layout.yaml)"),
    ("no pipelines", "projects: [{name: a/b}]\n", None, "layout.pipelines: required, a non-empty list"),
    ("unknown top-level key", "pipelines: [{name: check}]\nprojects: [{name: a/b}]\nstuff: 1\n", None,
     "layout.stuff: unknown key"),
    ("project uses an unknown pipeline",
     "pipelines: [{name: check}]\nprojects: [{name: a/b, gate: [x]}]\n", None,
     "layout.projects[0].gate: not a pipeline of this layout (check)"),
    ("unknown template",
     "pipelines: [{name: check}]\nprojects: [{name: a/b, template: [{name: nope}]}]\n", None,
     "layout.projects[0].template[0]: unknown project-template 'nope'"),
    ("bad matcher regex",
     "pipelines: [{name: check}]\njobs: [{name: '^gate-(', voting: false}]\nprojects: [{name: a/b}]\n", None,
     "layout.jobs[0].name: invalid regex"),
    ("voting not boolean",
     "pipelines: [{name: check}]\njobs: [{name: x, voting: 'no'}]\nprojects: [{name: a/b}]\n", None,
     "layout.jobs[0].voting: must be a boolean"),
    ("JJB missing parameter", None, "branch-override",
     "Jenkins Job Builder rejected the JJB input: Missing parameter: 'branch-override'"),
    ("layout missing", "MISSING", None, "layout: cannot read"),
]


@pytest.fixture(scope="module")
def bad_runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("migrate-bad")
    tasks = []
    for index, (_what, layout_text, drop_param, _expected) in enumerate(BAD_LAYOUTS):
        case = base / str(index)
        case.mkdir()
        layout = str(case / "layout.yaml")
        if layout_text is None:
            shutil.copy(LAYOUT, layout)
        elif layout_text != "MISSING":
            (case / "layout.yaml").write_text(layout_text)
        jjb_dir = JJB_DIR
        if drop_param:
            jjb_dir = str(case / "jobs")
            shutil.copytree(JJB_DIR, jjb_dir)
            projects = os.path.join(jjb_dir, "projects.yaml")
            with open(projects, encoding="utf-8") as handle:
                text = handle.read().replace("    branch-override: default\n", "", 1)
            with open(projects, "w", encoding="utf-8") as handle:
                handle.write(text)
        tasks.append({"gatekit.devstack.zuul_migrate": {"layout": layout, "jjb_paths": [jjb_dir],
                                                        "output_dir": str(case / "out")}})
    return base, run_tasks(base, tasks)


@pytest.mark.parametrize("index", range(len(BAD_LAYOUTS)), ids=[b[0] for b in BAD_LAYOUTS])
def test_bad_input_is_rejected_and_nothing_written(bad_runs, index):
    base, results = bad_runs
    what, _text, _drop, expected = BAD_LAYOUTS[index]
    result = results[index]
    assert result.get("failed") is True, (what, result)
    assert expected in result["msg"], (what, result["msg"])
    assert "Traceback" not in result["msg"]
    assert not (base / str(index) / "out").exists()
    assert tree(base / str(index)).keys() <= {"layout.yaml"} or what == "JJB missing parameter"
