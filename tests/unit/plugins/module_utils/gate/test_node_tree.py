# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""node_tree: entry validation, managed blocks, and converging on a temporary directory."""

import os

import pytest

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError
from ansible_collections.gatekit.devstack.plugins.module_utils.gate.node_tree import (
    apply_block,
    check_entries,
    converge_entry,
)

MARK = "# {mark} test"


@pytest.mark.parametrize("entry, key", [
    ({"path": "relative"}, "paths[0].path"),
    ({"path": "/x", "state": "socket"}, "paths[0].state"),
    ({"path": "/x", "content": "a", "mode": "rw"}, "paths[0].mode"),
    ({"path": "/x"}, "paths[0].content"),
    ({"path": "/x", "state": "block"}, "paths[0].content"),
    ({"path": "/x", "state": "link"}, "paths[0].src"),
    ({"path": "/x", "state": "block", "content": "", "marker": "# no mark"}, "paths[0].marker"),
    ({"path": "/x", "content": "", "validate": "visudo -c"}, "paths[0].validate"),
])
def test_bad_entries_name_the_key(entry, key):
    with pytest.raises(GatekitInputError) as err:
        check_entries([entry])
    assert str(err.value).startswith(key + ":")


def test_good_entries_pass():
    check_entries([{"path": "/d", "state": "directory", "mode": "0755"},
                   {"path": "/f", "content": "x", "mode": "0600", "validate": "true %s"},
                   {"path": "/l", "state": "link", "src": "/d"},
                   {"path": "/b", "state": "block", "content": "a\n", "marker": MARK}])


def test_apply_block_appends_then_replaces_in_place():
    text = "127.0.0.1 localhost\n"
    once = apply_block(text, "10.0.0.2 a\n", MARK)
    assert once == "127.0.0.1 localhost\n# BEGIN test\n10.0.0.2 a\n# END test\n"
    twice = apply_block(once + "10.0.0.9 other\n", "10.0.0.3 b\n", MARK)
    assert twice == "127.0.0.1 localhost\n# BEGIN test\n10.0.0.3 b\n# END test\n10.0.0.9 other\n"
    assert apply_block(twice, "10.0.0.3 b\n", MARK) == twice
    assert apply_block(None, "", MARK) == "# BEGIN test\n# END test\n"


def test_converge_is_idempotent(tmp_path):
    base = str(tmp_path)
    entries = [
        {"path": base + "/d", "state": "directory"},
        {"path": base + "/d/f", "content": "one\n", "mode": "0600"},
        {"path": base + "/d/keep", "content": "first\n", "force": False},
        {"path": base + "/l", "state": "link", "src": base + "/d"},
        {"path": base + "/d/b", "state": "block", "content": "k1\n", "marker": MARK},
    ]
    check_entries(entries)
    first = [converge_entry(e) for e in entries]
    assert all(changed for changed, _diff in first)
    assert oct(os.stat(base + "/d/f").st_mode & 0o777) == "0o600"
    assert os.readlink(base + "/l") == base + "/d"
    again = [converge_entry(e) for e in entries]
    assert not any(changed for changed, _diff in again)
    entries[2]["content"] = "second\n"
    assert converge_entry(entries[2]) == (False, None)
    with open(base + "/d/keep") as handle:
        assert handle.read() == "first\n"


def test_check_mode_writes_nothing(tmp_path):
    path = str(tmp_path / "f")
    changed, diff = converge_entry({"path": path, "content": "x\n"}, check_mode=True)
    assert changed and diff["after"] == "x\n"
    assert not os.path.exists(path)


def test_validation_failure_leaves_file_unchanged(tmp_path):
    path = str(tmp_path / "sudoers")
    with open(path, "w") as handle:
        handle.write("good\n")
    with pytest.raises(GatekitInputError) as err:
        converge_entry({"path": path, "content": "bad\n", "validate": "x %s"}, validate=lambda tmp: "syntax error")
    assert "validation failed" in str(err.value)
    with open(path) as handle:
        assert handle.read() == "good\n"
    assert os.listdir(str(tmp_path)) == ["sudoers"]
    changed, _diff = converge_entry({"path": path, "content": "ok\n", "validate": "x %s"}, validate=lambda tmp: None)
    assert changed


def test_in_place_keeps_the_inode(tmp_path):
    path = str(tmp_path / "hosts")
    with open(path, "w") as handle:
        handle.write("127.0.0.1 localhost\n")
    inode = os.stat(path).st_ino
    entry = {"path": path, "state": "block", "content": "10.0.0.2 a\n", "marker": MARK, "in_place": True}
    changed, _diff = converge_entry(entry)
    assert changed and os.stat(path).st_ino == inode


def test_wrong_kind_of_path_is_an_error(tmp_path):
    path = str(tmp_path / "f")
    with open(path, "w") as handle:
        handle.write("x")
    with pytest.raises(GatekitInputError):
        converge_entry({"path": path, "state": "directory"})
    with pytest.raises(GatekitInputError):
        converge_entry({"path": path, "state": "link", "src": "/tmp"})
