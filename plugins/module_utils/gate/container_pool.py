# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The embedded worker pool on a container engine (module ``container_pool``).

One path for both engines: the pure planning below decides what to import, create,
keep and remove; an engine object (``PodmanEngine`` over the podman CLI, ``DockerEngine``
over the Docker API) does the few calls that differ. Both take their I/O injected (a
command runner, a docker API client), so the unit tests run them against fakes.

* ``pool_names(prefix, size)`` -- ``[<prefix>-primary, <prefix>-subnode-1, ...]``.
* ``pool_volumes(ca_bundle, ca_bundle_dest, volumes)`` -- the bind mounts of a worker.
* ``spec_hash(spec)`` -- the ``gatekit.spec`` label: 12 hex digits over everything that
  changes how a worker is created.
* ``plan_pool(containers, names, spec, fresh)`` -- which containers to probe
  (healthy candidates for reuse) from a listing ``[{name, state, labels}]``.
* ``converge_pool(engine, params, check_mode)`` / ``remove_pool(engine, prefix, network,
  check_mode)`` -- the whole present / absent step; return plain results.
"""

import hashlib
import json
import re

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError

MANAGED_BY = "gatekit.devstack.worker_pool"
# Bumped when the way a worker is created changes, so older workers are replaced.
SPEC_FORMAT = 1
PREFIX_RE = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")
PROBE_TIMEOUT = 30


def pool_names(prefix, size):
    """Container names, primary first."""
    if not PREFIX_RE.match(prefix or ""):
        raise GatekitInputError("name_prefix", "%r is not a valid container name prefix (letters, digits, '_', '.', '-'; "
                                "starting with a letter or digit)" % (prefix,))
    if size < 1:
        raise GatekitInputError("size", "must be at least 1 (got %r)" % (size,))
    return [prefix + "-primary"] + ["%s-subnode-%d" % (prefix, index) for index in range(1, size)]


def pool_volumes(ca_bundle, ca_bundle_dest, volumes):
    """The host CA bundle (read-only, when set) and then the extra mounts."""
    return (["%s:%s:ro" % (ca_bundle, ca_bundle_dest)] if ca_bundle else []) + list(volumes or [])


def spec_hash(spec):
    """Stable short hash of a dict (keys sorted, JSON as Ansible's to_json writes it)."""
    return hashlib.sha1(json.dumps(spec, sort_keys=True).encode("utf-8")).hexdigest()[:12]


def worker_spec(params, volumes):
    """What the ``gatekit.spec`` label covers: a worker whose label differs is replaced."""
    return {"image": params["image_ref"], "network": params["network"], "memory": params["memory"],
            "cpus": params["cpus"], "pids": params["pids_limit"], "ulimits": params["ulimits"],
            "volumes": volumes, "engine": params["engine"], "format": SPEC_FORMAT}


def worker_labels(prefix, spec, primary):
    return {"gatekit.pool": prefix, "gatekit.spec": spec,
            "gatekit.node-role": "primary" if primary else "subnode", "gatekit.managed-by": MANAGED_BY}


def plan_pool(containers, names, spec, fresh):
    """``(existing, candidates)``: every container of the pool, and those worth probing.

    A candidate runs, is one of ``names`` and carries the current spec label; with
    ``fresh`` there is none (every worker is replaced).
    """
    existing = [c["name"] for c in containers]
    candidates = [] if fresh else [
        c["name"] for c in containers
        if c["state"] == "running" and c["name"] in names and (c.get("labels") or {}).get("gatekit.spec") == spec]
    return existing, candidates


def _ulimit_pairs(ulimits):
    """``{nofile: "1024:4096"}`` -> ``[("nofile", 1024, 4096)]`` (soft:hard, or one value for both)."""
    out = []
    for name, value in sorted((ulimits or {}).items()):
        soft, _sep, hard = str(value).partition(":")
        try:
            out.append((name, int(soft), int(hard or soft)))
        except ValueError:
            raise GatekitInputError("ulimits.%s" % name, "must be SOFT:HARD integers, got %r" % (value,)) from None
    return out


def converge_pool(engine, params, check_mode=False):
    """Make the pool match ``params``; returns ``{changed, names, nodes, created, removed, imported}``.

    ``nodes`` is ``[{name, id, ip}]`` in ``names`` order (in check mode, only the workers
    that already exist and are kept).
    """
    names = pool_names(params["name_prefix"], params["size"])
    volumes = pool_volumes(params["ca_bundle"], params["ca_bundle_dest"], params["volumes"])
    spec = spec_hash(worker_spec(params, volumes))
    ulimits = _ulimit_pairs(params["ulimits"])
    ref, prefix, network = params["image_ref"], params["name_prefix"], params["network"]
    result = {"names": names, "spec": spec, "imported": False, "network_created": False}

    if not engine.image_exists(ref):
        if not params.get("image_tar"):
            raise GatekitInputError("image_tar", "%s is not in %s and no tar was given to import it from (run the "
                                    "build_image role, or set the image's tar)" % (ref, engine.where))
        if not check_mode:
            engine.import_image(params["image_tar"], ref)
        result["imported"] = True
    if not engine.network_exists(network):
        if not check_mode:
            engine.create_network(network, {"gatekit.pool": prefix, "gatekit.managed-by": MANAGED_BY})
        result["network_created"] = True

    existing, candidates = plan_pool(engine.list_pool(prefix), names, spec, params["fresh"])
    keep = [name for name in candidates if engine.responds(name)]
    removed = [name for name in existing if name not in keep]
    created = [name for name in names if name not in keep]
    if not check_mode:
        for name in removed:
            engine.remove(name)
        for name in created:
            engine.create(name, {"image": ref, "network": network, "labels": worker_labels(prefix, spec, name == names[0]),
                                 "volumes": volumes, "memory": params["memory"], "cpus": params["cpus"],
                                 "pids_limit": params["pids_limit"], "ulimits": ulimits})
    shown = names if not check_mode else keep
    result.update(removed=removed, created=created, nodes=engine.inspect(shown, network) if shown else [],
                  changed=bool(result["imported"] or result["network_created"] or removed or created))
    return result


def remove_pool(engine, prefix, network, check_mode=False):
    """Remove the containers labelled ``gatekit.pool=<prefix>`` and the network when it carries that label."""
    removed = [c["name"] for c in engine.list_pool(prefix)]
    network_removed = engine.network_exists(network) and engine.network_labels(network).get("gatekit.pool") == prefix
    if not check_mode:
        for name in removed:
            engine.remove(name)
        if network_removed:
            engine.remove_network(network)
    return {"changed": bool(removed or network_removed), "removed": removed, "network_removed": network_removed}


class EngineError(Exception):
    """An engine call failed; the message says which."""


class PodmanEngine:
    """Rootful podman through its CLI. ``run(argv) -> (rc, stdout, stderr)``."""

    where = "podman's storage"

    def __init__(self, run):
        self._run = run

    def _ok(self, argv):
        rc, out, err = self._run(argv)
        if rc != 0:
            raise EngineError("%s (rc=%d): %s" % (" ".join(argv), rc, (err or out).strip()))
        return out

    def _exists(self, argv):
        rc, out, err = self._run(argv)
        if rc not in (0, 1):
            raise EngineError("%s (rc=%d): %s" % (" ".join(argv), rc, (err or out).strip()))
        return rc == 0

    def image_exists(self, ref):
        return self._exists(["podman", "image", "exists", ref])

    def import_image(self, tar, ref):
        self._ok(["podman", "import", tar, ref])

    def network_exists(self, name):
        return self._exists(["podman", "network", "exists", name])

    def create_network(self, name, labels):
        argv = ["podman", "network", "create"]
        for key, value in sorted(labels.items()):
            argv += ["--label", "%s=%s" % (key, value)]
        self._ok(argv + [name])

    def network_labels(self, name):
        data = json.loads(self._ok(["podman", "network", "inspect", name]) or "[]")
        return (data[0].get("labels") or data[0].get("Labels") or {}) if data else {}

    def remove_network(self, name):
        self._ok(["podman", "network", "rm", name])

    def list_pool(self, prefix):
        data = json.loads(self._ok(["podman", "ps", "--all", "--filter", "label=gatekit.pool=%s" % prefix,
                                    "--format", "json"]) or "[]")
        return [{"name": c["Names"][0], "state": c.get("State"), "labels": c.get("Labels") or {}} for c in data]

    def responds(self, name):
        rc, _out, _err = self._run(["timeout", str(PROBE_TIMEOUT), "podman", "exec", name, "/bin/true"])
        return rc == 0

    def remove(self, name):
        self._ok(["podman", "rm", "--force", "--time", "0", name])

    def create(self, name, how):
        """``how``: {image, network, labels, volumes, memory, cpus, pids_limit, ulimits}."""
        argv = ["podman", "run", "--detach", "--name", name, "--init", "--hostname", name, "--network", how["network"]]
        for key, value in sorted(how["labels"].items()):
            argv += ["--label", "%s=%s" % (key, value)]
        for volume in how["volumes"]:
            argv += ["--volume", volume]
        if how["memory"]:
            argv += ["--memory", str(how["memory"])]
        if how["cpus"]:
            argv += ["--cpus", str(how["cpus"])]
        if how["pids_limit"] and int(how["pids_limit"]) > 0:
            argv += ["--pids-limit", str(how["pids_limit"])]
        for ulimit, soft, hard in how["ulimits"]:
            argv += ["--ulimit", "%s=%d:%d" % (ulimit, soft, hard)]
        self._ok(argv + [how["image"], "sleep", "infinity"])

    def inspect(self, names, network):
        data = json.loads(self._ok(["podman", "container", "inspect", "--format", "json"] + list(names)))
        return [{"name": c["Name"].lstrip("/"), "id": c["Id"], "ip": c["NetworkSettings"]["Networks"][network]["IPAddress"]}
                for c in data]


class DockerEngine:
    """Any Docker API (a Docker engine, or podman's ``podman system service``).

    ``client`` is a ``docker.APIClient`` (or anything with the same methods);
    ``not_found`` the exception class it raises for a missing object.
    """

    def __init__(self, client, not_found, host=""):
        self._client = client
        self._not_found = not_found
        self.where = "the Docker engine at %s" % host if host else "the Docker engine"

    def image_exists(self, ref):
        try:
            self._client.inspect_image(ref)
        except self._not_found:
            return False
        return True

    def import_image(self, tar, ref):
        # The reference goes in `repository` with its tag: podman's Docker-compatible API
        # ignores a separate `tag` on import (it would tag :latest).
        self._client.import_image_from_file(tar, repository=ref)
        if not self.image_exists(ref):
            raise EngineError("import of %s did not produce %s" % (tar, ref))

    def _network(self, name):
        try:
            return self._client.inspect_network(name)
        except self._not_found:
            return None

    def network_exists(self, name):
        return self._network(name) is not None

    def create_network(self, name, labels):
        self._client.create_network(name, labels=labels)

    def network_labels(self, name):
        return (self._network(name) or {}).get("Labels") or {}

    def remove_network(self, name):
        self._client.remove_network(name)

    def list_pool(self, prefix):
        data = self._client.containers(all=True, filters={"label": "gatekit.pool=%s" % prefix})
        return [{"name": c["Names"][0].lstrip("/"), "state": c.get("State"), "labels": c.get("Labels") or {}}
                for c in data]

    def responds(self, name):
        try:
            exec_id = self._client.exec_create(name, ["/bin/true"])
            self._client.exec_start(exec_id)
            return self._client.exec_inspect(exec_id).get("ExitCode") == 0
        except Exception:  # pylint: disable=broad-except
            # Whatever the API says about a container that cannot run a command, it is not kept.
            return False

    def remove(self, name):
        self._client.remove_container(name, force=True)

    def create(self, name, how):
        """``how``: as for PodmanEngine.create."""
        client = self._client
        network, cpus, pids = how["network"], how["cpus"], how["pids_limit"]
        host_config = client.create_host_config(
            init=True, binds=list(how["volumes"]), network_mode=network, mem_limit=how["memory"] or None,
            nano_cpus=int(float(cpus) * 1e9) if cpus else None,
            pids_limit=int(pids) if pids and int(pids) > 0 else None,
            ulimits=[{"Name": u, "Soft": soft, "Hard": hard} for u, soft, hard in how["ulimits"]])
        networking = client.create_networking_config({network: client.create_endpoint_config(aliases=[name])})
        container = client.create_container(how["image"], command=["sleep", "infinity"], name=name, hostname=name,
                                            labels=how["labels"], host_config=host_config, networking_config=networking)
        client.start(container["Id"])

    def inspect(self, names, network):
        nodes = []
        for name in names:
            data = self._client.inspect_container(name)
            nodes.append({"name": name, "id": data["Id"],
                          "ip": data["NetworkSettings"]["Networks"][network]["IPAddress"]})
        return nodes
