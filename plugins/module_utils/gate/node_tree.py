# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Converge a list of files, managed blocks, directories and symlinks (module ``node_tree``).

Pure helpers over plain data plus the few filesystem steps; owner/group/mode are
left to the module (AnsibleModule.set_fs_attributes_if_different).

* ``check_entries(entries)`` -- raise ``GatekitInputError`` naming ``paths[i].key``.
* ``apply_block(text, block, marker)`` -- ``text`` with the lines between the
  ``marker`` BEGIN/END lines replaced by ``block`` (appended when absent).
* ``converge_entry(entry, check_mode, validate=None)`` -- create/update one entry;
  returns ``(changed, diff_or_None)``. ``validate(tmp_path)`` returns an error
  string or ``None`` and is called on the new content before it replaces a file.
"""

import os
import tempfile

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError, atomic_write, octal_mode, read_text_or_none

STATES = ("file", "block", "directory", "link")
DEFAULT_MARKER = "# {mark} MANAGED BLOCK"


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
        if state in ("file", "block") and entry.get("content") is None:
            raise GatekitInputError(key + ".content", "is required for state=%s" % state)
        if state == "link" and not entry.get("src"):
            raise GatekitInputError(key + ".src", "is required for state=link")
        marker = entry.get("marker")
        if state == "block" and marker is not None and "{mark}" not in marker:
            raise GatekitInputError(key + ".marker", "must contain '{mark}', got %r" % (marker,))
        validate = entry.get("validate")
        if validate is not None and "%s" not in validate:
            raise GatekitInputError(key + ".validate", "must contain '%%s' (the file to check), got %r" % (validate,))


def apply_block(text, block, marker=DEFAULT_MARKER):
    """Return ``text`` with the managed block set to ``block`` (a str of lines)."""
    begin, end = marker.replace("{mark}", "BEGIN"), marker.replace("{mark}", "END")
    lines = text.splitlines() if text else []
    body = block.splitlines()
    new = [begin] + body + [end]
    if begin in lines and end in lines[lines.index(begin):]:
        start = lines.index(begin)
        stop = lines.index(end, start)
        lines = lines[:start] + new + lines[stop + 1:]
    else:
        lines = lines + new
    return "\n".join(lines) + "\n"


def _diff(path, before, after):
    return {"before_header": path if before is not None else "%s (absent)" % path, "after_header": path,
            "before": before if before is not None else "", "after": after}


def _write(path, content, mode, in_place, validate):
    """Write ``content``: validated first, then atomically (or in place)."""
    if validate is not None:
        fd, tmp = tempfile.mkstemp(prefix=".%s." % os.path.basename(path), suffix=".check",
                                   dir=os.path.dirname(path))
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(content.encode("utf-8", "surrogateescape"))
            error = validate(tmp)
        finally:
            os.unlink(tmp)
        if error:
            raise GatekitInputError(path, "validation failed, file left unchanged: %s" % error)
    if in_place and os.path.exists(path):
        # A bind-mounted file (a container's /etc/hosts) cannot be renamed over.
        with open(path, "wb") as handle:
            handle.write(content.encode("utf-8", "surrogateescape"))
        if mode is not None:
            os.chmod(path, mode)
        return
    atomic_write(path, content, mode=mode)


def _converge_directory(path, check_mode):
    if os.path.isdir(path):
        return False, None
    if os.path.lexists(path):
        raise GatekitInputError(path, "exists and is not a directory")
    if not check_mode:
        os.makedirs(path)
    return True, _diff(path, None, "(directory)\n")


def _converge_link(path, src, check_mode):
    if os.path.islink(path) and os.readlink(path) == src:
        return False, None
    if os.path.lexists(path) and not os.path.islink(path):
        raise GatekitInputError(path, "exists and is not a symlink")
    before = "-> %s\n" % os.readlink(path) if os.path.islink(path) else None
    if not check_mode:
        tmp = "%s.gatekit-tmp" % path
        if os.path.lexists(tmp):
            os.unlink(tmp)
        os.symlink(src, tmp)
        os.replace(tmp, path)
    return True, _diff(path, before, "-> %s\n" % src)


def converge_entry(entry, check_mode=False, validate=None):
    """Create or update one entry (not its owner/group); ``(changed, diff)``."""
    path = entry["path"]
    state = entry.get("state") or "file"
    if state == "directory":
        return _converge_directory(path, check_mode)
    if state == "link":
        return _converge_link(path, entry["src"], check_mode)
    before = read_text_or_none(path)
    if state == "file" and entry.get("force", True) is False and before is not None:
        return False, None
    if state == "block":
        after = apply_block(before, entry["content"], entry.get("marker") or DEFAULT_MARKER)
    else:
        after = entry["content"]
    if before == after:
        return False, None
    if not check_mode:
        _write(path, after, octal_mode(entry.get("mode")), bool(entry.get("in_place")),
               validate if entry.get("validate") else None)
    return True, _diff(path, before, after)
