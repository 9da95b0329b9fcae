# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The gate callback under a real ansible-playbook, on fixtures/protocol.yml (a playbook that
speaks the gate's terminal protocol and fails at the end) and fixtures/plays.yml (one that
does not): the lines printed, with and without a terminal, and the log it leaves."""

import os
import pty
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
ROOT = HERE.parents[3]
PLAYBOOK = shutil.which("ansible-playbook", path=os.path.dirname(sys.executable)) or shutil.which("ansible-playbook")
TIMER_LINES = ("PLAYBOOK RECAP", "Playbook run took")

pytestmark = [
    pytest.mark.skipif(not PLAYBOOK, reason="needs ansible-playbook"),
    pytest.mark.skipif(not shutil.which("ssh"), reason="needs an ssh client (the unreachable host)"),
]


def collections_path():
    """The directory holding ansible_collections/gatekit/devstack: the checkout's link, or the
    tree ansible-test copied the collection to."""
    if ROOT.parent.name == "gatekit" and ROOT.parent.parent.name == "ansible_collections":
        return str(ROOT.parents[2])
    return str(ROOT)


def env_for(tmp_path, callback, **extra):
    cfg = tmp_path / "ansible.cfg"
    cfg.write_text("[defaults]\ncallback_result_format = yaml\nretry_files_enabled = False\n"
                   "host_key_checking = False\nlocal_tmp = %s\n" % (tmp_path / "tmp"))
    env = dict(os.environ, ANSIBLE_CONFIG=str(cfg), ANSIBLE_COLLECTIONS_PATH=collections_path(),
               ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0")
    env.update(extra)
    env.pop("ANSIBLE_STDOUT_CALLBACK", None)
    if callback:
        env["ANSIBLE_STDOUT_CALLBACK"] = callback
    return env


def run(tmp_path, playbook, build_dir=None, callback="gatekit.devstack.gate", **extra):
    cmd = [PLAYBOOK, "-i", str(FIXTURES / "inventory.yml"), str(FIXTURES / playbook)]
    if build_dir:
        cmd += ["-e", "fixture_build_dir=%s" % build_dir]
    proc = subprocess.run(cmd, env=env_for(tmp_path, callback, **extra), capture_output=True, text=True,
                          timeout=300, check=False)
    return proc


def lines_of(text):
    return [line for line in text.splitlines() if line.strip()]


def test_protocol_on_a_pipe(tmp_path):
    build = tmp_path / "build"
    proc = run(tmp_path, "protocol.yml", build)
    assert proc.returncode == 4, proc.stdout + proc.stderr  # a host unreachable (and one failed)
    assert [line for line in lines_of(proc.stdout) if not line.startswith(TIMER_LINES)] == [
        "===== Prepare =====",
        "===== Stage steps =====",
        "===== [1/3] steps: count the steps =====",
        # the throttle: the first progress line, then (within 15 s) only the last
        "  > steps: 1/3 done",
        "  > steps: 3/3 done",
        "----- [1/3] steps: PASSED in 1.2 s -----",
        "===== [2/3] faults: meet the faults =====",
        # a rescued failure is shown; an ignored one is not
        "  FAILED on localhost: Break on purpose",
        "      the fixture broke this on purpose",
        "  UNREACHABLE on ghost: Reach every host",
        "      Task failed: Failed to connect to the host via ssh: ssh: connect to host 127.0.0.1 port 1: Connection refused",
        "----- [2/3] faults: FAILED in 75.5 s (ghost: Reach every host) -----",
        "===== [3/3] idle: do nothing -- skipped: the job does not enable idle =====",
        "GATE FAILED: fixture (build 1)",
        "stages: steps=passed, faults=failed, idle=not-wanted",
        "report: %s/index.html" % build,
        "  FAILED on localhost: Fail unless the gate passed",
        "      The gate FAILED",
        "ansible log: %s/ansible.log" % build,
    ]
    assert "an ignored failure" not in proc.stdout
    assert "TASK [" not in proc.stdout


def test_the_log_is_what_the_default_callback_prints(tmp_path):
    build = tmp_path / "build"
    gate = run(tmp_path, "protocol.yml", build)
    log = (build / "ansible.log").read_text()
    default = run(tmp_path, "protocol.yml", tmp_path / "other", callback="ansible.builtin.default")
    assert default.returncode == gate.returncode
    expected = default.stdout.replace(str(tmp_path / "other"), str(build))
    # what the default callback says, all of it (hosts answer in any order within a task)
    assert Counter(log.splitlines()) == Counter(line for line in expected.splitlines() if not line.startswith(TIMER_LINES))
    # complete though the playbook failed: the lines before the build directory was named, the
    # retries, the ignored failure, the last failure and the recap
    for want in ("PLAY [Prepare] ***", "TASK [Name the build directory] ***",
                 "FAILED - RETRYING: [localhost]: Poll the steps (5 retries left).",
                 "    msg: an ignored failure", "...ignoring",
                 "[ERROR]: Task failed: Action failed: The gate FAILED", "PLAY RECAP ***"):
        assert any(line.startswith(want) for line in log.splitlines()), want
    assert "ghost                      : ok=0    changed=0    unreachable=1" in log
    assert log.count("PLAY RECAP") == 1


def test_every_progress_line_with_no_interval(tmp_path):
    proc = run(tmp_path, "protocol.yml", tmp_path / "build", ANSIBLE_GATE_PROGRESS_INTERVAL="0")
    assert [line for line in lines_of(proc.stdout) if line.startswith("  > ")] == [
        "  > steps: 1/3 done", "  > steps: 2/3 done", "  > steps: 3/3 done"]


def test_progress_in_place_on_a_terminal(tmp_path):
    build = tmp_path / "build"
    master, slave = pty.openpty()
    cmd = [PLAYBOOK, "-i", str(FIXTURES / "inventory.yml"), str(FIXTURES / "protocol.yml"),
           "-e", "fixture_build_dir=%s" % build]
    env = env_for(tmp_path, "gatekit.devstack.gate", ANSIBLE_NOCOLOR="0", ANSIBLE_FORCE_COLOR="1")
    with subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL,
                          stdout=slave, stderr=slave) as proc:
        os.close(slave)
        chunks = []
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the other end closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        proc.wait(timeout=300)
    os.close(master)
    out = b"".join(chunks).decode()
    # each progress line replaces the one before on the same line; the last one stays
    for step in (1, 2, 3):
        assert "\r\x1b[K  > steps: %d/3 done" % step in out
    assert "  > steps: 3/3 done\r\n" in out
    assert "\r\x1b[K  . Poll the steps" in out  # the running task, in place
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out)  # colors on (a terminal); the in-place erase stays
    screen = [line.rsplit("\r\x1b[K", 1)[-1] for line in plain.replace("\r\n", "\n").split("\n")]
    assert "----- [1/3] steps: PASSED in 1.2 s -----" in screen
    assert "GATE FAILED: fixture (build 1)" in screen
    log = (build / "ansible.log").read_text()
    assert "PLAY RECAP" in log
    assert "\x1b[" not in log  # the screen's colors are not in the log


def test_without_stage_events_each_play_is_a_stage_line(tmp_path):
    proc = run(tmp_path, "plays.yml")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert [line for line in lines_of(proc.stdout) if not line.startswith(TIMER_LINES)] == [
        "===== First play =====",
        "===== Second play =====",
        "a line for the user",
        "(no gate_build_dir was set: no ansible.log written; V=1 shows Ansible's output)",
    ]
