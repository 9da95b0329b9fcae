# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""container_pool: names, spec label, the reuse plan, and what each engine is asked to run."""

import json

import pytest

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError
from ansible_collections.gatekit.devstack.plugins.module_utils.gate.container_pool import (
    DockerEngine,
    EngineError,
    PodmanEngine,
    converge_pool,
    plan_pool,
    pool_names,
    pool_volumes,
    remove_pool,
    spec_hash,
    worker_spec,
)

PARAMS = {"engine": "podman", "name_prefix": "gate", "network": "gatekit", "size": 2,
          "image_ref": "localhost/gatekit-bookworm:abc", "image_tar": "/cache/image.tar", "fresh": False,
          "memory": "8g", "cpus": "", "pids_limit": 8192, "ulimits": {"nofile": "1024:4096", "nproc": "4096:4096"},
          "ca_bundle": "/etc/ssl/certs/ca-certificates.crt", "ca_bundle_dest": "/etc/gatekit/host-ca-bundle.crt",
          "volumes": []}


def current_spec(params=None):
    params = params or PARAMS
    return spec_hash(worker_spec(params, pool_volumes(params["ca_bundle"], params["ca_bundle_dest"], params["volumes"])))


def test_names_primary_first():
    assert pool_names("gate", 1) == ["gate-primary"]
    assert pool_names("gate", 3) == ["gate-primary", "gate-subnode-1", "gate-subnode-2"]


@pytest.mark.parametrize("prefix, size, key", [("gate", 0, "size"), ("-bad", 1, "name_prefix"), ("a b", 1, "name_prefix")])
def test_bad_names_name_the_key(prefix, size, key):
    with pytest.raises(GatekitInputError) as err:
        pool_names(prefix, size)
    assert str(err.value).startswith(key + ":")


def test_volumes_ca_first():
    assert pool_volumes("/ca.crt", "/etc/ca.crt", ["/a:/b"]) == ["/ca.crt:/etc/ca.crt:ro", "/a:/b"]
    assert pool_volumes("", "/etc/ca.crt", []) == []


def test_spec_hash_ignores_key_order_and_follows_the_spec():
    # That it equals the role's old Jinja (to_json(sort_keys=true) | hash('sha1')) needs
    # Ansible's controller filters: tests/unit/plugins/filter/test_controller_equalities.py.
    assert spec_hash({"a": 1, "b": 2}) == spec_hash({"b": 2, "a": 1})
    changed = dict(PARAMS, memory="4g")
    assert current_spec(changed) != current_spec()


def test_plan_keeps_only_running_current_wanted():
    spec = "s1"
    containers = [
        {"name": "gate-primary", "state": "running", "labels": {"gatekit.spec": "s1"}},
        {"name": "gate-subnode-1", "state": "exited", "labels": {"gatekit.spec": "s1"}},
        {"name": "gate-subnode-2", "state": "running", "labels": {"gatekit.spec": "s1"}},
        {"name": "gate-subnode-3", "state": "running", "labels": {"gatekit.spec": "old"}},
    ]
    names = ["gate-primary", "gate-subnode-1", "gate-subnode-3"]
    existing, candidates = plan_pool(containers, names, spec, fresh=False)
    assert existing == [c["name"] for c in containers]
    assert candidates == ["gate-primary"]
    assert plan_pool(containers, names, spec, fresh=True)[1] == []


class FakePodman:
    """Answers the podman CLI like a podman with the given image, network and containers."""

    def __init__(self, image=True, network=True, containers=(), broken=()):
        self.image, self.network = image, network
        self.containers = {c["Names"][0]: c for c in containers}
        self.broken = set(broken)
        self.calls = []

    def __call__(self, argv):  # noqa: PLR0911
        self.calls.append(argv)
        cmd = argv[1:3]
        if argv[0] == "timeout":
            return (1 if argv[4] in self.broken else 0), "", ""
        if cmd == ["image", "exists"]:
            return (0 if self.image else 1), "", ""
        if cmd == ["network", "exists"]:
            return (0 if self.network else 1), "", ""
        if cmd == ["network", "inspect"]:
            return 0, json.dumps([{"name": argv[3], "labels": {"gatekit.pool": "gate"}}]), ""
        if argv[1] == "ps":
            return 0, json.dumps(list(self.containers.values())), ""
        if cmd == ["container", "inspect"]:
            return 0, json.dumps([{"Name": n, "Id": "id-" + n + "-0123456789",
                                   "NetworkSettings": {"Networks": {"gatekit": {"IPAddress": "10.0.0.%d" % i}}}}
                                  for i, n in enumerate(argv[5:], 2)]), ""
        return 0, "", ""

    def ran(self, *prefix):
        return [c for c in self.calls if c[:len(prefix)] == list(prefix)]


