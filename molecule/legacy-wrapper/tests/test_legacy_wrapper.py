# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The worker after the legacy-wrapper scenario: the role's installation and three jobs."""

import json
import re

HOME = "/usr/local/gatekit/devstack-gate"
RESULTS = "/root/gkdg-results"


def result(host, name):
    return json.loads(host.file("%s/%s.json" % (RESULTS, name)).content_string)


def last_line(host, path):
    lines = host.file(path).content_string.rstrip("\n").splitlines()
    return lines[-1] if lines else ""


# --- installation


def test_wrapper_installed(host):
    for name in ("devstack-vm-gate-wrap.sh", "devstack-vm-gate.sh"):
        script = host.file("%s/%s" % (HOME, name))
        assert script.is_file
        assert script.mode == 0o755
    assert host.file("/etc/gatekit/devstack-gate.conf").contains("GATEKIT_DG_COLLECTIONS=/opt/gatekit/collections")


def test_ansible_and_collection_on_the_node(host):
    out = host.check_output("/opt/gatekit/venv/bin/ansible-galaxy collection list -p /opt/gatekit/collections gatekit.devstack")
    assert "gatekit.devstack" in out
    # the wrapper's translation imports the ONE mapping from that copy, not its own
    found = host.check_output("find /opt/gatekit /usr/local/gatekit -name 'legacy_mapping*.py'").split()
    assert found == ["/opt/gatekit/collections/ansible_collections/gatekit/devstack/plugins/module_utils/legacy_mapping.py"]


def test_workspace_required(host):
    cmd = host.run("env -i PATH=/usr/bin:/bin %s/devstack-vm-gate-wrap.sh", HOME)
    assert cmd.rc == 1
    assert "WORKSPACE must be set" in cmd.stderr


# --- job 1: failing pre_test_hook


def test_failing_pre_test_hook_fails_the_job(host):
    res = result(host, "prehook")
    assert int(res["rc"]) == 3
    assert res["last_line"] == "*** FAILED with status: 3"
    logs = res["log_dir"]
    assert last_line(host, logs + "/devstack-gate-wrap.txt") == "*** FAILED with status: 3"
    assert host.file(logs + "/devstack-gate-pre_test_hook.txt").contains("preparing the node for gkdg")
    assert host.file(logs + "/reproduce.sh").contains("export -f pre_test_hook")
    assert not host.file("/home/zuul/ws-prehook/gate-hook-ran").exists
    assert host.file("/home/zuul/ws-prehook/safe-devstack-vm-gate-wrap.sh").is_file


# --- job 2: timeout


def test_timeout_exits_137_and_keeps_logs(host):
    res = result(host, "timeout")
    assert int(res["rc"]) == 137
    assert res["timed_out"] in (True, "True", "true")
    logs = res["log_dir"]
    wrap = host.file(logs + "/devstack-gate-wrap.txt")
    assert wrap.contains("BUILD_TIMEOUT reached")
    assert last_line(host, logs + "/devstack-gate-wrap.txt") == "*** FAILED with status: 137"
    hook_log = host.file(logs + "/devstack-gate-gate_hook.txt").content_string
    assert "sleeping past the deadline" in hook_log
    assert "was not killed" not in hook_log
    assert not host.file("/home/zuul/ws-timeout/post-hook-ran").exists
    assert not host.file("/home/zuul/ws-timeout/gate.pid").exists


def test_timeout_killed_the_whole_process_group(host):
    # the foreground sleep and the one gate_hook put in the background
    assert host.run("pgrep -f 'sleep 317[12]'").rc == 1


# --- job 3: DEVSTACK_GATE_TEMPEST=1 + regex -> pip keystone + tempest


def test_tempest_job_succeeds(host):
    res = result(host, "tempest")
    assert int(res["rc"]) == 0
    assert res["last_line"] == "SUCCESSFULLY FINISHED"
    assert "DEVSTACK_GATE_GKDG_NOT_A_FLAG" in res["unknown"]


def test_tempest_job_logs(host):
    logs = "/home/zuul/workspace/logs"
    assert last_line(host, logs + "/devstack-gate-wrap.txt") == "SUCCESSFULLY FINISHED"
    for name in ("testrepository.subunit", "testr_results.html", "devstack-gate-ansible.txt", "dg-local.conf.txt", "reproduce.sh"):
        assert host.file("%s/%s" % (logs, name)).is_file, name
    assert host.file(logs + "/post-hook-marker.txt").contains("after a passing gate")
    # DevStack's service logs, renamed .txt as devstack-gate did
    assert host.file(logs + "/stack/keystone.txt").is_file
    assert not host.run("find %s/stack -name '*.log'", logs).stdout.strip()
    # everything under logs/ belongs to the job user
    assert host.run("find %s ! -user zuul", logs).stdout.strip() == ""


def test_tempest_job_translation(host):
    logs = "/home/zuul/workspace/logs"
    job_vars = json.loads(host.file(logs + "/devstack-gate-vars.json").content_string)
    assert job_vars["tox_envlist"] == "all"
    assert job_vars["tempest_test_regex"].startswith("^tempest\\.api\\.identity")
    assert job_vars["devstack_method"] == "pip"
    assert job_vars["devstack_localrc"]["KEYSTONE_PASSWORD_HASH_ROUNDS"] in ("4", 4)
    report = json.loads(host.file(logs + "/devstack-gate-translation.json").content_string)
    assert report["translation"]["unknown"] == ["DEVSTACK_GATE_GKDG_NOT_A_FLAG"]
    assert "gkdg_not_a_flag" not in json.dumps(job_vars).lower()
    wrap = host.file(logs + "/devstack-gate-wrap.txt")
    assert wrap.contains("DEVSTACK_GATE_GKDG_NOT_A_FLAG is not a devstack-gate setting")


def test_tempest_ran_identity_tests_only(host):
    venv = "/opt/stack/tempest-venv"
    out = host.check_output("%s/bin/subunit-ls < /home/zuul/workspace/logs/testrepository.subunit", venv)
    tests = [line for line in out.splitlines() if line.strip()]
    assert tests
    assert all(t.startswith("tempest.api.identity.v3.test_") for t in tests)
    stats = host.check_output("%s/bin/subunit-stats < /home/zuul/workspace/logs/testrepository.subunit || true", venv)
    assert re.search(r"Failed tests:\s+0\b", stats), stats


def test_keystone_serves_the_clouds(host):
    assert host.file("/etc/openstack/clouds.yaml").is_file
