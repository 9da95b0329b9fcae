# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Converge a list of files, directories and symlinks (module ``node_tree``).

Pure helpers over plain data plus the few filesystem steps; owner/group/mode are
left to the module (AnsibleModule.set_fs_attributes_if_different).

* ``check_entries(entries)`` -- raise ``GatekitInputError`` naming ``paths[i].key``.
* ``converge_entry(entry, check_mode)`` -- create/update one entry; returns
  ``(changed, diff_or_None)``.
"""

import os

from ansible_collections.gatekit.devstack.plugins.module_utils.common import (
    GatekitInputError, octal_mode, write_file_result)

STATES = ("file", "directory", "link")


def check_entries(entries):
    """Validate every entry before anything is touched."""
    for index, entry in enumerate(entries):
        key = "paths[%d]" % index
        path = entry.get("path")
        if not isinstance(path, str) or not os.path.isabs(path):
            raise GatekitInputError(key + ".path", "must be an absolute path, got %r" % (path,))
        state = entry.get("state") or "file"
        if state not in STATES:
            raise GatekitInputError(key + ".state", "must be one of %s, got %r" % (", ".join(STATES), state))
        mode = entry.get("mode")
        if mode is not None and octal_mode(mode) is None:
            raise GatekitInputError(key + ".mode", "must be an octal string like '0644', got %r" % (mode,))
        if state == "file" and entry.get("content") is None:
            raise GatekitInputError(key + ".content", "is required for state=file")
        if state == "link" and not entry.get("src"):
            raise GatekitInputError(key + ".src", "is required for state=link")


def _converge_directory(path, check_mode):
    if os.path.isdir(path):
        return False, None
    if os.path.lexists(path):
        raise GatekitInputError(path, "exists and is not a directory")
    if not check_mode:
        os.makedirs(path)
    return True, {"before_header": path, "after_header": path, "before": "(absent)\n", "after": "(directory)\n"}


def _converge_link(path, src, check_mode):
    if os.path.islink(path) and os.readlink(path) == src:
        return False, None
    if os.path.lexists(path) and not os.path.islink(path):
        raise GatekitInputError(path, "exists and is not a symlink")
    before = "-> %s\n" % os.readlink(path) if os.path.islink(path) else "(absent)\n"
    if not check_mode:
        tmp = "%s.gatekit-tmp" % path
        if os.path.lexists(tmp):
            os.unlink(tmp)
        os.symlink(src, tmp)
        os.replace(tmp, path)
    return True, {"before_header": path, "after_header": path, "before": before, "after": "-> %s\n" % src}


def converge_entry(entry, check_mode=False):
    """Create or update one entry (not its owner/group); ``(changed, diff)``."""
    path = entry["path"]
    state = entry.get("state") or "file"
    if state == "directory":
        return _converge_directory(path, check_mode)
    if state == "link":
        return _converge_link(path, entry["src"], check_mode)
    if entry.get("force", True) is False and os.path.lexists(path):
        return False, None
    result = write_file_result(path, entry["content"], check_mode, mode=octal_mode(entry.get("mode")))
    return result["changed"], (result["diff"] if result["changed"] else None)
