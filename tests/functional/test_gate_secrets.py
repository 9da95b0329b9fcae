# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""No secret of a real gate reaches its build directory or its console output.

`make test` (tools/run-tests.sh e2e) runs the gate with its output captured and the workers
held, then runs this file with

- GATEKIT_BUILD_DIR: the build directory (builds/latest);
- GATEKIT_GATE_OUTPUT: the captured ansible-playbook output;
- GATEKIT_WORKER: the held primary worker (default gate-primary);
- GATEKIT_KEY_DIR: the controller key pair (default ~/.cache/gatekit/keys),

and removes the workers afterwards. The secrets are read from the held worker itself
(podman exec): the generated passwords (/opt/stack/.gatekit-secrets), keystone's fernet and
credential keys, the nodeset SSH key, tempest.conf's admin password; and the controller's
private key. Each is looked for in every file of the build directory (inside tar.gz
archives too) and in the output, as written, base64-encoded and URL-encoded. The same
test checks the files' modes, the sudoers rules and sshd's effective settings.

Without GATEKIT_BUILD_DIR the gate checks skip; the leak finder's own tests always run.
"""

import base64
import io
import json
import os
import re
import shutil
import stat
import subprocess
import tarfile
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

BUILD_DIR = os.environ.get("GATEKIT_BUILD_DIR")
GATE_OUTPUT = os.environ.get("GATEKIT_GATE_OUTPUT")
WORKER = os.environ.get("GATEKIT_WORKER", "gate-primary")
KEY_DIR = Path(os.environ.get("GATEKIT_KEY_DIR", "~/.cache/gatekit/keys")).expanduser()
MIN_SECRET = 8  # shorter values would match by chance


# ---------------------------------------------------------------- the leak finder

def forms(secret):
    """The ways a secret may be written: as is, base64, URL-encoded (when that differs)."""
    out = {secret}
    raw = secret.encode()
    out.add(base64.b64encode(raw).decode().rstrip("="))
    out.add(base64.urlsafe_b64encode(raw).decode().rstrip("="))
    out.add(quote(secret, safe=""))
    out.add(quote_plus(secret))
    return {f for f in out if len(f) >= MIN_SECRET}


def _blobs(path):
    """(name, bytes) of a file, and of every member when it is a tar archive."""
    data = path.read_bytes()
    yield str(path), data
    if path.name.endswith((".tar.gz", ".tgz", ".tar")):
        try:
            with tarfile.open(fileobj=io.BytesIO(data)) as tar:
                for member in tar.getmembers():
                    if member.isfile():
                        yield "%s!%s" % (path, member.name), tar.extractfile(member).read()
        except (tarfile.TarError, EOFError):
            pass


def find_leaks(secrets, paths):
    """[(secret label, file)] for every secret (in any of its forms) found in ``paths``.

    ``secrets``: {label: value}; ``paths``: files and directories (walked, links not followed).
    """
    needles = {}
    for label, value in secrets.items():
        for form in forms(value):
            needles[form.encode()] = label
    files = []
    for path in map(Path, paths):
        if path.is_dir():
            files += [p for p in sorted(path.rglob("*")) if p.is_file() and not p.is_symlink()]
        elif path.is_file():
            files.append(path)
    leaks = set()
    for path in files:
        for name, data in _blobs(path):
            for needle, label in needles.items():
                if needle in data:
                    leaks.add((label, name))
    return sorted(leaks)


def key_secrets(label, text):
    """A private key as the lines of its body (a leak of any part of it counts)."""
    body = [line.strip() for line in text.splitlines() if line.strip() and "PRIVATE KEY" not in line]
    return {"%s line %d" % (label, i): line for i, line in enumerate(body) if len(line) >= 32}


def test_forms():
    assert {"s3cr3t/+=x", "czNjcjN0Lys9eA", "s3cr3t%2F%2B%3Dx"} <= forms("s3cr3t/+=x")


def test_find_leaks_catches_planted_secrets(tmp_path):
    """The finder must be able to fail: plant secrets in a copy of a build directory."""
    build = tmp_path / "build"
    (build / "logs" / "gate-primary").mkdir(parents=True)
    (build / "job-vars.yml").write_text("devstack_localrc: {}\n")
    (build / "logs" / "gate-primary" / "keystone.log").write_text("password=***\n")
    secrets = {"admin": "Adm1nPassw0rd-xyz", "db": "db/pass+word=1", "fernet": "Zm9vYmFyYmF6cXV4cXV1eA=="}
    assert find_leaks(secrets, [build]) == []
    copy = tmp_path / "copy"
    shutil.copytree(build, copy)
    (copy / "logs" / "gate-primary" / "keystone.log").write_text("password=Adm1nPassw0rd-xyz\n")
    (copy / "b64.txt").write_text(base64.b64encode(b"db/pass+word=1").decode())
    (copy / "url.txt").write_text("mysql+pymysql://keystone:db%2Fpass%2Bword%3D1@localhost/keystone\n")
    inner = tmp_path / "fernet-0"
    inner.write_text("Zm9vYmFyYmF6cXV4cXV1eA==")
    with tarfile.open(copy / "stestr.tar.gz", "w:gz") as tar:
        tar.add(inner, arcname="keys/0")
    leaks = find_leaks(secrets, [copy])
    found = {(label, Path(name.split("!")[0]).name) for label, name in leaks}
    assert found == {("admin", "keystone.log"), ("db", "b64.txt"), ("db", "url.txt"),
                     ("fernet", "stestr.tar.gz")}, leaks
    assert find_leaks(secrets, [build]) == []


# ---------------------------------------------------------------- the real gate

def _exec(*cmd):
    proc = subprocess.run(["podman", "exec", WORKER, *cmd], capture_output=True, text=True,
                          timeout=60, check=False)
    return proc.returncode, proc.stdout, proc.stderr


def _worker_running():
    if not shutil.which("podman"):
        return False
    proc = subprocess.run(["podman", "container", "inspect", "-f", "{{.State.Running}}", WORKER],
                          capture_output=True, text=True, check=False)
    return proc.stdout.strip() == "true"


needs_gate = pytest.mark.skipif(
    not BUILD_DIR, reason="GATEKIT_BUILD_DIR is not set: make test's e2e step sets it after a gate run "
                          "with held workers (tools/run-tests.sh do_e2e)")


@pytest.fixture(scope="module")
def worker():
    if not _worker_running():
        pytest.fail("the held worker %s is not running: run the gate with -e gate_keep_workers=true "
                    "(GATEKIT_WORKER names another worker)" % WORKER)
    return WORKER


@pytest.fixture(scope="module")
def secrets(worker):
    found = {}
    rc, out, err = _exec("cat", "/opt/stack/.gatekit-secrets")
    assert rc == 0, err
    for name, value in json.loads(out).items():
        if isinstance(value, str) and len(value) >= MIN_SECRET:
            found["password %s" % name] = value
    rc, out, err = _exec("sh", "-c", "for f in /etc/keystone/fernet-keys/* /etc/keystone/credential-keys/*; "
                                     "do printf '%s %s\\n' \"$f\" \"$(cat \"$f\")\"; done")
    assert rc == 0, err
    for line in out.splitlines():
        path, _, value = line.partition(" ")
        if len(value) >= MIN_SECRET:
            found["keystone key %s" % path] = value
    assert any(k.startswith("keystone key /etc/keystone/fernet-keys/") for k in found), out
    rc, out, err = _exec("cat", "/etc/nodepool/id_rsa")
    assert rc == 0, err
    found.update(key_secrets("nodeset key /etc/nodepool/id_rsa", out))
    for key in sorted(KEY_DIR.glob("id_*")):
        if not key.name.endswith(".pub"):
            found.update(key_secrets("controller key %s" % key, key.read_text()))
    assert len(found) > 10, sorted(found)
    return found


@needs_gate
def test_no_secret_in_the_build_dir_or_the_output(secrets):
    paths = [Path(BUILD_DIR).resolve()]
    if GATE_OUTPUT:
        paths.append(Path(GATE_OUTPUT))
    assert all(p.exists() for p in paths), paths
    leaks = find_leaks(secrets, paths)
    # Name what leaked where, never the value itself.
    assert not leaks, "secrets in the build directory or the output: %s" % leaks


@needs_gate
@pytest.mark.parametrize("path, owner", [
    ("/opt/stack/.gatekit-secrets", "root"),
    ("/etc/openstack/clouds.yaml", None),
    ("/etc/nodepool/id_rsa", None),
    ("/opt/stack/tempest/etc/tempest.conf", None),
])
def test_secret_files_are_0600(worker, path, owner):
    rc, out, err = _exec("stat", "-c", "%a %U", path)
    assert rc == 0, err
    mode, user = out.split()
    assert mode == "600", "%s has mode %s" % (path, mode)
    if owner:
        assert user == owner


@needs_gate
def test_keystone_keys_are_private(worker):
    rc, out, err = _exec("sh", "-c", "stat -c '%a %U %n' /etc/keystone/fernet-keys /etc/keystone/credential-keys "
                                     "/etc/keystone/fernet-keys/* /etc/keystone/credential-keys/*")
    assert rc == 0, err
    for line in out.splitlines():
        mode, _, name = line.split(" ", 2)
        assert mode in ("600", "700"), line


@needs_gate
def test_controller_private_key_is_0600():
    keys = [k for k in KEY_DIR.glob("id_*") if not k.name.endswith(".pub")]
    assert keys, "no key pair in %s" % KEY_DIR
    for key in keys:
        assert stat.S_IMODE(key.stat().st_mode) == 0o600, key


# Who may use sudo, as the anchors give it: nodepool/devstack-gate's zuul and DevStack's stack
# get NOPASSWD: ALL; nobody else (the tempest user needs none).
SUDOERS = {
    "zuul": re.compile(r"^zuul ALL=\(ALL\) NOPASSWD: ?ALL$"),
    "50_stack_sh": re.compile(r"^stack ALL=\(root\) NOPASSWD: ?ALL$"),
}


@needs_gate
def test_sudoers(worker):
    rc, out, err = _exec("visudo", "-c")
    assert rc == 0, out + err
    rc, out, err = _exec("sh", "-c", "cd /etc/sudoers.d && stat -c '%a %U %n' *")
    assert rc == 0, err
    files = {}
    for line in out.splitlines():
        mode, user, name = line.split(" ", 2)
        assert (mode, user) == ("440", "root"), line
        files[name] = None
    assert set(files) - {"README"} == set(SUDOERS), sorted(files)
    for name, rule in SUDOERS.items():
        rc, out, err = _exec("cat", "/etc/sudoers.d/" + name)
        assert rc == 0, err
        rules = [line for line in out.splitlines() if line.strip() and not line.startswith("#")]
        assert len(rules) == 1 and rule.match(rules[0]), (name, rules)
    rc, out, err = _exec("sh", "-c", "grep -Ev '^(#|Defaults|$|@includedir|root\\s)' /etc/sudoers || true")
    assert out.strip() in ("", "%sudo\tALL=(ALL:ALL) ALL"), out


@needs_gate
def test_sshd_refuses_passwords(worker):
    rc, out, err = _exec("/usr/sbin/sshd", "-T")
    assert rc == 0, err
    settings = dict(line.split(" ", 1) for line in out.splitlines() if " " in line)
    assert settings["passwordauthentication"] == "no"
    assert settings["kbdinteractiveauthentication"] == "no"
    assert settings["permitemptypasswords"] == "no"
    assert settings["permitrootlogin"] in ("no", "without-password", "prohibit-password")