def running(name, spec):
    return {"Names": [name], "State": "running", "Labels": {"gatekit.pool": "gate", "gatekit.spec": spec}}


def test_podman_cold_pool_imports_creates_and_returns_nodes():
    fake = FakePodman(image=False, network=False)
    result = converge_pool(PodmanEngine(fake), PARAMS)
    assert result["changed"] and result["imported"] and result["network_created"]
    assert fake.ran("podman", "import") == [["podman", "import", "/cache/image.tar", PARAMS["image_ref"]]]
    assert fake.ran("podman", "network", "create") == [[
        "podman", "network", "create", "--label", "gatekit.managed-by=gatekit.devstack.worker_pool",
        "--label", "gatekit.pool=gate", "gatekit"]]
    runs = fake.ran("podman", "run")
    assert [r[4] for r in runs] == ["gate-primary", "gate-subnode-1"]
    primary = runs[0]
    spec = current_spec()
    for flag in (["--init"], ["--hostname", "gate-primary"], ["--network", "gatekit"], ["--memory", "8g"],
                 ["--pids-limit", "8192"], ["--ulimit", "nofile=1024:4096"], ["--ulimit", "nproc=4096:4096"],
                 ["--volume", "/etc/ssl/certs/ca-certificates.crt:/etc/gatekit/host-ca-bundle.crt:ro"],
                 ["--label", "gatekit.node-role=primary"], ["--label", "gatekit.spec=" + spec]):
        assert any(primary[i:i + len(flag)] == flag for i in range(len(primary))), flag
    assert "--cpus" not in primary
    assert primary[-3:] == [PARAMS["image_ref"], "sleep", "infinity"]
    assert "gatekit.node-role=subnode" in runs[1]
    assert result["created"] == ["gate-primary", "gate-subnode-1"] and result["removed"] == []
    assert result["nodes"][0] == {"name": "gate-primary", "id": "id-gate-primary-0123456789", "ip": "10.0.0.2"}


def test_podman_warm_pool_changes_nothing():
    spec = current_spec()
    fake = FakePodman(containers=[running("gate-primary", spec), running("gate-subnode-1", spec)])
    result = converge_pool(PodmanEngine(fake), PARAMS)
    assert not result["changed"]
    assert result["created"] == [] and result["removed"] == []
    assert not fake.ran("podman", "run") and not fake.ran("podman", "rm")
    assert [n["name"] for n in result["nodes"]] == ["gate-primary", "gate-subnode-1"]


def test_podman_replaces_broken_stale_and_surplus():
    spec = current_spec()
    fake = FakePodman(containers=[running("gate-primary", spec), running("gate-subnode-1", "old"),
                                  running("gate-subnode-2", spec)], broken=["gate-primary"])
    result = converge_pool(PodmanEngine(fake), PARAMS)
    assert sorted(result["removed"]) == ["gate-primary", "gate-subnode-1", "gate-subnode-2"]
    assert result["created"] == ["gate-primary", "gate-subnode-1"]
    assert fake.ran("podman", "rm")[0] == ["podman", "rm", "--force", "--time", "0", "gate-primary"]


def test_check_mode_runs_nothing_that_changes():
    fake = FakePodman(image=False, network=False, containers=[running("gate-old", "x")])
    result = converge_pool(PodmanEngine(fake), dict(PARAMS, size=1), check_mode=True)
    assert result["changed"] and result["created"] == ["gate-primary"] and result["removed"] == ["gate-old"]
    assert result["nodes"] == []
    for verb in (("import",), ("network", "create"), ("run",), ("rm",)):
        assert not fake.ran("podman", *verb), verb


def test_missing_image_without_tar_names_the_key():
    with pytest.raises(GatekitInputError) as err:
        converge_pool(PodmanEngine(FakePodman(image=False)), dict(PARAMS, image_tar=None))
    assert str(err.value).startswith("image_tar:") and "podman's storage" in str(err.value)


def test_bad_ulimit_names_the_key():
    with pytest.raises(GatekitInputError) as err:
        converge_pool(PodmanEngine(FakePodman()), dict(PARAMS, ulimits={"nofile": "many"}))
    assert str(err.value).startswith("ulimits.nofile:")


def test_podman_failure_is_an_engine_error():
    def run(argv):
        return (125, "", "boom") if argv[1] == "run" else FakePodman()(argv)
    with pytest.raises(EngineError) as err:
        converge_pool(PodmanEngine(run), PARAMS)
    assert "boom" in str(err.value) and "rc=125" in str(err.value)


def test_podman_teardown_removes_only_its_own():
    fake = FakePodman(containers=[running("gate-primary", "s")])
    result = remove_pool(PodmanEngine(fake), "gate", "gatekit")
    assert result == {"changed": True, "removed": ["gate-primary"], "network_removed": True}
    assert fake.ran("podman", "network", "rm") == [["podman", "network", "rm", "gatekit"]]
    other = FakePodman()
    assert remove_pool(PodmanEngine(other), "mine", "gatekit") == {"changed": False, "removed": [], "network_removed": False}
    assert not other.ran("podman", "network", "rm")


