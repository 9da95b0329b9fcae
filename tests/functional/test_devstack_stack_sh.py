# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The devstack role's stack_sh method against a STAND-IN DevStack.

Real DevStack cannot run here (no git hosting of the OpenStack repositories is
reachable), so fixtures/fake-devstack/stack.sh stands in for it: a local git repository
whose stack.sh deploys nothing, checks the local.conf and environment it receives, and
writes what DevStack leaves behind (devstacklog.txt, .stackenv, clouds.yaml). Everything
else is real: podman worker, the role, the devstack_local_conf module, git, sudo.
"""

import json

import pytest
from devstack_fixtures import FAKE_DEVSTACK, Worker, git_repo, podman

JOB_VARS = {
    "devstack_method": "stack_sh",
    "devstack_verify": False,  # the stand-in serves no keystone
    "devstack_services": {"base": False, "mysql": True, "key": True, "horizon": False},
    "devstack_localrc": {"REGION_NAME": "RegionTwo", "KEYSTONE_ENFORCE_SCOPE": True},
    "devstack_local_conf": {"post-config": {"$KEYSTONE_CONF": {"DEFAULT": {"debug": True}}}},
    "devstack_plugins": {"devstack-plugin-x": "https://opendev.org/x/devstack-plugin-x"},
}

@pytest.fixture(scope="module")
def worker(tmp_path_factory):
    w = Worker(tmp_path_factory.mktemp("gkds-stack-sh"))
    yield w
    w.remove()

@pytest.fixture(scope="module")
def upstream(worker, tmp_path_factory):
    repo = git_repo(FAKE_DEVSTACK, tmp_path_factory.mktemp("git") / "devstack", "git-url")
    worker.sh("mkdir -p /srv/git")

    podman("cp", str(repo), "%s:/srv/git/devstack" % worker.name)
    worker.sh("chmod -R a+rX /srv/git && git config --system --add safe.directory '*'")
    return "file:///srv/git/devstack"

def job(upstream, **extra):
    vars_ = dict(JOB_VARS, devstack_git_url=upstream, devstack_git_branch="master")
    vars_.update(extra)
    return vars_

KEEP_FACT = [{"name": "keep the fact", "ansible.builtin.copy": {
    "dest": "/root/devstack_deployment.json", "content": "{{ devstack_deployment | to_json }}", "mode": "0644"}}]

def test_git_url_clone_and_stack(worker, upstream):
    rc, data, out = worker.play(job(upstream), tasks=KEEP_FACT)
    assert rc == 0, out
    report = json.loads(worker.read("/opt/stack/stand-in-report.json"))
    assert report["origin"] == "git-url"
    assert report["user"] == "stack" and report["home"] == "/opt/stack" and report["cwd"] == "/opt/stack/devstack"
    assert report["local_conf_mode"] == "0o600"
    assert report["local_conf_sections"] == ["[[local|localrc]]", "[[post-config|$KEYSTONE_CONF]]"]
    assert report["enabled_services"] == ["mysql", "key"]
    assert report["plugins"] == ["devstack-plugin-x"]
    local_conf = worker.read("/opt/stack/devstack/local.conf")
    assert 'REGION_NAME="RegionTwo"' in local_conf
    assert 'LOGFILE="/opt/stack/logs/devstacklog.txt"' in local_conf
    # Generated passwords reach stack.sh but never the job output.
    secrets = json.loads(worker.read("/opt/stack/.gatekit-secrets"))
    assert "ADMIN_PASSWORD=\"%s\"" % secrets["admin"] in local_conf
    assert secrets["admin"] not in out
    assert "stand-in stack.sh done" in worker.read("/opt/stack/logs/devstacklog.txt")
    assert worker.read("/opt/stack/logs/stack.sh.console.txt").rstrip().endswith("*** FINISHED ***")
    clouds = json.loads(worker.read("/etc/openstack/clouds.yaml"))["clouds"]
    assert {"devstack", "devstack-admin", "devstack-alt"} <= set(clouds)
    fact = json.loads(worker.read("/root/devstack_deployment.json"))
    assert fact["method"] == "stack_sh"
    assert fact["auth_url"] == clouds["devstack-admin"]["auth"]["auth_url"]
    assert fact["auth_url"].endswith("/identity")
    assert fact["services"] == ["mysql", "key"]
    assert fact["region"] == "RegionTwo"

def test_second_run_does_not_restack(worker, upstream):
    rc, data, out = worker.play(job(upstream))
    assert rc == 0, out
    stats = data["stats"][worker.name]
    assert stats["changed"] == 0, out
    assert worker.read("/opt/stack/stand-in-runs").strip() == "1"

def test_failing_stack_sh_fails_with_its_status_and_keeps_logs(worker, upstream):
    vars_ = job(upstream)
    vars_["devstack_localrc"] = dict(vars_["devstack_localrc"], STANDIN_FAIL=3)
    rc, data, out = worker.play(vars_)
    assert rc != 0
    assert "stack.sh failed with exit status 3" in out
    assert "stand-in failing on request" in worker.read("/opt/stack/logs/devstacklog.txt")
    secrets = json.loads(worker.read("/opt/stack/.gatekit-secrets"))
    assert secrets["admin"] not in out  # masked even though stack.sh printed it
    assert "********" in out
    assert json.loads(worker.read("/opt/stack/.gatekit-stack-sh.json"))["rc"] == 3

def test_stack_sh_is_stopped_at_the_timeout(worker, upstream):
    vars_ = job(upstream, devstack_stack_sh_timeout=3)
    vars_["devstack_localrc"] = dict(vars_["devstack_localrc"], STANDIN_SLEEP=120)
    rc, data, out = worker.play(vars_)
    assert rc != 0
    assert "exit status 124 (timed out after 3 s)" in out
    assert worker.sh("pgrep -f 'sleep 120'", check=False).returncode == 1

def test_zuul_prepared_tree_wins_over_git(worker, upstream, tmp_path):
    src = git_repo(FAKE_DEVSTACK, tmp_path / "devstack", "zuul-src")
    worker.sh("mkdir -p /home/zuul/src/opendev.org/openstack")

    podman("cp", str(src), "%s:/home/zuul/src/opendev.org/openstack/devstack" % worker.name)
    zuul = {"projects": {"opendev.org/openstack/devstack": {
        "short_name": "devstack", "src_dir": "src/opendev.org/openstack/devstack", "required": False}},
        "project": {"short_name": "devstack", "src_dir": "src/opendev.org/openstack/devstack"}}
    rc, data, out = worker.play(job(upstream, zuul=zuul, devstack_zuul_src_root="/home/zuul"))
    assert rc == 0, out
    report = json.loads(worker.read("/opt/stack/stand-in-report.json"))
    assert report["origin"] == "zuul-src"
    assert "LIBS_FROM_GIT=devstack" in worker.read("/opt/stack/devstack/local.conf")
    assert worker.sh("stat -c %U /opt/stack/devstack/stack.sh").stdout.strip() == "stack"

def test_bad_method_is_refused_before_any_change(worker):
    rc, data, out = worker.play({"devstack_method": "tarball"})
    assert rc != 0
    # The role's argument spec refuses it before the first task runs.
    assert "devstack_method" in out and "tarball" in out and "pip, stack_sh" in out
    assert data["stats"][worker.name]["changed"] == 0
