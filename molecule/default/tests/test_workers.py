# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a Zuul job (and devstack-gate) finds on a worker after worker_pool + nodepool_worker.

Shared by the molecule scenarios default, multinode and docker. The scenario names its
workers in GATEKIT_TEST_WORKERS (testinfra URLs, primary first, e.g.
``podman://mol-default-primary``); testinfra's podman/docker backends exec straight
into the containers (the ansible backend would start ansible for every command).
"""

import json
import os
import subprocess
import time

import pytest
import testinfra

URLS = [u for u in os.environ.get("GATEKIT_TEST_WORKERS", "").split(",") if u]
NAMES = [u.split("://", 1)[1] for u in URLS]
ENGINE = URLS[0].split("://", 1)[0] if URLS else "podman"
CA_DEST = "/etc/gatekit/host-ca-bundle.crt"

pytestmark = pytest.mark.skipif(not URLS, reason="GATEKIT_TEST_WORKERS is not set")


@pytest.fixture(scope="module", params=URLS, ids=NAMES)
def node(request):
    return testinfra.get_host(request.param)


def hosts():
    return {name: testinfra.get_host(url) for name, url in zip(NAMES, URLS, strict=True)}


def inspect(name):
    out = subprocess.run([ENGINE, "inspect", name], check=True, capture_output=True, text=True).stdout
    return json.loads(out)[0]


def test_pid1_is_an_init(node):
    cmdline = node.file("/proc/1/cmdline").content_string
    assert "init" in cmdline.split("\0")[0], cmdline


def test_pool_labels_and_limits():
    for index, name in enumerate(NAMES):
        data = inspect(name)
        labels = data["Config"]["Labels"]
        assert labels["gatekit.pool"] == NAMES[0].rsplit("-primary", 1)[0]
        assert labels["gatekit.node-role"] == ("primary" if index == 0 else "subnode")
        assert labels["gatekit.spec"]
        assert data["HostConfig"]["Memory"] > 0
        mounts = {m["Destination"]: m for m in data["Mounts"]}
        assert CA_DEST in mounts and not mounts[CA_DEST]["RW"]


def test_zuul_user(node):
    user = node.user("zuul")
    assert user.exists
    assert user.shell == "/bin/bash"
    assert user.home == "/home/zuul"


def test_sudoers(node):
    sudoers = node.file("/etc/sudoers.d/zuul")
    assert sudoers.mode == 0o440 and sudoers.user == "root"
    assert "zuul ALL=(ALL) NOPASSWD:ALL" in sudoers.content_string
    assert node.run("visudo -c").rc == 0
    assert node.run("su - zuul -c 'sudo -n true'").rc == 0


def test_sshd_settings(node):
    effective = node.check_output("sshd -T").lower().splitlines()
    for line in ("passwordauthentication no", "logingracetime 30", "maxstartups 30:10:100"):
        assert line in effective


def test_sshd_running_and_kept_alive(node):
    assert node.socket("tcp://0.0.0.0:22").is_listening
    pid = node.file("/run/sshd.pid").content_string.strip()
    node.run("kill %s" % pid)
    for _attempt in range(40):
        time.sleep(0.25)
        new = node.run("cat /run/sshd.pid").stdout.strip()
        if new and new != pid and node.run("kill -0 %s" % new).rc == 0:
            break
    else:
        pytest.fail("sshd was not restarted after it died")
    for _attempt in range(40):
        if node.socket("tcp://0.0.0.0:22").is_listening:
            break
        time.sleep(0.25)
    assert node.socket("tcp://0.0.0.0:22").is_listening


def test_nodepool_files(node):
    names = NAMES
    me = node.check_output("hostname")
    etc = node.file("/etc/nodepool")
    assert etc.is_directory and etc.mode == 0o777
    provider = node.file("/etc/nodepool/provider").content_string
    assert "NODEPOOL_PROVIDER=gatekit-embedded\n" in provider
    assert "NODEPOOL_REGION=" in provider and "NODEPOOL_CLOUD=" in provider
    role = node.file("/etc/nodepool/role").content_string.strip()
    assert role == ("primary" if me == names[0] else "sub")
    my_ip = node.file("/etc/nodepool/node_private").content_string.strip()
    assert my_ip in node.check_output("hostname -I").split()
    subs = node.file("/etc/nodepool/sub_nodes_private").content_string.split()
    assert len(subs) == len(names) - 1
    primary = node.file("/etc/nodepool/primary_node_private").content_string.strip()
    assert primary not in subs
    for name in ("node", "primary_node", "sub_nodes", "id_rsa.pub"):
        assert node.file("/etc/nodepool/" + name).exists
    key = node.file("/etc/nodepool/id_rsa")
    assert key.mode == 0o600 and key.user == "zuul"


def test_nodeset_files_agree():
    nodes = hosts()
    primaries = {h.file("/etc/nodepool/primary_node_private").content_string for h in nodes.values()}
    keys = {h.file("/etc/nodepool/id_rsa.pub").content_string for h in nodes.values()}
    assert len(primaries) == 1 and len(keys) == 1
    own = sorted(h.file("/etc/nodepool/node_private").content_string.strip() for h in nodes.values())
    primary = primaries.pop().strip()
    subs = next(iter(nodes.values())).file("/etc/nodepool/sub_nodes_private").content_string.split()
    assert sorted(subs + [primary]) == own


def test_mirrors_and_ca(node):
    info = node.file("/etc/ci/mirror_info.sh").content_string
    assert "export NODEPOOL_PYPI_MIRROR=" in info and "export NODEPOOL_MIRROR_HOST=" in info
    pip = node.file("/etc/pip.conf").content_string
    assert "cert = %s" % CA_DEST in pip
    assert node.file(CA_DEST).size > 0
    assert "REQUESTS_CA_BUNDLE" in node.file("/etc/profile.d/gatekit-ca.sh").content_string


def test_caches_and_workspace(node):
    for path, owner in (("/opt/git", "zuul"), ("/opt/cache/files", "root"), ("/opt/cache/wheels", None),
                        ("/opt/stack", "zuul"), ("/home/zuul/src", "zuul"),
                        ("/home/zuul/zuul-output/logs", "zuul"), ("/home/zuul/zuul-output/artifacts", "zuul"),
                        ("/home/zuul/zuul-output/docs", "zuul")):
        f = node.file(path)
        assert f.is_directory, path
        if owner:
            assert f.user == owner, path
    link = node.file("/home/zuul/cache/files")
    assert link.is_symlink and link.linked_to == "/opt/cache/files"
    assert node.file("/etc/image-hostname.txt").exists and node.file("/etc/dib-builddate.txt").exists


def test_container_skips(node):
    # Swap, the firewall and unbound belong to the container host: left untouched.
    assert "127.0.0.1" not in node.file("/etc/resolv.conf").content_string
    assert not node.file("/etc/iptables/rules.v4").exists
    assert not node.file("/root/swapfile").exists


def test_hosts_and_known_hosts(node):
    etc_hosts = node.file("/etc/hosts").content_string
    known = node.file("/etc/ssh/ssh_known_hosts").content_string
    for name in NAMES:
        assert name in etc_hosts
        assert name in known


@pytest.mark.parametrize("target", NAMES)
def test_zuul_ssh_across_the_nodeset(node, target):
    out = node.run("su - zuul -c 'ssh -o BatchMode=yes -o ConnectTimeout=10 %s hostname'" % target)
    assert out.rc == 0, out.stderr
    assert out.stdout.strip() == target
