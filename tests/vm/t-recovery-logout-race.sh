#!/bin/bash
# vm-timeout: 300
# vm-weight: 239
# Logout racing a reconnect: while iscsid recovers a session, its new TCP
# connection completes just after the user asked for logout. The logout
# must still finish (exit 0, bounded time), the session must go, and
# iscsid must not log the session back in.
#
# The race is set up with netem delaying every packet on lo by 1 s, so the
# reconnect's TCP handshake completes about 2 s after iscsid starts it
# ("--reconnect--> CONNECT" in its log). Each try sends the logout at an
# offset from there and sees from iscsid's log whether the logout came
# before the connect completed (CONNECT --logout-->) or after; a binary
# search closes in on that moment, where the race is. The test stops at
# the first try that goes wrong and shows iscsid's log.
#
#   LUNLINK_BUILD_DIR=build-vm tests/vm/run.sh tests/vm/t-recovery-logout-race.sh
set -o pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$here/lib/assert.sh"
. "$here/lib/vm.sh"
. "$here/lib/lio.sh"
. "$here/lib/lunlink.sh"
. "$here/lib/fault.sh"

vm_require_guest "$0"

IQN=iqn.2003-01.org.lunlink.test:recovery-race
P=127.0.0.1
DELAY_MS=1000
# Milliseconds after "--reconnect--> CONNECT" at which logout is started:
# a binary search for the moment the connect completes, between LO_MS
# (logout always comes first) and HI_MS (always after the connect).
LO_MS=1300
HI_MS=2300
TRIES=16
LOGOUT_MAX_S=30

setup() {
	flt_start "sd_mod sch_netem" "$IQN" 16M
	expect_exit 0 iscsiadm -m discovery -t st -p "$P" || done_testing
}

_reconnecting() { (($(grep -c -- "--reconnect--> CONNECT" "$LL_ISCSID_LOG") > $1)); }
_gone() { ! kill -0 "$1" 2>/dev/null; }

# one_try OFFSET_MS: returns 1 when the logout went wrong; sets
# BEFORE_CONNECT=1 when the logout came while iscsid was still connecting.
one_try() {
	local off n sid pid rc t0 dt line state bad=0
	off=$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))
	BEFORE_CONNECT=0
	iscsiadm -m node -T "$IQN" -p "$P" --login >/dev/null 2>&1
	if ! vm_wait_for 20 ll_disk_of "$IQN"; then
		not_ok "offset $off: login before the race"
		return 1
	fi
	sid=$(ll_sid_of "$IQN")
	n=$(grep -c -- "--reconnect--> CONNECT" "$LL_ISCSID_LOG")
	tc qdisc add dev lo root netem delay "${DELAY_MS}ms"
	flt_kill_conn >/dev/null
	if ! vm_wait_for 20 _reconnecting "$n"; then
		tc qdisc del dev lo root
		not_ok "offset $off: iscsid reconnects"
		return 1
	fi
	vm_sleep "$off"
	t0=$(vm_now)
	iscsiadm -m node -T "$IQN" -p "$P" --logout >"$LL_DIR/logout.out" 2>&1 &
	pid=$!
	vm_wait_for "$LOGOUT_MAX_S" _gone "$pid" || kill "$pid" 2>/dev/null
	wait "$pid" && rc=0 || rc=$?
	dt=$(flt_us_to_s $(($(vm_now) - t0)))
	tc qdisc del dev lo root
	# A session logged back in shows up after the delay is gone.
	vm_sleep 3
	state=$(sed -n "/\[sid $sid\]/s/.*3260: \(.*-->.*\)/\1/p" "$LL_ISCSID_LOG" | tail -n 4 | paste -sd' ')
	if ((rc != 0)); then
		not_ok "offset $off: logout exits 0 within $LOGOUT_MAX_S s" "exit $rc after $dt s" \
			"$(<"$LL_DIR/logout.out")" "iscsid: $state"
		bad=1
	fi
	if [[ -n $(flt_sess_state "$sid") ]]; then
		not_ok "offset $off: session $sid gone after logout" \
			"kernel state $(flt_sess_state "$sid"), iscsid: $state"
		bad=1
	fi
	[[ $state == *"CONNECT --logout-->"* ]] && BEFORE_CONNECT=1
	if ((bad)); then
		# Show what a second logout gets.
		OUT=$(timeout 10 "$LL_BUILD/iscsiadm/iscsiadm" -m node -T "$IQN" -p "$P" --logout 2>&1)
		diag "offset $off: a second logout: exit $?:"
		while IFS= read -r line; do diag "  $line"; done <<<"$OUT"
		return 1
	fi
	diag "offset $off: logout in $dt s ($state)"
	return 0
}

at_exit flt_cleanup
at_exit ll_diag_on_failure
setup
lo=$LO_MS hi=$HI_MS
for ((try = 1; try <= TRIES; try++)); do
	mid=$(((lo + hi) / 2))
	one_try "$mid" || break
	if ((BEFORE_CONNECT)); then lo=$mid; else hi=$mid; fi
	# Jitter moves the moment; widen the bracket again once it is tight.
	((hi - lo < 20)) && lo=$((lo - 40)) hi=$((hi + 40))
done
((_T_FAILED == 0)) && ok "logout won the race with a reconnect in all $TRIES tries"
done_testing
