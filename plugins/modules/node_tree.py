#!/usr/bin/python
# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Converge many small files, directories and symlinks in one module call."""

DOCUMENTATION = r"""
---
module: node_tree
short_description: Converge a list of files, managed blocks, directories and symlinks in one call
version_added: "0.1.0"
description:
  - Used by the C(gatekit.devstack.nodepool_worker) role. A node needs a few dozen small
    files and directories; over a container connection each module call costs several
    engine round trips, so they are converged here in one call.
  - Files are written atomically (temporary file, fsync, rename) and only when their
    content or attributes differ; C(changed) and the diff are honest.
  - Entries are handled in order, so a directory listed first exists for the entries after it.
  - Every entry is validated before anything is touched.
  - With O(node), the entries a nodepool-style node needs (sudoers, sshd drop-in, caches,
    workspace, image metadata, mirrors and CA settings, C(/etc/nodepool/*), C(authorized_keys),
    C(/etc/hosts) and C(ssh_known_hosts) across the nodeset) are built from plain facts
    first; O(paths) come after them.
options:
  node:
    description:
      - Facts about this node and its nodeset; the module builds the node's entries from them.
    type: dict
    suboptions:
      name:
        description: This node's name in O(node.nodeset).
        type: str
        required: true
      primary:
        description: The primary's name in O(node.nodeset).
        type: str
        required: true
      nodeset:
        description:
          - Every node of the nodeset, primary included, in order. Each has C(name), C(hostname),
            C(nodepool) (the hostvar, with C(public_ipv4), C(interface_ip), C(private_ipv4), C(provider),
            C(cloud), C(region), C(az)), C(ansible_host) (the address without a C(nodepool) hostvar),
            C(host_keys) (C(type base64) lines) and C(zuul_pub) (the login user's public keys).
        type: list
        elements: dict
        required: true
      user:
        description: The login user.
        type: str
        required: true
      home:
        description: The login user's home.
        type: str
        required: true
      container:
        description: The node is a container (its C(/etc/hosts) is bind-mounted and rewritten in place).
        type: bool
        default: false
      sshd_settings:
        description: sshd settings for the drop-in, in order.
        type: dict
        default: {}
      keepalive:
        description: The C(gatekit-keepalive) script's text.
        type: str
        required: true
      git_cache:
        description: Git cache directory (owned by the user).
        type: str
        required: true
      files_cache:
        description: Files cache directory (linked from C(~/cache/files)).
        type: str
        required: true
      wheel_cache:
        description: Wheel cache directory.
        type: str
        required: true
      stack_dir:
        description: Workspace directory (owned by the user).
        type: str
        required: true
      output_dirs:
        description: Directories under C(~/zuul-output).
        type: list
        elements: str
        default: []
      image_name:
        description: Written to C(/etc/image-hostname.txt) when absent.
        type: str
        required: true
      build_date:
        description: Written to C(/etc/dib-builddate.txt) when absent; default now (UTC, C(%Y-%m-%d %H:%M)).
        type: str
      mirror_fqdn:
        description: Mirror host for C(/etc/ci/mirror_info.sh); empty for none.
        type: str
        default: ""
      pypi_mirror:
        description: pip index URL.
        type: str
        required: true
      debian_mirror:
        description: Debian archive mirror; empty keeps the node's apt sources.
        type: str
        default: ""
      ubuntu_mirror:
        description: Ubuntu archive mirror; empty keeps the node's apt sources.
        type: str
        default: ""
      ca_bundle:
        description: CA bundle path on the node.
        type: str
        required: true
      ca_present:
        description: Whether O(node.ca_bundle) exists on the node (pip, apt and the profile then name it).
        type: bool
        default: false
      distro:
        description: C(ID) from C(/etc/os-release).
        type: str
        required: true
      codename:
        description: C(VERSION_CODENAME) from C(/etc/os-release).
        type: str
        required: true
      nodeset_pub:
        description: The nodeset key pair's public key (C(type base64)).
        type: str
        required: true
      authorized_keys:
        description: More public keys the login user accepts.
        type: list
        elements: str
        default: []
  paths:
    description: What to converge, in order (after the O(node) entries).
    type: list
    elements: dict
    default: []
    suboptions:
      path:
        description: Absolute path.
        type: str
        required: true
      state:
        description:
          - V(file) (the whole file is O(paths[].content)), V(block) (the lines between the
            O(paths[].marker) lines are O(paths[].content); the rest of the file is kept),
            V(directory) or V(link) (to O(paths[].src)).
        type: str
        choices: [file, block, directory, link]
        default: file
      content:
        description: File content, or the block's lines.
        type: str
      marker:
        description: Block marker line; V({mark}) becomes BEGIN / END.
        type: str
        default: "# {mark} MANAGED BLOCK"
      validate:
        description: Command run on the new content (V(%s) is the temporary file) before it replaces the file.
        type: str
      in_place:
        description:
          - Rewrite an existing file in place instead of renaming a new one over it, for
            bind-mounted files such as a container's C(/etc/hosts).
        type: bool
        default: false
      src:
        description: Link target.
        type: str
      owner:
        description: Owner name.
        type: str
      group:
        description: Group name.
        type: str
      mode:
        description: Octal mode as a string, for example V("0644").
        type: str
      force:
        description: For files, V(false) writes only when the file is absent.
        type: bool
        default: true
author:
  - gatekit.devstack developers (@gatekit)
extends_documentation_fragment: [gatekit.devstack.attributes]
"""

