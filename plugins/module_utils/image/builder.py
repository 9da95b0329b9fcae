# Copyright: gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The image builder behind the image_build module.

Every command it runs goes through a command runner handed in by the caller
(``CommandRunner`` runs them for real; the unit tests pass one that records them), so
what a build runs (debootstrap or disk-image-create, mounts and their cleanup, mkfs,
qemu-img, podman import, keyring checks) is tested without a build.

``run_image_build(params, check_mode, runner)`` is the whole module: it returns
``(failed, result)`` for exit_json / fail_json.
"""

from __future__ import annotations

import datetime
import errno
import fcntl
import hashlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time

from ansible.module_utils.urls import open_url

from ansible_collections.gatekit.devstack.plugins.module_utils.common import atomic_write
from ansible_collections.gatekit.devstack.plugins.module_utils.image.cache import (
    PARTITIONLESS_BLOCK_DEVICE_CONFIG,
    ImageInputError,
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
    output_names,
    own_archive_trust,
    parse_apt_sources,
    parse_mountinfo,
    parse_packages,
    phase_from_line,
    phase_scripts,
    podman_ref,
    resolve_elements,
    select_prune,
    start_in_session,
    status_path,
    tree_digest,
    validate_inputs,
)
from ansible_collections.gatekit.devstack.plugins.module_utils.image.distro import (
    DISTROS,
    UBUNTU_KEYRING,
    default_release,
)
from ansible_collections.gatekit.devstack.plugins.module_utils.image.recipe import (
    dib_elements,
    element_env,
    image_recipe,
    with_venvs,
)

SBIN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
CHROOT_PHASES = ("pre-install.d", "install.d", "post-install.d")
# The chroot filesystems a debootstrap build mounts: (source, target below the root, options).
CHROOT_MOUNTS = (("proc", "proc", ["-t", "proc"]),
                 ("sysfs", "sys", ["-t", "sysfs", "-o", "ro"]),
                 ("/dev", "dev", ["--bind"]),
                 ("devpts", "dev/pts", ["-t", "devpts"]))


class BuildInterrupted(Exception):
    pass


class BuildFailed(Exception):
    pass


def _now():
    return datetime.datetime.now(datetime.UTC)


def _stamp():
    return _now().strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


def _signal_handler(signum, frame):
    raise BuildInterrupted(signal.Signals(signum).name)


def text_digest(text):
    return hashlib.sha256((text or "").encode()).hexdigest()


class CommandRunner:
    """Runs commands for real. ``run`` streams a long command's output line by line
    (in its own session, so ``stop`` ends it and everything it started); ``call``
    runs a short one and returns (rc, stdout, stderr)."""

    def __init__(self):
        self.proc = None

    def run(self, cmd, env=None, cwd=None, on_line=None):
        full_env = dict(os.environ)
        full_env["PATH"] = full_env.get("PATH", "") + ":" + SBIN_PATH
        full_env.update(env or {})
        self.proc = start_in_session(cmd, env=full_env, cwd=cwd)
        for raw in iter(self.proc.stdout.readline, b""):
            if on_line:
                on_line(raw.decode("utf-8", "replace"))
        rc = self.proc.wait()
        self.proc.stdout.close()
        self.proc = None
        return rc

    def call(self, cmd):
        try:
            done = subprocess.run(cmd, check=False, capture_output=True, stdin=subprocess.DEVNULL)
        except OSError as e:
            return 127, "", str(e)
        return done.returncode, done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace")

    def stop(self):
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, 60), (signal.SIGKILL, 10)):
            try:
                os.killpg(proc.pid, sig)
            except OSError:
                pass
            try:
                proc.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass


class Status:
    """The progress file: phase, elapsed, state, log."""

    def __init__(self, path, base):
        self.path = path
        self.data = dict(base, state="running", phase="prepare", pid=os.getpid(),
                         started=time.time(), phase_started=time.time())
        os.makedirs(os.path.dirname(path), exist_ok=True)
        self.write()

    def write(self):
        self.data["updated"] = time.time()
        try:
            atomic_write(self.path, json.dumps(self.data, sort_keys=True), mode=0o644)
        except OSError:
            pass

    def phase(self, name):
        if name and name != self.data["phase"]:
            self.data["phase"] = name
            self.data["phase_started"] = time.time()
            self.write()

    def finish(self, state, message):
        self.data["state"] = state
        self.data["message"] = message
        self.data["elapsed"] = round(time.time() - self.data["started"], 1)
        self.write()

    def elapsed(self):
        return time.time() - self.data["started"]


class Builder:
    def __init__(self, params, key, layout, paths, *, log_path, status, runner):
        self.p = params
        self.key = key
        self.layout = layout
        self.paths = paths
        self.log_path = log_path
        self.status = status
        self.runner = runner
        self.deadline = time.time() + params["timeout"]
        self.tmp = None
        self.log = None

    # -- plumbing -------------------------------------------------------------------------
    def say(self, text):
        self.log.write("%s | gatekit: %s\n" % (_stamp(), text))
        self.log.flush()

    def run(self, cmd, env=None, cwd=None, stamp=True):
        """Run a command, logging its output and following the phases it prints."""
        self.say("$ %s" % " ".join(cmd))

        def line(text):
            if stamp:
                text = "%s | %s" % (_stamp(), text)
            self.log.write(text)
            self.status.phase(phase_from_line(text))
            if time.time() > self.deadline:
                raise BuildFailed("timed out after %ss" % self.p["timeout"])

        rc = self.runner.run(cmd, env=env, cwd=cwd, on_line=line)
        self.log.flush()
        if rc != 0:
            raise BuildFailed("%s exited with %s" % (os.path.basename(cmd[0]), rc))

    def capture(self, cmd):
        rc, out, _err = self.runner.call(cmd)
        return out if rc == 0 else ""

    # -- entry ----------------------------------------------------------------------------
    def build(self):
        self.tmp = "%s%d" % (self.paths["tmp_prefix"], os.getpid())
        if os.path.exists(self.tmp):
            release_tree(self.tmp, self.runner)
        os.makedirs(self.tmp)
        self.log = open(self.log_path, "a")
        started = time.time()
        self.say("building %s key %s backend %s layout %s in %s" % (
            self.p["name"], self.key, self.p["backend"], self.layout, self.tmp))
        outdir = os.path.join(self.tmp, "out")
        os.makedirs(outdir)
        if self.p["backend"] == "dib":
            self.build_dib(outdir)
        else:
            self.build_debootstrap(outdir)
        outputs = output_names(self.p["formats"])
        for fmt, fn in outputs.items():
            if not os.path.isfile(os.path.join(outdir, fn)):
                raise BuildFailed("the build made no %s output (%s)" % (fmt, fn))
        self.status.phase("import")
        tar = os.path.join(outdir, outputs["tar"]) if "tar" in outputs else None
        packages, digest, ref = [], None, None
        if tar:
            packages = parse_packages(self.capture(
                ["tar", "-xOf", tar, "--occurrence=1", "./etc/gatekit/packages.txt"]))
            digest = file_digest(tar)
            if self.p["podman_import"]:
                ref = podman_ref(self.p["podman_repo"], digest)
                self.podman_import(tar, ref)
        else:
            digest = file_digest(os.path.join(outdir, outputs[self.p["formats"][0]]))
        final_dir = self.paths["final"]
        # Move outputs next to the manifest, then publish the directory in one rename.
        stage = os.path.join(self.tmp, "publish")
        os.makedirs(stage)
        for fn in outputs.values():
            os.rename(os.path.join(outdir, fn), os.path.join(stage, fn))
        manifest = {
            "name": self.p["name"], "key": self.key, "digest": digest, "podman_ref": ref,
            "built_at": _now().strftime("%Y-%m-%dT%H:%M:%SZ"), "outputs": outputs,
            "packages": packages, "wheels": list(self.p["wheels"]),
            "backend": self.p["backend"], "layout": self.layout,
            "build_seconds": round(time.time() - started, 1), "inputs": self.p["_inputs"],
        }
        self.say("built in %s" % format_elapsed(time.time() - started))
        self.log.close()
        shutil.copyfile(self.log_path, os.path.join(stage, "build.log"))
        atomic_write(os.path.join(stage, "manifest.json"),
                     json.dumps(manifest, indent=1, sort_keys=True), mode=0o644)
        old = None
        if os.path.exists(final_dir):
            old = "%s.old-%d" % (self.tmp, os.getpid())
            os.rename(final_dir, old)
        os.rename(stage, final_dir)
        if old:
            shutil.rmtree(old, ignore_errors=True)
        release_tree(self.tmp, self.runner)
        self.tmp = None
        return manifest

    def podman_import(self, tar, ref):
        self.run(["podman", "import", "--quiet", "--change", "CMD=/bin/bash",
                  "--change", "LABEL=gatekit.key=%s" % self.key,
                  "--change", "LABEL=gatekit.name=%s" % self.p["name"], tar, ref])

    # -- backends ---------------------------------------------------------------------------
    def base_env(self):
        dib_cache = self.p["dib_image_cache"]
        os.makedirs(dib_cache, exist_ok=True)
        env = element_env(self.p, self.layout)
        env.update({
            "DIB_IMAGE_CACHE": dib_cache,
            "ELEMENTS_PATH": ":".join(self.p["elements_path"]),
            "LANG": "C.UTF-8",
        })
        return env

    def build_dib(self, outdir):
        work = os.path.join(self.tmp, "work")
        os.makedirs(work)
        env = self.base_env()
        env.update({
            "TMPDIR": work,
            "DIB_DEBOOTSTRAP_CACHE": "1",
            "DIB_DEBIAN_USE_DEBOOTSTRAP_CACHE": "1",
        })
        if self.layout == "partitionless" and "DIB_BLOCK_DEVICE_CONFIG" not in self.p["env_vars"]:
            env["DIB_BLOCK_DEVICE_CONFIG"] = PARTITIONLESS_BLOCK_DEVICE_CONFIG
        if self.p.get("_keyring"):
            # Not DIB_APT_KEYRING: ubuntu-minimal would `apt-key add` it in a chroot
            # that has no gpg. The bootstrap tool checks the Release signature with
            # it; the image then trusts its own ubuntu-keyring package.
            for var in ("DIB_DEBOOTSTRAP_EXTRA_ARGS", "DIB_MMDEBSTRAP_EXTRA_ARGS"):
                env[var] = ("%s --keyring=%s" % (env.get(var, ""), self.p["_keyring"])).strip()
        if (self.p.get("_debootstrap_script") and "DIB_DEBIAN_DEBOOTSTRAP_SCRIPT" not in env
                and not shutil.which("mmdebstrap", path=SBIN_PATH)):
            # DIB prefers mmdebstrap (no scripts at all) when it is installed and no
            # script is named; plain debootstrap needs the generic one.
            env["DIB_DEBIAN_DEBOOTSTRAP_SCRIPT"] = self.p["_debootstrap_script"]
        cmd = [self.p["_dib_cmd"], "-t", ",".join(self.p["formats"])]
        if not self.p["compress"]:
            cmd.append("-u")
        cmd += ["-o", os.path.join(outdir, "image")] + dib_elements(self.p, self.layout)
        self.status.phase("debootstrap")
        self.run(cmd, env=env, stamp=False)

    def chroot_script(self, root, script, env):
        inner = "/tmp/in_target.d/%s" % os.path.relpath(script, os.path.join(root, "tmp/in_target.d"))
        cmd = ["chroot", root, "/usr/bin/env", "-i", "PATH=" + SBIN_PATH, "HOME=/root",
               "LANG=C.UTF-8", "TERM=dumb"] + ["%s=%s" % kv for kv in sorted(env.items())] + [
            "/bin/bash", "-c",
            'for f in /tmp/in_target.d/environment.d/*; do [ -f "$f" ] && . "$f"; done; '
            'exec "$0"', inner]
        self.run(cmd)

    def bootstrap(self, root, dib_cache):
        """debootstrap into `root`, through a tarball cached per distro, release and mirror."""
        p = self.p
        tarball = os.path.join(dib_cache, "gatekit-bootstrap-%s-%s-amd64-%s.tar" % (
            p["distro"], p["release"], text_digest(p["mirror"])[:8]))
        if os.path.isfile(tarball):
            self.say("bootstrap from cache %s" % tarball)
            self.run(["tar", "-C", root, "--numeric-owner", "-xf", tarball])
            return
        # DIB's own knobs, honoured here too (e.g. an Ubuntu keyring on a Debian host,
        # or nodepool's --no-check-gpg).
        extra = p["env_vars"].get("DIB_DEBOOTSTRAP_EXTRA_ARGS", "").split()
        keyring = p["env_vars"].get("DIB_APT_KEYRING") or p.get("_keyring")
        if keyring:
            extra.append("--keyring=" + keyring)
        script = p["env_vars"].get("DIB_DEBIAN_DEBOOTSTRAP_SCRIPT") or p.get("_debootstrap_script")
        self.run(["debootstrap", "--variant=minbase", "--arch=amd64",
                  "--components=" + ",".join(DISTROS[p["distro"]]["components"])]
                 + extra + [p["release"], root, p["mirror"]] + ([script] if script else []))
        part = "%s.%d.part" % (tarball, os.getpid())
        self.run(["tar", "-C", root, "--numeric-owner", "-cf", part, "."])
        os.rename(part, tarball)

    def build_debootstrap(self, outdir):
        p = self.p
        root = os.path.join(self.tmp, "root")
        os.makedirs(root)
        env = self.base_env()
        dib_cache = env["DIB_IMAGE_CACHE"]
        self.status.phase("debootstrap")
        self.bootstrap(root, dib_cache)
        elements, skipped = resolve_elements(p["elements_path"], p["elements"])
        if skipped:
            self.say("elements only DIB provides, skipped here: %s" % ", ".join(skipped))
        hooks = os.path.join(root, "tmp", "in_target.d")
        os.makedirs(os.path.join(hooks, "environment.d"))
        for f in environment_files(elements):
            shutil.copy(f, os.path.join(hooks, "environment.d", os.path.basename(f)))
        for phase in CHROOT_PHASES + ("finalise.d",):
            os.makedirs(os.path.join(hooks, phase))
            for s in phase_scripts(elements, phase):
                shutil.copy(s, os.path.join(hooks, phase, os.path.basename(s)))
        etc = os.path.join(root, "etc")
        with open(os.path.join(etc, "apt", "sources.list"), "w") as f:
            f.write(apt_sources(p["distro"], p["release"], p["mirror"], p["security_mirror"]))
        shutil.rmtree(os.path.join(etc, "apt", "sources.list.d"), ignore_errors=True)
        os.makedirs(os.path.join(etc, "apt", "sources.list.d"))
        policy = os.path.join(root, "usr", "sbin", "policy-rc.d")
        with open(policy, "w") as f:
            f.write("#!/bin/sh\n# gatekit build: no daemons start in the chroot\nexit 101\n")
        os.chmod(policy, 0o755)
        resolv = os.path.join(etc, "resolv.conf")
        if os.path.islink(resolv) or os.path.exists(resolv):
            os.unlink(resolv)
        shutil.copyfile("/etc/resolv.conf", resolv)
        # Outside the chroot: extra-data.d, as DIB runs it.
        self.status.phase("prepare")
        outside = dict(env, TMP_HOOKS_PATH=hooks, TARGET_ROOT=root)
        env_sources = 'for f in "$GK_ENV"/*; do [ -f "$f" ] && . "$f"; done; exec "$0"'
        for s in phase_scripts(elements, "extra-data.d"):
            self.run(["/bin/bash", "-c", env_sources, s],
                     env=dict(outside, GK_ENV=os.path.join(hooks, "environment.d")))
        inside = {k: v for k, v in env.items() if k.startswith("DIB_")}
        mounted = []
        try:
            for src, dst, opts in CHROOT_MOUNTS:
                target = os.path.join(root, dst)
                os.makedirs(target, exist_ok=True)
                self.run(["mount"] + opts + [src, target])
                mounted.append(target)
            if p["pip_cache"]:
                pip_cache = os.path.join(dib_cache, "pip")
                os.makedirs(pip_cache, exist_ok=True)
                target = os.path.join(root, "tmp", "pip")
                os.makedirs(target, exist_ok=True)
                self.run(["mount", "--bind", pip_cache, target])
                mounted.append(target)
            self.status.phase("install")
            if p["distro"] == "ubuntu":
                # As ubuntu-minimal's root.d does for DIB: the bootstrap comes from the
                # release pocket only, the updates and security pockets bring the rest.
                self.run(["chroot", root, "/usr/bin/env", "-i", "PATH=" + SBIN_PATH, "HOME=/root",
                          "LANG=C.UTF-8", "DEBIAN_FRONTEND=noninteractive", "/bin/sh", "-c",
                          "apt-get -q update && apt-get -q -y -o Dpkg::Options::=--force-confdef "
                          "-o Dpkg::Options::=--force-confold dist-upgrade"])
            for phase in CHROOT_PHASES:
                for s in sorted(os.listdir(os.path.join(hooks, phase))):
                    self.chroot_script(root, os.path.join(hooks, phase, s), inside)
            self.status.phase("finalise")
            for s in sorted(os.listdir(os.path.join(hooks, "finalise.d"))):
                self.chroot_script(root, os.path.join(hooks, "finalise.d", s), inside)
        finally:
            for target in reversed(mounted):
                unmount(target, self.runner)
        os.unlink(policy)
        shutil.rmtree(hooks)
        shutil.rmtree(os.path.join(root, "tmp", "pip"), ignore_errors=True)
        with open(resolv, "w") as f:
            f.write("")
        with open(os.path.join(etc, "fstab"), "w") as f:
            f.write("LABEL=cloudimg-rootfs / ext4 defaults 0 1\n")
        self.status.phase("convert")
        self.convert(root, os.path.join(outdir, "image"))

    def convert(self, root, image):
        """The root tree -> image.tar, image.raw (ext4, no partition table), image.qcow2."""
        formats = self.p["formats"]
        if "tar" in formats:
            self.run(["tar", "-C", root, "--numeric-owner", "--xattrs", "--xattrs-include=*",
                      "-cf", image + ".tar", "."])
        if "qcow2" in formats or "raw" in formats:
            used = int(self.capture(["du", "-sxm", root]).split()[0] or 1024)
            size = "%dM" % (int(used / 0.6) + 64)
            raw = image + ".raw"
            self.run(["mkfs.ext4", "-q", "-F", "-L", "cloudimg-rootfs", "-d", root, raw, size])
            if "qcow2" in formats:
                self.run(["qemu-img", "convert"] + (["-c"] if self.p["compress"] else []) +
                         ["-O", "qcow2", raw, image + ".qcow2"])
            if "raw" not in formats:
                os.unlink(raw)


def unmount(target, runner):
    """umount, lazily when it is busy."""
    if runner.call(["umount", target])[0] != 0:
        runner.call(["umount", "-l", target])


def release_tree(top, runner):
    """Leave nothing below `top`: stop processes rooted there, unmount (deepest first),
    detach loop devices backed by files there, then delete it."""
    if not top or not os.path.exists(top):
        return
    top = os.path.abspath(top)
    for _dummy in range(3):
        killed = False
        for pid in os.listdir("/proc"):
            if not pid.isdigit() or int(pid) == os.getpid():
                continue
            try:
                root = os.readlink("/proc/%s/root" % pid)
            except OSError:
                continue
            if root == top or root.startswith(top + "/"):
                try:
                    os.kill(int(pid), signal.SIGKILL)
                    killed = True
                except OSError:
                    pass
        if not killed:
            break
        time.sleep(0.5)
    for _dummy in range(3):
        with open("/proc/self/mountinfo") as f:
            points = mounts_below(parse_mountinfo(f.read()), top)
        if not points:
            break
        for mp in points:
            unmount(mp, runner)
    for dev in loops_below(runner.call(["losetup", "-J", "-l"])[1], top):
        runner.call(["losetup", "-d", dev])
    shutil.rmtree(top, ignore_errors=True)


def podman_has(ref, runner):
    return runner.call(["podman", "image", "exists", ref])[0] == 0


def read_manifest(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except OSError as e:
        return e.errno == errno.EPERM
    return True


def prune(cache_dir, keep, protect, current_ref, runner):
    """Keep the newest `keep` builds per name; drop stale temporaries of dead builds."""
    builds, pruned = [], []
    for entry in os.listdir(cache_dir):
        full = os.path.join(cache_dir, entry)
        if entry.startswith(".tmp-"):
            pid = entry.rsplit("-", 1)[-1].split(".", 1)[0]
            if pid.isdigit() and not pid_alive(int(pid)):
                release_tree(full, runner)
                pruned.append(full)
            continue
        m = read_manifest(os.path.join(full, "manifest.json"))
        if m:
            builds.append({"dir": full, "name": m.get("name"), "built_at": m.get("built_at"),
                           "ref": m.get("podman_ref")})
    refs = {b["dir"]: b["ref"] for b in builds}
    for d in select_prune(builds, keep, protect=(protect,)):
        ref = refs.get(d)
        if ref and ref != current_ref:
            runner.call(["podman", "rmi", ref])
        shutil.rmtree(d, ignore_errors=True)
        pruned.append(d)
    logs = os.path.join(cache_dir, "logs")
    if os.path.isdir(logs):
        for fn in sorted(os.listdir(logs))[:-20]:
            os.unlink(os.path.join(logs, fn))
    return pruned


def find_dib(cmd, search_path):
    if os.path.isabs(cmd):
        return cmd if os.access(cmd, os.X_OK) else None
    for d in os.environ.get("PATH", "").split(":") + list(search_path):
        cand = os.path.join(d, cmd)
        if d and os.access(cand, os.X_OK):
            return cand
    return None


def host_defaults(distro, release):
    """(mirror, security) from the host's apt sources."""
    host_id = host_release = ""
    try:
        with open("/etc/os-release") as f:
            for line in f:
                k, dummy, v = line.strip().partition("=")
                if k == "ID":
                    host_id = v.strip('"')
                elif k == "VERSION_CODENAME":
                    host_release = v.strip('"')
    except OSError:
        pass
    listdir = "/etc/apt/sources.list.d"
    names = sorted(fn for fn in (os.listdir(listdir) if os.path.isdir(listdir) else [])
                   if fn.endswith((".list", ".sources")))
    texts = []
    for path in ["/etc/apt/sources.list"] + [os.path.join(listdir, fn) for fn in names]:
        try:
            with open(path) as f:
                texts.append(f.read())
        except OSError:
            pass
    return default_mirrors(distro, release, host_id, host_release, parse_apt_sources(texts))


