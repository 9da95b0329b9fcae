# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers for the build_image functional tests: run the image_build module for real
(as a plain process, the way Ansible runs it on the controller) and inspect the host for
anything a build could leave behind."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MODULE = os.path.join(ROOT, "plugins", "modules", "image_build.py")
ELEMENTS = os.path.join(ROOT, "roles", "build_image", "files", "elements")
# Bootstrap tarballs and the pip cache are shared with real builds: a cache, not state.
SHARED_DIB_CACHE = os.path.expanduser("~/.cache/gatekit/images/dib-cache")
PODMAN_REPO = "localhost/gkimg-test"


def module_env():
    env = dict(os.environ)
    # ansible_collections/gatekit/devstack -> ../.. resolves the collection imports.
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    return env


def small_args(cache_dir, **over):
    """The cheapest real image: python3 only, no wheels, tar only, no podman."""
    args = {
        "name": "gkimg-small",
        "elements_path": [ELEMENTS],
        "cache_dir": str(cache_dir),
        "dib_image_cache": SHARED_DIB_CACHE,
        "packages": ["python3"],
        "wheels": [],
        "formats": ["tar"],
        "podman_import": False,
        "podman_repo": PODMAN_REPO,
        "authorized_keys": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGtzdGtleQ gkimg-test",
        "search_path": [os.path.dirname(sys.executable)],
    }
    args.update(over)
    return args


def write_args(tmp_path, args):
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "args.json"
    path.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": args}))
    return str(path)


def start_module(tmp_path, args):
    return subprocess.Popen([sys.executable, MODULE, write_args(tmp_path, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=module_env(),
                            start_new_session=True)


def module_result(proc, timeout):
    out, err = proc.communicate(timeout=timeout)
    text = out.decode()
    start = text.find("{")
    assert start >= 0, "no JSON from the module: %s %s" % (text, err.decode())
    return json.loads(text[start:])


def run_module(tmp_path, args, timeout=900):
    return module_result(start_module(tmp_path, args), timeout)


def read_status(cache_dir, name):
    try:
        with open(os.path.join(str(cache_dir), ".status", name + ".json")) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def wait_for_phase(cache_dir, name, phases, proc=None, timeout=600):
    """Wait until the build reports one of `phases`; fail if it ends first."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        st = read_status(cache_dir, name)
        if st.get("state") == "running" and st.get("phase") in phases:
            return st
        if proc is not None and proc.poll() is not None:
            pytest.fail("build ended before phase %s: %s" % (phases, proc.stdout.read()))
        time.sleep(1)
    pytest.fail("build never reached phase %s (last: %s)" % (phases, read_status(cache_dir, name)))


def leftovers(top):
    """Mounts, loop devices and processes below `top`, and temporary build dirs in it."""
    top = os.path.abspath(str(top))
    with open("/proc/self/mountinfo") as f:
        mounts = [ln.split()[4] for ln in f if ln.split()[4].startswith(top)]
    loops = subprocess.run(["losetup", "-J", "-l"], check=False, stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL).stdout.decode()
    loops = [d["name"] for d in (json.loads(loops or "{}").get("loopdevices") or [])
             if (d.get("back-file") or "").startswith(top)]
    procs = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                if os.readlink("/proc/%s/root" % pid).startswith(top):
                    procs.append(int(pid))
            except OSError:
                pass
    tmps = [e for e in os.listdir(top) if e.startswith(".tmp-")] if os.path.isdir(top) else []
    return {"mounts": mounts, "loops": loops, "procs": procs, "tmp_dirs": tmps}


def assert_clean(cache_dir):
    assert leftovers(cache_dir) == {"mounts": [], "loops": [], "procs": [], "tmp_dirs": []}
    builds = [e for e in os.listdir(str(cache_dir))
              if os.path.isfile(os.path.join(str(cache_dir), e, "manifest.json"))]
    assert builds == [], "a failed build left an image in the cache: %s" % builds


def wait_until_gone(pid, timeout=180):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            os.kill(pid, 0)
        except OSError:
            return
        time.sleep(0.5)
    pytest.fail("process %d still running" % pid)


def podman_rmi(ref):
    subprocess.call(["podman", "rmi", "-f", ref], stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL)


def needs_root_and_tools(*tools):
    if os.geteuid() != 0:
        pytest.skip("image builds need root")
    missing = [t for t in tools if not shutil.which(t, path=module_env()["PATH"] + ":/usr/sbin:/sbin")]
    if missing:
        pytest.skip("missing host tools: %s" % ", ".join(missing))


__all__ = ["ROOT", "SHARED_DIB_CACHE", "PODMAN_REPO", "signal", "small_args", "start_module",
           "module_result", "run_module", "read_status", "wait_for_phase", "leftovers",
           "assert_clean", "wait_until_gone", "podman_rmi", "needs_root_and_tools"]
