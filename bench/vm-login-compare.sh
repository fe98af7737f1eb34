#!/bin/bash
# Benchmark (runs in the test VM; start it with bench/run.sh).
# A measurement, not a timed assertion: guest seconds from the start of
# `iscsiadm --login` to the /dev/sdX node, for lunlink and for Debian's
# open-iscsi, in the same boot against the same LIO, 5 logins each,
# alternating, never with both iscsids running. Then --loginall=all to
# $BENCH_NODES targets (default 64) with each, and iscsid's peak memory. Prints METRIC lines (medians, ratio, totals) and
# asserts only that every login and logout worked.
#
# The same 16 targets serve both parts; each single login goes to a
# target of its own, so a session left behind by one never turns the next
# login into "already present". iscsi_tcp and
# sd_mod are loaded up front: neither initiator pays for module loading.
#
#   bench/run.sh                 (BENCH_NODES=16 bench/run.sh for a quick run)
set -o pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../tests/vm" && pwd -P)
. "$here/lib/assert.sh"
. "$here/lib/vm.sh"
. "$here/lib/lio.sh"
. "$here/lib/lunlink.sh"
. "$here/lib/openiscsi.sh"

vm_require_guest "$0"

P=127.0.0.1
REPS=5
MANY=${LUNLINK_BENCH_NODES:-64}
BASE=iqn.2003-01.org.lunlink.test:cmp
declare -A SAMPLES=([lunlink]="" [openiscsi]="")

cleanup() {
	iscsiadm -m node --logoutall=all >/dev/null 2>&1
	ll_stop_iscsid
	oi_stop
	lio_teardown
}

setup() {
	local i t0
	ll_require_build
	t0=$(vm_now)
	lio_load || { not_ok "LIO loaded"; done_testing; }
	for ((i = 1; i <= MANY; i++)); do
		lio_create_target "$BASE-$i" 3260 4M ||
			{ not_ok "LIO targets configured"; done_testing; }
	done
	diag "LIO setup of $MANY targets: $(vm_seconds_since "$t0") s"
	t0=$(vm_now)
	modprobe -a iscsi_tcp sd_mod || not_ok "iscsi_tcp and sd_mod loaded"
	diag "loading iscsi_tcp and sd_mod: $(vm_seconds_since "$t0") s"
}

# One timed login of WHO in round I, then logout. Round I uses targets
# 2I-1 (lunlink) and 2I (open-iscsi).
timed_login() { # timed_login WHO I
	local who=$1 iqn t0 us pid rc disk
	[[ $who == lunlink ]] && iqn=$BASE-$((2 * $2 - 1)) || iqn=$BASE-$((2 * $2))
	start_of "$who" || { not_ok "$who: iscsid started"; return; }
	adm_of "$who" -m discovery -t st -p "$P" >/dev/null 2>&1 ||
		not_ok "$who: discovery before login $2"
	t0=$(vm_now)
	adm_of "$who" -m node -T "$iqn" -p "$P" --login >/tmp/cmp-login.out 2>&1 &
	pid=$!
	vm_wait_for 30 ll_disk_of "$iqn" || DISK=
	us=$(($(vm_now) - t0))
	wait "$pid" && rc=0 || rc=$?
	disk=$DISK
	if [[ $rc == 0 && -n $disk ]]; then
		ok "$who login $2: /dev/$disk after $(secs "$us") s"
		SAMPLES[$who]+=" $us"
	else
		not_ok "$who login $2" "exit $rc, disk '${disk}'" "$(</tmp/cmp-login.out)"
	fi
	adm_of "$who" -m node -T "$iqn" -p "$P" --logout >/tmp/cmp-logout.out 2>&1 &&
		vm_wait_for 10 test ! -e "/dev/$disk" && ok "$who logout $2" ||
		not_ok "$who logout $2" "$(</tmp/cmp-logout.out)"
	stop_of "$who"
}

