#!/usr/bin/env python3
# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark the devstack role's pip method on a podman worker; print markdown tables.

Cold deploy, idempotent re-run, then concurrent keep-alive keystone clients (the
molecule scenario's load script) at several concurrencies. Nothing is asserted.
Image: GATEKIT_DEVSTACK_IMAGE, else localhost/gatekit-devbase:bookworm, else the newest
localhost/gatekit-worker image.
"""

import json
import os
import pathlib
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "functional"))

from devstack_fixtures import Worker, podman  # noqa: E402

LOAD = os.path.join(ROOT, "molecule", "devstack", "tests", "keystone_load.py")


def main():
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="gkds-bench-"))
    worker = Worker(tmp)
    worker.name, old = "gkds-bench-%d" % os.getpid(), worker.name
    podman("rename", old, worker.name)
    worker.inventory.write_text(json.dumps({"all": {"hosts": {worker.name: {
        "ansible_connection": "containers.podman.podman", "ansible_python_interpreter": "/usr/bin/python3"}}}}))
    try:
        image = podman("inspect", "-f", "{{.ImageName}}", worker.name).stdout.strip()
        rows = []
        for label in ("cold deploy", "idempotent re-run"):
            t0 = time.monotonic()
            rc, data, out = worker.play({})
            took = time.monotonic() - t0
            if rc != 0:
                print(out[-3000:], file=sys.stderr)
                return 1
            stats = data["stats"][worker.name]
            rows.append((label, took, stats["changed"], stats["ok"]))
        load = os.getloadavg()[0]
        print("Image `%s`, host load %.1f\n" % (image, load))
        print("| run | wall (s) | changed | ok tasks |")
        print("|---|---:|---:|---:|")
        for label, took, changed, ok in rows:
            print("| %s | %.0f | %d | %d |" % (label, took, changed, ok))
        podman("cp", LOAD, "%s:/tmp/keystone_load.py" % worker.name)
        print("\nConcurrent keep-alive clients (token issue + validate per request; uwsgi http11-socket)\n")
        print("| clients | requests | ok | failed | wall (s) | p50 (s) | p95 (s) | max (s) |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|")
        for clients in (4, 16, 50):
            res = worker.sh("/opt/stack/venv/bin/python3 /tmp/keystone_load.py /etc/openstack/clouds.yaml "
                            "devstack %d 4" % clients, check=False)
            r = json.loads(res.stdout)
            print("| %d | %d | %d | %d | %.1f | %.2f | %.2f | %.2f |" % (
                clients, r["requests"], r["ok"], r["failed"], r["wall_s"], r["p50_s"], r["p95_s"], r["max_s"]))
    finally:
        worker.remove()
    return 0


if __name__ == "__main__":
    sys.exit(main())
