# Copyright: gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure helpers of the build_image role and the image_build module.

Cache key, cache layout, pruning, layout detection, element phase ordering,
apt-sources parsing and progress parsing. No side effects beyond reading the
files a function is handed, so everything here is unit-tested without a build.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import subprocess

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError
from ansible_collections.gatekit.devstack.plugins.module_utils.image.distro import DISTROS

# Bump when the build procedure itself changes what an image holds: every cached image
# is then rebuilt once.
KEY_VERSION = 1

BACKENDS = ("dib", "debootstrap")
FORMATS = ("tar", "qcow2", "raw")
LAYOUTS = ("auto", "partitioned", "partitionless")
PHASES = ("prepare", "debootstrap", "install", "packages", "git-cache", "wheelhouse",
          "finalise", "convert", "import", "done")

_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
_DEB_RE = re.compile(r"^[a-z0-9][a-z0-9+.-]+(:[a-z0-9-]+)?(=[A-Za-z0-9.+~:-]+)?$")
_ELEMENT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_ENV_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

# The partitionless layout: one loop device, one ext4 filesystem, no
# partition table, so no kpartx and no device-mapper.
PARTITIONLESS_BLOCK_DEVICE_CONFIG = """\
- local_loop:
    name: image0
- mkfs:
    name: root_fs
    base: image0
    label: cloudimg-rootfs
    type: ext4
    mount:
      mount_point: /
      fstab:
        options: defaults
        fsck-passno: 1
"""


# Bad input: str() names the key and the reason.
ImageInputError = GatekitInputError


# --- validation ---------------------------------------------------------------------

def validate_inputs(params):
    """Check the build inputs; return nothing or raise ImageInputError naming the key."""
    def bad(key, why):
        raise ImageInputError(key, why)

    if not _NAME_RE.match(params.get("name") or ""):
        bad("name", "%r must match %s" % (params.get("name"), _NAME_RE.pattern))
    if params.get("backend") not in BACKENDS:
        bad("backend", "%r is not one of %s" % (params.get("backend"), ", ".join(BACKENDS)))
    if params.get("distro") not in DISTROS:
        bad("distro", "%r is not one of %s" % (params.get("distro"), ", ".join(DISTROS)))
    if not re.match(r"^[a-z][a-z0-9.-]*$", params.get("release") or ""):
        bad("release", "%r is not a release codename" % params.get("release"))
    for pkg in params.get("packages") or []:
        if not isinstance(pkg, str) or not _DEB_RE.match(pkg):
            bad("packages", "%r is not a Debian package name" % (pkg,))
    for req in params.get("wheels") or []:
        if not isinstance(req, str) or not req.strip() or re.search(r"\s", req.strip()):
            bad("wheels", "%r must be one pip requirement without spaces" % (req,))
    for el in params.get("elements") or []:
        if not isinstance(el, str) or not _ELEMENT_RE.match(el):
            bad("elements", "%r is not an element name" % (el,))
    for repo in params.get("git_repos") or []:
        if not isinstance(repo, str) or not repo.strip() or re.search(r"\s", repo):
            bad("git_repos", "%r must be a path or URL without spaces" % (repo,))
    for k, v in (params.get("env_vars") or {}).items():
        if not _ENV_RE.match(str(k)):
            bad("env_vars", "%r is not an environment variable name" % (k,))
        if not isinstance(v, (str, int, float, bool)):
            bad("env_vars", "value of %s must be a string" % k)
    for fmt in params.get("formats") or []:
        if fmt not in FORMATS:
            bad("formats", "%r is not one of %s" % (fmt, ", ".join(FORMATS)))
    if not params.get("formats"):
        bad("formats", "at least one output format is needed")
    if params.get("podman_import") and "tar" not in params.get("formats"):
        bad("formats", "podman_import needs the tar format")
    if params.get("layout", "auto") not in LAYOUTS:
        bad("layout", "%r is not one of %s" % (params.get("layout"), ", ".join(LAYOUTS)))
    keep = params.get("keep", 1)
    if not isinstance(keep, int) or keep < 1:
        bad("keep", "%r must be an integer >= 1" % (keep,))
    sha = params.get("ubuntu_keyring_sha256") or ""
    if sha and not re.match(r"^[0-9a-fA-F]{64}$", sha):
        bad("ubuntu_keyring_sha256", "%r is not a sha256 (64 hex digits)" % sha)
    fpr = params.get("ubuntu_keyring_fingerprint") or ""
    if fpr and not re.match(r"^[0-9A-F]{40}$", normalise_fingerprint(fpr)):
        bad("ubuntu_keyring_fingerprint", "%r is not an OpenPGP v4 fingerprint (40 hex digits)" % fpr)
    for url_key in ("mirror", "security_mirror", "ubuntu_keyring_url"):
        url = params.get(url_key) or ""
        if url and not re.match(r"^(https?|file)://\S+$", url):
            bad(url_key, "%r is not an http(s):// or file:// URL" % url)


