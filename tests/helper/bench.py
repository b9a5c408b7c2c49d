#!/usr/bin/env python3
"""tests/helper/bench.py (make bench): measure alter against what users would run instead.

Starts the reference server on loopback with a throwaway CA, then measures,
side by side in one run, with a warm-up and several runs each (medians,
min/max): binary size and its split, `alter --version`, one authenticated
request (alter, curl, a Node.js https.get script), trust setup, paging on one
connection, and streaming memory.  Writes BENCHMARKS.md.  Public tools only:
os.wait4 for CPU time and peak RSS, valgrind --tool=callgrind for instruction
counts (machine-noise free).
"""

import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ALTER = os.path.join(TOP, "alter")
PKI = os.path.join(TOP, "tests", "tmp", "pki")
FIXTURE = os.path.join(TOP, "tests", "fixture.json")
HOST_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
RUNS = int(os.environ.get("BENCH_RUNS", "15"))
TOKEN = json.load(open(FIXTURE))["tokens"]["full"]["token"]

work = tempfile.mkdtemp(prefix="alter-bench.")
servers = []


def start_server(name, *flags):
    port_file = os.path.join(work, name + ".port")
    cert = [] if "--cert" in flags else ["--cert", os.path.join(PKI, "good.pem"), "--key",
                                         os.path.join(PKI, "good.key")]
    p = subprocess.Popen(
        [sys.executable, os.path.join(TOP, "tests", "helper", "refserver.py"), *cert,
         "--port", "0", "--port-file", port_file, "--log", os.path.join(work, name + ".log"),
         "--fixture", FIXTURE, "--idle-close-ms", "60000", *flags],
        stderr=subprocess.DEVNULL)
    servers.append(p)
    for _ in range(200):
        if os.path.exists(port_file) and open(port_file).read().strip():
            return int(open(port_file).read())
        time.sleep(0.05)
    raise SystemExit("bench: server %s did not start" % name)


BENCH_RUN = os.path.join(TOP, "build", "bench_run")


def run(argv, env=None):
    """Run once through build/bench_run; return (wall s, cpu s, peak RSS KiB, status).

    bench_run is a small static program: a child forked from this Python
    process would carry its memory into the command's peak RSS.
    """
    out = subprocess.run([BENCH_RUN, *argv], env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    return int(out[0]) / 1e6, int(out[1]) / 1e6, int(out[2]), int(out[3])


def measure(argv, env=None, runs=RUNS):
    run(argv, env)  # warm-up
    rows = [run(argv, env) for _ in range(runs)]
    bad = [r[3] for r in rows if r[3] != 0]
    if bad:
        raise SystemExit("bench: %s exited %s" % (" ".join(argv[:3]), bad[0]))
    col = lambda i: [r[i] for r in rows]
    return {"wall": col(0), "cpu": col(1), "rss": col(2)}


def instructions(argv, env=None):
    if shutil.which("valgrind") is None:
        return None
    out = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                          *argv], env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True, timeout=600)
    m = re.search(r"Collected : (\d+)", out.stderr)
    return int(m.group(1)) if m else None


def ms(values):
    return "%.2f (%.2f-%.2f)" % (statistics.median(values) * 1e3, min(values) * 1e3,
                                 max(values) * 1e3)


def kib(values):
    return "%d" % statistics.median(values)


def env_with(**kv):
    e = {k: v for k, v in os.environ.items()
         if not k.startswith(("ALTER_", "SSL_CERT", "NODE_")) and "proxy" not in k.lower()}
    e.update(kv)
    return e


def size_split():
    """Bytes of .text/.rodata/.data per origin, from a link map of the same objects."""
    objs = ["build/obj/alter.o"] + sorted(
        "build/obj/" + f for f in os.listdir(os.path.join(TOP, "build", "obj"))
        if f.endswith(".o") and f not in ("alter.o", "portal.o", "cJSON.o"))
    mapfile = os.path.join(work, "alter.map")
    subprocess.run(["musl-gcc", "-static", "-Wl,--gc-sections", "-Wl,-z,noseparate-code",
                    "-Wl,-Map=" + mapfile, "-o", os.path.join(work, "a.out"), *objs,
                    "build/anchors.o", "build/src/bearssl/build/libbearssl.a",
                    "build/obj/cJSON.o"], cwd=TOP, check=True)
    split = {"alter's own code": 0, "BearSSL": 0, "cJSON": 0, "musl libc": 0,
             "compiled-in roots": 0}
    lines = open(mapfile).read().split("\n")
    for i, line in enumerate(lines):
        m = re.match(r"^ \.(text|rodata|data)\S*\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S+)", line)
        if not m:
            m2 = re.match(r"^ \.(text|rodata|data)\S*$", line)
            if not m2 or i + 1 >= len(lines):
                continue
            m = re.match(r"^\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S+)", lines[i + 1])
            if not m:
                continue
            size, f = int(m.group(1), 16), m.group(2)
        else:
            size, f = int(m.group(2), 16), m.group(3)
        if "bearssl" in f:
            split["BearSSL"] += size
        elif "cJSON" in f:
            split["cJSON"] += size
        elif "anchors" in f:
            split["compiled-in roots"] += size
        elif "musl" in f or "libc" in f or "crt" in f:
            split["musl libc"] += size
        else:
            split["alter's own code"] += size
    return split


