#!/usr/bin/env python3
"""Concurrent keystone clients with keep-alive: none may be dropped.

Run inside the worker with the deployment venv's python:
  keystone_load.py CLOUDS_YAML CLOUD CLIENTS REQUESTS_PER_CLIENT
Each client is a thread with its own keep-alive HTTP session (like tempest's clients);
it issues tokens (POST /v3/auth/tokens) and validates them (GET /v3/auth/tokens) over
the same connection. Prints one JSON line with counts and latencies.
"""

import json
import statistics
import sys
import threading
import time

import requests
import yaml


def main():
    clouds_yaml, cloud, clients, per_client = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    with open(clouds_yaml) as f:
        auth = yaml.safe_load(f)["clouds"][cloud]["auth"]
    body = {"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": auth["username"], "password": auth["password"], "domain": {"id": auth["user_domain_id"]}}}},
        "scope": {"project": {"name": auth["project_name"], "domain": {"id": auth["project_domain_id"]}}}}}
    url = auth["auth_url"].rstrip("/") + "/v3/auth/tokens"
    lock = threading.Lock()
    ok, errors, latencies = [0], [], []
    barrier = threading.Barrier(clients)

    def client():
        sess = requests.Session()
        barrier.wait()
        for _ in range(per_client):
            try:
                t0 = time.monotonic()
                r = sess.post(url, json=body, timeout=120)
                r.raise_for_status()
                token = r.headers["X-Subject-Token"]
                v = sess.get(url, headers={"X-Auth-Token": token, "X-Subject-Token": token}, timeout=120)
                v.raise_for_status()
                with lock:
                    ok[0] += 1
                    latencies.append(time.monotonic() - t0)
            except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
                with lock:
                    errors.append("%s: %s" % (type(exc).__name__, exc))
        sess.close()

    t0 = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - t0
    lat = sorted(latencies) or [0]
    print(json.dumps({
        "clients": clients, "requests": clients * per_client, "ok": ok[0], "failed": len(errors),
        "errors": errors[:5], "wall_s": round(wall, 2),
        "p50_s": round(statistics.median(lat), 3), "p95_s": round(lat[int(len(lat) * 0.95) - 1], 3),
        "max_s": round(lat[-1], 3),
    }))
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
