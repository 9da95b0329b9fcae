# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What module_utils computes equals what controller-side code gives (these tests need
ansible's controller, so they run with the filter tests, not with the module_utils ones)."""

import inspect

from ansible.plugins.filter.core import get_hash, to_json

from ansible_collections.gatekit.devstack.plugins.filter import legacy_env
from ansible_collections.gatekit.devstack.plugins.module_utils.gate.container_pool import (
    pool_volumes,
    spec_hash,
    worker_spec,
)
from ansible_collections.gatekit.devstack.plugins.module_utils.image.distro import LABEL
from ansible_collections.gatekit.devstack.tests.unit.plugins.module_utils.gate.test_container_pool import PARAMS


def test_spec_hash_is_what_ansible_to_json_and_sha1_give():
    # The label the role computed in Jinja: spec | to_json(sort_keys=true) | hash('sha1') | truncate(12)
    spec = worker_spec(PARAMS, pool_volumes(PARAMS["ca_bundle"], PARAMS["ca_bundle_dest"], []))
    assert spec_hash(spec) == get_hash(to_json(spec, sort_keys=True), "sha1")[:12]


def test_the_label_default_of_the_legacy_jjb_filter_is_the_tables():
    assert inspect.signature(legacy_env.legacy_jjb_jobs).parameters["node"].default == LABEL
