# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The worker after the legacy-wrapper scenario: the role's installation and three jobs.

Every fact is read on the worker in ONE command (each testinfra call is a round trip
through the container engine, slow on a busy host); the tests assert on that snapshot.
"""

import json
import re

import pytest

HOME = "/usr/local/gatekit/devstack-gate"
WS = "/home/zuul/workspace"
VENV = "/opt/stack/tempest-venv"

SNAPSHOT = r"""
set -u
export HOME_DIR=%(home)s WS=%(ws)s VENV=%(venv)s
python3 - <<'PY'
import json, os, subprocess

def sh(cmd):
    p = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True)
    return {"rc": p.returncode, "out": p.stdout, "err": p.stderr}

def text(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return None

home, ws, venv = os.environ["HOME_DIR"], os.environ["WS"], os.environ["VENV"]
snap = {"files": {}, "modes": {}, "exists": {}, "cmd": {}}
for name in ("devstack-vm-gate-wrap.sh", "devstack-vm-gate.sh"):
    p = os.path.join(home, name)
    snap["modes"][p] = os.stat(p).st_mode & 0o7777 if os.path.exists(p) else None
read = ["/etc/gatekit/devstack-gate.conf"]
for job in ("prehook", "timeout", "tempest"):
    read.append("/root/gkdg-results/%%s.json" %% job)
for d in ("/home/zuul/ws-prehook/logs", "/home/zuul/ws-timeout/logs", ws + "/logs"):
    for f in ("devstack-gate-wrap.txt", "devstack-gate-pre_test_hook.txt", "devstack-gate-gate_hook.txt",
              "reproduce.sh", "post-hook-marker.txt", "devstack-gate-vars.json", "devstack-gate-translation.json"):
        read.append(os.path.join(d, f))
for p in read:
    snap["files"][p] = text(p)
for p in ("/home/zuul/ws-prehook/gate-hook-ran", "/home/zuul/ws-prehook/safe-devstack-vm-gate-wrap.sh",
          "/home/zuul/ws-timeout/post-hook-ran", "/home/zuul/ws-timeout/gate.pid", "/etc/openstack/clouds.yaml",
          ws + "/logs/stack/keystone.txt"):
    snap["exists"][p] = os.path.isfile(p)
for f in ("testrepository.subunit", "testr_results.html", "devstack-gate-ansible.txt", "dg-local.conf.txt", "reproduce.sh"):
    snap["exists"][ws + "/logs/" + f] = os.path.isfile(ws + "/logs/" + f)
snap["cmd"]["galaxy"] = sh("/opt/gatekit/venv/bin/ansible-galaxy collection list -p /opt/gatekit/collections gatekit.devstack")
snap["cmd"]["mappings"] = sh("find /opt/gatekit /usr/local/gatekit -path '*legacy*mapping*.py'")
snap["cmd"]["no_workspace"] = sh("env -i PATH=/usr/bin:/bin %%s/devstack-vm-gate-wrap.sh" %% home)
snap["cmd"]["sleepers"] = sh("pgrep -f 'sleep 317[12]'")
snap["cmd"]["stack_log_names"] = sh("find %%s/logs/stack -name '*.log'" %% ws)
snap["cmd"]["not_zuul"] = sh("find %%s/logs ! -user zuul" %% ws)
snap["cmd"]["subunit_ls"] = sh("%%s/bin/subunit-ls < %%s/logs/testrepository.subunit" %% (venv, ws))
snap["cmd"]["subunit_stats"] = sh("%%s/bin/subunit-stats < %%s/logs/testrepository.subunit" %% (venv, ws))
print(json.dumps(snap))
PY
"""


@pytest.fixture(scope="module")
def node(host):
    script = SNAPSHOT % {"home": HOME, "ws": WS, "venv": VENV}
    return json.loads(host.check_output(script))


def result(node, name):
    return json.loads(node["files"]["/root/gkdg-results/%s.json" % name])


def last_line(node, path):
    text = node["files"][path] or ""
    lines = text.rstrip("\n").splitlines()
    return lines[-1] if lines else ""


# --- installation


def test_wrapper_installed(node):
    for name in ("devstack-vm-gate-wrap.sh", "devstack-vm-gate.sh"):
        assert node["modes"]["%s/%s" % (HOME, name)] == 0o755
    assert "GATEKIT_DG_COLLECTIONS=/opt/gatekit/collections" in node["files"]["/etc/gatekit/devstack-gate.conf"]


def test_ansible_and_collection_on_the_node(node):
    assert "gatekit.devstack" in node["cmd"]["galaxy"]["out"]
    # the wrapper's translation imports the ONE mapping from the installed collection
    found = node["cmd"]["mappings"]["out"].split()
    assert found == ["/opt/gatekit/collections/ansible_collections/gatekit/devstack/plugins/module_utils/legacy/mapping.py"]


def test_workspace_required(node):
    cmd = node["cmd"]["no_workspace"]
    assert cmd["rc"] == 1
    assert "WORKSPACE must be set" in cmd["err"]


# --- job 1: failing pre_test_hook


def test_failing_pre_test_hook_fails_the_job(node):
    res = result(node, "prehook")
    assert int(res["rc"]) == 3
    assert res["last_line"] == "*** FAILED with status: 3"
    logs = res["log_dir"]
    assert last_line(node, logs + "/devstack-gate-wrap.txt") == "*** FAILED with status: 3"
    assert "preparing the node for gkdg" in node["files"][logs + "/devstack-gate-pre_test_hook.txt"]
    assert "export -f pre_test_hook" in node["files"][logs + "/reproduce.sh"]
    assert not node["exists"]["/home/zuul/ws-prehook/gate-hook-ran"]
    assert node["exists"]["/home/zuul/ws-prehook/safe-devstack-vm-gate-wrap.sh"]


# --- job 2: timeout


def test_timeout_exits_137_and_keeps_logs(node):
    res = result(node, "timeout")
    assert int(res["rc"]) == 137
    assert res["timed_out"] in (True, "True", "true")
    logs = res["log_dir"]
    assert "BUILD_TIMEOUT reached" in node["files"][logs + "/devstack-gate-wrap.txt"]
    assert last_line(node, logs + "/devstack-gate-wrap.txt") == "*** FAILED with status: 137"
    hook_log = node["files"][logs + "/devstack-gate-gate_hook.txt"]
    assert "sleeping past the deadline" in hook_log
    assert "was not killed" not in hook_log
    assert not node["exists"]["/home/zuul/ws-timeout/post-hook-ran"]
    assert not node["exists"]["/home/zuul/ws-timeout/gate.pid"]


def test_timeout_killed_the_whole_process_group(node):
    # the foreground sleep and the one gate_hook put in the background
    assert node["cmd"]["sleepers"]["rc"] == 1, node["cmd"]["sleepers"]["out"]


# --- job 3: DEVSTACK_GATE_TEMPEST=1 + regex -> pip keystone + tempest


def test_tempest_job_succeeds(node):
    res = result(node, "tempest")
    assert int(res["rc"]) == 0
    assert res["last_line"] == "SUCCESSFULLY FINISHED"
    assert "DEVSTACK_GATE_GKDG_NOT_A_FLAG" in res["unknown"]


def test_tempest_job_logs(node):
    logs = WS + "/logs"
    assert last_line(node, logs + "/devstack-gate-wrap.txt") == "SUCCESSFULLY FINISHED"
    for name in ("testrepository.subunit", "testr_results.html", "devstack-gate-ansible.txt", "dg-local.conf.txt", "reproduce.sh"):
        assert node["exists"]["%s/%s" % (logs, name)], name
    assert "after a passing gate" in node["files"][logs + "/post-hook-marker.txt"]
    # DevStack's service logs, renamed .txt as devstack-gate did
    assert node["exists"][logs + "/stack/keystone.txt"]
    assert node["cmd"]["stack_log_names"]["out"].strip() == ""
    # everything under logs/ belongs to the job user
    assert node["cmd"]["not_zuul"]["out"].strip() == ""


def test_tempest_job_translation(node):
    logs = WS + "/logs"
    job_vars = json.loads(node["files"][logs + "/devstack-gate-vars.json"])
    assert job_vars["tox_envlist"] == "all"
    assert job_vars["tempest_test_regex"].startswith("^tempest\\.api\\.identity")
    assert job_vars["devstack_method"] == "pip"
    assert job_vars["devstack_localrc"]["KEYSTONE_PASSWORD_HASH_ROUNDS"] in ("4", 4)
    report = json.loads(node["files"][logs + "/devstack-gate-translation.json"])
    assert report["translation"]["unknown"] == ["DEVSTACK_GATE_GKDG_NOT_A_FLAG"]
    assert "gkdg_not_a_flag" not in json.dumps(job_vars).lower()
    assert "DEVSTACK_GATE_GKDG_NOT_A_FLAG is not a devstack-gate setting" in node["files"][logs + "/devstack-gate-wrap.txt"]


def test_tempest_ran_identity_tests_only(node):
    tests = [line for line in node["cmd"]["subunit_ls"]["out"].splitlines() if line.strip()]
    assert tests
    assert all(t.startswith("tempest.api.identity.v3.test_") for t in tests)
    stats = node["cmd"]["subunit_stats"]["out"]
    assert re.search(r"Failed tests:\s+0\b", stats), stats


def test_keystone_serves_the_clouds(node):
    assert node["exists"]["/etc/openstack/clouds.yaml"]