def repo_state(repo, runner):
    """A local repository's refs (so a new commit changes the key); URLs as given."""
    if "://" in repo or not os.path.isdir(repo):
        return ""
    rc, refs, _err = runner.call(["git", "-C", repo, "for-each-ref", "--format=%(objectname) %(refname)"])
    if rc != 0:
        return ""
    head = runner.call(["git", "-C", repo, "rev-parse", "HEAD"])[1]
    return text_digest(refs + head)


def mirror_problem(url, release_path, opener=open_url, timeout=15):
    """None when ``url`` serves ``release_path`` (an apt Release file), else the reason.

    Only http(s) mirrors are probed: a file:// or other mirror is the builder's to read.
    """
    if not url.startswith(("http://", "https://")):
        return None
    probe = "%s/%s" % (url.rstrip("/"), release_path)
    try:
        opener(probe, method="HEAD", timeout=timeout, follow_redirects="safe").close()
    except Exception as e:  # pylint: disable=broad-except  # every failure is the reason shown
        reason = getattr(e, "reason", None) or e
        return "%s is unreachable (%s: %s)" % (url, release_path, reason)
    return None


def ubuntu_keyring(p, runner, opener=open_url):
    """Path of the Ubuntu archive keyring in <cache_dir>/keyrings/, fetched once from
    ubuntu_keyring_url and kept only when it matches the pins: the package's sha256
    and/or the signing key's fingerprint (then the keyring holds that key alone).
    Raises ImageInputError naming the pin (and its role variable) otherwise."""
    url = p["ubuntu_keyring_url"]
    sha = (p["ubuntu_keyring_sha256"] or "").lower()
    fpr = normalise_fingerprint(p["ubuntu_keyring_fingerprint"])
    member_name = UBUNTU_KEYRING["member"]
    if not sha and not fpr:
        raise ImageInputError(
            "ubuntu_keyring_sha256", "and ubuntu_keyring_fingerprint (build_image_ubuntu_keyring_sha256, "
            "build_image_ubuntu_keyring_fingerprint) are both empty: pin the keyring, or bring "
            "your own trust with env_vars DIB_APT_KEYRING")
    pins = text_digest("\n".join((url, sha, fpr)))[:16]
    dest = os.path.join(p["cache_dir"], "keyrings", "ubuntu-archive-keyring-%s.gpg" % pins)
    if os.path.isfile(dest):
        return dest
    tmp = tempfile.mkdtemp(prefix="gatekit-keyring-")
    try:
        deb = os.path.join(tmp, "keyring.deb")
        try:
            with opener(url, timeout=60) as resp, open(deb, "wb") as out:
                shutil.copyfileobj(resp, out)
        except Exception as e:  # pylint: disable=broad-except  # every failure is the reason shown
            raise ImageInputError("ubuntu_keyring_url", "build_image_ubuntu_keyring_url: cannot fetch %s: %s"
                                  % (url, e)) from e
        got = file_digest(deb)
        if sha and got != sha:
            raise ImageInputError(
                "ubuntu_keyring_sha256",
                "build_image_ubuntu_keyring_sha256 is %s but %s has sha256 %s: the keyring is not "
                "trusted and was not kept" % (sha, url, got))
        extracted = os.path.join(tmp, "x")
        rc = runner.call(["dpkg-deb", "-x", deb, extracted])[0]
        member = os.path.join(extracted, member_name)
        if rc != 0 or not os.path.isfile(member):
            raise ImageInputError("ubuntu_keyring_url", "build_image_ubuntu_keyring_url: %s is not a "
                                  "package holding /%s" % (url, member_name))
        with open(member, "rb") as f:
            data = f.read()
        if fpr:
            try:
                keys = openpgp_keys(data)
            except ValueError as e:
                raise ImageInputError("ubuntu_keyring_url", "build_image_ubuntu_keyring_url: /%s in %s "
                                      "is not a binary OpenPGP keyring: %s" % (member_name, url, e)) from e
            if fpr not in keys:
                raise ImageInputError(
                    "ubuntu_keyring_fingerprint",
                    "build_image_ubuntu_keyring_fingerprint is %s but the keyring of %s holds %s: the "
                    "keyring is not trusted and was not kept" % (fpr, url, ", ".join(sorted(keys)) or "no key"))
            data = keys[fpr]
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        atomic_write(dest, data, mode=0o644)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dest


