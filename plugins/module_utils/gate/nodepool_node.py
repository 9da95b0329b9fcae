# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a nodepool-style node needs on disk, as ``node_tree`` entries (pure, no I/O).

The nodepool_worker role passes plain facts about the node and its nodeset; these
functions turn them into the files, directories, links and managed blocks that
``node_tree.converge_entry`` writes.

* ``node_addresses(peer)`` -- ``{public, private, hostname}`` of one nodeset member from
  its ``nodepool`` hostvar (``public_ipv4``, ``interface_ip``, ``private_ipv4``), else
  its ``ansible_host``, else its name.
* ``nodeset_addresses(nodeset)`` -- ``{name: node_addresses(peer)}`` in nodeset order.
* ``render_sshd_conf``, ``render_mirror_info``, ``render_pip_conf``, ``render_apt_conf``,
  ``render_ca_profile``, ``render_apt_mirror_list`` -- one file each.
* ``build_node_tree(node)`` -- every entry, in order (directories before their files).
"""

import posixpath
import re
import shlex

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError

HEADER = "Ansible managed (gatekit.devstack.nodepool_worker)"
MARKER = "# {mark} gatekit.devstack nodepool_worker"
DEFAULT_DEBIAN_MIRROR = "http://deb.debian.org/debian"
DEFAULT_UBUNTU_MIRROR = "http://archive.ubuntu.com/ubuntu"
# /etc/hosts takes addresses only; a nodeset member known by a DNS name is left to DNS.
IP_RE = re.compile(r"^[0-9.]+$|^[0-9a-fA-F:]+$")
HOME_DIRS = (".ssh", "cache", "src", "zuul-output")


def _lines(items):
    return "".join("%s\n" % item for item in items)


def _unique(items):
    out = []
    for item in items:
        if item and item not in out:
            out.append(item)
    return out


def node_addresses(peer):
    """The member's public and private address and its hostname."""
    nodepool = peer.get("nodepool") or {}
    public = (nodepool.get("public_ipv4") or nodepool.get("interface_ip") or peer.get("ansible_host")
              or peer["name"])
    return {"public": public, "private": nodepool.get("private_ipv4") or public,
            "hostname": peer.get("hostname") or peer["name"]}


def nodeset_addresses(nodeset):
    return {peer["name"]: node_addresses(peer) for peer in nodeset}


def render_sshd_conf(settings):
    return "# %s\n# The sshd settings of nodepool's infra-package-needs element.\n%s" % (
        HEADER, _lines("%s %s" % (key, value) for key, value in settings.items()))


def render_mirror_info(node):
    """/etc/ci/mirror_info.sh, as openstack-zuul-jobs' mirror-info role wrote it for legacy jobs."""
    values = [
        ("NODEPOOL_MIRROR_HOST", node["mirror_fqdn"]),
        ("NODEPOOL_PYPI_MIRROR", node["pypi_mirror"]),
        ("NODEPOOL_DEBIAN_MIRROR", node["debian_mirror"] or DEFAULT_DEBIAN_MIRROR),
        ("NODEPOOL_UBUNTU_MIRROR", node["ubuntu_mirror"] or DEFAULT_UBUNTU_MIRROR),
        ("NODEPOOL_WHEEL_MIRROR", "file://" + node["wheel_cache"]),
        ("NODEPOOL_CA_BUNDLE", node["ca_bundle"] if node["ca_present"] else ""),
    ]
    return ("#!/bin/bash -x\n# %s\n# What openstack-zuul-jobs' mirror-info role wrote for legacy jobs and devstack-gate.\n"
            % HEADER) + _lines("export %s=%s" % (key, shlex.quote(value or "")) for key, value in values)


def render_pip_conf(node):
    cert = "cert = %s\n" % node["ca_bundle"] if node["ca_present"] else ""
    return "# %s\n[global]\nindex-url = %s\ntimeout = 60\nretries = 5\n%s" % (HEADER, node["pypi_mirror"], cert)


