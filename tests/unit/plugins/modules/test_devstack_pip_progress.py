# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The devstack_pip_progress module: running, finished, failed async pip jobs."""

import json

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.gatekit.devstack.plugins.modules import devstack_pip_progress

LOG = "2026-12-03T14:00:08,000 Using pip 23.2.1 from /x (python 3.11)\n2026-12-03T14:00:09,000 Collecting keystone\n"


def run_module(capsys, **args):
    with patch_module_args(args), pytest.raises(SystemExit) as exc:
        devstack_pip_progress.main()
    out = json.loads(capsys.readouterr().out)
    out["rc"] = exc.value.code
    return out


@pytest.mark.parametrize("text, finished", [
    (None, False), ("", False), ('{"started": 1, "fin', False), ('{"started": 1, "finished": 0}', False),
    ('{"changed": true, "cmd": "pip"}', True), ('{"started": 1, "finished": 1, "rc": 0}', True)])
def test_job_state(text, finished):
    assert devstack_pip_progress.job_state(text)[0] is finished


def test_running_then_done_then_failed(tmp_path, capsys):
    results, log = tmp_path / "job", tmp_path / "pip.log"
    log.write_text(LOG)
    results.write_text('{"started": 1, "finished": 0, "ansible_job_id": "j1"}')
    args = {"results_file": str(results), "log": str(log), "label": "keystone venv"}
    running = run_module(capsys, **args)
    assert running["rc"] == 0 and running["finished"] is False and running["changed"] is False
    assert running["gate_progress"].startswith("pip: keystone venv, resolving, 1 packages, ")
    results.write_text('{"changed": true, "name": ["keystone"]}')
    done = run_module(capsys, **args)
    assert done["finished"] is True and done["changed"] is True and done["job"]["name"] == ["keystone"]
    results.write_text('{"failed": true, "msg": "No matching distribution found for keystone"}')
    failed = run_module(capsys, **args)
    assert failed["rc"] == 1 and failed["finished"] is True and "No matching distribution" in failed["msg"]
