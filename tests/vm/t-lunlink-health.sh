#!/bin/bash
# vm-timeout: 240
# Session health through real faults: one session to LIO, iscsid writing
# its Prometheus textfile (iscsid.metrics_file), Debian's node_exporter
# serving that directory on 127.0.0.1, and `iscsiadm -m session -J`.
#   1. logged in: the scrape says up, no recovery; the health object has the
#      login time, portal, iface and local address, no failure
#   2. portal outage (LIO tpgt enable 0 for 4 s): the scrape shows the
#      session recovering, then up again with its recovery counter at 1;
#      the health object counts the recovery and names the failure
#   3. connection killed (ss -K): recoveries 2, the last failure is the
#      kernel's connection error, later than the one before
#   4. the target's Async Messages, slipped in by a proxy in front of LIO
#      (lib/asyncproxy.py) on a session logged in through it, while a
#      writer runs: a logout request (AsyncEvent 1) is answered with a
#      Logout, the session logs in again with no failed write, and health
#      and the scrape count a target_logout recovery; an announced drop
#      (AsyncEvent 2) reconnects after its Time2Wait
#
#   LUNLINK_BUILD_DIR=build-vm tests/vm/run.sh tests/vm/t-lunlink-health.sh
set -o pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$here/lib/assert.sh"
. "$here/lib/vm.sh"
. "$here/lib/lio.sh"
. "$here/lib/lunlink.sh"
. "$here/lib/fault.sh"

vm_require_guest "$0"

IQN=iqn.2003-01.org.lunlink.test:health
PROM=/tmp/prom
NE_PORT=19100
NE_PID=
AP_DIR=/tmp/aproxy
AP_PORT=3262
AP_PID=

cleanup() {
	flt_writer_stop 10
	[[ -n $AP_PID ]] && kill "$AP_PID" 2>/dev/null && wait "$AP_PID" 2>/dev/null
	[[ -n $NE_PID ]] && kill "$NE_PID" 2>/dev/null && wait "$NE_PID" 2>/dev/null
	ll_stop_iscsid
	lio_teardown
}
at_exit cleanup
at_exit ll_diag_on_failure

scrape() { curl -sf "http://127.0.0.1:$NE_PORT/metrics" >/tmp/scrape 2>/dev/null; }

# metric NAME: the value of the session's sample of NAME in the last scrape.
metric() {
	awk -v n="$1" -v sid="sid=\"$SID\"" 'index($0, n "{") == 1 && index($0, sid) { print $NF; exit }' /tmp/scrape
}
# (curl forks: poll every 0.2 s, not vm_wait_for's 10 ms)
_metric_is() { scrape && [[ $(metric "$1") == "$2" ]] || { vm_sleep 0.2; return 1; }; }
_metric_ge() { scrape && local v=$(metric "$1") && ((${v:-0} >= $2)) || { vm_sleep 0.2; return 1; }; }
# wait_metric NAME VALUE S: scrape until the session's NAME is VALUE.
wait_metric() { vm_wait_for "$3" _metric_is "$1" "$2"; }

# snap_health: -m session -J now; health JQ: a field of the session's
# health object in that snapshot.
snap_health() { iscsiadm -m session -J >/tmp/sessions.json; }
health() {
	jq -r --argjson sid "$SID" ".sessions[] | select(.sid == \$sid) | .health | $1" \
		/tmp/sessions.json
}

setup() {
	ll_require_build
	modprobe sd_mod
	mkdir -p "$PROM"
	printf 'iscsid.metrics_file = %s/iscsi.prom\n' "$PROM" >"$ISCSI_CONFIG_DIR/iscsid.conf"
	lio_load && lio_create_target "$IQN" 3260 16M ||
		{ not_ok "LIO target configured"; done_testing; }
	ll_start_iscsid || { not_ok "iscsid started"; done_testing; }
	prometheus-node-exporter --web.listen-address="127.0.0.1:$NE_PORT" \
		--collector.disable-defaults --collector.textfile \
		--collector.textfile.directory="$PROM" >/tmp/ne.log 2>&1 &
	NE_PID=$!
	vm_wait_for 20 scrape || { not_ok "node_exporter serves on 127.0.0.1:$NE_PORT"; done_testing; }
	ok "node_exporter serves on 127.0.0.1:$NE_PORT"
	flt_login "$IQN" node.conn[0].timeo.noop_out_interval 2 \
		node.conn[0].timeo.noop_out_timeout 2 \
		node.session.timeo.replacement_timeout 30 || done_testing
}