def render_apt_conf(node):
    ca = 'Acquire::https::CaInfo "%s";\n' % node["ca_bundle"] if node["ca_present"] else ""
    return '// %s\nAcquire::Retries "3";\n%s' % (HEADER, ca)


def render_ca_profile(ca_bundle):
    quoted = shlex.quote(ca_bundle)
    return ("# %s\n# The controller's CA bundle: TLS from this node goes through a CA only it trusts.\n" % HEADER
            + _lines("export %s=%s" % (name, quoted)
                     for name in ("REQUESTS_CA_BUNDLE", "SSL_CERT_FILE", "GIT_SSL_CAINFO", "PIP_CERT")))


def apt_mirror(node):
    """The archive mirror for this node's distro; '' keeps the node's own apt sources."""
    return (node["ubuntu_mirror"] if node["distro"] == "ubuntu" else node["debian_mirror"]) or ""


def render_apt_mirror_list(distro, codename, mirror):
    if distro == "ubuntu":
        suites = [(mirror, codename), (mirror, codename + "-updates"), (mirror, codename + "-security")]
        components = "main universe"
    else:
        # Debian serves the security suite under debian-security on the same mirror.
        suites = [(mirror, codename), (mirror, codename + "-updates"),
                  (re.sub(r"/debian/?$", "/debian-security", mirror), codename + "-security")]
        components = "main"
    return "# %s\n%s" % (HEADER, _lines("deb %s %s %s" % (url, suite, components) for url, suite in suites))


def _provider_file(nodepool):
    return "".join("NODEPOOL_%s=%s\n" % (key.upper(), nodepool.get(key) or "")
                   for key in ("provider", "cloud", "region", "az"))


def _check(node):
    names = [peer.get("name") for peer in node["nodeset"]]
    if node["name"] not in names:
        raise GatekitInputError("node.name", "%r is not in node.nodeset (%s)" % (node["name"], ", ".join(names)))
    if node["primary"] not in names:
        raise GatekitInputError("node.primary", "%r is not in node.nodeset (%s)" % (node["primary"], ", ".join(names)))
    if not str(node["home"]).startswith("/"):
        raise GatekitInputError("node.home", "must be an absolute path, got %r" % (node["home"],))