# Peak resident memory (kB) of WHO's iscsid so far.
peak_kb() { # peak_kb WHO
	local pid
	[[ $1 == lunlink ]] && pid=$LL_ISCSID_PID || pid=$OI_PID
	[[ -n $pid && -r /proc/$pid/status ]] || return 1
	awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status"
}

secs() { printf '%d.%06d' $(($1 / 1000000)) $(($1 % 1000000)); }

median() { # median US... -> microseconds
	local s
	mapfile -t s < <(printf '%s\n' "$@" | sort -n)
	((${#s[@]})) && echo "${s[${#s[@]} / 2]}"
}

compare_single() {
	local i who ml mo
	for ((i = 1; i <= REPS; i++)); do
		# Alternate who goes first in each round.
		if ((i % 2)); then
			timed_login lunlink "$i"
			timed_login openiscsi "$i"
		else
			timed_login openiscsi "$i"
			timed_login lunlink "$i"
		fi
	done
	for who in lunlink openiscsi; do
		diag "$who login-to-dev samples (s):$(for s in ${SAMPLES[$who]}; do printf ' %s' "$(secs "$s")"; done)"
	done
	ml=$(median ${SAMPLES[lunlink]})
	mo=$(median ${SAMPLES[openiscsi]})
	[[ -n $ml ]] && echo "METRIC lunlink_login_to_dev_s=$(secs "$ml")"
	[[ -n $mo ]] && echo "METRIC openiscsi_login_to_dev_s=$(secs "$mo")"
	[[ -n $ml && -n $mo ]] && echo "METRIC login_to_dev_ratio_lunlink_over_openiscsi=$(
		awk -v a="$ml" -v b="$mo" 'BEGIN { printf "%.2f", a / b }')"
}

many_disks_ready() { # every one of the MANY targets has a disk
	local i
	for ((i = 1; i <= MANY; i++)); do
		ll_disk_of "$BASE-$i" || return 1
	done
}

many_none_left() {
	local i
	for ((i = 1; i <= MANY; i++)); do
		[[ -z $(ll_sid_of "$BASE-$i") ]] || return 1
	done
}

# --loginall=all to MANY single-LUN targets; open-iscsi first so that its
# working logout clears the way whatever the state of lunlink's.
compare_many() {
	local who t0 us ret kb
	local -A took=()
	for who in openiscsi lunlink; do
		start_of "$who" || { not_ok "$who: iscsid started"; continue; }
		adm_of "$who" -m discovery -t st -p "$P" >/dev/null 2>&1
		t0=$(vm_now)
		adm_of "$who" -m node --loginall=all >/tmp/cmp-many.out 2>&1 && ret=0 || ret=$?
		diag "$who: --loginall=all returned after $(vm_seconds_since "$t0") s"
		vm_wait_for 60 many_disks_ready
		us=$(($(vm_now) - t0))
		expect_eq "$ret" 0 "$who: --loginall=all exits 0" || diag "$(tail -n 5 /tmp/cmp-many.out)"
		if many_disks_ready; then
			ok "$who: $MANY disks after $(secs "$us") s"
			took[$who]=$us
			echo "METRIC ${who}_loginall${MANY}_to_dev_s=$(secs "$us")"
		else
			not_ok "$who: $MANY disks appear"
		fi
		kb=$(peak_kb "$who") && echo "METRIC ${who}_iscsid_peak_rss_kb_${MANY}_sessions=$kb"
		expect_exit 0 adm_of "$who" -m node --logoutall=all
		vm_wait_for 20 many_none_left
		stop_of "$who"
	done
	[[ -n ${took[lunlink]:-} && -n ${took[openiscsi]:-} ]] &&
		echo "METRIC loginall${MANY}_ratio_lunlink_over_openiscsi=$(
			awk -v a="${took[lunlink]}" -v b="${took[openiscsi]}" 'BEGIN { printf "%.2f", a / b }')"
}

at_exit cleanup
at_exit ll_diag_on_failure
setup
compare_single
compare_many
done_testing
