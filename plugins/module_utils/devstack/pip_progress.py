# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One line of progress for a running ``pip install``, read from its ``--log`` file.

pip logs each requirement it resolves (``Collecting``, ``Processing``, ``Requirement already
satisfied``), then ``Installing collected packages: a, b, ...`` and ``Successfully installed``;
every line starts with a timestamp. pip appends to the file: each run starts with its
``Using pip`` line, and only the last run counts.
"""

import datetime
import re

_STAMP = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)")
_RESOLVED = re.compile(r"^(?:\S+\s+)?\s*(?:Collecting|Processing|Requirement already satisfied:)\s+(\S+)")
_BUILDING = re.compile(r"^(?:\S+\s+)?\s*Building wheel for (\S+)")
_INSTALLING = re.compile(r"^(?:\S+\s+)?\s*Installing collected packages: (.*)$")
_DONE = re.compile(r"^(?:\S+\s+)?\s*Successfully installed (.*)$")
_RUN_START = re.compile(r"^(?:\S+\s+)?Using pip ")


def _started(lines):
    for line in lines:
        match = _STAMP.match(line)
        if match:
            return datetime.datetime.strptime(match.group(1), "%Y-%m-%dT%H:%M:%S")
    return None


def pip_progress(log_text, label, now=None):
    """``{"phase", "resolved", "total", "elapsed", "line"}`` for the pip log ``log_text``;
    ``line`` is the gate's progress line, e.g. ``pip: keystone venv, installing 134 packages, 52s``."""
    lines = (log_text or "").splitlines()
    starts = [i for i, line in enumerate(lines) if _RUN_START.match(line)]
    if starts:
        lines = lines[starts[-1]:]
    resolved, building, total, phase = set(), None, None, "starting"
    for line in lines:
        match = _RESOLVED.match(line)
        if match:
            resolved.add(re.split(r"[<>=!~;\[ ]", match.group(1).rsplit("/", 1)[-1], maxsplit=1)[0].lower())
            phase = "resolving"
            continue
        match = _BUILDING.match(line)
        if match:
            building, phase = match.group(1), "building"
            continue
        match = _INSTALLING.match(line)
        if match:
            total, phase = len([p for p in match.group(1).split(",") if p.strip()]), "installing"
            continue
        if _DONE.match(line):
            phase = "done"
    start = _started(lines)
    elapsed = None
    if start is not None:
        elapsed = max(0, int(((now or datetime.datetime.now()) - start).total_seconds()))
    if phase == "resolving":
        what = "resolving, %d packages" % len(resolved)
    elif phase == "building":
        what = "building the %s wheel, %d packages resolved" % (building, len(resolved))
    elif phase == "installing":
        what = "installing %d packages" % total
    elif phase == "done":
        what = "installed %d packages" % (total or 0)
    else:
        what = "starting"
    line = "pip: %s, %s" % (label, what) + ("" if elapsed is None else ", %ds" % elapsed)
    return {"phase": phase, "resolved": len(resolved), "total": total, "elapsed": elapsed, "line": line}
