#!/usr/bin/python
# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: devstack_keystone_check
short_description: Get a token for clouds and read their catalogs
version_added: "0.2.0"
description:
  - For each cloud (the clouds named O(names) in O(clouds_yaml), plus the O(clouds) given inline) asks
    keystone for a token and reads the service types of its catalog.
  - With O(require) (the default) a refused token, or a catalog without C(identity), fails the task naming
    the cloud; without it the module only reports which clouds got a token (a probe).
  - Reads only; never changes anything.
  - Runs with a Python that has keystoneauth1 and PyYAML (the deployment's venv).
author:
  - gatekit.devstack contributors (@gatekit)
extends_documentation_fragment:
  - gatekit.devstack.attributes
attributes:
  diff_mode:
    support: none
requirements:
  - keystoneauth1
  - PyYAML
options:
  clouds_yaml:
    description: A clouds.yaml file.
    type: path
  names:
    description: The clouds of O(clouds_yaml) to check.
    type: list
    elements: str
    default: []
  clouds:
    description: More clouds, name -> C({auth} (a clouds.yaml auth block)).
    type: dict
    default: {}
  require:
    description: Fail unless every cloud gets a token and its catalog holds C(identity).
    type: bool
    default: true
seealso:
  - module: gatekit.devstack.devstack_keystone_accounts
"""

EXAMPLES = r"""
- name: Get a token for every DevStack cloud and check the catalog
  gatekit.devstack.devstack_keystone_check:
    clouds_yaml: /etc/openstack/clouds.yaml
    names: [devstack, devstack-admin]
  vars:
    ansible_python_interpreter: /opt/stack/venv/bin/python3
"""

RETURN = r"""
tokens:
  description: Cloud name -> whether keystone gave it a token.
  returned: always
  type: dict
  sample: {devstack: true}
catalog:
  description: Cloud name -> the service types of its catalog (clouds that got a token).
  returned: always
  type: dict
  sample: {devstack: [identity]}
"""

import traceback

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError
from ansible_collections.gatekit.devstack.plugins.module_utils.devstack.keystone import check_clouds, keystoneauth_catalog

ARGUMENT_SPEC = {
    "clouds_yaml": {"type": "path"},
    "names": {"type": "list", "elements": "str", "default": []},
    "clouds": {"type": "dict", "default": {}, "no_log": True},
    "require": {"type": "bool", "default": True},
}
# keystoneauth1's catalog reader; the tests put a fake in its place.
CATALOG_OF = keystoneauth_catalog


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    params = module.params
    clouds = {}
    if params["names"] and not params["clouds_yaml"]:
        module.fail_json(msg="names: needs clouds_yaml, the file that holds them", key="names")
    if params["names"]:
        try:
            import yaml  # noqa: PLC0415  # only the venv running the module has it
        except ImportError:
            module.fail_json(msg=missing_required_lib("PyYAML"), exception=traceback.format_exc())
        try:
            with open(params["clouds_yaml"], encoding="utf-8") as handle:
                known = (yaml.safe_load(handle) or {}).get("clouds") or {}
        except OSError as err:
            module.fail_json(msg="clouds_yaml: cannot read %s: %s" % (params["clouds_yaml"], err))
        missing = [name for name in params["names"] if name not in known]
        if missing:
            module.fail_json(msg="names: %s not in %s" % (", ".join(missing), params["clouds_yaml"]), key="names")
        clouds.update((name, known[name]) for name in params["names"])
    clouds.update(params["clouds"])
    try:
        result = check_clouds(clouds, CATALOG_OF, require=params["require"])
    except ImportError:
        module.fail_json(msg=missing_required_lib("keystoneauth1"), exception=traceback.format_exc())
    except GatekitInputError as err:
        module.fail_json(msg=str(err), key=err.key)
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
