# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Zuul 14.3 configuration schema, encoded without importing zuul.

Each object type (job, nodeset, pipeline, ...) is described by small checker
functions that mirror the voluptuous schemas in zuul 14.3.0
``zuul/configloader.py`` (``JobParser.job_attributes``, ``NodeSetParser``,
``SecretParser``, ``ProjectParser``, ``ProjectTemplateParser``,
``PipelineParser``, ``SemaphoreParser``, ``QueueParser``) and the Gerrit,
timer and zuul driver trigger/reporter schemas.  The functional tests load
rendered files with zuul's own parsers to keep this table honest.

A checker is ``check(value, path, errors)``: it appends ``(path, reason)``
tuples to ``errors`` and returns nothing.  Booleans are never accepted where
an integer is expected (voluptuous would take ``True`` as ``1``; that is
always a mistake in a job definition).

Override tags (``!inherit`` / ``!override``) and encrypted values are
:class:`~zuul.tags.ZuulTag` values (the one model of Zuul's tags).
"""

import base64
import binascii
import difflib
import re

from ansible_collections.gatekit.devstack.plugins.module_utils.zuul.tags import OVERRIDE_CONTROL, TAG_ENCRYPTED, ZuulTag

VAR_NAME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9_]*$")
# zuul.lib.varnames.RESERVED_NAMES, plus the connection variables check_varnames() blocks for jobs.
RESERVED_VAR_NAMES = ("nodepool", "unsafe_vars", "zuul", "zuul_node", "zuul_user_dir")
RESERVED_JOB_VAR_NAMES = RESERVED_VAR_NAMES + (
    "ansible_connection", "ansible_host", "ansible_python_interpreter",
    "ansible_shell_executable", "ansible_user",
)
# JobParser.disallowed_home_paths
DISALLOWED_HOME_PATHS = (".kube/config", ".ssh/config")


def describe(value):
    """A short 'type value' description for error messages."""
    if isinstance(value, ZuulTag):
        return "%s tag" % value.tag
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return "%s %s" % (type(value).__name__, text)


def _key(path, key):
    return "%s.%s" % (path, key) if path else str(key)


# ---------------------------------------------------------------- primitives

def check_str(value, path, errors):
    if not isinstance(value, str):
        errors.append((path, "expected a string, got %s" % describe(value)))


def check_int(value, path, errors):
    if isinstance(value, bool) or not isinstance(value, int):
        errors.append((path, "expected an integer, got %s" % describe(value)))


def check_bool(value, path, errors):
    if not isinstance(value, bool):
        errors.append((path, "expected a boolean (true/false), got %s" % describe(value)))


def check_dict(value, path, errors):
    if not isinstance(value, dict):
        errors.append((path, "expected a mapping, got %s" % describe(value)))


def check_true(value, path, errors):
    if value is not True:
        errors.append((path, "expected true, got %s" % describe(value)))


def enum(*choices):
    def check(value, path, errors):
        if isinstance(value, bool) or value not in choices:
            errors.append((path, "expected one of %s, got %s" % (", ".join(repr(c) for c in choices), describe(value))))
    return check


def int_min(minimum, allow_none=False):
    def check(value, path, errors):
        if value is None and allow_none:
            return
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            errors.append((path, "expected an integer >= %d, got %s" % (minimum, describe(value))))
    return check


def by_type(expected, **checkers):
    """Dispatch on the value's type: ``by_type('a string or mapping', str=..., dict=...)``.

    Keys are ``str``, ``int``, ``float``, ``bool``, ``dict``, ``list``, ``none``.
    """
    def check(value, path, errors):
        if value is None:
            kind = "none"
        elif isinstance(value, bool):
            kind = "bool"
        elif isinstance(value, str):
            kind = "str"
        elif isinstance(value, int):
            kind = "int"
        else:
            kind = type(value).__name__
        checker = checkers.get(kind)
        if checker is None:
            errors.append((path, "expected %s, got %s" % (expected, describe(value))))
        else:
            checker(value, path, errors)
    return check


def _ok(value, path, errors):
    return None


def to_list(item_check, expected=None):
    """zuul's ``to_list``: a single item or a list of items."""
    def check(value, path, errors):
        if isinstance(value, list):
            for index, item in enumerate(value):
                item_check(item, "%s[%d]" % (path, index), errors)
        else:
            item_check(value, path, errors)
    return check


def list_of(item_check):
    def check(value, path, errors):
        if not isinstance(value, list):
            errors.append((path, "expected a list, got %s" % describe(value)))
            return
        for index, item in enumerate(value):
            item_check(item, "%s[%d]" % (path, index), errors)
    return check


def unknown_key_reason(key, allowed):
    reason = "unknown key %r" % (key,)
    if isinstance(key, str):
        names = [a for a in allowed if isinstance(a, str)]
        # 'run-playbook' -> 'run': a known key that is the first or last word wins over spelling
        close = sorted((a for a in names if key.startswith(a + "-") or key.endswith("-" + a)), key=len)[-1:]
        close = close or difflib.get_close_matches(key, names, n=1, cutoff=0.6)
        if close:
            reason += " (did you mean %r?)" % close[0]
    return reason


def mapping(fields, required=(), extra=None, exclusive=(), what="a mapping"):
    """A mapping with known ``fields`` ({key: checker}); ``required`` keys;
    ``extra`` checks any other key (``extra(key, value, path, errors)``) or,
    when None, rejects it; ``exclusive`` lists groups of mutually exclusive keys."""
    def check(value, path, errors):
        if not isinstance(value, dict):
            errors.append((path, "expected %s, got %s" % (what, describe(value))))
            return
        for key in required:
            if key not in value:
                errors.append((path, "missing required key %r" % key))
        for key, item in value.items():
            checker = fields.get(key)
            if checker is not None:
                checker(item, _key(path, key), errors)
            elif extra is not None:
                extra(key, item, path, errors)
            else:
                errors.append((_key(path, key), unknown_key_reason(key, fields)))
        for group in exclusive:
            present = [k for k in group if k in value]
            if len(present) > 1:
                errors.append((path, "keys %s are mutually exclusive" % " and ".join(repr(k) for k in present)))
    return check


def overridable(inner):
    """zuul's ``override_value``: the value may carry ``!inherit``/``!override``."""
    def check(value, path, errors):
        if isinstance(value, ZuulTag):
            if value.tag not in OVERRIDE_CONTROL:
                errors.append((path, "the %s tag is not allowed here" % value.tag))
                return
            inner(value.value, path, errors)
        else:
            inner(value, path, errors)
    return check


def var_names(reserved):
    def check(value, path, errors):
        if not isinstance(value, dict):
            errors.append((path, "expected a mapping of variables, got %s" % describe(value)))
            return
        for key in value:
            if not isinstance(key, str) or not VAR_NAME_RE.match(key):
                errors.append((_key(path, key), "invalid Ansible variable name %r (must match %s)"
                               % (key, VAR_NAME_RE.pattern)))
            elif key in reserved:
                errors.append((_key(path, key), "the variable name %r is reserved by Zuul" % key))
    return check


def host_var_names(reserved):
    names = var_names(reserved)

    def check(value, path, errors):
        if not isinstance(value, dict):
            errors.append((path, "expected a mapping of host/group name to variables, got %s" % describe(value)))
            return
        for key, item in value.items():
            check_str(key, _key(path, key), errors)
            names(item, _key(path, key), errors)
    return check


def check_encrypted(value, path, errors):
    """An ``!encrypted/pkcs1-oaep`` value: base64 text or a list of chunks."""
    chunks = value if isinstance(value, list) else [value]
    if not chunks:
        errors.append((path, "an encrypted value needs at least one chunk"))
    for index, chunk in enumerate(chunks):
        where = "%s[%d]" % (path, index) if isinstance(value, list) else path
        if not isinstance(chunk, str):
            errors.append((where, "encrypted data must be base64 text, got %s" % describe(chunk)))
            continue
        try:
            base64.b64decode("".join(chunk.split()), validate=True)
        except (binascii.Error, ValueError):
            errors.append((where, "encrypted data is not valid base64"))


def check_secret_data(value, path, errors):
    """Secret data: any YAML value; ``!encrypted/pkcs1-oaep`` tags allowed anywhere."""
    if isinstance(value, ZuulTag):
        if value.tag != TAG_ENCRYPTED:
            errors.append((path, "the %s tag is not allowed in secret data" % value.tag))
        else:
            check_encrypted(value.value, path, errors)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_secret_data(item, _key(path, key), errors)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_secret_data(item, "%s[%d]" % (path, index), errors)


# ------------------------------------------------------------- zuul schemas

ZUUL_REGEX = mapping({"regex": check_str, "negate": check_bool}, required=("regex",), what="a regex mapping")
REGEX_OR_STR = by_type("a string or {regex, negate}", str=check_str, dict=ZUUL_REGEX)


def override_list(item):
    return overridable(to_list(item))


SEMAPHORE = mapping({"name": check_str, "resources-first": check_bool}, required=("name",))


def _secret_alias(value, path, errors):
    if not isinstance(value, str) or not VAR_NAME_RE.match(value):
        errors.append((path, "invalid Ansible variable name %s" % describe(value)))


JOB_SECRET = mapping({"name": _secret_alias, "secret": check_str, "pass-to-parent": check_bool},
                     required=("name", "secret"))
PLAYBOOK = by_type("a playbook path or {name, semaphores}", str=check_str,
                   dict=mapping({"name": check_str, "semaphores": to_list(check_str)}, required=("name",)))
POST_PLAYBOOK = by_type("a playbook path or {name, semaphores, cleanup}", str=check_str,
                        dict=mapping({"name": check_str, "semaphores": to_list(check_str), "cleanup": check_bool},
                                     required=("name",)))


def _role(value, path, errors):
    if isinstance(value, dict) and "galaxy" in value:
        mapping({"galaxy": check_str, "name": check_str}, required=("galaxy",))(value, path, errors)
    else:
        mapping({"zuul": check_str, "name": check_str}, required=("zuul",), what="a role {zuul, name}")(
            value, path, errors)


JOB_PROJECT = by_type("a project name or {name, override-branch, override-checkout}", str=check_str,
                      dict=mapping({"name": check_str, "override-branch": check_str, "override-checkout": check_str},
                                   required=("name",)))


def _include_project(value, path, errors):
    if isinstance(value, str):
        return
    if not isinstance(value, dict):
        errors.append((path, "expected a project name or {type, name}, got %s" % describe(value)))
        return
    kind = value.get("type")
    if kind == "name" or kind is None:
        mapping({"type": enum("name"), "name": check_str})(value, path, errors)
    elif kind in ("change", "item"):
        mapping({"type": enum(kind)})(value, path, errors)
    else:
        errors.append((_key(path, "type"), "expected one of 'name', 'change', 'item', got %s" % describe(kind)))


INCLUDE_VARS = to_list(by_type(
    "a file name or {name, project|zuul-project, required, use-ref}", str=check_str,
    dict=mapping({"name": check_str, "project": check_str, "required": check_bool,
                  "zuul-project": check_bool, "use-ref": check_bool},
                 required=("name",), exclusive=(("project", "zuul-project"), ("project", "use-ref")))))
DEPENDENCY = by_type("a job name or {name, soft}", str=check_str,
                     dict=mapping({"name": check_str, "soft": check_bool}, required=("name",)))

ATTRIBUTE_CONTROL_KEYS = (
    "requires", "provides", "tags", "files", "irrelevant-files", "required-projects", "include-projects",
    "exclude-projects", "vars", "extra-vars", "host-vars", "group-vars", "include-vars", "dependencies",
    "failure-output", "type", "pre-run", "run", "post-run", "voting",
)
ATTRIBUTE_CONTROL = mapping({k: mapping({"final": check_true}) for k in ATTRIBUTE_CONTROL_KEYS})


def _nodeset_inline(value, path, errors):
    check_nodeset(value, path, errors, anonymous=True)


# JobParser.job_attributes in zuul 14.3.0, in the order the renderer writes them.
# (key, checker, accepts !inherit/!override)
JOB_ATTRIBUTES = (
    ("parent", by_type("a job name or null", str=check_str, none=_ok)),
    ("description", check_str),
    ("variant-description", check_str),
    ("abstract", check_bool),
    ("final", check_bool),
    ("protected", check_bool),
    ("intermediate", check_bool),
    ("type", enum("regular", "initializer", "reporter")),
    ("voting", check_bool),
    ("branches", to_list(REGEX_OR_STR)),
    ("files", override_list(REGEX_OR_STR)),
    ("irrelevant-files", override_list(REGEX_OR_STR)),
    ("match-on-config-updates", check_bool),
    ("allowed-projects", to_list(check_str)),
    ("post-review", check_bool),
    ("hold-following-changes", check_bool),
    ("nodeset", by_type("a nodeset name or an inline nodeset", str=check_str, dict=_nodeset_inline)),
    ("pre-timeout", check_int),
    ("timeout", check_int),
    ("post-timeout", check_int),
    ("attempts", check_int),
    ("ansible-version", by_type("a string or number", str=check_str, int=_ok, float=_ok)),
    ("ansible-split-streams", check_bool),
    ("workspace-scheme", enum("golang", "flat", "unique")),
    ("workspace-checkout", by_type("a boolean or 'auto'", bool=_ok, str=enum("auto"))),
    ("override-branch", check_str),
    ("override-checkout", check_str),
    ("required-projects", override_list(JOB_PROJECT)),
    ("include-projects", override_list(_include_project)),
    ("exclude-projects", override_list(_include_project)),
    ("roles", to_list(_role)),
    ("secrets", to_list(by_type("a secret name or {name, secret, pass-to-parent}", str=check_str, dict=JOB_SECRET))),
    ("semaphore", by_type("a semaphore name or {name, resources-first}", str=check_str, dict=SEMAPHORE)),
    ("semaphores", to_list(by_type("a semaphore name or {name, resources-first}", str=check_str, dict=SEMAPHORE))),
    ("requires", override_list(check_str)),
    ("provides", override_list(check_str)),
    ("dependencies", override_list(DEPENDENCY)),
    ("tags", override_list(check_str)),
    ("deduplicate", by_type("a boolean or 'auto'", bool=_ok, str=enum("auto"))),
    ("image-build-name", check_str),
    ("pre-run", to_list(PLAYBOOK)),
    ("run", to_list(PLAYBOOK)),
    ("post-run", to_list(POST_PLAYBOOK)),
    ("cleanup-run", to_list(PLAYBOOK)),
    ("preserve-home-paths", to_list(check_str)),
    ("secret-exposure", enum("ignore", "redact", "fail")),
    ("failure-output", override_list(check_str)),
    ("failure-message", check_str),
    ("success-message", check_str),
    ("failure-url", check_str),
    ("success-url", check_str),
    ("attribute-control", ATTRIBUTE_CONTROL),
    ("vars", overridable(var_names(RESERVED_JOB_VAR_NAMES))),
    ("extra-vars", overridable(var_names(RESERVED_JOB_VAR_NAMES))),
    ("host-vars", overridable(host_var_names(RESERVED_JOB_VAR_NAMES))),
    ("group-vars", overridable(host_var_names(RESERVED_JOB_VAR_NAMES))),
    ("include-vars", overridable(INCLUDE_VARS)),
)
JOB_ATTRIBUTE_CHECKS = dict(JOB_ATTRIBUTES)
JOB_KEY_ORDER = ("name",) + tuple(entry[0] for entry in JOB_ATTRIBUTES)
PLAYBOOK_KEYS = ("pre-run", "run", "post-run", "cleanup-run")


def _job_semantics(value, path, errors):
    """Checks JobParser.fromYaml makes after the schema."""
    if value.get("intermediate") is True and value.get("abstract") is not True:
        errors.append((_key(path, "intermediate"), "an intermediate job must also be abstract"))
    if value.get("post-review") is False:
        errors.append((_key(path, "post-review"), "once set, post-review may not be unset (false)"))
    if "semaphore" in value and "semaphores" in value:
        errors.append((path, "use either 'semaphore' or 'semaphores', not both"))
    paths = value.get("preserve-home-paths")
    if isinstance(paths, (str, list)):
        for item in paths if isinstance(paths, list) else [paths]:
            if isinstance(item, str) and item.strip("/").replace("//", "/") in DISALLOWED_HOME_PATHS:
                errors.append((_key(path, "preserve-home-paths"), "%r is not allowed" % item))
    for key in ("failure-output",):
        patterns = value.get(key)
        if isinstance(patterns, ZuulTag):
            patterns = patterns.value
        for item in patterns if isinstance(patterns, list) else [patterns]:
            if isinstance(item, str):
                try:
                    re.compile(item)
                except re.error as err:
                    errors.append((_key(path, key), "invalid regex %r: %s" % (item, err)))


def check_job_attributes(value, path, errors, named=True):
    fields = JOB_ATTRIBUTE_CHECKS
    if named:
        fields = dict(JOB_ATTRIBUTE_CHECKS)
        fields["name"] = check_str
    mapping(fields, required=("name",) if named else (), what="a job mapping")(value, path, errors)
    if isinstance(value, dict):
        _job_semantics(value, path, errors)


def check_job(value, path, errors):
    check_job_attributes(value, path, errors, named=True)


# ---------------------------------------------------------------- nodesets

_NODE = mapping({"name": to_list(check_str), "label": check_str}, required=("name", "label"))
_GROUP = mapping({"name": check_str, "nodes": to_list(check_str)}, required=("name", "nodes"))
NODESET_KEY_ORDER = ("name", "alternatives", "nodes", "groups")


def check_nodeset(value, path, errors, anonymous=False):
    if not isinstance(value, dict):
        errors.append((path, "expected a nodeset mapping, got %s" % describe(value)))
        return
    fields = {"nodes": to_list(_NODE), "groups": to_list(_GROUP)}
    if not anonymous:
        fields["name"] = check_str
    required = () if anonymous else ("name",)
    if "alternatives" in value:
        alt_fields = {"alternatives": list_of(by_type("a nodeset name or nodeset", str=check_str,
                                                      dict=lambda v, p, e: check_nodeset(v, p, e, True)))}
        if not anonymous:
            alt_fields["name"] = check_str
        mapping(alt_fields, required=required + ("alternatives",))(value, path, errors)
        return
    mapping(fields, required=required + ("nodes",))(value, path, errors)
    # NodeSetParser.loadNodeset: names, duplicates, groups that name missing nodes
    nodes = value.get("nodes")
    node_names = set()
    for node in nodes if isinstance(nodes, list) else [nodes]:
        if not isinstance(node, dict):
            continue
        names = node.get("name")
        for name in names if isinstance(names, list) else [names]:
            if name == "localhost":
                errors.append((_key(path, "nodes"), "nodes named 'localhost' are not allowed"))
            elif name in node_names:
                errors.append((_key(path, "nodes"), "duplicate node name %r" % (name,)))
            if isinstance(name, str):
                node_names.add(name)
    groups = value.get("groups") or []
    group_names = set()
    for group in groups if isinstance(groups, list) else [groups]:
        if not isinstance(group, dict):
            continue
        gname = group.get("name")
        if gname == "localhost":
            errors.append((_key(path, "groups"), "groups named 'localhost' are not allowed"))
        if gname in group_names:
            errors.append((_key(path, "groups"), "duplicate group name %r" % (gname,)))
        group_names.add(gname)
        members = group.get("nodes")
        for member in members if isinstance(members, list) else [members]:
            if isinstance(member, str) and member not in node_names:
                errors.append((_key(path, "groups"), "group %r names node %r which is not in the nodeset"
                               % (gname, member)))


# ------------------------------------------------- secrets, semaphores, queues

SECRET_KEY_ORDER = ("name", "data", "oidc")


def check_secret(value, path, errors):
    oidc = by_type("null or {algorithm, ttl, iss, claims}", none=_ok, dict=mapping(
        {"algorithm": check_str, "ttl": check_int, "iss": check_str, "claims": check_dict}))
    data = by_type("a mapping", dict=check_secret_data)
    mapping({"name": check_str, "data": data, "oidc": oidc}, required=("name",),
            exclusive=(("data", "oidc"),))(value, path, errors)
    if isinstance(value, dict) and "data" not in value and "oidc" not in value:
        errors.append((path, "either 'data' or 'oidc' must be present"))


SEMAPHORE_KEY_ORDER = ("name", "max")
check_semaphore = mapping({"name": check_str, "max": check_int}, required=("name",))

QUEUE_KEY_ORDER = ("name", "per-branch", "type", "allow-circular-dependencies", "dependencies-by-topic")
check_queue = mapping({"name": check_str, "per-branch": check_bool,
                       "type": enum("all-branches", "per-branch", "branch-assigned"),
                       "allow-circular-dependencies": check_bool, "dependencies-by-topic": check_bool},
                      required=("name",), exclusive=(("per-branch", "type"),))


# ------------------------------------------------------ projects and templates

_PARAMETER_VALUE = by_type("a string, number or boolean", str=_ok, int=_ok, float=_ok, bool=_ok)
_PARAMETER = mapping({"name": _secret_alias,
                      "type": enum("string", "selection", "multiple-selection", "bool"),
                      "description": check_str, "values": list_of(_PARAMETER_VALUE),
                      "default": to_list(_PARAMETER_VALUE), "required": check_bool},
                     required=("name", "type"))
PROJECT_PIPELINE_KEY_ORDER = ("debug", "fail-fast", "parameters", "jobs")


def _pipeline_job(value, path, errors):
    if isinstance(value, str):
        return
    if not isinstance(value, dict) or len(value) != 1:
        errors.append((path, "expected a job name or a one-key mapping {job-name: {attributes}}, got %s"
                       % describe(value)))
        return
    name, attrs = next(iter(value.items()))
    if not isinstance(name, str):
        errors.append((path, "job name must be a string, got %s" % describe(name)))
        return
    if isinstance(attrs, str):
        return
    check_job_attributes(attrs, "%s[%s]" % (path, name), errors, named=False)


PROJECT_PIPELINE = mapping({"debug": check_bool, "fail-fast": check_bool, "jobs": list_of(_pipeline_job),
                            "parameters": to_list(_PARAMETER)}, what="a project pipeline mapping {jobs: [...]}")
PROJECT_KEYS = ("name", "description", "templates", "default-branch", "merge-mode", "queue", "branches", "vars")
TEMPLATE_KEYS = ("name", "description", "queue", "vars")
MERGE_MODES = ("merge", "merge-resolve", "cherry-pick", "squash-merge", "rebase", "rebase-first-parent")


def _pipeline_extra(key, value, path, errors):
    if not isinstance(key, str):
        errors.append((_key(path, key), "expected a pipeline name (string) as key"))
        return
    PROJECT_PIPELINE(value, _key(path, key), errors)


check_project = mapping({"name": check_str, "description": check_str, "templates": list_of(check_str),
                         "default-branch": check_str, "merge-mode": enum(*MERGE_MODES), "queue": check_str,
                         "branches": to_list(REGEX_OR_STR), "vars": var_names(RESERVED_VAR_NAMES)},
                        extra=_pipeline_extra, what="a project mapping")
check_project_template = mapping({"name": check_str, "description": check_str, "queue": check_str,
                                  "vars": var_names(RESERVED_VAR_NAMES)},
                                 required=("name",), extra=_pipeline_extra, what="a project-template mapping")


# ---------------------------------------------------------------- pipelines

def _scalar_or_list(item):
    return to_list(item)


def _any_extra(key, value, path, errors):
    return None


# gerritsource.approval: the named keys are typed, any other key (a label) is free
_APPROVAL = mapping({"username": check_str, "email": check_str, "older-than": check_str, "newer-than": check_str},
                    extra=_any_extra, what="an approval mapping")
_GERRIT_FILTER = {
    "approval": _scalar_or_list(_APPROVAL), "open": check_bool, "current-patchset": check_bool,
    "wip": check_bool, "hashtags": _scalar_or_list(REGEX_OR_STR), "status": _scalar_or_list(check_str),
}
GERRIT_EVENTS = ("patchset-created", "draft-published", "change-abandoned", "change-restored", "change-merged",
                 "comment-added", "ref-updated", "pending-check", "vote-deleted", "hashtags-changed",
                 "wip-state-changed")
GERRIT_TRIGGER_KEY_ORDER = (
    "event", "branch", "ref", "ignore-deletes", "comment", "comment_filter", "email", "email_filter",
    "username", "username_filter", "approval", "approval-change", "require-approval", "reject-approval",
    "added", "removed", "require", "reject", "uuid", "scheme", "debug",
)
_GERRIT_TRIGGER = mapping({
    "event": _scalar_or_list(enum(*GERRIT_EVENTS)),
    "uuid": check_str, "scheme": check_str,
    "comment_filter": _scalar_or_list(check_str), "comment": _scalar_or_list(REGEX_OR_STR),
    "email_filter": _scalar_or_list(check_str), "email": _scalar_or_list(REGEX_OR_STR),
    "username_filter": _scalar_or_list(check_str), "username": _scalar_or_list(REGEX_OR_STR),
    "branch": _scalar_or_list(REGEX_OR_STR), "ref": _scalar_or_list(REGEX_OR_STR),
    "ignore-deletes": check_bool,
    "approval": _scalar_or_list(check_dict), "approval-change": _scalar_or_list(check_dict),
    "require-approval": _scalar_or_list(_APPROVAL), "reject-approval": _scalar_or_list(_APPROVAL),
    "added": _scalar_or_list(REGEX_OR_STR), "removed": _scalar_or_list(REGEX_OR_STR),
    "require": mapping(_GERRIT_FILTER), "reject": mapping(_GERRIT_FILTER), "debug": check_bool,
}, required=("event",), what="a gerrit trigger mapping")
_TIMER_TRIGGER = mapping({"time": check_str, "dereference": check_bool, "debug": check_bool},
                         required=("time",), what="a timer trigger mapping")
_ZUUL_TRIGGER = mapping({
    "event": _scalar_or_list(enum("parent-change-enqueued", "project-change-merged", "image-build",
                                  "image-validate")),
    "pipeline": _scalar_or_list(REGEX_OR_STR), "debug": check_bool,
}, required=("event",), what="a zuul trigger mapping")

# driver -> {section: checker}; a connection whose driver is not listed here is
# accepted as-is (its schema is not encoded here).
DRIVER_SCHEMAS = {
    "gerrit": {
        "trigger": _scalar_or_list(_GERRIT_TRIGGER),
        "reporter": by_type("a string or mapping", str=_ok, dict=_ok),
        "require": mapping(_GERRIT_FILTER),
        "reject": mapping(_GERRIT_FILTER),
    },
    "timer": {"trigger": _scalar_or_list(_TIMER_TRIGGER)},
    "zuul": {
        "trigger": _scalar_or_list(_ZUUL_TRIGGER),
        "reporter": mapping({"image-built": check_bool, "image-validated": check_bool}),
    },
}
DEFAULT_CONNECTIONS = {"gerrit": "gerrit", "timer": "timer", "zuul": "zuul"}
REPORTER_ACTIONS = ("enqueue", "start", "success", "failure", "merge-conflict", "no-jobs", "disabled",
                    "dequeue", "config-error")
PIPELINE_KEY_ORDER = (
    "name", "description", "manager", "precedence", "supercedes", "allow-other-connections", "allow-parameters",
    "post-review", "dequeue-on-new-patchset", "ignore-dependencies", "disable-after-consecutive-failures",
    "require", "reject", "trigger",
    "enqueue", "start", "success", "failure", "merge-conflict", "no-jobs", "disabled", "dequeue", "config-error",
    "start-message", "enqueue-message", "success-message", "failure-message", "merge-conflict-message",
    "no-jobs-message", "dequeue-message", "footer-message",
    "window", "window-floor", "window-ceiling", "window-increase-type", "window-increase-factor",
    "window-decrease-type", "window-decrease-factor",
)
MANAGERS = ("independent", "dependent", "serial", "supercedent")


def _connections_section(section, connections):
    def check(value, path, errors):
        if not isinstance(value, dict):
            errors.append((path, "expected a mapping of connection name to %s settings, got %s"
                           % (section, describe(value))))
            return
        for name, item in value.items():
            driver = connections.get(name)
            where = _key(path, name)
            if driver is None:
                errors.append((where, "unknown connection %r (known: %s)" % (name, ", ".join(sorted(connections)))))
                continue
            schemas = DRIVER_SCHEMAS.get(driver)
            if schemas is None:
                continue
            checker = schemas.get(section)
            if checker is None:
                errors.append((where, "the %s driver has no %s" % (driver, section)))
            else:
                checker(item, where, errors)
    return check


def pipeline_checker(connections):
    window_type = enum("linear", "exponential")
    fields = {
        "name": check_str, "manager": enum(*MANAGERS), "allow-other-connections": check_bool,
        "allow-parameters": check_bool, "precedence": enum("normal", "low", "high"),
        "supercedes": to_list(check_str), "description": check_str,
        "dequeue-on-new-patchset": check_bool, "ignore-dependencies": check_bool, "post-review": check_bool,
        "disable-after-consecutive-failures": int_min(1), "window": int_min(0), "window-floor": int_min(1),
        "window-ceiling": int_min(1, allow_none=True), "window-increase-type": window_type,
        "window-increase-factor": int_min(1), "window-decrease-type": window_type,
        "window-decrease-factor": int_min(1),
        "require": _connections_section("require", connections),
        "reject": _connections_section("reject", connections),
        "trigger": _connections_section("trigger", connections),
    }
    for key in ("success", "failure", "start", "merge-conflict", "enqueue", "no-jobs", "footer", "dequeue"):
        fields["%s-message" % key] = check_str
    for action in REPORTER_ACTIONS:
        fields[action] = _connections_section("reporter", connections)
    base = mapping(fields, required=("name", "manager", "trigger"), what="a pipeline mapping")

    def check(value, path, errors):
        base(value, path, errors)
        if not isinstance(value, dict):
            return
        floor = value.get("window-floor", 3)
        ceiling = value.get("window-ceiling")
        if isinstance(floor, int) and isinstance(ceiling, int) and ceiling < floor:
            errors.append((_key(path, "window-ceiling"), "may not be less than window-floor (%s)" % floor))
    return check