test_logged_in() {
	wait_metric lunlink_session_up 1 5 && ok "scrape: the session is up" ||
		not_ok "scrape: the session is up" "$(grep "sid=\"$SID\"" /tmp/scrape | head -5)"
	expect_eq "$(grep -c '^node_textfile_scrape_error 0$' /tmp/scrape)" 1 \
		"node_exporter read the file without error"
	expect_eq "$(metric lunlink_session_recoveries_total)" 0 "scrape: no recovery yet"
	expect_eq "$(metric lunlink_session_recovering)" 0 "scrape: not recovering"
	grep -q "^lunlink_session_up{.*portal=\"127.0.0.1:3260\",sid=\"$SID\",target=\"$IQN\"} 1$" \
		/tmp/scrape && ok "scrape: labels target, portal, sid, iface" ||
		not_ok "scrape: labels target, portal, sid, iface" "$(grep lunlink_session_up /tmp/scrape)"
	# Login PDUs never reach the kernel (iscsid logs in), but the disk scan's
	# commands do; the file is rewritten every 15 s for the counters.
	vm_wait_for 20 _metric_ge lunlink_conn_scsicmd_pdus_total 1 &&
		ok "scrape: the kernel's counters are there" ||
		not_ok "scrape: the kernel's counters are there" "$(grep -c lunlink_conn_ /tmp/scrape)"
	expect_eq "$(stat -c %a "$PROM/iscsi.prom")" 644 "the metrics file is world-readable"
	snap_health
	expect_eq "$(health .recoveries)" 0 "JSON: recoveries 0"
	expect_eq "$(health .last_failure)" null "JSON: no failure"
	expect_eq "$(health .state)" LOGGED_IN "JSON: state LOGGED_IN"
	expect_eq "$(health .adopted)" false "JSON: not adopted"
	expect_match "$(health .logged_in_at)" '^20[0-9][0-9]-[0-9-]+T[0-9:.]+Z$' "JSON: login time"
	expect_eq "$(health .portal)" 127.0.0.1:3260 "JSON: portal"
	expect_eq "$(health .iface)" default "JSON: iface"
	expect_eq "$(health .local_address)" 127.0.0.1 "JSON: local address"
}

test_portal_outage() {
	lio_disable "$IQN" || not_ok "portal disabled"
	wait_metric lunlink_session_recovering 1 10 && ok "outage: scrape shows the session recovering" ||
		not_ok "outage: scrape shows the session recovering" "$(grep "sid=\"$SID\"" /tmp/scrape | head)"
	expect_eq "$(metric lunlink_session_up)" 0 "outage: scrape says not up"
	expect_eq "$(metric lunlink_session_recoveries_total)" 1 "outage: recovery counter at 1"
	vm_sleep 4
	snap_health
	expect_eq "$(health .recovering)" true "outage: JSON says recovering"
	lio_enable "$IQN" || not_ok "portal enabled"
	flt_wait_state "$SID" LOGGED_IN 40 || not_ok "outage: session LOGGED_IN again"
	wait_metric lunlink_session_up 1 5 && ok "outage: scrape shows the session up again" ||
		not_ok "outage: scrape shows the session up again"
	expect_eq "$(metric lunlink_session_recovering)" 0 "outage: no longer recovering"
	expect_eq "$(metric lunlink_session_recoveries_total)" 1 "outage: one recovery counted"
	awk -v s="$(metric lunlink_session_recovery_seconds_total)" 'BEGIN { exit !(s >= 3) }' &&
		ok "outage: time in recovery counted ($(metric lunlink_session_recovery_seconds_total) s)" ||
		not_ok "outage: time in recovery counted" "$(metric lunlink_session_recovery_seconds_total)"
	snap_health
	expect_eq "$(health .recoveries)" 1 "outage: JSON recoveries 1"
	expect_eq "$(health .recovering)" false "outage: JSON not recovering"
	[[ $(health .failures.conn_error) -ge 1 ]] && ok "outage: the lost connection is a conn_error" ||
		not_ok "outage: the lost connection is a conn_error" "$(health .failures)"
	expect_match "$(health .last_failure.kind)" '^(conn_error|login_rejected|login_failed|connect_failed)$' \
		"outage: a last failure with a kind"
	expect_match "$(health .last_failure.message)" '.' "outage: the failure has a message"
	diag "outage: last failure: $(health '.last_failure | "\(.kind) \(.code): \(.message)"')"
	OUTAGE_FAIL_TIME=$(health .last_failure.time)
}

