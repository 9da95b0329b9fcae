# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the log scrubber learns as secret, and how it scrubs."""

from ansible_collections.gatekit.devstack.plugins.module_utils.gate.secrets_scrub import (
    decode_text,
    learn,
    scrub_texts,
    summary,
)


def test_learn_key_value_shapes_and_urls():
    text = "\n".join([
        "ADMIN_PASSWORD=Zq8vL2mN4pX7",
        "export SERVICE_TOKEN='tok-9f8e7d6c5b'",
        "    password: \"Alt-Pw-31337\"",
        "api_key = k3y-0123456",
        "connection = mysql+pymysql://keystone:Db-Pw-424242@127.0.0.1/keystone",
        "password = short",
        "secret: <redacted>",
        "token: none",
        "hostname = not-a-secret-value",
    ])
    assert learn(text) == {"Zq8vL2mN4pX7", "tok-9f8e7d6c5b", "Alt-Pw-31337", "k3y-0123456", "Db-Pw-424242"}


def test_scrub_uses_sources_and_every_text_longest_first():
    texts = {"a.log": "login admin Zq8vL2mN4pX7 ok\n", "conf": "db_password = Zq8vL2mN4pX7-long\n", "keep": "hello\n"}
    changed, known = scrub_texts(texts, ["ADMIN_PASSWORD=Zq8vL2mN4pX7\n"])
    assert known == 2
    assert changed == {"a.log": "login admin <redacted> ok\n", "conf": "db_password = <redacted>\n"}
    assert summary(len(changed), len(texts), known) == "scrubbed 2 file(s) of 3, 2 secret value(s) known"


def test_binary_is_not_text():
    assert decode_text(b"\0\0secret") is None
    assert decode_text(b"caf\xc3\xa9 \xff") == "caf\u00e9 \udcff"
