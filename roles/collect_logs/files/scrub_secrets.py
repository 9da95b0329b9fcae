# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Scrub secrets from a directory of collected logs, in place.

Usage: python3 scrub_secrets.py STAGING_DIR SOURCE_FILE...

Secret values are learned from the SOURCE_FILEs (and from every collected file):
values of keys that look secret (password, secret, token, key, credential,
connection URLs with a password) in `key = value`, `key: value` and
`KEY=value` lines. Every occurrence of those values in every text file under
STAGING_DIR is replaced with <redacted>. Prints how many files changed, never a value.
"""

import os
import re
import sys

SECRET_KEY = re.compile(r"(pass(word|wd)?|secret|token|credential|private[_-]?key|api[_-]?key)", re.I)
LINE = re.compile(r"""^\s*(?:export\s+)?["']?([A-Za-z0-9_.\-]+)["']?\s*(?:=|:)\s*["']?(.*?)["']?\s*$""")
URL_PASSWORD = re.compile(r"://[^:/@\s]+:([^@\s]+)@")
MIN_LEN = 6


def learn(text):
    found = set()
    for line in text.splitlines():
        match = LINE.match(line)
        if match and SECRET_KEY.search(match.group(1)):
            value = match.group(2).strip()
            if len(value) >= MIN_LEN and value.lower() not in ("<redacted>", "none", "true", "false"):
                found.add(value)
        for url in URL_PASSWORD.finditer(line):
            if len(url.group(1)) >= MIN_LEN:
                found.add(url.group(1))
    return found


def read(path):
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    if b"\0" in data[:4096]:
        return None
    return data.decode("utf-8", "surrogateescape")


def main(argv):
    staging, sources = argv[1], argv[2:]
    secrets = set()
    for source in sources:
        text = read(source)
        if text:
            secrets |= learn(text)
    files = []
    for root, _dirs, names in os.walk(staging):
        for name in names:
            files.append(os.path.join(root, name))
    texts = {}
    for path in files:
        text = read(path)
        if text is not None:
            texts[path] = text
            secrets |= learn(text)
    ordered = sorted(secrets, key=len, reverse=True)
    changed = 0
    for path, text in texts.items():
        new = text
        for value in ordered:
            if value in new:
                new = new.replace(value, "<redacted>")
        if new != text:
            with open(path, "w", encoding="utf-8", errors="surrogateescape") as handle:
                handle.write(new)
            changed += 1
    print("scrubbed %d file(s) of %d, %d secret value(s) known" % (changed, len(texts), len(secrets)))


if __name__ == "__main__":
    main(sys.argv)
