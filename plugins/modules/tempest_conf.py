#!/usr/bin/python
# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: tempest_conf
short_description: Write tempest.conf (and .stestr.conf) for the cloud in clouds.yaml
version_added: "0.2.0"
description:
  - Reads the cloud O(cloud) from O(clouds_yaml), authenticates against its keystone and reads the service catalog, reads the settings of
    O(keystone_conf) that tempest must know (lockout, scope enforcement, domain drivers),
    and writes tempest.conf.
  - "The options, in order of precedence: O(overrides), then the job's C(test-config) for
    C($TEMPEST_CONFIG) in O(local_conf), then what the module derives (auth, identity,
    feature flags, C([service_available]) from the catalog). Merged recursively; a C(null)
    value drops an option."
  - When O(keystone_conf) is absent (tempest on a node without keystone), keystone's
    settings come from the job instead (C(post-config) of C($KEYSTONE_CONF) in O(local_conf),
    C(KEYSTONE_ENFORCE_SCOPE)/C(ENFORCE_SCOPE) in O(localrc)).
  - "Run it with the tempest venv's Python (C(ansible_python_interpreter)): it needs PyYAML,
    which comes with tempest, and finds the tempest package for O(stestr_conf)."
  - The admin password never appears in the module's output (diff included).
author:
  - gatekit.devstack contributors (@gatekit)
extends_documentation_fragment:
  - gatekit.devstack.attributes
options:
  path:
    description: Where to write tempest.conf (mode C(0600), it holds the admin password).
    type: path
    required: true
  clouds_yaml:
    description: The clouds.yaml to read.
    type: path
    required: true
  cloud:
    description: The cloud in O(clouds_yaml).
    type: str
    default: devstack-admin
  keystone_conf:
    description: keystone.conf on this node; empty or absent means none.
    type: path
  workspace:
    description: The tempest workspace (C(log_dir), and C(lock_path) below it).
    type: path
    required: true
  local_conf:
    description: The job's C(devstack_local_conf).
    type: dict
  localrc:
    description: The job's C(devstack_localrc).
    type: dict
  overrides:
    description: "C({section: {option: value}}) applied last (the role's C(tempest_tempest_conf_overrides))."
    type: dict
  stestr_conf:
    description: Also write the C(.stestr.conf) that C(tempest init) writes, at this path (mode C(0644)).
    type: path
  owner:
    description: Owner of the files written.
    type: str
"""

EXAMPLES = r"""
- name: Write tempest.conf
  gatekit.devstack.tempest_conf:
    path: /opt/stack/tempest/etc/tempest.conf
    stestr_conf: /opt/stack/tempest/.stestr.conf
    workspace: /opt/stack/tempest
    clouds_yaml: /etc/openstack/clouds.yaml
    cloud: devstack-admin
    keystone_conf: /etc/keystone/keystone.conf
    local_conf: "{{ devstack_local_conf | default(omit) }}"
    localrc: "{{ devstack_localrc | default(omit) }}"
    overrides:
      compute:
        min_compute_nodes: 2
  vars:
    ansible_python_interpreter: /opt/stack/tempest-venv/bin/python
"""

RETURN = r"""
path:
  description: The tempest.conf written.
  returned: always
  type: str
service_available:
  description: The C([service_available]) options the catalog gave (before the job's overrides).
  returned: always
  type: dict
  sample: {nova: false, glance: false, placement: false}
identity_versions:
  description: The identity API versions keystone announced.
  returned: always
  type: list
  elements: str
  sample: [v3.14]
"""

import importlib.util
import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.gatekit.devstack.plugins.module_utils.common import (
    GatekitInputError,
    read_text_or_none,
    write_file_result,
)
from ansible_collections.gatekit.devstack.plugins.module_utils.tempest import cloud as tempest_cloud
from ansible_collections.gatekit.devstack.plugins.module_utils.tempest import conf as tempest_conf

try:
    import yaml
except ImportError:  # reported by main()
    yaml = None

ARGUMENT_SPEC = {
    "path": {"type": "path", "required": True},
    "clouds_yaml": {"type": "path", "required": True},
    "cloud": {"type": "str", "default": "devstack-admin"},
    "keystone_conf": {"type": "path"},
    "workspace": {"type": "path", "required": True},
    "local_conf": {"type": "dict"},
    "localrc": {"type": "dict"},
    "overrides": {"type": "dict"},
    "stestr_conf": {"type": "path"},
    "owner": {"type": "str"},
}


def read_inputs(params):
    path = params["clouds_yaml"]
    try:
        with open(path) as handle:
            clouds = yaml.safe_load(handle) or {}
    except OSError as err:
        raise GatekitInputError("tempest_clouds_yaml", "cannot read %s: %s" % (path, err)) from None
    except yaml.YAMLError as err:
        # The parser's message quotes the offending line, which may hold a password.
        mark = getattr(err, "problem_mark", None)
        where = " at line %d" % (mark.line + 1) if mark is not None else ""
        raise GatekitInputError("tempest_clouds_yaml", "%s is not valid YAML%s" % (path, where)) from None
    keystone = {}
    ks_path = params["keystone_conf"]
    if ks_path and os.path.isfile(ks_path):
        keystone = tempest_conf.keystone_settings_from_ini(read_text_or_none(ks_path) or "")
    return clouds, keystone


def tempest_package_dir():
    spec = importlib.util.find_spec("tempest")
    if spec is None or not spec.origin:
        raise GatekitInputError("ansible_python_interpreter", "tempest is not importable by this interpreter")
    return os.path.dirname(spec.origin)


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    params = module.params
    if yaml is None:
        module.fail_json(msg="ansible_python_interpreter: PyYAML is not importable (use the tempest venv's Python)")
    try:
        clouds, keystone = read_inputs(params)
        entry = tempest_cloud.cloud_entry(clouds, params["cloud"], params["clouds_yaml"])
        module.no_log_values.add(entry["auth"]["password"])
        cloud = tempest_cloud.discover(entry, name=params["cloud"])
        text = tempest_conf.render_tempest_conf(
            cloud, keystone=keystone, workspace=params["workspace"], local_conf=params["local_conf"],
            localrc=params["localrc"], overrides=params["overrides"], source=params["clouds_yaml"], cloud_name=params["cloud"])
        files = [(params["path"], text, 0o600)]
        if params["stestr_conf"]:
            files.append((params["stestr_conf"], tempest_conf.render_stestr_conf(tempest_package_dir()), 0o644))
    except GatekitInputError as err:
        module.fail_json(msg=str(err), key=err.key)
    changed, diffs = False, []
    for path, content, mode in files:
        try:
            written = write_file_result(path, content, check_mode=module.check_mode, mode=mode)
        except OSError as err:
            module.fail_json(msg="%s: cannot write: %s" % (path, err))
        file_changed = written["changed"]
        if params["owner"] and os.path.exists(path):
            file_changed = module.set_owner_if_different(path, params["owner"], file_changed)
        changed = changed or file_changed
        if written["changed"]:
            diffs.append(written["diff"])
    module.exit_json(changed=changed, path=params["path"], diff=diffs,
                     service_available=tempest_conf.service_available(cloud["services"]),
                     identity_versions=cloud["identity_versions"])


if __name__ == "__main__":
    main()
