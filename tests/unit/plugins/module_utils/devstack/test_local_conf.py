# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""local.conf rendering: DevStack's own 8 unit cases, its verified outputs, and the fixes."""

import copy
import json
import os
import subprocess
from collections import OrderedDict

import pytest

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError
from ansible_collections.gatekit.devstack.plugins.module_utils.devstack.local_conf import (
    parse_local_conf,
    parse_shell_value,
    read_plugin_requirements,
    render_local_conf,
    shell_value,
)

URL = "https://opendev.org/openstack/%s"


def _lines(text, prefix):
    return [line for line in text.splitlines() if line.startswith(prefix)]


def _value(text, name):
    found = [line.split("=", 1)[1] for line in text.splitlines() if line.startswith(name + "=")]
    assert len(found) <= 1, found
    return found[0] if found else None


def _plugin(tmp_path, repo, settings):
    (tmp_path / repo / ".git").mkdir(parents=True)
    (tmp_path / repo / "devstack").mkdir()
    (tmp_path / repo / "devstack" / "settings").write_text(settings)


LOCAL_CONF = {"install": {"nova.conf": {"main": {"test_conf": "2"}}}}


# ---- DevStack roles/write-devstack-local-conf/library/test.py (8 cases) ----


def test_devstack_plugins_without_dependencies():
    plugins = OrderedDict([("bar", URL % "bar-plugin"), ("foo", URL % "foo-plugin"), ("baz", URL % "baz-plugin")])
    res = render_local_conf(
        localrc={"test_localrc": "1"},
        local_conf=LOCAL_CONF,
        base_services=[],
        services={"cinder": True},
        plugins=plugins,
        base_dir="./test",
    )
    assert [line.split()[1] for line in _lines(res.text, "enable_plugin")] == ["bar", "baz", "foo"]


def test_devstack_plugin_deps(tmp_path):
    _plugin(tmp_path, "foo-plugin", "define_plugin foo-plugin\n")
    _plugin(tmp_path, "bar-plugin", "define_plugin bar-plugin\nplugin_requires bar-plugin foo-plugin\n")
    plugins = OrderedDict([("bar-plugin", URL % "bar-plugin"), ("foo-plugin", URL % "foo-plugin")])
    res = render_local_conf(
        localrc={"test_localrc": "1"},
        local_conf=LOCAL_CONF,
        base_services=[],
        services={"cinder": True},
        plugins=plugins,
        base_dir=str(tmp_path),
    )
    assert [line.split()[1] for line in _lines(res.text, "enable_plugin")] == ["foo-plugin", "bar-plugin"]


PROJECTS = {
    "git.openstack.org/openstack/nova": {"required": True, "short_name": "nova"},
    "git.openstack.org/openstack/oslo.messaging": {"required": True, "short_name": "oslo.messaging"},
    "git.openstack.org/openstack/devstack-plugin": {"required": False, "short_name": "devstack-plugin"},
}


def test_devstack_libs_from_git():
    res = render_local_conf(base_services=[], base_dir="./test", projects=PROJECTS, project={"short_name": "glance"})
    assert _value(res.text, "LIBS_FROM_GIT") == "nova,oslo.messaging,glance"


def test_devstack_override_libs_from_git():
    res = render_local_conf(localrc={"LIBS_FROM_GIT": "oslo.db"}, base_services=[], base_dir="./test", projects=PROJECTS)
    assert _value(res.text, "LIBS_FROM_GIT") == '"oslo.db"'


def test_devstack_avoid_double_quote():
    res = render_local_conf(localrc={"TESTVAR": '"quoted value"'}, base_services=[], base_dir="./test", projects={})
    assert _value(res.text, "TESTVAR") == '"quoted value"'


