# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's own job library (zuul.d/): generated from
plugins/module_utils/zuul/library.py, loaded by zuul 14.3's parsers.

Regenerate after editing the source:
    GATEKIT_REGEN_ZUUL_D=1 pytest -q tests/functional/test_zuul_config_library.py
"""

import os
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from zuul_config_fixtures import ROOT, ZUUL_PYTHON, make_repo, run_zuul_validate  # noqa: E402

from ansible_collections.gatekit.devstack.plugins.module_utils.zuul.config import (  # noqa: E402
    render_zuul_config,
    validate_zuul_config,
)
from ansible_collections.gatekit.devstack.plugins.module_utils.zuul.library import (  # noqa: E402
    PLAYBOOKS,
    job_library,
)

ZUUL_D = os.path.join(ROOT, "zuul.d")


def rendered():
    return render_zuul_config(job_library())


def test_zuul_d_is_the_render_of_the_library():
    files = rendered()
    if os.environ.get("GATEKIT_REGEN_ZUUL_D"):
        for name, text in files.items():
            with open(os.path.join(ZUUL_D, name), "w", encoding="utf-8") as handle:
                handle.write(text)
    on_disk = sorted(n for n in os.listdir(ZUUL_D) if n.endswith(".yaml"))
    assert on_disk == sorted(files), "zuul.d has files the library does not render"
    for name, text in files.items():
        with open(os.path.join(ZUUL_D, name), encoding="utf-8") as handle:
            assert handle.read() == text, (
                "zuul.d/%s is stale: GATEKIT_REGEN_ZUUL_D=1 pytest -q %s" % (name, os.path.relpath(__file__, ROOT)))


@pytest.mark.skipif(not os.path.exists(ZUUL_PYTHON), reason="needs .venv-zuul (zuul 14.3.0)")
def test_zuul_parsers_accept_zuul_d():
    code, report = run_zuul_validate(ZUUL_D, dump=True)
    assert code == 0 and report["ok"], report
    assert report["counts"] == {"job": 5, "nodeset": 2}
    jobs = {item["job"]["name"]: item["job"] for f in report["files"] for item in f["data"] if "job" in item}
    assert jobs["gatekit-devstack-base"]["abstract"] is True
    assert "parent" not in jobs["gatekit-devstack-base"]  # the tenant's default-parent applies
    assert jobs["gatekit-devstack"]["parent"] == "gatekit-devstack-base"
    assert jobs["gatekit-tempest"]["parent"] == "gatekit-devstack"
    assert jobs["gatekit-tempest-multinode"]["parent"] == "gatekit-tempest"
    assert jobs["gatekit-tempest-multinode"]["nodeset"] == "gatekit-two-node"
    assert jobs["gatekit-devstack-base"]["pre-run"] == "playbooks/zuul/pre.yaml"
    assert jobs["gatekit-devstack"]["run"] == "playbooks/zuul/run.yaml"
    assert jobs["gatekit-devstack-base"]["post-run"] == "playbooks/zuul/post.yaml"
    nodesets = {item["nodeset"]["name"]: item["nodeset"] for f in report["files"] for item in f["data"]
                if "nodeset" in item}
    groups = {g["name"]: g["nodes"] for g in nodesets["gatekit-two-node"]["groups"]}
    assert groups == {"primary": ["controller"], "subnodes": ["compute1"], "workers": ["controller", "compute1"]}
    assert {n["label"] for ns in nodesets.values() for n in ns["nodes"]} == {"gatekit-bookworm"}


def test_playbook_references_against_a_repo_root(tmp_path):
    repo = make_repo(tmp_path)
    assert validate_zuul_config(job_library(), playbook_exists=lambda p: os.path.isfile(os.path.join(repo, p))) == []


def test_playbook_references_against_this_repository():
    missing = [p for p in PLAYBOOKS.values() if not os.path.isfile(os.path.join(ROOT, p))]
    if missing:
        pytest.skip("playbooks not in the repository yet: %s" % ", ".join(missing))
    assert validate_zuul_config(job_library(), playbook_exists=lambda p: os.path.isfile(os.path.join(ROOT, p))) == []


def test_yamllint_clean():
    yamllint = os.path.join(os.path.dirname(sys.executable), "yamllint")
    proc = subprocess.run([yamllint, "-s", "zuul.d"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
