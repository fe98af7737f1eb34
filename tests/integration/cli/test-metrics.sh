#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Session health on the host (no kernel sessions here; the VM test
# t-lunlink-health.sh has real ones):
#  - node_exporter's textfile collector, on 127.0.0.1, reads iscsid's
#    Prometheus text without an error (escaped labels included), so the
#    format is what the collector parses, not only what our checker thinks;
#  - a real iscsid with iscsid.metrics_file writes the file, readable by
#    node_exporter's user, leaving no temporary file behind;
#  - malformed IPC_SESSION_HEALTH requests are refused with a reason.
# usage: test-metrics.sh iscsiadm iscsid test_metrics_text
set -u
ISCSID_BIN=${2:?iscsid}
SAMPLE=${3:?test_metrics_text}
. "$(dirname "$0")/cli-lib.sh" "$1" ""
HOSTILE="$(dirname "$0")/../hostile"

if ! command -v prometheus-node-exporter >/dev/null || ! command -v curl >/dev/null; then
	echo "Bail out! prometheus-node-exporter and curl are needed (scripts/deps.sh)"
	exit 1
fi

PROM="$TESTDIR/prom"
mkdir -p "$PROM"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
prometheus-node-exporter --web.listen-address="127.0.0.1:$PORT" --collector.disable-defaults \
	--collector.textfile --collector.textfile.directory="$PROM" >"$TESTDIR/ne.log" 2>&1 &
NE_PID=$!
at_exit "kill $NE_PID; wait $NE_PID"

scrape() {
	curl -sf "http://127.0.0.1:$PORT/metrics" >"$TESTDIR/scrape" 2>/dev/null
}
for _ in $(seq 1 100); do
	scrape && break
	sleep 0.1
done

# ---- the collector reads our text ----
"$SAMPLE" --write "$PROM/sample.prom"
scrape
check "node_exporter parses the sample without error" \
	grep -qx 'node_textfile_scrape_error 0' "$TESTDIR/scrape"
check "escaped labels come through as written" \
	grep -qF 'lunlink_session_recoveries_total{iface="eth\"1",portal="[::1]:3260",sid="4",target="iqn.x:\"quoted\\back\nslash\""} 2' "$TESTDIR/scrape"
check "a state set member comes through" \
	grep -qF 'lunlink_session_state{iface="default",portal="127.0.0.1:3260",sid="3",state="logged_in",target="iqn.2003-01.org.linux-iscsi.t:sn.1"} 1' "$TESTDIR/scrape"
check "kernel counters come through" \
	grep -qF 'lunlink_conn_txdata_octets_total{iface="default",portal="127.0.0.1:3260",sid="3",target="iqn.2003-01.org.linux-iscsi.t:sn.1"} 1.23456789012e+11' "$TESTDIR/scrape"
rm -f "$PROM/sample.prom"

# ---- a real iscsid writes the file ----
printf 'iscsid.metrics_file = %s/iscsi.prom\n' "$PROM" >"$ISCSI_CONFIG_DIR/iscsid.conf"
iscsid_start "$ISCSID_BIN" -f
for _ in $(seq 1 100); do
	[ -e "$PROM/iscsi.prom" ] && break
	sleep 0.05
done
check "iscsid writes the metrics file" test -s "$PROM/iscsi.prom"
check "the file is readable by node_exporter's user (0644)" \
	test "$(stat -c %a "$PROM/iscsi.prom")" = 644
check "the file declares the families" grep -qx '# TYPE lunlink_session_recoveries_total counter' "$PROM/iscsi.prom"
check "no temporary file is left" test "$(find "$PROM" -type f | wc -l)" = 1
check "iscsid says where it writes" grep -q "writing metrics to $PROM/iscsi.prom" "$ISCSID_LOG"
scrape
check "node_exporter reads iscsid's file without error" \
	grep -qx 'node_textfile_scrape_error 0' "$TESTDIR/scrape"

# ---- malformed health requests ----
# One line per request: its status and message.  Each argument is one
# request: "-" has no session id, digits a u32 one, other text a SID
# attribute of the wrong size.  (One python run: it starts slowly.)
health() {
	PYTHONPATH="$HOSTILE" python3 - "$ISCSID_SOCKET" "$@" <<'EOF'
import struct, sys
import ipc_client
for a in sys.argv[2:]:
    attrs = [] if a == '-' else [(6, struct.pack('>I', int(a)) if a.isdigit() else a.encode())]
    try:
        status, msg, _ = ipc_client.call(sys.argv[1], 10, attrs)
        print(status, msg)
    except (ConnectionError, OSError) as e:
        print('closed', e)
EOF
}
health - 4242 xy 1 >"$TESTDIR/health"
check "a health request without a session id is refused (16)" \
	grep -qx '16 health request without a session id' "$TESTDIR/health"
check "a health request for an unknown session says so (2)" \
	grep -qx '2 iscsid manages no session 4242' "$TESTDIR/health"
check "a session id of the wrong size is refused as a bad message" \
	grep -q '^[0-9]* bad IPC message' "$TESTDIR/health"
check "iscsid still answers after them" test "$(sed -n 4p "$TESTDIR/health")" = "2 iscsid manages no session 1"

# ---- a relative path is refused out loud ----
_iscsid_stop
printf 'iscsid.metrics_file = relative.prom\n' >"$ISCSI_CONFIG_DIR/iscsid.conf"
iscsid_start "$ISCSID_BIN" -f
health 1 >/dev/null  # iscsid has read its configuration once it answers
check "a relative metrics path is reported" grep -q 'iscsid.metrics_file = relative.prom: not an absolute path' "$ISCSID_LOG"
finish