def test_devstack_plugin_circular_deps(tmp_path):
    _plugin(tmp_path, "foo-plugin", "define_plugin foo\nplugin_requires foo bar\n")
    _plugin(tmp_path, "bar-plugin", "define_plugin bar\nplugin_requires bar foo\n")
    plugins = OrderedDict([("bar", URL % "bar-plugin"), ("foo", URL % "foo-plugin")])
    with pytest.raises(GatekitInputError, match="Dependency cycle detected in foo"):
        render_local_conf(
            localrc={"test_localrc": "1"},
            local_conf=LOCAL_CONF,
            base_services=[],
            services={"cinder": True},
            plugins=plugins,
            base_dir=str(tmp_path),
        )


def test_devstack_tempest_plugins():
    res = render_local_conf(base_services=[], base_dir="./test", tempest_plugins=["heat-tempest-plugin", "sahara-tests"])
    assert _value(res.text, "TEMPEST_PLUGINS") == '"./test/heat-tempest-plugin ./test/sahara-tests"'
    assert res.warnings == []


def test_devstack_tempest_plugins_not_overridden():
    res = render_local_conf(
        localrc={"TEMPEST_PLUGINS": "someplugin"},
        base_services=[],
        base_dir="./test",
        tempest_plugins=["heat-tempest-plugin", "sahara-tests"],
    )
    assert _value(res.text, "TEMPEST_PLUGINS") == '"someplugin"'
    assert len(res.warnings) == 1
    # DevStack bug 9 of docs/modules/devstack_local_conf.md: the warning shows the value, not "(True)"
    assert '"someplugin"' in res.warnings[0]
    assert "heat-tempest-plugin, sahara-tests" in res.warnings[0]
    assert "(True)" not in res.warnings[0]


# ---- exact outputs: dependency order, cycles, services ----


def test_vars_dependency_order_exact():
    res = render_local_conf(localrc=OrderedDict([("C", "${B}y"), ("B", "$A/x"), ("A", "1"), ("D", "plain")]))
    assert res.text == '[[local|localrc]]\nA="1"\nB="$A/x"\nC="${B}y"\nD="plain"\n\n'


def test_vars_cycle_names_key():
    with pytest.raises(GatekitInputError, match="Dependency cycle detected in B") as err:
        render_local_conf(localrc=OrderedDict([("A", "$B"), ("B", "$A")]))
    assert err.value.key == "localrc.B"


def test_vars_self_reference_accepted():
    assert render_local_conf(localrc={"X": "$X,foo"}).text == '[[local|localrc]]\nX="$X,foo"\n\n'


def test_vars_transitive_dependency_first():
    # DevStack's walk would emit B before C here although B uses $C.
    res = render_local_conf(localrc=OrderedDict([("A", "$B"), ("B", "$C"), ("C", "1")]))
    assert res.text == '[[local|localrc]]\nC="1"\nB="$C"\nA="$B"\n\n'


def test_services_base_false_disables_all():
    res = render_local_conf(services=OrderedDict([("base", False), ("cinder", True), ("horizon", False)]))
    assert res.text == "[[local|localrc]]\ndisable_all_services\nenable_service cinder\ndisable_service horizon\n\n"


def test_services_without_base_list_keep_defaults():
    # DevStack emitted disable_all_services here (bug 8 of docs/modules/devstack_local_conf.md); base is true,
    # so DevStack's default service set stays and only the changes are listed.
    res = render_local_conf(services=OrderedDict([("cinder", True), ("horizon", False), ("x", "yes")]))
    assert res.text == ("[[local|localrc]]\nenable_service cinder\ndisable_service horizon\nenable_service x\n\n")


def test_services_with_base_list():
    res = render_local_conf(base_services=["key", "mysql"], services={"cinder": True})
    assert res.text == "[[local|localrc]]\nENABLED_SERVICES=key,mysql\nenable_service cinder\n\n"


def test_services_bad_flag():
    with pytest.raises(GatekitInputError, match=r"services.cinder: expected true or false"):
        render_local_conf(services={"cinder": "maybe"})


