# tests/lib-portal.sh: what the portal command tests (t006*) share, sourced
# after lib.sh.  A behaviour is shown by the reference server, not by exit 0
# alone: pycheck reads the server's store (its --state file) and its request
# log, and nreq counts the requests, so that "nothing was sent" is checkable.

# The interpreter itself, not a version manager's shim: pycheck runs often.
PYTHON=$(python3 -c 'import sys; print(sys.executable)')
T_DEFAULT=$(tok default)
T_RULESCREATE=$(tok rulescreate)

# portal_server [refserver flags...]: start server "srv" and point alter at it
# with the full token (no retries: a failure shows at once).
portal_server() {
	start_server srv "$@"
	export ALTER_PAT="$T_FULL"
	use_server srv
}

# portal_app_server [refserver flags...]: portal_server, with the fixture's
# app_demo as the app of every app-scoped command (ALTER_APP_ID).
portal_app_server() {
	portal_server "$@"
	export ALTER_APP_ID=app_demo
}

# pycheck <<EOF ... EOF: Python statements run with S = the store of server
# ${SRV:-srv}, L = its logged requests, R = the last one, A = the store's
# app_demo, J(path) = a JSON file (alter's output), sha(text) = its sha256 as
# the store keeps it, and eq(got, want), which fails the check showing both.  One process per call: python is slow to start.
PYCHECK='import hashlib, json, sys
def sha(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
def J(path):
    return json.load(open(path, encoding="utf-8"))
try:
    S = J(sys.argv[1])
    A = S["apps"].get("app_demo")
except FileNotFoundError:
    S = A = None
try:
    L = [json.loads(line) for line in open(sys.argv[2], encoding="utf-8")]
except FileNotFoundError:
    L = []
R = L[-1] if L else None
def eq(got, want):
    if got != want:
        print("# expected: %r\n#      got: %r" % (want, got))
        sys.exit(1)
'
pycheck() {
	"$PYTHON" -c "$PYCHECK$(cat)" "$TRASH/${SRV:-srv}.state.json" "$TRASH/${SRV:-srv}.log"
}

# nreq: how many requests server ${SRV:-srv} has logged.
nreq() { cat "$TRASH/${SRV:-srv}.log" 2>/dev/null | wc -l | tr -d ' '; }

# check_eq EXPECTED ACTUAL: equal strings, else both shown.
check_eq() {
	[ "$1" = "$2" ] || { echo "# expected: $1" >&2; echo "#      got: $2" >&2; return 1; }
}

# no_request_since N: the server logged no request after the first N.
no_request_since() { check_eq "$1" "$(nreq)"; }
