# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""tempest.conf from plain data: the discovered cloud, keystone's settings, the job.

Pure functions, no filesystem or network access.

* ``SERVICE_MAP`` -- tempest's ``[service_available]`` options and the catalog
  service types that make each one true.
* ``keystone_settings_from_ini(text, key)`` -- the keystone.conf settings that shape
  tempest.conf, as ``{"section.option": "value"}``.
* ``keystone_settings_from_job(local_conf, localrc)`` -- the same settings as the job
  gives them to DevStack (post-config of ``$KEYSTONE_CONF``, ``ENFORCE_SCOPE``), for a
  tempest node without keystone.
* ``tempest_conf_data(...)`` -- ``{section: {option: value}}``: generated options, then
  the job's ``test-config`` for ``$TEMPEST_CONFIG``, then the role's overrides, merged
  recursively in that order (a ``None`` value drops an option).
* ``render_ini(data, header)`` / ``render_tempest_conf(...)`` -- the file's text.
"""

import configparser

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError

SERVICE_MAP = (
    ("nova", ("compute",)),
    ("glance", ("image",)),
    ("neutron", ("network",)),
    ("cinder", ("volumev3", "block-storage", "volume")),
    ("swift", ("object-store",)),
    ("heat", ("orchestration",)),
    ("ironic", ("baremetal",)),
    ("barbican", ("key-manager",)),
    ("octavia", ("load-balancer",)),
    ("designate", ("dns",)),
    ("manila", ("sharev2", "shared-file-system")),
    ("placement", ("placement",)),
    ("aodh", ("alarming",)),
    ("gnocchi", ("metric",)),
    ("magnum", ("container-infra",)),
    ("mistral", ("workflowv2",)),
)

# keystone.conf options read for tempest.conf (feature flags and limits tempest must know).
KEYSTONE_OPTIONS = (
    ("security_compliance", "lockout_failure_attempts"),
    ("security_compliance", "lockout_duration"),
    ("security_compliance", "unique_last_password_count"),
    ("security_compliance", "minimum_password_age"),
    ("security_compliance", "password_expires_days"),
    ("security_compliance", "change_password_upon_first_use"),
    ("oslo_policy", "enforce_scope"),
    ("oslo_policy", "enforce_new_defaults"),
    ("identity", "domain_specific_drivers_enabled"),
    ("token", "provider"),
)

TEMPEST_CONFIG = "$TEMPEST_CONFIG"
KEYSTONE_CONF = "$KEYSTONE_CONF"
HEADER = ("Ansible managed",)

_TRUE = ("true", "yes", "on", "1", "y", "t")
_FALSE = ("false", "no", "off", "0", "n", "f", "")


def as_bool(value, key):
    """Ansible's ``bool`` for the values a config file or a job holds."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value == 1
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise GatekitInputError(key, "%r is not a boolean" % (value,))


def as_int(value, key):
    if isinstance(value, bool):
        return int(value)
    try:
        return int(str(value).strip())
    except ValueError:
        raise GatekitInputError(key, "%r is not an integer" % (value,)) from None


def _text(value):
    """A scalar the way Jinja's ``string`` filter writes it."""
    return value if isinstance(value, str) else str(value)


def keystone_settings_from_ini(text, key="tempest_keystone_conf"):
    parser = configparser.RawConfigParser(strict=False)
    try:
        parser.read_string(text)
    except configparser.Error as err:
        raise GatekitInputError(key, "cannot parse: %s" % str(err).splitlines()[0]) from None
    out = {}
    for section, option in KEYSTONE_OPTIONS:
        if parser.has_option(section, option):
            out["%s.%s" % (section, option)] = parser.get(section, option).strip()
    return out


def _mapping(value, key):
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise GatekitInputError(key, "must be a mapping, got %s" % type(value).__name__)
    return value


def keystone_settings_from_job(local_conf=None, localrc=None):
    """keystone's settings as the job sets them, every value as text."""
    local_conf = _mapping(local_conf, "devstack_local_conf")
    post = _mapping(local_conf.get("post-config"), "devstack_local_conf.post-config")
    ks_key = "devstack_local_conf.post-config.%s" % KEYSTONE_CONF
    out = {}
    for section, options in sorted(_mapping(post.get(KEYSTONE_CONF), ks_key).items()):
        for option, value in sorted(_mapping(options, "%s.%s" % (ks_key, section)).items()):
            out["%s.%s" % (section, option)] = _text(value)
    localrc = _mapping(localrc, "devstack_localrc")
    # KEYSTONE_ENFORCE_SCOPE wins over the global ENFORCE_SCOPE, as in DevStack's lib/keystone.
    scope = localrc.get("KEYSTONE_ENFORCE_SCOPE", localrc.get("ENFORCE_SCOPE"))
    if scope is not None:
        out["oslo_policy.enforce_scope"] = _text(scope)
    return out


def service_available(services):
    """``[service_available]``: an option is true when one of its service types is in the catalog."""
    return {option: any(kind in services for kind in kinds) for option, kinds in SERVICE_MAP}


def _admin_domain(auth):
    if auth.get("user_domain_name"):
        return auth["user_domain_name"]
    domain_id = auth.get("user_domain_id") or ""
    return "Default" if domain_id in ("", "default") else domain_id