def test_input_not_mutated():
    services = {"base": False, "cinder": True}
    localrc = {"A": ["x", "y"], "B": True}
    plugins = {"neutron": URL % "neutron"}
    snapshot = copy.deepcopy((services, localrc, plugins))
    render_local_conf(services=services, localrc=localrc, plugins=plugins)
    assert (services, localrc, plugins) == snapshot


def test_plugins_empty_url_disables():
    res = render_local_conf(plugins=OrderedDict([("b", "url-b"), ("a", ""), ("c", "url-c")]))
    assert _lines(res.text, "enable_plugin") == ["enable_plugin b url-b", "enable_plugin c url-c"]


def test_plugins_requirement_ordering(tmp_path):
    _plugin(tmp_path, "bar", "define_plugin bar\nplugin_requires bar foo\n")
    res = render_local_conf(plugins=OrderedDict([("bar", "u"), ("foo", "u"), ("aaa", "u")]), base_dir=str(tmp_path))
    assert res.plugins == ["aaa", "foo", "bar"]


def test_plugins_missing_requirement_names_both(tmp_path):
    _plugin(tmp_path, "bar", "define_plugin bar\nplugin_requires bar foo\n")
    with pytest.raises(GatekitInputError) as err:
        render_local_conf(plugins={"bar": "u"}, base_dir=str(tmp_path))
    assert err.value.key == "plugins.bar"
    assert "'bar'" in str(err.value) and "'foo'" in str(err.value)


def test_plugins_disabled_requirement_is_error():
    with pytest.raises(GatekitInputError, match="requires plugin 'foo', which is disabled"):
        render_local_conf(plugins={"bar": "u", "foo": ""}, plugin_requires={"bar": ["foo"]})


def test_plugins_given_order():
    res = render_local_conf(
        plugins=OrderedDict([("zeta", "u"), ("alpha", "u"), ("mid", "u")]),
        plugin_requires={"zeta": ["mid"]},
        plugin_order="given",
    )
    assert res.plugins == ["mid", "zeta", "alpha"]


def test_plugins_hyphenated_names(tmp_path):
    _plugin(tmp_path, "x", "define_plugin neutron-tempest-plugin\nplugin_requires neutron-tempest-plugin neutron\n")
    res = render_local_conf(plugins={"neutron-tempest-plugin": "u", "neutron": "u"}, base_dir=str(tmp_path))
    assert res.plugins == ["neutron", "neutron-tempest-plugin"]


def test_read_plugin_requirements_stops_at_git_roots(tmp_path):
    _plugin(tmp_path, "outer", "define_plugin outer\nplugin_requires outer a\n")
    _plugin(tmp_path / "outer", "inner", "define_plugin inner\nplugin_requires inner b\n")
    assert read_plugin_requirements(str(tmp_path)) == {"outer": {"a"}}
    assert read_plugin_requirements(None) == {}


def test_plugins_come_last():
    res = render_local_conf(localrc={"DEST": "/opt/stack"}, plugins={"p": "u"}, services={"base": False})
    assert res.text.splitlines()[-2:] == ["enable_plugin p u", ""]


def test_local_conf_meta_sections_exact():
    local_conf = {"post-config": {"$NEUTRON_CONF": {"DEFAULT": OrderedDict([("global_physnet_mtu", 1430), ("flag", True)])}}}
    res = render_local_conf(local_conf=local_conf)
    assert res.text == ("[[local|localrc]]\n\n\n[[post-config|$NEUTRON_CONF]]\n[DEFAULT]\nglobal_physnet_mtu = 1430\nflag = True\n")


def test_local_conf_multi_valued_option():
    local_conf = OrderedDict(
        [
            ("post-config", {"$NEUTRON_CONF": OrderedDict([("DEFAULT", {"lst": ["a", "b"]}), ("x", {"k": None})])}),
            ("test-config", {"$TEMPEST_CONFIG": {"compute": {"min_compute_nodes": 2}}}),
        ]
    )
    res = render_local_conf(local_conf=local_conf)
    assert res.text == (
        "[[local|localrc]]\n\n\n"
        "[[post-config|$NEUTRON_CONF]]\n[DEFAULT]\nlst = a\nlst = b\n\n[x]\nk = \n"
        "[[test-config|$TEMPEST_CONFIG]]\n[compute]\nmin_compute_nodes = 2\n"
    )


