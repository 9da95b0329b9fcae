# Copyright: gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A command runner for the image builder that records what it is asked to run and
fakes just enough of each command's effect (the files it would write) for the build
to go on; nothing runs."""

import os


class RecordingRunner:
    def __init__(self, fail=None, calls=None):
        # fail(cmd) -> exit status of a streamed command (default 0).
        self.fail = fail or (lambda cmd: 0)
        # {program: (rc, stdout, stderr)} for short commands.
        self.answers = {"du": (0, "100\t/root\n", ""), "tar": (0, "python3\t3.11.2-1\nsudo\t1.9\n", "")}
        self.answers.update(calls or {})
        self.runs = []
        self.calls = []
        self.stopped = 0

    # -- the runner interface --------------------------------------------------------------
    def run(self, cmd, env=None, cwd=None, on_line=None):
        self.runs.append((list(cmd), dict(env or {})))
        rc = self.fail(cmd)
        if rc == 0:
            self._fake(cmd)
        if on_line:
            on_line("gatekit-phase: %s\n" % ("install" if cmd[0] == "chroot" else "prepare"))
        return rc

    def call(self, cmd):
        self.calls.append(list(cmd))
        if cmd[:2] == ["dpkg-deb", "-x"] and "dpkg-deb" in self.answers and callable(self.answers["dpkg-deb"]):
            return self.answers["dpkg-deb"](cmd)
        return self.answers.get(cmd[0], (0, "", ""))

    def stop(self):
        self.stopped += 1

    # -- what the commands would leave behind -------------------------------------------------
    def _fake(self, cmd):
        prog = os.path.basename(cmd[0])
        if prog == "debootstrap" or (prog == "tar" and "-xf" in cmd):
            # a bootstrapped root (or one unpacked from the cached bootstrap tarball)
            root = cmd[cmd.index("-C") + 1] if prog == "tar" else next(
                a for a in cmd[1:] if not a.startswith("-") and os.path.isdir(a))
            for d in ("etc/apt/sources.list.d", "usr/sbin", "tmp"):
                os.makedirs(os.path.join(root, d), exist_ok=True)
        elif prog == "tar" and "-cf" in cmd:
            _touch(cmd[cmd.index("-cf") + 1])
        elif prog == "mkfs.ext4":
            _touch(cmd[-2])
        elif prog == "qemu-img":
            _touch(cmd[-1])
        elif prog == "disk-image-create":
            base = cmd[cmd.index("-o") + 1]
            for fmt in cmd[cmd.index("-t") + 1].split(","):
                _touch("%s.%s" % (base, fmt))

    # -- views for the assertions ----------------------------------------------------------------
    def commands(self, prog=None):
        return [c for c, _env in self.runs if prog is None or os.path.basename(c[0]) == prog]


def _touch(path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(b"fake " + os.path.basename(path).encode())
