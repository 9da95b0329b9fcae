# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Load zuul.d files with zuul's own parsers (zuul 14.3, offline) and print JSON.

Run with the zuul venv: ``.venv-zuul/bin/python tests/functional/zuul_validate.py PATH...``
(files or directories; directories contribute their ``*.yaml`` files, sorted).
With ``--dump`` each file result also carries ``data``: what zuul loaded, as
plain JSON (tags as one-key ``{'!inherit': ...}`` mappings) for round-trip checks.

For every file: ``zuul.configloader.safe_load_yaml`` (ZuulSafeLoader: duplicate
keys, ``!inherit``/``!override``/``!encrypted/pkcs1-oaep`` tags), then each item
is dispatched by stanza to zuul's parser built on a real ``ParseContext``:
job, nodeset, secret, project, project-template, semaphore and queue go
through ``fromYaml`` (schema + the parser's own checks); a pipeline goes through
``PipelineParser.schema`` with offline Gerrit, timer and zuul driver connections
(its ``fromYaml`` needs live connections).  Cross-references are not checked:
zuul only resolves them when it builds a tenant layout (ZooKeeper + merger).

Output: ``{"ok": bool, "files": [{"path", "ok", "error", "objects": [{"type",
"name", "ok", "error"}]}], "counts": {stanza: n}}``; exit code 0 when all ok, 1 otherwise.
"""

import base64
import json
import logging
import os
import sys
import types

from zuul import configloader, model
from zuul.driver.gerrit import GerritDriver
from zuul.driver.timer import TimerDriver
from zuul.driver.zuul import ZuulDriver
from zuul.lib import yamlutil
from zuul.lib.ansible import AnsibleManager

logging.disable(logging.CRITICAL)


def make_context():
    connections = types.SimpleNamespace(connections={
        "gerrit": types.SimpleNamespace(driver=GerritDriver()),
        "timer": types.SimpleNamespace(driver=TimerDriver()),
        "zuul": types.SimpleNamespace(driver=ZuulDriver()),
    })
    return configloader.ParseContext(connections, None, None, AnsibleManager())


PARSERS = {
    "job": lambda pc: pc.job_parser.fromYaml,
    "nodeset": lambda pc: pc.nodeset_parser.fromYaml,
    "secret": lambda pc: pc.secret_parser.fromYaml,
    "project": lambda pc: pc.project_parser.fromYaml,
    "project-template": lambda pc: pc.project_template_parser.fromYaml,
    "semaphore": lambda pc: pc.semaphore_parser.fromYaml,
    "queue": lambda pc: pc.queue_parser.fromYaml,
    # PipelineParser.fromYaml needs live connections (getReporter/getTrigger)
    "pipeline": lambda pc: pc.pipeline_parser.schema,
}


def parse_item(pcontext, stanza, conf):
    if stanza not in PARSERS:
        raise ValueError("unsupported stanza %r" % stanza)
    return PARSERS[stanza](pcontext)(conf)


def to_plain(value):
    """zuul's loaded YAML as plain JSON data; tags as one-key ``{'!tag': value}`` mappings."""
    if isinstance(value, yamlutil.OverrideValue):
        value = {"!override" if value.override else "!inherit": value.value}
    elif isinstance(value, yamlutil.EncryptedPKCS1_OAEP):
        text = value.ciphertext
        chunks = [base64.b64encode(c).decode() for c in text] if isinstance(text, list) else \
            base64.b64encode(text).decode()
        value = {"!encrypted/pkcs1-oaep": chunks}
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items() if k not in ("_source_context", "_start_mark")}
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    return str(value) if isinstance(value, str) else value


def error_text(err):
    return "%s: %s" % (type(err).__name__, err)


def validate_file(pcontext, path, counts, dump=False):
    result = {"path": path, "ok": True, "error": None, "objects": []}
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    source = model.SourceContext("example.org/gatekit/devstack", "gatekit/devstack", "gerrit", "master",
                                 os.path.relpath(path))
    try:
        data = configloader.safe_load_yaml(text, source)
    except Exception as err:  # noqa: BLE001 - report zuul's own error verbatim
        result.update(ok=False, error=error_text(err))
        return result
    if data is None:
        return result
    if not isinstance(data, list):
        result.update(ok=False, error="top level is %s, not a list" % type(data).__name__)
        return result
    if dump:
        result["data"] = to_plain(data)
    for item in data:
        if not isinstance(item, dict) or len(item) != 1:
            result["objects"].append({"type": None, "name": None, "ok": False, "error": "not a one-key mapping"})
            result["ok"] = False
            continue
        stanza, conf = next(iter(item.items()))
        stanza = str(stanza)
        entry = {"type": stanza, "name": conf.get("name") if isinstance(conf, dict) else None,
                 "ok": True, "error": None}
        try:
            parse_item(pcontext, stanza, conf)
        except Exception as err:  # noqa: BLE001
            entry.update(ok=False, error=error_text(err))
            result["ok"] = False
        if entry["name"] is not None:
            entry["name"] = str(entry["name"])
        counts[stanza] = counts.get(stanza, 0) + 1
        result["objects"].append(entry)
    return result


def main(argv):
    dump = "--dump" in argv
    argv = [a for a in argv if a != "--dump"]
    paths = []
    for arg in argv:
        if os.path.isdir(arg):
            paths.extend(os.path.join(arg, n) for n in sorted(os.listdir(arg)) if n.endswith(".yaml"))
        else:
            paths.append(arg)
    pcontext = make_context()
    counts = {}
    files = [validate_file(pcontext, p, counts, dump) for p in paths]
    report = {"ok": all(f["ok"] for f in files) and bool(files), "files": files, "counts": counts}
    json.dump(report, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
