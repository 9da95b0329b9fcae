# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turn DevStack's tempest job variables into ``tempest run`` command lines.

Pure functions, no filesystem access.  The run-tempest role of DevStack passes
``tox -e <envlist> -- <posargs>`` and lets tempest's tox.ini decide what the
positional arguments mean; that is why ``tempest_test_regex`` only works with
``tox_envlist: all`` there (tox.ini's ``all`` env alone passes
``--regex {posargs}``).  Here every envlist is a
list of *phases*, each one ``tempest run`` invocation with a selection regex,
an exclusion regex and a serial flag, and the user's regex narrows every phase
(logical AND), so it works with any envlist.

Public functions:

* ``default_concurrency(cores)`` -- DevStack's rule: all cores up to 3,
  ``cores - 2`` above.
* ``plan_tempest_run(...)`` -- the phases, each with its ``argv``.
* ``parse_plugin_spec(spec, src_dir)`` -- what to ``pip install`` for one
  ``tempest_plugins`` entry and which distribution it names.
"""

import re

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError

# Tags as tempest writes them into test ids: name[id-...,smoke,slow].
SLOW = r"\[.*\bslow\b.*\]"
SMOKE = r"\[.*\bsmoke\b.*\]"
API = r"^tempest\.api"
SCENARIO_SERIAL = r"^tempest\.(scenario|serial_tests)"

_API_THEN_SCENARIO = (
    {"regex": API, "exclude_regex": SLOW, "serial": False},
    {"regex": SCENARIO_SERIAL, "exclude_regex": SLOW, "serial": True},
)

# The selection of each envlist of tempest's tox.ini.  None = no selection
# (every test tempest discovers, plugins included).  The integrated-* gates of
# tempest also pass per-gate exclude lists that live only in tempest's git tree
# (tools/tempest-integrated-gate-*-exclude.txt); give them through
# tempest_test_exclude_list when tempest comes from git.
ENVLISTS = {
    "all": ({"regex": None, "exclude_regex": None, "serial": False},),
    "all-site-packages": ({"regex": None, "exclude_regex": None, "serial": False},),
    "all-plugin": ({"regex": None, "exclude_regex": None, "serial": False},),
    "full": _API_THEN_SCENARIO,
    "integrated-full": _API_THEN_SCENARIO,
    "integrated-network": _API_THEN_SCENARIO,
    "integrated-compute": _API_THEN_SCENARIO,
    "integrated-placement": _API_THEN_SCENARIO,
    "integrated-storage": _API_THEN_SCENARIO,
    "integrated-object-storage": _API_THEN_SCENARIO,
    "full-parallel": (
        {"regex": r"^tempest\.(api|scenario|serial_tests)", "exclude_regex": SLOW, "serial": False},
    ),
    "full-serial": (
        {"regex": r"^tempest\.(api|scenario|serial_tests)", "exclude_regex": SLOW, "serial": True},
    ),
    "scenario": ({"regex": r"^tempest\.scenario", "exclude_regex": None, "serial": True},),
    "smoke": ({"regex": SMOKE, "exclude_regex": None, "serial": False},),
    "smoke-serial": ({"regex": SMOKE, "exclude_regex": None, "serial": True},),
    "slow": ({"regex": SLOW, "exclude_regex": None, "serial": False},),
    "slow-serial": ({"regex": SLOW, "exclude_regex": None, "serial": True},),
    "ipv6-only": (
        {"regex": r"\[.*\bsmoke|ipv6|test_network_v6\b.*\]", "exclude_regex": None, "serial": False},
    ),
    # DevStack's "install and configure, run nothing" (DEVSTACK_GATE_TEMPEST_NOTESTS):
    # a user regex makes it a plain `tempest run --regex`.
    "venv-tempest": (),
}


def default_concurrency(cores):
    """DevStack's run-tempest rule (Bug 2004780): cores when <= 3, else cores - 2."""
    try:
        cores = int(cores)
    except (TypeError, ValueError):
        raise GatekitInputError("cores", "must be an integer, got %r" % (cores,)) from None
    cores = max(cores, 1)
    return cores if cores <= 3 else cores - 2


def _check_regex(key, value):
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise GatekitInputError(key, "must be a string, got %s" % type(value).__name__)
    if re.search(r"\s", value):
        # tempest run splits --regex on whitespace into OR-ed filters (Bug 1827234):
        # a (?x) or multi-line regex would silently select something else.
        raise GatekitInputError(
            key, "contains whitespace; tempest run splits regexes on whitespace, use '|' to alternate"
        )
    try:
        re.compile(value)
    except re.error as err:
        raise GatekitInputError(key, "is not a valid regular expression: %s" % err) from None
    return value


def regex_and(first, second):
    """One regex matching (``re.search``) what both ``first`` and ``second`` match."""
    if not first:
        return second
    if not second:
        return first
    return r"^(?=.*?(?:%s))(?=.*?(?:%s))" % (first, second)


def regex_or(first, second):
    """One regex matching what either matches."""
    if not first:
        return second
    if not second:
        return first
    return r"(?:%s)|(?:%s)" % (first, second)


