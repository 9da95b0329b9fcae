#!/usr/bin/python
# Copyright: gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: image_build
short_description: Build a devstack worker image with diskimage-builder or debootstrap, cached
version_added: "0.1.0"
description:
  - Computes a cache key from every input that changes the image (backend, distro,
    release, elements and their files, packages, wheels, git repositories, mirrors,
    C(DIB_*) variables, authorized key, CA bundle, block-device layout, formats).
  - The same key again is a cache hit and takes seconds. Otherwise the image is built
    into a temporary directory of the cache and renamed into place only when complete.
  - Outputs are a tar, a qcow2 (optionally raw) and a C(podman import) of the tar,
    tagged with the first 12 hex digits of the tar's sha256.
  - An interrupted (SIGINT, SIGTERM, SIGHUP) or failed build leaves no mounts, no loop
    devices and no partial image in the cache; the error names the kept log file.
  - Progress (phase, elapsed time) is written to a status file, which the action plugin
    of the same name prints while the module runs on the controller.
  - Must run as root (DIB and debootstrap mount filesystems and use loop devices).
author:
  - gatekit.devstack contributors (@gatekit)
attributes:
  check_mode:
    support: full
    description: Computes the key and reports whether a build would run.
  diff_mode:
    support: none
    description: An image has no meaningful diff; the key and cache_hit say what changed.