def controller_key(key_dir, runner, check_mode):
    """(public key, changed) of the controller key pair, generating it once (0600/0700)."""
    private = os.path.join(key_dir, "id_ed25519")
    changed = False
    if not os.path.isfile(private + ".pub"):
        if check_mode:
            return "", True
        os.makedirs(key_dir, mode=0o700, exist_ok=True)
        rc, _out, err = runner.call(["ssh-keygen", "-q", "-t", "ed25519", "-N", "",
                                     "-C", "gatekit-controller", "-f", private])
        if rc != 0:
            raise ImageInputError("key_dir", "ssh-keygen failed: %s" % err.strip())
        changed = True
    for path, mode in ((key_dir, 0o700), (private, 0o600)):
        if os.path.exists(path) and os.stat(path).st_mode & 0o777 != mode:
            if not check_mode:
                os.chmod(path, mode)
            changed = True
    with open(private + ".pub") as f:
        return f.read().strip(), changed


def resolve_params(params):
    """image_build's options -> the build's parameters: paths absolute, the distro
    table's release and keyring pins where none is given, the venvs as
    DIB_GATEKIT_VENVS, nodepool's env-vars over the options of the same meaning."""
    p = dict(params)
    p["cache_dir"] = os.path.abspath(p["cache_dir"])
    p["dib_image_cache"] = os.path.abspath(p["dib_image_cache"] or os.path.join(p["cache_dir"], "dib-cache"))
    p["elements_path"] = [os.path.abspath(e) for e in p["elements_path"]]
    p["release"] = p.get("release") or default_release(p["distro"])
    for pin in ("url", "sha256", "fingerprint"):
        if p.get("ubuntu_keyring_" + pin) is None:
            p["ubuntu_keyring_" + pin] = UBUNTU_KEYRING[pin]
    p["venvs"] = {str(k): [str(r) for r in v] for k, v in (p.get("venvs") or {}).items()}
    p["env_vars"] = with_venvs(p.get("env_vars"), p["venvs"])
    p["release"] = p["env_vars"].get("DIB_RELEASE", p["release"])
    p["mirror"] = p["env_vars"].get("DIB_DISTRIBUTION_MIRROR", p["mirror"])
    p["security_mirror"] = p["env_vars"].get("DIB_DEBIAN_SECURITY_MIRROR", p["security_mirror"])
    return p


