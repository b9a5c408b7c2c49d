#!/bin/sh
# tests/helper/demo.sh (make demo): a short session of real alter commands against
# the bundled reference server, over real TLS with a throwaway CA.  The
# session runs in a temporary directory (alter link writes .alter/ there):
# nothing outside it is touched, the checkout stays as it was.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
ALTER=$TOP/alter
work=$(mktemp -d "${TMPDIR:-/tmp}/alter-demo.XXXXXX")
trap 'kill $srv 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT

sh "$TOP/tests/helper/mkcerts.sh" "$work/pki" >/dev/null
python3 "$TOP/tests/helper/refserver.py" --cert "$work/pki/good.pem" --key "$work/pki/good.key" \
    --port 0 --port-file "$work/port" --log "$work/server.log" --apps 3 2>/dev/null &
srv=$!
i=0; while [ ! -s "$work/port" ]; do i=$((i + 1)); [ $i -lt 100 ] || exit 1; sleep 0.1; done

export ALTER_CONFIG_DIR="$work/config" ALTER_CA_FILE="$work/pki/ca.pem"
export ALTER_BASE_URL="https://localhost:$(cat "$work/port")"
python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["tokens"]["full"]["token"])' \
    "$TOP/tests/fixture.json" > "$work/pat.txt"
chmod 600 "$work/pat.txt"

cd "$work"
alter() { "$ALTER" "$@"; }
run() { printf '\n$ %s\n' "$*"; "$@"; }

run alter --version
printf '\n$ alter auth login --token-stdin < pat.txt\n'
alter auth login --token-stdin < "$work/pat.txt"
run alter auth status
run alter apps list
run alter apps create --name demo-from-cli --description "made by make demo"
run alter link app_demo
run alter keys list
run alter keys mint --name ci-deploy --scopes tokens:exchange --expires-in 30d -o json
run alter audit list --limit 5
run alter scopes check dashboard_apps:read,dashboard_keys:admin
run alter auth logout
printf '\n$ alter apps list   # signed out\n'
alter apps list || echo "(exit $?: not signed in)"
echo
echo "demo finished: $(wc -l < "$work/server.log") requests served over TLS 1.2"
