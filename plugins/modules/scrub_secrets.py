#!/usr/bin/python
# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: scrub_secrets
short_description: Scrub secret values from a directory of collected logs, in place
version_added: "0.2.0"
description:
  - "Learns secret values from the O(sources) files and from every text file under O(path) - values of keys
    that look secret (password, secret, token, key, credential) in C(key = value), C(key: value) and
    C(KEY=value) lines, and passwords in connection URLs - and replaces every occurrence of them in every
    text file under O(path) with C(<redacted>)."
  - Binary files (a NUL byte in the first 4 KiB) are left alone. Missing sources are skipped.
  - Never returns a secret value; C(msg) says how many files changed.
author:
  - gatekit.devstack contributors (@gatekit)
extends_documentation_fragment:
  - gatekit.devstack.attributes
attributes:
  diff_mode:
    support: none
options:
  path:
    description: The directory to scrub.
    type: path
    required: true
  sources:
    description: Files to learn secret values from (they are not changed).
    type: list
    elements: path
    default: []
seealso:
  - module: gatekit.devstack.gate_report
"""

EXAMPLES = r"""
- name: Scrub secrets from the staged logs
  gatekit.devstack.scrub_secrets:
    path: /tmp/gatekit-logs.abc123
    sources: [/opt/stack/.gatekit-secrets, /etc/openstack/clouds.yaml]
"""

RETURN = r"""
msg:
  description: How many files changed, of how many text files, and how many secret values were known.
  returned: always
  type: str
  sample: scrubbed 2 file(s) of 40, 12 secret value(s) known
files:
  description: Text files under O(path).
  returned: always
  type: int
scrubbed:
  description: Files changed (or that would change, in check mode).
  returned: always
  type: int
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.gatekit.devstack.plugins.module_utils.common import atomic_write
from ansible_collections.gatekit.devstack.plugins.module_utils.gate.secrets_scrub import decode_text, scrub_texts, summary


def read_text(path):
    try:
        with open(path, "rb") as handle:
            return decode_text(handle.read())
    except OSError:
        return None


def main():
    module = AnsibleModule(
        argument_spec={"path": {"type": "path", "required": True}, "sources": {"type": "list", "elements": "path", "default": []}},
        supports_check_mode=True,
    )
    staging = module.params["path"]
    if not os.path.isdir(staging):
        module.fail_json(msg="path: %s is not a directory" % staging)
    sources = [text for text in (read_text(p) for p in module.params["sources"]) if text]
    texts = {}
    for root, _dirs, names in os.walk(staging):
        for name in names:
            path = os.path.join(root, name)
            text = read_text(path)
            if text is not None:
                texts[path] = text
    changed, known = scrub_texts(texts, sources)
    if not module.check_mode:
        for path, text in changed.items():
            atomic_write(path, text.encode("utf-8", "surrogateescape"))
    module.exit_json(changed=bool(changed), msg=summary(len(changed), len(texts), known), files=len(texts), scrubbed=len(changed))


if __name__ == "__main__":
    main()
