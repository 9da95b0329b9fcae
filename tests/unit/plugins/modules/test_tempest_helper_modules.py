# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""tempest_progress, tempest_plugins and venv_requirements run as modules."""

import json
import os
import time

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.gatekit.devstack.plugins.modules import tempest_plugins, tempest_progress, venv_requirements


def run_module(module, capsys, **args):
    with patch_module_args(args), pytest.raises(SystemExit) as exc:
        module.main()
    out = json.loads(capsys.readouterr().out)
    out["rc_exit"] = exc.value.code
    return out


def test_progress_while_running_and_when_done(tmp_path, capsys):
    (tmp_path / ".run-pid").write_text("%d\n" % os.getpid())
    (tmp_path / ".run-start").write_text("%d\n" % (int(time.time()) - 65))
    (tmp_path / ".run-list-1").write_text("a.b.test_%d[id-1]\n" % 1 * 170 + "WARNING x\n")
    (tmp_path / ".run-list-2").write_text("".join("c.d.test_%d\n" % i for i in range(6)))
    (tmp_path / ".run-listed").write_text("")
    (tmp_path / "tempest-run.log").write_text(
        "=== phase 1/1: tempest run\n{0} a.b.test_x [1s] ... ok\n{1} a.b.test_y ... SKIPPED: off\n")
    res = run_module(tempest_progress, capsys, workspace=str(tmp_path), wait=0)
    assert res["done"] is False and res["changed"] is False
    assert res["gate_progress"] == "tempest: 2/176 tests, 1 passed, 0 failed, 1 skipped"
    assert (res["total"], res["phase"], res["run_rc"]) == (176, 1, "")
    # Top-level "failed"/"skipped" would be the task's own state for Ansible.
    assert res["counts"] == {"passed": 1, "skipped": 1, "failed": 0}
    assert "failed" not in res and "skipped" not in res
    assert res["elapsed"] >= 65 and "elapsed 1:0" in res["msg"]
    (tmp_path / ".run-rc").write_text("1\n")
    res = run_module(tempest_progress, capsys, workspace=str(tmp_path), wait=5)
    assert res["done"] is True and res["run_rc"] == "1"


def test_progress_dead_process_is_done_and_not_started_is_not(tmp_path, capsys):
    res = run_module(tempest_progress, capsys, workspace=str(tmp_path), wait=0)
    assert res["done"] is False and res["total"] is None
    assert res["gate_progress"] == "tempest: listing the tests"
    (tmp_path / ".run-pid").write_text("999999999\n")
    res = run_module(tempest_progress, capsys, workspace=str(tmp_path), wait=0)
    assert res["done"] is True and res["run_rc"] == ""


def test_venv_requirements(tmp_path, capsys):
    (tmp_path / "a-1.0-py3-none-any.whl").write_text("")
    (tmp_path / "b-1.0.tar.gz").write_text("")
    res = run_module(venv_requirements, capsys, requirements=["pytest", "gatekit-no-such-distribution"],
                     wheelhouse=str(tmp_path))
    assert res["missing"] == ["gatekit-no-such-distribution"] and res["satisfied"] is False
    assert res["wheels"] == 1 and res["changed"] is False
    res = run_module(venv_requirements, capsys, requirements=["pytest"], wheelhouse=str(tmp_path / "none"))
    assert res["satisfied"] is True and res["wheels"] == 0


def test_tempest_plugins_names_what_does_not_load(capsys):
    res = run_module(tempest_plugins, capsys, plugins=["pytest", "gatekit-no-such-plugin"])
    assert res["failed"] is True
    assert res["msg"] == ("tempest_plugins: pytest: installed but registers no 'tempest.test_plugins' entry point; "
                          "gatekit-no-such-plugin: not installed in the tempest venv")
    res = run_module(tempest_plugins, capsys, plugins=[])
    assert res["changed"] is False and res["plugins"] == {}
