# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""module_utils.legacy.zuul_migrate without JJB: shell analysis, v2 layout checks and the
migration of already-summarised legacy jobs (JJB expansion and zuul's parsers are
exercised in tests/functional/test_zuul_migrate.py)."""

import pytest

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError
from ansible_collections.gatekit.devstack.plugins.module_utils.legacy.mapping import legacy_env_to_native
from ansible_collections.gatekit.devstack.plugins.module_utils.legacy.zuul_migrate import (
    analyse_shell,
    migrate,
    parse_layout,
    report_markdown,
    short_name,
    summarize,
)

FULL_SHELL = """#!/bin/bash -xe
export PYTHONUNBUFFERED=true
export DEVSTACK_GATE_TEMPEST=1
export DEVSTACK_GATE_TEMPEST_FULL=1
export DEVSTACK_GATE_TEMPEST_REGEX='tempest\\.api\\.(identity|image)'
export PROJECTS="openstack/keystone-tempest-plugin openstack/x $PROJECTS"
export BRANCH_OVERRIDE=stable/ocata
if [ "$BRANCH_OVERRIDE" != "default" ] ; then
    export OVERRIDE_ZUUL_BRANCH=$BRANCH_OVERRIDE
fi
cat << 'EOF' >> /tmp/dg-local.conf
[[local|localrc]]
TEMPEST_USE_TEST_ACCOUNTS=True
EOF
cp devstack-gate/devstack-vm-gate-wrap.sh ./safe-devstack-vm-gate-wrap.sh
./safe-devstack-vm-gate-wrap.sh
"""

HOOK_SHELL = """#!/bin/bash -xe
export DEVSTACK_GATE_TEMPEST=0
function pre_test_hook {
    if [ -d /opt/stack/new/x ]; then
        cd /opt/stack/new/x
    fi
    ./hook.sh
}
export -f pre_test_hook
sudo apt-get install -y foo
./safe-devstack-vm-gate-wrap.sh
"""


def test_analyse_shell_known_idioms():
    a = analyse_shell(FULL_SHELL)
    assert a["env"] == {"PYTHONUNBUFFERED": "true", "DEVSTACK_GATE_TEMPEST": "1", "DEVSTACK_GATE_TEMPEST_FULL": "1",
                        "DEVSTACK_GATE_TEMPEST_REGEX": r"tempest\.api\.(identity|image)"}
    assert a["projects"] == ["openstack/keystone-tempest-plugin", "openstack/x"]
    assert a["branch_override"] == "stable/ocata"
    assert a["local_conf"] == "[[local|localrc]]\nTEMPEST_USE_TEST_ACCOUNTS=True\n"
    assert a["wrapper"] is True and a["other"] == [] and a["hooks"] == {}


def test_analyse_shell_hooks_and_arbitrary_lines():
    a = analyse_shell(HOOK_SHELL)
    assert a["hooks"] == {"pre_test_hook": "if [ -d /opt/stack/new/x ]; then\n    cd /opt/stack/new/x\nfi\n./hook.sh\n"}
    assert a["other"] == ["sudo apt-get install -y foo"]
    assert a["wrapper"] is True
    unexported = analyse_shell("function gate_hook {\n  true\n}\n./safe-devstack-vm-gate-wrap.sh\n")
    assert unexported["other"] == ["function gate_hook (not exported)"]


def test_short_names():
    assert short_name("gate-tempest-dsvm-full-ubuntu-xenial") == "tempest-dsvm-full"
    assert short_name("gate-tempest-dsvm-full-ubuntu-xenial-ocata") == "tempest-dsvm-full-ocata"
    assert short_name("periodic-x-ubuntu-xenial-master") == "periodic-x-master"
    assert short_name("gate-x-nv", strip_suffixes=("-nv",)) == "x"


LAYOUT = {
    "pipelines": [{"name": "check"}, {"name": "gate"}],
    "jobs": [
        {"name": "^gate-.*-nv$", "voting": False},
        {"name": "gate-full", "branch": "^master$", "files": "^src/.*$",
         "skip-if": [{"all-files-match-any": [r"^.*\.rst$"]}]},
    ],
    "project-templates": [
        {"name": "tmpl", "check": ["gate-full"]},
        {"name": "per-project", "check": ["gate-{name}-unit"]},
    ],
    "projects": [
        {"name": "org/a", "template": [{"name": "tmpl"}, {"name": "per-project"}],
         "gate": [{"gate-full": ["gate-hook-nv"]}, "noop", "gate-missing"]},
    ],
}


def legacy(name, shell, minutes=60, node="ubuntu-xenial", builders=("devstack-checkout", "shell")):
    return {"name": name, "node": node, "timeout_minutes": minutes, "shells": [shell],
            "builders": list(builders), "unsupported": []}


def test_migrate_native_legacy_dropped():
    jobs = {
        "gate-full": legacy("gate-full", FULL_SHELL, minutes=500),
        "gate-hook-nv": legacy("gate-hook-nv", HOOK_SHELL),
        "gate-a-unit": legacy("gate-a-unit", "tox -epy3\n", builders=("tox",)),
    }
    result = migrate(parse_layout(LAYOUT), jobs)
    report = {e["job"]: e for e in result["report"]}
    assert summarize(result["report"]) == {"native": 1, "legacy": 1, "dropped": 2}
    assert report["gate-missing"]["reasons"] == ["not defined in the JJB input"]
    assert report["gate-a-unit"]["result"] == "dropped"
    assert "arbitrary shell: sudo apt-get install -y foo" in report["gate-hook-nv"]["reasons"]

    full, hook = sorted(result["config"]["jobs"], key=lambda j: j["name"])
    assert full["name"] == "full" and hook["name"] == "legacy-hook-nv"
    # THE mapping decides the native job: same vars, parent, nodeset
    env = {"DEVSTACK_GATE_TEMPEST": "1", "DEVSTACK_GATE_TEMPEST_FULL": "1",
           "DEVSTACK_GATE_TEMPEST_REGEX": r"tempest\.api\.(identity|image)",
           "PROJECTS": "openstack/keystone-tempest-plugin openstack/x", "OVERRIDE_ZUUL_BRANCH": "stable/ocata"}
    mapped = legacy_env_to_native(env, dg_local_conf="[[local|localrc]]\nTEMPEST_USE_TEST_ACCOUNTS=True\n")
    assert full["vars"] == mapped["vars"]
    assert full["parent"] == mapped["parent"] and full["nodeset"] == mapped["nodeset"]
    assert full["required-projects"] == mapped["required_projects"]
    assert full["override-checkout"] == "stable/ocata"
    assert full["timeout"] == 10800 and "timeout 30000 s capped at 10800 s" in report["gate-full"]["notes"]
    assert full["branches"] == ["^master$"] and full["files"] == ["^src/.*$"]
    assert full["irrelevant-files"] == [r"^.*\.rst$"]
    assert hook["voting"] is False and hook["parent"] == "gatekit-legacy-dsvm"
    assert hook["vars"]["devstack_gate_job_env"] == {"DEVSTACK_GATE_TEMPEST": "0"}
    assert hook["vars"]["devstack_gate_job_script"] == "sudo apt-get install -y foo\n"
    assert list(hook["vars"]["devstack_gate_job_hooks"]) == ["pre_test_hook"]
    assert hook["vars"]["devstack_gate_job_hooks"]["pre_test_hook"].startswith("if [ -d /opt/stack/new/x ]")

    (project,) = result["config"]["projects"]
    assert project["templates"] == ["tmpl"]
    assert project["gate"]["jobs"] == ["full", {"legacy-hook-nv": {"dependencies": ["full"]}}, "noop"]
    assert "check" not in project  # gate-a-unit (the per-project template) was dropped
    assert result["config"]["project_templates"] == [{"name": "tmpl", "check": {"jobs": ["full"]}}]
    assert result["external"]["jobs"] == ["gatekit-legacy-dsvm", "gatekit-tempest", "noop"]
    assert result["external"]["pipelines"] == ["check", "gate"]
    md = report_markdown(result["report"], result["project_notes"])
    assert "| gate-full | native | full |" in md
    assert "project org/a: dropped jobs gate-a-unit, gate-missing" in md


def test_devstack_parent_style_and_unknown_flags():
    jobs = {"gate-full": legacy("gate-full", "export DEVSTACK_GATE_TEMPEST=1\nexport DEVSTACK_GATE_BOGUS=1\n"
                                             "./safe-devstack-vm-gate-wrap.sh\n")}
    result = migrate(parse_layout(LAYOUT), jobs, parent_style="devstack")
    (entry,) = [e for e in result["report"] if e["job"] == "gate-full"]
    assert entry["result"] == "legacy"
    assert entry["reasons"] == ["not devstack-gate settings: DEVSTACK_GATE_BOGUS"]
    jobs = {"gate-full": legacy("gate-full", "export DEVSTACK_GATE_TEMPEST=1\n./safe-devstack-vm-gate-wrap.sh\n")}
    result = migrate(parse_layout(LAYOUT), jobs, parent_style="devstack")
    assert result["config"]["jobs"][0]["parent"] == "devstack-tempest"
    assert result["config"]["jobs"][0]["nodeset"] == "openstack-single-node-noble"
    assert result["external"]["nodesets"] == ["openstack-single-node-noble"]
    result = migrate(parse_layout(LAYOUT), jobs, nodesets={"aio": "mine-1", "multinode": "mine-2"})
    assert result["config"]["jobs"][0]["nodeset"] == "mine-1"


def _layout(**changes):
    layout = {"pipelines": [{"name": "check"}], "projects": [{"name": "a/b", "check": ["x"]}]}
    layout.update(changes)
    return layout


BAD = [
    ([], "layout", "top level must be a mapping"),
    (_layout(pipelines=[]), "layout.pipelines", "non-empty list"),
    (_layout(projects=None), "layout.projects", "non-empty list"),
    (_layout(extra=1), "layout.extra", "unknown key"),
    (_layout(pipelines=[{"manager": "x"}]), "layout.pipelines[0].name", "required"),
    (_layout(jobs=[{"voting": False}]), "layout.jobs[0].name", "required"),
    (_layout(jobs=[{"name": "x", "colour": 1}]), "layout.jobs[0].colour", "not a Zuul v2 job matcher key"),
    (_layout(jobs=[{"name": "^(", "voting": False}]), "layout.jobs[0].name", "invalid regex"),
    (_layout(jobs=[{"name": "x", "voting": "false"}]), "layout.jobs[0].voting", "boolean"),
    (_layout(**{"project-templates": [{"name": "t", "gate": ["x"]}]}), "layout.project-templates[0].gate",
     "not a pipeline"),
    (_layout(projects=[{"name": "a/b", "template": [{"name": "t"}]}]), "layout.projects[0].template[0]",
     "unknown project-template 't'"),
    (_layout(projects=[{"name": "a/b", "check": "x"}]), "layout.projects[0].check", "must be a list"),
    (_layout(projects=[{"name": "a/b", "check": [{"x": [], "y": []}]}]), "layout.projects[0].check[0]",
     "one-key"),
    (_layout(projects=[{"check": ["x"]}]), "layout.projects[0].name", "required"),
]


@pytest.mark.parametrize("layout,key,reason", BAD, ids=["%s:%s" % (b[1], b[2]) for b in BAD])
def test_bad_layout_names_the_key(layout, key, reason):
    with pytest.raises(GatekitInputError) as err:
        parse_layout(layout)
    assert err.value.key == key
    assert reason in err.value.reason


def test_bad_options():
    layout = parse_layout(_layout())
    with pytest.raises(GatekitInputError) as err:
        migrate(layout, {}, parent_style="nodepool")
    assert err.value.key == "parent_style"
    with pytest.raises(GatekitInputError) as err:
        migrate(layout, {}, max_timeout=0)
    assert err.value.key == "max_timeout"
    with pytest.raises(GatekitInputError) as err:
        migrate(layout, {}, nodesets={"aio": "x"})
    assert err.value.key == "nodesets"
