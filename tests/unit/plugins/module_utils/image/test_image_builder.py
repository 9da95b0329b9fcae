# Copyright: gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""module_utils.image.builder with a recording command runner: the exact commands each
backend runs (debootstrap, mounts and their cleanup, chroot, mkfs, qemu-img,
disk-image-create), keyring selection, cleanup of a failed build."""

import hashlib
import json
import os

import pytest

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError
from ansible_collections.gatekit.devstack.plugins.module_utils.image import builder as b
from ansible_collections.gatekit.devstack.plugins.module_utils.image.cache import (
    PARTITIONLESS_BLOCK_DEVICE_CONFIG,
    cache_paths,
    progress_line,
)
from ansible_collections.gatekit.devstack.plugins.module_utils.image.distro import UBUNTU_KEYRING
from ansible_collections.gatekit.devstack.tests.unit.plugins.module_utils.image.recording_runner import RecordingRunner

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), *[".."] * 5))
ELEMENTS = os.path.join(ROOT, "roles", "build_image", "files", "elements")
MIRROR = "http://mirror.example/debian"


def params(tmp_path, **over):
    p = {
        "name": "gkimg", "backend": "debootstrap", "distro": "debian", "release": None,
        "elements": ["gatekit-worker"], "elements_path": [ELEMENTS], "packages": ["python3"],
        "wheels": ["six"], "git_repos": [], "mirror": MIRROR, "security_mirror": "",
        "ubuntu_keyring_url": None, "ubuntu_keyring_sha256": None, "ubuntu_keyring_fingerprint": None,
        "venvs": {"/opt/v": ["six"]}, "env_vars": {}, "authorized_keys": "ssh-ed25519 AAAA k",
        "key_dir": None, "zuul_user": "zuul", "zuul_uid": 1000, "ca_bundle": "",
        "formats": ["tar", "qcow2"], "layout": "auto", "cache_dir": str(tmp_path / "cache"),
        "dib_image_cache": str(tmp_path / "dib-cache"), "pip_cache": True, "keep": 2,
        "podman_import": False, "podman_repo": "localhost/gkimg", "compress": False, "force": False,
        "timeout": 3600, "dib_cmd": "disk-image-create", "search_path": [], "recipe_only": False,
    }
    p.update(over)
    p = b.resolve_params(p)
    p["_inputs"] = {}
    p["_dib_cmd"] = "/venv/bin/disk-image-create"
    return p


def builder(tmp_path, runner, layout="partitionless", **over):
    p = params(tmp_path, **over)
    paths = cache_paths(p["cache_dir"], p["name"], "k" * 64)
    for sub in ("logs", ".status"):
        os.makedirs(os.path.join(p["cache_dir"], sub), exist_ok=True)
    status = b.Status(os.path.join(p["cache_dir"], ".status", "gkimg.json"),
                      {"name": "gkimg", "backend": p["backend"]})
    return b.Builder(p, "k" * 64, layout, paths, log_path=os.path.join(paths["logs"], "build.log"),
                     status=status, runner=runner), p


# --- debootstrap backend --------------------------------------------------------------------

def test_debootstrap_backend_runs_what_dib_would(tmp_path):
    runner = RecordingRunner()
    bld, p = builder(tmp_path, runner)
    manifest = bld.build()
    root = os.path.join(p["cache_dir"], ".tmp-gkimg-kkkkkkkkkkkkkkkk-%d" % os.getpid(), "root")
    boot = runner.commands("debootstrap")
    assert boot == [["debootstrap", "--variant=minbase", "--arch=amd64", "--components=main",
                     "bookworm", root, MIRROR]]
    mounts = runner.commands("mount")
    assert mounts == [
        ["mount", "-t", "proc", "proc", root + "/proc"],
        ["mount", "-t", "sysfs", "-o", "ro", "sysfs", root + "/sys"],
        ["mount", "--bind", "/dev", root + "/dev"],
        ["mount", "-t", "devpts", "devpts", root + "/dev/pts"],
        ["mount", "--bind", os.path.join(p["dib_image_cache"], "pip"), root + "/tmp/pip"],
    ]
    # Unmounted in reverse order once the chroot phases are over.
    umounts = [c for c in runner.calls if c[0] == "umount"]
    assert umounts[:5] == [["umount", m[-1]] for m in reversed(mounts)]
    # Every chroot phase script ran inside the root, with the DIB environment, venvs included.
    chroots = runner.commands("chroot")
    assert chroots and all(c[1] == root for c in chroots)
    assert "DIB_GATEKIT_VENVS=/opt/v=six" in chroots[0]
    assert "DIB_GATEKIT_PACKAGES=python3" in chroots[0]
    assert any(c[-1].endswith("/install.d/10-gatekit-packages") for c in chroots)
    image = os.path.join(p["cache_dir"], ".tmp-gkimg-kkkkkkkkkkkkkkkk-%d" % os.getpid(), "out", "image")
    tars = runner.commands("tar")
    assert tars[-1] == ["tar", "-C", root, "--numeric-owner", "--xattrs", "--xattrs-include=*",
                        "-cf", image + ".tar", "."]
    # du says 100 MB: the filesystem gets 100 / 0.6 + 64 MB.
    assert runner.commands("mkfs.ext4") == [["mkfs.ext4", "-q", "-F", "-L", "cloudimg-rootfs", "-d", root,
                                             image + ".raw", "230M"]]
    assert runner.commands("qemu-img") == [["qemu-img", "convert", "-O", "qcow2", image + ".raw",
                                            image + ".qcow2"]]
    assert manifest["packages"] == ["python3=3.11.2-1", "sudo=1.9"]
    assert sorted(os.listdir(bld.paths["final"])) == ["build.log", "image.qcow2", "image.tar", "manifest.json"]
    assert not os.path.exists(os.path.dirname(root))
    # The bootstrap is cached: the next build unpacks it instead of running debootstrap.
    again = RecordingRunner()
    bld2, _p = builder(tmp_path, again)
    bld2.build()
    assert again.commands("debootstrap") == []
    assert again.commands("tar")[0][:4] == ["tar", "-C", root, "--numeric-owner"]


def test_a_failing_chroot_script_still_unmounts_everything(tmp_path):
    runner = RecordingRunner(fail=lambda cmd: 1 if cmd[0] == "chroot" else 0)
    bld, _p = builder(tmp_path, runner, pip_cache=False, compress=True)
    with pytest.raises(b.BuildFailed, match="chroot exited with 1"):
        bld.build()
    mounted = [c[-1] for c in runner.commands("mount")]
    assert len(mounted) == 4
    assert [c for c in runner.calls if c[0] == "umount"] == [["umount", m] for m in reversed(mounted)]
    assert runner.commands("mkfs.ext4") == []


def test_a_busy_mount_is_unmounted_lazily(tmp_path):
    runner = RecordingRunner(calls={"umount": (32, "", "target is busy")})
    b.unmount("/x/proc", runner)
    assert runner.calls == [["umount", "/x/proc"], ["umount", "-l", "/x/proc"]]


def test_release_tree_detaches_loop_devices_below_it(tmp_path):
    top = tmp_path / "tmp-build"
    top.mkdir()
    loops = {"loopdevices": [{"name": "/dev/loop7", "back-file": str(top / "image.raw")},
                             {"name": "/dev/loop8", "back-file": "/elsewhere/x.raw"}]}
    runner = RecordingRunner(calls={"losetup": (0, json.dumps(loops), "")})
    b.release_tree(str(top), runner)
    assert ["losetup", "-d", "/dev/loop7"] in runner.calls
    assert ["losetup", "-d", "/dev/loop8"] not in runner.calls
    assert not top.exists()


def test_podman_import_tags_with_the_content_hash(tmp_path):
    runner = RecordingRunner()
    bld, _p = builder(tmp_path, runner, podman_import=True, formats=["tar"])
    manifest = bld.build()
    final_tar = os.path.join(bld.paths["final"], "image.tar")
    with open(final_tar, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    assert manifest["podman_ref"] == "localhost/gkimg:" + digest[:12]
    cmd = runner.commands("podman")[0]
    assert cmd[:3] == ["podman", "import", "--quiet"]
    assert "LABEL=gatekit.key=" + "k" * 64 in cmd and cmd[-1] == manifest["podman_ref"]


# --- DIB backend ----------------------------------------------------------------------------

def test_dib_backend_command_line_and_environment(tmp_path):
    runner = RecordingRunner()
    bld, p = builder(tmp_path, runner, backend="dib")
    bld.build()
    (cmd, env), = runner.runs[:1]
    out = os.path.join(p["cache_dir"], ".tmp-gkimg-kkkkkkkkkkkkkkkk-%d" % os.getpid(), "out")
    assert cmd == ["/venv/bin/disk-image-create", "-t", "tar,qcow2", "-u", "-o", out + "/image",
                   "debian-minimal", "pip-cache", "gatekit-worker"]
    assert env["DIB_BLOCK_DEVICE_CONFIG"] == PARTITIONLESS_BLOCK_DEVICE_CONFIG
    assert env["DIB_GATEKIT_NO_KERNEL"] == "1"
    assert env["DIB_GATEKIT_VENVS"] == "/opt/v=six"
    assert env["DIB_IMAGE_CACHE"] == p["dib_image_cache"]
    assert env["ELEMENTS_PATH"] == ELEMENTS
    assert env["TMPDIR"].endswith("/work") and env["DIB_DEBOOTSTRAP_CACHE"] == "1"
    assert "DIB_DEBOOTSTRAP_EXTRA_ARGS" not in env


def test_dib_partitioned_layout_and_compression(tmp_path):
    runner = RecordingRunner()
    bld, _p = builder(tmp_path, runner, backend="dib", compress=True, formats=["qcow2"])
    bld.layout = "partitioned"
    bld.build()
    cmd, env = runner.runs[0]
    assert "-u" not in cmd
    assert cmd[-5:] == ["debian-minimal", "vm", "block-device-mbr", "pip-cache", "gatekit-worker"]
    assert "DIB_BLOCK_DEVICE_CONFIG" not in env and "DIB_GATEKIT_NO_KERNEL" not in env


# --- keyring selection --------------------------------------------------------------------------

def test_ubuntu_debootstrap_uses_the_pinned_keyring_and_the_generic_script(tmp_path):
    runner = RecordingRunner()
    bld, p = builder(tmp_path, runner, distro="ubuntu", mirror="http://u.example/ubuntu",
                     _keyring="/cache/keyrings/k.gpg", _debootstrap_script="gutsy")
    assert p["release"] == "noble"
    bld.build()
    boot = runner.commands("debootstrap")[0]
    assert boot[3:6] == ["--components=main,universe", "--keyring=/cache/keyrings/k.gpg", "noble"]
    assert boot[-1] == "gutsy"
    upgrade = runner.commands("chroot")[0]
    assert "dist-upgrade" in upgrade[-1]


def test_own_keyring_in_env_vars_wins(tmp_path):
    runner = RecordingRunner()
    bld, _p = builder(tmp_path, runner, distro="ubuntu", _keyring="/pinned.gpg",
                      env_vars={"DIB_APT_KEYRING": "/own.gpg", "DIB_DEBOOTSTRAP_EXTRA_ARGS": "--no-merged-usr"})
    bld.build()
    boot = runner.commands("debootstrap")[0]
    assert "--keyring=/own.gpg" in boot and "--no-merged-usr" in boot
    assert "--keyring=/pinned.gpg" not in boot


def test_dib_gets_the_keyring_as_bootstrap_arguments(tmp_path):
    runner = RecordingRunner()
    bld, _p = builder(tmp_path, runner, backend="dib", distro="ubuntu", _keyring="/k.gpg")
    bld.build()
    env = runner.runs[0][1]
    assert env["DIB_DEBOOTSTRAP_EXTRA_ARGS"] == "--keyring=/k.gpg"
    assert env["DIB_MMDEBSTRAP_EXTRA_ARGS"] == "--keyring=/k.gpg"
    assert env["DIB_UBUNTU_KERNEL"] == "none"
    assert "DIB_APT_KEYRING" not in env


def test_the_pins_default_to_the_distro_table(tmp_path):
    p = params(tmp_path, distro="ubuntu")
    assert [p["ubuntu_keyring_" + k] for k in ("url", "sha256", "fingerprint")] == [
        UBUNTU_KEYRING["url"], UBUNTU_KEYRING["sha256"], UBUNTU_KEYRING["fingerprint"]]
    assert params(tmp_path, ubuntu_keyring_sha256="")["ubuntu_keyring_sha256"] == ""


def _packet(tag, body):
    return bytes([0xC0 | tag, len(body)]) + body


class _Response:
    def __init__(self, data):
        self.data = data

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def read(self, size=-1):
        data, self.data = self.data, b""
        return data


def _keyring_package(tmp_path, keyring):
    """A fake .deb and a dpkg-deb that 'extracts' `keyring` as the package's member."""
    def dpkg(cmd):
        member = os.path.join(cmd[3], UBUNTU_KEYRING["member"])
        os.makedirs(os.path.dirname(member))
        with open(member, "wb") as f:
            f.write(keyring)
        return 0, "", ""
    return RecordingRunner(calls={"dpkg-deb": dpkg})


