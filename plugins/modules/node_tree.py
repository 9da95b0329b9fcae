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
options:
  paths:
    description: What to converge, in order.
    type: list
    elements: dict
    required: true
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
attributes:
  check_mode:
    support: full
    description: Reports what would change; writes nothing.
  diff_mode:
    support: full
    description: A diff per changed entry.
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
"""

RETURN = r"""
changed_paths:
  description: The paths that changed (or would change in check mode).
  returned: always
  type: list
  elements: str
  sample: [/etc/nodepool/node]
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError
from ansible_collections.gatekit.devstack.plugins.module_utils.gate.node_tree import check_entries, converge_entry


def make_validator(module, command):
    """A callable running ``command`` (with %s) on a file; an error text or None."""
    def validate(path):
        rc, out, err = module.run_command(command.replace("%s", path), use_unsafe_shell=False)
        return None if rc == 0 else "%s (rc=%d): %s" % (command, rc, (err or out).strip())
    return validate


def main():
    module = AnsibleModule(
        argument_spec=dict(
            paths=dict(type="list", elements="dict", required=True, options=dict(
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
    entries = module.params["paths"]

    def validator(entry):
        return make_validator(module, entry["validate"]) if entry["validate"] else None

    changed_paths = []
    diffs = []
    try:
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
    module.exit_json(changed=bool(changed_paths), changed_paths=changed_paths, diff=diffs)


if __name__ == "__main__":
    main()
