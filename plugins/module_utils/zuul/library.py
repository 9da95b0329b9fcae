# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's own Zuul job library: the source of ``zuul.d/``.

``zuul.d/*.yaml`` at the repository root is rendered from :func:`job_library`
by ``render_zuul_config``; a test fails when the committed files differ from a
fresh render.  To regenerate after editing this file::

    GATEKIT_REGEN_ZUUL_D=1 pytest -q tests/functional/test_zuul_config_library.py

Jobs (all run the same playbooks the local gate runs, ``playbooks/zuul/``):

* ``gatekit-devstack-base`` (abstract): nodeset, timeouts, pre/post playbooks,
  the DevStack variables every child shares.  No ``parent``: the tenant's
  ``default-parent`` (usually ``base``) applies.
* ``gatekit-devstack``: deploys the cloud (``playbooks/zuul/run.yaml``), no tempest.
* ``gatekit-tempest``: the same plus tempest (``devstack_services.tempest: true``,
  DevStack's own switch for it).
* ``gatekit-tempest-multinode``: ``gatekit-tempest`` on ``gatekit-two-node``.
* ``gatekit-legacy-dsvm``: a legacy devstack-gate job kept as such (what
  ``zuul_migrate`` cannot translate natively): the devstack_gate role runs this
  collection's ``devstack-vm-gate-wrap.sh`` with the job's original environment
  (``devstack_gate_job_env``, ``devstack_gate_job_hooks``, ``devstack_gate_job_local_conf``).

Node names follow DevStack's (``controller``, ``compute1``); the groups are the
ones this collection's playbooks target: ``primary``, ``subnodes``, ``workers``.
"""

import copy

from ansible_collections.gatekit.devstack.plugins.module_utils.image.distro import LABEL

PLAYBOOKS = {
    "pre-run": "playbooks/zuul/pre.yaml",
    "run": "playbooks/zuul/run.yaml",
    "post-run": "playbooks/zuul/post.yaml",
    "legacy-run": "playbooks/zuul/legacy.yaml",
}

_NODESETS = [
    {
        "name": "gatekit-single-node",
        "nodes": [{"name": "controller", "label": LABEL}],
        "groups": [
            {"name": "primary", "nodes": ["controller"]},
            {"name": "subnodes", "nodes": []},
            {"name": "workers", "nodes": ["controller"]},
        ],
    },
    {
        "name": "gatekit-two-node",
        "nodes": [{"name": "controller", "label": LABEL}, {"name": "compute1", "label": LABEL}],
        "groups": [
            {"name": "primary", "nodes": ["controller"]},
            {"name": "subnodes", "nodes": ["compute1"]},
            {"name": "workers", "nodes": ["controller", "compute1"]},
        ],
    },
]

_JOBS = [
    {
        "name": "gatekit-devstack-base",
        "abstract": True,
        "description": (
            "Base of the gatekit DevStack jobs: one worker (gatekit-single-node), the\n"
            "gatekit.devstack pre/post playbooks (worker preparation, log collection) and\n"
            "the DevStack variables shared by every child. Not runnable on its own.\n"
        ),
        "nodeset": "gatekit-single-node",
        "timeout": 7200,
        "post-timeout": 1800,
        "irrelevant-files": [r"^.*\.rst$", r"^doc/.*$", r"^releasenotes/.*$"],
        "pre-run": PLAYBOOKS["pre-run"],
        "post-run": PLAYBOOKS["post-run"],
        "vars": {
            "devstack_method": "pip",
            "devstack_localrc": {},
            "devstack_local_conf": {},
            "devstack_plugins": {},
            "devstack_services": {"mysql": True, "keystone": True, "tempest": False},
        },
    },
    {
        "name": "gatekit-devstack",
        "parent": "gatekit-devstack-base",
        "description": "Deploy the cloud under test with DevStack (or the pip method); no tempest run.\n",
        "run": PLAYBOOKS["run"],
    },
    {
        "name": "gatekit-tempest",
        "parent": "gatekit-devstack",
        "description": (
            "Deploy with DevStack, then run tempest (and its plugins) against the\n"
            "deployment; subunit, HTML and JUnit results are kept even when tests fail.\n"
        ),
        "timeout": 10800,
        "vars": {
            "devstack_services": {"tempest": True},
            "tox_envlist": "all",
            "tempest_plugins": [],
        },
    },
    {
        "name": "gatekit-tempest-multinode",
        "parent": "gatekit-tempest",
        "description": (
            "gatekit-tempest on two workers: the controller runs the services and\n"
            "tempest, the subnode joins the deployment.\n"
        ),
        "nodeset": "gatekit-two-node",
        "group-vars": {
            "subnodes": {"devstack_services": {"mysql": False, "keystone": False, "tempest": False}},
        },
    },
    {
        "name": "gatekit-legacy-dsvm",
        "parent": "gatekit-devstack-base",
        "description": (
            "A legacy devstack-gate job: this collection's devstack-vm-gate-wrap.sh runs with\n"
            "the job's DEVSTACK_GATE_* environment, hooks and dg-local.conf (devstack_gate role).\n"
        ),
        "run": PLAYBOOKS["legacy-run"],
        "vars": {"devstack_gate_job_env": {}, "devstack_gate_job_hooks": {}, "devstack_gate_job_local_conf": ""},
    },
]


def job_library():
    """The library as ``render_zuul_config`` input (a fresh copy each call)."""
    return {"nodesets": copy.deepcopy(_NODESETS), "jobs": copy.deepcopy(_JOBS)}