test_conn_kill() {
	local n
	vm_sleep 1  # a failure time of its own
	n=$(flt_kill_conn)
	expect_eq "$n" 1 "kill: ss -K killed the connection"
	wait_metric lunlink_session_recoveries_total 2 15 && ok "kill: scrape counts the second recovery" ||
		not_ok "kill: scrape counts the second recovery" "$(metric lunlink_session_recoveries_total)"
	flt_wait_state "$SID" LOGGED_IN 30 || not_ok "kill: session LOGGED_IN again"
	wait_metric lunlink_session_up 1 5 && ok "kill: scrape shows the session up again" ||
		not_ok "kill: scrape shows the session up again"
	snap_health
	expect_eq "$(health .recoveries)" 2 "kill: JSON recoveries 2"
	expect_eq "$(health .last_failure.kind)" conn_error "kill: the last failure is a conn_error"
	expect_match "$(health .last_failure.message)" '^connection error [0-9]+: ' \
		"kill: the message names the kernel's error"
	[[ $(health .last_failure.time) > $OUTAGE_FAIL_TIME ]] &&
		ok "kill: the failure time moved on" ||
		not_ok "kill: the failure time moved on" "$OUTAGE_FAIL_TIME -> $(health .last_failure.time)"
	expect_eq "$(grep -c '^node_textfile_scrape_error 0$' /tmp/scrape)" 1 \
		"node_exporter still reads the file without error"
	diag "$(grep "sid=\"$SID\"" /tmp/scrape | grep -E 'lunlink_session_(up|recover|last_failure_info)' | head -6)"
}

# proxy_says LINE S: the proxy logged LINE (a whole line) within S seconds.
_proxy_said() { grep -qx "$1" "$AP_DIR/log" 2>/dev/null || { vm_sleep 0.05; return 1; }; }
proxy_says() { vm_wait_for "$2" _proxy_said "$1"; }

# Through the proxy from here on: the direct session goes, one through
# 127.0.0.1:$AP_PORT takes its place (a new session: its history is new).
async_setup() {
	T_ASYNC=$(vm_now)
	expect_exit 0 iscsiadm -m node -T "$IQN" -p 127.0.0.1:3260 --logout
	mkdir -p "$AP_DIR"
	python3 "$here/lib/asyncproxy.py" "$AP_PORT" 3260 "$AP_DIR" 2>"$AP_DIR/err" &
	AP_PID=$!
	proxy_says "listening $AP_PORT" 10 || { not_ok "the proxy listens" "$(cat "$AP_DIR/err")"; return 1; }
	expect_exit 0 iscsiadm -m node -o new -T "$IQN" -p "127.0.0.1:$AP_PORT" || return 1
	expect_exit 0 iscsiadm -m node -T "$IQN" -p "127.0.0.1:$AP_PORT" --login || return 1
	vm_wait_for 20 ll_disk_of "$IQN" || { not_ok "async: a disk through the proxy"; return 1; }
	SID=$(ll_sid_of "$IQN")
	wait_metric lunlink_session_up 1 5 || { not_ok "async: the proxied session is up"; return 1; }
	ok "async: session $SID through the proxy, /dev/$DISK"
	flt_metric async_setup_seconds "$T_ASYNC"
	flt_writer_start "/dev/$DISK" 4
	flt_writer_wait_writes 2 20 || not_ok "async: the writer writes"
}

