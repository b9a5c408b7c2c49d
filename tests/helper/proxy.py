#!/usr/bin/env python3
"""proxy.py: a loopback HTTP CONNECT proxy for alter's tests.

USAGE

  python3 tests/helper/proxy.py --port-file FILE --log FILE [--auth user:pass]
          [--map host=ip]... [--status N]

  --port-file FILE   written (temp file + rename) with the port once listening
                     on 127.0.0.1 (a free port is picked).
  --log FILE         one JSON line per request, appended and flushed before the
                     answer is sent: {"target": "host:port", "auth": "ok" |
                     "missing" | "bad" | "none", "status": N, "method": "CONNECT",
                     "headers": [header names, lowercase]}.  The password and
                     the Proxy-Authorization value are never logged.
  --auth user:pass   require "Proxy-Authorization: Basic base64(user:pass)";
                     missing or wrong: 407 with Proxy-Authenticate: Basic
                     realm="test".  Without --auth, auth is logged as "none".
  --map host=ip      resolve host to ip (before the system resolver), so that
                     test names such as api.alter.test work.  Repeatable.
  --status N         answer every (authorized) CONNECT with status N and close
                     (407 also carries Proxy-Authenticate).

A CONNECT that passes is answered "HTTP/1.1 200 Connection established" once
the proxy has connected to the target (502 if it cannot), then bytes are
relayed both ways until either side closes.  Any method other than CONNECT
gets 405.  Python 3 standard library only.
"""

import argparse
import base64
import http
import json
import os
import re
import select
import socket
import sys
import threading

MAX_HEAD = 16 * 1024
CONNECT_TIMEOUT = 10.0


class Proxy:
    def __init__(self, args):
        self.auth = args.auth
        self.status = args.status
        self.map = {}
        for entry in args.map:
            host, sep, ip = entry.partition("=")
            if not sep or not host or not ip:
                sys.exit(f"proxy: --map wants host=ip, not '{entry}'")
            self.map[host.lower()] = ip
        self.log_lock = threading.Lock()
        self.log_file = open(args.log, "a", encoding="utf-8")

    def log(self, record):
        with self.log_lock:
            self.log_file.write(json.dumps(record) + "\n")
            self.log_file.flush()

    def serve(self, client):
        try:
            self.handle(client)
        except OSError:
            pass
        finally:
            client.close()

    def handle(self, client):
        client.settimeout(30)
        head = b""
        while b"\r\n\r\n" not in head:
            data = client.recv(4096)
            if not data:
                return
            head += data
            if len(head) > MAX_HEAD:
                reply(client, 431, "Request Header Fields Too Large")
                return
        head, _, early = head.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        record = {"method": parts[0], "target": parts[1] if len(parts) > 1 else None,
                  "auth": "none", "status": None, "headers": sorted(headers)}

        if len(parts) != 3 or parts[2] != "HTTP/1.1" or parts[0] != "CONNECT":
            record["status"] = 405 if len(parts) == 3 else 400
            self.log(record)
            reply(client, record["status"], "Method Not Allowed" if record["status"] == 405 else "Bad Request",
                  [("Allow", "CONNECT")])
            return

        if self.auth is not None:
            given = headers.get("proxy-authorization")
            expected = "Basic " + base64.b64encode(self.auth.encode()).decode()
            record["auth"] = "missing" if given is None else ("ok" if given == expected else "bad")
            if record["auth"] != "ok":
                record["status"] = 407
                self.log(record)
                reply(client, 407, "Proxy Authentication Required",
                      [("Proxy-Authenticate", 'Basic realm="test"')])
                return

        if self.status is not None:
            record["status"] = self.status
            self.log(record)
            extra = [("Proxy-Authenticate", 'Basic realm="test"')] if self.status == 407 else []
            reply(client, self.status, reason_phrase(self.status), extra)
            return

        target = split_target(parts[1])
        if target is None:
            record["status"] = 400
            self.log(record)
            reply(client, 400, "Bad Request")
            return
        host, port = target
        try:
            upstream = socket.create_connection((self.map.get(host.lower(), host), port),
                                                timeout=CONNECT_TIMEOUT)
        except OSError:
            record["status"] = 502
            self.log(record)
            reply(client, 502, "Bad Gateway")
            return
        record["status"] = 200
        self.log(record)
        with upstream:
            client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            if early:
                upstream.sendall(early)
            relay(client, upstream)


def split_target(text):
    """(host, port) from host:port or [v6]:port, or None."""
    match = re.fullmatch(r"\[([0-9A-Fa-f:.]+)\]:([0-9]{1,5})", text) or \
        re.fullmatch(r"([A-Za-z0-9._-]+):([0-9]{1,5})", text)
    if not match or not 0 < int(match.group(2)) < 65536:
        return None
    return match.group(1), int(match.group(2))


def reason_phrase(status):
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Status"


def reply(client, status, reason, headers=()):
    lines = [f"HTTP/1.1 {status} {reason}"] + [f"{n}: {v}" for n, v in headers]
    lines += ["Content-Length: 0", "Connection: close"]
    client.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))


def relay(a, b):
    """Copy bytes both ways until either side closes."""
    a.settimeout(None)
    b.settimeout(None)
    peers = {a: b, b: a}
    while True:
        readable, _, _ = select.select([a, b], [], [])
        for sock in readable:
            try:
                data = sock.recv(65536)
            except OSError:
                data = b""
            if not data:
                for s in (a, b):
                    try:
                        s.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                return
            try:
                peers[sock].sendall(data)
            except OSError:
                return


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port-file", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--auth")
    p.add_argument("--map", action="append", default=[])
    p.add_argument("--status", type=int)
    args = p.parse_args()
    if args.auth is not None and ":" not in args.auth:
        p.error("--auth wants user:pass")

    proxy = Proxy(args)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    port = listener.getsockname()[1]
    tmp = f"{args.port_file}.tmp.{os.getpid()}"
    with open(tmp, "w") as f:
        f.write(f"{port}\n")
    os.replace(tmp, args.port_file)
    print(f"proxy: listening on 127.0.0.1 port {port}", file=sys.stderr, flush=True)
    try:
        while True:
            client, _ = listener.accept()
            threading.Thread(target=proxy.serve, args=(client,), daemon=True).start()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