def test_local_conf_newline_rejected():
    with pytest.raises(GatekitInputError, match=r"local_conf.post-config.f.S.k: values must be one line"):
        render_local_conf(local_conf={"post-config": {"f": {"S": {"k": "a\nb"}}}})


def test_empty_input():
    assert render_local_conf().text == "[[local|localrc]]\n\n\n"


def test_job_like_input():
    res = render_local_conf(
        services=OrderedDict([("base", False), ("mysql", True), ("key", True), ("tempest", True)]),
        localrc=OrderedDict([("LOG_COLOR", False), ("LOGFILE", "/opt/stack/logs/devstacklog.txt"), ("ADMIN_PASSWORD", "secretadmin")]),
        plugins={"neutron": URL % "neutron"},
        projects=OrderedDict(
            [
                ("opendev.org/openstack/nova", {"required": True, "short_name": "nova"}),
                ("opendev.org/openstack/tempest", {"required": True, "short_name": "tempest"}),
                (
                    "opendev.org/openstack/cinder-tempest-plugin",
                    {"required": True, "short_name": "cinder-tempest-plugin"},
                ),
            ]
        ),
        project={"short_name": "oslo.log"},
        tempest_plugins=["cinder-tempest-plugin"],
        base_dir="/opt/stack",
        local_conf={"post-config": {"$NOVA_CONF": {"DEFAULT": {"debug": True}}}},
    )
    assert res.text == (
        "[[local|localrc]]\n"
        "disable_all_services\nenable_service mysql\nenable_service key\nenable_service tempest\n"
        'ADMIN_PASSWORD="secretadmin"\nLOGFILE="/opt/stack/logs/devstacklog.txt"\nLOG_COLOR="False"\n'
        "LIBS_FROM_GIT=nova,tempest,cinder-tempest-plugin,oslo.log\n"
        'TEMPEST_PLUGINS="/opt/stack/cinder-tempest-plugin"\n'
        "enable_plugin neutron https://opendev.org/openstack/neutron\n\n"
        "[[post-config|$NOVA_CONF]]\n[DEFAULT]\ndebug = True\n"
    )


def test_libs_from_git_extend():
    res = render_local_conf(projects=PROJECTS, libs_from_git=["oslo.db", "nova"])
    assert _value(res.text, "LIBS_FROM_GIT") == "nova,oslo.messaging,oslo.db"


# ---- value text and quoting (bugs 5, 6 of docs/modules/devstack_local_conf.md) ----


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3.10", '"3.10"'),
        (True, '"True"'),
        (False, '"False"'),
        (None, '""'),
        (8, '"8"'),
        (["a", "b"], '"a,b"'),
        ("$DEST/x", '"$DEST/x"'),
        ("with space", '"with space"'),
        ('say "hi"', "'say \"hi\"'"),
        ("a`id`b", "'a`id`b'"),
        ("$(reboot)", "'$(reboot)'"),
        ("it's $(x)", "'it'\\''s $(x)'"),
        ("back\\slash", "'back\\slash'"),
        ('"$(hostname)"', "'$(hostname)'"),
        ({"shell": "$(hostname -f)"}, "$(hostname -f)"),
    ],
)
def test_shell_value(value, expected):
    assert shell_value("localrc.K", "K", value) == expected


def test_shell_value_space_separated_list():
    assert shell_value("localrc.TEMPEST_PLUGINS", "TEMPEST_PLUGINS", ["/a", "/b"]) == '"/a /b"'


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"sh": "x"}, "a dict value must be"),
        ("a\nb", "one line"),
        ([["nested"]], r"localrc.K\[0\]: expected a string"),
    ],
)
def test_shell_value_errors(value, message):
    with pytest.raises(GatekitInputError, match=message):
        shell_value("localrc.K", "K", value)


