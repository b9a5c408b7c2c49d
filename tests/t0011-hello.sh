#!/bin/sh
test_description='what alter offers in its ClientHello: the ECDHE groups, x25519 first'
. "$(dirname "$0")/lib.sh"

# The order comes from patches/bearssl-x25519-first.patch: a build against
# the system's BearSSL (SYSTEM_LIBS=1) sends 23 24 25 29 and is not tested here.
if ! "$ALTER" version | grep -q "local patches.*bearssl-x25519-first"; then
	test_skip 'the groups are x25519, then P-256, P-384 and P-521' \
	    'this alter is built without patches/bearssl-x25519-first.patch'
	test_done
	exit
fi

# A listener on loopback that reads one ClientHello, writes the group IDs of
# its supported_groups extension (10) to groups.txt, then closes (in that
# order: alter ends when it sees the close, and the test then reads the file): this checks
# the bytes alter sends, not a handshake (t0010 and the others do those).
python3 - "$TRASH/hello.port" "$TRASH/groups.txt" <<'PY' &
import socket, struct, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
s.settimeout(20)
c, _ = s.accept()
c.settimeout(10)
buf = b""
while len(buf) < 5 or len(buf) < 5 + struct.unpack(">H", buf[3:5])[0]:
    d = c.recv(4096)
    if not d:
        break
    buf += d
h = buf[5:]
assert buf[0] == 22 and h[0] == 1, "not a ClientHello"
p = 4 + 2 + 32
p += 1 + h[p]                                   # session id
p += 2 + struct.unpack(">H", h[p:p + 2])[0]     # cipher suites
p += 1 + h[p]                                   # compression methods
end = p + 2 + struct.unpack(">H", h[p:p + 2])[0]
p += 2
groups = []
while p < end:
    t, n = struct.unpack(">HH", h[p:p + 4])
    if t == 10:
        groups = [struct.unpack(">H", h[p + 6 + i:p + 8 + i])[0] for i in range(0, n - 2, 2)]
    p += 4 + n
open(sys.argv[2], "w").write(" ".join(map(str, groups)) + "\n")
c.close()   # after the file is written: alter ends when it sees the close
PY
PIDS="$PIDS $!"
wait_port "$TRASH/hello.port" || { echo "Bail out! hello listener did not start"; exit 1; }

test_expect_success 'the groups are x25519, then P-256, P-384 and P-521' '
	ALTER_PAT="$T_FULL" test_expect_code 1 alter api GET /v1/pats/me \
	    --base-url https://localhost:$(cat "$TRASH/hello.port") --ca-file "$PKI/ca.pem" 2>err &&
	echo "29 23 24 25" >expect &&
	test_cmp expect "$TRASH/groups.txt"
'

test_done
