#!/usr/bin/env python3
"""Extract the regexes of Debian's logcheck-database package into a vyre rules file.

Source: the Debian package logcheck-database (bookworm: 1.4.2+deb12u1), fetched with `apt-get download` (or
given as a .deb path), unpacked with dpkg-deb. Every non-comment, non-blank line of every file under
/etc/logcheck/ (cracking.d, violations.d, violations.ignore.d, ignore.d.server, ignore.d.workstation,
ignore.d.paranoid) is one rule, as logcheck feeds those files to `grep -E`. Files and lines are taken in sorted
order; rule ids are their 0-based position in that order, so they are stable.

Conversion (mechanical, nothing else is changed): each POSIX bracket class inside a bracket expression is
replaced by the byte ranges it means in the C locale ([:digit:] -> 0-9, [:alnum:] -> A-Za-z0-9, [:space:] ->
' \\t\\n\\x0B\\f\\r', ...). The rules are then read in the PCRE-like dialect shared by vyre and Hyperscan with the
MULTILINE flag (m: ^ and $ at line boundaries, as grep -E applies them per line). Where that dialect differs from
grep -E: a backslash inside brackets escapes the next character instead of being literal; `.` and negated
classes other than `[^...\\n...]` may cross a newline in a multi-line input where grep never sees one.

Every converted rule is then compiled alone by vyre, then by Hyperscan (scripts/corpus/CheckRules.java; build
first: ./mvnw -DskipTests package); the rules both accept go to the rules file, each under a comment naming its
origin (file:line); the others go to the .refused file with the refusing engine and its reason.

Usage: scripts/corpus/logcheck-rules.py [--deb PATH] [--out bench/rules/logcheck.rules]
License of the rules: GPL-2.0 (Debian Logcheck Team and contributors; see the package's copyright file).
"""
import argparse
import glob
import os
import re
import subprocess
import sys
import tempfile

PACKAGE = "logcheck-database"
POSIX = {
    "alnum": "A-Za-z0-9",
    "alpha": "A-Za-z",
    "digit": "0-9",
    "xdigit": "0-9A-Fa-f",
    "lower": "a-z",
    "upper": "A-Z",
    "space": " \\t\\n\\x0B\\f\\r",
    "blank": " \\t",
    "punct": "!-/:-@\\[-`{-~",
    "print": "\\x20-\\x7E",
    "graph": "\\x21-\\x7E",
    "cntrl": "\\x00-\\x1F\\x7F",
}
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def convert(rule):
    """Replaces [:name:] (always inside a bracket expression in these rules) by its C-locale ranges."""
    def sub(m):
        return POSIX[m.group(1)]
    return re.sub(r"\[:([a-z]+):\]", sub, rule)


def fetch(deb):
    work = tempfile.mkdtemp(prefix="logcheck-rules-")
    if deb is None:
        subprocess.run(["apt-get", "download", PACKAGE], cwd=work, check=True, stdout=subprocess.DEVNULL)
        deb = glob.glob(os.path.join(work, PACKAGE + "_*.deb"))[0]
    version = subprocess.run(["dpkg-deb", "-f", deb, "Version"], check=True, capture_output=True,
                             text=True).stdout.strip()
    tree = os.path.join(work, "x")
    subprocess.run(["dpkg-deb", "-x", deb, tree], check=True)
    return version, os.path.join(tree, "etc", "logcheck")


def rules(base):
    for path in sorted(glob.glob(os.path.join(base, "*", "*"))):
        rel = os.path.relpath(path, os.path.dirname(os.path.dirname(base)))
        with open(path, "rb") as f:
            for n, raw in enumerate(f.read().decode("latin-1").split("\n"), 1):
                line = raw[:-1] if raw.endswith("\r") else raw
                if line.strip() and not line.lstrip().startswith("#"):
                    yield "/" + rel + ":" + str(n), line


def check(converted):
    """Runs CheckRules.java over ID:pattern lines; returns {id: reason} of refused rules."""
    with tempfile.NamedTemporaryFile("w", encoding="latin-1", suffix=".rules", delete=False) as t:
        for i, (_, _, rule) in enumerate(converted):
            t.write("%d:%s\n" % (i, rule))
    java = os.path.join(os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"), "bin", "java")
    cp = os.pathsep.join(glob.glob(os.path.join(ROOT, "vyre-scan-peers", "target", "vyre-scan-peers-*[0-9T].jar"))
                         + glob.glob(os.path.join(ROOT, "vyre-cli", "target", "vyre-cli-*[0-9T].jar"))
                         + [os.path.join(ROOT, "vyre-scan-peers", "target", "lib", "*"),
                            os.path.join(ROOT, "vyre-cli", "target", "lib", "*")])
    out = subprocess.run([java, "-cp", cp,
                          os.path.join(ROOT, "scripts", "corpus", "CheckRules.java"), t.name, "m"],
                         check=True, capture_output=True, text=True, encoding="latin-1").stdout
    os.unlink(t.name)
    refused = {}
    for line in out.splitlines():
        rid, reason = line.split("\t", 1)
        refused[int(rid)] = reason
    return refused


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--deb", help="a logcheck-database .deb (default: apt-get download)")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "rules", "logcheck.rules"))
    a = ap.parse_args()
    version, base = fetch(a.deb)
    converted = []
    for origin, rule in rules(base):
        converted.append((origin, rule, convert(rule)))
    refused = check(converted)
    header = [
        "# %s %s (Debian bookworm), /etc/logcheck/*/*: every rule line, ids = position in sorted order." % (
            PACKAGE, version),
        "# Generated by scripts/corpus/logcheck-rules.py; scan with flag m (vyre bench scan --flags m).",
        "# Conversion: POSIX bracket classes replaced by C-locale ranges, nothing else.",
        "# License: GPL-2.0. Copyright (C) 2004-2023 Debian Logcheck Team <logcheck@packages.debian.org>,",
        "# (C) 2003 Steve Kemp, (C) 2002-2003 Jonathan Middleton, (C) 1999-2002 Rene Mayrhofer,",
        "# (C) 1996-1997 Craig H. Rowland. This file is free software; you can redistribute it and/or modify it",
        "# under the terms of the GNU General Public License version 2 as published by the Free Software",
        "# Foundation (see /usr/share/common-licenses/GPL-2 on Debian).",
    ]
    accepted = 0
    with open(a.out, "w", encoding="latin-1", newline="\n") as f, \
            open(os.path.splitext(a.out)[0] + ".refused", "w", encoding="latin-1", newline="\n") as r:
        f.write("\n".join(header) + "\n")
        r.write("\n".join(header[:1] + ["# Rules vyre or Hyperscan refuses: id<TAB>origin<TAB>engine: reason<TAB>"
                                          "converted rule"]
                          + header[3:]) + "\n")
        for i, (origin, original, rule) in enumerate(converted):
            if i in refused:
                r.write("%d\t%s\t%s\t%s\n" % (i, origin, refused[i].replace("\n", " | "), rule))
            else:
                accepted += 1
                f.write("# %s\n%d:%s\n" % (origin, i, rule))
    by_vyre = sum(1 for reason in refused.values() if reason.startswith("vyre:"))
    print("%s %s: %d rules, %d accepted by both, %d refused by vyre, %d more by hyperscan -> %s" % (
        PACKAGE, version, len(converted), accepted, by_vyre, len(refused) - by_vyre, a.out))


if __name__ == "__main__":
    sys.exit(main())