EXAMPLES = r"""
- name: Workspace and a marker file
  gatekit.devstack.node_tree:
    paths:
      - {path: /opt/stack, state: directory, owner: zuul, group: zuul, mode: "0755"}
      - {path: /etc/image-hostname.txt, content: "gatekit\n", force: false}
      - {path: /home/zuul/cache/files, state: link, src: /opt/cache/files}
      - {path: /etc/sudoers.d/zuul, content: "zuul ALL=(ALL) NOPASSWD:ALL\n", mode: "0440", validate: /usr/sbin/visudo -cf %s}
      - {path: /etc/hosts, state: block, content: "10.0.0.2 node-2\n", marker: "# {mark} nodeset", in_place: true}

- name: Everything a nodepool-style node needs, from plain facts
  gatekit.devstack.node_tree:
    node:
      name: node-1
      primary: node-1
      nodeset:
        - {name: node-1, hostname: node-1, nodepool: {private_ipv4: 10.0.0.2}, host_keys: ["ssh-ed25519 AAAA..."], zuul_pub: []}
      user: zuul
      home: /home/zuul
      keepalive: "{{ lookup('ansible.builtin.file', 'keepalive.sh') }}"
      git_cache: /opt/git
      files_cache: /opt/cache/files
      wheel_cache: /opt/cache/wheels
      stack_dir: /opt/stack
      image_name: gatekit-bookworm
      pypi_mirror: https://pypi.org/simple
      ca_bundle: /etc/gatekit/host-ca-bundle.crt
      distro: debian
      codename: bookworm
      nodeset_pub: ssh-rsa AAAA...
"""

RETURN = r"""
changed_paths:
  description: The paths that changed (or would change in check mode).
  returned: always
  type: list
  elements: str
  sample: [/etc/nodepool/node]
nodes:
  description: With O(node), each nodeset member's C(public) and C(private) address and C(hostname).
  returned: when O(node) is set
  type: dict
  sample: {node-1: {public: 10.0.0.2, private: 10.0.0.2, hostname: node-1}}
"""

import os
import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError
from ansible_collections.gatekit.devstack.plugins.module_utils.gate.node_tree import check_entries, converge_entry
from ansible_collections.gatekit.devstack.plugins.module_utils.gate.nodepool_node import build_node_tree, nodeset_addresses

