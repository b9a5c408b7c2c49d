#!/usr/bin/env python3
"""refserver.py: the reference server of alter's test suite.

It implements the management API of docs/api.md over real TLS, strictly: it
refuses whatever the contract does not allow, so that a client that passes
against it works against any faithful server.  Python 3 standard library only.

USAGE

  python3 tests/helper/refserver.py --cert CERT --key KEY --port-file FILE --log FILE
          [--bind 127.0.0.1|::1|both] [--port N] [--state FILE]
          [--fixture tests/fixture.json] [--prefix /PATH]
          [--tls13-only | --tls10-only] [--require-client-cert --client-ca FILE]
          [--silent] [--audit-events N] [--apps N] [--idle-close-ms N] [--chunked]
          [--fault-all 'NAME[?QUERY]']

FLAGS

  --cert FILE          PEM certificate chain sent to clients: the leaf, then any
                       intermediates (tests/helper/mkcerts.sh makes them).
  --key FILE           PEM private key of the leaf.
  --bind ADDR          127.0.0.1 (default), ::1, or both (two listening sockets,
                       one port).
  --port N             port to listen on; 0 (default) picks a free one.
  --port-file FILE     written (temp file + rename) with the port number once
                       the server listens.
  --log FILE           one JSON line per request, appended and flushed at once,
                       before the response is sent (see LOG below).
  --state FILE         the whole store as JSON (temp file + rename), written at
                       start and after every change.  It never holds the PATs,
                       minted API keys or secret values (only their sha256).
  --fixture FILE       the data to serve (default: tests/fixture.json, in the
                       folder above this file).
  --prefix /PATH       serve everything under this path prefix (a base URL
                       with a path, e.g. https://localhost:PORT/api); requests
                       outside it are 404.  A trailing * takes any first path
                       segment that starts so (/h* serves /h1, /h2, ...: many
                       base URLs, one server).
  --tls13-only         refuse anything below TLS 1.3 (alter speaks 1.2 only).
  --tls10-only         speak TLS 1.0 only, with SECLEVEL=0 ciphers (exits with a
                       message if this OpenSSL cannot).
  --weak-key           serve with SECLEVEL=0, so that an RSA-1024 --cert loads
                       (alter must refuse it).
  --require-client-cert  ask for and require a client certificate issued by
                       --client-ca FILE (alter sends none: the handshake fails).
  --silent             accept TCP connections and never answer anything, not
                       even the TLS handshake; connections are kept open.
  --audit-events N     the org's audit log is N synthetic events made on the fly
                       from their index (instead of the fixture's events), the
                       newest first, spread evenly over the 12 hours before the
                       server started (at most one a minute), so that
                       since=24h holds them all.  Deterministic content.
  --apps N             create N more apps named app-001, app-002, ... (after the
                       fixture's apps) for pagination tests.
  --idle-close-ms N    after each response, close the connection (with
                       close_notify) if no new request starts within N ms
                       (default: 5000 ms, also the idle timeout before the first
                       request).
  --chunked            frame every JSON response with a body with
                       Transfer-Encoding: chunked (4 KiB chunks) instead of
                       Content-Length.
  --fault-all 'NAME[?QUERY]'
                       answer every request outside /_fault/ (after the
                       header checks, any method) as GET /_fault/NAME?QUERY
                       would be answered: hostile answers to real commands.

FIXTURE TOKENS (tests/fixture.json; the log shows the name, never the token)

  name         token                                          what it is
  full         alter_pat_FullAccessTestToken0123456789abcd    every scope (apps read/write/delete,
                                                              keys/agents/providers admin, secrets
                                                              read/write/delete, policy read +
                                                              rules_create/update/delete, audit
                                                              read, pats read); expires 2099
  noread       alter_pat_NoPatsReadToken0123456789abcdefgh    full minus dashboard_pats:read
  readonly     alter_pat_ReadOnlyToken0123456789abcdefghijk   the eight :read scopes only
  default      alter_pat_DefaultScopesToken0123456789abcde    read + write of every resource (the
                                                              browser default set), no delete,
                                                              admin or rules_*
  rulescreate  alter_pat_RulesCreateToken0123456789abcdefg    dashboard_app_policy:rules_create and
                                                              dashboard_pats:read only
  expiring     alter_pat_ExpiringSoonToken0123456789abcdef    full scopes, expires 3 days after the
                                                              server started
  revoked      alter_pat_RevokedToken0123456789abcdefghijkl   always 401 token_revoked
  expired      alter_pat_ExpiredToken0123456789abcdefghijkl   expired 2025-06-01: 401 token_expired
  noexpiry     alter_pat_NoExpiryToken0123456789abcdefghij    full scopes, expires_at null

FIXTURE DATA (ids to use in tests)

  apps: app_demo ("demo-app": keys, agents, providers, secrets, rules),
        app_archived ("old-app", archived), app_unicode (UTF-8 and control
        characters in its name and description).
  keys of app_demo: key_demo_ci (active), key_demo_busy (active, in use:
        revoke needs force), key_demo_old (rotated_in_grace), key_demo_revoked.
  agents of app_demo: agt_demo_bot (active; keys akey_demo_1 active,
        akey_demo_2 deprecated; 3 audit events), agt_demo_svc (service,
        inactive; one active key akey_svc_1: revoking it needs force).
  providers of app_demo: google (3 grants: delete needs force=true), github.
  catalog: github, google, notion, slack.
  secrets of app_demo: sec_demo_stripe (slug stripe-live-key, two principals
        with access), sec_demo_db (slug warehouse-db).
  templates: api_key, database_url, openai, stripe.
  rules of app_demo: rul_demo_ip (app-level), rul_demo_hours (agent),
        rul_demo_approval (provider).
  rule types: ip_allowlist, time_window, require_approval, rate_limit,
        provider_block.
  audit (without --audit-events): 6 events, 10 min to 40 days old; traces
        trc_fx_a, trc_fx_b (2 events), trc_fx_c, trc_fx_x, trc_fx_old.
  With --audit-events N: event ids evt_<8 hex digits of seq>, seq N (newest)
        down to 1; trace trc_<8 hex of (seq-1)/4> groups 4 events; app_id is
        app_unicode when seq % 3 == 1, else app_demo.

WHAT IS CHECKED, IN THIS ORDER

  1. Framing (400, connection closed): request line "METHOD /target HTTP/1.1",
     CRLF line ends, no obs-fold, ASCII header values, no duplicate header,
     no Transfer-Encoding in requests, a valid Content-Length, head <= 64 KiB,
     body <= 1 MiB (413).
  2. Headers (400): Host present with the server's port (name:PORT or
     [v6]:PORT); User-Agent starting "alter/"; Accept exactly
     "application/json".  TLS SNI (421 misdirected_request): when SNI is sent
     it must equal the Host name, and none may be sent for an IP literal.
     Then the query string must parse (400 invalid_query).
  3. Path: unknown 404 not_found; known path, other method 405 with Allow.
  4. Body (400): GET/HEAD, and DELETE without a defined body, carry none; a
     body needs "Content-Type: application/json" exactly and must be a UTF-8
     JSON object (no duplicate keys, no NaN).
  5. Query (400): unknown parameters; limit an integer 1..1000; offset an
     integer >= 0; booleans "true"/"false"; enum values; RFC 3339 times;
     durations like 24h, 7d (s, m, h, d, w).  Last value wins when repeated.
  6. Token (401, WWW-Authenticate: Bearer): "Authorization: Bearer <PAT>";
     missing_token, invalid_token, token_revoked, token_expired.
  7. Scope (403 insufficient_scope + required_scope), with docs/cli.md section 3
     coverage: read < write < admin; delete covers itself only; each rules_*
     covers itself and policy read.
  8. Resource (404 app_not_found, key_not_found, ...).
  9. Body fields (422 validation_error): missing, wrong type (optional fields
     are omitted, never null), not an allowed value, unknown field.
 10. State (409).
 Every answer has X-Request-Id: req_<hex>; errors have the body
 {"error":{"code":"...","message":"...","required_scope":"..." (403 only)}}.
 Unknown-field and no-body rules: POST endpoints without a body in docs/api.md
 accept no body or {}.  Lists are ordered by creation (oldest first), except
 audit events (newest first).  Audit "start" is inclusive, "end" exclusive.

CONNECTIONS

  Keep-alive is the default; many requests per connection.  The server closes
  (close_notify, then TCP close) after "Connection: close", after an error that
  leaves the framing unknown, and after 5 s idle (--idle-close-ms).

LOG (one JSON object per line, per request)

  {"conn": N (1-based, global), "seq": N (within the connection), "ts",
   "method", "path" (without query, as sent), "query": {k: v, or [v, ...] when
   repeated}, "headers": {lowercase name: value}, with authorization shown as
   "Bearer <token name>" ("Bearer unknown" for a token not in the fixture),
   "token_seen_in": [header names whose value contains a raw token, plus
   "(request-target)" or "(body)" if one is there], "body": parsed JSON or
   null, "status", "request_id", "sni", "tls_version", "alpn"}, plus
   "body_raw" (its first 200 characters) when a body is not JSON.
  A raw token never appears in the log; one found anywhere is replaced with
  "<token:NAME>".  TLS handshake failures go to stderr only.

FAULT PATHS (test only: normal header checks, no token needed, under --prefix)

  GET  /_fault/ok                      200 {"ok":true}.
  GET  /_fault/chunked                 200 chunked {"chunked":true,"n":[1,2,3]} in 3 chunks
                                       (one with extension ";foo=bar", a size written
                                       "0A"), then a trailer "X-Checksum: 3f2a".
  GET  /_fault/close-delimited         200, no Content-Length, not chunked,
                                       Connection: close; body, close_notify, close.
  GET  /_fault/close-no-notify         the same, but TCP close without close_notify
                                       (a truncated response).
  GET  /_fault/truncate-length         Content-Length: 100, 40 bytes, close_notify, close.
  GET  /_fault/truncate-chunk          chunked: one whole chunk, half the next,
                                       close_notify, close.
  GET  /_fault/slow-body?ms=N          {"ok":true,"slow":true} one byte every N ms
                                       (default 100, 0..10000).
  GET  /_fault/stall                   head with Content-Length: 10, then nothing for
                                       120 s (or until the client goes away).
  ANY  /_fault/status/{code}           that status (100..599).  4xx/5xx and 3xx: the
                                       error body with code "test_status" (403 adds
                                       required_scope "dashboard_test:read"); 3xx adds
                                       Location: https://other.example/elsewhere;
                                       2xx: {"ok":true,"status":code} (204: no body);
                                       1xx: only that status line (101 adds
                                       Connection/Upgrade), then close_notify, close.
  GET  /_fault/interim/{code}          an interim 1xx (100, 102, 103) then 200
                                       {"ok":true,"interim":code}.
  GET  /_fault/nonjson/{code}          that status, Content-Type text/html, 500 bytes.
  GET  /_fault/huge-header?bytes=N     200 {"ok":true} with a header "X-Big: aaa..."
                                       whose value is N bytes (default 100000).
  GET  /_fault/huge-body?bytes=N&chunked=true|false
                                       200 with Content-Length N: {"a":"xxx..."},
                                       streamed (N >= 8, default 10 MiB); chunked=true
                                       sends it in 64 KiB chunks without a length.
  GET  /_fault/trailer-flood?bytes=N   chunked {"ok":true}, then N bytes of trailer
                                       lines "X-Flood-K: aaa..." (1000 bytes each,
                                       default 200000) before the empty line.
  GET  /_fault/chunk-overflow          chunked, first chunk size 10000000000000000
                                       (2^64: overflows 64 bits), then data.
  GET  /_fault/bad-length/{kind}       200 {"ok":true} with Content-Length "-1"
                                       (negative) or given twice (duplicate).
  GET  /_fault/deep-json?depth=N       200 {"items":[[[...]]]}: N nested arrays
                                       (default 100000).
  GET  /_fault/bad-utf8                200, a list answer whose strings hold invalid
                                       UTF-8 (a stray continuation byte, 0xff, an
                                       overlong "/", an encoded surrogate).
  ANY  /_fault/retry/{name}?status=S&times=K&retry_after=V
                                       the first K requests to {name} (default 1)
                                       answer S (default 503) with Retry-After: V if
                                       given (verbatim), then 200
                                       {"ok":true,"attempts":n}.  A POST, PUT, PATCH
                                       or DELETE may carry a JSON body.
  GET  /_fault/redirect?to=URL         302 with Location: URL.
  GET  /_fault/exact/{object|page}     200 with a fixed body holding numbers a double
                                       cannot hold (12345678901234567890, 1e400, -0.0,
                                       ...), sent as written (the output fixtures).
  GET  /_fault/close-after-response?notify=true|false
                                       200 {"ok":true} (no Connection: close), then the
                                       server closes the connection: with close_notify,
                                       or a bare TCP close with notify=false.  The next
                                       request on that connection finds it closed.

FAULTS AS A BASE URL (issue 17: misdiagnosis of answers; one server, many faults)

  ANY  /_as/NAME[/ARG]/...             every request under this prefix (any method,
                                       any rest of path, its query ignored) is answered
                                       as GET /_fault/NAME[/ARG] without a query: use
                                       https://localhost:PORT/_as/status/503 as a base
                                       URL to give every real command that answer.
  GET  /_fault/bad-json                200 application/json {"items":[1,2 (cut short:
                                       not valid JSON, but the framing is complete).
  GET  /_fault/json-array              200 [1,2,3]: valid JSON, not an object.
  GET  /_fault/scalar-items            200 {"items":[1,2],"has_more":false}: a list
                                       answer whose items are not objects.
  GET  /_fault/empty                   200 with Content-Length: 0.
  GET  /_fault/pat-bad-expiry          200 a PAT object whose expires_at is "soon".
  GET  /_fault/bad-has-more            200 a list answer whose has_more is "yes".

HOSTILE TEXT AND STUCK LISTS (issue 12; GET, usable with --fault-all)

  Every field below carries HOSTILE: ESC colour and OSC title sequences, a
  BEL, DEL, the C1 control U+009B (CSI), the bidi overrides U+202E and
  U+2066..U+2069, and a Latin-1 byte that is not UTF-8 (in headers).
  GET  /_fault/inject-error?status=S   S (300..599, default 500): the error body with
                                       HOSTILE in message and required_scope, and in
                                       the X-Request-Id header; 3xx adds Location:
                                       https://x.example/HOSTILE.
  GET  /_fault/inject-pat              200: a PAT object (as /v1/pats/me) whose name,
                                       user, org, scopes, created_at hold HOSTILE.
  GET  /_fault/inject-object           200: an object with HOSTILE in a key and values.
  GET  /_fault/inject-list             200: a list answer (id, name, status,
                                       created_at) with HOSTILE in its cells.
  GET  /_fault/inject-text             200 text/plain: HOSTILE lines, not JSON.
  GET  /_fault/stuck-cursor            200: one item and next_cursor "stuck" on every
                                       page, whatever cursor was sent.
  GET  /_fault/stuck-offset            200: no items and has_more true.
"""

