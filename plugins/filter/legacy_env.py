# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters over the collection's one legacy mapping (docs in the .yml sidecars).

* ``gatekit.devstack.legacy_env``: a Zuul-shaped job -> its devstack-gate
  environment (``legacy_mapping.native_job_to_legacy_env``).
* ``gatekit.devstack.legacy_jjb_jobs``: Zuul-shaped jobs -> the ``jobs`` entries
  of ``gatekit.devstack.jjb_jobs`` (``jjb.jobs_from_specs``, which calls the same mapping).

Nothing is translated here; both are thin wrappers that turn input errors into
filter errors naming the key.
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError
from ansible_collections.gatekit.devstack.plugins.module_utils.legacy.jjb import jobs_from_specs
from ansible_collections.gatekit.devstack.plugins.module_utils.legacy.mapping import native_job_to_legacy_env


def _plain(value):
    """Ansible's lazy containers and tagged scalars -> plain dicts, lists and scalars."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    for kind in (bool, int, float, str):  # bool first: it is an int
        if isinstance(value, kind):
            return kind(value)
    return value


def legacy_env(job, branch="master"):
    """``{env, dg_local_conf, notes}`` for a Zuul-shaped job dict."""
    try:
        result = native_job_to_legacy_env(_plain(job), branch=branch)
    except GatekitInputError as err:
        raise AnsibleFilterError("legacy_env: %s" % err) from err
    return {"env": dict(result["env"]), "dg_local_conf": result["dg_local_conf"], "notes": list(result["notes"])}


def legacy_jjb_jobs(jobs, node="gatekit-bookworm", multinode_suffix="-2-node"):
    """``{jobs, notes}``: devstack-gate JJB job entries for Zuul-shaped job dicts."""
    if isinstance(jobs, dict):
        jobs = [jobs]
    try:
        entries, notes = jobs_from_specs(_plain(jobs), node=node, multinode_suffix=multinode_suffix)
    except GatekitInputError as err:
        raise AnsibleFilterError("legacy_jjb_jobs: %s" % err) from err
    return {"jobs": entries, "notes": notes}


class FilterModule:
    """Ansible filter plugin entry point."""

    def filters(self):
        return {"legacy_env": legacy_env, "legacy_jjb_jobs": legacy_jjb_jobs}
