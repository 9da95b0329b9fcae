# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Inputs for the zuul_config functional tests: a project-config-like sample that
uses every job attribute of zuul 14.3, and the table of bad inputs."""

import base64
import copy
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from ansible_collections.gatekit.devstack.plugins.module_utils.zuul.library import (  # noqa: E402
    PLAYBOOKS,
    job_library,
)

ZUUL_PYTHON = os.path.join(ROOT, ".venv-zuul", "bin", "python")
ZUUL_VALIDATE = os.path.join(ROOT, "tests", "functional", "zuul_validate.py")
RECHECK = r"(?i)^(Patch Set [0-9]+:)?( [\w\\+-]*)*(\n\n)?\s*recheck"


def _b64(text):
    return base64.b64encode(text.encode()).decode()


def pipelines():
    return [
        {
            "name": "check",
            "description": "Newly uploaded patchsets enter this pipeline to receive an\ninitial +/-1 Verified vote.\n",
            "manager": "independent",
            "require": {"gerrit": {"open": True, "current-patchset": True}},
            "trigger": {"gerrit": [
                {"event": "patchset-created"},
                {"event": "change-restored"},
                {"event": "comment-added", "comment": RECHECK},
                {"event": "comment-added", "require-approval": [{"Verified": [-1, -2], "username": "zuul"}],
                 "approval": [{"Workflow": 1}]},
            ]},
            "start": {"gerrit": {"Verified": 0}},
            "success": {"gerrit": {"Verified": 1}},
            "failure": {"gerrit": {"Verified": -1}},
        },
        {
            "name": "gate",
            "description": "Changes that have been approved are enqueued in order in this pipeline.",
            "manager": "dependent",
            "precedence": "high",
            "supercedes": ["check"],
            "post-review": True,
            "require": {"gerrit": {"open": True, "current-patchset": True,
                                   "approval": [{"Verified": [1, 2], "username": "zuul"},
                                                {"Workflow": 1}, {"Code-Review": 2}]}},
            "trigger": {"gerrit": [
                {"event": "comment-added", "approval": [{"Workflow": 1}]},
                {"event": "comment-added", "approval": [{"Verified": 1}], "username": "zuul"},
            ]},
            "start": {"gerrit": {"Verified": 0}},
            "success": {"gerrit": {"Verified": 2, "submit": True}},
            "failure": {"gerrit": {"Verified": -2}},
            "window-floor": 3,
            "window-increase-factor": 2,
        },
        {
            "name": "post",
            "description": "This pipeline runs jobs that operate after each change is merged.",
            "manager": "supercedent",
            "precedence": "low",
            "post-review": True,
            "trigger": {"gerrit": [{"event": "ref-updated", "ref": "^refs/heads/.*$"}]},
        },
        {
            "name": "periodic",
            "description": "Jobs in this queue are triggered daily.",
            "manager": "independent",
            "precedence": "low",
            "post-review": True,
            "trigger": {"timer": [{"time": "0 2 * * *"}]},
        },
        {
            "name": "promote",
            "manager": "supercedent",
            "post-review": True,
            "trigger": {"gerrit": [{"event": "change-merged"}]},
            "success": {"gerrit": {}},
        },
    ]


def every_attribute_job():
    """One job that sets every JobParser attribute that can be set together."""
    return {
        "name": "gatekit-every-attribute",
        "parent": "gatekit-tempest",
        "description": "Sets every attribute zuul 14.3's JobParser knows.",
        "variant-description": "master",
        "abstract": False,
        "final": False,
        "protected": True,
        "intermediate": False,
        "type": "regular",
        "voting": False,
        "branches": ["master", {"regex": "^stable/.*", "negate": True}],
        "files": {"!inherit": ["^gatekit/.*$"]},
        "irrelevant-files": {"!override": [r"^.*\.md$", {"regex": "^docs/", "negate": False}]},
        "match-on-config-updates": True,
        "allowed-projects": ["gatekit/devstack"],
        "post-review": True,
        "hold-following-changes": False,
        "nodeset": {"nodes": [{"name": ["controller", "primary-alias"], "label": "gatekit-bookworm"}],
                    "groups": [{"name": "primary", "nodes": "controller"}]},
        "pre-timeout": 600,
        "timeout": 3600,
        "post-timeout": 900,
        "attempts": 2,
        "ansible-version": "11",
        "ansible-split-streams": True,
        "workspace-scheme": "golang",
        "workspace-checkout": "auto",
        "override-branch": "master",
        "override-checkout": "master",
        "required-projects": {"!inherit": ["openstack/keystone",
                                           {"name": "openstack/tempest", "override-checkout": "master"}]},
        "include-projects": ["openstack/requirements", {"type": "change"}],
        "exclude-projects": {"!override": [{"type": "name", "name": "openstack/nova"}]},
        "roles": [{"zuul": "zuul/zuul-jobs"}, {"zuul": "openstack/devstack", "name": "devstack"}],
        "secrets": ["site_creds", {"name": "upload", "secret": "site_creds", "pass-to-parent": True}],
        "semaphores": ["gatekit-one", {"name": "gatekit-two", "resources-first": True}],
        "requires": ["devstack-image"],
        "provides": {"!inherit": ["tempest-results"]},
        "dependencies": ["gatekit-devstack", {"name": "gatekit-tempest", "soft": True}],
        "tags": ["gatekit", "tempest"],
        "deduplicate": "auto",
        "image-build-name": "gatekit-bookworm",
        "pre-run": [PLAYBOOKS["pre-run"], {"name": "playbooks/zuul/pre.yaml", "semaphores": "gatekit-three"}],
        "run": {"name": PLAYBOOKS["run"]},
        "post-run": [PLAYBOOKS["post-run"], {"name": PLAYBOOKS["post-run"], "cleanup": True}],
        "cleanup-run": PLAYBOOKS["post-run"],
        "preserve-home-paths": [".cache/pip"],
        "secret-exposure": "redact",
        "failure-output": [r"^FAILED: .*", "Traceback"],
        "failure-message": "tempest failed, see testr_results.html",
        "success-message": "tempest passed",
        "failure-url": "testr_results.html",
        "success-url": "testr_results.html",
        "attribute-control": {"voting": {"final": True}, "vars": {"final": True}},
        "vars": {"!override": {"tox_envlist": "all", "weird": "yes", "version": "3.10", "multi": "a\nb\n",
                               "quote": "it's", "colon": "a: b", "empty": "", "num": 1.5, "none": None,
                               "nested": {"list": [1, "2", [3, {"k": "v"}]], "b": True}}},
        "extra-vars": {"tempest_concurrency": 1},
        "host-vars": {"controller": {"devstack_localrc": {"LOGFILE": "/opt/stack/logs/stack.sh.log"}}},
        "group-vars": {"subnodes": {"devstack_services": {"tempest": False}}},
        "include-vars": ["vars/common.yaml", {"name": "vars/zuul.yaml", "zuul-project": True, "use-ref": False},
                         {"name": "vars/other.yaml", "project": "gatekit/other", "required": False}],
    }


def sample_config():
    """A project-config-like input: pipelines, queue, semaphores, secret, library + more jobs,
    a template and projects."""
    config = job_library()
    config["pipelines"] = pipelines()
    config["queues"] = [{"name": "integrated", "per-branch": True, "allow-circular-dependencies": False}]
    config["semaphores"] = [{"name": "gatekit-one", "max": 1}, {"name": "gatekit-two", "max": 2},
                            {"name": "gatekit-three"}]
    config["secrets"] = [{"name": "site_creds", "data": {
        "username": "gatekit",
        "password": {"!encrypted/pkcs1-oaep": [_b64("chunk-one"), _b64("chunk-two")]},
        "token": {"!encrypted/pkcs1-oaep": _b64("single")},
    }}]
    config["jobs"].append(every_attribute_job())
    config["jobs"].append({"name": "gatekit-tempest", "branches": "^stable/.*$", "voting": False,
                           "vars": {"tox_envlist": "smoke"}})
    config["jobs"][-1]["parent"] = "gatekit-devstack"
    config["jobs"].append({"name": "gatekit-tempest", "branches": ["master"]})
    # tags on empty collections and on a scalar, encrypted values inside a list
    config["jobs"].append({"name": "gatekit-tag-forms", "parent": "gatekit-devstack", "files": {"!inherit": []},
                           "vars": {"!override": {}}, "tags": {"!override": "one"}})
    config["secrets"][0]["data"]["list"] = [{"!encrypted/pkcs1-oaep": _b64("a")},
                                            {"!encrypted/pkcs1-oaep": [_b64("b"), _b64("c")]}]
    config["project_templates"] = [{
        "name": "gatekit-tempest-jobs",
        "description": "check and gate with gatekit-tempest",
        "queue": "integrated",
        "check": {"jobs": ["gatekit-tempest", {"gatekit-tempest-multinode": {"voting": False}}]},
        "gate": {"jobs": ["gatekit-tempest"]},
    }]
    config["projects"] = [
        {"name": "openstack/keystone", "templates": ["gatekit-tempest-jobs"], "queue": "integrated",
         "default-branch": "master", "merge-mode": "squash-merge",
         "vars": {"project_var": 1},
         "check": {"fail-fast": True, "jobs": [
             {"gatekit-devstack": {"irrelevant-files": {"!inherit": ["^api-ref/.*$"]},
                                   "vars": {"!override": {"devstack_method": "stack_sh"}},
                                   "dependencies": ["gatekit-tempest"]}}]},
         "periodic": {"jobs": ["gatekit-tempest"]},
         "post": {"jobs": ["gatekit-devstack"]}},
        {"name": "openstack/tempest", "branches": ["master"], "check": {"debug": True, "jobs": ["gatekit-tempest"]},
         "promote": {"parameters": [{"name": "level", "type": "selection", "values": ["a", "b"], "default": "a"}],
                     "jobs": ["gatekit-devstack"]}},
    ]
    return config


def make_repo(path):
    """A repository root holding the playbooks the library names (empty files)."""
    for playbook in PLAYBOOKS.values():
        full = os.path.join(path, playbook)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as handle:
            handle.write("---\n")
    return str(path)


def run_zuul_validate(*paths, dump=False):
    """Run zuul_validate.py with the zuul venv; return (returncode, parsed JSON)."""
    import json  # noqa: PLC0415 - keep the module import light

    args = [ZUUL_PYTHON, ZUUL_VALIDATE] + (["--dump"] if dump else []) + [str(p) for p in paths]
    proc = subprocess.run(args, capture_output=True, text=True, check=False, timeout=300)
    try:
        return proc.returncode, json.loads(proc.stdout)
    except ValueError as err:
        raise AssertionError("zuul_validate.py output is not JSON: %s\n%s\n%s"
                             % (err, proc.stdout[-2000:], proc.stderr[-2000:])) from err


def _job(config, name):
    return next(j for j in config["jobs"] if j["name"] == name)


def _set(path, value):
    """A mutation that sets config[path...] = value (path of keys/indexes; a job name selects a job)."""
    def mutate(config):
        target = config
        for key in path[:-1]:
            if isinstance(target, list) and isinstance(key, str):
                target = next(o for o in target if o.get("name") == key)
            else:
                target = target[key]
        target[path[-1]] = value
    return mutate


def _append(key, obj):
    def mutate(config):
        config.setdefault(key, []).append(copy.deepcopy(obj))
    return mutate


# (id, mutation, expected message fragment, zuul's own parsers also reject the rendered file)
BAD_INPUTS = [
    ("unknown-job-key", _set(("jobs", "gatekit-devstack", "run-playbook"), "x.yaml"),
     "job[gatekit-devstack].run-playbook: unknown key 'run-playbook' (did you mean 'run'?)", True),
    ("timeout-not-int", _set(("jobs", "gatekit-devstack", "timeout"), "3h"),
     "job[gatekit-devstack].timeout: expected an integer, got str '3h'", True),
    ("voting-not-bool", _set(("jobs", "gatekit-devstack", "voting"), "no"),
     "job[gatekit-devstack].voting: expected a boolean (true/false), got str 'no'", True),
    ("bad-var-name", _set(("jobs", "gatekit-devstack", "vars"), {"1bad-name": 1}),
     "job[gatekit-devstack].vars.1bad-name: invalid Ansible variable name '1bad-name'", True),
    ("reserved-var-name", _set(("jobs", "gatekit-devstack", "vars"), {"zuul": {}}),
     "job[gatekit-devstack].vars.zuul: the variable name 'zuul' is reserved by Zuul", True),
    ("job-without-name", _append("jobs", {"parent": "gatekit-devstack"}),
     "job[#5]: missing required key 'name'", True),
    ("intermediate-not-abstract", _set(("jobs", "gatekit-devstack", "intermediate"), True),
     "job[gatekit-devstack].intermediate: an intermediate job must also be abstract", True),
    ("inherit-on-scalar", _set(("jobs", "gatekit-devstack", "timeout"), {"!inherit": 5}),
     "job[gatekit-devstack].timeout: expected an integer, got !inherit tag", True),
    ("bad-encrypted", _set(("secrets", "site_creds", "data"), {"password": {"!encrypted/pkcs1-oaep": "not base64!"}}),
     "secret[site_creds].data.password: encrypted data is not valid base64", True),
    ("secret-without-data", _set(("secrets", 0), {"name": "site_creds"}),
     "secret[site_creds]: either 'data' or 'oidc' must be present", True),
    ("nodeset-group-unknown-node",
     _set(("nodesets", "gatekit-two-node", "groups"), [{"name": "primary", "nodes": ["compute9"]}]),
     "nodeset[gatekit-two-node].groups: group 'primary' names node 'compute9' which is not in the nodeset", True),
    ("pipeline-bad-manager", _set(("pipelines", "check", "manager"), "sequential"),
     "pipeline[check].manager: expected one of 'independent', 'dependent', 'serial', 'supercedent', "
     "got str 'sequential'", True),
    ("gerrit-bad-event", _set(("pipelines", "check", "trigger"), {"gerrit": [{"event": "patchset-uploaded"}]}),
     "pipeline[check].trigger.gerrit[0].event: expected one of 'patchset-created'", True),
    ("unknown-connection", _set(("pipelines", "check", "trigger"), {"github": [{"event": "pull_request"}]}),
     "pipeline[check].trigger.github: unknown connection 'github' (known: gerrit, timer, zuul)", True),
    ("project-bad-merge-mode", _set(("projects", "openstack/keystone", "merge-mode"), "octopus"),
     "project[openstack/keystone].merge-mode: expected one of 'merge'", True),
    # cross-references: zuul checks these only when it builds a tenant layout
    ("unknown-parent", _set(("jobs", "gatekit-devstack", "parent"), "devstack-nope"),
     "job[gatekit-devstack].parent: unknown parent job 'devstack-nope'", False),
    ("unknown-nodeset", _set(("jobs", "gatekit-devstack", "nodeset"), "ubuntu-nope"),
     "job[gatekit-devstack].nodeset: unknown nodeset 'ubuntu-nope'", False),
    ("missing-playbook", _set(("jobs", "gatekit-devstack", "run"), "playbooks/zuul/missing.yaml"),
     "job[gatekit-devstack].run: playbook 'playbooks/zuul/missing.yaml' does not exist in the repository", False),
    ("parent-cycle", _set(("jobs", "gatekit-devstack-base", "parent"), "gatekit-tempest-multinode"),
     "parent cycle: gatekit-devstack -> gatekit-devstack-base -> gatekit-tempest-multinode -> gatekit-tempest "
     "-> gatekit-devstack", False),
    ("abstract-in-pipeline", _set(("projects", "openstack/tempest", "check"), {"jobs": ["gatekit-devstack-base"]}),
     "project[openstack/tempest].check.jobs[0]: job 'gatekit-devstack-base' is abstract and cannot run in a pipeline",
     False),
    ("duplicate-job", _append("jobs", {"name": "gatekit-devstack", "parent": "gatekit-devstack-base"}),
     "job[gatekit-devstack]: duplicate name: defined 2 times", False),
    ("duplicate-nodeset", _append("nodesets", {"name": "gatekit-single-node",
                                               "nodes": [{"name": "controller", "label": "x"}]}),
     "nodeset[gatekit-single-node]: duplicate name: defined 2 times", False),
    ("unknown-pipeline", _set(("projects", "openstack/tempest", "chek"), {"jobs": ["gatekit-tempest"]}),
     "project[openstack/tempest].chek: unknown pipeline 'chek'", False),
    ("unknown-job-in-project", _set(("projects", "openstack/tempest", "check"), {"jobs": ["tempest-full"]}),
     "project[openstack/tempest].check.jobs[0]: unknown job 'tempest-full'", False),
    ("unknown-secret", _set(("jobs", "gatekit-devstack", "secrets"), ["nope_creds"]),
     "job[gatekit-devstack].secrets: unknown secret 'nope_creds'", False),
    ("unknown-template", _set(("projects", "openstack/tempest", "templates"), ["nope-jobs"]),
     "project[openstack/tempest].templates: unknown project-template 'nope-jobs'", False),
    ("unknown-config-key", _set(("job",), []),
     "config.job: unknown key 'job' (did you mean 'jobs'?)", False),
]


def bad_config(mutation):
    """The sample with only the library's jobs (so job indexes are stable), then ``mutation``."""
    config = sample_config()
    config["jobs"] = job_library()["jobs"]
    mutation(config)
    return config