import argparse
import base64
import datetime
import email.utils
import hashlib
import http
import ipaddress
import json
import os
import re
import secrets
import select
import socket
import ssl
import sys
import threading
import time
import urllib.parse
import warnings

IDLE_TIMEOUT = 5.0              # seconds a connection may wait for a request
REQUEST_TIMEOUT = 30.0          # seconds to receive a request once it started
HANDSHAKE_TIMEOUT = 10.0
CLOSE_NOTIFY_WAIT = 0.2         # seconds to wait for the peer's close_notify
MAX_HEAD = 64 * 1024
MAX_TARGET = 8 * 1024
MAX_BODY = 1024 * 1024
LIST_DEFAULT_LIMIT = 20         # docs/api.md section 2: offset lists
AUDIT_DEFAULT_LIMIT = 100       # docs/api.md section 2: cursor lists
MAX_LIMIT = 1000
MAX_KEYS_PER_APP = 100
STALL_SECONDS = 120
SERVER_NAME = "alter-refserver"
ANY_METHOD = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")

TOKEN_CHARS = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
PAT_FORMAT = re.compile(r"^alter_pat_[A-Za-z0-9_-]{1,500}$")
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$")
DURATION = re.compile(r"^([1-9][0-9]{0,5})([smhdw])$")
DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


# ---------------------------------------------------------------- time

