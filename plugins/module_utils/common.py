# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared helpers for gatekit.devstack modules.

Import these instead of writing your own::

    from ansible_collections.gatekit.devstack.plugins.module_utils.common import (
        GatekitInputError, atomic_write, read_text_or_none, write_file_result)

* ``GatekitInputError(key, reason)`` -- bad input; ``str()`` names the key and
  the reason (``"devstack_plugins.foo: requires 'bar' which is not enabled"``).
  Modules turn it into ``module.fail_json(msg=str(err))`` before touching disk.
* ``atomic_write(path, content, mode=None)`` -- temp file in the same directory,
  ``fsync``, ``os.replace``; readers never see a half-written file.  ``mode``
  (int, e.g. ``0o600``) is applied to the temp file before the rename; when
  ``None`` an existing file keeps its mode, a new file gets 0644 (minus umask
  is NOT applied: the mode is explicit so results do not depend on umask).
* ``read_text_or_none(path)`` -- file text (UTF-8) or ``None`` if it is absent.
* ``octal_mode(value)`` -- ``0o640`` for ``"0640"``/``"640"``/``0o640``, else
  ``None`` (symbolic modes are left to ``set_fs_attributes_if_different``);
  pass it to ``write_file_result`` so a new file never exists with a wider mode.
* ``write_files_result(files, check_mode)`` -- ``write_file_result`` for several
  ``(path, content)`` pairs, creating missing directories (not in check mode);
  returns ``(changed_paths, diffs)``.
* ``yaml`` -- PyYAML, or ``None`` where it is missing (``YAML_IMPORT_ERROR`` then
  says why); import it from here so module_utils load without it.
* ``write_file_result(path, content, check_mode, mode=None)`` -- the standard
  "render then write" step: returns ``{'changed', 'diff', 'path'}`` where
  ``diff`` is Ansible's ``{before, after, before_header, after_header}``;
  writes (atomically) only when content or mode differ and not in check mode.
"""

import os
import stat
import tempfile
import traceback

try:
    import yaml  # pylint: disable=unused-import  # re-exported: module_utils import yaml from here
except ImportError:  # the sanity import test has no PyYAML; ansible-core always does
    yaml = None
    YAML_IMPORT_ERROR = traceback.format_exc()
else:
    YAML_IMPORT_ERROR = None


class GatekitInputError(ValueError):
    """Invalid user input: ``key`` is the option path, ``reason`` says why."""

    def __init__(self, key, reason):
        self.key = key
        self.reason = reason
        super().__init__("%s: %s" % (key, reason))


def read_text_or_none(path):
    """Return the UTF-8 text of ``path`` or ``None`` when it does not exist."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as err:
        if getattr(err, "errno", None) == 2:  # ENOENT
            return None
        raise
    return data.decode("utf-8", "surrogateescape")


def _current_mode(path):
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return None


def atomic_write(path, content, mode=None):
    """Write ``content`` (str or bytes) to ``path`` atomically.

    The temporary file lives in the target directory so ``os.replace`` is a
    rename on one filesystem.  The directory must exist.
    """
    if not isinstance(content, bytes):
        content = content.encode("utf-8", "surrogateescape")
    directory = os.path.dirname(os.path.abspath(path))
    if mode is None:
        mode = _current_mode(path)
        if mode is None:
            mode = 0o644
    fd, tmp = tempfile.mkstemp(prefix=".%s." % os.path.basename(path), suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:
        dir_fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def octal_mode(value):
    """An int mode from the ``mode`` file argument when it is octal, else ``None``."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit():
        try:
            return int(value, 8)
        except ValueError:
            return None
    return None


def write_file_result(path, content, check_mode=False, mode=None):
    """Compare, maybe write, and report like an Ansible file module.

    Returns ``{'changed': bool, 'path': path, 'diff': {...}}``.  ``changed`` is
    true when the content differs or ``mode`` (if given) differs from the file's
    current mode.  Nothing is written in check mode.
    """
    before = read_text_or_none(path)
    content_changed = before != content
    mode_changed = False
    if mode is not None and before is not None:
        mode_changed = _current_mode(path) != mode
    changed = content_changed or mode_changed
    diff = {
        "before": before if before is not None else "",
        "after": content,
        "before_header": path if before is not None else "%s (absent)" % path,
        "after_header": path,
    }
    if changed and not check_mode:
        if content_changed:
            atomic_write(path, content, mode=mode)
        else:
            os.chmod(path, mode)
    return {"changed": changed, "path": path, "diff": diff}


def write_files_result(files, check_mode=False):
    """``write_file_result`` for each ``(path, content)``; missing directories are created.

    Returns ``(changed_paths, diffs)``: the paths whose content changed (or would change in
    check mode) and their diffs, in the order given.
    """
    changed_paths, diffs = [], []
    for path, content in files:
        if not check_mode:
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        res = write_file_result(path, content, check_mode)
        if res["changed"]:
            changed_paths.append(path)
            diffs.append(res["diff"])
    return changed_paths, diffs
