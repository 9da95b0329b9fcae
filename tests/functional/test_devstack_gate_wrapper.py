# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""devstack-vm-gate-wrap.sh's contract, with real bash on this host.

The wrapper runs from the role's files directory; its configuration points the
translation helper at this checkout (the collection resolves through
ansible_collections/gatekit/devstack). Jobs here define a gate_hook, so the default
gate (ansible-playbook with the devstack and tempest roles) is not run: the
legacy-wrapper molecule scenario runs that on a worker.
"""

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FILES = os.path.join(ROOT, "roles", "devstack_gate", "files")
WRAPPER = os.path.join(FILES, "devstack-vm-gate-wrap.sh")


@pytest.fixture
def dg(tmp_path):
    """Run the safe copy of the wrapper with an environment and hooks; return (rc, out, logs)."""
    conf = tmp_path / "devstack-gate.conf"
    conf.write_text(
        textwrap.dedent(
            """\
            GATEKIT_DG_HOME=%s
            GATEKIT_DG_VENV=%s
            GATEKIT_DG_PYTHON=%s
            GATEKIT_DG_COLLECTIONS=%s
            GATEKIT_DG_DEFAULTS=
            GATEKIT_DG_METHOD=pip
            GATEKIT_DG_STACK_LOGS=%s
            export GATEKIT_DG_HOME GATEKIT_DG_VENV GATEKIT_DG_PYTHON GATEKIT_DG_COLLECTIONS GATEKIT_DG_DEFAULTS GATEKIT_DG_METHOD GATEKIT_DG_STACK_LOGS
            """
        )
        % (FILES, os.path.dirname(os.path.dirname(sys.executable)), sys.executable, ROOT, tmp_path / "stack-logs")
    )
    (tmp_path / "stack-logs").mkdir()
    (tmp_path / "stack-logs" / "keystone.log").write_text("keystone started\n")
    workspace = tmp_path / "workspace"
    workspace.mkdir()

    def run(env=None, hooks=None, workspace_set=True, local_conf=None):
        job_env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "GATEKIT_DG_CONF": str(conf)}
        job_env["GATEKIT_DG_LOCAL_CONF"] = str(tmp_path / "dg-local.conf")
        if local_conf is not None:
            (tmp_path / "dg-local.conf").write_text(local_conf)
        if workspace_set:
            job_env["WORKSPACE"] = str(workspace)
        job_env.update({k: str(v) for k, v in (env or {}).items()})
        script = ""
        for name, body in (hooks or {}).items():
            script += "function %s {\n%s\n}\nexport -f %s\n" % (name, body, name)
        shutil.copy(WRAPPER, workspace / "safe-devstack-vm-gate-wrap.sh")
        script += "./safe-devstack-vm-gate-wrap.sh\n"
        proc = subprocess.run(["bash", "-c", script], cwd=workspace, env=job_env, capture_output=True, text=True, timeout=120, check=False)
        return proc.returncode, proc.stdout + proc.stderr, workspace / "logs"

    return run


def last_line(text):
    return text.rstrip("\n").splitlines()[-1]


def test_workspace_required(dg):
    rc, out, _unused = dg(workspace_set=False)
    assert rc == 1
    assert "WORKSPACE must be set" in out


def test_gate_passes_and_post_hook_runs(dg):
    rc, out, logs = dg(
        env={"DEVSTACK_GATE_TEMPEST": "1"},
        hooks={"gate_hook": "echo gate-ran", "post_test_hook": 'echo post > "$WORKSPACE/post"'},
    )
    assert rc == 0, out
    assert last_line(out) == "SUCCESSFULLY FINISHED"
    assert last_line((logs / "devstack-gate-wrap.txt").read_text()) == "SUCCESSFULLY FINISHED"
    assert (logs / "devstack-gate-gate_hook.txt").read_text().count("gate-ran") >= 1
    assert (logs.parent / "post").exists()
    # DevStack's logs renamed as devstack-gate did
    assert (logs / "stack" / "keystone.txt").read_text() == "keystone started\n"


def test_post_hook_rc_is_the_exit_code(dg):
    rc, out, _unused = dg(hooks={"gate_hook": "true", "post_test_hook": "return 4"})
    assert rc == 4
    assert last_line(out) == "*** FAILED with status: 4"


def test_failing_gate_skips_post_hook(dg):
    rc, out, logs = dg(hooks={"gate_hook": "return 2", "post_test_hook": 'touch "$WORKSPACE/post"'})
    assert rc == 2
    assert last_line(out) == "*** FAILED with status: 2"
    assert not (logs.parent / "post").exists()


def test_failing_pre_hook_stops_the_job(dg):
    rc, out, logs = dg(hooks={"pre_test_hook": "echo preparing\nreturn 3", "gate_hook": 'touch "$WORKSPACE/gate"'})
    assert rc == 3
    assert last_line(out) == "*** FAILED with status: 3"
    assert "preparing" in (logs / "devstack-gate-pre_test_hook.txt").read_text()
    assert not (logs.parent / "gate").exists()


def test_pre_hook_exports_reach_the_gate(dg):
    rc, out, logs = dg(hooks={"pre_test_hook": "export GKDG_FROM_PRE=yes", "gate_hook": 'echo "seen=$GKDG_FROM_PRE"'})
    assert rc == 0, out
    assert "seen=yes" in (logs / "devstack-gate-gate_hook.txt").read_text()


def test_timeout_kills_the_process_group(dg):
    started = time.monotonic()
    rc, out, logs = dg(
        env={"BUILD_TIMEOUT": "3000", "DEVSTACK_GATE_TIMEOUT_BUFFER": "0"},
        hooks={"gate_hook": "sleep 3181 &\nbash -c 'sleep 3182'\necho not-killed", "post_test_hook": 'touch "$WORKSPACE/post"'},
    )
    assert rc == 137
    assert last_line(out) == "*** FAILED with status: 137"
    assert time.monotonic() - started < 60
    assert "not-killed" not in out
    assert not (logs.parent / "post").exists()
    assert not (logs.parent / "gate.pid").exists()
    assert (logs / "devstack-gate-wrap.txt").exists()
    left = subprocess.run(["pgrep", "-f", "sleep 318[12]"], capture_output=True, check=False)
    assert left.returncode == 1, left.stdout


def test_no_time_left_after_the_buffer(dg):
    rc, out, _unused = dg(env={"BUILD_TIMEOUT": "60000"}, hooks={"gate_hook": "true"})
    assert rc == 137
    assert "leaves no time" in out


@pytest.mark.parametrize(
    "env, key",
    [
        ({"BUILD_TIMEOUT": "soon"}, "BUILD_TIMEOUT"),
        ({"TEMPEST_CONCURRENCY": "many"}, "TEMPEST_CONCURRENCY"),
        ({"DEVSTACK_GATE_TOPOLOGY": "multinode"}, "DEVSTACK_GATE_TOPOLOGY"),
        ({"DEVSTACK_GATE_TOPOLOGY": "ring"}, "DEVSTACK_GATE_TOPOLOGY"),
    ],
)
def test_bad_settings_fail_before_the_gate(dg, env, key):
    rc, out, logs = dg(env=env, hooks={"gate_hook": 'touch "$WORKSPACE/gate"'})
    assert rc == 1
    assert key in out
    assert last_line(out) == "*** FAILED with status: 1"
    assert not (logs.parent / "gate").exists()


def test_unknown_flags_reported_not_features(dg):
    rc, out, logs = dg(
        env={"DEVSTACK_GATE_TEMPEST": "1", "DEVSTACK_GATE_GKDG_BOGUS": "1", "DEVSTACK_GATE_TEMPEST_REGEX": "identity"},
        hooks={"gate_hook": "true"},
        local_conf="[[local|localrc]]\nENABLE_FILE_INJECTION=True\n",
    )
    assert rc == 0, out
    assert "WARNING: DEVSTACK_GATE_GKDG_BOGUS is not a devstack-gate setting" in out
    report = json.loads((logs / "devstack-gate-translation.json").read_text())
    assert report["translation"]["unknown"] == ["DEVSTACK_GATE_GKDG_BOGUS"]
    assert "gkdg_bogus" not in json.dumps(report["translation"]["vars"]).lower()
    assert report["translation"]["vars"]["tox_envlist"] == "all"
    assert report["translation"]["vars"]["devstack_localrc"]["ENABLE_FILE_INJECTION"] in ("True", True)


def test_clean_logs(dg):
    dg(hooks={"gate_hook": 'touch "$DEVSTACK_GATE_LOG_DIR/old-run"'})
    _rc, _out, logs = dg(hooks={"gate_hook": "true"})
    assert not (logs / "old-run").exists()
    dg(hooks={"gate_hook": 'touch "$DEVSTACK_GATE_LOG_DIR/old-run"'})
    _rc, _out, logs = dg(env={"DEVSTACK_GATE_CLEAN_LOGS": "0"}, hooks={"gate_hook": "true"})
    assert (logs / "old-run").exists()


def test_reproduce_script(dg):
    _rc, _out, logs = dg(env={"DEVSTACK_GATE_TEMPEST": "1"}, hooks={"gate_hook": "echo hi"})
    text = (logs / "reproduce.sh").read_text()
    assert "export DEVSTACK_GATE_TEMPEST=1" in text
    assert "export -f gate_hook" in text
    assert "./safe-devstack-vm-gate-wrap.sh" in text
    assert "GATEKIT_DG_CONF" not in text