def build_node_tree(node):
    """Every file, directory, link and block the node needs, in order."""
    _check(node)
    user, home = node["user"], node["home"]
    own = {"owner": user, "group": user}
    nodes = nodeset_addresses(node["nodeset"])
    me, primary = nodes[node["name"]], nodes[node["primary"]]
    nodepool = next(peer for peer in node["nodeset"] if peer["name"] == node["name"]).get("nodepool") or {}
    subs = [nodes[peer["name"]] for peer in node["nodeset"] if peer["name"] != node["primary"]]
    keepalive = node["keepalive"] if node["keepalive"].endswith("\n") else node["keepalive"] + "\n"

    entries = [
        # sudo and sshd
        {"path": "/etc/sudoers.d/" + user, "content": "%s ALL=(ALL) NOPASSWD:ALL\n" % user, "owner": "root",
         "group": "root", "mode": "0440", "validate": "/usr/sbin/visudo -cf %s"},
        {"path": "/etc/ssh/sshd_config.d", "state": "directory", "mode": "0755"},
        {"path": "/etc/ssh/sshd_config.d/50-gatekit.conf", "content": render_sshd_conf(node["sshd_settings"]),
         "mode": "0644"},
        {"path": "/run/sshd", "state": "directory", "mode": "0755"},
        {"path": "/usr/local/sbin/gatekit-keepalive", "content": keepalive, "mode": "0755"},
        # caches
        dict(own, path=node["git_cache"], state="directory", mode="0755"),
        {"path": posixpath.dirname(node["files_cache"]), "state": "directory", "mode": "0755"},
        {"path": node["files_cache"], "state": "directory", "mode": "0755"},
        {"path": node["wheel_cache"], "state": "directory", "mode": "0755"},
        # workspace
        dict(own, path=node["stack_dir"], state="directory", mode="0755"),
    ]
    home_dirs = list(HOME_DIRS) + ["zuul-output/" + name for name in node["output_dirs"]]
    entries += [dict(own, path="%s/%s" % (home, name), state="directory", mode="0700" if name == ".ssh" else "0755")
                for name in home_dirs]
    entries += [
        {"path": home + "/cache/files", "state": "link", "src": node["files_cache"]},
        # image metadata (kept when the image brought its own)
        {"path": "/etc/image-hostname.txt", "content": node["image_name"] + "\n", "mode": "0644", "force": False},
        {"path": "/etc/dib-builddate.txt", "content": node["build_date"] + "\n", "mode": "0644", "force": False},
        # mirrors and the CA bundle
        {"path": "/etc/ci", "state": "directory", "mode": "0755"},
        {"path": "/etc/ci/mirror_info.sh", "content": render_mirror_info(node), "mode": "0644"},
        {"path": "/etc/pip.conf", "content": render_pip_conf(node), "mode": "0644"},
        {"path": "/etc/apt/apt.conf.d/99gatekit", "content": render_apt_conf(node), "mode": "0644"},
    ]
    if node["ca_present"]:
        entries.append({"path": "/etc/profile.d/gatekit-ca.sh", "content": render_ca_profile(node["ca_bundle"]),
                        "mode": "0644"})
    mirror = apt_mirror(node)
    if mirror:
        entries.append({"path": "/etc/apt/sources.list.d/gatekit-mirror.list", "mode": "0644",
                        "content": render_apt_mirror_list(node["distro"], node["codename"], mirror)})
    # /etc/nodepool: the files pre-v3 nodepool wrote and devstack-gate reads
    entries += [
        {"path": "/etc/nodepool", "state": "directory", "mode": "0777"},
        {"path": "/etc/nodepool/provider", "mode": "0644", "content": _provider_file(nodepool)},
        {"path": "/etc/nodepool/node", "content": me["public"] + "\n", "mode": "0644"},
        {"path": "/etc/nodepool/node_private", "content": me["private"] + "\n", "mode": "0644"},
        {"path": "/etc/nodepool/primary_node", "content": primary["public"] + "\n", "mode": "0644"},
        {"path": "/etc/nodepool/primary_node_private", "content": primary["private"] + "\n", "mode": "0644"},
        {"path": "/etc/nodepool/sub_nodes", "content": _lines(n["public"] for n in subs), "mode": "0644"},
        {"path": "/etc/nodepool/sub_nodes_private", "content": _lines(n["private"] for n in subs), "mode": "0644"},
        {"path": "/etc/nodepool/role", "content": ("primary" if node["name"] == node["primary"] else "sub") + "\n",
         "mode": "0644"},
        dict(own, path="/etc/nodepool/id_rsa.pub", content=node["nodeset_pub"] + " nodepool-nodeset\n", mode="0644"),
    ]
    # the nodeset: keys the login user accepts, names, host keys
    keys = _unique([node["nodeset_pub"]] + [key for peer in node["nodeset"] for key in peer.get("zuul_pub") or []]
                   + list(node["authorized_keys"]))
    hosts = ["%s %s" % (nodes[peer["name"]]["private"], " ".join(_unique([peer["name"], nodes[peer["name"]]["hostname"]])))
             for peer in node["nodeset"] if IP_RE.match(nodes[peer["name"]]["private"])]
    known = []
    for peer in node["nodeset"]:
        addr = nodes[peer["name"]]
        names = ",".join(_unique([peer["name"], addr["hostname"], addr["private"], addr["public"]]))
        known += ["%s %s" % (names, key) for key in peer.get("host_keys") or []]
    entries += [
        dict(own, path=home + "/.ssh/authorized_keys", state="block", marker=MARKER, mode="0600", content=_lines(keys)),
        {"path": "/etc/hosts", "state": "block", "marker": MARKER, "in_place": bool(node["container"]),
         "content": _lines(hosts)},
        {"path": "/etc/ssh/ssh_known_hosts", "state": "block", "marker": MARKER, "mode": "0644", "content": _lines(known)},
    ]
    return entries
