"""A worker dies in the middle of tempest: the gate must fail naming the stage, keep the
logs gathered up to that point (copied out of the dead container), write its report, and
still remove its workers.

This runs the real site.yml (image from the cache, a fresh podman worker, keystone from
the wheelhouse, tempest) with its own pool prefix, and kills the primary with `podman kill`
once tempest is running.
"""

import json
import os
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PREFIX = "gkfault"


def test_primary_killed_during_tempest(tmp_path):
    builds = tmp_path / "builds"
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_FORCE_COLOR="0")
    cmd = [str(ROOT / ".venv" / "bin" / "ansible-playbook"), str(ROOT / "site.yml"),
           "-e", "worker_pool_name_prefix=%s" % PREFIX, "-e", "worker_pool_network=%s" % PREFIX,
           "-e", "gate_builds_dir=%s" % builds]
    log = tmp_path / "gate.log"
    with open(log, "w") as out:
        gate = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        killed = False
        deadline = time.time() + 1800
        while gate.poll() is None and time.time() < deadline:
            time.sleep(5)
            if killed:
                continue
            running = subprocess.run(["podman", "exec", "%s-primary" % PREFIX, "pgrep", "-f", "stestr|tempest run"],
                                     capture_output=True, text=True, check=False)
            if "[5/9] tempest" in log.read_text() and running.returncode == 0:
                time.sleep(10)
                subprocess.run(["podman", "kill", "%s-primary" % PREFIX], check=True, capture_output=True)
                killed = True
        if gate.poll() is None:
            gate.kill()
    output = log.read_text()
    assert killed, "tempest never started:\n" + output[-5000:]
    assert gate.returncode != 0
    assert "GATE FAILED" in output
    build = (builds / "latest").resolve()
    stages = {s["name"]: s for s in json.loads((build / "job-output.json").read_text())["stages"]}
    assert stages["tempest"]["status"] == "failed", stages["tempest"]
    assert stages["deploy"]["status"] == "passed"
    assert "----- tempest: FAILED" in output
    assert stages["collect"]["status"] in ("passed", "failed")
    assert (build / "index.html").is_file()
    # the keystone log written before the kill was copied out of the dead container
    assert list((build / "logs").rglob("keystone*.log")), sorted(str(p) for p in (build / "logs").rglob("*"))[:40]
    left = subprocess.run(["podman", "ps", "-a", "--filter", "label=gatekit.pool=%s" % PREFIX, "--format", "{{.Names}}"],
                          capture_output=True, text=True, check=True).stdout.split()
    assert left == [], "teardown left %s" % left
