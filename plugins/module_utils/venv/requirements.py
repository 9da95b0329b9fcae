# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which pip requirements a Python environment already satisfies.

A no-op ``pip install`` costs 30 s on a busy 2-core node; this check costs well
under a second.  Only plain requirement strings (name, extras, version
specifiers) can be satisfied; a URL or a path always needs pip.

* ``canonical(name)`` -- PEP 503 normalised distribution name.
* ``unsatisfied(requirements, version_of)`` -- the requirements pip still has
  to install; ``version_of(name)`` returns the installed version or ``None``
  (``installed_version`` reads the running interpreter's environment).
"""

import re

try:
    from importlib import metadata
except ImportError:  # pragma: no cover - Python < 3.8
    metadata = None

try:
    from packaging.requirements import InvalidRequirement, Requirement
except ImportError:  # no packaging: every requirement is left to pip
    Requirement = None
    InvalidRequirement = ValueError


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def installed_version(name):
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def satisfied(spec, version_of):
    if Requirement is None:
        return False
    if "/" in spec or "://" in spec or spec.startswith((".", "~")):
        return False
    try:
        req = Requirement(spec)
    except InvalidRequirement:
        return False
    if req.url:
        return False
    version = version_of(req.name)
    if version is None:
        return False
    return req.specifier.contains(version, prereleases=True)


def unsatisfied(requirements, version_of=installed_version):
    return [spec for spec in requirements if not satisfied(spec, version_of)]
