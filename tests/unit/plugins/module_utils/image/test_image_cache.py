# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""image_cache: cache key, layout, pruning, parsing (real builds are exercised in
tests/functional/test_build_image*.py and molecule/image)."""

import hashlib
import json
import os

import pytest

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError
from ansible_collections.gatekit.devstack.plugins.module_utils.image.cache import (
    PARTITIONLESS_BLOCK_DEVICE_CONFIG,
    apt_sources,
    cache_paths,
    choose_layout,
    compute_key,
    debootstrap_script,
    default_mirrors,
    environment_files,
    file_digest,
    format_elapsed,
    image_fact,
    key_inputs,
    loops_below,
    manifest_ok,
    mounts_below,
    normalise_fingerprint,
    openpgp_keys,
    openpgp_packets,
    own_archive_trust,
    parse_apt_sources,
    parse_mountinfo,
    parse_packages,
    phase_from_line,
    phase_scripts,
    podman_ref,
    resolve_elements,
    select_prune,
    status_path,
    tree_digest,
    validate_inputs,
)
from ansible_collections.gatekit.devstack.plugins.module_utils.image.distro import UBUNTU_KEYRING
from ansible_collections.gatekit.devstack.plugins.module_utils.image.recipe import dib_elements, element_env

UBUNTU_KEYRING_FINGERPRINT = UBUNTU_KEYRING["fingerprint"]


def params(**over):
    p = {
        "name": "gatekit-worker", "backend": "dib", "distro": "debian", "release": "bookworm",
        "elements": ["gatekit-worker"], "packages": ["python3", "sudo"], "wheels": ["tempest"],
        "git_repos": [], "mirror": "http://deb.debian.org/debian",
        "security_mirror": "http://deb.debian.org/debian-security", "env_vars": {},
        "authorized_keys": "ssh-ed25519 AAAA k", "formats": ["tar", "qcow2"],
        "podman_import": True, "layout": "auto", "keep": 2, "pip_cache": True,
    }
    p.update(over)
    return p


def key_of(**over):
    return compute_key(key_inputs(params(**over), "elements-digest", "ca-digest", {}, "partitionless"))


# --- key ------------------------------------------------------------------------------

def test_key_is_stable_and_order_insensitive_for_sets():
    assert key_of() == key_of()
    assert key_of(packages=["sudo", "python3"]) == key_of()
    assert key_of(wheels=["tempest", "tempest"]) == key_of()


@pytest.mark.parametrize("change", [
    {"release": "trixie"}, {"backend": "debootstrap"}, {"packages": ["python3"]},
    {"wheels": ["tempest", "keystone"]}, {"mirror": "http://mirror.example/debian"},
    {"elements": ["gatekit-worker", "extra"]}, {"env_vars": {"DIB_X": "1"}},
    {"authorized_keys": "ssh-ed25519 BBBB other"}, {"name": "other"},
    {"formats": ["tar"]}, {"git_repos": ["/srv/repo"]},
])
def test_every_input_changes_the_key(change):
    assert key_of(**change) != key_of()


def test_key_ignores_what_does_not_change_the_image():
    assert key_of(keep=5, pip_cache=False, podman_import=False, layout="partitioned") == key_of()


def test_layout_element_and_ca_digests_change_the_key():
    base = key_inputs(params(), "e", "c", {}, "partitionless")
    for other in (key_inputs(params(), "e2", "c", {}, "partitionless"),
                  key_inputs(params(), "e", "c2", {}, "partitionless"),
                  key_inputs(params(), "e", "c", {}, "partitioned"),
                  key_inputs(params(git_repos=["/r"]), "e", "c", {"/r": "x"}, "partitionless")):
        assert compute_key(other) != compute_key(base)


def test_tree_digest_sees_content_mode_and_names(tmp_path):
    el = tmp_path / "elements" / "one" / "install.d"
    el.mkdir(parents=True)
    script = el / "10-x"
    script.write_text("#!/bin/bash\necho hi\n")
    first = tree_digest([str(tmp_path / "elements")])
    assert tree_digest([str(tmp_path / "elements")]) == first
    script.chmod(0o755)
    second = tree_digest([str(tmp_path / "elements")])
    assert second != first
    script.write_text("#!/bin/bash\necho bye\n")
    assert tree_digest([str(tmp_path / "elements")]) != second
    (el / "__pycache__").mkdir()
    (el / "__pycache__" / "x.pyc").write_bytes(b"junk")
    script.write_text("#!/bin/bash\necho hi\n")
    assert tree_digest([str(tmp_path / "elements")]) == second


def test_file_digest(tmp_path):
    f = tmp_path / "ca.crt"
    f.write_text("x")
    assert file_digest(str(f)) == "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"
    assert file_digest("") == ""
    assert file_digest(str(tmp_path / "missing")) == ""


# --- validation ---------------------------------------------------------------------------

@pytest.mark.parametrize("change,key", [
    ({"name": "Bad Name"}, "name"),
    ({"backend": "docker"}, "backend"),
    ({"distro": "centos"}, "distro"),
    ({"release": ""}, "release"),
    ({"packages": ["no such package"]}, "packages"),
    ({"packages": ["UPPER"]}, "packages"),
    ({"wheels": ["two words"]}, "wheels"),
    ({"wheels": [""]}, "wheels"),
    ({"elements": ["../evil"]}, "elements"),
    ({"git_repos": ["a b"]}, "git_repos"),
    ({"env_vars": {"1BAD": "x"}}, "env_vars"),
    ({"env_vars": {"DIB_X": {"nested": 1}}}, "env_vars"),
    ({"formats": ["vhd"]}, "formats"),
    ({"formats": []}, "formats"),
    ({"formats": ["qcow2"]}, "formats"),
    ({"layout": "lvm"}, "layout"),
    ({"keep": 0}, "keep"),
    ({"mirror": "ftp://x"}, "mirror"),
    ({"ubuntu_keyring_sha256": "abc"}, "ubuntu_keyring_sha256"),
    ({"ubuntu_keyring_fingerprint": "F6EC B376"}, "ubuntu_keyring_fingerprint"),
    ({"ubuntu_keyring_url": "keyring.deb"}, "ubuntu_keyring_url"),
])
def test_bad_input_names_the_key(change, key):
    with pytest.raises(GatekitInputError) as err:
        validate_inputs(params(**change))
    assert str(err.value).startswith(key + ":")


def test_good_input_passes():
    validate_inputs(params(packages=["python3", "libpcre3-dev", "g++", "mariadb-server=1:10.11"]))
    validate_inputs(params(formats=["qcow2"], podman_import=False))


# --- layout and DIB -------------------------------------------------------------------------

def test_layout_detection():
    assert choose_layout("auto", True, True) == "partitioned"
    assert choose_layout("auto", True, False) == "partitionless"
    assert choose_layout("auto", False, False) == "partitionless"
    assert choose_layout("partitioned", False, False) == "partitioned"


def test_dib_elements_follow_layout():
    assert dib_elements(params(), "partitionless") == ["debian-minimal", "pip-cache", "gatekit-worker"]
    assert dib_elements(params(pip_cache=False, distro="ubuntu"), "partitioned") == [
        "ubuntu-minimal", "vm", "block-device-mbr", "gatekit-worker"]


def test_dib_elements_take_a_nodepool_element_list():
    nodepool = ["debian-minimal", "vm", "block-device-mbr", "simple-init", "gatekit-worker"]
    assert dib_elements(params(elements=nodepool), "partitionless") == [
        "debian-minimal", "pip-cache", "simple-init", "gatekit-worker"]
    assert dib_elements(params(elements=nodepool), "partitioned") == [
        "debian-minimal", "vm", "block-device-mbr", "pip-cache", "simple-init", "gatekit-worker"]


def test_block_device_config_has_no_partitions():
    assert "partitioning" not in PARTITIONLESS_BLOCK_DEVICE_CONFIG
    assert "local_loop" in PARTITIONLESS_BLOCK_DEVICE_CONFIG
    assert "mount_point: /" in PARTITIONLESS_BLOCK_DEVICE_CONFIG


def test_element_env_carries_inputs_and_env_vars_win():
    env = element_env(params(env_vars={"DIB_RELEASE": "trixie", "DIB_X": 1}), "partitionless")
    assert env["DIB_GATEKIT_PACKAGES"] == "python3 sudo"
    assert env["DIB_GATEKIT_WHEELS"] == "tempest"
    assert env["DIB_DEBIAN_SECURITY_MIRROR"] == "http://deb.debian.org/debian-security"
    assert env["DIB_RELEASE"] == "trixie"
    assert env["DIB_X"] == "1"
    assert env["DIB_GATEKIT_NO_KERNEL"] == "1"
    assert "DIB_GATEKIT_NO_KERNEL" not in element_env(params(), "partitioned")


def test_apt_sources():
    deb = apt_sources("debian", "bookworm", "http://m/debian", "http://m/debian-security")
    assert deb.splitlines() == [
        "deb http://m/debian bookworm main",
        "deb http://m/debian bookworm-updates main",
        "deb http://m/debian-security bookworm-security main",
    ]
    assert apt_sources("ubuntu", "noble", "http://u", "http://s").splitlines() == [
        "deb http://u noble main universe",
        "deb http://u noble-updates main universe",
        "deb http://s noble-security main universe",
        "deb http://u noble-backports main universe",
    ]
    # A mirror of the user's own without a security mirror serves that pocket too.
    assert "deb http://u noble-security main universe" in apt_sources("ubuntu", "noble", "http://u", "")


# --- Ubuntu: archive trust and debootstrap scripts ---------------------------------------------

def test_ubuntu_key_covers_the_keyring_pins_and_debian_key_does_not():
    ubuntu = key_inputs(params(distro="ubuntu", ubuntu_keyring_sha256="ab" * 32,
                               ubuntu_keyring_fingerprint="f6ec b376 2474 eda9 d21b 7022 8719 20d1 991b c93c"),
                        "e", "c", {}, "partitionless")
    assert ubuntu["archive_keyring"] == ["ab" * 32, UBUNTU_KEYRING_FINGERPRINT]
    other = dict(ubuntu, archive_keyring=["cd" * 32, UBUNTU_KEYRING_FINGERPRINT])
    assert compute_key(other) != compute_key(ubuntu)
    # Debian builds never fetch a keyring: the pins are not in their key at all (the
    # default image's cache key must stay what it was).
    assert "archive_keyring" not in key_inputs(params(ubuntu_keyring_sha256="ab" * 32), "e", "c", {}, "x")
    assert key_of() == key_of(ubuntu_keyring_sha256="ab" * 32, ubuntu_keyring_fingerprint="")


def test_ubuntu_partitionless_skips_the_kernel():
    env = element_env(params(distro="ubuntu", release="noble"), "partitionless")
    assert env["DIB_UBUNTU_KERNEL"] == "none"
    assert "DIB_UBUNTU_KERNEL" not in element_env(params(distro="ubuntu"), "partitioned")
    assert "DIB_UBUNTU_KERNEL" not in element_env(params(), "partitionless")
    assert element_env(params(distro="ubuntu", env_vars={"DIB_UBUNTU_KERNEL": "linux-image-kvm"}),
                       "partitionless")["DIB_UBUNTU_KERNEL"] == "linux-image-kvm"


def test_own_archive_trust():
    assert not own_archive_trust({})
    assert own_archive_trust({"DIB_APT_KEYRING": "/k.gpg"})
    assert own_archive_trust({"DIB_DEBOOTSTRAP_EXTRA_ARGS": "--variant=minbase --no-check-gpg"})
    assert not own_archive_trust({"DIB_DEBOOTSTRAP_EXTRA_ARGS": "--include=vim"})


def test_normalise_fingerprint():
    assert normalise_fingerprint("0xf6ec b376\n") == "F6ECB376"
    assert normalise_fingerprint(None) == ""


def _packet(tag, body):
    """A new-format OpenPGP packet."""
    assert len(body) < 192
    return bytes([0xC0 | tag, len(body)]) + body


def test_openpgp_keys_fingerprints_and_subsets():
    key1 = b"\x04" + b"k1" * 20
    key2 = b"\x04" + b"k2" * 20
    uid = _packet(13, b"Someone <s@example.org>")
    # An old-format header (tag 6, one length octet) for the first key.
    first = bytes([0x80 | (6 << 2), len(key1)]) + key1
    data = first + uid + _packet(2, b"sig") + _packet(6, key2) + uid
    keys = openpgp_keys(data)
    fpr1 = hashlib.sha1(b"\x99" + len(key1).to_bytes(2, "big") + key1).hexdigest().upper()
    fpr2 = hashlib.sha1(b"\x99" + len(key2).to_bytes(2, "big") + key2).hexdigest().upper()
    assert list(keys) == [fpr1, fpr2]
    assert keys[fpr1] == first + uid + _packet(2, b"sig")
    assert keys[fpr2] == _packet(6, key2) + uid
    assert [t for t, _s, _e, _b in openpgp_packets(data)] == [6, 13, 2, 6, 13]
    with pytest.raises(ValueError):
        openpgp_keys(b"-----BEGIN PGP PUBLIC KEY BLOCK-----")
    with pytest.raises(ValueError):
        openpgp_keys(_packet(6, key1)[:-3])


def test_debootstrap_script(tmp_path):
    for name in ("bookworm", "gutsy", "sid", "jammy"):
        (tmp_path / name).write_text("")
    assert debootstrap_script("debian", "bookworm", str(tmp_path)) is None
    assert debootstrap_script("ubuntu", "jammy", str(tmp_path)) is None
    assert debootstrap_script("ubuntu", "noble", str(tmp_path)) == "gutsy"
    assert debootstrap_script("debian", "forky", str(tmp_path)) == "sid"
    assert debootstrap_script("ubuntu", "noble", str(tmp_path / "none")) is None


# --- host apt sources -------------------------------------------------------------------------

DEB822 = """Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
"""
ONELINE = """# comment
deb [arch=amd64 signed-by=/x.gpg] http://mirror.local/debian/ bookworm main contrib
deb-src http://mirror.local/debian bookworm main
deb https://packages.cloud.google.com/apt cloud-sdk-bookworm main
"""


def test_parse_apt_sources_both_formats():
    entries = parse_apt_sources([DEB822, ONELINE])
    uris = [e["uri"] for e in entries]
    assert uris == ["http://deb.debian.org/debian", "http://deb.debian.org/debian-security",
                    "http://mirror.local/debian", "https://packages.cloud.google.com/apt"]


def test_default_mirrors_from_host():
    entries = parse_apt_sources([DEB822])
    assert default_mirrors("debian", "bookworm", "debian", "bookworm", entries) == (
        "http://deb.debian.org/debian", "http://deb.debian.org/debian-security")
    only = parse_apt_sources([ONELINE])
    assert default_mirrors("debian", "bookworm", "debian", "bookworm", only) == (
        "http://mirror.local/debian", "http://deb.debian.org/debian-security")
    # An Ubuntu image on a Debian host: upstream.
    assert default_mirrors("ubuntu", "noble", "debian", "bookworm", entries)[0] == \
        "http://archive.ubuntu.com/ubuntu"


# --- cache ---------------------------------------------------------------------------------------

def test_cache_paths_and_status(tmp_path):
    p = cache_paths(str(tmp_path), "img", "ab" * 32)
    assert p["final"] == str(tmp_path / ("img-" + "ab" * 8))
    assert p["tmp_prefix"].startswith(str(tmp_path / ".tmp-img-"))
    assert status_path("~/x", "img").endswith("/x/.status/img.json")
    assert podman_ref("localhost/w", "0123456789abcdef") == "localhost/w:0123456789ab"


def test_select_prune_keeps_newest_per_name_and_protected():
    builds = [
        {"dir": "a1", "name": "a", "built_at": "2026-01-01T00:00:00Z"},
        {"dir": "a2", "name": "a", "built_at": "2026-01-02T00:00:00Z"},
        {"dir": "a3", "name": "a", "built_at": "2026-01-03T00:00:00Z"},
        {"dir": "b1", "name": "b", "built_at": "2026-01-01T00:00:00Z"},
    ]
    assert select_prune(builds, 2) == ["a1"]
    assert select_prune(builds, 1) == ["a1", "a2"]
    # The build just used stays even when older than the others.
    assert select_prune(builds, 1, protect=("a1",)) == ["a2", "a3"]
    assert select_prune(builds, 2, protect=("a1",)) == ["a2"]


def test_manifest_ok_and_fact(tmp_path):
    (tmp_path / "image.tar").write_text("t")
    m = {"name": "n", "key": "k", "digest": "d", "podman_ref": "r", "built_at": "t",
         "outputs": {"tar": "image.tar", "qcow2": "image.qcow2"}, "packages": ["a=1"]}
    assert not manifest_ok(m, str(tmp_path))
    (tmp_path / "image.qcow2").write_text("q")
    assert manifest_ok(m, str(tmp_path))
    assert not manifest_ok(None, str(tmp_path))
    assert not manifest_ok({"key": "k"}, str(tmp_path))
    fact = image_fact(m, str(tmp_path), True)
    for k in ("name", "digest", "tar", "qcow2", "podman_ref", "built_at", "packages",
              "cache_hit", "key"):
        assert k in fact
    assert fact["tar"] == str(tmp_path / "image.tar")
    assert fact["cache_hit"] is True


# --- elements ------------------------------------------------------------------------------------

def make_element(base, name, deps=(), scripts=None, env=None):
    d = base / name
    d.mkdir(parents=True)
    if deps:
        (d / "element-deps").write_text("\n".join(deps) + "\n")
    for phase, fn in (scripts or []):
        (d / phase).mkdir(exist_ok=True)
        f = d / phase / fn
        f.write_text("#!/bin/bash\n")
        f.chmod(0o755)
    for fn in env or []:
        (d / "environment.d").mkdir(exist_ok=True)
        (d / "environment.d" / fn).write_text("export X=1\n")
    return d


def test_resolve_elements_and_phase_order(tmp_path):
    make_element(tmp_path, "top", deps=["b", "a", "debian-minimal"])
    make_element(tmp_path, "a", scripts=[("install.d", "50-a")], env=["20-a.bash"])
    make_element(tmp_path, "b", deps=["a"], scripts=[("install.d", "10-b"),
                                                     ("install.d", "README.md")],
                 env=["10-b.bash"])
    order, missing = resolve_elements([str(tmp_path)], ["top"])
    assert [n for n, dummy in order] == ["a", "b", "top"]
    assert missing == ["debian-minimal"]
    assert [os.path.basename(s) for s in phase_scripts(order, "install.d")] == ["10-b", "50-a"]
    assert [os.path.basename(s) for s in environment_files(order)] == ["10-b.bash", "20-a.bash"]


def test_resolve_elements_loop(tmp_path):
    make_element(tmp_path, "x", deps=["y"])
    make_element(tmp_path, "y", deps=["x"])
    with pytest.raises(GatekitInputError, match="elements: dependency loop"):
        resolve_elements([str(tmp_path)], ["x"])


def test_the_role_elements_resolve():
    here = os.path.dirname(__file__)
    elements = os.path.normpath(os.path.join(here, "..", "..", "..", "..", "..", "roles",
                                             "build_image", "files", "elements"))
    order, missing = resolve_elements([elements], ["gatekit-worker"])
    names = [n for n, dummy in order]
    assert names[-1] == "gatekit-worker"
    assert names.index("gatekit-zuul-user") < names.index("gatekit-git-cache")
    assert missing == []


# --- progress and cleanup parsing --------------------------------------------------------------------

@pytest.mark.parametrize("line,phase", [
    ("2026-01-01 | Running hooks from /tmp/x/dib_build.abc/hooks/root.d", "debootstrap"),
    ("2026-01-01 | Running hooks from /tmp/x/hooks/install.d", "install"),
    ("2026-01-01 | gatekit-phase: wheelhouse", "wheelhouse"),
    ("x | dib-run-parts Running /tmp/in_target.d/pre-install.d/00-disable", "install"),
    ("x | dib-run-parts Running /tmp/in_target.d/finalise.d/90-gatekit-clean", "finalise"),
    ("2026-01-01 | Converting image using qemu-img convert", "convert"),
    ("Running hooks in /etc/ca-certificates/update.d...", None),
    ("Unpacking foo", None),
])
def test_phase_from_line(line, phase):
    assert phase_from_line(line) == phase


def test_format_elapsed():
    assert format_elapsed(5.4) == "5s"
    assert format_elapsed(125) == "2m05s"
    assert format_elapsed(-1) == "0s"


def test_parse_packages():
    assert parse_packages("sudo\t1.9\nbash\t5.2\n\nbroken\n") == ["bash=5.2", "sudo=1.9"]


MOUNTINFO = r"""22 1 8:1 / / rw - ext4 /dev/sda1 rw
90 22 0:50 / /tmp/c/.tmp-x-1/work/mnt rw - tmpfs tmpfs rw
91 90 0:5 / /tmp/c/.tmp-x-1/work/mnt/proc rw - proc proc rw
92 90 0:5 / /tmp/c/.tmp-x-1/work/mnt/with\040space rw - proc proc rw
93 22 0:5 / /tmp/c/.tmp-x-10 rw - tmpfs tmpfs rw
"""


def test_mounts_below_deepest_first():
    points = parse_mountinfo(MOUNTINFO)
    assert "/tmp/c/.tmp-x-1/work/mnt/with space" in points
    below = mounts_below(points, "/tmp/c/.tmp-x-1")
    assert below[-1] == "/tmp/c/.tmp-x-1/work/mnt"
    assert set(below) == {"/tmp/c/.tmp-x-1/work/mnt", "/tmp/c/.tmp-x-1/work/mnt/proc",
                          "/tmp/c/.tmp-x-1/work/mnt/with space"}


def test_loops_below():
    out = json.dumps({"loopdevices": [
        {"name": "/dev/loop0", "back-file": "/tmp/c/.tmp-x-1/work/image.raw"},
        {"name": "/dev/loop1", "back-file": "/tmp/c/.tmp-x-1/work/image.raw (deleted)"},
        {"name": "/dev/loop2", "back-file": "/srv/other.img"},
        {"name": "/dev/loop3", "back-file": None},
    ]})
    assert loops_below(out, "/tmp/c/.tmp-x-1") == ["/dev/loop0", "/dev/loop1"]
    assert loops_below("", "/x") == []
    assert loops_below("not json", "/x") == []