# --- cache key ------------------------------------------------------------------------

def tree_digest(paths):
    """sha256 over every file below the given directories: relative path, executable
    bit, symlink target or content. Order-independent of directory listing order."""
    h = hashlib.sha256()
    for given in paths:
        top = os.path.abspath(given)
        h.update(b"tree\0" + os.path.basename(top).encode() + b"\0")
        entries = []
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames[:] = [d for d in dirnames if d != "__pycache__"]
            for fn in filenames:
                entries.append(os.path.join(dirpath, fn))
        for path in sorted(entries):
            rel = os.path.relpath(path, top)
            st = os.lstat(path)
            h.update(rel.encode() + b"\0")
            if stat.S_ISLNK(st.st_mode):
                h.update(b"L" + os.readlink(path).encode())
            else:
                h.update(b"X" if st.st_mode & 0o111 else b"F")
                with open(path, "rb") as f:
                    for chunk in iter(lambda: f.read(1 << 16), b""):
                        h.update(chunk)
            h.update(b"\0")
    return h.hexdigest()


def file_digest(path, chunk=1 << 20):
    """sha256 of a file's content, or '' when path is empty or missing."""
    if not path or not os.path.isfile(path):
        return ""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(chunk), b""):
            h.update(block)
    return h.hexdigest()


def key_inputs(params, elements_digest, ca_digest, repo_states, layout):
    """The canonical dict of every input that changes the image's content."""
    inputs = {
        "key_version": KEY_VERSION,
        "name": params["name"],
        "backend": params["backend"],
        "distro": params["distro"],
        "release": params["release"],
        "arch": params.get("arch") or "amd64",
        "elements": list(params.get("elements") or []),
        "elements_digest": elements_digest,
        "packages": sorted(set(params.get("packages") or [])),
        "wheels": sorted(set(params.get("wheels") or [])),
        "git_repos": [[r, repo_states.get(r, "")] for r in params.get("git_repos") or []],
        "mirror": params.get("mirror") or "",
        "security_mirror": params.get("security_mirror") or "",
        "env_vars": {str(k): str(v) for k, v in sorted((params.get("env_vars") or {}).items())},
        "authorized_keys": params.get("authorized_keys") or "",
        "ca_digest": ca_digest,
        "zuul_user": params.get("zuul_user") or "zuul",
        "zuul_uid": int(params.get("zuul_uid") or 1000),
        "layout": layout,
        "formats": sorted(set(params.get("formats") or [])),
    }
    if params["distro"] == "ubuntu":
        # Only Ubuntu builds fetch a keyring: Debian keys stay what they were.
        inputs["archive_keyring"] = [params.get("ubuntu_keyring_sha256") or "",
                                     normalise_fingerprint(params.get("ubuntu_keyring_fingerprint"))]
    return inputs


