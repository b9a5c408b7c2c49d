#!/usr/bin/env python3
"""scopes_walk.py ALTER TOP: check `alter scopes for` against the tables.

The commands come from the binary's own help (a walk of `alter ... --help`);
the scope each needs comes from the sources, not from a copy: the
preprocessed command tables (portal_rows.c, auth.c), the root table
(alter.c) and the endpoint table (endpoints.c).  Every leaf of the help
walk must be asked; `alter scopes for -o json` over all of them must give,
per command, the scope of its row's endpoint (null for a row that sends no
token), and as "scopes" the least set that covers them.  Prints what
differs and exits 1, or exits 0.
"""
import json
import re
import subprocess
import sys

ALTER, TOP = sys.argv[1], sys.argv[2]


def run(*args):
    p = subprocess.run([ALTER, *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def leaves(path=()):
    """The leaf commands under path, from `alter PATH --help`."""
    _, out, _ = run(*path, "--help")
    if "\ncommands:\n" not in out:
        return [" ".join(path)]
    block = out.split("\ncommands:\n", 1)[1].split("\n\n", 1)[0]
    found = []
    for line in block.splitlines():
        found += leaves(path + (line.split()[0],))
    return found


def cpp(name):
    return subprocess.run(["cc", "-E", "-P", "-I" + TOP, "-I" + TOP + "/build", TOP + "/" + name],
                          capture_output=True, text=True, check=True).stdout.replace("((void *)0)", "NULL")


# endpoints.c: [EP_X] = { "METHOD", path, "scope" or NULL }
EP = {}
for m in re.finditer(r"^\s*\[(EP_\w+)\]\s*=\s*\{(.*?)\s*\},?\s*\n", cpp("endpoints.c"), re.S | re.M):
    last = m.group(2).rsplit(",", 1)[1].strip()
    EP[m.group(1)] = None if last == "NULL" else last.strip('"')


def tables(text):
    """name -> rows (name, ep, sub table, needs a token) of each struct cmd table."""
    out = {}
    for m in re.finditer(r'struct cmd (\w+)\[\] = \{(.*?)\n\};', text, re.S):
        rows = []
        for r in re.finditer(r'\{ "([\w-]+)",(.*?)\},?\n(?=\s*\{|\s*$)', m.group(2) + "\n", re.S):
            body = r.group(2)
            ep = re.search(r'\.ep = (EP_\w+)', body)
            pos = re.match(r'\s*(\w+), (\w+), ([^,]*),', body)   # sub, fn, flags
            sub = re.search(r'\.sub = (\w+)', body) or pos
            fl = re.search(r'\.flags = ([^,]*),', body)
            fl = fl.group(1) if fl else pos.group(3) if pos else ""
            token = re.search(r'\b0x01\b', fl) is not None
            sub = sub.group(1) if sub and sub.group(1) != "NULL" and not ep else None
            rows.append((r.group(1), ep.group(1) if ep else None, sub, token))
        out[m.group(1)] = rows
    return out


T = {}
for f in ("portal_rows.c", "auth.c", "api.c"):
    T.update(tables(cpp(f)))
# alter.c's root table: { "name", sub_table, fn, flags, ... }
root = re.search(r'struct cmd top_cmds\[\] = \{(.*?)\n\};', cpp("alter.c"), re.S).group(1)
TOPS = {m.group(1): (m.group(2), m.group(3)) for m in
        re.finditer(r'\{ "([\w-]+)", (\w+), (\w+),', root)}

expect = {}
for group, (sub, fn) in TOPS.items():
    if sub == "NULL":
        expect[group] = None          # a leaf of the root: no endpoint row
        continue

    def walk(table, path):
        for name, ep, child, token in T[table]:
            p = path + " " + name
            if child:
                walk(child, p)
            else:
                expect[p] = EP[ep] if token and ep else None
    walk(sub, group)
del expect["api"]                     # any request: refused by scopes for

cmds = [c for c in leaves() if c != "api"]
bad = []
missing = set(expect) ^ set(cmds)
if missing:
    bad.append("help walk and tables differ: %s" % sorted(missing))
rc, out, err = run("scopes", "for", "-o", "json", *cmds[:16])
got = {}
for i in range(0, len(cmds), 16):
    rc, out, err = run("scopes", "for", "-o", "json", *cmds[i:i + 16])
    if rc != 0:
        bad.append("scopes for %s: exit %d %s" % (cmds[i:i + 16], rc, err))
        continue
    d = json.loads(out)
    got.update(d["commands"])
    # The least set: every command's scope is covered, nothing is redundant.
    need = {v for v in d["commands"].values() if v}
    if not set(d["scopes"]) <= need:
        bad.append("scopes %s not all needed by %s" % (d["scopes"], need))
    _, line, _ = run("scopes", "for", *cmds[i:i + 16])
    if line.strip() != ",".join(d["scopes"]):
        bad.append("the line %r is not the json list %r" % (line, d["scopes"]))
for c in cmds:
    if c in expect and got.get(c, "absent") != expect[c]:
        bad.append("%s: alter says %r, the tables %r" % (c, got.get(c, "absent"), expect[c]))
n = sum(1 for v in expect.values() if v)
if n < 40:
    bad.append("only %d commands with a scope found in the tables" % n)
for b in bad:
    print("#", b)
sys.exit(1 if bad else 0)