def test_ubuntu_keyring_keeps_only_the_pinned_key(tmp_path):
    wanted, other = b"\x04" + b"k1" * 20, b"\x04" + b"k2" * 20
    keyring = _packet(6, wanted) + _packet(13, b"uid") + _packet(6, other)
    fpr = hashlib.sha1(b"\x99" + len(wanted).to_bytes(2, "big") + wanted).hexdigest().upper()
    deb = b"a fake package"
    runner = _keyring_package(tmp_path, keyring)
    p = {"ubuntu_keyring_url": "http://k.example/k.deb", "ubuntu_keyring_sha256": hashlib.sha256(deb).hexdigest(),
         "ubuntu_keyring_fingerprint": fpr, "cache_dir": str(tmp_path)}
    dest = b.ubuntu_keyring(p, runner, opener=lambda url, timeout: _Response(deb))
    with open(dest, "rb") as f:
        assert f.read() == _packet(6, wanted) + _packet(13, b"uid")
    assert runner.calls[0][:2] == ["dpkg-deb", "-x"]
    # Fetched once: the next build finds it in the cache.
    assert b.ubuntu_keyring(p, RecordingRunner(), opener=None) == dest


@pytest.mark.parametrize("pin,variable", [
    ({"ubuntu_keyring_sha256": "0" * 64}, "build_image_ubuntu_keyring_sha256"),
    ({"ubuntu_keyring_sha256": "", "ubuntu_keyring_fingerprint": "01" * 20}, "build_image_ubuntu_keyring_fingerprint"),
])
def test_a_wrong_pin_keeps_nothing(tmp_path, pin, variable):
    runner = _keyring_package(tmp_path, _packet(6, b"\x04" + b"k1" * 20))
    p = dict({"ubuntu_keyring_url": "http://k.example/k.deb", "ubuntu_keyring_sha256": "",
              "ubuntu_keyring_fingerprint": "", "cache_dir": str(tmp_path / "cache")}, **pin)
    with pytest.raises(GatekitInputError, match=variable):
        b.ubuntu_keyring(p, runner, opener=lambda url, timeout: _Response(b"deb"))
    assert not (tmp_path / "cache").exists()