def generated_options(cloud, keystone, workspace):
    """The options gatekit derives from the deployment, before the job's own."""
    auth = cloud["auth"]
    ks_key = "tempest_keystone_conf"
    enforce_scope = as_bool(keystone.get("oslo_policy.enforce_scope", "false"), ks_key + ": [oslo_policy] enforce_scope")
    lockout = as_int(keystone.get("security_compliance.lockout_failure_attempts", "0"),
                     ks_key + ": [security_compliance] lockout_failure_attempts")
    return {
        "DEFAULT": {"log_dir": workspace, "log_file": "tempest.log", "use_stderr": False},
        "oslo_concurrency": {"lock_path": workspace + "/tempest_lock"},
        "auth": {
            "admin_username": auth["username"],
            "admin_password": auth["password"],
            "admin_project_name": auth.get("project_name"),
            "admin_domain_name": _admin_domain(auth),
            "use_dynamic_credentials": True,
            "tempest_roles": "member",
            # keystone with enforce_scope needs system-scoped admin calls (DevStack does the same).
            "admin_system": "all" if enforce_scope else None,
        },
        "identity": {
            "uri_v3": cloud["uri_v3"],
            "auth_version": "v3",
            "region": cloud["region"],
            "v3_endpoint_type": "public",
            "admin_role": "admin",
            "default_domain_id": "default",
            "disable_ssl_certificate_validation": bool(cloud.get("insecure")),
            "ca_certificates_file": cloud.get("cacert") or None,
            "user_lockout_failure_attempts": lockout,
            "user_lockout_duration": keystone.get("security_compliance.lockout_duration", "1800"),
            "user_unique_last_password_count": keystone.get("security_compliance.unique_last_password_count", "0"),
            "user_minimum_password_age": keystone.get("security_compliance.minimum_password_age", "0"),
        },
        "identity-feature-enabled": {
            "api_v2": False,
            "api_v3": True,
            "trust": True,
            "application_credentials": True,
            "access_rules": True,
            "project_tags": True,
            "security_compliance": lockout > 0,
            "domain_specific_drivers": as_bool(keystone.get("identity.domain_specific_drivers_enabled", "false"),
                                               ks_key + ": [identity] domain_specific_drivers_enabled"),
        },
        "enforce_scope": {"keystone": enforce_scope},
        "service_available": service_available(cloud.get("services") or {}),
    }


def merge(base, update):
    """Recursive merge (Ansible's ``combine(recursive=True)``); neither input is changed."""
    out = dict(base)
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def _sections(data, key):
    data = _mapping(data, key)
    for section, options in data.items():
        if not isinstance(section, str) or not section:
            raise GatekitInputError(key, "section names must be non-empty strings, got %r" % (section,))
        _mapping(options, "%s.%s" % (key, section))
    return data


def tempest_conf_data(cloud, *, keystone=None, workspace="", local_conf=None, localrc=None, overrides=None):
    """``{section: {option: value}}`` of tempest.conf.

    ``cloud`` is the discovered cloud (``auth``, ``uri_v3``, ``region``, ``cacert``,
    ``insecure``, ``services``); ``keystone`` the settings read from keystone.conf (empty
    or ``None``: taken from the job's ``local_conf``/``localrc`` instead).
    """
    if not keystone:
        keystone = keystone_settings_from_job(local_conf, localrc)
    test_config = _mapping(_mapping(local_conf, "devstack_local_conf").get("test-config"),
                           "devstack_local_conf.test-config")
    data = generated_options(cloud, keystone, workspace)
    data = merge(data, _sections(test_config.get(TEMPEST_CONFIG),
                                 "devstack_local_conf.test-config.%s" % TEMPEST_CONFIG))
    return merge(data, _sections(overrides, "tempest_tempest_conf_overrides"))


def ini_value(value):
    """An option value as tempest (oslo.config) reads it: lists comma-joined, dicts as k:v."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return ",".join("%s:%s" % (k, _text(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ",".join(_text(v) for v in value)
    return _text(value)


def render_ini(data, header=HEADER, key="tempest.conf"):
    lines = ["# %s" % line for line in header]
    for section, options in data.items():
        lines.extend(["", "[%s]" % section])
        for option, value in options.items():
            if value is None:
                continue
            text = ini_value(value)
            if "\n" in text or "\r" in text:
                raise GatekitInputError("%s.%s.%s" % (key, section, option), "values must be one line")
            lines.append("%s = %s" % (option, text))
    return "\n".join(lines) + "\n"


def render_tempest_conf(cloud, *, keystone=None, workspace="", local_conf=None, localrc=None, overrides=None,
                        source="", cloud_name=""):
    """The text of tempest.conf (see ``tempest_conf_data`` for the inputs)."""
    data = tempest_conf_data(cloud, keystone=keystone, workspace=workspace, local_conf=local_conf, localrc=localrc,
                             overrides=overrides)
    header = HEADER + (
        "Generated by gatekit.devstack.tempest from %s (cloud %s)" % (source, cloud_name),
        "and the service catalog, then tempest_tempest_conf_overrides.",
    )
    return render_ini(data, header)


def render_stestr_conf(package_dir):
    """The .stestr.conf that ``tempest init`` writes, for tempest installed in ``package_dir``."""
    return "[DEFAULT]\ntest_path=%s/test_discover\ntop_dir=%s\ngroup_regex=([^\\.]*\\.)*\n" % (package_dir, package_dir)