test_async_logout() {
	local t0
	t0=$(vm_now)
	echo "1 0 0 5" >"$AP_DIR/cmd"
	proxy_says "logout 1 reason=0" 10 && ok "async: the logout request is answered with a Logout (close the session)" ||
		not_ok "async: the logout request is answered with a Logout" "$(cat "$AP_DIR/log")"
	proxy_says "logout-rsp 1 response=0" 10 || not_ok "async: LIO answered the Logout" "$(cat "$AP_DIR/log")"
	proxy_says "conn 2" 20 && ok "async: the session logs in again on a new connection" ||
		not_ok "async: the session logs in again on a new connection" "$(cat "$AP_DIR/log")"
	flt_wait_state "$SID" LOGGED_IN 30 || not_ok "async: session LOGGED_IN again"
	flt_metric async_logout_relogin_seconds "$t0"
	expect_eq "$(ll_sid_of "$IQN")" "$SID" "async: the same session came back"
	wait_metric lunlink_session_up 1 10 && ok "async: scrape shows the session up again" ||
		not_ok "async: scrape shows the session up again"
	expect_eq "$(metric lunlink_session_recoveries_total)" 1 "async: scrape counts one recovery"
	grep -q "^lunlink_session_last_failure_info{.*kind=\"target_logout\".*sid=\"$SID\"" /tmp/scrape &&
		ok "async: scrape names the failure target_logout" ||
		not_ok "async: scrape names the failure target_logout" "$(grep last_failure_info /tmp/scrape)"
	snap_health
	expect_eq "$(health .state)" LOGGED_IN "async: JSON state LOGGED_IN"
	expect_eq "$(health .recoveries)" 1 "async: JSON recoveries 1"
	expect_eq "$(health .last_failure.kind)" target_logout "async: JSON last failure target_logout"
	expect_eq "$(health .failures.target_logout)" 1 "async: JSON one target_logout"
	expect_match "$(health .last_failure.message)" '^the target asked for a logout within 5 s ' \
		"async: the message says what the target asked"
	grep -q 'the target asked for a logout within 5 s' "$LL_ISCSID_LOG" &&
		grep -q "logged out at the target's request; logging in again" "$LL_ISCSID_LOG" &&
		ok "async: iscsid's log says what the target asked and what iscsid did" ||
		not_ok "async: iscsid's log says what the target asked and what iscsid did"
	flt_writer_wait_writes 1 30 || not_ok "async: the writer goes on after the relogin"
}

test_async_drop() {
	local t0
	t0=$(vm_now)
	echo "2 0 1 20" >"$AP_DIR/cmd"
	proxy_says "closed 2 by initiator" 10 && ok "async: an announced drop closes the connection" ||
		not_ok "async: an announced drop closes the connection" "$(cat "$AP_DIR/log")"
	proxy_says "conn 3" 20 || not_ok "async: a new connection after the drop" "$(cat "$AP_DIR/log")"
	flt_wait_state "$SID" LOGGED_IN 30 || not_ok "async: LOGGED_IN after the drop"
	flt_metric async_drop_relogin_seconds "$t0"
	snap_health
	expect_eq "$(health .recoveries)" 2 "async: drop: JSON recoveries 2"
	expect_eq "$(health .failures.target_logout)" 2 "async: drop: a second target_logout"
	expect_match "$(health .last_failure.message)" '^the target announced it drops connection 0 .*Time2Wait 1 s$' \
		"async: drop: the message names the drop and its Time2Wait"
	flt_writer_wait_writes 1 30 || not_ok "async: the writer goes on after the drop"
	flt_writer_stop 30 || not_ok "async: the writer stops"
	flt_writer_stats
	expect_eq "$FLT_ERRORS" 0 "async: none of $FLT_WRITES writes failed"
	flt_writer_verify "async"
	flt_metric async_total_seconds "$T_ASYNC"
}

T_START=$(vm_now)
setup
test_logged_in
test_portal_outage
test_conn_kill
async_setup && { test_async_logout; test_async_drop; }
expect_exit 0 iscsiadm -m node -T "$IQN" --logout
flt_metric health_total_seconds "$T_START"
done_testing
