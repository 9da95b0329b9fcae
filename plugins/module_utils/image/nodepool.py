# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One description of images and labels -> nodepool.yaml and zuul-launcher objects.

``normalize(desc)`` checks and fills the description (naming the bad key);
``render_nodepool(desc)`` returns the ``nodepool.yaml`` mapping (diskimages,
labels, providers with the openstack and static drivers and their pools);
``render_launcher(desc)`` returns the list of Zuul (>= 12) launcher objects
(``image``, ``flavor``, ``label``, ``section``, ``provider``) that replaced
nodepool.  ``dump_yaml`` serialises either one.  All pure: no file access.

The description (every key optional unless said; without ``images``, ``labels`` or
``providers`` the collection's own are used: image and label ``gatekit-bookworm``, the
static provider ``gatekit-embedded`` with the worker_pool containers)::

    images:     [{name*, release, elements, env_vars, formats, username,
                  python_path, rebuild_age, build_timeout, description}]
    flavors:    [{name*, min_ram, flavor_name, description}]
    labels:     [{name*, image*, flavor*, min_ready, max_ready_age, description}]
    providers:  [{name*, driver* (openstack|static), connection,
                  # openstack
                  cloud*, region, max_servers, networks, key_name, boot_from_volume,
                  volume_size, config_drive, labels (default: all),
                  # static
                  nodes: [{name*, labels* (or label), username, host_key,
                           host_key_checking, python_path, connection_port,
                           max_parallel_jobs}]}]
    zookeeper:  [{host*, port, chroot}]   (nodepool only; default localhost:2181)
    elements_dir, images_dir, build_log_dir   (nodepool builder paths)
    section:    name of the abstract zuul-launcher base section (gatekit-base)
