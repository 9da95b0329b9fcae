# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""build_image with real builds: a failed build, interrupted builds (SIGINT to the
module, SIGTERM to ansible-playbook), the cache (hit, changed key, pruning).

Each test builds the cheapest image that still exercises the path (python3 only, tar
only); bootstrap tarballs are shared through ~/.cache/gatekit/images/dib-cache."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from build_image_fixtures import (
    PODMAN_REPO,
    ROOT,
    SHARED_DIB_CACHE,
    assert_clean,
    leftovers,
    module_result,
    needs_root_and_tools,
    podman_rmi,
    read_status,
    run_module,
    small_args,
    start_module,
    wait_for_phase,
    wait_until_gone,
)

INSTALL_PHASES = ("install", "packages")


def test_failed_build_cleans_up_and_names_the_log(tmp_path):
    """A package that does not exist: the debootstrap backend fails at apt-get install."""
    needs_root_and_tools("debootstrap", "chroot", "mkfs.ext4")
    cache = tmp_path / "cache"
    res = run_module(tmp_path, small_args(cache, backend="debootstrap",
                                          packages=["python3", "gkimg-no-such-package"]))
    assert res.get("failed") is True
    assert "failed" in res["msg"] and "Full log: " in res["msg"]
    log = res["log"]
    assert log in res["msg"] and os.path.isfile(log)
    with open(log) as f:
        text = f.read()
    assert "Unable to locate package gkimg-no-such-package" in text
    assert_clean(cache)
    assert read_status(cache, "gkimg-small")["state"] == "failed"


def test_sigint_during_dib_build_cleans_up(tmp_path):
    """Ctrl-C while DIB has the chroot mounted (proc, sys, dev, pip cache, tmpfs)."""
    needs_root_and_tools("disk-image-create", "sudo", "qemu-img")
    cache = tmp_path / "cache"
    proc = start_module(tmp_path, small_args(cache, backend="dib"))
    wait_for_phase(cache, "gkimg-small", INSTALL_PHASES, proc)
    assert leftovers(cache)["mounts"], "expected the build to have mounts by now"
    os.kill(proc.pid, signal.SIGINT)
    res = module_result(proc, timeout=300)
    assert res.get("failed") is True
    assert "interrupted by SIGINT" in res["msg"]
    assert res["log"] in res["msg"] and os.path.isfile(res["log"])
    assert_clean(cache)
    assert read_status(cache, "gkimg-small")["state"] == "interrupted"


