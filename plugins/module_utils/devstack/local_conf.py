# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render DevStack's ``local.conf`` from the Zuul v3 job variables.

Pure functions over plain data; nothing here touches the filesystem except
:func:`read_plugin_requirements`, which reads ``devstack/settings`` of plugins
checked out under ``base_dir`` (exactly as DevStack's own module does).

Entry point::

    result = render_local_conf(localrc=..., services=..., base_services=...,
                               plugins=..., local_conf=..., base_dir=...,
                               projects=..., project=..., tempest_plugins=...,
                               plugin_requires=None, plugin_order='sorted',
                               libs_from_git=None)
    result.text       # the file content
    result.warnings   # list of str
    result.plugins    # enable_plugin order, list of names

For valid input the text equals what DevStack's ``write-devstack-local-conf``
writes, except for the documented fixes:

* ``services`` without ``base_services`` (or with an empty list) and
  ``base`` true (the default) keeps DevStack's default service set: no
  ``disable_all_services`` line.  ``base: false`` disables all services first.
* Values keep their text (see :func:`shell_value`); booleans are ``True`` /
  ``False``; ``None`` is the empty string; lists are comma-joined except for
  ``TEMPEST_PLUGINS`` (space-joined, as DevStack's lib/tempest reads it).
* Values containing ``"``, a backtick, a backslash or ``$(`` are single-quoted
  so the shell reads them literally.  Mark a value as a shell expression with a
  one-key dict ``{shell: '<text>'}``: the text is written after ``KEY=`` as is.
* INI values (``local_conf``) that are lists become repeated ``key = value``
  lines (DevStack's multi-valued options).
* A plugin requirement missing from ``plugins`` or disabled with ``''`` is an
  error naming both plugins; cycles are errors naming the path.
* Variables are emitted after every variable they reference (true
  topological order; DevStack's own walk could emit a transitive dependency
  late).  Keys are visited alphabetically like DevStack.
* The input is never mutated.
"""

import os
import re
from collections import OrderedDict

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError

VAR_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
VAR_REF_RE = re.compile(r"\$\{?(\w+)")
SERVICE_NAME_RE = re.compile(r"^[A-Za-z0-9_.][A-Za-z0-9_.-]*$")
PLUGIN_NAME_RE = re.compile(r"^[A-Za-z0-9_.][A-Za-z0-9_.-]*$")
DEFINE_PLUGIN_RE = re.compile(r"^define_plugin\s+(\S+)")
PLUGIN_REQUIRES_RE = re.compile(r"^plugin_requires\s+(\S+)\s+(\S+)")

#: localrc variables whose list form DevStack reads space-separated.
SPACE_SEPARATED_VARS = ("TEMPEST_PLUGINS",)
#: characters that make a value unsafe inside double quotes.
UNSAFE_IN_DOUBLE_QUOTES = ('"', "`", "\\", "$(")
TRUE_STRINGS = ("true", "yes", "on", "1")
FALSE_STRINGS = ("false", "no", "off", "0")


class LocalConfResult:
    """The rendered file plus what the module reports."""

    def __init__(self, text, warnings, plugins):
        self.text = text
        self.warnings = warnings
        self.plugins = plugins


# --------------------------------------------------------------------------
# values


def scalar_text(key, value):
    """Text of a scalar as DevStack expects it: bool -> True/False, None -> ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, (int, float, str)):
        return str(value)
    raise GatekitInputError(key, "expected a string, number or boolean, got %s" % type(value).__name__)


def value_text(key, name, value):
    """Text of a localrc value before quoting (lists joined, scalars as text)."""
    if isinstance(value, (list, tuple)):
        sep = " " if name in SPACE_SEPARATED_VARS else ","
        return sep.join(scalar_text("%s[%d]" % (key, i), item) for i, item in enumerate(value))
    return scalar_text(key, value)


def shell_quote_literal(text):
    """Single-quote ``text`` so that bash reads it literally."""
    return "'" + text.replace("'", "'\\''") + "'"


def shell_value(key, name, value):
    """The right-hand side of ``NAME=...`` in localrc.

    * ``{shell: text}`` -> ``text`` verbatim (the user's shell expression);
    * a value already wrapped in double quotes (DevStack's convention) is
      unwrapped first, so ``'"quoted value"'`` stays ``"quoted value"``;
    * text with ``"``, a backtick, a backslash or ``$(`` -> single-quoted
      (literal; ``$VAR`` is then not expanded either);
    * anything else -> double-quoted, so ``$VAR`` / ``${VAR}`` expand.
    """
    if isinstance(value, dict):
        if list(value) != ["shell"] or not isinstance(value["shell"], str):
            raise GatekitInputError(
                key,
                "a dict value must be {shell: '<shell expression>'}, got keys %s" % ", ".join(sorted(map(str, value))),
            )
        text = value["shell"]
        if "\n" in text:
            raise GatekitInputError(key, "a shell expression must be one line")
        return text
    text = value_text(key, name, value)
    if "\n" in text or "\r" in text:
        raise GatekitInputError(key, "values must be one line (found a newline)")
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        text = text[1:-1]
    if any(token in text for token in UNSAFE_IN_DOUBLE_QUOTES):
        return shell_quote_literal(text)
    return '"%s"' % text


def as_bool(key, value):
    """Service flags: booleans or boolean-like strings; anything else is an error."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        if value.strip().lower() in TRUE_STRINGS:
            return True
        if value.strip().lower() in FALSE_STRINGS:
            return False
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise GatekitInputError(key, "expected true or false, got %r" % (value,))


# --------------------------------------------------------------------------
# dependency ordering


def _find_cycle(graph, start):
    """Return a path start -> ... -> start if one exists in ``graph``."""
    stack = [(start, [start])]
    visited = set()
    while stack:
        node, path = stack.pop()
        for dep in sorted(graph.get(node, ())):
            if dep == start:
                return path + [start]
            if dep not in visited:
                visited.add(dep)
                stack.append((dep, path + [dep]))
    return None


def dependency_order(names, deps, option, kind):
    """Order ``names`` alphabetically, each after its (recursive) dependencies.

    ``deps`` maps a name to the names it needs (all in ``names``).  Cycles are
    detected while adding names in their given order, like DevStack, so the
    error names the entry that closes the cycle.
    """
    graph = {}
    for name in names:
        graph[name] = set(deps.get(name, ()))
        cycle = _find_cycle(graph, name)
        if cycle:
            raise GatekitInputError(
                "%s.%s" % (option, name),
                "Dependency cycle detected in %s (%s: %s)" % (name, kind, " -> ".join(cycle)),
            )
    ordered = []
    seen = set()

    def visit(name):
        if name in seen:
            return
        seen.add(name)
        for dep in sorted(graph[name]):
            visit(dep)
        ordered.append(name)

    for name in sorted(names):
        visit(name)
    return ordered


def var_dependencies(name, text, names):
    """Variables of ``names`` referenced by ``text`` (self-references ignored)."""
    return {ref for ref in VAR_REF_RE.findall(text) if ref != name and ref in names}


# --------------------------------------------------------------------------
# plugins


def read_plugin_requirements(base_dir):
    """``{plugin: set(required plugins)}`` from ``devstack/settings`` under base_dir.

    Walks ``base_dir`` and stops descending at each git checkout (a directory
    holding ``.git``), like DevStack.  A ``plugin_requires A B`` line counts
    only when A is the name given by ``define_plugin`` in the same file.
    """
    found = {}
    if not base_dir or not os.path.isdir(base_dir):
        return found
    for root, dirs, _files in os.walk(base_dir):
        if ".git" not in dirs:
            dirs.sort()
            continue
        dirs[:] = []
        settings = os.path.join(root, "devstack", "settings")
        if not os.path.isfile(settings):
            continue
        name = None
        reqs = set()
        with open(settings, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                match = DEFINE_PLUGIN_RE.match(line)
                if match:
                    name = match.group(1)
                match = PLUGIN_REQUIRES_RE.match(line)
                if match and match.group(1) == name:
                    reqs.add(match.group(2))
        if name and reqs:
            found.setdefault(name, set()).update(reqs)
    return found


def plugin_lines(plugins, requirements, order="sorted"):
    """``enable_plugin`` lines and the plugin order.

    ``plugins`` maps name -> git URL ('' or None disables an inherited plugin).
    ``requirements`` maps name -> iterable of required plugin names.
    ``order`` is ``sorted`` (DevStack's: alphabetical, each plugin after what
    it requires) or ``given`` (the input order, each plugin after what it
    requires).
    """
    enabled = OrderedDict()
    for name, url in plugins.items():
        key = "plugins.%s" % name
        if not isinstance(name, str) or not PLUGIN_NAME_RE.match(name):
            raise GatekitInputError(key, "not a valid plugin name")
        if url is None or url == "":
            continue
        if not isinstance(url, str) or not url.strip() or "\n" in url:
            raise GatekitInputError(key, "the value must be a git URL (or '' to disable the plugin)")
        enabled[name] = url.strip()
    deps = {}
    for name in enabled:
        needed = set(requirements.get(name, ())) - {name}
        for req in sorted(needed):
            if req in enabled:
                continue
            if req in plugins:
                reason = "requires plugin '%s', which is disabled (its URL is empty); enable '%s' or disable '%s'" % (
                    req,
                    req,
                    name,
                )
            else:
                reason = "requires plugin '%s', which is not in plugins; add '%s: <git url>' to plugins" % (req, req)
            raise GatekitInputError("plugins.%s" % name, "plugin '%s' %s" % (name, reason))
        deps[name] = needed
    if order == "given":
        ordered = []
        seen = set()
        # cycle check first (same messages as the sorted walk)
        dependency_order(list(enabled), deps, "plugins", "plugin requirements")

        def visit(name):
            if name in seen:
                return
            seen.add(name)
            for dep in sorted(deps[name]):
                visit(dep)
            ordered.append(name)

        for name in enabled:
            visit(name)
    elif order == "sorted":
        ordered = dependency_order(list(enabled), deps, "plugins", "plugin requirements")
    else:
        raise GatekitInputError("plugin_order", "must be 'sorted' or 'given', got %r" % (order,))
    return ["enable_plugin %s %s" % (name, enabled[name]) for name in ordered], ordered


# --------------------------------------------------------------------------
# sections


def service_lines(services, base_services):
    """Service lines; see the module docstring for the ``base`` rule."""
    services = services or {}
    if not isinstance(services, dict):
        raise GatekitInputError("services", "must be a dict of service name -> true/false")
    if base_services is not None and not isinstance(base_services, (list, tuple)):
        raise GatekitInputError("base_services", "must be a list of service names")
    base = as_bool("services.base", services.get("base", True))
    lines = []
    names = []
    for i, svc in enumerate(base_services or ()):
        if not isinstance(svc, str) or not SERVICE_NAME_RE.match(svc):
            raise GatekitInputError("base_services[%d]" % i, "not a valid service name: %r" % (svc,))
        names.append(svc)
    if base and names:
        lines.append("ENABLED_SERVICES=%s" % ",".join(names))
    elif not base:
        lines.append("disable_all_services")
    for name, flag in services.items():
        if name == "base":
            continue
        key = "services.%s" % name
        if not isinstance(name, str) or not SERVICE_NAME_RE.match(name):
            raise GatekitInputError(key, "not a valid service name")
        if flag is None:
            continue
        lines.append("%s %s" % ("enable_service" if as_bool(key, flag) else "disable_service", name))
    return lines


def localrc_lines(localrc, *, projects=None, project=None, tempest_plugins=None, base_dir=None, libs_from_git=None):
    """Variables (dependency order), LIBS_FROM_GIT, TEMPEST_PLUGINS; plus warnings."""
    localrc = localrc or {}
    if not isinstance(localrc, dict):
        raise GatekitInputError("localrc", "must be a dict of VARIABLE -> value")
    warnings = []
    texts = OrderedDict()
    for name, value in localrc.items():
        key = "localrc.%s" % name
        if not isinstance(name, str) or not VAR_NAME_RE.match(name):
            raise GatekitInputError(key, "not a valid shell variable name")
        if isinstance(value, float):
            warnings.append(
                "localrc.%s is the number %s; if you meant the text (e.g. a version like '3.10') quote it in YAML"
                % (name, value)
            )
        texts[name] = shell_value(key, name, value)
    names = set(texts)
    deps = {name: var_dependencies(name, text, names) for name, text in texts.items()}
    lines = [
        "%s=%s" % (name, texts[name]) for name in dependency_order(list(texts), deps, "localrc", "variable references")
    ]

    if "LIBS_FROM_GIT" not in texts:
        libs = []
        for pname, info in (projects or {}).items():
            if not isinstance(info, dict):
                raise GatekitInputError("projects.%s" % pname, "must be a dict with short_name and required")
            if info.get("required") and info.get("short_name"):
                libs.append(info["short_name"])
        if project:
            if not isinstance(project, dict) or not project.get("short_name"):
                raise GatekitInputError("project", "must be a dict with short_name")
            if project["short_name"] not in libs:
                libs.append(project["short_name"])
        for i, lib in enumerate(libs_from_git or ()):
            if not isinstance(lib, str) or not SERVICE_NAME_RE.match(lib):
                raise GatekitInputError("libs_from_git[%d]" % i, "not a valid project short name: %r" % (lib,))
            if lib not in libs:
                libs.append(lib)
        if libs:
            lines.append("LIBS_FROM_GIT=%s" % ",".join(libs))
    elif libs_from_git:
        warnings.append(
            "LIBS_FROM_GIT is set in localrc (%s); libs_from_git %s ignored"
            % (texts["LIBS_FROM_GIT"], ", ".join(libs_from_git))
        )

    if tempest_plugins:
        if not isinstance(tempest_plugins, (list, tuple)):
            raise GatekitInputError("tempest_plugins", "must be a list of plugin directory names")
        if "TEMPEST_PLUGINS" in texts:
            warnings.append(
                "TEMPEST_PLUGINS already defined in localrc (%s); requested tempest_plugins %s ignored"
                % (texts["TEMPEST_PLUGINS"], ", ".join(map(str, tempest_plugins)))
            )
        else:
            if base_dir is None:
                raise GatekitInputError("base_dir", "required when tempest_plugins is given")
            dirs = []
            for i, plugin in enumerate(tempest_plugins):
                if not isinstance(plugin, str) or not plugin or "\n" in plugin:
                    raise GatekitInputError("tempest_plugins[%d]" % i, "must be a non-empty directory name")
                dirs.append(os.path.join(base_dir, plugin))
            lines.append("TEMPEST_PLUGINS=%s" % shell_value("tempest_plugins", "TEMPEST_PLUGINS", " ".join(dirs)))
    return lines, warnings


def meta_sections(local_conf):
    """``[[phase|file]]`` sections; list values become repeated key lines."""
    out = []
    if not local_conf:
        return out
    if not isinstance(local_conf, dict):
        raise GatekitInputError("local_conf", "must be {phase: {file: {section: {key: value}}}}")
    for phase, files in local_conf.items():
        if not isinstance(files, dict):
            raise GatekitInputError("local_conf.%s" % phase, "must be a dict of file -> sections")
        for fname, sections in files.items():
            where = "local_conf.%s.%s" % (phase, fname)
            if "|" in str(phase) or "]" in str(phase) or "]" in str(fname):
                raise GatekitInputError(where, "phase and file names cannot contain '|' or ']'")
            if not isinstance(sections, dict):
                raise GatekitInputError(where, "must be a dict of section -> options")
            body = []
            for section, options in sections.items():
                skey = "%s.%s" % (where, section)
                if not isinstance(options, dict):
                    raise GatekitInputError(skey, "must be a dict of option -> value")
                body.append("[%s]" % section)
                for opt, value in options.items():
                    okey = "%s.%s" % (skey, opt)
                    values = value if isinstance(value, (list, tuple)) else [value]
                    for i, item in enumerate(values):
                        ikey = "%s[%d]" % (okey, i) if isinstance(value, (list, tuple)) else okey
                        text = scalar_text(ikey, item)
                        if "\n" in text or "\r" in text:
                            raise GatekitInputError(ikey, "values must be one line (found a newline)")
                        body.append("%s = %s" % (opt, text))
                body.append("")
            out.append("[[%s|%s]]\n%s" % (phase, fname, "\n".join(body)))
    return out


def render_local_conf(
    *,
    localrc=None,
    local_conf=None,
    base_services=None,
    services=None,
    plugins=None,
    base_dir=None,
    projects=None,
    project=None,
    tempest_plugins=None,
    plugin_requires=None,
    plugin_order="sorted",
    libs_from_git=None,
):
    """Render local.conf text; raises GatekitInputError on bad input.

    ``plugin_requires`` ({plugin: [required, ...]}) adds requirements to the
    ones read from ``devstack/settings`` under ``base_dir``.
    """
    lines = []
    if services or base_services:
        lines.extend(service_lines(services, base_services))
    var_lines, warnings = localrc_lines(
        localrc,
        projects=projects,
        project=project,
        tempest_plugins=tempest_plugins,
        base_dir=base_dir,
        libs_from_git=libs_from_git,
    )
    lines.extend(var_lines)
    ordered = []
    if plugins:
        if not isinstance(plugins, dict):
            raise GatekitInputError("plugins", "must be a dict of plugin name -> git URL")
        requirements = read_plugin_requirements(base_dir)
        for name, reqs in (plugin_requires or {}).items():
            wanted = [reqs] if isinstance(reqs, str) else reqs
            if not isinstance(wanted, (list, tuple)):
                raise GatekitInputError("plugin_requires.%s" % name, "must be a list of plugin names")
            requirements.setdefault(name, set()).update(wanted)
        plines, ordered = plugin_lines(plugins, requirements, plugin_order)
        lines.extend(plines)
    text = "[[local|localrc]]\n" + "\n".join(lines) + "\n\n" + "".join(meta_sections(local_conf))
    return LocalConfResult(text, warnings, ordered)


# --------------------------------------------------------------------------
# parsing (the inverse of render_local_conf, for legacy /tmp/dg-local.conf text)

META_HEADER_RE = re.compile(r"^\[\[\s*([^|\]]+?)\s*\|\s*([^\]]+?)\s*\]\]\s*$")
ASSIGN_RE = re.compile(r"^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)(\+?=)(.*)$")
PLAIN_WORD_RE = re.compile(r"^[A-Za-z0-9_./:,@%+=-]*$")
VAR_WORD_RE = re.compile(r"^(?:\$\{\w+\}|\$\w+|[A-Za-z0-9_./:,@%+=-])+$")
INI_SECTION_RE = re.compile(r"^\[([^\[\]]+)\]\s*$")


def parse_shell_value(raw):
    """A localrc right-hand side as a value :func:`shell_value` renders back.

    Returns a plain string when the shell meaning is a simple literal or a
    double-quoted string with only ``$VAR`` expansions; otherwise
    ``{shell: raw}`` so the text is kept verbatim.
    """
    text = raw.strip()
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        inner = text[1:-1]
        if not any(token in inner for token in UNSAFE_IN_DOUBLE_QUOTES):
            return inner
    elif len(text) >= 2 and text[0] == "'" and text[-1] == "'":
        inner = text[1:-1]
        if "'" not in inner and "$" not in inner and not any(t in inner for t in UNSAFE_IN_DOUBLE_QUOTES):
            return inner
    elif PLAIN_WORD_RE.match(text):
        return text
    elif VAR_WORD_RE.match(text):
        return text  # unquoted word with $VAR / ${VAR} only: same as double-quoted
    return {"shell": text}


def parse_local_conf(text):
    """Parse local.conf text into the job variables it expresses.

    Returns ``{'localrc': {}, 'services': {}, 'plugins': {}, 'local_conf': {},
    'notes': [str]}``.  Lines before the first ``[[...]]`` header are treated as
    localrc lines (DevStack's old ``localrc`` file format).  In meta-sections a
    repeated option becomes a list (a multi-valued option).  Lines that have no
    variable form (shell code, ``X+=`` appends) are listed in ``notes``.
    """
    out = {
        "localrc": OrderedDict(),
        "services": OrderedDict(),
        "plugins": OrderedDict(),
        "local_conf": OrderedDict(),
        "notes": [],
    }
    phase = fname = None
    section = None
    for lineno, line in enumerate((text or "").splitlines(), 1):
        stripped = line.strip()
        header = META_HEADER_RE.match(stripped)
        if header:
            phase, fname = header.group(1), header.group(2)
            section = None
            if (phase, fname) != ("local", "localrc"):
                out["local_conf"].setdefault(phase, OrderedDict()).setdefault(fname, OrderedDict())
            continue
        if not stripped or stripped.startswith("#"):
            continue
        if phase is None or (phase, fname) == ("local", "localrc"):
            _parse_localrc_line(stripped, lineno, out)
            continue
        sections = out["local_conf"][phase][fname]
        match = INI_SECTION_RE.match(stripped)
        if match:
            section = match.group(1).strip()
            sections.setdefault(section, OrderedDict())
            continue
        if stripped.startswith(";"):
            continue
        if section is None or "=" not in stripped:
            out["notes"].append(
                "line %d ([[%s|%s]]): not an option line, ignored: %s" % (lineno, phase, fname, stripped)
            )
            continue
        key, value = (part.strip() for part in stripped.split("=", 1))
        options = sections[section]
        if key in options:
            if not isinstance(options[key], list):
                options[key] = [options[key]]
            options[key].append(value)
        else:
            options[key] = value
    return out


def _parse_localrc_line(line, lineno, out):
    words = line.split()
    if words[0] == "disable_all_services" and len(words) == 1:
        out["services"]["base"] = False
        return
    if words[0] in ("enable_service", "disable_service") and len(words) > 1:
        for svc in words[1:]:
            for name in svc.split(","):
                if name:
                    out["services"].pop(name, None)
                    out["services"][name] = words[0] == "enable_service"
        return
    if words[0] == "enable_plugin" and len(words) in (3, 4):
        out["plugins"][words[1]] = " ".join(words[2:])
        return
    match = ASSIGN_RE.match(line)
    if match:
        name, op, raw = match.groups()
        if op == "+=" and name == "ENABLED_SERVICES":
            value = parse_shell_value(raw)
            if isinstance(value, str):
                for svc in value.split(","):
                    if svc:
                        out["services"][svc] = True
                return
        elif op == "=":
            out["localrc"].pop(name, None)
            out["localrc"][name] = parse_shell_value(raw)
            return
    out["notes"].append("line %d (localrc): no job-variable form, ignored: %s" % (lineno, line))