def _check_host_inputs(p):
    for d in p["elements_path"]:
        if not os.path.isdir(d):
            raise ImageInputError("elements_path", "%s is not a directory" % d)
    if p["ca_bundle"] and not os.path.isfile(p["ca_bundle"]):
        raise ImageInputError("ca_bundle", "%s does not exist (use '' for none)" % p["ca_bundle"])
    for repo in p["git_repos"]:
        if "://" not in repo and not os.path.isdir(repo):
            raise ImageInputError("git_repos", "%s is neither a URL nor a directory" % repo)


def _layout(p, runner):
    if p["backend"] == "debootstrap":
        # The debootstrap backend writes a filesystem image without a partition table.
        return "partitionless"
    if p["layout"] != "auto":
        return p["layout"]
    dm_control = os.path.exists("/dev/mapper/control")
    dm_ok = bool(shutil.which("dmsetup")) and dm_control and runner.call(["dmsetup", "version"])[0] == 0
    return choose_layout("auto", dm_control, dm_ok)


def _preflight(p, runner):
    """The host tools, the mirrors and the Ubuntu keyring, before the cache is touched.
    Returns an error message or None."""
    if os.geteuid() != 0:
        return ("image_build must run as root (become: true): builds mount filesystems and use "
                "loop devices")
    tools = ["tar", "podman"] if p["podman_import"] else ["tar"]
    if p["backend"] == "dib":
        p["_dib_cmd"] = find_dib(p["dib_cmd"], p["search_path"])
        if not p["_dib_cmd"]:
            return "dib_cmd: %s not found in PATH or search_path (install diskimage-builder)" % p["dib_cmd"]
        tools += ["sudo", "qemu-img"]
    else:
        tools += ["debootstrap", "chroot", "mkfs.ext4"] + (["qemu-img"] if "qcow2" in p["formats"] else [])
    fetch_keyring = p["distro"] == "ubuntu" and not own_archive_trust(p["env_vars"])
    if fetch_keyring:
        tools.append("dpkg-deb")
    missing = [t for t in tools if not shutil.which(t, path=os.environ.get("PATH", "") + ":" + SBIN_PATH)]
    if missing:
        return "backend %s needs these host tools: %s" % (p["backend"], ", ".join(missing))
    # An unreachable mirror fails here, naming it (otherwise debootstrap or DIB would
    # fail later with only a log to read).
    probes = [("mirror", p["mirror"], "dists/%s/Release" % p["release"])]
    if p["distro"] == "debian" and p["security_mirror"]:
        probes.append(("security_mirror", p["security_mirror"], "dists/%s-security/Release" % p["release"]))
    for option, url, release_path in probes:
        problem = mirror_problem(url, release_path)
        if problem:
            return "%s: %s" % (option, problem)
    if fetch_keyring:
        # A keyring that does not match its pins leaves nothing behind.
        p["_keyring"] = ubuntu_keyring(p, runner)
    p["_debootstrap_script"] = debootstrap_script(
        p["distro"], p["release"],
        os.path.join(os.environ.get("DEBOOTSTRAP_DIR") or "/usr/share/debootstrap", "scripts"))
    return None


