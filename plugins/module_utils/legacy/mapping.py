# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""THE translation between devstack-gate's legacy environment and Zuul v3 job variables.

One mapping, two front doors: the devstack-gate wrapper, the
``devstack_gate_env`` module and the ``zuul_migrate`` module all call these
functions; nothing re-implements them.  Pure functions over plain data.

API
===

``legacy_env_to_native(env, branch='master', dg_local_conf=None, nodesets=None) -> dict``
    ``env`` is the job's environment (``DEVSTACK_GATE_*``, ``PROJECTS``,
    ``DEVSTACK_PROJECT_FROM_GIT``, ``DEVSTACK_LOCAL_CONFIG``, ``DEVSTACK_SUBNODE_CONFIG``,
    ``DEVSTACK_LOCALCONF``, ``OVERRIDE_ZUUL_BRANCH``, ``OVERRIDE_ENABLED_SERVICES``,
    ``ENABLED_SERVICES``, ``TEMPEST_CONCURRENCY``, ``BUILD_TIMEOUT``, ``OS_TEST_TIMEOUT``,
    ``OVERRIDE_<PROJ>_PROJECT_BRANCH``; ``ZUUL_*`` and ``WORKSPACE`` are ignored because
    they come from Zuul).  ``dg_local_conf`` is the text of ``/tmp/dg-local.conf``.
    Returns::

        {'vars': {devstack_localrc, devstack_services, devstack_plugins,
                  devstack_local_conf, tempest_plugins, tox_envlist,
                  tempest_test_regex, tempest_concurrency, tempest_test_timeout,
                  devstack_gate_env},          # only the keys that apply
         'parent': 'gatekit-tempest' | 'gatekit-devstack',
         'nodeset': 'gatekit-single-node' | 'gatekit-two-node',
         'required_projects': ['openstack/x' | {'name': ..., 'override-checkout': ...}],
         'override_checkout': str | None,
         'timeout': seconds | None,
         'group_vars': {'subnodes': {'devstack_localrc': {...}}} | {},
         'notes': [str],          # everything that could not be translated
         'unknown': [key, ...]}   # DEVSTACK_GATE_* keys devstack-gate never had

    ``vars.devstack_gate_env`` keeps the wrapper-only settings that have no
    native meaning (REMOVE_STACK_SUDO, TIMEOUT_BUFFER, GRENADE, ...) when they
    differ from their default, so a round trip keeps them; native roles ignore it.
    Unknown ``DEVSTACK_GATE_*`` keys are reported, never turned into test-matrix
    features (devstack-gate's test_matrix.py turned any DEVSTACK_GATE_* name into one).

``native_to_legacy_env(job_vars, *, nodeset=None, required_projects=None, timeout=None,
                       override_checkout=None, group_vars=None, branch='master') -> dict``
    Returns ``{'env': {name: str}, 'dg_local_conf': str, 'notes': [str]}``: the
    ``DEVSTACK_GATE_*`` flags (only those that differ from the default), ``PROJECTS``,
    ``DEVSTACK_PROJECT_FROM_GIT``, ``ENABLED_SERVICES``, ``OVERRIDE_ENABLED_SERVICES``,
    ``TEMPEST_CONCURRENCY``, ``OS_TEST_TIMEOUT``, ``BUILD_TIMEOUT`` (ms),
    ``OVERRIDE_ZUUL_BRANCH``, ``OVERRIDE_<PROJ>_PROJECT_BRANCH``,
    ``DEVSTACK_SUBNODE_CONFIG`` and the ``/tmp/dg-local.conf`` text for the rest.

``native_job_to_legacy_env(job, branch='master')``
    The same for a Zuul-shaped job dict (``vars``, ``nodeset``, ``timeout``,
    ``required-projects``, ``override-checkout``, ``group-vars``).

``legacy_defaults(branch='master')``
    ``{flag: default}`` for every known ``DEVSTACK_GATE_*`` flag (names without the prefix).

Round trip: ``native_to_legacy_env(legacy_env_to_native(env))`` gives ``env`` without
its default-valued flags (canonical ``'1'`` for true), and
``legacy_env_to_native(native_to_legacy_env(n))`` gives ``n`` back for every ``n``
produced by ``legacy_env_to_native`` (unit-tested).

Tempest selection follows devstack-gate's "first matching flag wins" order and DevStack's
migration table: NOTESTS -> ``venv-tempest``; REGEX -> ``all`` (``all-plugin`` with
ALL_PLUGINS) + ``tempest_test_regex``; ALL_PLUGINS -> ``all-plugin``; ALL -> ``all`` with
regex ``tempest``; DISABLE_TENANT_ISOLATION -> ``full-serial``; FULL -> ``full``;
SMOKE_SERIAL -> ``smoke-serial``; SCENARIOS -> ``scenario``; otherwise ``smoke``.
"""

import re
from collections import OrderedDict

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError
from ansible_collections.gatekit.devstack.plugins.module_utils.devstack.local_conf import (
    parse_local_conf,
    render_local_conf,
)

PREFIX = "DEVSTACK_GATE_"
FALSE_VALUES = (None, "", "0", "false", "False", "FALSE")
NODESETS = OrderedDict([("aio", "gatekit-single-node"), ("multinode", "gatekit-two-node")])
PARENTS = {True: "gatekit-tempest", False: "gatekit-devstack"}
LEGACY_DEST = "/opt/stack/new"

#: Every DEVSTACK_GATE_* flag devstack-gate reads, with its default (master).
DEFAULTS = OrderedDict(
    [
        ("TEMPEST", "0"),
        ("TEMPEST_NOTESTS", "0"),
        ("TEMPEST_FULL", "0"),
        ("TEMPEST_ALL", "0"),
        ("TEMPEST_ALL_PLUGINS", "0"),
        ("TEMPEST_SCENARIOS", "0"),
        ("SMOKE_SERIAL", "0"),
        ("TEMPEST_DISABLE_TENANT_ISOLATION", "0"),
        ("TEMPEST_HEAT_SLOW", "0"),
        ("TEMPEST_LARGE_OPS", "0"),
        ("TEMPEST_REGEX", ""),
        ("POSTGRES", "0"),
        ("CELLS", "0"),
        ("IRONIC", "0"),
        ("CONFIGDRIVE", "0"),
        ("INSTALL_TESTONLY", "0"),
        ("UNSTACK", "0"),
        ("NEUTRON", "1"),
        ("NEUTRON_DVR", "0"),
        ("NET_OVERLAY", "0"),
        ("TLSPROXY", "0"),
        ("HORIZON", "0"),
        ("GRENADE", ""),
        ("VIRT_DRIVER", "libvirt"),
        ("LIBVIRT_TYPE", "qemu"),
        ("TOPOLOGY", "aio"),
        ("REMOVE_STACK_SUDO", "1"),
        ("TIMEOUT_BUFFER", "10"),
        ("CLEAN_LOGS", "1"),
        ("PROJECTS_OVERRIDE", ""),
        ("USE_PYTHON3", ""),
        ("NETCONSOLE", ""),
        ("SETTINGS", ""),
        ("OS_TEST_TIMEOUT", ""),
        ("FIXED_RANGE", ""),
        ("FLOATING_RANGE", ""),
    ]
)

#: tempest selection flags, in devstack-gate's precedence order.
TEMPEST_FLAGS = (
    "TEMPEST_NOTESTS",
    "TEMPEST_REGEX",
    "TEMPEST_ALL_PLUGINS",
    "TEMPEST_ALL",
    "TEMPEST_DISABLE_TENANT_ISOLATION",
    "TEMPEST_FULL",
    "SMOKE_SERIAL",
    "TEMPEST_SCENARIOS",
)
SIMPLE_ENVLISTS = OrderedDict(
    [
        ("TEMPEST_DISABLE_TENANT_ISOLATION", "full-serial"),
        ("TEMPEST_FULL", "full"),
        ("SMOKE_SERIAL", "smoke-serial"),
        ("TEMPEST_SCENARIOS", "scenario"),
    ]
)
ALL_REGEX = "tempest"

#: flags that become a localrc boolean (written True) when set.
LOCALRC_BOOL_FLAGS = OrderedDict([("CONFIGDRIVE", "FORCE_CONFIG_DRIVE"), ("INSTALL_TESTONLY", "INSTALL_TESTONLY_PACKAGES"), ("USE_PYTHON3", "USE_PYTHON3")])
#: flags copied to localrc as values when they differ from the default.
LOCALRC_VALUE_FLAGS = OrderedDict(
    [("VIRT_DRIVER", "VIRT_DRIVER"), ("LIBVIRT_TYPE", "LIBVIRT_TYPE"), ("FIXED_RANGE", "FIXED_RANGE"), ("FLOATING_RANGE", "FLOATING_RANGE")]
)
DVR_LOCALRC = ("Q_DVR_MODE", "dvr_snat")
NEUTRON_SERVICES = ("q-svc", "q-agt", "q-dhcp", "q-l3", "q-meta", "q-metering")
#: feature flags -> the services they switch (name -> enabled).
SERVICE_FLAGS = OrderedDict(
    [
        ("POSTGRES", OrderedDict([("postgresql", True), ("mysql", False)])),
        ("CELLS", OrderedDict([("n-cell", True)])),
        ("IRONIC", OrderedDict([("ir-api", True), ("ir-cond", True)])),
        ("TLSPROXY", OrderedDict([("tls-proxy", True)])),
        ("HORIZON", OrderedDict([("horizon", True)])),
    ]
)
#: flags that only steer the legacy wrapper; kept in vars.devstack_gate_env.
WRAPPER_ONLY = (
    "TEMPEST_HEAT_SLOW",
    "TEMPEST_LARGE_OPS",
    "UNSTACK",
    "GRENADE",
    "REMOVE_STACK_SUDO",
    "TIMEOUT_BUFFER",
    "CLEAN_LOGS",
    "NETCONSOLE",
    "SETTINGS",
    "PROJECTS_OVERRIDE",
)
WRAPPER_ONLY_NOTES = {
    "TEMPEST_HEAT_SLOW": "no native equivalent; select the tests with tempest_test_regex",
    "TEMPEST_LARGE_OPS": "no native equivalent; select the tests with tempest_test_regex",
    "UNSTACK": "no native equivalent (the legacy wrapper ran unstack.sh after the tests)",
    "GRENADE": "upgrade jobs are not translated; use a grenade job as parent",
    "REMOVE_STACK_SUDO": "legacy wrapper only",
    "TIMEOUT_BUFFER": "legacy wrapper only (minutes kept for cleanup before the timeout)",
    "CLEAN_LOGS": "never read by devstack-gate",
    "NETCONSOLE": "legacy wrapper only",
    "SETTINGS": "a file sourced at run time cannot be translated; move its settings into job vars",
    "PROJECTS_OVERRIDE": "replaces devstack-gate's default project list; required_projects lists it",
}
#: non-prefixed environment variables the mapping reads.
OTHER_KEYS = (
    "PROJECTS",
    "DEVSTACK_PROJECT_FROM_GIT",
    "DEVSTACK_LOCAL_CONFIG",
    "DEVSTACK_SUBNODE_CONFIG",
    "DEVSTACK_LOCALCONF",
    "OVERRIDE_ZUUL_BRANCH",
    "OVERRIDE_ENABLED_SERVICES",
    "ENABLED_SERVICES",
    "TEMPEST_CONCURRENCY",
    "BUILD_TIMEOUT",
    "OS_TEST_TIMEOUT",
    "GRENADE_PLUGINRC",
)
IGNORED_RE = re.compile(r"^(ZUUL_\w+|WORKSPACE|TOX_TESTENV_PASSENV|LOG_PATH|BASE_LOG_PATH|JOB_NAME|BUILD_\w+)$")
PROJECT_BRANCH_RE = re.compile(r"^OVERRIDE_([A-Z0-9_]+)_PROJECT_BRANCH$")
#: set by the legacy wrapper itself while it runs, never by the job.
WRAPPER_KEYS = ("DEVSTACK_GATE_LOG_DIR",)
OLD_NEUTRON_BRANCH_RE = re.compile(r"^stable/[a-n]")


def reads_key(key):
    """Whether ``legacy_env_to_native`` reads environment variable ``key``: ``DEVSTACK_GATE_*``,
    ``OTHER_KEYS`` and ``OVERRIDE_<PROJECT>_PROJECT_BRANCH`` (never a ``WRAPPER_KEYS`` one)."""
    return key not in WRAPPER_KEYS and (key.startswith(PREFIX) or key in OTHER_KEYS or bool(PROJECT_BRANCH_RE.match(key)))


def job_key(key):
    """Whether ``key`` belongs to a legacy job's environment: the keys the mapping reads, plus
    those it knowingly ignores (``ZUUL_*``, ``WORKSPACE``, ...). What a re-run needs exported."""
    return reads_key(key) or (key not in WRAPPER_KEYS and bool(IGNORED_RE.match(key)))


def legacy_defaults(branch="master"):
    """``{flag: default}`` (names without ``DEVSTACK_GATE_``) for ``branch``."""
    defaults = OrderedDict(DEFAULTS)
    if OLD_NEUTRON_BRANCH_RE.match(branch or ""):
        defaults["NEUTRON"] = "0"
    return defaults


def is_set(value):
    """devstack-gate's truth test: anything but None, '', '0', 'false', 'False', 'FALSE'."""
    if isinstance(value, bool):
        return value
    return (str(value) if value is not None else None) not in FALSE_VALUES


def env_text(value):
    """Environment values are text; booleans become 1/0."""
    if isinstance(value, bool):
        return "1" if value else "0"
    return "" if value is None else str(value)


def _int(key, value, scale=1):
    try:
        return int(str(value).strip()) // scale
    except ValueError:
        raise GatekitInputError(key, "expected an integer, got %r" % (value,)) from None


def uc_project(short_name):
    """devstack-gate's OVERRIDE_<PROJ>_PROJECT_BRANCH spelling of a project name."""
    return re.sub(r"[^A-Z0-9]", "_", short_name.upper())


def _project_name(entry):
    name = entry["name"] if isinstance(entry, dict) else entry
    parts = str(name).split("/")
    if len(parts) > 2 and "." in parts[0]:
        parts = parts[1:]  # drop the hostname: opendev.org/openstack/nova -> openstack/nova
    return "/".join(parts)


def _merge_parsed(native, parsed, notes, where):
    localrc = native.setdefault("devstack_localrc", OrderedDict())
    for key, value in parsed["localrc"].items():
        localrc.pop(key, None)
        localrc[key] = value
    if parsed["services"]:
        services = native.setdefault("devstack_services", OrderedDict())
        for key, value in parsed["services"].items():
            services.pop(key, None)
            services[key] = value
    if parsed["plugins"]:
        native.setdefault("devstack_plugins", OrderedDict()).update(parsed["plugins"])
    for phase, files in parsed["local_conf"].items():
        target = native.setdefault("devstack_local_conf", OrderedDict()).setdefault(phase, OrderedDict())
        for fname, sections in files.items():
            tfile = target.setdefault(fname, OrderedDict())
            for section, options in sections.items():
                tfile.setdefault(section, OrderedDict()).update(options)
    notes.extend("%s: %s" % (where, note) for note in parsed["notes"])


def _tempest_selection(flags):
    """(tox_envlist, tempest_test_regex or None) by devstack-gate's precedence."""
    if is_set(flags.get("TEMPEST_NOTESTS")):
        return "venv-tempest", None
    regex = flags.get("TEMPEST_REGEX") or ""
    if regex:
        return ("all-plugin" if is_set(flags.get("TEMPEST_ALL_PLUGINS")) else "all"), regex
    if is_set(flags.get("TEMPEST_ALL_PLUGINS")):
        return "all-plugin", None
    if is_set(flags.get("TEMPEST_ALL")):
        return "all", ALL_REGEX
    for flag, envlist in SIMPLE_ENVLISTS.items():
        if is_set(flags.get(flag)):
            return envlist, None
    return "smoke", None


def legacy_env_to_native(env, branch="master", dg_local_conf=None, nodesets=None):
    """Translate a legacy devstack-gate environment; see the module docstring."""
    if not isinstance(env, dict):
        raise GatekitInputError("env", "must be a dict of environment variables")
    nodesets = nodesets or NODESETS
    # devstack-gate picks its defaults (and test matrix) for the branch under test
    defaults = legacy_defaults(env_text(env.get("OVERRIDE_ZUUL_BRANCH")) or branch)
    notes = []
    unknown = []
    flags = OrderedDict()
    for raw_key, value in env.items():
        key = str(raw_key)
        if key.startswith(PREFIX):
            name = key[len(PREFIX) :]
            if name in defaults:
                flags[name] = env_text(value)
            else:
                unknown.append(key)
                notes.append("%s: not a devstack-gate setting; ignored (not turned into a test-matrix feature)" % key)
        elif key in OTHER_KEYS or PROJECT_BRANCH_RE.match(key) or IGNORED_RE.match(key):
            continue
        else:
            notes.append("%s: not read by devstack-gate's mapping; ignored" % key)

    def flag(name):
        return flags.get(name, defaults[name])

    native = OrderedDict()
    result = OrderedDict()

    # --- tempest
    tempest = is_set(flag("TEMPEST"))
    services = OrderedDict([("tempest", tempest)])
    if tempest:
        envlist, regex = _tempest_selection(flags)
        native["tox_envlist"] = envlist
        if regex is not None:
            native["tempest_test_regex"] = regex
    else:
        ignored = [PREFIX + name for name in TEMPEST_FLAGS if is_set(flags.get(name))]
        if ignored:
            notes.append("%s: ignored because DEVSTACK_GATE_TEMPEST is not set" % ", ".join(ignored))

    # --- services
    neutron = is_set(flag("NEUTRON"))
    if neutron != is_set(defaults["NEUTRON"]):
        for svc in NEUTRON_SERVICES:
            services[svc] = neutron
        if not neutron:
            notes.append("DEVSTACK_GATE_NEUTRON=0: nova-network no longer exists; neutron services disabled")
    for name, svc_map in SERVICE_FLAGS.items():
        if is_set(flag(name)):
            services.update(svc_map)
    override = env.get("OVERRIDE_ENABLED_SERVICES")
    if override:
        services = OrderedDict([("base", False)] + [(svc, True) for svc in str(override).split(",") if svc])
        services.setdefault("tempest", tempest)
    for svc in str(env.get("ENABLED_SERVICES") or "").split(","):
        if svc:
            services[svc] = True
    native["devstack_services"] = services

    # --- localrc
    localrc = OrderedDict()
    for name, var in LOCALRC_BOOL_FLAGS.items():
        if is_set(flags.get(name)):
            localrc[var] = True
    for name, var in LOCALRC_VALUE_FLAGS.items():
        if flag(name) != defaults[name]:
            localrc[var] = flag(name)
    if is_set(flag("NEUTRON_DVR")):
        localrc[DVR_LOCALRC[0]] = DVR_LOCALRC[1]
    libs = [lib for lib in re.split(r"[,\s]+", str(env.get("DEVSTACK_PROJECT_FROM_GIT") or "")) if lib]
    if libs:
        localrc["LIBS_FROM_GIT"] = ",".join(libs)
    native["devstack_localrc"] = localrc

    # --- local.conf text: /tmp/dg-local.conf, DEVSTACK_LOCAL_CONFIG, DEVSTACK_LOCALCONF (that order)
    if dg_local_conf:
        _merge_parsed(native, parse_local_conf(dg_local_conf), notes, "/tmp/dg-local.conf")
    if env.get("DEVSTACK_LOCAL_CONFIG"):
        _merge_parsed(native, parse_local_conf(str(env["DEVSTACK_LOCAL_CONFIG"])), notes, "DEVSTACK_LOCAL_CONFIG")
    if env.get("DEVSTACK_LOCALCONF"):
        _merge_parsed(native, parse_local_conf(str(env["DEVSTACK_LOCALCONF"])), notes, "DEVSTACK_LOCALCONF")
    tp = native["devstack_localrc"].get("TEMPEST_PLUGINS")
    if isinstance(tp, str) and tp and all(w.startswith(LEGACY_DEST + "/") for w in tp.split()):
        native["tempest_plugins"] = [w[len(LEGACY_DEST) + 1 :] for w in tp.split()]
        del native["devstack_localrc"]["TEMPEST_PLUGINS"]
    for key in ("devstack_localrc", "devstack_services"):
        if not native[key]:
            del native[key]

    # --- numbers
    if env.get("TEMPEST_CONCURRENCY") not in (None, ""):
        native["tempest_concurrency"] = _int("TEMPEST_CONCURRENCY", env["TEMPEST_CONCURRENCY"])
    test_timeout = env.get("OS_TEST_TIMEOUT") or flags.get("OS_TEST_TIMEOUT")
    if test_timeout:
        native["tempest_test_timeout"] = _int("OS_TEST_TIMEOUT", test_timeout)

    # --- wrapper-only settings
    gate_env = OrderedDict()
    for name in WRAPPER_ONLY:
        if name in flags and flags[name] != defaults[name]:
            gate_env[PREFIX + name] = flags[name]
            notes.append("%s%s=%s: %s" % (PREFIX, name, flags[name], WRAPPER_ONLY_NOTES[name]))
    if is_set(flags.get("NET_OVERLAY")) and not is_set(flag("NEUTRON_DVR")):
        gate_env[PREFIX + "NET_OVERLAY"] = flags["NET_OVERLAY"]
        notes.append("DEVSTACK_GATE_NET_OVERLAY: the worker network provides the overlay; kept for the legacy wrapper")
    if env.get("GRENADE_PLUGINRC"):
        gate_env["GRENADE_PLUGINRC"] = env_text(env["GRENADE_PLUGINRC"])
        notes.append("GRENADE_PLUGINRC: upgrade jobs are not translated")
    if gate_env:
        native["devstack_gate_env"] = gate_env

    # --- job attributes
    topology = flag("TOPOLOGY")
    if topology not in nodesets:
        raise GatekitInputError(PREFIX + "TOPOLOGY", "must be one of %s, got %r" % (", ".join(nodesets), topology))
    overrides = OrderedDict()
    for key, value in env.items():
        match = PROJECT_BRANCH_RE.match(str(key))
        if match and value:
            overrides[match.group(1)] = env_text(value)
    projects = []
    project_source = str(flags.get("PROJECTS_OVERRIDE") or env.get("PROJECTS") or "")
    for name in project_source.split():
        if name not in projects:
            projects.append(name)
    for lib in libs:
        if "openstack/" + lib not in projects:
            projects.append("openstack/" + lib)
    required = []
    for name in projects:
        short = uc_project(name.rsplit("/", maxsplit=1)[-1])
        if short in overrides:
            required.append(OrderedDict([("name", name), ("override-checkout", overrides.pop(short))]))
        else:
            required.append(name)
    for short, value in overrides.items():
        notes.append("OVERRIDE_%s_PROJECT_BRANCH=%s: no such project in PROJECTS; ignored" % (short, value))
    group_vars = OrderedDict()
    if env.get("DEVSTACK_SUBNODE_CONFIG"):
        sub = OrderedDict()
        _merge_parsed(sub, parse_local_conf(str(env["DEVSTACK_SUBNODE_CONFIG"])), notes, "DEVSTACK_SUBNODE_CONFIG")
        group_vars["subnodes"] = sub
        if topology != "multinode":
            notes.append("DEVSTACK_SUBNODE_CONFIG: set but DEVSTACK_GATE_TOPOLOGY is not multinode")

    result["vars"] = native
    result["parent"] = PARENTS[tempest]
    result["nodeset"] = nodesets[topology]
    result["required_projects"] = required
    result["override_checkout"] = env_text(env["OVERRIDE_ZUUL_BRANCH"]) if env.get("OVERRIDE_ZUUL_BRANCH") else None
    result["timeout"] = _int("BUILD_TIMEOUT", env["BUILD_TIMEOUT"], 1000) if env.get("BUILD_TIMEOUT") else None
    result["group_vars"] = group_vars
    result["notes"] = notes
    result["unknown"] = unknown
    return result


# --------------------------------------------------------------------------
# native -> legacy


def _topology(nodeset, nodesets):
    if nodeset is None:
        return "aio"
    if isinstance(nodeset, dict):
        return "multinode" if len(nodeset.get("nodes", [])) > 1 else "aio"
    for topology, name in nodesets.items():
        if nodeset == name:
            return topology
    if re.search(r"(two|three|multi)[-_]?node", str(nodeset)):
        return "multinode"
    return "aio"


def _envlist_flags(envlist, regex, notes):
    flags = OrderedDict()
    if envlist in (None, "smoke"):
        pass
    elif envlist == "venv-tempest":
        flags["TEMPEST_NOTESTS"] = "1"
    elif envlist in ("all", "all-plugin"):
        if envlist == "all-plugin":
            flags["TEMPEST_ALL_PLUGINS"] = "1"
        if regex and not (envlist == "all" and regex == ALL_REGEX):
            flags["TEMPEST_REGEX"] = regex
        elif envlist == "all":
            flags["TEMPEST_ALL"] = "1"
            if not regex:
                notes.append("tox_envlist all without tempest_test_regex: DEVSTACK_GATE_TEMPEST_ALL runs regex 'tempest'")
        return flags
    else:
        for flag, name in SIMPLE_ENVLISTS.items():
            if envlist == name:
                flags[flag] = "1"
                break
        else:
            flags["TEMPEST_FULL"] = "1"
            notes.append("tox_envlist %s has no devstack-gate flag; approximated by DEVSTACK_GATE_TEMPEST_FULL" % envlist)
    if regex:
        notes.append("tempest_test_regex is only used with tox_envlist all; ignored for %s" % (envlist or "smoke"))
    return flags


def native_to_legacy_env(
    job_vars,
    *,
    nodeset=None,
    required_projects=None,
    timeout=None,
    override_checkout=None,
    group_vars=None,
    branch="master",
    nodesets=None,
):
    """Translate native job variables to the legacy environment; see the module docstring."""
    if not isinstance(job_vars or {}, dict):
        raise GatekitInputError("vars", "must be a dict of job variables")
    job_vars = job_vars or {}
    nodesets = nodesets or NODESETS
    defaults = legacy_defaults(override_checkout or branch)
    notes = []
    flags = OrderedDict()
    env = OrderedDict()

    services = OrderedDict(job_vars.get("devstack_services") or {})
    localrc = OrderedDict(job_vars.get("devstack_localrc") or {})
    tempest = bool(services.pop("tempest", False))
    if tempest:
        flags["TEMPEST"] = "1"
        flags.update(_envlist_flags(job_vars.get("tox_envlist"), job_vars.get("tempest_test_regex"), notes))
    for key in ("tempest_exclude_regex", "tempest_test_exclude_list", "tempest_tempest_conf_overrides"):
        if job_vars.get(key):
            notes.append("%s: no devstack-gate equivalent; not translated" % key)

    extra_enabled = []
    leftover_services = OrderedDict()
    if services.get("base") is False:
        enabled = [svc for svc, on in services.items() if svc != "base" and on]
        env["OVERRIDE_ENABLED_SERVICES"] = ",".join(enabled)
    else:
        services.pop("base", None)
        neutron = [services.get(svc) for svc in NEUTRON_SERVICES]
        if all(v is not None for v in neutron) and len(set(neutron)) == 1:
            if bool(neutron[0]) != is_set(defaults["NEUTRON"]):
                flags["NEUTRON"] = "1" if neutron[0] else "0"
            for svc in NEUTRON_SERVICES:
                services.pop(svc)
        for name, svc_map in SERVICE_FLAGS.items():
            if all(services.get(svc) == on for svc, on in svc_map.items()):
                flags[name] = "1"
                for svc in svc_map:
                    services.pop(svc)
        for svc, on in services.items():
            if on:
                extra_enabled.append(svc)
            else:
                leftover_services[svc] = False
    if extra_enabled:
        env["ENABLED_SERVICES"] = ",".join(extra_enabled)

    for name, var in LOCALRC_BOOL_FLAGS.items():
        if var in localrc and localrc[var] in (True, "True", "true", "1", 1):
            flags[name] = "1"
            del localrc[var]
    for name, var in LOCALRC_VALUE_FLAGS.items():
        if var in localrc and isinstance(localrc[var], (str, int)) and not isinstance(localrc[var], bool):
            if str(localrc[var]) != defaults[name]:
                flags[name] = str(localrc[var])
            del localrc[var]
    if localrc.get(DVR_LOCALRC[0]) == DVR_LOCALRC[1]:
        flags["NEUTRON_DVR"] = "1"
        del localrc[DVR_LOCALRC[0]]
    libs = []
    if isinstance(localrc.get("LIBS_FROM_GIT"), str) and re.match(r"^[\w.,-]+$", localrc["LIBS_FROM_GIT"]):
        libs = [lib for lib in localrc.pop("LIBS_FROM_GIT").split(",") if lib]
        env["DEVSTACK_PROJECT_FROM_GIT"] = ",".join(libs)
    if job_vars.get("tempest_plugins"):
        if "TEMPEST_PLUGINS" in localrc:
            notes.append("tempest_plugins ignored: devstack_localrc sets TEMPEST_PLUGINS")
        else:
            localrc["TEMPEST_PLUGINS"] = " ".join("%s/%s" % (LEGACY_DEST, p) for p in job_vars["tempest_plugins"])

    gate_env = OrderedDict(job_vars.get("devstack_gate_env") or {})
    topology = _topology(nodeset, nodesets)
    if topology != defaults["TOPOLOGY"]:
        flags["TOPOLOGY"] = topology

    # The dg-local.conf text: everything localrc / local.conf / plugins that has no flag.
    text = ""
    if localrc or leftover_services or job_vars.get("devstack_plugins") or job_vars.get("devstack_local_conf"):
        rendered = render_local_conf(
            localrc=localrc,
            services=leftover_services,
            plugins=job_vars.get("devstack_plugins"),
            local_conf=job_vars.get("devstack_local_conf"),
            plugin_order="given",
        )
        text = rendered.text
    for name, value in flags.items():
        env[PREFIX + name] = value
    for key, value in gate_env.items():
        env[key if key.startswith(PREFIX) or key == "GRENADE_PLUGINRC" else PREFIX + key] = env_text(value)

    projects = []
    overrides = OrderedDict()
    for entry in required_projects or ():
        name = _project_name(entry)
        short = name.rsplit("/", maxsplit=1)[-1]
        if isinstance(entry, dict) and entry.get("override-checkout"):
            overrides["OVERRIDE_%s_PROJECT_BRANCH" % uc_project(short)] = entry["override-checkout"]
        if short in libs and name == "openstack/" + short:
            continue
        if name not in projects:
            projects.append(name)
    if projects and PREFIX + "PROJECTS_OVERRIDE" not in env:
        env["PROJECTS"] = " ".join(projects)
    env.update(overrides)
    if job_vars.get("tempest_concurrency") not in (None, ""):
        env["TEMPEST_CONCURRENCY"] = env_text(job_vars["tempest_concurrency"])
    if job_vars.get("tempest_test_timeout") not in (None, ""):
        env["OS_TEST_TIMEOUT"] = env_text(job_vars["tempest_test_timeout"])
    if timeout:
        env["BUILD_TIMEOUT"] = str(int(timeout) * 1000)
    if override_checkout:
        env["OVERRIDE_ZUUL_BRANCH"] = override_checkout
    sub = (group_vars or {}).get("subnodes") or (group_vars or {}).get("subnode") or {}
    if sub.get("devstack_localrc") or sub.get("devstack_services") or sub.get("devstack_plugins"):
        sub_text = render_local_conf(
            localrc=sub.get("devstack_localrc"),
            services=sub.get("devstack_services"),
            plugins=sub.get("devstack_plugins"),
            plugin_order="given",
        ).text
        env["DEVSTACK_SUBNODE_CONFIG"] = sub_text.split("\n", 1)[1].rstrip("\n") + "\n"
    return OrderedDict([("env", env), ("dg_local_conf", text), ("notes", notes)])


def native_job_to_legacy_env(job, branch="master", nodesets=None):
    """``native_to_legacy_env`` for a Zuul-shaped job dict."""
    if not isinstance(job, dict):
        raise GatekitInputError("job", "must be a dict in the shape of a Zuul job")
    return native_to_legacy_env(
        job.get("vars") or {},
        nodeset=job.get("nodeset"),
        required_projects=job.get("required-projects"),
        timeout=job.get("timeout"),
        override_checkout=job.get("override-checkout"),
        group_vars=job.get("group-vars"),
        branch=branch,
        nodesets=nodesets,
    )