NODE_OPTIONS = dict(
    name=dict(type="str", required=True),
    primary=dict(type="str", required=True),
    nodeset=dict(type="list", elements="dict", required=True),
    user=dict(type="str", required=True),
    home=dict(type="str", required=True),
    container=dict(type="bool", default=False),
    sshd_settings=dict(type="dict", default={}),
    keepalive=dict(type="str", required=True),
    git_cache=dict(type="str", required=True),
    files_cache=dict(type="str", required=True),
    wheel_cache=dict(type="str", required=True),
    stack_dir=dict(type="str", required=True),
    output_dirs=dict(type="list", elements="str", default=[]),
    image_name=dict(type="str", required=True),
    build_date=dict(type="str"),
    mirror_fqdn=dict(type="str", default=""),
    pypi_mirror=dict(type="str", required=True),
    debian_mirror=dict(type="str", default=""),
    ubuntu_mirror=dict(type="str", default=""),
    ca_bundle=dict(type="str", required=True),
    ca_present=dict(type="bool", default=False),
    distro=dict(type="str", required=True),
    codename=dict(type="str", required=True),
    nodeset_pub=dict(type="str", required=True),
    authorized_keys=dict(type="list", elements="str", default=[], no_log=False),
)
ENTRY_DEFAULTS = {"state": "file", "content": None, "marker": "# {mark} MANAGED BLOCK", "validate": None,
                  "in_place": False, "src": None, "owner": None, "group": None, "mode": None, "force": True}


def make_validator(module, command):
    """A callable running ``command`` (with %s) on a file; an error text or None."""
    def validate(path):
        rc, out, err = module.run_command(command.replace("%s", path), use_unsafe_shell=False)
        return None if rc == 0 else "%s (rc=%d): %s" % (command, rc, (err or out).strip())
    return validate


def main():
    module = AnsibleModule(
        argument_spec=dict(
            node=dict(type="dict", options=NODE_OPTIONS),
            paths=dict(type="list", elements="dict", default=[], options=dict(
                path=dict(type="str", required=True),
                state=dict(type="str", default="file", choices=["file", "block", "directory", "link"]),
                content=dict(type="str"),
                marker=dict(type="str", default="# {mark} MANAGED BLOCK"),
                validate=dict(type="str"),
                in_place=dict(type="bool", default=False),
                src=dict(type="str"),
                owner=dict(type="str"),
                group=dict(type="str"),
                mode=dict(type="str"),
                force=dict(type="bool", default=True),
            )),
        ),
        supports_check_mode=True,
    )
    node = module.params["node"]
    entries = module.params["paths"]
    result = {}

    def validator(entry):
        return make_validator(module, entry["validate"]) if entry["validate"] else None

    changed_paths = []
    diffs = []
    try:
        if node:
            if not node["build_date"]:
                node["build_date"] = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
            entries = [dict(ENTRY_DEFAULTS, **entry) for entry in build_node_tree(node)] + entries
            result["nodes"] = nodeset_addresses(node["nodeset"])
        check_entries(entries)
        for entry in entries:
            changed, diff = converge_entry(entry, module.check_mode, validate=validator(entry))
            if diff:
                diffs.append(diff)
            path = entry["path"]
            if entry["state"] != "link" and os.path.lexists(path):
                file_args = module.load_file_common_arguments(
                    dict(path=path, owner=entry["owner"], group=entry["group"], mode=entry["mode"]))
                changed = module.set_fs_attributes_if_different(file_args, changed)
            if changed:
                changed_paths.append(path)
    except GatekitInputError as err:
        module.fail_json(msg=str(err), changed_paths=changed_paths)
    except OSError as err:
        module.fail_json(msg="%s: %s" % (getattr(err, "filename", None) or "", err), changed_paths=changed_paths)
    module.exit_json(changed=bool(changed_paths), changed_paths=changed_paths, diff=diffs, **result)


if __name__ == "__main__":
    main()