def compute_key(inputs):
    """sha256 (hex) of the canonical JSON of key_inputs()."""
    blob = json.dumps(inputs, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(blob).hexdigest()


# --- cache layout -----------------------------------------------------------------------

def build_dir_name(name, key):
    return "%s-%s" % (name, key[:16])


def cache_paths(cache_dir, name, key):
    """Where one build lives. The final directory only ever appears by rename."""
    final = os.path.join(cache_dir, build_dir_name(name, key))
    return {
        "final": final,
        "manifest": os.path.join(final, "manifest.json"),
        "tmp_prefix": os.path.join(cache_dir, ".tmp-%s-" % build_dir_name(name, key)),
        "logs": os.path.join(cache_dir, "logs"),
        "lock": os.path.join(cache_dir, ".locks", "%s.lock" % name),
    }


def status_path(cache_dir, name):
    """The progress file the module writes and the action plugin reads."""
    return os.path.join(os.path.expanduser(cache_dir), ".status", "%s.json" % name)


def output_names(formats):
    """Output file names inside a build directory, per format."""
    return {fmt: "image.%s" % fmt for fmt in formats}


def podman_ref(repo, digest):
    return "%s:%s" % (repo, digest[:12])


def select_prune(builds, keep, protect=()):
    """Given [{'dir':..., 'name':..., 'built_at':...}], return the dirs to delete so that
    at most `keep` builds per image name remain, newest first; `protect` dirs stay."""
    by_name = {}
    for b in builds:
        by_name.setdefault(b.get("name"), []).append(b)
    doomed = []
    for unsorted in by_name.values():
        group = sorted(unsorted, key=lambda b: (b.get("built_at") or "", b["dir"]), reverse=True)
        kept = 0
        for b in group:
            if b["dir"] in protect:
                kept += 1
        for b in group:
            if b["dir"] in protect:
                continue
            if kept < keep:
                kept += 1
            else:
                doomed.append(b["dir"])
    return sorted(doomed)


def manifest_ok(manifest, build_dir):
    """A cached build is usable when its manifest names outputs that all exist."""
    if not isinstance(manifest, dict) or not manifest.get("key"):
        return False
    outputs = manifest.get("outputs") or {}
    if not outputs:
        return False
    return all(os.path.isfile(os.path.join(build_dir, fn)) for fn in outputs.values())


def image_fact(manifest, build_dir, cache_hit):
    """The gatekit_image fact from a manifest."""
    outputs = manifest.get("outputs") or {}

    def out(fmt):
        return os.path.join(build_dir, outputs[fmt]) if fmt in outputs else None

    return {
        "name": manifest["name"],
        "key": manifest["key"],
        "digest": manifest.get("digest"),
        "tar": out("tar"),
        "qcow2": out("qcow2"),
        "raw": out("raw"),
        "podman_ref": manifest.get("podman_ref"),
        "built_at": manifest.get("built_at"),
        "packages": manifest.get("packages") or [],
        "wheels": manifest.get("wheels") or [],
        "backend": manifest.get("backend"),
        "layout": manifest.get("layout"),
        "build_seconds": manifest.get("build_seconds"),
        "log": os.path.join(build_dir, "build.log"),
        "dir": build_dir,
        "cache_hit": bool(cache_hit),
    }


# --- host detection ---------------------------------------------------------------------

def choose_layout(requested, dm_control, dmsetup_ok):
    """partitioned (DIB's normal MBR layout + vm) when the host has device-mapper,
    otherwise the partitionless layout."""
    if requested in ("partitioned", "partitionless"):
        return requested
    return "partitioned" if (dm_control and dmsetup_ok) else "partitionless"


def parse_apt_sources(texts):
    """Parse apt sources (one-line .list and deb822 .sources) into
    [{'uri':..., 'suites': [...], 'components': [...]}], 'deb' entries only."""
    entries = []
    for text in texts:
        stanza = {}
        lines = text.splitlines() + [""]
        for raw in lines:
            line = raw.split("#", 1)[0].rstrip()
            if line.startswith("deb ") or line.startswith("deb\t"):
                parts = line.split()[1:]
                if parts and parts[0].startswith("["):
                    while parts and not parts[0].endswith("]"):
                        parts.pop(0)
                    parts = parts[1:]
                if len(parts) >= 2:
                    entries.append({"uri": parts[0].rstrip("/"), "suites": [parts[1]],
                                    "components": parts[2:]})
                continue
            if not line.strip():
                if stanza:
                    types = stanza.get("types", "").split()
                    if "deb" in types and stanza.get("enabled", "yes") != "no":
                        for uri in stanza.get("uris", "").split():
                            entries.append({"uri": uri.rstrip("/"),
                                            "suites": stanza.get("suites", "").split(),
                                            "components": stanza.get("components", "").split()})
                stanza = {}
                continue
            if ":" in line and not line[0].isspace():
                k, v = line.split(":", 1)
                stanza[k.strip().lower()] = v.strip()
    return entries


def host_mirrors(entries, release):
    """(mirror, security_mirror) from the host's apt sources for `release`; '' where
    the host names none."""
    mirror = security = ""
    for e in entries:
        for suite in e["suites"]:
            if suite == release and not mirror:
                mirror = e["uri"]
            elif suite == release + "-security" and not security:
                security = e["uri"]
    return mirror, security


def default_mirrors(distro, release, host_id, host_release, apt_entries):
    """Mirrors for an image: the host's own when it runs the same distro, else upstream."""
    up_mirror, up_security = DISTROS[distro]["mirror"], DISTROS[distro]["security_mirror"]
    if host_id == distro:
        mirror, security = host_mirrors(apt_entries, host_release)
        if mirror:
            if distro == "debian" and not security:
                security = up_security
            return mirror, security
    return up_mirror, up_security


# --- apt sources -----------------------------------------------------------------------

def apt_sources(distro, release, mirror, security_mirror):
    """sources.list text for the debootstrap backend (DIB's debian-minimal defaults)."""
    comps = " ".join(DISTROS[distro]["components"])
    if distro == "ubuntu":
        # ubuntu-minimal's pockets (release, updates, security, backports), with the
        # security pocket from the security mirror when there is one.
        lines = ["deb %s %s %s" % (mirror, release, comps),
                 "deb %s %s-updates %s" % (mirror, release, comps),
                 "deb %s %s-security %s" % (security_mirror or mirror, release, comps),
                 "deb %s %s-backports %s" % (mirror, release, comps)]
    else:
        lines = ["deb %s %s %s" % (mirror, release, comps),
                 "deb %s %s-updates %s" % (mirror, release, comps)]
        if security_mirror:
            lines.append("deb %s %s-security %s" % (security_mirror, release, comps))
    return "\n".join(lines) + "\n"


# --- archive trust and debootstrap scripts --------------------------------------------------

def own_archive_trust(env_vars):
    """True when nodepool-style env-vars already decide how the archive is trusted
    (a keyring of the user's, or no signature check at all)."""
    env_vars = env_vars or {}
    return bool(env_vars.get("DIB_APT_KEYRING") or env_vars.get("DIB_DEBIAN_KEYRING")
                or "--no-check-gpg" in str(env_vars.get("DIB_DEBOOTSTRAP_EXTRA_ARGS", "")).split())


def normalise_fingerprint(fpr):
    """'F6EC B376 ...' or '0xf6ec...' -> 'F6ECB376...'."""
    fpr = re.sub(r"\s", "", str(fpr or "")).upper()
    return fpr[2:] if fpr.startswith("0X") else fpr


def openpgp_packets(data):
    """(tag, start, end, body) of each packet of a binary OpenPGP message (RFC 4880
    4.2: old and new packet headers). Raises ValueError on anything else."""
    i = 0
    while i < len(data):
        first = data[i]
        if not first & 0x80:
            raise ValueError("byte %d is not an OpenPGP packet header" % i)
        if first & 0x40:
            tag = first & 0x3F
            if i + 1 >= len(data):
                raise ValueError("truncated packet header at byte %d" % i)
            octet = data[i + 1]
            if octet < 192:
                length, header = octet, 2
            elif octet < 224:
                length, header = ((octet - 192) << 8) + data[i + 2] + 192, 3
            elif octet == 255:
                length, header = int.from_bytes(data[i + 2:i + 6], "big"), 6
            else:
                raise ValueError("partial body lengths are not used in keyrings")
        else:
            tag = (first >> 2) & 0x0F
            size = {0: 1, 1: 2, 2: 4}.get(first & 0x03)
            if size is None:
                raise ValueError("indeterminate packet length at byte %d" % i)
            length, header = int.from_bytes(data[i + 1:i + 1 + size], "big"), 1 + size
        end = i + header + length
        if end > len(data):
            raise ValueError("truncated packet at byte %d" % i)
        yield tag, i, end, data[i + header:end]
        i = end


def openpgp_keys(data):
    """{fingerprint: bytes of the transferable public key} of a binary keyring: each
    primary key packet (tag 6) with the packets that follow it (user ids, signatures,
    subkeys). Fingerprints are v4 (SHA-1, RFC 4880 12.2); other versions are skipped."""
    keys, current = {}, None
    for tag, start, end, body in openpgp_packets(data):
        if tag == 6:
            current = None
            if body[:1] == b"\x04":
                blob = b"\x99" + len(body).to_bytes(2, "big") + body
                current = hashlib.sha1(blob).hexdigest().upper()
                keys[current] = bytearray()
        if current is not None:
            keys[current] += data[start:end]
    return {fpr: bytes(blob) for fpr, blob in keys.items()}


def debootstrap_script(distro, release, scripts_dir):
    """The SCRIPT argument debootstrap needs for `release`: None when it has a script
    of that name, else the distro's generic script (an older debootstrap than the
    release, e.g. bookworm's for noble), None when that is missing too."""
    if os.path.isfile(os.path.join(scripts_dir, release)):
        return None
    fallback = DISTROS[distro]["debootstrap_fallback"] if distro in DISTROS else None
    if fallback and os.path.isfile(os.path.join(scripts_dir, fallback)):
        return fallback
    return None


# --- elements for the debootstrap backend ---------------------------------------------------

def find_element(elements_path, name):
    for base in elements_path:
        cand = os.path.join(base, name)
        if os.path.isdir(cand):
            return cand
    return None


def resolve_elements(elements_path, names, skip=()):
    """Expand element-deps (depth first, dependencies before dependants). Elements not
    found in elements_path (DIB's own, e.g. debian-minimal) are returned in `missing`."""
    order, missing, seen = [], [], set()

    def visit(name, stack):
        if name in seen or name in skip:
            return
        if name in stack:
            raise ImageInputError("elements", "dependency loop %s" % " -> ".join(stack + [name]))
        path = find_element(elements_path, name)
        if path is None:
            seen.add(name)
            missing.append(name)
            return
        deps_file = os.path.join(path, "element-deps")
        deps = []
        if os.path.isfile(deps_file):
            with open(deps_file) as f:
                deps = [ln.strip() for ln in f if ln.strip() and not ln.startswith("#")]
        for dep in deps:
            visit(dep, stack + [name])
        seen.add(name)
        order.append((name, path))

    for n in names:
        visit(n, [])
    return order, missing


def phase_scripts(elements, phase):
    """DIB's order for one phase: every element's scripts, sorted by script name."""
    scripts = []
    for _dummy, path in elements:
        d = os.path.join(path, phase)
        if not os.path.isdir(d):
            continue
        for fn in os.listdir(d):
            full = os.path.join(d, fn)
            if os.path.isfile(full) and os.access(full, os.X_OK) and re.match(r"^[A-Za-z0-9_-]+$", fn):
                scripts.append((fn, full))
    return [full for dummy, full in sorted(scripts)]


def environment_files(elements):
    files = []
    for _dummy, path in elements:
        d = os.path.join(path, "environment.d")
        if os.path.isdir(d):
            files += [(fn, os.path.join(d, fn)) for fn in os.listdir(d)]
    return [full for dummy, full in sorted(files)]


# --- progress ---------------------------------------------------------------------------

_DIB_HOOKS_RE = re.compile(r"Running hooks from \S*/hooks/([a-z-]+)\.d")
_GK_PHASE_RE = re.compile(r"gatekit-phase: ([a-z-]+)")
_DIB_TARGET_RE = re.compile(r"dib-run-parts Running /tmp/in_target\.d/([a-z-]+)\.d/")
_DIB_PHASES = {
    "root": "debootstrap",
    "extra-data": "prepare",
    "pre-install": "install",
    "install": "install",
    "post-install": "install",
    "post-root": "finalise",
    "block-device": "convert",
    "pre-finalise": "finalise",
    "finalise": "finalise",
    "cleanup": "convert",
}


def phase_from_line(line):
    """The build phase a log line starts, or None."""
    m = _GK_PHASE_RE.search(line)
    if m:
        return m.group(1)
    m = _DIB_HOOKS_RE.search(line) or _DIB_TARGET_RE.search(line)
    if m:
        return _DIB_PHASES.get(m.group(1))
    if "Converting image using qemu-img" in line or "Creating tar" in line:
        return "convert"
    return None


def format_elapsed(seconds):
    seconds = int(max(0, seconds))
    m, s = divmod(seconds, 60)
    return "%dm%02ds" % (m, s) if m else "%ds" % s


def progress_line(status, now):
    """The gate_progress line of a running build's status: 'image: dib install (3/9), 2m10s'."""
    steps = [ph for ph in PHASES if ph != "done"]
    phase = status.get("phase") or "prepare"
    words = [w for w in (status.get("backend"), phase) if w]
    if phase in steps:
        words.append("(%d/%d)" % (steps.index(phase) + 1, len(steps)))
    return "image: %s, %s" % (" ".join(words), format_elapsed(now - status.get("started", now)))


def parse_packages(text):
    """`dpkg-query -W` lines (name<TAB>version) -> sorted ['name=version', ...]."""
    out = []
    for line in text.splitlines():
        parts = line.strip().split("\t")
        if len(parts) == 2 and parts[0]:
            out.append("%s=%s" % (parts[0], parts[1]))
    return sorted(out)


def parse_mountinfo(text):
    """Mount points listed in /proc/self/mountinfo, unescaped, in listing order."""
    points = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) > 4:
            points.append(re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), fields[4]))
    return points


def mounts_below(mount_points, top):
    """Mount points at or below `top`, deepest first (the order to unmount them)."""
    top = os.path.abspath(top).rstrip("/")
    inside = [p for p in mount_points if p == top or p.startswith(top + "/")]
    return sorted(set(inside), key=lambda p: (p.count("/"), p), reverse=True)


def loops_below(losetup_json, top):
    """Loop devices (from `losetup -J -l`) whose backing file lies below `top`."""
    top = os.path.abspath(top).rstrip("/")
    try:
        devices = json.loads(losetup_json or "{}").get("loopdevices") or []
    except ValueError:
        return []
    found = []
    for d in devices:
        back = (d.get("back-file") or "").replace(" (deleted)", "")
        if back == top or back.startswith(top + "/"):
            found.append(d.get("name"))
    return found


def start_in_session(cmd, env=None, cwd=None):
    """Start a command in its own session (so the whole build can be signalled as one
    process group), stdout+stderr merged into a pipe read line by line by the caller.
    AnsibleModule.run_command cannot stream output or hand back the process group."""
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, env=env, cwd=cwd, start_new_session=True)
