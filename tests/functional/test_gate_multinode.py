"""The multinode gate variant: jobs/multinode.yml on a primary and one subnode.

keystone (MariaDB, uwsgi) runs on the primary; the job's group-vars turn tempest on for
the subnodes and off in its vars, so tempest runs on the subnode and every test request
crosses the worker network to the primary's keystone. This runs the real site.yml with its
own pool prefix and a smaller tempest selection (extra vars win over job vars, as in Zuul).
"""

import json
import os
import re
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
PREFIX = "gkmulti"
REGEX = r"^(tempest\.api\.identity\.v3\.test_(tokens|projects)|keystone_tempest_plugin\.)"


def test_multinode_gate_runs_tempest_from_the_subnode(tmp_path):
    builds = tmp_path / "builds"
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_FORCE_COLOR="0")
    cmd = [str(ROOT / ".venv" / "bin" / "ansible-playbook"), str(ROOT / "site.yml"),
           "-e", "gate_job_file=%s" % (ROOT / "jobs" / "multinode.yml"),
           "-e", "worker_pool_name_prefix=%s" % PREFIX, "-e", "worker_pool_network=%s" % PREFIX,
           "-e", "gate_builds_dir=%s" % builds, "-e", "tempest_test_regex=%s" % REGEX]
    result = subprocess.run(cmd, cwd=ROOT, env=env, text=True, capture_output=True, check=False)
    output = result.stdout + result.stderr
    (tmp_path / "gate.log").write_text(output)
    assert result.returncode == 0, output[-8000:]
    assert "GATE PASSED" in output

    build = (builds / "latest").resolve()
    primary, subnode = "%s-primary" % PREFIX, "%s-subnode-1" % PREFIX
    stages = {s["name"]: s for s in json.loads((build / "job-output.json").read_text())["stages"]}
    assert stages["workers"]["status"] == "passed"
    assert stages["deploy"]["status"] == "passed" and set(stages["deploy"]["hosts"]) == {primary, subnode}
    assert stages["tempest"]["status"] == "passed"

    # group-vars were written for the subnodes and applied there only
    group_vars = yaml.safe_load((build / "vars" / "group-subnodes.yml").read_text())
    assert group_vars["devstack_services"]["tempest"] is True

    summary = json.loads((build / "tempest_summary.json").read_text())
    assert summary["failed"] == 0 and summary["passed"] > 0, summary

    # tempest ran on the subnode only; keystone's log is the primary's only
    started = re.findall(r"TASK \[gatekit\.devstack\.tempest : Tempest \| start tempest in the background\][^\n]*\n"
                         r"(?:[^\n]*\(\d+:\d+:[\d.]+\)[^\n]*\n)?(?:ok|changed): \[([^\]]+)\]", output)
    assert started == [subnode], started
    logs = build / "logs"
    assert list((logs / primary).rglob("keystone*.log"))
    assert not list((logs / subnode).rglob("keystone*.log"))

    # ... against the primary's keystone, at its address on the pool network
    found = re.search(r"item=%s (\d+\.\d+\.\d+\.\d+)" % re.escape(primary), output)
    assert found, "the workers stage names no address for %s" % primary
    assert "http://%s/identity" % found.group(1) in (build / "tempest.log").read_text(errors="replace")

    left = subprocess.run(["podman", "ps", "-a", "--filter", "label=gatekit.pool=%s" % PREFIX, "--format", "{{.Names}}"],
                          capture_output=True, text=True, check=True).stdout.split()
    assert left == [], "release left %s" % left
