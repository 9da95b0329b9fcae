# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check zuul-launcher objects (image, flavor, label, section, provider) with zuul's parsers.

Run with the zuul venv: ``.venv-zuul/bin/python tests/functional/zuul_launcher_validate.py FILE``.
Each object goes through its ``configloader`` parser (``fromYaml``: voluptuous schema);
then every provider is flattened through its section chain with
``ProviderConfig.flattenConfig`` against offline openstack / static drivers, which
applies the driver's full provider schema (and the launcher's internal schema)
exactly as a tenant layout build would.  Prints JSON; exit 0 when everything passed.
"""

import json
import logging
import os
import sys
import types

from zuul import configloader, model
from zuul.driver.openstack import OpenstackDriver
from zuul.driver.static import StaticDriver

logging.disable(logging.CRITICAL)

PARSERS = {
    "image": configloader.ImageParser,
    "flavor": configloader.FlavorParser,
    "label": configloader.LabelParser,
    "section": configloader.SectionParser,
    "provider": configloader.ProviderParser,
}


def main(path):
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    source = model.SourceContext("example.org/gatekit/devstack", "gatekit/devstack", "gerrit", "master",
                                 os.path.basename(path))
    report = {"ok": True, "errors": [], "counts": {}, "providers": {}}
    try:
        data = configloader.safe_load_yaml(text, source)
    except Exception as err:  # noqa: BLE001 - zuul's own error, verbatim
        report.update(ok=False, errors=["load: %s: %s" % (type(err).__name__, err)])
        return report
    layout = types.SimpleNamespace(images={}, flavors={}, labels={}, sections={})
    providers = []
    for item in data or []:
        stanza, conf = next(iter(item.items()))
        report["counts"][stanza] = report["counts"].get(stanza, 0) + 1
        try:
            obj = PARSERS[stanza](None).fromYaml(conf)
        except Exception as err:  # noqa: BLE001
            report["ok"] = False
            report["errors"].append("%s %s: %s: %s" % (stanza, conf.get("name"), type(err).__name__, err))
            continue
        if stanza in ("image", "flavor", "label"):
            getattr(layout, stanza + "s")[obj.name] = obj
        elif stanza == "section":
            layout.sections[obj.name] = obj
        else:
            providers.append(obj)
    connections = {
        "openstack": types.SimpleNamespace(driver=OpenstackDriver()),
        "static": types.SimpleNamespace(driver=StaticDriver()),
    }
    for provider in providers:
        try:
            flat = provider.flattenConfig(layout, connections)
            for label in flat.get("labels", []):
                for kind in ("image", "flavor"):
                    names = {i["name"] for i in flat.get(kind + "s", [])}
                    if label.get(kind) not in names:
                        message = "label %s: %s %r not attached to provider" % (label["name"], kind, label.get(kind))
                        raise ValueError(message)
            report["providers"][provider.name] = {
                "labels": sorted(lbl["name"] for lbl in flat.get("labels", [])),
                "images": sorted(i["name"] for i in flat.get("images", [])),
                "flavors": sorted(f["name"] for f in flat.get("flavors", [])),
            }
        except Exception as err:  # noqa: BLE001
            report["ok"] = False
            report["errors"].append("provider %s: %s: %s" % (provider.name, type(err).__name__, err))
    return report


if __name__ == "__main__":
    result = main(sys.argv[1])
    json.dump(result, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")
    sys.exit(0 if result["ok"] else 1)