options:
  name:
    description: Image name; also written to C(/etc/image-hostname.txt).
    type: str
    default: gatekit-worker
  backend:
    description: C(dib) runs C(disk-image-create); C(debootstrap) runs debootstrap and the
      same elements' scripts in a chroot, without DIB.
    type: str
    choices: [dib, debootstrap]
    default: dib
  distro:
    description: Distribution.
    type: str
    choices: [debian, ubuntu]
    default: debian
  release:
    description: Release codename (DIB_RELEASE).
    type: str
    default: bookworm
  elements:
    description: Elements added after the distribution element (nodepool's C(elements)).
    type: list
    elements: str
    default: [gatekit-worker]
  elements_path:
    description: Directories holding elements (ELEMENTS_PATH), earlier wins.
    type: list
    elements: path
    required: true
  packages:
    description: Debian packages installed with C(--no-install-recommends).
    type: list
    elements: str
    default: []
  wheels:
    description: pip requirement strings built into the wheelhouse C(/opt/cache/wheels).
    type: list
    elements: str
    default: []
  git_repos:
    description: Local paths or URLs cloned into C(/opt/git).
    type: list
    elements: str
    default: []
  mirror:
    description: Distribution mirror; empty means the mirror the host's apt sources use
      when the host runs the same distro, else the upstream one.
    type: str
    default: ''
  security_mirror:
    description: Security mirror (the C(-security) suite); empty means the host's, else
      upstream (C(security.ubuntu.com) for Ubuntu).
    type: str
    default: ''
  ubuntu_keyring_url:
    description:
      - Where an Ubuntu build fetches the C(ubuntu-keyring) package (Debian ships no
        Ubuntu archive keyring). Fetched once into C(<cache_dir>/keyrings/), only after
        it matched the pins below.
      - Not used when I(env_vars) bring their own trust (C(DIB_APT_KEYRING) or
        C(DIB_DEBOOTSTRAP_EXTRA_ARGS=--no-check-gpg)).
    type: str
    default: http://archive.ubuntu.com/ubuntu/pool/main/u/ubuntu-keyring/ubuntu-keyring_2023.11.28.1_all.deb
  ubuntu_keyring_sha256:
    description: sha256 of the package at I(ubuntu_keyring_url); empty skips this pin.
    type: str
    default: 36de43b15853ccae0028e9a767613770c704833f82586f28eb262f0311adb8a8
  ubuntu_keyring_fingerprint:
    description:
      - Fingerprint of the key that signs the archive (Ubuntu Archive Automatic Signing
        Key 2018). The bootstrap trusts this key only, not the rest of the package's
        keyring. Empty skips this pin (at least one pin is needed).
    type: str
    default: F6ECB3762474EDA9D21B7022871920D1991BC93C
  env_vars:
    description: Extra environment for the build (nodepool's C(env-vars)), e.g. C(DIB_*).
    type: dict
    default: {}
  authorized_keys:
    description: Public key text for the zuul user's C(authorized_keys).
    type: str
    default: ''
  key_dir:
    description:
      - With I(authorized_keys) empty, the directory (0700) of a controller key pair
        C(id_ed25519) (private key 0600) generated once with ssh-keygen; its public key
        goes to the image.
    type: path
  zuul_user:
    description: Login user name.
    type: str
    default: zuul
  zuul_uid:
    description: Login user's uid and gid.
    type: int
    default: 1000
  ca_bundle:
    description: A CA bundle on the build host whose extra CAs the image trusts; empty
      for none.
    type: path
    default: /etc/ssl/certs/ca-certificates.crt
  formats:
    description: Output formats.
    type: list
    elements: str
    default: [tar, qcow2]
  layout:
    description: Block-device layout; C(auto) picks C(partitioned) (DIB's MBR layout and
      the C(vm) element) when the host has device-mapper, else C(partitionless).
    type: str
    choices: [auto, partitioned, partitionless]
    default: auto
  cache_dir:
    description: The image cache.
    type: path
    default: ~/.cache/gatekit/images
  dib_image_cache:
    description: DIB_IMAGE_CACHE (bootstrap tarballs, pip cache); default
      C(<cache_dir>/dib-cache).
    type: path
  pip_cache:
    description: Mount a persistent pip cache into the chroot while building wheels
      (does not change the image).
    type: bool
    default: true
  keep:
    description: Builds kept per image name; older ones (and their podman images) are pruned.
    type: int
    default: 2
  podman_import:
    description: Import the tar into podman.
    type: bool
    default: true
  podman_repo:
    description: Repository of the imported image; the tag is the content hash.
    type: str
    default: localhost/gatekit-worker
  compress:
    description: Compress the qcow2 (smaller, but single-threaded zlib costs about 30 s).
    type: bool
    default: false
  force:
    description: Rebuild even when the cache holds the key.
    type: bool
    default: false
  timeout:
    description: Seconds a build may take before it is stopped and cleaned up.
    type: int
    default: 3600
  dib_cmd:
    description: The C(disk-image-create) command; a bare name is looked up in PATH and
      in I(search_path).
    type: str
    default: disk-image-create
  search_path:
    description: Extra directories to find C(disk-image-create) in (e.g. a venv's bin).
    type: list
    elements: path
    default: []
notes:
  - The fact layout follows the collection's CONTRACTS (gatekit_image).
"""

EXAMPLES = r"""
- name: Build (or reuse) the default worker image
  gatekit.devstack.image_build:
    elements_path: ["{{ role_path }}/files/elements"]
    packages: [python3, sudo, openssh-server]
    wheels: [tempest]
  register: built

- name: Same inputs with the debootstrap backend, tar only
  gatekit.devstack.image_build:
    backend: debootstrap
    elements_path: [/srv/elements]
    formats: [tar]
"""

RETURN = r"""
image:
  description: The gatekit_image fact.
  returned: success
  type: dict
  contains:
    name: {description: Image name., type: str}
    key: {description: Cache key (sha256 of the inputs)., type: str}
    digest: {description: sha256 of the tar (content hash)., type: str}
    tar: {description: Path of the tar., type: str}
    qcow2: {description: Path of the qcow2 or null., type: str}
    podman_ref: {description: "Local podman image, tagged with the content hash.", type: str}
    built_at: {description: UTC ISO time of the build., type: str}
    packages: {description: "Installed packages (name=version).", type: list, elements: str}
    cache_hit: {description: Whether the cache already held the key., type: bool}
    log: {description: The build's full log., type: str}
  sample:
    name: gatekit-worker
    key: 3f2a...
    podman_ref: localhost/gatekit-worker:9b1c0de4aa21
    cache_hit: true
key:
  description: The cache key.
  returned: always
  type: str
cache_hit:
  description: Whether the cache already held the key.
  returned: always
  type: bool
log:
  description: Log file of the build (also on failure).
  returned: when a build ran
  type: str
"""

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

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.urls import open_url

from ansible_collections.gatekit.devstack.plugins.module_utils.common import atomic_write
from ansible_collections.gatekit.devstack.plugins.module_utils.image.cache import (
    DISTROS,
    PARTITIONLESS_BLOCK_DEVICE_CONFIG,
    UBUNTU_KEYRING_FINGERPRINT,
    UBUNTU_KEYRING_MEMBER,
    UBUNTU_KEYRING_SHA256,
    UBUNTU_KEYRING_URL,
    ImageInputError,
    apt_sources,
    cache_paths,
    choose_layout,
    compute_key,
    debootstrap_script,
    default_mirrors,
    dib_elements,
    element_env,
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

SBIN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
CHROOT_PHASES = ("pre-install.d", "install.d", "post-install.d")


class BuildInterrupted(Exception):
    pass


class BuildFailed(Exception):
    pass


def _now():
    return datetime.datetime.now(datetime.UTC)


def _signal_handler(signum, frame):
    raise BuildInterrupted(signal.Signals(signum).name)


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
    def __init__(self, params, key, layout, paths, *, log_path, status):
        self.p = params
        self.key = key
        self.layout = layout
        self.paths = paths
        self.log_path = log_path
        self.status = status
        self.proc = None
        self.deadline = time.time() + params["timeout"]
        self.tmp = None
        self.log = None

    # -- plumbing -------------------------------------------------------------------------
    def say(self, text):
        stamp = _now().strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
        self.log.write("%s | gatekit: %s\n" % (stamp, text))
        self.log.flush()

    def run(self, cmd, env=None, cwd=None, stamp=True):
        """Run a command in its own session, logging its output and following phases."""
        self.say("$ %s" % " ".join(cmd))
        full_env = dict(os.environ)
        full_env["PATH"] = full_env.get("PATH", "") + ":" + SBIN_PATH
        full_env.update(env or {})
        self.proc = start_in_session(cmd, env=full_env, cwd=cwd)
        for raw in iter(self.proc.stdout.readline, b""):
            line = raw.decode("utf-8", "replace")
            if stamp:
                line = "%s | %s" % (_now().strftime("%Y-%m-%d %H:%M:%S.%f")[:-3], line)
            self.log.write(line)
            self.status.phase(phase_from_line(line))
            if time.time() > self.deadline:
                raise BuildFailed("timed out after %ss" % self.p["timeout"])
        rc = self.proc.wait()
        self.proc.stdout.close()
        self.proc = None
        self.log.flush()
        if rc != 0:
            raise BuildFailed("%s exited with %s" % (os.path.basename(cmd[0]), rc))

    def stop_child(self):
        """Stop the running command and everything it started (its session)."""
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

    # -- entry ----------------------------------------------------------------------------
    def build(self):
        self.tmp = "%s%d" % (self.paths["tmp_prefix"], os.getpid())
        if os.path.exists(self.tmp):
            release_tree(self.tmp)
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
            src = os.path.join(outdir, fn)
            if not os.path.isfile(src):
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
            qcow = os.path.join(outdir, outputs[self.p["formats"][0]])
            digest = file_digest(qcow)
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
        release_tree(self.tmp)
        self.tmp = None
        return manifest

    def capture(self, cmd):
        try:
            return subprocess.run(cmd, check=True, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL).stdout.decode("utf-8", "replace")
        except (OSError, subprocess.CalledProcessError):
            return ""

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

    def build_debootstrap(self, outdir):
        p = self.p
        root = os.path.join(self.tmp, "root")
        os.makedirs(root)
        env = self.base_env()
        dib_cache = env["DIB_IMAGE_CACHE"]
        comps = "main,universe" if p["distro"] == "ubuntu" else "main"
        tarball = os.path.join(dib_cache, "gatekit-bootstrap-%s-%s-amd64-%s.tar" % (
            p["distro"], p["release"], file_digest_text(p["mirror"])[:8]))
        self.status.phase("debootstrap")
        if os.path.isfile(tarball):
            self.say("bootstrap from cache %s" % tarball)
            self.run(["tar", "-C", root, "--numeric-owner", "-xf", tarball])
        else:
            # DIB's own knobs, honoured here too (e.g. an Ubuntu keyring on a Debian host,
            # or nodepool's --no-check-gpg).
            extra = p["env_vars"].get("DIB_DEBOOTSTRAP_EXTRA_ARGS", "").split()
            keyring = p["env_vars"].get("DIB_APT_KEYRING") or p.get("_keyring")
            if keyring:
                extra.append("--keyring=" + keyring)
            script = p["env_vars"].get("DIB_DEBIAN_DEBOOTSTRAP_SCRIPT") or p.get("_debootstrap_script")
            self.run(["debootstrap", "--variant=minbase", "--arch=amd64",
                      "--components=" + comps] + extra + [p["release"], root, p["mirror"]]
                     + ([script] if script else []))
            part = "%s.%d.part" % (tarball, os.getpid())
            self.run(["tar", "-C", root, "--numeric-owner", "-cf", part, "."])
            os.rename(part, tarball)
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
            for src, dst, opts in (("proc", "proc", ["-t", "proc"]),
                                   ("sysfs", "sys", ["-t", "sysfs", "-o", "ro"]),
                                   ("/dev", "dev", ["--bind"]),
                                   ("devpts", "dev/pts", ["-t", "devpts"])):
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
                subprocess.call(["umount", target]) == 0 or subprocess.call(["umount", "-l", target])
        os.unlink(policy)
        shutil.rmtree(hooks)
        shutil.rmtree(os.path.join(root, "tmp", "pip"), ignore_errors=True)
        with open(resolv, "w") as f:
            f.write("")
        with open(os.path.join(etc, "fstab"), "w") as f:
            f.write("LABEL=cloudimg-rootfs / ext4 defaults 0 1\n")
        self.status.phase("convert")
        image = os.path.join(outdir, "image")
        formats = p["formats"]
        if "tar" in formats:
            self.run(["tar", "-C", root, "--numeric-owner", "--xattrs", "--xattrs-include=*",
                      "-cf", image + ".tar", "."])
        if "qcow2" in formats or "raw" in formats:
            used = int(self.capture(["du", "-sxm", root]).split()[0] or 1024)
            size = "%dM" % (int(used / 0.6) + 64)
            raw = image + ".raw"
            self.run(["mkfs.ext4", "-q", "-F", "-L", "cloudimg-rootfs", "-d", root, raw, size])
            if "qcow2" in formats:
                self.run(["qemu-img", "convert"] + (["-c"] if p["compress"] else []) +
                         ["-O", "qcow2", raw, image + ".qcow2"])
            if "raw" not in formats:
                os.unlink(raw)


def file_digest_text(text):
    return hashlib.sha256((text or "").encode()).hexdigest()


def release_tree(top):
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
            if subprocess.call(["umount", mp], stderr=subprocess.DEVNULL) != 0:
                subprocess.call(["umount", "-l", mp], stderr=subprocess.DEVNULL)
    try:
        out = subprocess.run(["losetup", "-J", "-l"], check=False, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL).stdout.decode()
    except OSError:
        out = ""
    for dev in loops_below(out, top):
        subprocess.call(["losetup", "-d", dev], stderr=subprocess.DEVNULL)
    shutil.rmtree(top, ignore_errors=True)


def podman_has(ref):
    try:
        return subprocess.call(["podman", "image", "exists", ref], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL) == 0
    except OSError:
        return False


def read_manifest(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def prune(cache_dir, keep, protect, current_ref):
    """Keep the newest `keep` builds per name; drop stale temporaries of dead builds."""
    builds, pruned = [], []
    for entry in os.listdir(cache_dir):
        full = os.path.join(cache_dir, entry)
        if entry.startswith(".tmp-"):
            pid = entry.rsplit("-", 1)[-1].split(".", 1)[0]
            if pid.isdigit() and not pid_alive(int(pid)):
                release_tree(full)
                pruned.append(full)
            continue
        m = read_manifest(os.path.join(full, "manifest.json"))
        if m:
            builds.append({"dir": full, "name": m.get("name"), "built_at": m.get("built_at"),
                           "ref": m.get("podman_ref")})
    doomed = select_prune(builds, keep, protect=(protect,))
    refs = {b["dir"]: b["ref"] for b in builds}
    for d in doomed:
        ref = refs.get(d)
        if ref and ref != current_ref:
            subprocess.call(["podman", "rmi", ref], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
        shutil.rmtree(d, ignore_errors=True)
        pruned.append(d)
    logs = os.path.join(cache_dir, "logs")
    if os.path.isdir(logs):
        old = sorted(os.listdir(logs))[:-20]
        for fn in old:
            os.unlink(os.path.join(logs, fn))
    return pruned


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except OSError as e:
        return e.errno == errno.EPERM
    return True


def find_dib(cmd, search_path):
    if os.path.isabs(cmd):
        return cmd if os.access(cmd, os.X_OK) else None
    dirs = os.environ.get("PATH", "").split(":") + list(search_path)
    for d in dirs:
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
    texts = []
    for path in ["/etc/apt/sources.list"] + sorted(
            os.path.join("/etc/apt/sources.list.d", fn)
            for fn in (os.listdir("/etc/apt/sources.list.d")
                       if os.path.isdir("/etc/apt/sources.list.d") else [])
            if fn.endswith((".list", ".sources"))):
        try:
            with open(path) as f:
                texts.append(f.read())
        except OSError:
            pass
    return default_mirrors(distro, release, host_id, host_release, parse_apt_sources(texts))


def repo_state(repo):
    """A local repository's refs (so a new commit changes the key); URLs as given."""
    if "://" in repo or not os.path.isdir(repo):
        return ""
    try:
        out = subprocess.run(["git", "-C", repo, "for-each-ref", "--format=%(objectname) %(refname)"],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True).stdout
        head = subprocess.run(["git", "-C", repo, "rev-parse", "HEAD"], check=False, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL).stdout
    except (OSError, subprocess.CalledProcessError):
        return ""
    return file_digest_text((out + head).decode())


def mirror_problem(url, release_path, timeout=15):
    """None when ``url`` serves ``release_path`` (an apt Release file), else the reason.

    Only http(s) mirrors are probed: a file:// or other mirror is the builder's to read.
    """
    if not url.startswith(("http://", "https://")):
        return None
    probe = "%s/%s" % (url.rstrip("/"), release_path)
    try:
        open_url(probe, method="HEAD", timeout=timeout, follow_redirects="safe").close()
    except Exception as e:  # pylint: disable=broad-except  # every failure is the reason shown
        reason = getattr(e, "reason", None) or e
        return "%s is unreachable (%s: %s)" % (url, release_path, reason)
    return None


def ubuntu_keyring(p):
    """Path of the Ubuntu archive keyring in <cache_dir>/keyrings/, fetched once from
    ubuntu_keyring_url and kept only when it matches the pins: the package's sha256
    and/or the signing key's fingerprint (then the keyring holds that key alone).
    Raises ImageInputError naming the pin (and its role variable) otherwise."""
    url = p["ubuntu_keyring_url"]
    sha = (p["ubuntu_keyring_sha256"] or "").lower()
    fpr = normalise_fingerprint(p["ubuntu_keyring_fingerprint"])
    if not sha and not fpr:
        raise ImageInputError(
            "ubuntu_keyring_sha256", "and ubuntu_keyring_fingerprint (build_image_ubuntu_keyring_sha256, "
            "build_image_ubuntu_keyring_fingerprint) are both empty: pin the keyring, or bring "
            "your own trust with env_vars DIB_APT_KEYRING")
    pins = file_digest_text("\n".join((url, sha, fpr)))[:16]
    dest = os.path.join(p["cache_dir"], "keyrings", "ubuntu-archive-keyring-%s.gpg" % pins)
    if os.path.isfile(dest):
        return dest
    tmp = tempfile.mkdtemp(prefix="gatekit-keyring-")
    try:
        deb = os.path.join(tmp, "keyring.deb")
        try:
            with open_url(url, timeout=60) as resp, open(deb, "wb") as out:
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
        rc = subprocess.call(["dpkg-deb", "-x", deb, extracted], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        member = os.path.join(extracted, UBUNTU_KEYRING_MEMBER)
        if rc != 0 or not os.path.isfile(member):
            raise ImageInputError("ubuntu_keyring_url", "build_image_ubuntu_keyring_url: %s is not a "
                                  "package holding /%s" % (url, UBUNTU_KEYRING_MEMBER))
        with open(member, "rb") as f:
            data = f.read()
        if fpr:
            try:
                keys = openpgp_keys(data)
            except ValueError as e:
                raise ImageInputError("ubuntu_keyring_url", "build_image_ubuntu_keyring_url: /%s in %s "
                                      "is not a binary OpenPGP keyring: %s" % (UBUNTU_KEYRING_MEMBER, url, e)) from e
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


def controller_key(module, key_dir):
    """The controller key pair's public key, generating the pair once (0600/0700)."""
    private = os.path.join(key_dir, "id_ed25519")
    changed = False
    if not os.path.isfile(private + ".pub"):
        if module.check_mode:
            return "", True
        os.makedirs(key_dir, mode=0o700, exist_ok=True)
        rc, out, err = module.run_command(["ssh-keygen", "-q", "-t", "ed25519", "-N", "",
                                           "-C", "gatekit-controller", "-f", private])
        if rc != 0:
            module.fail_json(msg="key_dir: ssh-keygen failed: %s" % err.strip())
        changed = True
    for path, mode in ((key_dir, 0o700), (private, 0o600)):
        if os.path.exists(path) and os.stat(path).st_mode & 0o777 != mode:
            if not module.check_mode:
                os.chmod(path, mode)
            changed = True
    with open(private + ".pub") as f:
        return f.read().strip(), changed


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type="str", default="gatekit-worker"),
            backend=dict(type="str", choices=["dib", "debootstrap"], default="dib"),
            distro=dict(type="str", choices=sorted(DISTROS), default="debian"),
            release=dict(type="str", default="bookworm"),
            elements=dict(type="list", elements="str", default=["gatekit-worker"]),
            elements_path=dict(type="list", elements="path", required=True),
            packages=dict(type="list", elements="str", default=[]),
            wheels=dict(type="list", elements="str", default=[]),
            git_repos=dict(type="list", elements="str", default=[]),
            mirror=dict(type="str", default=""),
            security_mirror=dict(type="str", default=""),
            # Public pins, not secrets.
            ubuntu_keyring_url=dict(type="str", default=UBUNTU_KEYRING_URL, no_log=False),
            ubuntu_keyring_sha256=dict(type="str", default=UBUNTU_KEYRING_SHA256, no_log=False),
            ubuntu_keyring_fingerprint=dict(type="str", default=UBUNTU_KEYRING_FINGERPRINT, no_log=False),
            env_vars=dict(type="dict", default={}),
            authorized_keys=dict(type="str", default="", no_log=False),
            key_dir=dict(type="path"),
            zuul_user=dict(type="str", default="zuul"),
            zuul_uid=dict(type="int", default=1000),
            ca_bundle=dict(type="path", default="/etc/ssl/certs/ca-certificates.crt"),
            formats=dict(type="list", elements="str", default=["tar", "qcow2"]),
            layout=dict(type="str", choices=["auto", "partitioned", "partitionless"], default="auto"),
            cache_dir=dict(type="path", default="~/.cache/gatekit/images"),
            dib_image_cache=dict(type="path"),
            pip_cache=dict(type="bool", default=True),
            keep=dict(type="int", default=2),
            podman_import=dict(type="bool", default=True),
            podman_repo=dict(type="str", default="localhost/gatekit-worker"),
            compress=dict(type="bool", default=False),
            force=dict(type="bool", default=False),
            timeout=dict(type="int", default=3600),
            dib_cmd=dict(type="str", default="disk-image-create"),
            search_path=dict(type="list", elements="path", default=[]),
        ),
        supports_check_mode=True,
    )
    p = dict(module.params)
    # type=path options arrive expanded.
    p["cache_dir"] = os.path.abspath(p["cache_dir"])
    p["dib_image_cache"] = os.path.abspath(p["dib_image_cache"] or os.path.join(p["cache_dir"], "dib-cache"))
    p["elements_path"] = [os.path.abspath(e) for e in p["elements_path"]]
    key_changed = False
    if not p["authorized_keys"] and p["key_dir"]:
        p["authorized_keys"], key_changed = controller_key(module, p["key_dir"])
    # nodepool users set these as env-vars: the same names win over the options.
    p["env_vars"] = {str(k): str(v) for k, v in p["env_vars"].items()}
    p["release"] = p["env_vars"].get("DIB_RELEASE", p["release"])
    p["mirror"] = p["env_vars"].get("DIB_DISTRIBUTION_MIRROR", p["mirror"])
    p["security_mirror"] = p["env_vars"].get("DIB_DEBIAN_SECURITY_MIRROR", p["security_mirror"])
    if not p["mirror"] or (p["distro"] == "debian" and not p["security_mirror"]):
        mirror, security = host_defaults(p["distro"], p["release"])
        if p["distro"] == "debian" or not p["mirror"]:
            # Ubuntu: a mirror of the user's own serves the security pocket too.
            p["security_mirror"] = p["security_mirror"] or security
        p["mirror"] = p["mirror"] or mirror
    try:
        validate_inputs(p)
    except ImageInputError as e:
        module.fail_json(msg=str(e))
    for d in p["elements_path"]:
        if not os.path.isdir(d):
            module.fail_json(msg="elements_path: %s is not a directory" % d)
    if p["ca_bundle"] and not os.path.isfile(p["ca_bundle"]):
        module.fail_json(msg="ca_bundle: %s does not exist (use '' for none)" % p["ca_bundle"])
    for repo in p["git_repos"]:
        if "://" not in repo and not os.path.isdir(repo):
            module.fail_json(msg="git_repos: %s is neither a URL nor a directory" % repo)

    if p["layout"] == "auto":
        dm_control = os.path.exists("/dev/mapper/control")
        dm_ok = dm_control and subprocess.call(
            ["dmsetup", "version"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) == 0 \
            if shutil.which("dmsetup") else False
        layout = choose_layout("auto", dm_control, dm_ok)
    else:
        layout = p["layout"]
    if p["backend"] == "debootstrap":
        # The debootstrap backend writes a filesystem image without a partition table.
        layout = "partitionless"
    inputs = key_inputs(p, tree_digest(p["elements_path"]), file_digest(p["ca_bundle"]),
                        {r: repo_state(r) for r in p["git_repos"]}, layout)
    key = compute_key(inputs)
    p["_inputs"] = inputs
    paths = cache_paths(p["cache_dir"], p["name"], key)

    def hit():
        m = read_manifest(paths["manifest"])
        return m if manifest_ok(m, paths["final"]) and m.get("key") == key else None

    manifest = None if p["force"] else hit()
    if module.check_mode:
        module.exit_json(changed=manifest is None or key_changed, key=key, cache_hit=manifest is not None,
                         image=image_fact(manifest, paths["final"], True) if manifest else None,
                         msg="cache hit" if manifest else "would build")
    if manifest is not None and (not manifest.get("podman_ref") or podman_has(manifest["podman_ref"])):
        module.exit_json(changed=key_changed, key=key, cache_hit=True,
                         image=image_fact(manifest, paths["final"], True),
                         msg="cache hit: %s %s (%s)" % (p["name"], key[:16], manifest.get("podman_ref")))

    if os.geteuid() != 0:
        module.fail_json(msg="image_build must run as root (become: true): builds mount "
                             "filesystems and use loop devices", key=key)
    tools = ["tar", "podman"] if p["podman_import"] else ["tar"]
    if p["backend"] == "dib":
        p["_dib_cmd"] = find_dib(p["dib_cmd"], p["search_path"])
        if not p["_dib_cmd"]:
            module.fail_json(msg="dib_cmd: %s not found in PATH or search_path (install "
                                 "diskimage-builder)" % p["dib_cmd"], key=key)
        tools += ["sudo", "qemu-img"]
    else:
        tools += ["debootstrap", "chroot", "mkfs.ext4"] + (
            ["qemu-img"] if "qcow2" in p["formats"] else [])
    fetch_keyring = p["distro"] == "ubuntu" and not own_archive_trust(p["env_vars"])
    if fetch_keyring:
        tools.append("dpkg-deb")
    missing = [t for t in tools if not shutil.which(t, path=os.environ.get("PATH", "") + ":" + SBIN_PATH)]
    if missing:
        module.fail_json(msg="backend %s needs these host tools: %s" % (p["backend"], ", ".join(missing)),
                         key=key)

    # An unreachable mirror fails here, naming it, before the cache directory is touched
    # (otherwise debootstrap or DIB would fail later with only a log to read).
    probes = [("mirror", p["mirror"], "dists/%s/Release" % p["release"])]
    if p["distro"] == "debian" and p["security_mirror"]:
        probes.append(("security_mirror", p["security_mirror"], "dists/%s-security/Release" % p["release"]))
    for option, url, release_path in probes:
        problem = mirror_problem(url, release_path)
        if problem:
            module.fail_json(msg="%s: %s" % (option, problem), key=key)

    if fetch_keyring:
        # Before anything is written to the cache: a keyring that does not match its
        # pins leaves nothing behind.
        try:
            p["_keyring"] = ubuntu_keyring(p)
        except ImageInputError as e:
            module.fail_json(msg=str(e), key=key, cache_hit=False)
    p["_debootstrap_script"] = debootstrap_script(
        p["distro"], p["release"],
        os.path.join(os.environ.get("DEBOOTSTRAP_DIR") or "/usr/share/debootstrap", "scripts"))

    for sub in ("logs", ".locks", ".status"):
        os.makedirs(os.path.join(p["cache_dir"], sub), exist_ok=True)
    lock = open(paths["lock"], "w")
    old_handlers = {s: signal.signal(s, _signal_handler)
                    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    log_path = os.path.join(paths["logs"], "%s-%s-%s.log" % (
        p["name"], key[:16], _now().strftime("%Y%m%dT%H%M%SZ")))
    status = None
    builder = None
    error = None
    built = reimported = False
    started = time.time()
    try:
        # One build per image name at a time; a second caller waits here (and then
        # usually finds the first one's result in the cache).
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)
        except BuildInterrupted as e:
            error = ("interrupted", "interrupted by %s while waiting for another build of %s"
                     % (e, p["name"]))
            raise
        manifest = None if p["force"] else hit()
        if manifest is None or (manifest.get("podman_ref") and not podman_has(manifest["podman_ref"])):
            status = Status(status_path(p["cache_dir"], p["name"]),
                            {"name": p["name"], "key": key, "log": log_path})
            builder = Builder(p, key, layout, paths, log_path=log_path, status=status)
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
    except Exception as e:  # any other fault must still clean up
        error = ("failed", "image build of %s failed: %s: %s" % (p["name"], type(e).__name__, e))
    finally:
        if error and builder:
            # Cleanup must not be cut short by a second Ctrl-C.
            for s in old_handlers:
                signal.signal(s, signal.SIG_IGN)
            builder.stop_child()
            if builder.log and not builder.log.closed:
                builder.say("%s; cleaning up" % error[1])
                builder.log.close()
            release_tree(builder.tmp)
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()
    if error:
        msg = "%s (phase %s after %s). Full log: %s" % (
            error[1], status.data.get("phase") if status else "prepare",
            format_elapsed(time.time() - started), log_path)
        if status:
            status.finish(error[0], msg)
        module.fail_json(msg=msg, key=key, log=log_path, cache_hit=False)
    if not built:
        # Another build of the same key finished while this one waited for the lock.
        module.exit_json(changed=reimported or key_changed, key=key, cache_hit=True,
                         image=image_fact(manifest, paths["final"], True),
                         msg="cache hit: %s %s (%s)%s" % (
                             p["name"], key[:16], manifest.get("podman_ref"),
                             ", re-imported into podman" if reimported else ""))
    pruned = prune(p["cache_dir"], p["keep"], paths["final"], manifest.get("podman_ref"))
    module.exit_json(changed=True, key=key, cache_hit=False, log=log_path, pruned=pruned,
                     image=image_fact(manifest, paths["final"], False),
                     msg="built %s %s in %s (%s)" % (p["name"], key[:16],
                                                     format_elapsed(time.time() - started),
                                                     manifest.get("podman_ref")))


if __name__ == "__main__":
    main()