def fmt_time(seconds):
    """RFC 3339 UTC with whole seconds."""
    dt = datetime.datetime.fromtimestamp(int(seconds), datetime.timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def fmt_time_ms(ms):
    """RFC 3339 UTC with milliseconds."""
    dt = datetime.datetime.fromtimestamp(ms // 1000, datetime.timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + ".%03dZ" % (ms % 1000)


def parse_time(text):
    """Seconds since the epoch for an RFC 3339 string, or None."""
    if not isinstance(text, str) or not RFC3339.match(text):
        return None
    text = re.sub(r"(\.\d{6})\d+", r"\1", text).replace("Z", "+00:00")
    try:
        return datetime.datetime.fromisoformat(text).timestamp()
    except ValueError:
        return None


# ---------------------------------------------------------------- errors

class ApiError(Exception):
    """An answer with the docs/api.md error body."""

    def __init__(self, status, code, message, required_scope=None,
                 headers=(), close=False):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.required_scope = required_scope
        self.headers = list(headers)
        self.close = close

    def body(self):
        err = {"code": self.code, "message": self.message}
        if self.required_scope is not None:
            err["required_scope"] = self.required_scope
        return {"error": err}


def bad_request(code, message, close=False):
    return ApiError(400, code, message, close=close)


def invalid(message):
    return ApiError(422, "validation_error", message)


def conflict(code, message):
    return ApiError(409, code, message)


def not_found(code, message):
    return ApiError(404, code, message)


# ---------------------------------------------------------------- scopes

VERB_RANK = {"read": 1, "write": 2, "admin": 3}


def scope_covers(held, required):
    """docs/cli.md section 3: does the concrete scope held cover the one required?"""
    held_res, _, held_verb = held.partition(":")
    req_res, _, req_verb = required.partition(":")
    if held_res != req_res:
        return False
    if held_verb == req_verb:
        return True
    if held_verb in VERB_RANK and req_verb in VERB_RANK:
        return VERB_RANK[held_verb] >= VERB_RANK[req_verb]
    # rules_create, rules_update and rules_delete each cover policy read.
    return held_verb.startswith("rules_") and req_verb == "read"


def has_scope(scopes, required):
    return any(scope_covers(held, required) for held in scopes)


# ---------------------------------------------------------------- query values

def q_limit(name, value):
    if not re.fullmatch(r"[0-9]{1,7}", value) or not 1 <= int(value) <= MAX_LIMIT:
        raise bad_request("invalid_query", f"Query parameter '{name}' must be an integer from 1 to {MAX_LIMIT}.")
    return int(value)


def q_offset(name, value):
    if not re.fullmatch(r"[0-9]{1,9}", value):
        raise bad_request("invalid_query", f"Query parameter '{name}' must be an integer of 0 or more.")
    return int(value)


def q_bool(name, value):
    if value not in ("true", "false"):
        raise bad_request("invalid_query", f"Query parameter '{name}' must be true or false.")
    return value == "true"


def q_enum(*allowed):
    def check(name, value):
        if value not in allowed:
            raise bad_request("invalid_query", f"Query parameter '{name}' must be one of: {', '.join(allowed)}.")
        return value
    return check


def q_enum_list(*allowed):
    def check(name, value):
        items = value.split(",")
        for item in items:
            if item not in allowed:
                raise bad_request("invalid_query", f"Query parameter '{name}' must be a comma-separated list of: {', '.join(allowed)}.")
        return items
    return check


def q_text(name, value):
    if not value:
        raise bad_request("invalid_query", f"Query parameter '{name}' must not be empty.")
    return value


def q_int(lo, hi):
    def check(name, value):
        if not re.fullmatch(r"[0-9]{1,10}", value) or not lo <= int(value) <= hi:
            raise bad_request("invalid_query", f"Query parameter '{name}' must be an integer from {lo} to {hi}.")
        return int(value)
    return check


def q_duration(name, value):
    match = DURATION.match(value)
    if not match:
        raise bad_request("invalid_query", f"Query parameter '{name}' must be a duration such as 24h or 7d.")
    return int(match.group(1)) * DURATION_UNITS[match.group(2)]


def q_time(name, value):
    seconds = parse_time(value)
    if seconds is None:
        raise bad_request("invalid_query", f"Query parameter '{name}' must be an RFC 3339 time.")
    return seconds


def q_header_value(name, value):
    """Text the server will put into a header: no control characters."""
    if not value or any(ord(ch) < 0x20 or ord(ch) == 0x7f for ch in value):
        raise bad_request("invalid_query", f"Query parameter '{name}' must be non-empty printable text.")
    return value


LIST_QUERY = {"limit": q_limit, "offset": q_offset}


# ---------------------------------------------------------------- body fields

def f_string(min_len=1, max_len=200):
    def check(name, value):
        if not isinstance(value, str):
            raise invalid(f"Field '{name}' must be a string.")
        if len(value) < min_len:
            raise invalid(f"Field '{name}' must not be empty.")
        if len(value) > max_len:
            raise invalid(f"Field '{name}' must be at most {max_len} characters.")
        return value
    return check


def f_bool(name, value):
    if not isinstance(value, bool):
        raise invalid(f"Field '{name}' must be true or false.")
    return value


def f_int(lo, hi):
    def check(name, value):
        if isinstance(value, bool) or not isinstance(value, int):
            raise invalid(f"Field '{name}' must be an integer.")
        if not lo <= value <= hi:
            raise invalid(f"Field '{name}' must be from {lo} to {hi}.")
        return value
    return check


def f_enum(*allowed):
    def check(name, value):
        if not isinstance(value, str) or value not in allowed:
            raise invalid(f"Field '{name}' must be one of: {', '.join(allowed)}.")
        return value
    return check


def f_string_list(name, value):
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise invalid(f"Field '{name}' must be an array of non-empty strings.")
    return list(value)


def f_object(name, value):
    if not isinstance(value, dict):
        raise invalid(f"Field '{name}' must be a JSON object.")
    return value


def f_url(name, value):
    f_string(1, 2000)(name, value)
    if not re.match(r"^https?://[^\s/]+", value):
        raise invalid(f"Field '{name}' must be an http:// or https:// URL.")
    return value


def f_url_list(name, value):
    f_string_list(name, value)
    for url in value:
        f_url(name, url)
    return value


def f_future_time(name, value):
    seconds = parse_time(value)
    if seconds is None:
        raise invalid(f"Field '{name}' must be an RFC 3339 time.")
    if seconds <= time.time():
        raise invalid(f"Field '{name}' must be in the future.")
    return value


def f_cidr_list(name, value):
    f_string_list(name, value)
    for text in value:
        try:
            net = ipaddress.ip_network(text, strict=False)
        except ValueError:
            raise invalid(f"Field '{name}': '{text}' is not a CIDR block.") from None
        if net.prefixlen == 0:
            raise invalid(f"Field '{name}': '{text}' would allow every address.")
    return value


def take_fields(body, spec, at_least_one=False):
    """Check a JSON body against spec {name: (required, check)}; 422 on any
    unknown, missing or invalid field.  Returns the fields present."""
    body = body or {}
    for name in body:
        if name not in spec:
            raise invalid(f"Unknown field '{name}'.")
    fields = {}
    for name, (required, check) in spec.items():
        if name not in body:
            if required:
                raise invalid(f"Field '{name}' is required.")
            continue
        fields[name] = check(name, body[name])
    if at_least_one and not fields:
        raise invalid("Give at least one of: " + ", ".join(spec) + ".")
    return fields


# ---------------------------------------------------------------- audit events

EVENT_FIELDS = ("id", "created_at", "app_id", "trace_id", "action", "principal",
                "outcome", "policy_decision", "reason")


class FixtureEvents:
    """The fixture's audit events, newest first; ages are relative to start."""

    def __init__(self, events, start):
        items = []
        for ev in events:
            ms = int(start - ev["age_seconds"]) * 1000
            item = {k: ev[k] for k in EVENT_FIELDS if k != "created_at"}
            item["created_at"] = fmt_time(ms / 1000)
            items.append((ms, item))
        items.sort(key=lambda pair: -pair[0])
        self.times = [ms for ms, _ in items]
        self.items = [item for _, item in items]

    def __len__(self):
        return len(self.items)

    def time_ms(self, i):
        return self.times[i]

    def event(self, i):
        return self.items[i]

    def trace(self, trace_id):
        events = [e for e in self.items if e["trace_id"] == trace_id]
        return list(reversed(events)) or None


class SyntheticEvents:
    """N audit events computed from their index (0 is the newest), never held
    in memory, spread evenly over the 12 hours before the server started."""

    ACTIONS = ("token.exchange", "policy.evaluate", "key.mint", "key.rotate",
               "agent.create", "provider.connect", "secret.read")
    DECISIONS = ("allow", "allow", "deny", "approval")

    def __init__(self, count, start):
        self.count = count
        self.t0_ms = int(start) * 1000
        self.step_ms = min(60_000, 43_200_000 // count)

    def __len__(self):
        return self.count

    def time_ms(self, i):
        return self.t0_ms - i * self.step_ms

    def event(self, i):
        seq = self.count - i
        decision = self.DECISIONS[seq % 4]
        return {
            "id": f"evt_{seq:08x}",
            "created_at": fmt_time_ms(self.time_ms(i)),
            "app_id": "app_unicode" if seq % 3 == 1 else "app_demo",
            "trace_id": f"trc_{(seq - 1) // 4:08x}",
            "action": self.ACTIONS[seq % len(self.ACTIONS)],
            "principal": {"kind": "agent", "id": "agt_demo_bot"} if seq % 2
            else {"kind": "key", "id": "key_demo_ci"},
            "outcome": "failure" if decision == "deny" else "success",
            "policy_decision": decision,
            "reason": f"Synthetic event {seq}.",
        }

    def trace(self, trace_id):
        match = re.fullmatch(r"trc_([0-9a-f]{8})", trace_id)
        if not match:
            return None
        first = int(match.group(1), 16) * 4 + 1
        seqs = [s for s in range(first, first + 4) if 1 <= s <= self.count]
        return [self.event(self.count - s) for s in seqs] or None


def first_index_older_than(source, bound_ms):
    """The first index whose event is older than bound_ms (times fall with
    the index)."""
    lo, hi = 0, len(source)
    while lo < hi:
        mid = (lo + hi) // 2
        if source.time_ms(mid) < bound_ms:
            hi = mid
        else:
            lo = mid + 1
    return lo


# ---------------------------------------------------------------- the store

APP_FIELDS = ("id", "name", "description", "website_url", "archived", "created_at")
KEY_FIELDS = ("id", "name", "key_prefix", "key_type", "scopes", "status", "cidr",
              "rate_limit_rpm", "expires_at", "created_at", "last_used_at")
AGENT_FIELDS = ("id", "name", "display_name", "type", "status", "scopes", "metadata",
                "created_at")
AGENT_KEY_FIELDS = ("key_id", "key_prefix", "name", "status", "created_at",
                    "deprecated_at", "revoked_at", "last_used_at")
PROVIDER_FIELDS = ("provider", "scopes", "credential_source", "client_id",
                   "redirect_uris", "status", "grant_count", "created_at")
SECRET_FIELDS = ("id", "name", "slug", "template", "created_at", "rotated_at")
RULE_FIELDS = ("id", "type", "name", "enabled", "target", "config", "created_at")


def pick(obj, fields):
    return {name: obj[name] for name in fields}


def sha256_hex(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Store:
    """Everything the server knows, guarded by one lock."""

    def __init__(self, fixture, start, extra_apps, audit_events, state_path):
        self.lock = threading.RLock()
        self.start = start
        self.state_path = state_path
        self.counter = 0
        self.org = fixture["org"]
        self.user = fixture["user"]
        self.catalog = fixture["provider_catalog"]
        self.templates = fixture["secret_templates"]
        self.rule_types = tuple(fixture["policy_rule_types"])
        self.fault_counters = {}

        self.tokens = {}
        self.by_raw = {}
        for name, tok in fixture["tokens"].items():
            tok = dict(tok)
            if "_expires_in_days" in tok:
                tok["expires_at"] = fmt_time(start + tok.pop("_expires_in_days") * 86400)
            tok.setdefault("last_used_at", None)
            tok["_name"] = name
            self.tokens[name] = tok
            self.by_raw[tok["token"]] = tok

        self.apps = {}
        for src in fixture["apps"]:
            self.apps[src["id"]] = self.load_app(src, start)
        for i in range(1, extra_apps + 1):
            app_id = self.new_id("app")
            self.apps[app_id] = self.new_app(
                app_id, f"app-{i:03d}", None, None,
                fmt_time(datetime.datetime(2026, 3, 1, tzinfo=datetime.timezone.utc).timestamp() + 60 * i))

        if audit_events:
            self.events = SyntheticEvents(audit_events, start)
        else:
            self.events = FixtureEvents(fixture["audit_events"], start)

    def load_app(self, src, start):
        app = self.new_app(src["id"], src["name"], src["description"],
                           src["website_url"], src["created_at"])
        app["archived"] = src["archived"]
        app["_api_calls_30d"] = src["_api_calls_30d"]
        for key in src["keys"]:
            app["keys"][key["id"]] = dict(key)
        for agent in src["agents"]:
            agent = dict(agent)
            agent["keys"] = {k["key_id"]: dict(k) for k in agent["keys"]}
            audit = []
            for ev in agent["audit"]:
                item = {k: ev[k] for k in EVENT_FIELDS if k not in ("created_at", "app_id")}
                item["created_at"] = fmt_time(start - ev["age_seconds"])
                item["app_id"] = app["id"]
                audit.append(pick(item, EVENT_FIELDS))
            agent["audit"] = audit
            app["agents"][agent["id"]] = agent
        for prov in src["providers"]:
            app["providers"][prov["provider"]] = dict(prov)
        for sec in src["secrets"]:
            app["secrets"][sec["id"]] = dict(sec)
        for rule in src["policy_rules"]:
            app["rules"][rule["id"]] = dict(rule)
        return app

    @staticmethod
    def new_app(app_id, name, description, website_url, created_at):
        return {"id": app_id, "name": name, "description": description,
                "website_url": website_url, "archived": False, "created_at": created_at,
                "_api_calls_30d": 0, "keys": {}, "agents": {}, "providers": {},
                "secrets": {}, "rules": {}}

    def new_id(self, prefix):
        """Ids are deterministic for one run: prefix_ + 16 hex digits."""
        self.counter += 1
        return f"{prefix}_{sha256_hex(f'{prefix}:{self.counter}')[:16]}"

    def save(self):
        """Write the state file, if any (temp file + rename)."""
        if not self.state_path:
            return
        tokens = {}
        for name, tok in self.tokens.items():
            tokens[name] = {k: v for k, v in tok.items() if k not in ("token", "_name")}
            tokens[name]["token_prefix"] = tok["token"][:14]
        state = {"org": self.org, "user": self.user, "tokens": tokens,
                 "apps": self.apps, "fault_counters": self.fault_counters,
                 "audit_event_count": len(self.events)}
        write_atomic(self.state_path, json.dumps(state, indent=1, ensure_ascii=False) + "\n")

    # Views: exactly the fields of docs/api.md.

    def view_app(self, app, stats=True):
        view = pick(app, APP_FIELDS)
        if stats:
            view["stats"] = {
                "grants": sum(p["grant_count"] for p in app["providers"].values()),
                "keys": sum(1 for k in app["keys"].values() if k["status"] != "revoked"),
                "api_calls_30d": app["_api_calls_30d"],
            }
        return view

    def view_pat(self, tok):
        return {"id": tok["id"], "name": tok["name"], "token_prefix": tok["token"][:14],
                "scopes": tok["scopes"], "created_at": tok["created_at"],
                "expires_at": tok["expires_at"], "last_used_at": tok["last_used_at"],
                "user": {"id": self.user["id"], "email": self.user["email"]},
                "org": {"id": self.org["id"], "name": self.org["name"]}}


def write_atomic(path, text):
    tmp = f"{path}.tmp.{os.getpid()}.{threading.get_ident()}"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


# ---------------------------------------------------------------- handlers

class Ctx:
    """What a handler sees: the store, path parameters, checked query values,
    the request body and the authenticated token."""

    def __init__(self, store, req, params, query, token):
        self.store = store
        self.req = req
        self.params = params
        self.query = query
        self.body = req.json
        self.token = token
        self.changed = False

    def now(self):
        return fmt_time(time.time())

    def app(self):
        app = self.store.apps.get(self.params["app"])
        if app is None:
            raise not_found("app_not_found", f"No app with id '{self.params['app']}'.")
        return app

    def fields(self, spec, at_least_one=False):
        return take_fields(self.body, spec, at_least_one)

    def page(self, items):
        limit = self.query.get("limit", LIST_DEFAULT_LIMIT)
        offset = self.query.get("offset", 0)
        return {"items": items[offset:offset + limit], "total": len(items),
                "limit": limit, "offset": offset,
                "has_more": offset + limit < len(items)}


def new_api_key(prefix):
    """A fresh plaintext API key and its displayed prefix."""
    key = prefix + secrets.token_hex(20)
    return key, key[:len(prefix) + 4]


# PATs

def h_pats_me(c):
    return 200, c.store.view_pat(c.token)


# Apps

def app_fields(c, required):
    return c.fields({"name": (required, f_string(1, 100)),
                     "description": (False, f_string(0, 1000)),
                     "website_url": (False, f_url)},
                    at_least_one=not required)


def check_app_name_free(c, name, app_id=None):
    for other in c.store.apps.values():
        if other["name"] == name and other["id"] != app_id:
            raise conflict("app_name_taken", f"An app named '{name}' already exists.")


def h_apps_list(c):
    archived = c.query.get("include_archived", False)
    stats = c.query.get("include_stats", True)
    apps = [c.store.view_app(a, stats) for a in c.store.apps.values()
            if archived or not a["archived"]]
    return 200, c.page(apps)


def h_apps_create(c):
    f = app_fields(c, True)
    check_app_name_free(c, f["name"])
    app_id = c.store.new_id("app")
    app = c.store.new_app(app_id, f["name"], f.get("description"),
                          f.get("website_url"), c.now())
    c.store.apps[app_id] = app
    c.changed = True
    return 201, c.store.view_app(app)


def h_app_get(c):
    return 200, c.store.view_app(c.app())


def h_app_update(c):
    app = c.app()
    f = app_fields(c, False)
    if "name" in f:
        check_app_name_free(c, f["name"], app["id"])
    app.update(f)
    c.changed = True
    return 200, c.store.view_app(app)


def h_app_archive(c):
    app = c.app()
    c.fields({})
    app["archived"] = True
    c.changed = True
    return 200, c.store.view_app(app)


def h_app_unarchive(c):
    app = c.app()
    c.fields({})
    if not app["archived"]:
        raise conflict("app_not_archived", f"App '{app['id']}' is not archived.")
    app["archived"] = False
    c.changed = True
    return 200, c.store.view_app(app)


def h_app_delete(c):
    app = c.app()
    f = c.fields({"confirm": (True, f_string(1, 200))})
    if f["confirm"] != app["name"]:
        raise conflict("confirmation_mismatch",
                       f"The confirmation does not match the app's name '{app['name']}'.")
    del c.store.apps[app["id"]]
    c.changed = True
    return 204, None


# Keys (runtime API keys)

KEY_STATUSES = ("active", "rotated_in_grace", "revoked")


def find_key(c, app):
    key = app["keys"].get(c.params["key"])
    if key is None:
        raise not_found("key_not_found", f"No key with id '{c.params['key']}' in app '{app['id']}'.")
    return key


def h_keys_list(c):
    app = c.app()
    status = c.query.get("status")
    keys = [pick(k, KEY_FIELDS) for k in app["keys"].values()
            if status is None or k["status"] == status]
    return 200, c.page(keys)


def h_keys_stats(c):
    keys = c.app()["keys"].values()
    active = sum(1 for k in keys if k["status"] == "active")
    grace = sum(1 for k in keys if k["status"] == "rotated_in_grace")
    return 200, {"active": active, "rotated_in_grace": grace, "total": len(keys),
                 "max_allowed": MAX_KEYS_PER_APP}


def mint_key(c, app, name, scopes, key_type, cidr, rpm, expires_at):
    live = sum(1 for k in app["keys"].values() if k["status"] != "revoked")
    if live >= MAX_KEYS_PER_APP:
        raise conflict("key_limit_reached", f"App '{app['id']}' already has {MAX_KEYS_PER_APP} keys.")
    plain, prefix = new_api_key("alter_ak_" if key_type == "agent" else "alter_rk_")
    key = {"id": c.store.new_id("key"), "name": name, "key_prefix": prefix,
           "key_type": key_type, "scopes": scopes, "status": "active", "cidr": cidr,
           "rate_limit_rpm": rpm, "expires_at": expires_at, "created_at": c.now(),
           "last_used_at": None, "_api_key_sha256": sha256_hex(plain)}
    app["keys"][key["id"]] = key
    c.changed = True
    view = pick(key, KEY_FIELDS)
    view["api_key"] = plain
    return view


def h_keys_mint(c):
    app = c.app()
    f = c.fields({"name": (True, f_string(1, 100)),
                  "scopes": (True, f_string_list),
                  "key_type": (True, f_enum("runtime", "agent")),
                  "cidr": (False, f_cidr_list),
                  "rate_limit_rpm": (False, f_int(1, 100000)),
                  "expires_at": (False, f_future_time)})
    return 201, mint_key(c, app, f["name"], f["scopes"], f["key_type"], f.get("cidr", []),
                         f.get("rate_limit_rpm"), f.get("expires_at"))


def h_key_get(c):
    return 200, pick(find_key(c, c.app()), KEY_FIELDS)


def h_key_rename(c):
    key = find_key(c, c.app())
    f = c.fields({"name": (True, f_string(1, 100))})
    key["name"] = f["name"]
    c.changed = True
    return 200, pick(key, KEY_FIELDS)


def h_key_rotate(c):
    app = c.app()
    old = find_key(c, app)
    f = c.fields({"scopes": (False, f_string_list)})
    if old["status"] != "active":
        raise conflict("key_not_active", f"Key '{old['id']}' is {old['status']}; only an active key can be rotated.")
    old["status"] = "rotated_in_grace"
    view = mint_key(c, app, old["name"], f.get("scopes", old["scopes"]), old["key_type"],
                    old["cidr"], old["rate_limit_rpm"], old["expires_at"])
    return 200, view


def h_key_revoke(c):
    key = find_key(c, c.app())
    f = c.fields({"force": (False, f_bool)})
    if key["status"] == "revoked":
        raise conflict("key_already_revoked", f"Key '{key['id']}' is already revoked.")
    if key.get("_in_use") and not f.get("force", False):
        raise conflict("key_in_use", f"Key '{key['id']}' is in use; revoke it with force.")
    key["status"] = "revoked"
    c.changed = True
    return 200, pick(key, KEY_FIELDS)


# Agents

AGENT_STATUSES = ("active", "inactive", "revoked")


def f_agent_scopes(catalog):
    ids = {entry["id"] for entry in catalog}

    def check(name, value):
        f_object(name, value)
        for provider, scopes in value.items():
            if provider not in ids:
                raise invalid(f"Field '{name}': '{provider}' is not a provider of the catalog.")
            f_string_list(f"{name}.{provider}", scopes)
        return value
    return check


def find_agent(c, app):
    agent = app["agents"].get(c.params["agent"])
    if agent is None:
        raise not_found("agent_not_found", f"No agent with id '{c.params['agent']}' in app '{app['id']}'.")
    return agent


def find_agent_key(c, agent):
    key = agent["keys"].get(c.params["key"])
    if key is None:
        raise not_found("key_not_found", f"No key '{c.params['key']}' on agent '{agent['id']}'.")
    return key


def agent_audit(c, app, agent, action, reason):
    agent["audit"].insert(0, {
        "id": c.store.new_id("evt"), "created_at": c.now(), "app_id": app["id"],
        "trace_id": c.store.new_id("trc"), "action": action,
        "principal": {"kind": "user", "id": c.store.user["id"]}, "outcome": "success",
        "policy_decision": "allow", "reason": reason})


def h_agents_list(c):
    app = c.app()
    q = c.query
    search = q.get("search", "").lower()
    agents = []
    for a in app["agents"].values():
        if "status" in q and a["status"] not in q["status"]:
            continue
        if "type" in q and a["type"] != q["type"]:
            continue
        if "provider" in q and q["provider"] not in a["scopes"]:
            continue
        if search and search not in a["name"].lower() and search not in (a["display_name"] or "").lower():
            continue
        agents.append(pick(a, AGENT_FIELDS))
    return 200, c.page(agents)


def h_agents_create(c):
    app = c.app()
    f = c.fields({"name": (True, f_string(1, 100)),
                  "display_name": (False, f_string(1, 200)),
                  "type": (False, f_enum("agent", "service")),
                  "scopes": (False, f_agent_scopes(c.store.catalog))})
    for other in app["agents"].values():
        if other["name"] == f["name"]:
            raise conflict("agent_name_taken", f"App '{app['id']}' already has an agent named '{f['name']}'.")
    agent = {"id": c.store.new_id("agt"), "name": f["name"],
             "display_name": f.get("display_name", f["name"]), "type": f.get("type", "agent"),
             "status": "active", "scopes": f.get("scopes", {}), "metadata": {},
             "created_at": c.now(), "keys": {}, "audit": []}
    app["agents"][agent["id"]] = agent
    agent_audit(c, app, agent, "agent.create", "Agent created.")
    c.changed = True
    return 201, pick(agent, AGENT_FIELDS)


def h_agent_get(c):
    return 200, pick(find_agent(c, c.app()), AGENT_FIELDS)


def h_agent_update(c):
    app = c.app()
    agent = find_agent(c, app)
    f = c.fields({"display_name": (False, f_string(1, 200)),
                  "metadata": (False, f_object)}, at_least_one=True)
    agent.update(f)
    agent_audit(c, app, agent, "agent.update", "Agent updated.")
    c.changed = True
    return 200, pick(agent, AGENT_FIELDS)


def h_agent_revoke(c):
    app = c.app()
    agent = find_agent(c, app)
    c.fields({})
    if agent["status"] == "revoked":
        raise conflict("agent_already_revoked", f"Agent '{agent['id']}' is already revoked.")
    agent["status"] = "revoked"
    for key in agent["keys"].values():
        if key["status"] != "revoked":
            key["status"] = "revoked"
            key["revoked_at"] = c.now()
    agent_audit(c, app, agent, "agent.revoke", "Agent revoked.")
    c.changed = True
    return 200, pick(agent, AGENT_FIELDS)


def h_agent_keys(c):
    agent = find_agent(c, c.app())
    return 200, {"items": [pick(k, AGENT_KEY_FIELDS) for k in agent["keys"].values()]}


def h_agent_mint_key(c):
    app = c.app()
    agent = find_agent(c, app)
    c.fields({})
    if agent["status"] == "revoked":
        raise conflict("agent_revoked", f"Agent '{agent['id']}' is revoked.")
    plain, prefix = new_api_key("alter_ak_")
    key = {"key_id": c.store.new_id("akey"), "key_prefix": prefix,
           "name": f"key-{len(agent['keys']) + 1}", "status": "active", "created_at": c.now(),
           "deprecated_at": None, "revoked_at": None, "last_used_at": None,
           "_api_key_sha256": sha256_hex(plain)}
    agent["keys"][key["key_id"]] = key
    agent_audit(c, app, agent, "agent.key.mint", f"Key {key['key_id']} minted.")
    c.changed = True
    view = pick(key, AGENT_KEY_FIELDS)
    view["api_key"] = plain
    return 201, view


def h_agent_revoke_key(c):
    app = c.app()
    agent = find_agent(c, app)
    key = find_agent_key(c, agent)
    f = c.fields({"force": (False, f_bool)})
    if key["status"] == "revoked":
        raise conflict("key_already_revoked", f"Key '{key['key_id']}' is already revoked.")
    active = [k for k in agent["keys"].values() if k["status"] == "active"]
    if active == [key] and not f.get("force", False):
        raise conflict("last_active_key",
                       f"Key '{key['key_id']}' is the last active key of agent '{agent['id']}'; revoke it with force.")
    key["status"] = "revoked"
    key["revoked_at"] = c.now()
    agent_audit(c, app, agent, "agent.key.revoke", f"Key {key['key_id']} revoked.")
    c.changed = True
    return 200, pick(key, AGENT_KEY_FIELDS)


def h_agent_deprecate_key(c):
    app = c.app()
    agent = find_agent(c, app)
    key = find_agent_key(c, agent)
    c.fields({})
    if key["status"] != "active":
        raise conflict("key_not_active", f"Key '{key['key_id']}' is {key['status']}, not active.")
    key["status"] = "deprecated"
    key["deprecated_at"] = c.now()
    agent_audit(c, app, agent, "agent.key.deprecate", f"Key {key['key_id']} deprecated.")
    c.changed = True
    return 200, pick(key, AGENT_KEY_FIELDS)


def h_agent_undeprecate_key(c):
    app = c.app()
    agent = find_agent(c, app)
    key = find_agent_key(c, agent)
    c.fields({})
    if key["status"] != "deprecated":
        raise conflict("key_not_deprecated", f"Key '{key['key_id']}' is {key['status']}, not deprecated.")
    key["status"] = "active"
    key["deprecated_at"] = None
    agent_audit(c, app, agent, "agent.key.undeprecate", f"Key {key['key_id']} undeprecated.")
    c.changed = True
    return 200, pick(key, AGENT_KEY_FIELDS)


def h_agent_audit(c):
    agent = find_agent(c, c.app())
    return 200, c.page(agent["audit"])


# Providers

def find_provider(c, app):
    prov = app["providers"].get(c.params["provider"])
    if prov is None:
        raise not_found("provider_not_found",
                        f"Provider '{c.params['provider']}' is not configured on app '{app['id']}'.")
    return prov


def h_catalog(c):
    return 200, c.page(c.store.catalog)


def h_providers_list(c):
    app = c.app()
    return 200, c.page([pick(p, PROVIDER_FIELDS) for p in app["providers"].values()])


def h_providers_create(c):
    app = c.app()
    f = c.fields({"provider": (True, f_enum(*[e["id"] for e in c.store.catalog])),
                  "scopes": (True, f_string_list),
                  "credential_source": (True, f_enum("custom", "shared_dev")),
                  "client_id": (False, f_string(1, 500)),
                  "client_secret": (False, f_string(1, 4096)),
                  "redirect_uris": (False, f_url_list)})
    if f["provider"] in app["providers"]:
        raise conflict("provider_exists", f"Provider '{f['provider']}' is already configured on app '{app['id']}'.")
    prov = {"provider": f["provider"], "scopes": f["scopes"],
            "credential_source": f["credential_source"], "client_id": f.get("client_id"),
            "redirect_uris": f.get("redirect_uris", []), "status": "active", "grant_count": 0,
            "created_at": c.now()}
    if "client_secret" in f:
        prov["_client_secret_sha256"] = sha256_hex(f["client_secret"])
    app["providers"][prov["provider"]] = prov
    c.changed = True
    return 201, pick(prov, PROVIDER_FIELDS)


def h_provider_get(c):
    return 200, pick(find_provider(c, c.app()), PROVIDER_FIELDS)


def h_provider_update(c):
    prov = find_provider(c, c.app())
    f = c.fields({"scopes": (False, f_string_list),
                  "status": (False, f_enum("active", "disabled")),
                  "redirect_uris": (False, f_url_list)}, at_least_one=True)
    prov.update(f)
    c.changed = True
    return 200, pick(prov, PROVIDER_FIELDS)


def h_provider_delete(c):
    app = c.app()
    prov = find_provider(c, app)
    if prov["grant_count"] > 0 and not c.query.get("force", False):
        raise conflict("provider_has_grants",
                       f"{prov['grant_count']} grants depend on provider '{prov['provider']}'; delete with force=true.")
    del app["providers"][prov["provider"]]
    c.changed = True
    return 204, None


# Managed secrets

def find_secret(c, app):
    sec = app["secrets"].get(c.params["secret"])
    if sec is None:
        raise not_found("secret_not_found", f"No managed secret '{c.params['secret']}' in app '{app['id']}'.")
    return sec


def h_templates(c):
    c.app()
    return 200, c.page(c.store.templates)


def h_secrets_list(c):
    app = c.app()
    return 200, c.page([pick(s, SECRET_FIELDS) for s in app["secrets"].values()])


def h_secrets_create(c):
    app = c.app()
    f = c.fields({"name": (True, f_string(1, 200)),
                  "credential_value": (True, f_string(1, 65536)),
                  "template": (False, f_enum(*[t["id"] for t in c.store.templates]))})
    slug = re.sub(r"[^a-z0-9]+", "-", f["name"].lower()).strip("-")
    if not slug:
        raise invalid("Field 'name' must contain a letter or a digit.")
    for other in app["secrets"].values():
        if other["slug"] == slug:
            raise conflict("secret_exists", f"App '{app['id']}' already has a secret with slug '{slug}'.")
    sec = {"id": c.store.new_id("sec"), "name": f["name"], "slug": slug,
           "template": f.get("template"), "created_at": c.now(), "rotated_at": None,
           "access": [], "_credential_sha256": sha256_hex(f["credential_value"]),
           "_credential_length": len(f["credential_value"].encode("utf-8"))}
    app["secrets"][sec["id"]] = sec
    c.changed = True
    return 201, pick(sec, SECRET_FIELDS)


def h_secret_get(c):
    return 200, pick(find_secret(c, c.app()), SECRET_FIELDS)


def h_secret_rotate(c):
    sec = find_secret(c, c.app())
    f = c.fields({"credential_value": (True, f_string(1, 65536))})
    sec["rotated_at"] = c.now()
    sec["_credential_sha256"] = sha256_hex(f["credential_value"])
    sec["_credential_length"] = len(f["credential_value"].encode("utf-8"))
    c.changed = True
    return 200, pick(sec, SECRET_FIELDS)


def h_secret_delete(c):
    app = c.app()
    sec = find_secret(c, app)
    f = c.fields({"confirm": (True, f_string(1, 200))})
    if f["confirm"] != sec["slug"]:
        raise conflict("confirmation_mismatch",
                       f"The confirmation does not match the secret's slug '{sec['slug']}'.")
    del app["secrets"][sec["id"]]
    c.changed = True
    return 204, None


def h_secret_access(c):
    sec = find_secret(c, c.app())
    return 200, {"items": sec["access"]}


# Policy

def find_rule(c, app):
    rule = app["rules"].get(c.params["rule"])
    if rule is None:
        raise not_found("rule_not_found", f"No policy rule '{c.params['rule']}' in app '{app['id']}'.")
    return rule


def check_target(app, target):
    f = take_fields(target, {"kind": (True, f_enum("app", "agent", "grant", "provider")),
                             "id": (True, f_string(1, 200))})
    if f["kind"] == "app" and f["id"] != app["id"]:
        raise invalid(f"Field 'target.id' must be this app's id '{app['id']}'.")
    if f["kind"] == "agent" and f["id"] not in app["agents"]:
        raise invalid(f"Field 'target.id': no agent '{f['id']}' in app '{app['id']}'.")
    if f["kind"] == "provider" and f["id"] not in app["providers"]:
        raise invalid(f"Field 'target.id': provider '{f['id']}' is not configured on app '{app['id']}'.")
    return f


def h_policy_app(c):
    app = c.app()
    rules = [pick(r, RULE_FIELDS) for r in app["rules"].values() if r["target"]["kind"] == "app"]
    return 200, {"items": rules}


def h_rules_list(c):
    app = c.app()
    return 200, c.page([pick(r, RULE_FIELDS) for r in app["rules"].values()])


def h_rules_create(c):
    app = c.app()
    f = c.fields({"type": (True, f_enum(*c.store.rule_types)),
                  "name": (True, f_string(1, 200)),
                  "enabled": (False, f_bool),
                  "target": (False, f_object),
                  "config": (True, f_object)})
    target = check_target(app, f["target"]) if "target" in f else {"kind": "app", "id": app["id"]}
    rule = {"id": c.store.new_id("rul"), "type": f["type"], "name": f["name"],
            "enabled": f.get("enabled", True), "target": target, "config": f["config"],
            "created_at": c.now()}
    app["rules"][rule["id"]] = rule
    c.changed = True
    return 201, pick(rule, RULE_FIELDS)


def h_rule_get(c):
    return 200, pick(find_rule(c, c.app()), RULE_FIELDS)


def h_rule_update(c):
    rule = find_rule(c, c.app())
    f = c.fields({"name": (False, f_string(1, 200)),
                  "enabled": (False, f_bool),
                  "config": (False, f_object)}, at_least_one=True)
    rule.update(f)
    c.changed = True
    return 200, pick(rule, RULE_FIELDS)


def h_rule_delete(c):
    app = c.app()
    rule = find_rule(c, app)
    del app["rules"][rule["id"]]
    c.changed = True
    return 204, None


# Audit

AUDIT_FILTERS = ("app_id", "since", "start", "end", "action", "policy_decision")


def encode_cursor(index, filter_hash, cutoff_ms):
    raw = json.dumps({"i": index, "f": filter_hash, "c": cutoff_ms}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(text):
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        data = json.loads(raw)
        if (isinstance(data, dict) and isinstance(data.get("i"), int) and data["i"] >= 0
                and isinstance(data.get("f"), str)
                and (data.get("c") is None or isinstance(data.get("c"), int))):
            return data
    except (ValueError, UnicodeDecodeError):
        pass
    raise bad_request("invalid_cursor", "The cursor is not one this server issued.")


def h_audit_events(c):
    q = c.query
    source = c.store.events
    raw_filters = {k: v for k, v in c.req.query_last.items() if k in AUDIT_FILTERS}
    filter_hash = sha256_hex(json.dumps(raw_filters, sort_keys=True))[:16]
    start_index = 0
    if "cursor" in q:
        cursor = decode_cursor(q["cursor"])
        if cursor["f"] != filter_hash:
            raise bad_request("cursor_mismatch", "Send the same filters with the cursor as with the first page.")
        start_index = cursor["i"]
        cutoff_ms = cursor["c"]
    else:
        cutoff_ms = int((time.time() - q["since"]) * 1000) if "since" in q else None

    # Time filters map to a range of indexes: times fall with the index.
    oldest_ms = max([t for t in (cutoff_ms, int(q["start"] * 1000) if "start" in q else None)
                     if t is not None], default=None)
    lo = 0
    if "end" in q:
        lo = first_index_older_than(source, int(q["end"] * 1000))
    hi = len(source) if oldest_ms is None else first_index_older_than(source, oldest_ms)

    def matches(ev):
        return all(ev[k] == q[k] for k in ("app_id", "action", "policy_decision") if k in q)

    limit = q.get("limit", AUDIT_DEFAULT_LIMIT)
    items = []
    i = max(lo, start_index)
    while i < hi and len(items) < limit:
        ev = source.event(i)
        if matches(ev):
            items.append(ev)
        i += 1
    while i < hi and not matches(source.event(i)):
        i += 1
    next_cursor = encode_cursor(i, filter_hash, cutoff_ms) if i < hi else None
    return 200, {"items": items, "next_cursor": next_cursor}


def h_audit_trace(c):
    events = c.store.events.trace(c.params["trace"])
    if events is None:
        raise not_found("trace_not_found", f"No trace '{c.params['trace']}'.")
    return 200, {"trace_id": c.params["trace"], "started_at": events[0]["created_at"],
                 "events": events}


# ---------------------------------------------------------------- the route table

# Body kinds: NONE (no body allowed), EMPTY (no body or {}: docs/api.md names no
# field), JSON (a JSON object; absent counts as {}).
NONE, EMPTY, JSON = "none", "empty", "json"

A = "/v1/apps/{app}"
ROUTES = [
    # method, path template, scope (None: no token), query, body, handler
    ("GET", "/v1/pats/me", "dashboard_pats:read", {}, NONE, h_pats_me),

    ("GET", "/v1/apps", "dashboard_apps:read",
     {**LIST_QUERY, "include_archived": q_bool, "include_stats": q_bool}, NONE, h_apps_list),
    ("POST", "/v1/apps", "dashboard_apps:write", {}, JSON, h_apps_create),
    ("GET", A, "dashboard_apps:read", {}, NONE, h_app_get),
    ("PATCH", A, "dashboard_apps:write", {}, JSON, h_app_update),
    ("DELETE", A, "dashboard_apps:delete", {}, JSON, h_app_delete),
    ("POST", A + "/archive", "dashboard_apps:write", {}, EMPTY, h_app_archive),
    ("POST", A + "/unarchive", "dashboard_apps:write", {}, EMPTY, h_app_unarchive),

    ("GET", A + "/keys", "dashboard_keys:read",
     {**LIST_QUERY, "status": q_enum(*KEY_STATUSES)}, NONE, h_keys_list),
    ("POST", A + "/keys", "dashboard_keys:write", {}, JSON, h_keys_mint),
    ("GET", A + "/keys/statistics", "dashboard_keys:read", {}, NONE, h_keys_stats),
    ("GET", A + "/keys/{key}", "dashboard_keys:read", {}, NONE, h_key_get),
    ("PATCH", A + "/keys/{key}", "dashboard_keys:write", {}, JSON, h_key_rename),
    ("POST", A + "/keys/{key}/rotate", "dashboard_keys:write", {}, JSON, h_key_rotate),
    ("POST", A + "/keys/{key}/revoke", "dashboard_keys:admin", {}, JSON, h_key_revoke),

    ("GET", A + "/agents", "dashboard_agents:read",
     {**LIST_QUERY, "status": q_enum_list(*AGENT_STATUSES), "type": q_enum("agent", "service"),
      "provider": q_text, "search": q_text}, NONE, h_agents_list),
    ("POST", A + "/agents", "dashboard_agents:write", {}, JSON, h_agents_create),
    ("GET", A + "/agents/{agent}", "dashboard_agents:read", {}, NONE, h_agent_get),
    ("PATCH", A + "/agents/{agent}", "dashboard_agents:write", {}, JSON, h_agent_update),
    ("POST", A + "/agents/{agent}/revoke", "dashboard_agents:admin", {}, EMPTY, h_agent_revoke),
    ("GET", A + "/agents/{agent}/keys", "dashboard_agents:read", {}, NONE, h_agent_keys),
    ("POST", A + "/agents/{agent}/keys", "dashboard_agents:write", {}, EMPTY, h_agent_mint_key),
    ("POST", A + "/agents/{agent}/keys/{key}/revoke", "dashboard_agents:admin", {}, JSON,
     h_agent_revoke_key),
    ("POST", A + "/agents/{agent}/keys/{key}/deprecate", "dashboard_agents:write", {}, EMPTY,
     h_agent_deprecate_key),
    ("POST", A + "/agents/{agent}/keys/{key}/undeprecate", "dashboard_agents:write", {}, EMPTY,
     h_agent_undeprecate_key),
    ("GET", A + "/agents/{agent}/audit", "dashboard_audit:read", LIST_QUERY, NONE, h_agent_audit),

    ("GET", "/v1/providers/catalog", None, LIST_QUERY, NONE, h_catalog),
    ("GET", A + "/providers", "dashboard_providers:read", LIST_QUERY, NONE, h_providers_list),
    ("POST", A + "/providers", "dashboard_providers:write", {}, JSON, h_providers_create),
    ("GET", A + "/providers/{provider}", "dashboard_providers:read", {}, NONE, h_provider_get),
    ("PATCH", A + "/providers/{provider}", "dashboard_providers:write", {}, JSON, h_provider_update),
    ("DELETE", A + "/providers/{provider}", "dashboard_providers:admin", {"force": q_bool}, NONE,
     h_provider_delete),

    ("GET", A + "/managed-secrets/templates", "dashboard_secrets:read", LIST_QUERY, NONE, h_templates),
    ("GET", A + "/managed-secrets", "dashboard_secrets:read", LIST_QUERY, NONE, h_secrets_list),
    ("POST", A + "/managed-secrets", "dashboard_secrets:write", {}, JSON, h_secrets_create),
    ("GET", A + "/managed-secrets/{secret}", "dashboard_secrets:read", {}, NONE, h_secret_get),
    ("DELETE", A + "/managed-secrets/{secret}", "dashboard_secrets:delete", {}, JSON, h_secret_delete),
    ("POST", A + "/managed-secrets/{secret}/rotate", "dashboard_secrets:write", {}, JSON,
     h_secret_rotate),
    ("GET", A + "/managed-secrets/{secret}/access", "dashboard_secrets:read", {}, NONE,
     h_secret_access),

    ("GET", A + "/policy", "dashboard_app_policy:read", {}, NONE, h_policy_app),
    ("GET", A + "/policy/rules", "dashboard_app_policy:read", LIST_QUERY, NONE, h_rules_list),
    ("POST", A + "/policy/rules", "dashboard_app_policy:rules_create", {}, JSON, h_rules_create),
    ("GET", A + "/policy/rules/{rule}", "dashboard_app_policy:read", {}, NONE, h_rule_get),
    ("PATCH", A + "/policy/rules/{rule}", "dashboard_app_policy:rules_update", {}, JSON,
     h_rule_update),
    ("DELETE", A + "/policy/rules/{rule}", "dashboard_app_policy:rules_delete", {}, NONE,
     h_rule_delete),

    ("GET", "/v1/audit/events", "dashboard_audit:read",
     {"app_id": q_text, "since": q_duration, "start": q_time, "end": q_time,
      "action": q_text, "policy_decision": q_enum("allow", "deny", "approval"),
      "limit": q_limit, "cursor": q_text}, NONE, h_audit_events),
    ("GET", "/v1/audit/traces/{trace}", "dashboard_audit:read", {}, NONE, h_audit_trace),
]


class Route:
    def __init__(self, method, template, scope, query, body, handler):
        self.method = method
        self.template = template
        self.scope = scope
        self.query = query
        self.body = body
        self.handler = handler


class RouteTable:
    """Path templates in table order; the first template that matches a path
    owns it (so /keys/statistics wins over /keys/{key})."""

    def __init__(self, rows):
        self.templates = []          # [(template, segments, {method: Route})]
        for row in rows:
            route = Route(*row)
            for template, _, methods in self.templates:
                if template == route.template:
                    methods[route.method] = route
                    break
            else:
                self.templates.append((route.template, route.template.split("/"),
                                       {route.method: route}))

    def match(self, segments):
        """(template, params, {method: Route}) or (None, None, None)."""
        for template, parts, methods in self.templates:
            if len(parts) != len(segments):
                continue
            params = {}
            for part, seg in zip(parts, segments):
                if part.startswith("{"):
                    if not seg:
                        break
                    params[part[1:-1]] = seg
                elif part != seg:
                    break
            else:
                return template, params, methods
        return None, None, None


# ---------------------------------------------------------------- requests

class Request:
    """One parsed HTTP request.  error is set when it is malformed."""

    def __init__(self):
        self.method = None
        self.target = None
        self.path = None
        self.raw_query = ""
        self.query_pairs = []
        self.query_last = {}
        self.headers = {}
        self.body = b""
        self.json = None
        self.error = None
        self.request_id = "req_" + secrets.token_hex(8)
        self.logged = False

    @property
    def wants_close(self):
        value = self.headers.get("connection", "")
        return "close" in [t.strip().lower() for t in value.split(",")]


def parse_head(head):
    """Parse the request line and headers (bytes without the final CRLFCRLF)."""
    req = Request()
    lines = head.split(b"\r\n")
    if any(b"\r" in line or b"\n" in line for line in lines):
        req.error = bad_request("bad_framing", "Lines must end with CRLF.", close=True)
        return req
    parts = lines[0].split(b" ")
    if len(parts) != 3:
        req.error = bad_request("bad_request_line", "The request line must be 'METHOD /path HTTP/1.1'.", close=True)
        return req
    try:
        method, target, version = (p.decode("ascii") for p in parts)
    except UnicodeDecodeError:
        req.error = bad_request("bad_request_line", "The request line must be ASCII.", close=True)
        return req
    req.method, req.target = method, target
    req.path, _, req.raw_query = target.partition("?")
    if not TOKEN_CHARS.match(method):
        req.error = bad_request("bad_request_line", "The method is not a valid token.", close=True)
    elif version != "HTTP/1.1":
        req.error = bad_request("bad_version", "Only HTTP/1.1 is spoken here.", close=True)
    elif not target.startswith("/") or "#" in target or len(target) > MAX_TARGET:
        req.error = bad_request("bad_target", "The request target must be an absolute path.", close=True)
    for line in lines[1:]:
        if line[:1] in (b" ", b"\t"):
            req.error = req.error or bad_request("bad_header", "Folded header lines are not allowed.", close=True)
            continue
        name, sep, value = line.partition(b":")
        try:
            name = name.decode("ascii")
            value = value.decode("ascii").strip(" \t")
        except UnicodeDecodeError:
            req.error = req.error or bad_request("bad_header", "Header fields must be ASCII.", close=True)
            continue
        if not sep or not TOKEN_CHARS.match(name) or any(ord(ch) < 0x20 and ch != "\t" or ord(ch) == 0x7f for ch in value):
            req.error = req.error or bad_request("bad_header", f"Malformed header line '{name[:40]}'.", close=True)
            continue
        key = name.lower()
        if key in req.headers:
            req.error = req.error or bad_request("duplicate_header", f"Header '{name}' is sent more than once.", close=True)
            continue
        req.headers[key] = value
    return req


def parse_json_body(body):
    """The body as a JSON object, or an ApiError(400)."""
    def no_duplicates(pairs):
        obj = {}
        for key, value in pairs:
            if key in obj:
                raise ValueError(f"duplicate key '{key}'")
            obj[key] = value
        return obj

    def no_constants(name):
        raise ValueError(f"{name} is not JSON")

    try:
        text = body.decode("utf-8")
        value = json.loads(text, object_pairs_hook=no_duplicates, parse_constant=no_constants)
    except UnicodeDecodeError:
        raise bad_request("invalid_json", "The body is not UTF-8.") from None
    except ValueError as e:
        raise bad_request("invalid_json", f"The body is not JSON ({str(e)[:80]}).") from None
    if not isinstance(value, dict):
        raise bad_request("invalid_json", "The body must be a JSON object.")
    return value


def reason_phrase(status):
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Status"


# ---------------------------------------------------------------- connections

class ClientGone(Exception):
    """The peer closed or broke the connection."""


class Connection:
    """One accepted TLS connection; serves requests until one side closes."""

    def __init__(self, server, raw, number):
        self.server = server
        self.raw = raw
        self.tls = None
        self.number = number
        self.seq = 0
        self.buf = bytearray()
        self.closed = False
        self.sni = None

    # Transport.

    def recv_more(self):
        try:
            data = self.tls.recv(65536)
        except (OSError, ssl.SSLError) as e:
            raise ClientGone(str(e)) from None
        if not data:
            raise ClientGone("end of stream")
        self.buf += data

    def send(self, data):
        try:
            self.tls.sendall(data)
        except (OSError, ssl.SSLError) as e:
            raise ClientGone(str(e)) from None

    def close(self, notify=True):
        """Close; with notify, send TLS close_notify first.  Without it the
        TLS layer is dropped and only TCP is closed (a truncation)."""
        if self.closed:
            return
        self.closed = True
        sock = self.tls or self.raw
        try:
            if self.tls is not None and notify:
                self.tls.settimeout(CLOSE_NOTIFY_WAIT)
                try:
                    self.tls.unwrap()
                except (OSError, ssl.SSLError, ValueError):
                    pass
            else:
                # SSLSocket.shutdown drops the TLS object without SSL_shutdown.
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        finally:
            sock.close()

    def serve(self):
        self.raw.settimeout(HANDSHAKE_TIMEOUT)
        try:
            self.tls = self.server.context.wrap_socket(self.raw, server_side=True,
                                                       do_handshake_on_connect=False)
            self.tls.alter_conn = self
            self.tls.do_handshake()
        except (OSError, ssl.SSLError) as e:
            print(f"refserver: conn {self.number}: TLS handshake failed: {e}", file=sys.stderr, flush=True)
            # wrap_socket moved the descriptor from raw to tls.
            (self.tls or self.raw).close()
            self.closed = True
            return
        notify = True
        idle = self.server.idle_first
        try:
            while True:
                req = self.read_request(idle)
                if req is None:
                    break
                keep, notify = self.server.handle(self, req)
                if not keep:
                    break
                idle = self.server.idle_after
        except ClientGone:
            pass
        finally:
            self.close(notify)

    def read_request(self, idle):
        """The next request, or None when the connection should close (idle,
        end of stream, or an incomplete request)."""
        if not self.buf:
            self.tls.settimeout(idle)
            try:
                self.recv_more()
            except (ClientGone, socket.timeout):
                return None
        self.tls.settimeout(REQUEST_TIMEOUT)
        try:
            while True:
                end = self.buf.find(b"\r\n\r\n")
                if end >= 0:
                    break
                bare_lf = re.search(rb"(?<!\r)\n", self.buf)
                if bare_lf or len(self.buf) > MAX_HEAD:
                    self.seq += 1
                    req = Request()
                    req.error = (bad_request("bad_framing", "Lines must end with CRLF.", close=True)
                                 if bare_lf else ApiError(431, "header_too_large", "The request head is too large.", close=True))
                    return req
                self.recv_more()
            head = bytes(self.buf[:end])
            del self.buf[:end + 4]
            self.seq += 1
            req = parse_head(head)
            if req.error:
                return req
            if "transfer-encoding" in req.headers:
                req.error = bad_request("chunked_body_not_allowed",
                                        "Request bodies must have a Content-Length; Transfer-Encoding is not accepted.",
                                        close=True)
                return req
            length = req.headers.get("content-length")
            if length is not None:
                if not re.fullmatch(r"[0-9]{1,10}", length):
                    req.error = bad_request("bad_content_length", "Content-Length must be a decimal number.", close=True)
                    return req
                if int(length) > MAX_BODY:
                    req.error = ApiError(413, "body_too_large", f"Bodies are limited to {MAX_BODY} bytes.", close=True)
                    return req
                while len(self.buf) < int(length):
                    self.recv_more()
                req.body = bytes(self.buf[:int(length)])
                del self.buf[:int(length)]
            return req
        except (ClientGone, socket.timeout):
            return None

    # Responses.

    def head_bytes(self, req, status, headers):
        lines = [f"HTTP/1.1 {status} {reason_phrase(status)}",
                 f"Date: {email.utils.formatdate(usegmt=True)}",
                 f"Server: {SERVER_NAME}",
                 f"X-Request-Id: {req.request_id}"]
        lines += [f"{name}: {value}" for name, value in headers]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def respond(self, req, status, payload=b"", ctype="application/json", headers=(), close=False):
        """Log, then send one whole response framed by Content-Length (or
        chunked under --chunked).  Returns (keep_alive, notify)."""
        close = close or req.wants_close
        self.server.log_request(self, req, status)
        headers = list(headers)
        has_body = status >= 200 and status not in (204, 304)
        chunked = self.server.chunked and has_body and payload and req.method != "HEAD"
        if has_body:
            if payload:
                headers.append(("Content-Type", ctype))
            if chunked:
                headers.append(("Transfer-Encoding", "chunked"))
            else:
                headers.append(("Content-Length", str(len(payload))))
        if close:
            headers.append(("Connection", "close"))
        parts = [self.head_bytes(req, status, headers)]
        if has_body and req.method != "HEAD":
            if chunked:
                for i in range(0, len(payload), 4096):
                    piece = payload[i:i + 4096]
                    parts += [b"%x\r\n" % len(piece), piece, b"\r\n"]
                parts.append(b"0\r\n\r\n")
            else:
                parts.append(payload)
        self.send(b"".join(parts))
        return not close, True

    def respond_json(self, req, status, obj, headers=(), close=False):
        payload = b"" if obj is None else json_bytes(obj)
        return self.respond(req, status, payload, headers=headers, close=close)

    def respond_error(self, req, err):
        headers = list(err.headers)
        if err.status == 401:
            headers.append(("WWW-Authenticate", 'Bearer realm="alter"'))
        return self.respond_json(req, err.status, err.body(), headers=headers, close=err.close)


def json_bytes(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


# ---------------------------------------------------------------- hostile text (issue 12)
#
# Fault modes for docs/cli.md section 1's sanitiser and section 4's --all
# bounds, kept apart from the framing faults above.  Faults.__init__ adds
# them to its table with HOSTILE_FAULTS(self).

HOSTILE = ("bad \x1b[31;1mthing\x1b]0;TITLE\x07 c1\u009b31m "
           "bidi\u202egnp.exe\u2066x\u2069 del\x7f end")


def hostile_header(text):
    """HOSTILE as header bytes: its UTF-8, plus a lone Latin-1 byte."""
    return (text.encode("utf-8") + b" \xa0").decode("latin-1")


def inject_error(faults, conn, req, arg, query):
    code = query.get("status", 500)
    req.request_id = hostile_header("req_" + HOSTILE)
    err = ApiError(code, "hostile", HOSTILE, required_scope=HOSTILE if code == 403 else None)
    headers = [("Location", hostile_header("https://x.example/" + HOSTILE))] if code < 400 else []
    return conn.respond_json(req, code, err.body(), headers=headers)


def inject_pat(faults, conn, req, arg, query):
    return conn.respond_json(req, 200, {
        "id": "pat_hostile", "name": HOSTILE, "user": {"email": "u " + HOSTILE},
        "org": {"name": "o " + HOSTILE},
        "token_prefix": "alter_pat_Host", "scopes": ["apps:read", HOSTILE],
        "created_at": "2026-01-01T00:00:00Z" + HOSTILE, "expires_at": None,
        "last_used_at": None})


def inject_object(faults, conn, req, arg, query):
    return conn.respond_json(req, 200, {"id": "app_hostile", "name": HOSTILE,
                                        "k" + HOSTILE: "v", "tags": [HOSTILE, "x"]})


def inject_list(faults, conn, req, arg, query):
    item = {"id": "app_\x1b]0;X\x07", "name": HOSTILE, "archived": "\u009b2J",
            "status": "\u009b2J", "created_at": "\u202e2026"}
    return conn.respond_json(req, 200, {"items": [item], "has_more": False,
                                        "next_cursor": None})


def inject_text(faults, conn, req, arg, query):
    return conn.respond(req, 200, (HOSTILE + "\nline two\r\n").encode("utf-8") + b"\xff\n",
                        ctype="text/plain")


def stuck_page(item_id, has_more, cursor):
    items = [{"id": item_id, "name": "n", "status": "active", "created_at": "2026-01-01T00:00:00Z"}]
    return {"items": items if item_id else [], "has_more": has_more, "next_cursor": cursor}


def stuck_cursor(faults, conn, req, arg, query):
    return conn.respond_json(req, 200, stuck_page("evt_stuck", True, "stuck"))


def stuck_offset(faults, conn, req, arg, query):
    return conn.respond_json(req, 200, stuck_page(None, True, None))


def HOSTILE_FAULTS(faults):
    """name: (methods, query spec, needs an argument, handler), as Faults.table."""
    rows = {
        "inject-error": ({"status": q_int(300, 599)}, inject_error),
        "inject-pat": ({}, inject_pat),
        "inject-object": ({}, inject_object),
        "inject-list": ({}, inject_list),
        "inject-text": ({}, inject_text),
        "stuck-cursor": ({}, stuck_cursor),
        "stuck-offset": ({}, stuck_offset),
    }
    return {name: (("GET",), spec, False,
                   lambda conn, req, arg, query, h=h: h(faults, conn, req, arg, query))
            for name, (spec, h) in rows.items()}



# ---------------------------------------------------------------- faults

class Faults:
    """The /_fault/ paths: raw control over framing, closing and retries."""

    def __init__(self, server):
        self.server = server
        self.lock = threading.Lock()
        # name: (methods, query spec, needs an argument, handler)
        self.table = {
            "ok": (("GET",), {}, False, self.ok),
            "chunked": (("GET",), {}, False, self.chunked),
            "close-delimited": (("GET",), {}, False, self.close_delimited),
            "close-no-notify": (("GET",), {}, False, self.close_no_notify),
            "truncate-length": (("GET",), {}, False, self.truncate_length),
            "truncate-chunk": (("GET",), {}, False, self.truncate_chunk),
            "slow-body": (("GET",), {"ms": q_int(0, 10000)}, False, self.slow_body),
            "stall": (("GET",), {}, False, self.stall),
            "status": (ANY_METHOD, {}, True, self.status),
            "interim": (("GET",), {}, True, self.interim),
            "nonjson": (("GET",), {}, True, self.nonjson),
            "huge-header": (("GET",), {"bytes": q_int(1, 64 * 1024 * 1024)}, False, self.huge_header),
            "huge-body": (("GET",), {"bytes": q_int(8, 1 << 40), "chunked": q_bool}, False,
                          self.huge_body),
            "trailer-flood": (("GET",), {"bytes": q_int(1, 64 * 1024 * 1024)}, False,
                              self.trailer_flood),
            "chunk-overflow": (("GET",), {}, False, self.chunk_overflow),
            "bad-length": (("GET",), {}, True, self.bad_length),
            "deep-json": (("GET",), {"depth": q_int(1, 10000000)}, False, self.deep_json),
            "bad-utf8": (("GET",), {}, False, self.bad_utf8),
            "retry": (ANY_METHOD, {"status": q_int(400, 599), "times": q_int(0, 1000000),
                                   "retry_after": q_header_value}, True, self.retry),
            "redirect": (("GET",), {"to": q_header_value}, False, self.redirect),
            "close-after-response": (("GET",), {"notify": q_bool}, False, self.close_after_response),
            "exact": (("GET",), {}, True, self.exact),
        }
        # Answers of the wrong kind with a correct framing (issue 17; see
        # "FAULTS AS A BASE URL" above).
        self.table.update({
            "bad-json": (("GET",), {}, False, self.wrong_kind),
            "json-array": (("GET",), {}, False, self.wrong_kind),
            "scalar-items": (("GET",), {}, False, self.wrong_kind),
            "empty": (("GET",), {}, False, self.wrong_kind),
            "pat-bad-expiry": (("GET",), {}, False, self.wrong_kind),
            "bad-has-more": (("GET",), {}, False, self.wrong_kind),
        })

        self.table.update(HOSTILE_FAULTS(self))

    WRONG_KIND = {
        "bad-json": b'{"items":[1,2',
        "json-array": b'[1,2,3]',
        "scalar-items": b'{"items":[1,2],"has_more":false}',
        "empty": b'',
        "bad-has-more": b'{"items":[{"id":"app_x","name":"x"}],"has_more":"yes"}',
        "pat-bad-expiry": b'{"id":"pat_bad","name":"bad","token_prefix":"alter_pat_bad0",'
                          b'"scopes":["dashboard_pats:read"],"created_at":"2026-01-01T00:00:00Z",'
                          b'"expires_at":"soon","last_used_at":null,'
                          b'"user":{"id":"usr_x","email":"x@example.com"},'
                          b'"org":{"id":"org_x","name":"X"}}',
    }

    def wrong_kind(self, conn, req, arg, query):
        return conn.respond(req, 200, self.WRONG_KIND[req.fault_name])

    def dispatch_as(self, conn, req, rest):
        """/_as/NAME[/ARG]/...: answer as GET /_fault/NAME[/ARG], no query."""
        parts = rest.split("/")
        entry = self.table.get(parts[0])
        if entry is None or (entry[2] and len(parts) < 2):
            raise not_found("not_found", f"No fault '{parts[0]}' for /_as/.")
        req.query_last = {}
        req.method, req.body = "GET", b""
        return self.dispatch(conn, req, "/".join(parts[:2] if entry[2] else parts[:1]))

    def dispatch(self, conn, req, rest):
        name, _, arg = rest.partition("/")
        req.fault_name = name
        entry = self.table.get(name)
        if entry is None or bool(arg) != entry[2] or "/" in arg:
            raise not_found("not_found", f"No fault path '/_fault/{rest}'.")
        methods, query_spec, _, handler = entry
        if req.method not in methods:
            raise ApiError(405, "method_not_allowed", f"{req.method} is not allowed here.",
                           headers=[("Allow", ", ".join(methods))])
        check_body(req, JSON if req.method in ("POST", "PUT", "PATCH", "DELETE") else NONE)
        query = check_query(query_spec, req)
        return handler(conn, req, arg, query)

    # Each handler logs before it sends and returns (keep_alive, notify).

    def ok(self, conn, req, arg, query):
        return conn.respond_json(req, 200, {"ok": True})

    def chunked(self, conn, req, arg, query):
        conn.server.log_request(conn, req, 200)
        conn.send(conn.head_bytes(req, 200, [("Content-Type", "application/json"),
                                             ("Transfer-Encoding", "chunked"),
                                             ("Trailer", "X-Checksum")] + closing(req)))
        # {"chunked":true,"n":[1,2,3]} in three chunks, each in its own record.
        conn.send(b'0A;foo=bar\r\n{"chunked"\r\n')
        conn.send(b'6\r\n:true,\r\n')
        conn.send(b'c\r\n"n":[1,2,3]}\r\n')
        conn.send(b'0\r\nX-Checksum: 3f2a\r\n\r\n')
        return not req.wants_close, True

    def close_delimited_body(self, conn, req):
        conn.server.log_request(conn, req, 200)
        conn.send(conn.head_bytes(req, 200, [("Content-Type", "application/json"),
                                             ("Connection", "close")]))
        conn.send(b'{"close_delimited":')
        conn.send(b'true}')

    def close_delimited(self, conn, req, arg, query):
        self.close_delimited_body(conn, req)
        return False, True

    def close_no_notify(self, conn, req, arg, query):
        self.close_delimited_body(conn, req)
        return False, False

    def truncate_length(self, conn, req, arg, query):
        conn.server.log_request(conn, req, 200)
        body = b'{"truncated":"' + b"t" * 24 + b'",'
        conn.send(conn.head_bytes(req, 200, [("Content-Type", "application/json"),
                                             ("Content-Length", "100")]) + body[:40])
        return False, True

    def truncate_chunk(self, conn, req, arg, query):
        conn.server.log_request(conn, req, 200)
        conn.send(conn.head_bytes(req, 200, [("Content-Type", "application/json"),
                                             ("Transfer-Encoding", "chunked")]))
        conn.send(b'10\r\n{"truncated":tru\r\n')
        conn.send(b'14\r\ne,"rest":"')
        return False, True

    def slow_body(self, conn, req, arg, query):
        body = b'{"ok":true,"slow":true}'
        conn.server.log_request(conn, req, 200)
        conn.send(conn.head_bytes(req, 200, [("Content-Type", "application/json"),
                                             ("Content-Length", str(len(body)))] + closing(req)))
        delay = query.get("ms", 100) / 1000
        for i in range(len(body)):
            time.sleep(delay)
            conn.send(body[i:i + 1])
        return not req.wants_close, True

    def stall(self, conn, req, arg, query):
        conn.server.log_request(conn, req, 200)
        conn.send(conn.head_bytes(req, 200, [("Content-Type", "application/json"),
                                             ("Content-Length", "10")]))
        # Wait until the client goes away (its socket turns readable: FIN,
        # close_notify or an alert) or the time is up.
        deadline = time.monotonic() + STALL_SECONDS
        while time.monotonic() < deadline:
            readable, _, _ = select.select([conn.tls], [], [], 1.0)
            if readable:
                break
        return False, False

    def status(self, conn, req, arg, query):
        code = status_arg(arg, 100, 599)
        if code < 200:
            conn.server.log_request(conn, req, code)
            extra = [("Connection", "upgrade"), ("Upgrade", "test")] if code == 101 else []
            conn.send(conn.head_bytes(req, code, extra))
            return False, True
        if code < 300:
            return conn.respond_json(req, code, None if code == 204 else {"ok": True, "status": code})
        err = ApiError(code, "test_status", f"The test server was asked for status {code}.",
                       required_scope="dashboard_test:read" if code == 403 else None)
        headers = [("Location", "https://other.example/elsewhere")] if code < 400 else []
        return conn.respond_json(req, code, err.body(), headers=headers)

    def interim(self, conn, req, arg, query):
        code = status_arg(arg, 100, 199)
        if code == 101:
            raise bad_request("invalid_status", "101 is not an interim status.")
        conn.send(f"HTTP/1.1 {code} {reason_phrase(code)}\r\n\r\n".encode("latin-1"))
        return conn.respond_json(req, 200, {"ok": True, "interim": code})

    def nonjson(self, conn, req, arg, query):
        code = status_arg(arg, 200, 599)
        page = b"<html><head><title>502 Bad Gateway</title></head>\n<body><h1>Bad Gateway</h1>\n"
        page += b"<p>" + b"junk " * 80 + b"</p>\n"
        page = (page + b"<!-- padding -->" * 40)[:500 - len(b"</body></html>\n")] + b"</body></html>\n"
        return conn.respond(req, code, page, ctype="text/html; charset=utf-8")

    def huge_header(self, conn, req, arg, query):
        size = query.get("bytes", 100000)
        conn.server.log_request(conn, req, 200)
        body = json_bytes({"ok": True})
        head = conn.head_bytes(req, 200, [("Content-Type", "application/json"),
                                          ("Content-Length", str(len(body)))] + closing(req))
        big_prefix, rest = head[:-2], b"\r\n" + body
        conn.send(big_prefix + b"X-Big: ")
        for i in range(0, size, 65536):
            conn.send(b"a" * min(65536, size - i))
        conn.send(b"\r\n" + rest)
        return not req.wants_close, True

    def trailer_flood(self, conn, req, arg, query):
        size = query.get("bytes", 200000)
        conn.server.log_request(conn, req, 200)
        body = json_bytes({"ok": True})
        conn.send(conn.head_bytes(req, 200, [("Content-Type", "application/json"),
                                             ("Transfer-Encoding", "chunked")] + closing(req)))
        conn.send(b"%x\r\n" % len(body) + body + b"\r\n0\r\n")
        for k in range(0, size, 1000):
            conn.send(b"X-Flood-%d: " % k + b"a" * 980 + b"\r\n")
        conn.send(b"\r\n")
        return not req.wants_close, True

    def huge_body(self, conn, req, arg, query):
        size = query.get("bytes", 10 * 1024 * 1024)
        conn.server.log_request(conn, req, 200)
        if query.get("chunked", False):
            conn.send(conn.head_bytes(req, 200, [("Content-Type", "application/json"),
                                                 ("Transfer-Encoding", "chunked")] + closing(req)))
            piece = b"10000\r\n" + b"x" * 65536 + b"\r\n"
            for i in range(0, size, 65536):
                conn.send(piece)
            conn.send(b"0\r\n\r\n")
            return not req.wants_close, True
        conn.send(conn.head_bytes(req, 200, [("Content-Type", "application/json"),
                                             ("Content-Length", str(size))] + closing(req)) + b'{"a":"')
        fill = size - 8
        for i in range(0, fill, 65536):
            conn.send(b"x" * min(65536, fill - i))
        conn.send(b'"}')
        return not req.wants_close, True

    def chunk_overflow(self, conn, req, arg, query):
        conn.server.log_request(conn, req, 200)
        conn.send(conn.head_bytes(req, 200, [("Content-Type", "application/json"),
                                             ("Transfer-Encoding", "chunked")]))
        conn.send(b"10000000000000000\r\n" + b"{" * 4096)
        return False, True

    def bad_length(self, conn, req, arg, query):
        if arg not in ("negative", "duplicate"):
            raise not_found("not_found", "The kind is negative or duplicate.")
        body = json_bytes({"ok": True})
        lengths = ["-1"] if arg == "negative" else [str(len(body))] * 2
        conn.server.log_request(conn, req, 200)
        conn.send(conn.head_bytes(req, 200, [("Content-Type", "application/json")] +
                                  [("Content-Length", n) for n in lengths]) + body)
        return False, True

    def deep_json(self, conn, req, arg, query):
        depth = query.get("depth", 100000)
        return conn.respond(req, 200, b'{"items":' + b"[" * depth + b"]" * depth + b"}")

    def bad_utf8(self, conn, req, arg, query):
        return conn.respond(req, 200, b'{"items":[{"id":"app_\x80","name":"\xff\xfe",'
                                      b'"archived":false,"created_at":"\xc0\xaf"},'
                                      b'{"id":"app_\xed\xa0\x80","name":"x"}],"has_more":false}')

    def retry(self, conn, req, arg, query):
        with self.lock:
            count = self.server.store.fault_counters.get(arg, 0) + 1
            self.server.store.fault_counters[arg] = count
        with self.server.store.lock:
            self.server.store.save()
        if count <= query.get("times", 1):
            code = query.get("status", 503)
            headers = [("Retry-After", query["retry_after"])] if "retry_after" in query else []
            err = ApiError(code, "rate_limited" if code == 429 else "test_retry",
                           f"Attempt {count} of '{arg}' answered {code} on purpose.")
            return conn.respond_json(req, code, err.body(), headers=headers)
        return conn.respond_json(req, 200, {"ok": True, "attempts": count})

    def redirect(self, conn, req, arg, query):
        if "to" not in query:
            raise bad_request("invalid_query", "Query parameter 'to' is required.")
        err = ApiError(302, "redirect", "This resource is elsewhere.")
        return conn.respond_json(req, 302, err.body(), headers=[("Location", query["to"])])

    def close_after_response(self, conn, req, arg, query):
        conn.respond_json(req, 200, {"ok": True})
        return False, query.get("notify", True)

    def exact(self, conn, req, arg, query):
        if arg not in EXACT_BODIES:
            raise not_found("not_found", f"No exact body '{arg}'.")
        return conn.respond(req, 200, EXACT_BODIES[arg].encode("utf-8"))


# ------------------------------------------------ output fixtures (t0069-json.sh)
# Bodies sent byte for byte as written here (never through json.dumps, which
# would rewrite the numbers): numbers a double cannot hold, exponents, a
# negative zero, long fractions; strings with escapes, CJK and combining marks.

EXACT_NUMBERS = ('12345678901234567890,-98765432109876543210987654321,'
                 '0.1000000000000000055511151231257827021181583404541015625,'
                 '1e400,-0.0,1E+2,2.50,-5e-324,0')

EXACT_BODIES = {
    "object": ('{"id":"num_1","big":12345678901234567890,"nums":[' + EXACT_NUMBERS + '],'
               '"nested":{"exp":1E+2,"zero":-0.0,"empty":[],"none":{}},'
               r'"text":"caf\u00e9 \u6f22\u5b57 e\u0301 \"q\" \\ \/ \u0007\t\n"}'),
    # A list page whose numbers sit where apps list has its table columns.
    "page": ('{"items":['
             r'{"id":"n1","name":"\u6f22\u5b57","archived":12345678901234567890,"created_at":'
             '0.1000000000000000055511151231257827021181583404541015625},'
             r'{"id":"n2","name":"Ame\u0301lie","archived":-0.0,"created_at":1e400},'
             '{"id":"n3","name":"plain","archived":1E+2,"created_at":2.50}],"has_more":false}'),
}


def closing(req):
    """The Connection header of a hand-framed response to req."""
    return [("Connection", "close")] if req.wants_close else []


def status_arg(text, lo, hi):
    if not re.fullmatch(r"[0-9]{3}", text) or not lo <= int(text) <= hi:
        raise bad_request("invalid_status", f"The status must be a number from {lo} to {hi}.")
    return int(text)


# ---------------------------------------------------------------- checks

def check_body(req, kind):
    """400 unless the request's body fits the route's body kind; sets req.json."""
    has_body = len(req.body) > 0
    if not has_body:
        req.json = None
        return
    if kind == NONE:
        raise bad_request("body_not_allowed", f"{req.method} {req.path} takes no body.")
    if req.headers.get("content-type") != "application/json":
        raise bad_request("bad_content_type", "A body needs 'Content-Type: application/json'.")
    req.json = parse_json_body(req.body)


def check_query(spec, req):
    """The checked query values (last one wins); 400 on anything unknown."""
    values = {}
    for name, value in req.query_last.items():
        if name not in spec:
            raise bad_request("unknown_query_parameter", f"Unknown query parameter '{name}'.")
        values[name] = spec[name](name, value)
    return values


def split_host(value):
    """(name, port) from a Host header value, or None."""
    match = re.fullmatch(r"\[([0-9A-Fa-f:.]+)\]:([0-9]{1,5})", value) or \
        re.fullmatch(r"([A-Za-z0-9.-]+):([0-9]{1,5})", value)
    if not match:
        return None
    return match.group(1).lower(), int(match.group(2))


def is_ip_literal(text):
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        return False


# ---------------------------------------------------------------- the server

class Server:
    def __init__(self, args, store, context):
        self.args = args
        self.store = store
        self.context = context
        self.routes = RouteTable(ROUTES)
        self.faults = Faults(self)
        self.chunked = args.chunked
        self.prefix = args.prefix.rstrip("/")
        self.idle_first = IDLE_TIMEOUT
        self.idle_after = args.idle_close_ms / 1000 if args.idle_close_ms is not None else IDLE_TIMEOUT
        self.port = None
        self.log_lock = threading.Lock()
        self.log_file = open(args.log, "a", encoding="utf-8")
        self.conn_lock = threading.Lock()
        self.conn_count = 0
        self.silent_conns = []

    # Logging.

    def log_request(self, conn, req, status):
        if req.logged:
            return
        req.logged = True
        tokens = {tok["token"]: name for name, tok in self.store.tokens.items()}
        auth = req.headers.get("authorization")
        if auth is not None and auth.startswith("Bearer ") and len(auth) > 15:
            tokens.setdefault(auth[7:], "unknown")

        def scrub(value):
            if isinstance(value, str):
                for raw, name in tokens.items():
                    value = value.replace(raw, f"<token:{name}>")
                return value
            if isinstance(value, list):
                return [scrub(v) for v in value]
            if isinstance(value, dict):
                return {scrub(k): scrub(v) for k, v in value.items()}
            return value

        seen = [name for name, value in req.headers.items() if any(raw in value for raw in tokens)]
        if req.target and any(raw in urllib.parse.unquote(req.target) for raw in tokens):
            seen.append("(request-target)")
        body_text = req.body.decode("utf-8", "replace")
        if any(raw in body_text for raw in tokens):
            seen.append("(body)")
        headers = dict(req.headers)
        if auth is not None:
            if auth.startswith("Bearer "):
                headers["authorization"] = "Bearer " + tokens.get(auth[7:], "unknown")
            else:
                headers["authorization"] = "<not a Bearer credential>"
        query = {}
        pairs = req.query_pairs or urllib.parse.parse_qsl(req.raw_query, keep_blank_values=True)
        for name, value in pairs:
            if name in query:
                query[name] = (query[name] if isinstance(query[name], list) else [query[name]]) + [value]
            else:
                query[name] = value
        body = req.json
        if body is None and req.body:
            try:
                body = json.loads(body_text)
            except ValueError:
                body = None
        tls = conn.tls
        record = {
            "conn": conn.number, "seq": conn.seq,
            "ts": fmt_time_ms(int(time.time() * 1000)),
            "method": req.method, "path": req.path, "query": query,
            "headers": headers, "token_seen_in": seen, "body": body,
            "status": status, "request_id": req.request_id,
            "sni": conn.sni,
            "tls_version": tls.version() if tls is not None else None,
            "alpn": tls.selected_alpn_protocol() if tls is not None else None,
        }
        if req.body and body is None:
            record["body_raw"] = body_text[:200]
        line = json.dumps(scrub(record), ensure_ascii=False)
        with self.log_lock:
            self.log_file.write(line + "\n")
            self.log_file.flush()

    # Dispatch.

    def handle(self, conn, req):
        """Answer one request; returns (keep_alive, notify)."""
        try:
            if req.error:
                raise req.error
            self.check_request(conn, req)
            path = req.path
            if self.prefix.endswith("*"):
                first = "/" + path.split("/")[1] if path.count("/") >= 1 else path
                if not first.startswith(self.prefix[:-1]):
                    raise not_found("not_found", f"No endpoint at {path} (this server lives under {self.prefix}).")
                path = path[len(first):]
            elif self.prefix:
                if not (path == self.prefix or path.startswith(self.prefix + "/")):
                    raise not_found("not_found", f"No endpoint at {path} (this server lives under {self.prefix}).")
                path = path[len(self.prefix):]
            if path.startswith("/_fault/"):
                return self.faults.dispatch(conn, req, path[len("/_fault/"):])
            if path.startswith("/_as/"):
                return self.faults.dispatch_as(conn, req, path[len("/_as/"):])
            if self.args.fault_all:
                name, _, query = self.args.fault_all.partition("?")
                req.query_last = dict(urllib.parse.parse_qsl(query))
                req.method, req.body = "GET", b""
                return self.faults.dispatch(conn, req, name)
            return self.api(conn, req, path)
        except ApiError as err:
            return conn.respond_error(req, err)

    def check_request(self, conn, req):
        """Headers, SNI and query syntax: the checks every request gets."""
        host = req.headers.get("host")
        if host is None:
            raise bad_request("missing_host", "The Host header is required.")
        parsed = split_host(host)
        if parsed is None or parsed[1] != self.port:
            raise bad_request("bad_host", f"The Host header must be name:{self.port}.")
        if conn.sni is not None:
            if is_ip_literal(conn.sni):
                raise ApiError(421, "misdirected_request", "TLS SNI must not carry an IP address.")
            if conn.sni.lower() != parsed[0]:
                raise ApiError(421, "misdirected_request",
                               f"TLS SNI '{conn.sni}' does not match the Host header.")
        if not req.headers.get("user-agent", "").startswith("alter/"):
            raise bad_request("bad_user_agent", "The User-Agent must start with 'alter/'.")
        if req.headers.get("accept") != "application/json":
            raise bad_request("bad_accept", "The Accept header must be 'application/json'.")
        try:
            pairs = urllib.parse.parse_qsl(req.raw_query, keep_blank_values=True,
                                           strict_parsing=bool(req.raw_query), errors="strict")
        except (ValueError, UnicodeDecodeError):
            raise bad_request("invalid_query", "The query string is malformed.") from None
        req.query_pairs = pairs
        req.query_last = dict(pairs)

    def api(self, conn, req, path):
        try:
            segments = [urllib.parse.unquote(s, errors="strict") for s in path.split("/")]
        except UnicodeDecodeError:
            raise not_found("not_found", f"No endpoint at {path}.") from None
        template, params, methods = self.routes.match(segments)
        if template is None:
            raise not_found("not_found", f"No endpoint at {path}.")
        route = methods.get(req.method)
        if route is None:
            raise ApiError(405, "method_not_allowed", f"{req.method} is not allowed on {template}.",
                           headers=[("Allow", ", ".join(methods))])
        check_body(req, route.body)
        query = check_query(route.query, req)
        with self.store.lock:
            token = self.authenticate(req) if route.scope else None
            if route.scope and not has_scope(token["scopes"], route.scope):
                raise ApiError(403, "insufficient_scope",
                               f"This token lacks the scope {route.scope}.",
                               required_scope=route.scope)
            ctx = Ctx(self.store, req, params, query, token)
            status, obj = route.handler(ctx)
            if ctx.changed:
                self.store.save()
            payload = b"" if obj is None else json_bytes(obj)
        return conn.respond(req, status, payload)

    def authenticate(self, req):
        value = req.headers.get("authorization")
        if value is None:
            raise ApiError(401, "missing_token", "This endpoint needs 'Authorization: Bearer <PAT>'.")
        if not value.startswith("Bearer ") or not PAT_FORMAT.match(value[7:]):
            raise ApiError(401, "invalid_token", "The Authorization header does not carry a personal access token.")
        tok = self.store.by_raw.get(value[7:])
        if tok is None:
            raise ApiError(401, "invalid_token", "The token is not valid.")
        if tok.get("_revoked"):
            raise ApiError(401, "token_revoked", "The token has been revoked.")
        if tok["expires_at"] is not None and parse_time(tok["expires_at"]) <= time.time():
            raise ApiError(401, "token_expired", f"The token expired at {tok['expires_at']}.")
        tok["last_used_at"] = fmt_time(time.time())
        return tok

    # Listening.

    def next_conn_number(self):
        with self.conn_lock:
            self.conn_count += 1
            return self.conn_count

    def run(self, listeners):
        for sock in listeners:
            threading.Thread(target=self.accept_loop, args=(sock,), daemon=True).start()
        while True:
            time.sleep(3600)

    def accept_loop(self, listener):
        while True:
            try:
                raw, _ = listener.accept()
            except OSError:
                continue
            number = self.next_conn_number()
            # Responses go out in several writes (head, body pieces): without
            # TCP_NODELAY, Nagle's algorithm and delayed ACKs add 40 ms stalls.
            raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self.args.silent:
                self.silent_conns.append(raw)
                continue
            conn = Connection(self, raw, number)
            threading.Thread(target=conn.serve, daemon=True).start()


def make_context(args):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    if args.tls13_only:
        ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    if args.tls10_only:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
                ctx.minimum_version = ssl.TLSVersion.TLSv1
                ctx.maximum_version = ssl.TLSVersion.TLSv1
        except (ValueError, ssl.SSLError) as e:
            sys.exit(f"refserver: this OpenSSL cannot serve TLS 1.0 only: {e}")
    if args.weak_key:
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    ctx.load_cert_chain(args.cert, args.key)
    if args.require_client_cert:
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(cafile=args.client_ca)
    ctx.set_alpn_protocols(["http/1.1"])

    def remember_sni(sslsock, name, _ctx):
        conn = getattr(sslsock, "alter_conn", None)
        if conn is not None:
            conn.sni = name
    ctx.sni_callback = remember_sni
    return ctx


def listen(bind, port):
    """The listening sockets for --bind, all on one port."""
    hosts = {"127.0.0.1": ["127.0.0.1"], "::1": ["::1"], "both": ["127.0.0.1", "::1"]}[bind]
    for _ in range(20):
        socks = []
        try:
            chosen = port
            for host in hosts:
                family = socket.AF_INET6 if ":" in host else socket.AF_INET
                sock = socket.socket(family, socket.SOCK_STREAM)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                if family == socket.AF_INET6:
                    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                socks.append(sock)
                sock.bind((host, chosen))
                sock.listen(128)
                chosen = sock.getsockname()[1]
            return socks, chosen
        except OSError as e:
            for sock in socks:
                sock.close()
            if port != 0:
                sys.exit(f"refserver: cannot listen on {bind} port {port}: {e}")
    sys.exit(f"refserver: cannot find a port free on {bind}")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(usage="%(prog)s --cert CERT --key KEY --port-file FILE --log FILE [options]",
                                description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--bind", choices=("127.0.0.1", "::1", "both"), default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--state")
    p.add_argument("--fixture", default=os.path.join(here, "..", "fixture.json"))
    p.add_argument("--prefix", default="")
    tls = p.add_mutually_exclusive_group()
    tls.add_argument("--tls13-only", action="store_true")
    tls.add_argument("--tls10-only", action="store_true")
    p.add_argument("--weak-key", action="store_true")
    p.add_argument("--require-client-cert", action="store_true")
    p.add_argument("--client-ca")
    p.add_argument("--silent", action="store_true")
    p.add_argument("--audit-events", type=int, default=0)
    p.add_argument("--apps", type=int, default=0)
    p.add_argument("--idle-close-ms", type=int)
    p.add_argument("--chunked", action="store_true")
    p.add_argument("--fault-all")
    args = p.parse_args()
    if args.require_client_cert and not args.client_ca:
        p.error("--require-client-cert needs --client-ca FILE")
    if args.prefix and (not args.prefix.startswith("/") or args.prefix == "/"):
        p.error("--prefix must start with '/' and name a path")
    if args.audit_events < 0 or args.apps < 0 or (args.idle_close_ms is not None and args.idle_close_ms < 1):
        p.error("--audit-events and --apps must be >= 0, --idle-close-ms >= 1")

    try:
        with open(args.fixture, encoding="utf-8") as f:
            fixture = json.load(f)
    except (OSError, ValueError) as e:
        sys.exit(f"refserver: cannot read the fixture {args.fixture}: {e}")
    start = int(time.time())
    store = Store(fixture, start, args.apps, args.audit_events, args.state)
    try:
        context = make_context(args)
    except (OSError, ssl.SSLError) as e:
        sys.exit(f"refserver: cannot load the TLS certificate or key: {e}")
    server = Server(args, store, context)
    listeners, server.port = listen(args.bind, args.port)
    store.save()
    write_atomic(args.port_file, f"{server.port}\n")
    print(f"refserver: listening on {args.bind} port {server.port}", file=sys.stderr, flush=True)
    try:
        server.run(listeners)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