class _Refused(Exception):
    """Ends the module with failed=True and this result."""

    def __init__(self, result):
        super().__init__(result.get("msg"))
        self.result = result


def run_image_build(params, check_mode, runner):
    """The image_build module: (failed, result)."""
    try:
        return False, ImageBuild(params, runner).run(check_mode)
    except _Refused as e:
        return True, e.result


class ImageBuild:
    """One run of the module: the key, the cache lookup, the locked build."""

    def __init__(self, params, runner):
        self.runner = runner
        self.p = resolve_params(params)
        self.base = {}
        self.key_changed = False
        self.key = self.layout = self.paths = None

    def refuse(self, msg, **extra):
        raise _Refused(dict(self.base, msg=msg, **extra))

    def hit(self):
        m = read_manifest(self.paths["manifest"])
        return m if manifest_ok(m, self.paths["final"]) and m.get("key") == self.key else None

    def hit_result(self, manifest, changed, extra=""):
        return dict(self.base, changed=changed, cache_hit=True,
                    image=image_fact(manifest, self.paths["final"], True),
                    msg="cache hit: %s %s (%s)%s" % (self.p["name"], self.key[:16],
                                                     manifest.get("podman_ref"), extra))

    def run(self, check_mode):
        p, runner = self.p, self.runner
        try:
            validate_inputs(p)
            self.base["recipe"] = image_recipe(p)
            if p.get("recipe_only"):
                return dict(self.base, changed=False, msg="recipe of %s" % p["name"])
            _check_host_inputs(p)
            if not p["authorized_keys"] and p["key_dir"]:
                p["authorized_keys"], self.key_changed = controller_key(p["key_dir"], runner, check_mode)
            if not p["mirror"] or (p["distro"] == "debian" and not p["security_mirror"]):
                mirror, security = host_defaults(p["distro"], p["release"])
                if p["distro"] == "debian" or not p["mirror"]:
                    # Ubuntu: a mirror of the user's own serves the security pocket too.
                    p["security_mirror"] = p["security_mirror"] or security
                p["mirror"] = p["mirror"] or mirror
            validate_inputs(p)
        except ImageInputError as e:
            self.refuse(str(e))
        self.layout = _layout(p, runner)
        inputs = key_inputs(p, tree_digest(p["elements_path"]), file_digest(p["ca_bundle"]),
                            {r: repo_state(r, runner) for r in p["git_repos"]}, self.layout)
        self.key = compute_key(inputs)
        self.base["key"] = self.key
        p["_inputs"] = inputs
        self.paths = cache_paths(p["cache_dir"], p["name"], self.key)
        manifest = None if p["force"] else self.hit()
        if check_mode:
            return dict(self.base, changed=manifest is None or self.key_changed, cache_hit=manifest is not None,
                        image=image_fact(manifest, self.paths["final"], True) if manifest else None,
                        msg="cache hit" if manifest else "would build")
        if manifest is not None and (not manifest.get("podman_ref") or podman_has(manifest["podman_ref"], runner)):
            return self.hit_result(manifest, self.key_changed)
        try:
            problem = _preflight(p, runner)
        except ImageInputError as e:
            self.refuse(str(e), cache_hit=False)
        if problem:
            self.refuse(problem)
        return self.build_locked()

    def build_locked(self):
        p, key, paths, runner = self.p, self.key, self.paths, self.runner
        for sub in ("logs", ".locks", ".status"):
            os.makedirs(os.path.join(p["cache_dir"], sub), exist_ok=True)
        lock = open(paths["lock"], "w")
        old_handlers = {s: signal.signal(s, _signal_handler) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
        stamp = _now().strftime("%Y%m%dT%H%M%SZ")
        log_path = os.path.join(paths["logs"], "%s-%s-%s.log" % (p["name"], key[:16], stamp))
        status = builder = error = manifest = None
        built = reimported = False
        started = time.time()
        try:
            # One build per image name at a time; a second caller waits here (and then
            # usually finds the first one's result in the cache).
            try:
                fcntl.flock(lock, fcntl.LOCK_EX)
            except BuildInterrupted as e:
                error = ("interrupted", "interrupted by %s while waiting for another build of %s" % (e, p["name"]))
                raise
            manifest = None if p["force"] else self.hit()
            if manifest is None or (manifest.get("podman_ref") and not podman_has(manifest["podman_ref"], runner)):
                status = Status(status_path(p["cache_dir"], p["name"]),
                                {"name": p["name"], "key": key, "log": log_path, "backend": p["backend"]})
                builder = Builder(p, key, self.layout, paths, log_path=log_path, status=status, runner=runner)
                if manifest is None:
                    manifest = builder.build()
                    built = True
                else:
                    # Cached files, but the podman image was removed: import it again.
                    status.phase("import")
                    builder.log = open(log_path, "a")
                    builder.podman_import(os.path.join(paths["final"], manifest["outputs"]["tar"]),
                                          manifest["podman_ref"])
                    builder.log.close()
                    reimported = True
                status.finish("done", "done in %s" % format_elapsed(status.elapsed()))
        except BuildInterrupted as e:
            error = error or ("interrupted", "image build of %s interrupted by %s" % (p["name"], e))
        except BuildFailed as e:
            error = ("failed", "image build of %s failed: %s" % (p["name"], e))
        except Exception as e:  # pylint: disable=broad-except  # any other fault must still clean up
            error = ("failed", "image build of %s failed: %s: %s" % (p["name"], type(e).__name__, e))
        finally:
            if error and builder:
                # Cleanup must not be cut short by a second Ctrl-C.
                for s in old_handlers:
                    signal.signal(s, signal.SIG_IGN)
                runner.stop()
                if builder.log and not builder.log.closed:
                    builder.say("%s; cleaning up" % error[1])
                    builder.log.close()
                release_tree(builder.tmp, runner)
            fcntl.flock(lock, fcntl.LOCK_UN)
            lock.close()
        if error:
            msg = "%s (phase %s after %s). Full log: %s" % (
                error[1], status.data.get("phase") if status else "prepare",
                format_elapsed(time.time() - started), log_path)
            if status:
                status.finish(error[0], msg)
            self.refuse(msg, log=log_path, cache_hit=False)
        if not built:
            # Another build of the same key finished while this one waited for the lock.
            return self.hit_result(manifest, reimported or self.key_changed,
                                   ", re-imported into podman" if reimported else "")
        pruned = prune(p["cache_dir"], p["keep"], paths["final"], manifest.get("podman_ref"), runner)
        return dict(self.base, changed=True, cache_hit=False, log=log_path, pruned=pruned,
                    image=image_fact(manifest, paths["final"], False),
                    msg="built %s %s in %s (%s)" % (
                        p["name"], key[:16], format_elapsed(time.time() - started), manifest.get("podman_ref")))