def test_sigterm_to_ansible_playbook_cleans_up(tmp_path):
    """SIGTERM to ansible-playbook: Ansible forwards it to the module, which cleans up."""
    needs_root_and_tools("debootstrap", "chroot", "mkfs.ext4")
    cache = tmp_path / "cache"
    extra = {
        "build_image_name": "gkimg-small",
        "build_image_backend": "debootstrap",
        "build_image_packages": ["python3"],
        "build_image_wheels": [],
        "build_image_formats": ["tar"],
        "build_image_podman_import": False,
        "build_image_cache_dir": str(cache),
        "build_image_dib_image_cache": SHARED_DIB_CACHE,
        "build_image_authorized_keys": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGtzdGtleQ gkimg",
    }
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"))
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    play = subprocess.Popen(
        [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"),
         os.path.join(ROOT, "playbooks", "image.yml"), "-e", json.dumps(extra)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True)
    st = wait_for_phase(cache, "gkimg-small", INSTALL_PHASES, play)
    # The action plugin reads the status file every 2 s: give it one tick to print the phase.
    time.sleep(3)
    os.kill(play.pid, signal.SIGTERM)
    out = play.communicate(timeout=120)[0].decode()
    assert play.returncode != 0
    # The progress lines named the phase while it ran.
    assert "build_image gkimg-small: " in out
    wait_until_gone(st["pid"])
    final = read_status(cache, "gkimg-small")
    assert final["state"] == "interrupted"
    assert "SIGTERM" in final["message"] and final["log"] in final["message"]
    assert_clean(cache)


def test_cache_hit_new_key_and_pruning(tmp_path):
    needs_root_and_tools("debootstrap", "chroot", "mkfs.ext4", "podman")
    cache = tmp_path / "cache"
    args = small_args(cache, backend="debootstrap", podman_import=True, keep=1)
    refs = []
    try:
        # Two callers at once: one builds, the other waits for the lock and hits.
        procs = [start_module(tmp_path / d, args) for d in ("a", "b")]
        results = [module_result(p, timeout=900) for p in procs]
        results.sort(key=lambda r: r["cache_hit"])
        first, waited = results
        assert first.get("changed") is True and first["cache_hit"] is False, first.get("msg")
        assert waited["cache_hit"] is True and waited["changed"] is False, waited.get("msg")
        assert waited["image"]["podman_ref"] == first["image"]["podman_ref"]
        img = first["image"]
        refs.append(img["podman_ref"])
        assert img["podman_ref"] == "%s:%s" % (PODMAN_REPO, img["digest"][:12])
        assert any(p.startswith("python3=") for p in img["packages"])
        assert os.path.isfile(img["tar"]) and os.path.isfile(img["log"])
        assert subprocess.call(["podman", "image", "exists", img["podman_ref"]]) == 0

        start = time.time()
        again = run_module(tmp_path, args)
        hit_seconds = time.time() - start
        assert again["changed"] is False and again["cache_hit"] is True
        assert again["image"]["podman_ref"] == img["podman_ref"]
        assert "cache hit" in again["msg"]
        print("cache hit in %.1fs" % hit_seconds)

        # A changed input is a new key and a new build; keep=1 prunes the first.
        changed = dict(args, env_vars={"DIB_GKIMG_TEST": "2"})
        second = run_module(tmp_path, changed)
        assert second.get("changed") is True and second["key"] != first["key"], second.get("msg")
        refs.append(second["image"]["podman_ref"])
        assert os.path.dirname(img["tar"]) in second["pruned"]
        assert not os.path.exists(img["tar"])
        if second["image"]["podman_ref"] != img["podman_ref"]:
            assert subprocess.call(["podman", "image", "exists", img["podman_ref"]]) != 0
        assert leftovers(cache)["tmp_dirs"] == []
    finally:
        for ref in refs:
            podman_rmi(ref)


def test_check_mode_and_bad_input(tmp_path):
    cache = tmp_path / "cache"
    res = run_module(tmp_path, dict(small_args(cache), _ansible_check_mode=True))
    assert res["changed"] is True and res["msg"] == "would build"
    assert not os.path.exists(str(cache)) or not os.listdir(str(cache))
    bad = run_module(tmp_path, small_args(cache, packages=["Not A Package"]))
    assert bad["failed"] and bad["msg"].startswith("packages:")
    bad = run_module(tmp_path, small_args(cache, keep=0))
    assert bad["failed"] and bad["msg"].startswith("keep:")


# --- Ubuntu noble on this Debian host -------------------------------------------------------

NOBLE_REPO = "localhost/gkimg-noble-test"


def test_noble_image_builds_and_runs(tmp_path):
    """A small Ubuntu noble image (debootstrap backend: bookworm's debootstrap has no noble
    script, the Ubuntu keyring comes pinned): it boots in podman as noble, with the zuul
    user, a sudoers file visudo accepts, and an offline wheelhouse install."""
    needs_root_and_tools("debootstrap", "chroot", "dpkg-deb", "podman")
    cache = tmp_path / "cache"
    args = small_args(cache, name="gkimg-noble", backend="debootstrap", distro="ubuntu",
                      release="noble", packages=["python3", "sudo"], wheels=["six"],
                      podman_import=True, podman_repo=NOBLE_REPO)
    res = run_module(tmp_path, args)
    assert res.get("changed") is True and res["cache_hit"] is False, res.get("msg")
    img = res["image"]
    try:
        assert img["podman_ref"].startswith(NOBLE_REPO + ":")
        assert any(p.startswith("python3-venv=") for p in img["packages"])
        keyrings = os.listdir(str(cache / "keyrings"))
        assert len(keyrings) == 1 and keyrings[0].startswith("ubuntu-archive-keyring-")
        script = (
            ". /etc/os-release && echo codename=$VERSION_CODENAME; "
            "id -u zuul; stat -c %a /etc/sudoers.d/zuul; visudo -c -q && echo visudo-ok; "
            "python3 -m venv /tmp/v && "
            "/tmp/v/bin/pip install -q --no-index --find-links /opt/cache/wheels six && "
            "/tmp/v/bin/python -c 'import six; print(\"six\", six.__version__)'")
        run = subprocess.run(["podman", "run", "--rm", "--network", "none", img["podman_ref"],
                              "/bin/bash", "-c", script],
                             check=False, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
        out = run.stdout.decode()
        assert run.returncode == 0, out
        lines = out.split()
        assert "codename=noble" in lines
        assert "1000" in lines and "440" in lines and "visudo-ok" in lines
        assert "six" in lines, out
        # The same inputs again: a cache hit, keyring and bootstrap reused.
        again = run_module(tmp_path, args)
        assert again["cache_hit"] is True and again["image"]["podman_ref"] == img["podman_ref"]
        left = leftovers(cache)
        assert left["mounts"] == [] and left["tmp_dirs"] == []
    finally:
        podman_rmi(img["podman_ref"])


@pytest.mark.parametrize("pin,variable", [
    ({"ubuntu_keyring_sha256": "0" * 64}, "build_image_ubuntu_keyring_sha256"),
    ({"ubuntu_keyring_sha256": "",
      "ubuntu_keyring_fingerprint": "0123456789ABCDEF0123456789ABCDEF01234567"},
     "build_image_ubuntu_keyring_fingerprint"),
])
def test_noble_wrong_keyring_pin_fails_and_leaves_nothing(tmp_path, pin, variable):
    needs_root_and_tools("debootstrap", "chroot", "dpkg-deb")
    cache = tmp_path / "cache"
    res = run_module(tmp_path, small_args(cache, name="gkimg-noble", backend="debootstrap",
                                          distro="ubuntu", release="noble", **pin))
    assert res.get("failed") is True
    assert variable in res["msg"] and "not trusted" in res["msg"], res["msg"]
    assert not os.path.exists(str(cache)) or os.listdir(str(cache)) == [], os.listdir(str(cache))
