# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Learn secret values from text and scrub them out of collected logs.

Secret values are the values of keys that look secret (password, secret, token, key,
credential) in ``key = value``, ``key: value`` and ``KEY=value`` lines, and passwords in
connection URLs. Every occurrence of any of them, in every text, becomes ``<redacted>``.
"""

import re

SECRET_KEY = re.compile(r"(pass(word|wd)?|secret|token|credential|private[_-]?key|api[_-]?key)", re.I)
LINE = re.compile(r"""^\s*(?:export\s+)?["']?([A-Za-z0-9_.\-]+)["']?\s*(?:=|:)\s*["']?(.*?)["']?\s*$""")
URL_PASSWORD = re.compile(r"://[^:/@\s]+:([^@\s]+)@")
MIN_LEN = 6
REDACTED = "<redacted>"
#: how far into a file a NUL byte makes it binary (never scrubbed, never learned from).
BINARY_PROBE = 4096


def learn(text):
    """The secret values ``text`` gives away."""
    found = set()
    for line in text.splitlines():
        match = LINE.match(line)
        if match and SECRET_KEY.search(match.group(1)):
            value = match.group(2).strip()
            if len(value) >= MIN_LEN and value.lower() not in (REDACTED, "none", "true", "false"):
                found.add(value)
        for url in URL_PASSWORD.finditer(line):
            if len(url.group(1)) >= MIN_LEN:
                found.add(url.group(1))
    return found


def decode_text(data):
    """``data`` (bytes) as text, or ``None`` when it is binary."""
    if b"\0" in data[:BINARY_PROBE]:
        return None
    return data.decode("utf-8", "surrogateescape")


def scrub_texts(texts, sources=()):
    """Scrub ``texts`` (path -> text) of every secret learned from ``sources`` (texts) and
    from ``texts`` themselves. Returns ``(changed, known)``: path -> scrubbed text for the
    texts that changed, and how many secret values were known."""
    secrets = set()
    for text in sources:
        secrets |= learn(text)
    for text in texts.values():
        secrets |= learn(text)
    ordered = sorted(secrets, key=len, reverse=True)  # a longer secret may contain a shorter one
    changed = {}
    for path, text in texts.items():
        new = text
        for value in ordered:
            if value in new:
                new = new.replace(value, REDACTED)
        if new != text:
            changed[path] = new
    return changed, len(secrets)


def summary(changed, files, known):
    """The line the role reports; never a value."""
    return "scrubbed %d file(s) of %d, %d secret value(s) known" % (changed, files, known)
