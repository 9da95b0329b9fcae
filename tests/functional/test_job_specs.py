"""Every job spec the repository ships resolves through the collection's job library.

`make gate JOB=<spec>` starts by resolving the spec's parent chain (module zuul_job in the
prepare stage); a spec whose parent lives only in another spec file, or whose nodeset is
unknown, would fail there. This runs the module as prepare does, for each shipped spec.
"""

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPECS = sorted((ROOT / "jobs").glob("*.yml"))


@pytest.mark.parametrize("spec", SPECS, ids=[p.name for p in SPECS])
def test_job_spec_resolves(spec):
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_STDOUT_CALLBACK="json",
               ANSIBLE_LOAD_CALLBACK_PLUGINS="1")
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "ansible"), "localhost", "-m", "gatekit.devstack.zuul_job",
         "-a", "job_file=%s library=%s" % (spec, ROOT / "zuul.d")],
        cwd=ROOT, env=env, text=True, capture_output=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    doc = json.JSONDecoder().raw_decode(result.stdout[result.stdout.index("{"):])[0]
    host = doc["plays"][0]["tasks"][0]["hosts"]["localhost"]
    assert host["job"]["chain"][0] == "gatekit-devstack-base", host["job"]["chain"]
    assert host["node_count"] and host["node_count"] >= 1
    assert len(host["nodes"]) == host["node_count"]