class NotFound(Exception):
    pass


class FakeDockerClient:
    """The docker.APIClient methods DockerEngine uses, over an in-memory engine."""

    def __init__(self, images=(), networks=None, containers=None, exit_codes=None):
        self.images = set(images)
        self.networks = dict(networks or {})
        self.cont = dict(containers or {})
        self.exit_codes = dict(exit_codes or {})
        self.created = []
        self.removed = []

    def inspect_image(self, ref):
        if ref not in self.images:
            raise NotFound(ref)
        return {"Id": "sha256:" + ref}

    def import_image_from_file(self, tar, repository):
        self.images.add(repository)

    def inspect_network(self, name):
        if name not in self.networks:
            raise NotFound(name)
        return {"Name": name, "Labels": self.networks[name]}

    def create_network(self, name, labels):
        self.networks[name] = labels

    def remove_network(self, name):
        del self.networks[name]

    def containers(self, all, filters):  # pylint: disable=redefined-builtin
        assert all and filters == {"label": "gatekit.pool=gate"}
        return [{"Names": ["/" + n], "State": c["State"], "Labels": c["Labels"], "Id": "id-" + n}
                for n, c in self.cont.items()]

    def exec_create(self, name, cmd):
        return {"Id": name}

    def exec_start(self, exec_id):
        return b""

    def exec_inspect(self, exec_id):
        return {"ExitCode": self.exit_codes.get(exec_id["Id"], 0)}

    def remove_container(self, name, force):
        assert force
        self.removed.append(name)
        self.cont.pop(name, None)

    @staticmethod
    def create_host_config(**kw):
        return kw

    @staticmethod
    def create_endpoint_config(**kw):
        return kw

    @staticmethod
    def create_networking_config(config):
        return config

    def create_container(self, image, **kw):
        self.created.append(dict(kw, image=image))
        self.cont[kw["name"]] = {"State": "created", "Labels": kw["labels"]}
        return {"Id": "id-" + kw["name"]}

    def start(self, container_id):
        self.cont[container_id[3:]]["State"] = "running"

    def inspect_container(self, name):
        return {"Id": "id-" + name, "NetworkSettings": {"Networks": {"gatekit": {"IPAddress": "10.1.0.9"}}}}


def test_docker_cold_pool():
    client = FakeDockerClient()
    params = dict(PARAMS, engine="docker", cpus="1.5")
    result = converge_pool(DockerEngine(client, NotFound, "unix:///x.sock"), params)
    assert result["imported"] and PARAMS["image_ref"] in client.images
    assert client.networks["gatekit"] == {"gatekit.pool": "gate", "gatekit.managed-by": "gatekit.devstack.worker_pool"}
    first = client.created[0]
    assert first["name"] == first["hostname"] == "gate-primary" and first["command"] == ["sleep", "infinity"]
    host = first["host_config"]
    assert host["init"] is True and host["mem_limit"] == "8g" and host["nano_cpus"] == 1500000000
    assert host["pids_limit"] == 8192 and host["network_mode"] == "gatekit"
    assert {"Name": "nofile", "Soft": 1024, "Hard": 4096} in host["ulimits"]
    assert host["binds"] == ["/etc/ssl/certs/ca-certificates.crt:/etc/gatekit/host-ca-bundle.crt:ro"]
    assert first["networking_config"] == {"gatekit": {"aliases": ["gate-primary"]}}
    assert first["labels"]["gatekit.spec"] == current_spec(params)
    assert result["nodes"] == [{"name": "gate-primary", "id": "id-gate-primary", "ip": "10.1.0.9"},
                               {"name": "gate-subnode-1", "id": "id-gate-subnode-1", "ip": "10.1.0.9"}]
    again = converge_pool(DockerEngine(client, NotFound), params)
    assert not again["changed"]


def test_docker_unresponsive_worker_is_replaced_and_teardown():
    params = dict(PARAMS, engine="docker", size=1)
    spec = current_spec(params)
    client = FakeDockerClient(images=[PARAMS["image_ref"]], networks={"gatekit": {"gatekit.pool": "gate"}},
                              containers={"gate-primary": {"State": "running", "Labels": {"gatekit.spec": spec}}},
                              exit_codes={"gate-primary": 137})
    result = converge_pool(DockerEngine(client, NotFound), params)
    assert result["removed"] == ["gate-primary"] and result["created"] == ["gate-primary"]
    gone = remove_pool(DockerEngine(client, NotFound), "gate", "gatekit")
    assert gone == {"changed": True, "removed": ["gate-primary"], "network_removed": True}
    assert "gatekit" not in client.networks