def test_no_pin_at_all_is_refused(tmp_path):
    p = {"ubuntu_keyring_url": "u", "ubuntu_keyring_sha256": "", "ubuntu_keyring_fingerprint": "",
         "cache_dir": str(tmp_path)}
    with pytest.raises(GatekitInputError, match="both empty"):
        b.ubuntu_keyring(p, RecordingRunner())


# --- small helpers -------------------------------------------------------------------------------

def test_controller_key_is_generated_once(tmp_path):
    key_dir = tmp_path / "keys"

    def keygen(cmd):
        path = cmd[cmd.index("-f") + 1]
        (tmp_path / "keys" / "id_ed25519").write_text("private")
        os.chmod(path, 0o600)
        (tmp_path / "keys" / "id_ed25519.pub").write_text("ssh-ed25519 AAAA gatekit-controller\n")
        return 0, "", ""

    runner = RecordingRunner()
    runner.call = lambda cmd: (runner.calls.append(cmd), keygen(cmd))[1]
    assert b.controller_key(str(key_dir), runner, check_mode=True) == ("", True)
    assert b.controller_key(str(key_dir), runner, check_mode=False) == ("ssh-ed25519 AAAA gatekit-controller", True)
    assert runner.calls[-1][:3] == ["ssh-keygen", "-q", "-t"]
    assert b.controller_key(str(key_dir), RecordingRunner(), check_mode=False)[1] is False


def test_repo_state_follows_the_refs(tmp_path):
    runner = RecordingRunner(calls={"git": (0, "abc refs/heads/main\n", "")})
    state = b.repo_state(str(tmp_path), runner)
    assert state and runner.calls[0][:4] == ["git", "-C", str(tmp_path), "for-each-ref"]
    assert b.repo_state("https://opendev.org/openstack/keystone", runner) == ""


def test_progress_line_names_backend_phase_and_elapsed():
    st = {"backend": "dib", "phase": "install", "started": 100.0}
    assert progress_line(st, 230.0) == "image: dib install (3/9), 2m10s"
    assert progress_line({"phase": "gatekit-custom", "started": 0}, 5) == "image: gatekit-custom, 5s"


def test_the_status_file_follows_the_phases_the_commands_print(tmp_path):
    runner = RecordingRunner()
    bld, p = builder(tmp_path, runner)
    bld.build()
    with open(bld.status.path) as f:
        st = json.load(f)
    # The recording runner prints gatekit-phase markers; the last phase set by the build wins.
    assert st["backend"] == "debootstrap" and st["phase"] == "import"
