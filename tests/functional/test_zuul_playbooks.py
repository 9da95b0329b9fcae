"""playbooks/zuul/{pre,run,post}.yaml run as Zuul runs them, on the podman pool.

The inventory and the `zuul` variable are shaped exactly like Zuul's executor writes them
(tests/functional/fixtures/zuul/README.md). The job is jobs/default.yml resolved through
the collection's zuul.d library: the same job `make gate` runs, so the results must be the
same: tempest passes with zero failures.
"""

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "functional" / "fixtures" / "zuul"


def playbook(*args, env):
    cmd = [str(ROOT / ".venv" / "bin" / "ansible-playbook"), *args]
    return subprocess.run(cmd, cwd=ROOT, env=env, text=True, capture_output=True, check=False)


@pytest.fixture(scope="module")
def zuul_env(tmp_path_factory):
    work = tmp_path_factory.mktemp("zuul")
    env = dict(os.environ, ZUUL_FIXTURE_DIR=str(work), ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"))
    made = playbook(str(FIXTURE / "make-inventory.yml"), env=env)
    assert made.returncode == 0, made.stdout[-4000:] + made.stderr[-2000:]
    yield work, env
    playbook(str(FIXTURE / "teardown.yml"), env=env)


def test_zuul_playbooks_run_the_gate(zuul_env):
    work, env = zuul_env
    args = ["-i", str(work / "inventory.yaml"), "-e", "@" + str(work / "zuul-vars.yaml")]
    for name in ("pre.yaml", "run.yaml", "post.yaml"):
        result = playbook(*args, str(ROOT / "playbooks" / "zuul" / name), env=env)
        assert result.returncode == 0, "%s failed:\n%s\n%s" % (name, result.stdout[-6000:], result.stderr[-2000:])
    log_root = work / "work" / "logs"
    summary = json.loads((log_root / "tempest_summary.json").read_text())
    assert summary["failed"] == 0
    assert summary["passed"] > 0
    for name in ("testrepository.subunit", "testr_results.html", "junit.xml"):
        assert (log_root / name).stat().st_size > 0, name
    assert (log_root / "controller" / "files" / "opt" / "stack" / "logs").is_dir()
    secrets = (log_root / "controller").rglob("*")
    assert not any(p.name in ("clouds.yaml", ".gatekit-secrets") for p in secrets)
