# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The zuul_legacy_vars filter plugin is a thin wrapper with Ansible errors."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.gatekit.devstack.plugins.filter.zuul_legacy_vars import FilterModule


def test_registered_and_works():
    func = FilterModule().filters()["zuul_legacy_vars"]
    out = func({"build": "u", "project": {"name": "a/b"}, "pipeline": "gate", "voting": False, "timeout": 5})
    assert out["ZUUL_SHORT_PROJECT_NAME"] == "b"
    assert out["BUILD_TIMEOUT"] == "5000"
    assert out["ZUUL_VOTING"] is False


def test_error_names_key():
    func = FilterModule().filters()["zuul_legacy_vars"]
    with pytest.raises(AnsibleFilterError, match="zuul.build: required"):
        func({"project": {"name": "a/b"}})