def test_literal_values_round_trip_through_bash(tmp_path):
    """The quoted text, sourced by bash, gives back exactly the value."""
    values = OrderedDict([("A", 'say "hi"'), ("B", "a`id`b"), ("C", "$(false) it's"), ("D", "x\\y"), ("E", "$A/x")])
    text = render_local_conf(localrc=values).text
    body = text.split("\n", 1)[1]
    script = tmp_path / "rc.sh"
    script.write_text(body + 'printf "%s\\0" "$A" "$B" "$C" "$D" "$E"\n')
    out = subprocess.run(["bash", str(script)], capture_output=True, check=True).stdout.decode().split("\0")[:-1]
    assert out == ['say "hi"', "a`id`b", "$(false) it's", "x\\y", 'say "hi"/x']


def test_float_warns():
    res = render_local_conf(localrc={"PYTHON3_VERSION": 3.1})
    assert _value(res.text, "PYTHON3_VERSION") == '"3.1"'
    assert "quote it in YAML" in res.warnings[0]


def test_bad_variable_name():
    with pytest.raises(GatekitInputError, match=r"localrc.BAD-NAME: not a valid shell variable name"):
        render_local_conf(localrc={"BAD-NAME": "x"})


def test_tempest_plugins_need_base_dir():
    with pytest.raises(GatekitInputError, match="base_dir"):
        render_local_conf(tempest_plugins=["x"])


def test_no_file_touched(tmp_path):
    render_local_conf(localrc={"A": "1"}, base_dir=str(tmp_path))
    assert os.listdir(str(tmp_path)) == []


# ---- parsing (legacy /tmp/dg-local.conf text) ----


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('"quoted value"', "quoted value"),
        ("plain", "plain"),
        ("'single'", "single"),
        ("$HOME/x", "$HOME/x"),
        ("${A}b", "${A}b"),
        ("'$HOME'", {"shell": "'$HOME'"}),
        ("~/x", {"shell": "~/x"}),
        ('"$(hostname)"', {"shell": '"$(hostname)"'}),
        ("a b", {"shell": "a b"}),
    ],
)
def test_parse_shell_value(raw, expected):
    assert parse_shell_value(raw) == expected


def test_parse_then_render_keeps_shell_meaning():
    text = "[[local|localrc]]\nA='$HOME'\nB=\"$(id -u)\"\nC=plain\n\n"
    parsed = parse_local_conf(text)
    assert render_local_conf(localrc=parsed["localrc"]).text == '[[local|localrc]]\nA=\'$HOME\'\nB="$(id -u)"\nC="plain"\n\n'


def test_parse_local_conf_sections():
    text = (
        "FOO=1\n"
        "[[local|localrc]]\n# comment\ndisable_all_services\nenable_service key mysql\nenable_plugin p https://x/p\n"
        "[[post-config|$NOVA_CONF]]\n[DEFAULT]\nm = 1\nm=2\n; c\n[api]\nx = y\n"
        "[[test-config|$TEMPEST_CONFIG]]\nstray line\n"
    )
    parsed = parse_local_conf(text)
    assert dict(parsed["localrc"]) == {"FOO": "1"}
    assert dict(parsed["services"]) == {"base": False, "key": True, "mysql": True}
    assert dict(parsed["plugins"]) == {"p": "https://x/p"}
    assert json.loads(json.dumps(parsed["local_conf"])) == {
        "post-config": {"$NOVA_CONF": {"DEFAULT": {"m": ["1", "2"]}, "api": {"x": "y"}}},
        "test-config": {"$TEMPEST_CONFIG": {}},
    }
    assert parsed["notes"] == ["line 15 ([[test-config|$TEMPEST_CONFIG]]): not an option line, ignored: stray line"]