def rsa_pki():
    """A chain like most of the public web: RSA root, RSA leaf (mkcerts.sh's root is EC)."""
    d = os.path.join(work, "rsa")
    os.mkdir(d)
    sh = """set -e
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 \\
        -subj /CN=bench-rsa-root -addext basicConstraints=critical,CA:TRUE \\
        -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout leaf.key -out leaf.csr -subj /CN=localhost 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\nextendedKeyUsage=serverAuth\\n' > ext
    openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \\
        -extfile ext -out leaf.pem 2>/dev/null
    """
    subprocess.run(["sh", "-c", sh], cwd=d, check=True)
    return d


def main():
    out = []
    w = out.append
    port = start_server("main")
    rsa = rsa_pki()
    rsaport = start_server("rsa", "--cert", os.path.join(rsa, "leaf.pem"), "--key",
                           os.path.join(rsa, "leaf.key"))
    pages = start_server("pages", "--apps", "97")
    audit20 = start_server("audit20", "--audit-events", "20000")
    audit200 = start_server("audit200", "--audit-events", "200000")
    base = "https://localhost:%d" % port
    ca = os.path.join(PKI, "ca.pem")
    bundle = os.path.join(work, "bundle-plus-test-ca.pem")
    with open(bundle, "w") as f:
        f.write(open(HOST_BUNDLE).read() if os.path.exists(HOST_BUNDLE) else "")
        f.write(open(ca).read())
    node_script = os.path.join(work, "get.js")
    with open(node_script, "w") as f:
        f.write("""const https = require('https');
const fs = require('fs');
const o = { headers: { 'Authorization': 'Bearer ' + process.env.ALTER_PAT,
  'Accept': 'application/json', 'User-Agent': 'alter/bench' } };
if (process.env.BENCH_CA) o.ca = fs.readFileSync(process.env.BENCH_CA);
https.get(process.env.BENCH_URL, o, (r) => { let b = '';
  r.on('data', (d) => b += d); r.on('end', () => process.exit(r.statusCode === 200 ? 0 : 1)); })
  .on('error', () => process.exit(1));
""")
    curl_cfg = os.path.join(work, "curl.cfg")
    with open(curl_cfg, "w") as f:
        f.write('header = "Authorization: Bearer %s"\n' % TOKEN)
    os.chmod(curl_cfg, 0o600)

    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    w("# alter benchmarks\n")
    w("Made by `make bench` (tests/helper/bench.py) on %s. Machine: %s, %d cores, %s; Linux %s."
      % (now, platform.machine(), os.cpu_count(), platform.python_version() and
         subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"],
                        capture_output=True, text=True).stdout.strip(), platform.release()))
    w("Each row: median (min-max) of %d runs after one warm-up, all against the reference "
      "server on loopback in the same run. These machines are noisy: read the ratios and "
      "the instruction counts, not single times.\n" % RUNS)
    w("Load average when the run started: %s (on an idle machine times and CPU shrink; the "
      "instruction counts do not change)." % open("/proc/loadavg").read().split()[0])
    w("Reproduce: `./dev.sh deps && make bench`.\n")

    # Size.
    size = os.path.getsize(ALTER)
    w("## Binary\n")
    w("| what | bytes |\n|---|---|")
    w("| `alter`, static, stripped | %d (%.1f KiB; target at most 300 KiB: %s) |"
      % (size, size / 1024, "met" if size <= 300 * 1024 else "MISSED"))
    for k, v in size_split().items():
        w("| %s (text + rodata + data) | %d |" % (k, v))
    node = shutil.which("node")
    if node:
        w("| for comparison: the `node` binary the published CLI needs | %d |"
          % os.path.getsize(os.path.realpath(node)))
    w("")

    # --version.
    v = measure([ALTER, "--version"], env_with())
    w("## `alter --version`\n")
    w("| wall ms | CPU ms | peak RSS KiB | instructions |\n|---|---|---|---|")
    w("| %s | %s | %s | %s |\n" % (ms(v["wall"]), ms(v["cpu"]), kib(v["rss"]),
                                    instructions([ALTER, "--version"], env_with())))

    # One request.
    w("## One authenticated request (`GET /v1/pats/me`)\n")
    w("| tool | trust input | wall ms | CPU ms | peak RSS KiB | instructions |")
    w("|---|---|---|---|---|---|")
    rows = []
    alter_env = env_with(ALTER_PAT=TOKEN)
    rbase = "https://localhost:%d" % rsaport
    rca = os.path.join(rsa, "ca.pem")
    curl = ["curl", "-sf", "-o", "/dev/null", "--tlsv1.2", "--tls-max", "1.2", "-K", curl_cfg,
            "-H", "Accept: application/json", "-A", "alter/bench"]
    cases = [
        ("alter", "RSA chain: the CA file", [ALTER, "api", "GET", "/v1/pats/me", "--base-url",
                                             rbase, "--ca-file", rca], alter_env),
        ("curl (OpenSSL)", "RSA chain: the CA file", curl + ["--cacert", rca,
                                                             rbase + "/v1/pats/me"], env_with()),
        ("node https.get", "RSA chain: the CA file", ["node", node_script],
         env_with(ALTER_PAT=TOKEN, BENCH_URL=rbase + "/v1/pats/me", BENCH_CA=rca)),
        ("alter", "the test CA file", [ALTER, "api", "GET", "/v1/pats/me", "--base-url", base,
                                        "--ca-file", ca], alter_env),
        ("curl (OpenSSL)", "the test CA file",
         ["curl", "-sf", "-o", "/dev/null", "--tlsv1.2", "--tls-max", "1.2", "-K", curl_cfg,
          "-H", "Accept: application/json", "-A", "alter/bench", "--cacert", ca,
          base + "/v1/pats/me"], env_with()),
        ("node https.get", "the test CA file", ["node", node_script],
         env_with(ALTER_PAT=TOKEN, BENCH_URL=base + "/v1/pats/me", BENCH_CA=ca)),
        ("alter", "host bundle + test CA (%s)" % "SSL_CERT_FILE",
         [ALTER, "api", "GET", "/v1/pats/me", "--base-url", base],
         env_with(ALTER_PAT=TOKEN, SSL_CERT_FILE=bundle)),
        ("curl (OpenSSL)", "host bundle + test CA (--cacert)",
         ["curl", "-sf", "-o", "/dev/null", "--tlsv1.2", "--tls-max", "1.2", "-K", curl_cfg,
          "-H", "Accept: application/json", "-A", "alter/bench", "--cacert", bundle,
          base + "/v1/pats/me"],
         env_with()),
        ("node https.get", "its own roots + test CA (NODE_EXTRA_CA_CERTS)", ["node", node_script],
         env_with(ALTER_PAT=TOKEN, BENCH_URL=base + "/v1/pats/me", NODE_EXTRA_CA_CERTS=ca)),
    ]
    results = {}
    for tool, trust, argv, e in cases:
        if shutil.which(argv[0]) is None and not os.path.exists(argv[0]):
            w("| %s | %s | not installed | | | |" % (tool, trust))
            continue
        r = measure(argv, e)
        ins = instructions(argv, e) if tool != "node https.get" else None
        results[(tool, trust)] = (r, ins)
        w("| %s | %s | %s | %s | %s | %s |" % (tool, trust, ms(r["wall"]), ms(r["cpu"]),
                                               kib(r["rss"]), ins if ins else "not measured"))
    w("")
    w("The RSA chain (RSA root and leaf, like most of the public web) is the headline row. "
      "The test CA is ECDSA P-256: alter verifies P-256 and P-384 signatures with BearSSL's "
      "generic i31 curve code, chosen over its 7.8 KB P-256 special case to stay under "
      "300 KiB, so ECDSA chains cost about 20 million more instructions.\n")
    a = results.get(("alter", "RSA chain: the CA file"))
    c = results.get(("curl (OpenSSL)", "RSA chain: the CA file"))
    n = results.get(("node https.get", "RSA chain: the CA file"))
    if a and c:
        w("alter needs %.1fx less CPU and %.1fx less memory than curl, and %s instructions."
          % (statistics.median(c[0]["cpu"]) / max(statistics.median(a[0]["cpu"]), 1e-6),
             statistics.median(c[0]["rss"]) / statistics.median(a[0]["rss"]),
             "%.1fx fewer" % (c[1] / a[1]) if a[1] and c[1] else "(not measured)"))
    if a and n:
        w("Against Node.js: %.1fx less wall time, %.1fx less memory.\n"
          % (statistics.median(n[0]["wall"]) / statistics.median(a[0]["wall"]),
             statistics.median(n[0]["rss"]) / statistics.median(a[0]["rss"])))
    if a:
        cpu = statistics.median(a[0]["cpu"]) * 1e3
        rss = statistics.median(a[0]["rss"])
        w("Targets: one request at most 5 ms CPU: %.2f ms (%s); peak RSS under 1 MiB: %d KiB "
          "(%s).\n" % (cpu, "met" if cpu <= 5 else "MISSED", rss,
                       "met" if rss < 1024 else "MISSED"))

    # Trust setup.
    w("## Trust setup alone\n")
    bt = os.path.join(TOP, "build", "bench_trust")
    if os.path.exists(HOST_BUNDLE) and os.path.exists(bt):
        ours, bear, count = subprocess.run([bt, HOST_BUNDLE], capture_output=True, text=True,
                                           check=True).stdout.split()
        w("| loader | %s certificates (%s) |\n|---|---|" % (count, HOST_BUNDLE))
        w("| alter (map, table-driven base64, subjects only; decode at handshake only the "
          "certificates that can anchor the chain) | %s ms |" % ours)
        w("| BearSSL's PEM + X.509 decoders over every certificate | %s ms |" % bear)
        w("| compiled-in roots | 0 ms to load (a blob in the binary; matching roots are read "
          "at handshake) |\n")

    # Paging on one connection.
    w("## `apps list --all` over 10 pages\n")
    pbase = "https://localhost:%d" % pages
    log = os.path.join(work, "pages.log")
    before = sum(1 for _ in open(log)) if os.path.exists(log) else 0
    allr = measure([ALTER, "apps", "list", "--all", "--limit", "10", "-o", "jsonl",
                    "--base-url", pbase, "--ca-file", ca], alter_env, runs=5)
    entries = [json.loads(l) for l in open(log)][before:]
    per_run = len(entries) // 6
    conns = {e["conn"] for e in entries[-per_run:]}
    sep = measure(["sh", "-c", "for o in 0 10 20 30 40 50 60 70 80 90; do \"$0\" apps list "
                   "--limit 10 --offset $o -o jsonl --base-url %s --ca-file %s >/dev/null; done"
                   % (pbase, ca), ALTER], alter_env, runs=5)
    w("| how | requests | TLS connections | wall ms |\n|---|---|---|---|")
    w("| one run, `--all --limit 10` | %d | %d | %s |" % (per_run, len(conns), ms(allr["wall"])))
    w("| 10 separate runs, `--offset` | 10 | 10 | %s |\n" % ms(sep["wall"]))

    # Streaming.
    w("## `audit list --all -o jsonl` streaming\n")
    w("| events | wall s | events/s | peak RSS KiB |\n|---|---|---|---|")
    rss = {}
    for events, p in ((20000, audit20), (200000, audit200)):
        argv = [ALTER, "audit", "list", "--all", "--limit", "1000", "-o", "jsonl",
                "--base-url", "https://localhost:%d" % p, "--ca-file", ca]
        r = measure(argv, alter_env, runs=3)
        lines = subprocess.run(argv, env=alter_env, capture_output=True, text=True).stdout.count("\n")
        if lines != events:
            raise SystemExit("bench: audit printed %d events, expected %d" % (lines, events))
        wall = statistics.median(r["wall"])
        rss[events] = statistics.median(r["rss"])
        w("| %d | %.2f | %d | %d |" % (events, wall, events / wall, rss[events]))
    growth = rss[200000] / rss[20000] - 1
    w("\nPeak RSS at 200,000 events is %+.1f%% of that at 20,000 (target: flat, within 10%%: %s).\n"
      % (growth * 100, "met" if abs(growth) <= 0.10 else "MISSED"))

    open(os.path.join(TOP, "BENCHMARKS.md"), "w").write("\n".join(out) + "\n")
    print("\n".join(out))


try:
    main()
finally:
    for p in servers:
        p.terminate()
    for p in servers:
        p.wait()
    shutil.rmtree(work, ignore_errors=True)