"""

import copy
import re

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError
from ansible_collections.gatekit.devstack.plugins.module_utils.image.distro import (
    DEFAULT_DISTRO,
    DISTROS,
    LABEL,
    default_release,
)

try:
    import yaml

    HAS_YAML = True
except ImportError:  # pragma: no cover - PyYAML ships with ansible-core
    HAS_YAML = False

# The element list of a devstack node nodepool builds.
DEFAULT_ELEMENTS = (
    DISTROS[DEFAULT_DISTRO]["element"],
    "vm",
    "block-device-mbr",
    "simple-init",
    "growroot",
    "nodepool-base",
    "infra-package-needs",
)
DEFAULT_FORMATS = ("qcow2",)
DRIVERS = ("openstack", "static")
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
DEFAULT_SECTION = "gatekit-base"
# What this collection builds and runs when the description leaves a part out: the
# build_image role's image, the label its zuul.d nodesets use, and the embedded pool
# of the worker_pool role (containers gate-primary, gate-subnode-1).
DEFAULT_RELEASE = default_release(DEFAULT_DISTRO)
DEFAULT_IMAGES = ({"name": LABEL, "release": DEFAULT_RELEASE},)
# What a cloud needs to boot an image built from a recipe: the partitioned layout.
BOOT_ELEMENTS = ("vm", "block-device-mbr")
DEFAULT_LABELS = ({"name": LABEL, "image": LABEL},)
DEFAULT_PROVIDERS = (
    {
        "name": "gatekit-embedded",
        "driver": "static",
        "nodes": [{"name": "gate-primary", "labels": [LABEL]}, {"name": "gate-subnode-1", "labels": [LABEL]}],
    },
)

_KEYS = {
    "desc": {
        "images", "flavors", "labels", "providers", "zookeeper", "elements_dir", "images_dir",
        "build_log_dir", "section",
    },
    "image": {
        "name", "release", "elements", "env_vars", "formats", "username", "python_path",
        "rebuild_age", "build_timeout", "description",
    },
    "flavor": {"name", "min_ram", "flavor_name", "description"},
    "label": {"name", "image", "flavor", "min_ready", "max_ready_age", "description"},
    "provider": {
        "name", "driver", "connection", "cloud", "region", "max_servers", "networks", "key_name",
        "boot_from_volume", "volume_size", "config_drive", "labels", "nodes", "description",
    },
    "node": {
        "name", "labels", "label", "username", "host_key", "host_key_checking", "python_path",
        "connection_port", "max_parallel_jobs",
    },
    "zookeeper": {"host", "port", "chroot"},
}


def _mapping(value, where, kind):
    if not isinstance(value, dict):
        raise GatekitInputError(where, "must be a mapping, got %s" % type(value).__name__)
    unknown = sorted(set(value) - _KEYS[kind])
    if unknown:
        raise GatekitInputError(
            "%s.%s" % (where, unknown[0]), "unknown key (allowed: %s)" % ", ".join(sorted(_KEYS[kind]))
        )
    return value


def _name(item, where):
    name = item.get("name")
    if not isinstance(name, str) or not name:
        raise GatekitInputError(where + ".name", "required, a non-empty string")
    return name


def _object_name(item, where):
    name = _name(item, where)
    if not NAME_RE.match(name):
        raise GatekitInputError(where + ".name", "%r: use letters, digits, '.', '_' and '-'" % name)
    return name


def _int(item, key, where, minimum=0, default=None):
    value = item.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise GatekitInputError("%s.%s" % (where, key), "must be an integer >= %d, got %r" % (minimum, value))
    return value


def _str_list(item, key, where, default=()):
    value = item.get(key)
    if value is None:
        return list(default)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise GatekitInputError("%s.%s" % (where, key), "must be a list of non-empty strings")
    return list(value)


def _list(desc, key, default=()):
    value = desc.get(key)
    if value is None:
        return copy.deepcopy(list(default))
    if not isinstance(value, list):
        raise GatekitInputError(key, "must be a list")
    return value


def _unique(names, where):
    seen = set()
    for index, name in enumerate(names):
        if name in seen:
            raise GatekitInputError("%s[%d].name" % (where, index), "duplicate name %r" % name)
        seen.add(name)


def normalize(desc):
    """Validate ``desc`` and return a normalised deep copy (defaults filled in)."""
    desc = copy.deepcopy(_mapping(desc or {}, "description", "desc"))
    images = []
    for index, raw in enumerate(_list(desc, "images", DEFAULT_IMAGES)):
        where = "images[%d]" % index
        item = _mapping(raw, where, "image")
        image = {
            "name": _object_name(item, where),
            "release": str(item.get("release") or DEFAULT_RELEASE),
            "elements": _str_list(item, "elements", where, DEFAULT_ELEMENTS),
            "formats": _str_list(item, "formats", where, DEFAULT_FORMATS),
            "username": str(item.get("username") or "zuul"),
            "python_path": str(item.get("python_path") or "/usr/bin/python3"),
            "rebuild_age": _int(item, "rebuild_age", where, 1),
            "build_timeout": _int(item, "build_timeout", where, 1),
            "description": item.get("description"),
        }
        env = item.get("env_vars") or {}
        if not isinstance(env, dict):
            raise GatekitInputError(where + ".env_vars", "must be a mapping of variable names to strings")
        for key, value in env.items():
            if not isinstance(key, str) or not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", key):
                raise GatekitInputError("%s.env_vars.%s" % (where, key), "not a valid environment variable name")
            if isinstance(value, (dict, list)) or value is None:
                raise GatekitInputError("%s.env_vars.%s" % (where, key), "must be a string")
        image["env_vars"] = {k: ("true" if v is True else "false" if v is False else str(v)) for k, v in env.items()}
        if not image["elements"]:
            raise GatekitInputError(where + ".elements", "must list at least one DIB element")
        images.append(image)
    if not images:
        raise GatekitInputError("images", "at least one image is required")
    _unique([i["name"] for i in images], "images")
    image_names = {i["name"] for i in images}

    flavors = []
    for index, raw in enumerate(_list(desc, "flavors") or [{"name": "normal", "min_ram": 8192}]):
        where = "flavors[%d]" % index
        item = _mapping(raw, where, "flavor")
        flavor = {
            "name": _object_name(item, where),
            "min_ram": _int(item, "min_ram", where, 1),
            "flavor_name": item.get("flavor_name"),
            "description": item.get("description"),
        }
        if flavor["flavor_name"] is not None and not isinstance(flavor["flavor_name"], str):
            raise GatekitInputError(where + ".flavor_name", "must be a string")
        flavors.append(flavor)
    _unique([f["name"] for f in flavors], "flavors")
    flavor_by_name = {f["name"]: f for f in flavors}

    labels = []
    for index, raw in enumerate(_list(desc, "labels", DEFAULT_LABELS)):
        where = "labels[%d]" % index
        item = _mapping(raw, where, "label")
        label = {
            "name": _object_name(item, where),
            "image": item.get("image"),
            "flavor": item.get("flavor") or flavors[0]["name"],
            "min_ready": _int(item, "min_ready", where, 0, 0),
            "max_ready_age": _int(item, "max_ready_age", where, 0),
            "description": item.get("description"),
        }
        if label["image"] not in image_names:
            raise GatekitInputError(
                where + ".image", "%r is not one of the images (%s)" % (label["image"], ", ".join(sorted(image_names)))
            )
        if label["flavor"] not in flavor_by_name:
            raise GatekitInputError(
                where + ".flavor",
                "%r is not one of the flavors (%s)" % (label["flavor"], ", ".join(sorted(flavor_by_name))),
            )
        labels.append(label)
    if not labels:
        raise GatekitInputError("labels", "at least one label is required")
    _unique([lbl["name"] for lbl in labels], "labels")
    label_names = [lbl["name"] for lbl in labels]

    providers = []
    for index, raw in enumerate(_list(desc, "providers", DEFAULT_PROVIDERS)):
        where = "providers[%d]" % index
        item = _mapping(raw, where, "provider")
        name = _object_name(item, where)
        driver = item.get("driver")
        if driver not in DRIVERS:
            raise GatekitInputError(where + ".driver", "must be one of %s, got %r" % (", ".join(DRIVERS), driver))
        provider = {"name": name, "driver": driver, "connection": item.get("connection") or driver}
        provider["description"] = item.get("description")
        if driver == "openstack":
            if not isinstance(item.get("cloud"), str) or not item["cloud"]:
                raise GatekitInputError(where + ".cloud", "required for the openstack driver (a clouds.yaml cloud)")
            if item.get("nodes"):
                raise GatekitInputError(where + ".nodes", "only the static driver has nodes")
            provider.update(
                cloud=item["cloud"],
                region=item.get("region"),
                max_servers=_int(item, "max_servers", where, 1, 10),
                networks=_str_list(item, "networks", where),
                key_name=item.get("key_name"),
                boot_from_volume=bool(item.get("boot_from_volume", False)),
                volume_size=_int(item, "volume_size", where, 1),
                config_drive=bool(item.get("config_drive", True)),
                labels=_str_list(item, "labels", where, label_names),
            )
            for lindex, lname in enumerate(provider["labels"]):
                if lname not in label_names:
                    raise GatekitInputError("%s.labels[%d]" % (where, lindex), "%r is not a defined label" % lname)
                flavor = flavor_by_name[next(lbl["flavor"] for lbl in labels if lbl["name"] == lname)]
                if not flavor["min_ram"] and not flavor["flavor_name"]:
                    raise GatekitInputError(
                        "flavors.%s" % flavor["name"],
                        "needs min_ram or flavor_name for openstack provider %r" % name,
                    )
        else:
            for key in ("cloud", "region", "networks", "key_name", "max_servers"):
                if item.get(key) is not None:
                    raise GatekitInputError("%s.%s" % (where, key), "not used by the static driver")
            nodes = item.get("nodes")
            if not isinstance(nodes, list) or not nodes:
                raise GatekitInputError(where + ".nodes", "the static driver needs a non-empty list of nodes")
            provider["nodes"] = []
            seen = set()
            for nindex, rawnode in enumerate(nodes):
                nwhere = "%s.nodes[%d]" % (where, nindex)
                node = _mapping(rawnode, nwhere, "node")
                nname = _name(node, nwhere)
                nlabels = _str_list(node, "labels", nwhere) or _str_list(node, "label", nwhere)
                if not nlabels:
                    raise GatekitInputError(nwhere + ".labels", "required, the labels this node provides")
                for lname in nlabels:
                    if lname not in label_names:
                        raise GatekitInputError(nwhere + ".labels", "%r is not a defined label" % lname)
                out = {
                    "name": nname,
                    "labels": nlabels,
                    "username": str(node.get("username") or "zuul"),
                    "host_key": node.get("host_key"),
                    "host_key_checking": bool(node.get("host_key_checking", node.get("host_key") is not None)),
                    "python_path": node.get("python_path"),
                    "connection_port": _int(node, "connection_port", nwhere, 1, 22),
                    "max_parallel_jobs": _int(node, "max_parallel_jobs", nwhere, 1, 1),
                }
                ident = (out["name"], out["username"], out["connection_port"])
                if ident in seen:
                    raise GatekitInputError(nwhere, "name + username + connection_port %r repeats a node" % (ident,))
                seen.add(ident)
                provider["nodes"].append(out)
        providers.append(provider)
    if not providers:
        raise GatekitInputError("providers", "at least one provider is required")
    _unique([p["name"] for p in providers], "providers")

    zookeeper = []
    for index, raw in enumerate(_list(desc, "zookeeper") or [{"host": "localhost"}]):
        where = "zookeeper[%d]" % index
        item = _mapping(raw, where, "zookeeper")
        if not isinstance(item.get("host"), str) or not item["host"]:
            raise GatekitInputError(where + ".host", "required, a host name")
        server = {"host": item["host"], "port": _int(item, "port", where, 1, 2181)}
        if item.get("chroot"):
            server["chroot"] = str(item["chroot"])
        zookeeper.append(server)
    section = desc.get("section") or DEFAULT_SECTION
    if not isinstance(section, str) or not NAME_RE.match(section):
        raise GatekitInputError("section", "must be a name (letters, digits, '.', '_', '-')")
    return {
        "images": images,
        "flavors": flavors,
        "labels": labels,
        "providers": providers,
        "zookeeper": zookeeper,
        "elements_dir": desc.get("elements_dir") or "/etc/nodepool/elements",
        "images_dir": desc.get("images_dir") or "/opt/nodepool_dib",
        "build_log_dir": desc.get("build_log_dir"),
        "section": section,
    }


def image_from_recipe(recipe, boot_elements=BOOT_ELEMENTS, overrides=None):
    """An ``images`` entry for the image an image_build recipe describes: the same
    elements (with ``boot_elements`` after the distro element, so a cloud boots it)
    and the same DIB environment, venvs included. ``overrides`` (keys of an images
    entry) win."""
    if not isinstance(recipe, dict) or not recipe.get("elements"):
        raise GatekitInputError("recipe", "must be an image_build recipe (name, release, elements, env)")
    elements = list(recipe["elements"][:1])
    for el in list(boot_elements) + list(recipe["elements"][1:]):
        if el not in elements:
            elements.append(el)
    image = {
        "name": recipe["name"],
        "release": recipe["release"],
        "elements": elements,
        "env_vars": dict(recipe.get("env") or {}),
        "formats": list(DEFAULT_FORMATS),
        "username": recipe.get("zuul_user") or "zuul",
    }
    overrides = dict(overrides or {})
    if "release" in overrides:
        image["env_vars"]["DIB_RELEASE"] = str(overrides["release"])
    image.update(overrides)
    return image


def _drop_none(mapping):
    return {k: v for k, v in mapping.items() if v is not None}


def render_nodepool(desc):
    """The nodepool.yaml mapping (nodepool 11 schema) for the description."""
    d = normalize(desc)
    label_by_name = {lbl["name"]: lbl for lbl in d["labels"]}
    flavor_by_name = {f["name"]: f for f in d["flavors"]}
    out = {
        "zookeeper-servers": d["zookeeper"],
        "elements-dir": d["elements_dir"],
        "images-dir": d["images_dir"],
    }
    if d["build_log_dir"]:
        out["build-log-dir"] = d["build_log_dir"]
    out["labels"] = [
        _drop_none({"name": lbl["name"], "min-ready": lbl["min_ready"], "max-ready-age": lbl["max_ready_age"]})
        for lbl in d["labels"]
    ]
    # An image only openstack providers boot is built; static nodes need no diskimage.
    used = {label_by_name[name]["image"] for p in d["providers"] if p["driver"] == "openstack" for name in p["labels"]}
    diskimages = []
    for image in d["images"]:
        entry = {
            "name": image["name"],
            "elements": image["elements"],
            "release": image["release"],
            "env-vars": dict(sorted(image["env_vars"].items())),
            "username": image["username"],
            "python-path": image["python_path"],
        }
        if image["name"] in used or not any(p["driver"] == "openstack" for p in d["providers"]):
            entry["formats"] = image["formats"]
        entry["rebuild-age"] = image["rebuild_age"]
        entry["build-timeout"] = image["build_timeout"]
        entry = _drop_none(entry)
        diskimages.append(entry)
    out["diskimages"] = diskimages
    providers = []
    for p in d["providers"]:
        if p["driver"] == "openstack":
            pool_labels = []
            for name in p["labels"]:
                label = label_by_name[name]
                flavor = flavor_by_name[label["flavor"]]
                entry = {"name": name, "diskimage": label["image"]}
                if flavor["flavor_name"]:
                    entry["flavor-name"] = flavor["flavor_name"]
                else:
                    entry["min-ram"] = flavor["min_ram"]
                if p["key_name"]:
                    entry["key-name"] = p["key_name"]
                if p["boot_from_volume"]:
                    entry["boot-from-volume"] = True
                    if p["volume_size"]:
                        entry["volume-size"] = p["volume_size"]
                pool_labels.append(entry)
            pool = {"name": "main", "max-servers": p["max_servers"], "labels": pool_labels}
            if p["networks"]:
                pool["networks"] = p["networks"]
            provider = {"name": p["name"], "driver": "openstack", "cloud": p["cloud"]}
            if p["region"]:
                provider["region-name"] = p["region"]
            images = sorted({label_by_name[n]["image"] for n in p["labels"]})
            provider["diskimages"] = [{"name": i, "config-drive": p["config_drive"]} for i in images]
            provider["pools"] = [pool]
        else:
            nodes = []
            for n in p["nodes"]:
                node = {
                    "name": n["name"],
                    "labels": n["labels"],
                    "username": n["username"],
                    "host-key-checking": n["host_key_checking"],
                    "connection-port": n["connection_port"],
                    "max-parallel-jobs": n["max_parallel_jobs"],
                }
                if n["host_key"]:
                    node["host-key"] = n["host_key"]
                image_python = {label_by_name[lname]["image"] for lname in n["labels"]}
                python = n["python_path"] or next(
                    (i["python_path"] for i in d["images"] if i["name"] in image_python), None
                )
                if python:
                    node["python-path"] = python
                nodes.append(node)
            provider = {"name": p["name"], "driver": "static", "pools": [{"name": "main", "nodes": nodes}]}
        providers.append(provider)
    out["providers"] = providers
    return out


def render_launcher(desc):
    """Zuul-launcher configuration objects (Zuul >= 12) for the description.

    One abstract base section carries the images (username, python-path),
    then one section per provider (its connection and driver settings,
    flavors) and the provider itself listing its labels.
    """
    d = normalize(desc)
    objects = []
    for image in d["images"]:
        entry = {"name": image["name"], "type": "zuul", "description": image["description"]}
        objects.append({"image": _drop_none(entry)})
    for flavor in d["flavors"]:
        objects.append({"flavor": _drop_none({"name": flavor["name"], "description": flavor["description"]})})
    for label in d["labels"]:
        entry = {"name": label["name"], "image": label["image"], "flavor": label["flavor"]}
        if label["min_ready"]:
            entry["min-ready"] = label["min_ready"]
        if label["max_ready_age"] is not None:
            entry["max-ready-age"] = label["max_ready_age"]
        if label["description"]:
            entry["description"] = label["description"]
        objects.append({"label": entry})
    base = {
        "name": d["section"],
        "abstract": True,
        "images": [
            {"name": i["name"], "username": i["username"], "python-path": i["python_path"]} for i in d["images"]
        ],
    }
    objects.append({"section": base})
    label_by_name = {lbl["name"]: lbl for lbl in d["labels"]}
    for p in d["providers"]:
        section = {"name": "%s-section" % p["name"], "parent": d["section"], "connection": p["connection"]}
        if p["driver"] == "openstack":
            if p["region"]:
                section["region"] = p["region"]
            flavors = []
            for fname in sorted({label_by_name[n]["flavor"] for n in p["labels"]}):
                flavor = next(f for f in d["flavors"] if f["name"] == fname)
                # zuul-launcher's openstack flavors need a cloud flavor name.
                flavors.append({"name": fname, "flavor-name": flavor["flavor_name"] or fname})
            section["flavors"] = flavors
            section["image-defaults"] = {"config-drive": p["config_drive"]}
            label_defaults = {"boot-from-volume": p["boot_from_volume"]}
            if p["networks"]:
                label_defaults["networks"] = p["networks"]
            if p["key_name"]:
                label_defaults["key-name"] = p["key_name"]
            if p["boot_from_volume"] and p["volume_size"]:
                label_defaults["volume-size"] = p["volume_size"]
            section["label-defaults"] = label_defaults
            section["resource-limits"] = {"instances": p["max_servers"]}
            provider = {"name": p["name"], "section": section["name"], "labels": list(p["labels"])}
        else:
            used = []
            for n in p["nodes"]:
                for lname in n["labels"]:
                    if lname not in used:
                        used.append(lname)
            section["flavors"] = [{"name": f} for f in sorted({label_by_name[n]["flavor"] for n in used})]
            nodes = []
            for n in p["nodes"]:
                node = {"name": n["name"], "label": n["labels"][0], "username": n["username"]}
                if len(n["labels"]) > 1:
                    node["aliases"] = n["labels"][1:]
                if n["connection_port"] != 22:
                    node["connection-port"] = n["connection_port"]
                if n["host_key"]:
                    node["host-key"] = n["host_key"]
                nodes.append(node)
            section["label-defaults"] = {"host-key-checking": all(n["host_key_checking"] for n in p["nodes"])}
            provider = {"name": p["name"], "section": section["name"], "labels": used, "nodes": nodes}
        # No ``description`` on sections / providers: zuul 14.3 copies it into the
        # flattened provider config, whose driver schema then rejects it.
        objects.append({"section": section})
        objects.append({"provider": provider})
    return objects


def dump_yaml(data, header=None):
    """Stable YAML text (key order as rendered, block style)."""
    if not HAS_YAML:  # pragma: no cover
        raise GatekitInputError("PyYAML", "is required")
    text = yaml.safe_dump(data, sort_keys=False, default_flow_style=False, width=1000)
    if header:
        text = "".join("# %s\n" % line for line in header.splitlines()) + text
    return text
