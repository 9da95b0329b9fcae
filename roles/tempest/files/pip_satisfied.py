# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Exit 0 when every requirement is already installed in this venv, else 1.

Only plain requirement strings (name, extras, version specifiers) can be
satisfied; a URL or a path always needs pip.  A no-op `pip install` costs
30 s on a busy 2-core node; this check costs well under a second.

usage: pip_satisfied.py REQUIREMENT [REQUIREMENT...]
"""

import sys
from importlib import metadata

try:
    from packaging.requirements import InvalidRequirement, Requirement
except ImportError:  # no packaging: let pip decide
    sys.exit(1)


def satisfied(spec):
    if "/" in spec or "://" in spec or spec.startswith((".", "~")):
        return False
    try:
        req = Requirement(spec)
    except InvalidRequirement:
        return False
    if req.url:
        return False
    try:
        version = metadata.version(req.name)
    except metadata.PackageNotFoundError:
        return False
    return req.specifier.contains(version, prereleases=True)


if __name__ == "__main__":
    missing = [s for s in sys.argv[1:] if not satisfied(s)]
    print(" ".join(missing))
    sys.exit(1 if missing else 0)
