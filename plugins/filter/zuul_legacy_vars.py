# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter gatekit.devstack.zuul_legacy_vars: Zuul's legacy job environment (docs in the .yml sidecar)."""

from ansible.errors import AnsibleFilterError

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError
from ansible_collections.gatekit.devstack.plugins.module_utils.legacy.gate_env import zuul_legacy_vars as _legacy_vars


def zuul_legacy_vars(zuul):
    """The same dict as Zuul's ``zuul_legacy_vars`` filter for the same ``zuul`` dict."""
    try:
        return _legacy_vars(zuul)
    except GatekitInputError as err:
        raise AnsibleFilterError("zuul_legacy_vars: %s" % err) from err


class FilterModule:
    """Ansible filter plugin entry point."""

    def filters(self):
        return {"zuul_legacy_vars": zuul_legacy_vars}
