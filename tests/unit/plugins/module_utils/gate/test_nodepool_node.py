# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""nodepool_node: the node's tree from plain facts, file by file.

The two fixtures are what the role's former Jinja template (tree.yml.j2) produced for
the same inputs: a subnode in a container with a mirror and the CA bundle, and a
primary on a real Ubuntu host without them.
"""

import copy
import json
import os

import pytest

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError
from ansible_collections.gatekit.devstack.plugins.module_utils.gate.node_tree import check_entries
from ansible_collections.gatekit.devstack.plugins.module_utils.gate.nodepool_node import (
    build_node_tree,
    node_addresses,
    render_apt_mirror_list,
    render_mirror_info,
)

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")
KEEPALIVE = open(os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "..", "roles", "nodepool_worker", "files",
                              "keepalive.sh")).read()
SSHD = {"PasswordAuthentication": "no", "KbdInteractiveAuthentication": "no", "PermitRootLogin": "prohibit-password",
        "LoginGraceTime": "30", "MaxStartups": "30:10:100", "UseDNS": "no"}
NODEPOOL = {"provider": "gatekit-embedded", "cloud": "gatekit", "region": "local", "az": None, "label": "gatekit-bookworm"}


def peer(name, public, private, hostname, zuul_pub=True):
    nodepool = dict(NODEPOOL, public_ipv4=public, private_ipv4=private) if public else {}
    return {"name": name, "hostname": hostname, "nodepool": nodepool, "ansible_host": name if public else private,
            "host_keys": ["ssh-ed25519 AAAA" + name, "ssh-rsa BBBB"], "zuul_pub": ["ssh-rsa ZUULPUB"] if zuul_pub else []}


NODESET = [peer("n1", "10.0.0.1", None, "n1"), peer("n2", "10.0.0.2", "192.168.0.2", "host-two"),
           peer("n3", None, "n3.example.org", "n3", zuul_pub=False)]
# n3 has no nodepool hostvar: its ansible_host (a DNS name) is both addresses.
NODESET[2]["nodepool"] = {}


def node(**over):
    base = {"name": "n2", "primary": "n1", "nodeset": NODESET, "user": "zuul", "home": "/home/zuul",
            "container": True, "sshd_settings": SSHD, "keepalive": KEEPALIVE.rstrip("\n"),
            "git_cache": "/opt/git", "files_cache": "/opt/cache/files", "wheel_cache": "/opt/cache/wheels",
            "stack_dir": "/opt/stack", "output_dirs": ["logs", "artifacts", "docs"], "image_name": "gatekit-bookworm",
            "build_date": "2026-12-03 14:12", "mirror_fqdn": "mirror.example.org",
            "pypi_mirror": "https://mirror.example.org/pypi/simple", "debian_mirror": "http://mirror.example.org/debian",
            "ubuntu_mirror": "http://mirror.example.org/ubuntu", "ca_bundle": "/etc/gatekit/host-ca-bundle.crt",
            "ca_present": True, "distro": "debian", "codename": "bookworm", "nodeset_pub": "ssh-rsa AAAANODESET",
            "authorized_keys": ["ssh-rsa EXEC", "ssh-rsa ZUULPUB", "ssh-ed25519 CONNECT"]}
    base.update(over)
    return base


def fixture(name):
    with open(os.path.join(FIXTURES, "node_tree_%s.json" % name)) as handle:
        return json.load(handle)


def test_subnode_in_a_container_matches_the_former_template():
    assert build_node_tree(node()) == fixture("sub-container")


def test_primary_on_a_host_matches_the_former_template():
    built = build_node_tree(node(
        name="n1", container=False, mirror_fqdn="", pypi_mirror="https://pypi.org/simple", debian_mirror="",
        ubuntu_mirror="http://m/ubuntu", ca_present=False, distro="ubuntu", codename="noble", authorized_keys=[],
        build_date="2026-12-03 14:13"))
    assert built == fixture("primary-host")


def test_entries_are_valid_node_tree_entries():
    check_entries(build_node_tree(node()))


def test_addresses_fall_back_to_ansible_host_then_name():
    assert node_addresses({"name": "a", "nodepool": {"interface_ip": "10.1.1.1"}}) == {
        "public": "10.1.1.1", "private": "10.1.1.1", "hostname": "a"}
    assert node_addresses({"name": "a", "ansible_host": "h.example", "hostname": "a1"})["private"] == "h.example"
    assert node_addresses({"name": "a"})["public"] == "a"


def test_no_mirror_no_ca_means_no_sources_list_and_no_profile():
    paths = [e["path"] for e in build_node_tree(node(debian_mirror="", ca_present=False))]
    assert "/etc/apt/sources.list.d/gatekit-mirror.list" not in paths
    assert "/etc/profile.d/gatekit-ca.sh" not in paths


def test_mirror_info_quotes_for_the_shell():
    text = render_mirror_info(node(mirror_fqdn="", ca_bundle="/a b/ca.crt"))
    assert "export NODEPOOL_MIRROR_HOST=''\n" in text
    assert "export NODEPOOL_CA_BUNDLE='/a b/ca.crt'\n" in text


def test_debian_security_suite_lives_under_debian_security():
    text = render_apt_mirror_list("debian", "bookworm", "http://m/debian/")
    assert text.splitlines()[-1] == "deb http://m/debian-security bookworm-security main"


def test_single_node_nodeset():
    alone = [copy.deepcopy(NODESET[0])]
    tree = {e["path"]: e for e in build_node_tree(node(name="n1", nodeset=alone))}
    assert tree["/etc/nodepool/sub_nodes"]["content"] == ""
    assert tree["/etc/nodepool/role"]["content"] == "primary\n"
    assert tree["/etc/hosts"]["content"] == "10.0.0.1 n1\n"


@pytest.mark.parametrize("over, key", [({"name": "nx"}, "node.name"), ({"primary": "nx"}, "node.primary"),
                                       ({"home": "home/zuul"}, "node.home")])
def test_bad_input_names_the_key(over, key):
    with pytest.raises(GatekitInputError) as err:
        build_node_tree(node(**over))
    assert str(err.value).startswith(key + ":")
