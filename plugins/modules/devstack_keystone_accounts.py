#!/usr/bin/python
# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: devstack_keystone_accounts
short_description: Ensure keystone's region, services, endpoints, projects, users, roles and assignments
version_added: "0.2.0"
description:
  - Talks to keystone at O(auth_url) as the system-scoped C(admin) user (what C(keystone-manage bootstrap)
    created) and converges, in this order, the O(region), the O(services) with their endpoints in that
    region (a changed URL is updated in place), the O(roles), the O(projects), the O(users) of the default
    domain (a user whose password no longer gets a token has it reset) and the role O(assignments).
  - Only creates and updates; nothing keystone has beyond the specification is removed.
  - Runs with a Python that has keystoneauth1 (the deployment's venv).
author:
  - gatekit.devstack contributors (@gatekit)
extends_documentation_fragment:
  - gatekit.devstack.attributes
attributes:
  diff_mode:
    support: none
requirements:
  - keystoneauth1
options:
  auth_url:
    description: Keystone's identity URL (C(http://host/identity)).
    type: str
    required: true
  admin_password:
    description: The C(admin) user's password.
    type: str
    required: true
  region:
    description: The region the endpoints belong to; created when missing.
    type: str
    default: RegionOne
  services:
    description: Services of the catalog.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: Service name.
        type: str
        required: true
      type:
        description: Service type (C(identity)).
        type: str
        required: true
      description:
        description: Service description, used when the service is created.
        type: str
        default: ""
      endpoints:
        description: Interface (C(public), C(internal), C(admin)) -> URL.
        type: dict
        required: true
  roles:
    description: Role names.
    type: list
    elements: str
    default: []
  projects:
    description: Project names (default domain).
    type: list
    elements: str
    default: []
  users:
    description: User names (default domain); each needs an entry in O(passwords).
    type: list
    elements: str
    default: []
  passwords:
    description: User name -> password.
    type: dict
    default: {}
  assignments:
    description: "Role assignments: C({user, role, project}) or C({user, role, system: all})."
    type: list
    elements: dict
    default: []
seealso:
  - module: gatekit.devstack.devstack_keystone_db
  - module: gatekit.devstack.devstack_keystone_check
"""

EXAMPLES = r"""
- name: Create DevStack's demo account
  gatekit.devstack.devstack_keystone_accounts:
    auth_url: http://10.0.0.5/identity
    admin_password: "{{ admin_password }}"
    projects: [demo]
    users: [demo]
    passwords: {demo: "{{ demo_password }}"}
    assignments:
      - {user: demo, role: member, project: demo}
  vars:
    ansible_python_interpreter: /opt/stack/venv/bin/python3
"""

RETURN = r"""
actions:
  description: What was created, updated or granted (or would be, in check mode); never a password.
  returned: always
  type: list
  elements: str
  sample: [created project demo, created user demo, granted member to demo on project demo]
"""

import traceback

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError
from ansible_collections.gatekit.devstack.plugins.module_utils.devstack.keystone import (
    KeystoneAuthApi,
    converge_accounts,
    keystoneauth_token_ok,
)

ARGUMENT_SPEC = {
    "auth_url": {"type": "str", "required": True},
    "admin_password": {"type": "str", "required": True, "no_log": True},
    "region": {"type": "str", "default": "RegionOne"},
    "services": {"type": "list", "elements": "dict", "default": [], "options": {
        "name": {"type": "str", "required": True},
        "type": {"type": "str", "required": True},
        "description": {"type": "str", "default": ""},
        "endpoints": {"type": "dict", "required": True},
    }},
    "roles": {"type": "list", "elements": "str", "default": []},
    "projects": {"type": "list", "elements": "str", "default": []},
    "users": {"type": "list", "elements": "str", "default": []},
    "passwords": {"type": "dict", "default": {}, "no_log": True},
    "assignments": {"type": "list", "elements": "dict", "default": []},
}


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    params = module.params
    try:
        api = KeystoneAuthApi(params["auth_url"], params["admin_password"])
    except ImportError:
        module.fail_json(msg=missing_required_lib("keystoneauth1"), exception=traceback.format_exc())
    try:
        result = converge_accounts(api, params, keystoneauth_token_ok(params["auth_url"]), check_mode=module.check_mode)
    except GatekitInputError as err:
        module.fail_json(msg=str(err), key=err.key)
    except Exception as err:  # pylint: disable=broad-except  # keystoneauth1's errors, without its import here
        module.fail_json(msg="keystone at %s: %s" % (params["auth_url"], err), exception=traceback.format_exc())
    module.exit_json(changed=result["changed"], actions=result["actions"])


if __name__ == "__main__":
    main()
