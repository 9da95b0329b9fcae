# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Zuul's YAML tags: the one model every reader and writer of Zuul configuration uses.

Zuul 14.3's configuration loader knows three tags (``!unsafe`` is Ansible's, and
zuul's config loader refuses it like any unknown tag):

* ``!inherit`` and ``!override`` ("override control") on a mapping, a sequence
  or a string: ``!override`` replaces what the parent job set instead of merging
  or accumulating; ``!inherit`` asks for the default (merge) explicitly;
* ``!encrypted/pkcs1-oaep`` on base64 text or a sequence of base64 chunks.

In Python a tagged value is a :class:`ZuulTag` ``(tag, value)``.  Data that
travels through Ansible (module options, JSON) cannot carry YAML tags, so there a
tagged value is written as a one-key mapping ``{'!inherit': [...]}``;
:func:`normalize_tags` and :func:`mapping_form` convert between the two.

:func:`load` reads Zuul YAML into this model (PyYAML's SafeLoader, YAML 1.1 like
zuul's); the zuul.d renderer (``zuul.config``) writes it back.  Tagged scalars
are read as text, as zuul reads encrypted chunks; zuul itself also resolves an
``!override``/``!inherit`` scalar implicitly and accepts only a string there.
"""

from ansible_collections.gatekit.devstack.plugins.module_utils.common import YAML_IMPORT_ERROR, GatekitInputError, yaml

TAG_INHERIT = "!inherit"
TAG_OVERRIDE = "!override"
TAG_ENCRYPTED = "!encrypted/pkcs1-oaep"
TAGS = (TAG_INHERIT, TAG_OVERRIDE, TAG_ENCRYPTED)
OVERRIDE_CONTROL = (TAG_INHERIT, TAG_OVERRIDE)
# What an encrypted value (or each of its chunks) becomes in plain data for Ansible.
ENCRYPTED_PLACEHOLDER = "<encrypted>"


class ZuulTag:
    """A YAML value carrying a Zuul tag: ``!inherit``, ``!override`` or
    ``!encrypted/pkcs1-oaep``.  In plain-data input it is written as a
    one-key mapping ``{'!inherit': [...]}``."""

    __slots__ = ("tag", "value")

    def __init__(self, tag, value):
        self.tag = tag
        self.value = value

    def __eq__(self, other):
        return isinstance(other, ZuulTag) and other.tag == self.tag and other.value == self.value

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return hash(self.tag)

    def __repr__(self):
        return "ZuulTag(%r, %r)" % (self.tag, self.value)


def normalize_tags(value):
    """Return a copy of ``value`` with ``{'!tag': x}`` mappings turned into
    :class:`ZuulTag` objects (the input is never mutated)."""
    if isinstance(value, dict):
        if len(value) == 1:
            key = next(iter(value))
            if key in TAGS:
                return ZuulTag(key, normalize_tags(value[key]))
        return {k: normalize_tags(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalize_tags(v) for v in value]
    if isinstance(value, ZuulTag):
        return ZuulTag(value.tag, normalize_tags(value.value))
    return value


def mapping_form(value):
    """The inverse of :func:`normalize_tags`: every :class:`ZuulTag` as ``{'!tag': x}``."""
    if isinstance(value, ZuulTag):
        return {value.tag: mapping_form(value.value)}
    if isinstance(value, dict):
        return {k: mapping_form(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mapping_form(v) for v in value]
    return value


def override_control(value):
    """``(untagged value, True when it is tagged !override)``; other values come back as they are."""
    if isinstance(value, ZuulTag) and value.tag in OVERRIDE_CONTROL:
        return value.value, value.tag == TAG_OVERRIDE
    return value, False


def untag(value):
    """``value`` without its override-control tag; encrypted data as :data:`ENCRYPTED_PLACEHOLDER`
    (one per chunk), so a secret's ciphertext never passes for a usable value."""
    if isinstance(value, ZuulTag) and value.tag == TAG_ENCRYPTED:
        if isinstance(value.value, list):
            return [ENCRYPTED_PLACEHOLDER for _chunk in value.value]
        return ENCRYPTED_PLACEHOLDER
    return override_control(value)[0]


def _construct_override_control(loader, node):
    if isinstance(node, yaml.MappingNode):
        return ZuulTag(node.tag, loader.construct_mapping(node, deep=True))
    if isinstance(node, yaml.SequenceNode):
        return ZuulTag(node.tag, loader.construct_sequence(node, deep=True))
    return ZuulTag(node.tag, loader.construct_scalar(node))


def _construct_encrypted(loader, node):
    if isinstance(node, yaml.SequenceNode):
        return ZuulTag(node.tag, [loader.construct_scalar(chunk) for chunk in node.value])
    return ZuulTag(node.tag, loader.construct_scalar(node))


_LOADER = []


def yaml_loader():
    """A SafeLoader class that reads Zuul's tags as :class:`ZuulTag` (built on first use:
    PyYAML may be absent at import time)."""
    if yaml is None:
        raise GatekitInputError("PyYAML", "is required to read Zuul configuration: %s" % YAML_IMPORT_ERROR)
    if not _LOADER:
        class ZuulLoader(yaml.SafeLoader):  # pylint: disable=too-many-ancestors
            pass

        for tag in OVERRIDE_CONTROL:
            ZuulLoader.add_constructor(tag, _construct_override_control)
        ZuulLoader.add_constructor(TAG_ENCRYPTED, _construct_encrypted)
        _LOADER.append(ZuulLoader)
    return _LOADER[0]


def load(text):
    """Parse Zuul YAML ``text`` into plain data and :class:`ZuulTag` values (raises ``yaml.YAMLError``)."""
    return yaml.load(text, Loader=yaml_loader())  # noqa: S506 - a SafeLoader subclass