def plan_tempest_run(
    tox_envlist="smoke",
    *,
    test_regex=None,
    exclude_regex=None,
    include_list=None,
    exclude_list=None,
    concurrency=None,
    serial=False,
    cores=1,
    tempest="tempest",
    extra_args=None,
):
    """Return ``{'phases': [...], 'concurrency': n, 'envlist': name}``.

    Each phase is ``{'regex', 'exclude_regex', 'serial', 'argv'}``; ``argv`` is
    the complete ``tempest run`` command.  Later phases add ``--combine`` so the
    stestr repository holds one run.  ``include_list``/``exclude_list`` are
    paths (already checked to exist by the caller).  ``concurrency`` None means
    ``default_concurrency(cores)``; 0 lets tempest use every CPU.
    """
    if tox_envlist not in ENVLISTS:
        raise GatekitInputError(
            "tox_envlist",
            "unknown envlist %r; known: %s" % (tox_envlist, ", ".join(sorted(ENVLISTS))),
        )
    test_regex = _check_regex("tempest_test_regex", test_regex)
    exclude_regex = _check_regex("tempest_exclude_regex", exclude_regex)
    if concurrency is None or concurrency == "":
        concurrency = default_concurrency(cores)
    else:
        try:
            concurrency = int(concurrency)
        except (TypeError, ValueError):
            raise GatekitInputError("tempest_concurrency", "must be an integer, got %r" % (concurrency,)) from None
        if concurrency < 0:
            raise GatekitInputError("tempest_concurrency", "must be >= 0, got %d" % concurrency)
    extra_args = list(extra_args or [])
    for arg in extra_args:
        if not isinstance(arg, str):
            raise GatekitInputError("tempest_run_extra_args", "items must be strings, got %r" % (arg,))

    phases = [dict(p) for p in ENVLISTS[tox_envlist]]
    if not phases and test_regex:
        phases = [{"regex": None, "exclude_regex": None, "serial": False}]

    planned = []
    for index, phase in enumerate(phases):
        regex = regex_and(phase["regex"], test_regex)
        excl = regex_or(phase["exclude_regex"], exclude_regex)
        is_serial = bool(serial) or phase["serial"]
        argv = [tempest, "run"]
        if regex:
            argv += ["--regex", regex]
        if excl:
            argv += ["--exclude-regex", excl]
        if include_list:
            argv += ["--include-list", include_list]
        if exclude_list:
            argv += ["--exclude-list", exclude_list]
        if is_serial:
            argv.append("--serial")
        else:
            argv += ["--concurrency", str(concurrency)]
        if index > 0:
            argv.append("--combine")
        argv += extra_args
        planned.append({"regex": regex, "exclude_regex": excl, "serial": is_serial, "argv": argv})
    return {"envlist": tox_envlist, "concurrency": concurrency, "phases": planned}


_NAME_RE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)")
_EGG_RE = re.compile(r"[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)")


def canonical_name(name):
    """PEP 503 normalised distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_plugin_spec(spec, src_dir="/opt/stack", existing_dirs=()):
    """Describe one ``tempest_plugins`` entry.

    Accepted forms:

    * a PyPI requirement (``keystone-tempest-plugin``, ``foo==1.2``); a bare
      name that is a checked-out repository under ``src_dir`` (listed in
      ``existing_dirs``) is installed from there, as DevStack does with the
      repos Zuul prepared;
    * a VCS URL ``git+https://...#egg=<name>`` (the ``egg`` names the
      distribution; without it the last path segment does);
    * a local path (starts with ``/``, ``./`` or ``~``), named by its last
      path segment;
    * a dict ``{name: <distribution>, src: <any pip argument>}``.

    Returns ``{'name', 'canonical', 'src', 'kind'}``.
    """
    if isinstance(spec, dict):
        name = spec.get("name")
        src = spec.get("src") or name
        if not isinstance(name, str) or not name:
            raise GatekitInputError("tempest_plugins", "a dict entry needs a 'name' (distribution name): %r" % (spec,))
        if not isinstance(src, str):
            raise GatekitInputError("tempest_plugins", "'src' must be a string: %r" % (spec,))
        return {"name": name, "canonical": canonical_name(name), "src": src, "kind": "explicit"}
    if not isinstance(spec, str) or not spec.strip():
        raise GatekitInputError("tempest_plugins", "entries must be non-empty strings or dicts, got %r" % (spec,))
    spec = spec.strip()
    direct = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*@\s*(\S+)$", spec)
    if direct and "://" in direct.group(2):
        # PEP 508 direct reference: "name @ git+https://..."
        name = direct.group(1)
        return {"name": name, "canonical": canonical_name(name), "src": spec, "kind": "vcs"}
    if "://" in spec or spec.startswith("git+"):
        match = _EGG_RE.search(spec)
        if match:
            name = match.group(1)
        else:
            last = spec.split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]
            name = re.sub(r"\.git$", "", last.split("@", 1)[0])
        return {"name": name, "canonical": canonical_name(name), "src": spec, "kind": "vcs"}
    if spec.startswith(("/", "./", "../", "~")):
        name = spec.rstrip("/").rsplit("/", 1)[-1]
        return {"name": name, "canonical": canonical_name(name), "src": spec, "kind": "path"}
    match = _NAME_RE.match(spec)
    if not match:
        raise GatekitInputError("tempest_plugins", "cannot read a distribution name from %r" % spec)
    name = match.group(1)
    if name == spec and name in existing_dirs:
        src = "%s/%s" % (src_dir.rstrip("/"), name)
        return {"name": name, "canonical": canonical_name(name), "src": src, "kind": "path"}
    return {"name": name, "canonical": canonical_name(name), "src": spec, "kind": "pypi"}
