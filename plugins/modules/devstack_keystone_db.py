#!/usr/bin/python
# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: devstack_keystone_db
short_description: Ensure a MariaDB database and a user that can log in to it
version_added: "0.2.0"
description:
  - Does nothing when O(user) already logs in to O(name) with O(password) over TCP at O(host).
  - Otherwise, as MariaDB's C(root) over the unix O(socket), creates the database (C(utf8mb4)) when it is
    missing, creates or alters C(user@localhost) and C(user@%) with O(password), grants them all privileges
    on the database, and checks the login again.
  - Runs with a Python that has PyMySQL (the deployment's venv).
author:
  - gatekit.devstack contributors (@gatekit)
extends_documentation_fragment:
  - gatekit.devstack.attributes
attributes:
  diff_mode:
    support: none
requirements:
  - PyMySQL
options:
  name:
    description: The database.
    type: str
    required: true
  user:
    description: The user that owns it.
    type: str
    required: true
  password:
    description: The user's password.
    type: str
    required: true
  host:
    description: Where the login check connects (TCP).
    type: str
    default: 127.0.0.1
  socket:
    description: MariaDB's unix socket, where C(root) connects without a password.
    type: path
    default: /run/mysqld/mysqld.sock
seealso:
  - module: gatekit.devstack.devstack_keystone_accounts
"""

EXAMPLES = r"""
- name: Create the keystone database and user
  gatekit.devstack.devstack_keystone_db:
    name: keystone
    user: keystone
    password: "{{ keystone_db_password }}"
  vars:
    ansible_python_interpreter: /opt/stack/venv/bin/python3
"""

RETURN = r"""
actions:
  description: What was done (or would be done in check mode); never a password.
  returned: always
  type: list
  elements: str
  sample: [created database keystone, create user keystone@localhost, create user keystone@%]
created:
  description: Whether the database was created by this run (it is then empty).
  returned: always
  type: bool
"""

import traceback

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError
from ansible_collections.gatekit.devstack.plugins.module_utils.devstack.keystone import PyMySQLDatabase, ensure_database

ARGUMENT_SPEC = {
    "name": {"type": "str", "required": True},
    "user": {"type": "str", "required": True},
    "password": {"type": "str", "required": True, "no_log": True},
    "host": {"type": "str", "default": "127.0.0.1"},
    "socket": {"type": "path", "default": "/run/mysqld/mysqld.sock"},
}


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    params = module.params
    try:
        db = PyMySQLDatabase(params["host"], params["socket"])
    except ImportError:
        module.fail_json(msg=missing_required_lib("PyMySQL"), exception=traceback.format_exc())
    try:
        result = ensure_database(db, params["name"], params["user"], params["password"], check_mode=module.check_mode)
    except GatekitInputError as err:
        module.fail_json(msg=str(err), key=err.key)
    except db.pymysql.err.MySQLError as err:
        module.fail_json(msg="MariaDB: %s" % (err,))
    module.exit_json(changed=result["changed"], actions=result["actions"],
                     created="created database %s" % params["name"] in result["actions"])


if __name__ == "__main__":
    main()
