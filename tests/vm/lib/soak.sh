# shellcheck shell=bash
# The chaos soak (issue 14): many sessions with verifying writers, random
# faults from a seeded generator, then checks that nothing was lost. Source
# after lib/assert.sh, lib/vm.sh, lib/lio.sh, lib/lunlink.sh; the test
# scripts call soak_setup, soak_run SECONDS, soak_finish.
#
# Layout: every target has its own path, a veth pair into the namespace
# llsoak (192.0.2.4i+1 here, 192.0.2.4i+2 there, LIO listening there), so a
# fault on one path (netem, ss -K) hits one target only. Roles, by index:
#   normal  writer, replacement_timeout SOAK_TMO; every per-target fault
#   idle    no writer; logged out and in again by the relogin fault
#   short   writer, replacement_timeout SOAK_SHORT_TMO; only the marked
#           long outages (longer than that timeout) hit it
# Writers: lib/soakwriter.py, one per disk, checksummed 64 KiB blocks read
# back after each write.
#
# The fault generator is bash's RANDOM seeded with SOAK_SEED, used only in
# this shell and only for choices, so a seed replays the same fault list.
# Each fault is a begin and an end function (a few are instant); a fault
# line in $SOAK_DIR/faults.log records kind, targets, begin, end, when
# every affected session was LOGGED_IN again, whether it was a long outage
# and when its session was seen FAILED. lib/soakcheck.py reads it.

SOAK_DIR=${SOAK_DIR:-/tmp/soak}
SOAK_NS=llsoak
SOAK_TMO=${SOAK_TMO:-30}
SOAK_SHORT_TMO=${SOAK_SHORT_TMO:-5}
SOAK_BLOCKS=${SOAK_BLOCKS:-64}          # 64 KiB blocks per writer
SOAK_RECOVER_MAX=${SOAK_RECOVER_MAX:-60} # seconds a session may take to recover
SOAK_RSS_MARGIN_KB=${SOAK_RSS_MARGIN_KB:-256}
SOAK_PAUSE=${SOAK_PAUSE:-0.3}           # seconds between a writer's writes
SOAK_NOOP=${SOAK_NOOP:-3}               # noop_out_interval and _timeout
SOAK_PY=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)

# Role of each target, in index order.
read -ra SOAK_ROLES <<<"${SOAK_ROLE_LIST:-normal normal normal normal normal normal normal normal \
normal normal normal normal idle idle short short}"

# kind weight: how often each fault is picked after the first pass, which
# runs every kind once in a seeded order.
SOAK_KINDS=(portal_disable:3 conn_kill:3 netem_loss:3 target_restart:2 iscsid_kill:1
	iscsid_term:1 relogin_idle:2 node_update:2 long_outage:1 overlap:2)
# Kinds that can be one half of an overlap.
SOAK_OVERLAP_KINDS=(portal_disable conn_kill netem_loss target_restart iscsid_kill
	iscsid_term relogin_idle node_update)

declare -a S_IQN S_IP S_SID S_DISK S_WPID
declare -A SOAK_COUNT=()
SOAK_FAULTS=0
SOAK_ISCSID_FAULTS=0

soak_rand() { # soak_rand N -> 0..N-1 in R
	R=$((RANDOM % $1))
}

soak_log() { echo "$(vm_now) $*" >>"$SOAK_DIR/events.log"; }

# The iSCSI and ip command output goes to one log; a failure shows its tail.
soak_adm() { iscsiadm "$@" >>"$SOAK_DIR/adm.log" 2>&1; }

soak_targets_of() { # soak_targets_of ROLE -> indexes in T
	local i
	T=()
	for i in "${!SOAK_ROLES[@]}"; do
		[[ ${SOAK_ROLES[i]} == "$1" ]] && T+=("$i")
	done
}

soak_pick() { # soak_pick ROLE -> a random target index in P
	soak_targets_of "$1"
	soak_rand ${#T[@]}
	P=${T[R]}
}

# --- setup ---------------------------------------------------------------

_soak_net() {
	local i n=${#SOAK_ROLES[@]} a b
	modprobe -a veth sch_netem || return
	ip netns add "$SOAK_NS" && ip -n "$SOAK_NS" link set lo up || return
	: >"$SOAK_DIR/ip.host"
	: >"$SOAK_DIR/ip.ns"
	for ((i = 0; i < n; i++)); do
		a=192.0.2.$((4 * i + 1)) b=192.0.2.$((4 * i + 2))
		S_IP[i]=$b
		printf 'link add sa%d type veth peer name sa%dp netns %s\n' "$i" "$i" "$SOAK_NS" \
			>>"$SOAK_DIR/ip.host"
		printf 'addr add %s/30 dev sa%d\nlink set sa%d up\n' "$a" "$i" "$i" >>"$SOAK_DIR/ip.host"
		printf 'addr add %s/30 dev sa%dp\nlink set sa%dp up\n' "$b" "$i" "$i" >>"$SOAK_DIR/ip.ns"
	done
	ip -batch "$SOAK_DIR/ip.host" && ip -n "$SOAK_NS" -batch "$SOAK_DIR/ip.ns"
}

_soak_iqn() { printf 'iqn.2003-01.org.lunlink.test:soak-t%02d\n' "$1"; }

# The target's iSCSI side (TPG, LUN link, portal in the namespace); the
# backstore is made once and survives target restarts.
_soak_target_up() { # _soak_target_up I
	local i=$1 iqn=${S_IQN[$1]} tpg name
	tpg=$LIO_CFS/iscsi/$iqn/tpgt_1
	name=$(_lio_bs_name "$iqn" 0)
	mkdir -p "$tpg/lun/lun_0" &&
		ln -s "$LIO_CFS/core/fileio_0/$name" "$tpg/lun/lun_0/$name" &&
		nsenter --net="/run/netns/$SOAK_NS" mkdir "$tpg/np/${S_IP[i]}:3260" &&
		_lio_put "$tpg/attrib/generate_node_acls" 1 &&
		_lio_put "$tpg/attrib/cache_dynamic_acls" 1 &&
		_lio_put "$tpg/attrib/demo_mode_write_protect" 0 &&
		_lio_put "$tpg/attrib/authentication" 0 &&
		lio_enable "$iqn"
}

_soak_target_down() { # _soak_target_down I
	local iqn=${S_IQN[$1]} tpg l
	tpg=$LIO_CFS/iscsi/$iqn/tpgt_1
	lio_disable "$iqn"
	for l in "$tpg"/lun/lun_0/*; do [[ -L $l ]] && rm -f "$l"; done
	rmdir "$tpg/lun/lun_0" "$tpg/np/"* "$tpg" "$LIO_CFS/iscsi/$iqn"
}

_soak_backstore() { # _soak_backstore I
	local iqn=${S_IQN[$1]} name bs file bytes=$((16 << 20))
	name=$(_lio_bs_name "$iqn" 0)
	bs=$LIO_CFS/core/fileio_0/$name
	file=$LIO_DIR/$name.img
	truncate -s "$bytes" "$file" && mkdir -p "$bs" &&
		_lio_put "$bs/control" "fd_dev_name=$file,fd_dev_size=$bytes" &&
		_lio_put "$bs/wwn/vpd_unit_serial" "$(printf 'soak%04d' "$1")" &&
		_lio_put "$bs/enable" 1
}

_soak_targets() {
	local i
	lio_load || return
	for i in "${!SOAK_ROLES[@]}"; do
		S_IQN[i]=$(_soak_iqn "$i")
		_soak_backstore "$i" && _soak_target_up "$i" ||
			{ echo "soak: target $i not configured" >&2; return 1; }
	done
}

_soak_all_disks() {
	local i
	for i in "${!SOAK_ROLES[@]}"; do
		ll_disk_of "${S_IQN[i]}" || return 1
	done
}

_soak_login() {
	local i
	soak_adm -m discovery -t st -p "${S_IP[0]}" || return
	soak_adm -m node -o update -n node.session.timeo.replacement_timeout -v "$SOAK_TMO" &&
		soak_adm -m node -o update -n 'node.conn[0].timeo.noop_out_interval' -v "$SOAK_NOOP" &&
		soak_adm -m node -o update -n 'node.conn[0].timeo.noop_out_timeout' -v "$SOAK_NOOP" &&
		soak_adm -m node -o update -n 'node.conn[0].timeo.login_timeout' -v 3 || return
	for i in "${!SOAK_ROLES[@]}"; do
		[[ ${SOAK_ROLES[i]} == short ]] || continue
		soak_adm -m node -T "${S_IQN[i]}" -o update \
			-n node.session.timeo.replacement_timeout -v "$SOAK_SHORT_TMO" || return
	done
	soak_adm -m node --loginall=all || return
	soak_wait_slow 90 _soak_all_disks || return
	for i in "${!SOAK_ROLES[@]}"; do
		ll_disk_of "${S_IQN[i]}"
		S_DISK[i]=$DISK
		S_SID[i]=$(ll_sid_of "${S_IQN[i]}")
	done
}

_soak_writers_start() {
	local i
	rm -f "$SOAK_DIR/stop"
	for i in "${!SOAK_ROLES[@]}"; do
		[[ ${SOAK_ROLES[i]} == idle ]] && continue
		python3 "$SOAK_PY/soakwriter.py" write "/dev/${S_DISK[i]}" "$i" "$SOAK_BLOCKS" \
			"$SOAK_DIR/w$i.log" "$SOAK_DIR/stop" "$SOAK_PAUSE" 2>>"$SOAK_DIR/w$i.err" &
		S_WPID[i]=$!
	done
}

_soak_writes() { # total logged writes
	cat "$SOAK_DIR"/w*.log 2>/dev/null | wc -l
}

soak_setup() {
	local t0 n
	rm -rf "$SOAK_DIR"
	mkdir -p "$SOAK_DIR"
	ll_require_build
	modprobe sd_mod
	t0=$(vm_now)
	_soak_net || { not_ok "soak: ${#SOAK_ROLES[@]} veth paths into netns $SOAK_NS"; done_testing; }
	diag "soak: veth paths after $(vm_seconds_since "$t0") s"
	_soak_targets || { not_ok "soak: LIO targets"; done_testing; }
	diag "soak: LIO targets after $(vm_seconds_since "$t0") s"
	ok "soak: ${#SOAK_ROLES[@]} LIO targets, each on its own veth path"
	ll_start_iscsid || { not_ok "soak: iscsid started"; done_testing; }
	soak_iscsid_started
	_soak_login || { not_ok "soak: ${#SOAK_ROLES[@]} sessions logged in" \
		"$(tail -n 20 "$SOAK_DIR/adm.log")"; done_testing; }
	ok "soak: ${#SOAK_ROLES[@]} sessions logged in, disks ${S_DISK[*]}"
	diag "soak: logged in after $(vm_seconds_since "$t0") s"
	_soak_writers_start
	n=$(_soak_writes)
	soak_wait_slow 60 _soak_writes_beyond $((n + 30)) ||
		{ not_ok "soak: writers running"; done_testing; }
	ok "soak: writers running"
	diag "soak: set-up took $(vm_seconds_since "$t0") s"
}

_soak_writes_beyond() { (($(_soak_writes) >= $1)); }

# --- iscsid bookkeeping ----------------------------------------------------

soak_rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$LL_ISCSID_PID/status" 2>/dev/null; }

soak_iscsid_started() {
	SOAK_ISCSID_FAULTS=0
	SOAK_RSS_WARM=
	soak_log "iscsid-start pid $LL_ISCSID_PID"
}

# After each fault: the warm-up RSS of this iscsid is taken after its third.
soak_iscsid_tick() {
	SOAK_ISCSID_FAULTS=$((SOAK_ISCSID_FAULTS + 1))
	if ((SOAK_ISCSID_FAULTS == 3)); then
		SOAK_RSS_WARM=$(soak_rss)
		[[ -n ${SOAK_RSS_FIRST_WARM:-} ]] || SOAK_RSS_FIRST_WARM=$SOAK_RSS_WARM
	fi
}

# Before iscsid is stopped: it must still be alive (never crashed), and its
# RSS since warm-up goes to the rss log.
soak_iscsid_check() { # soak_iscsid_check WHEN
	if ! kill -0 "$LL_ISCSID_PID" 2>/dev/null; then
		not_ok "soak: iscsid alive $1" "pid $LL_ISCSID_PID is gone"
		return 1
	fi
	[[ -n $SOAK_RSS_WARM ]] &&
		echo "$LL_ISCSID_PID $SOAK_RSS_WARM $(soak_rss) $((SOAK_ISCSID_FAULTS - 3))" \
			>>"$SOAK_DIR/rss.log"
	return 0
}

_soak_iscsid_answers() {
	local n
	n=$(iscsiadm -m session 2>/dev/null | grep -c .) && ((n >= ${#SOAK_ROLES[@]}))
}

soak_iscsid_restart() {
	ll_start_iscsid ||
		{ not_ok "soak: iscsid restarted" "$(tail -n 15 "$LL_ISCSID_LOG")"; return 1; }
	soak_iscsid_started
}

# --- faults ----------------------------------------------------------------
# f_KIND_begin SLOT picks its targets (FT[SLOT]), does the damage and sets
# the hold time in ms (FH[SLOT]); f_KIND_end SLOT undoes it. FX[SLOT] keeps
# what the end needs.

declare -a FK FT FH FX FB FE FLONG FFAIL

_soak_hold() { # _soak_hold SLOT MIN_MS MAX_MS
	soak_rand $(($3 - $2 + 1))
	FH[$1]=$(($2 + R))
}

f_portal_disable_begin() {
	soak_pick normal
	FT[$1]=$P
	lio_disable "${S_IQN[P]}"
	_soak_hold "$1" 1000 10000
}
f_portal_disable_end() { lio_enable "${S_IQN[${FT[$1]}]}"; }

f_conn_kill_begin() {
	soak_pick normal
	FT[$1]=$P FH[$1]=0
	FX[$1]=$(ss -HtnK state established dst "${S_IP[P]}" dport = 3260 2>/dev/null | grep -c .)
}
f_conn_kill_end() { :; }

f_netem_loss_begin() {
	soak_pick normal
	FT[$1]=$P
	tc qdisc add dev "sa$P" root netem loss 100% ||
		not_ok "soak: netem loss on sa$P" "$(tc qdisc show dev "sa$P")"
	_soak_hold "$1" 2000 8000
}
f_netem_loss_end() { tc qdisc del dev "sa${FT[$1]}" root; }

f_target_restart_begin() {
	soak_pick normal
	FT[$1]=$P
	_soak_target_down "$P" || not_ok "soak: target ${S_IQN[P]} taken down"
	_soak_hold "$1" 500 3000
}
f_target_restart_end() {
	_soak_target_up "${FT[$1]}" || not_ok "soak: target ${S_IQN[${FT[$1]}]} back up"
}

_soak_all() { local i; FT[$1]=; for i in "${!SOAK_ROLES[@]}"; do FT[$1]+="$i "; done; }

f_iscsid_kill_begin() {
	_soak_all "$1"
	soak_iscsid_check "before SIGKILL"
	ll_stop_iscsid KILL
	_soak_hold "$1" 500 3000
}
f_iscsid_kill_end() { soak_iscsid_restart; }

f_iscsid_term_begin() {
	local pid=$LL_ISCSID_PID rc
	_soak_all "$1"
	soak_iscsid_check "before SIGTERM"
	kill -TERM "$pid"
	wait "$pid" && rc=0 || rc=$?
	LL_ISCSID_PID=
	((rc == 0)) || not_ok "soak: iscsid exits 0 on SIGTERM" "exit status $rc"
	_soak_hold "$1" 500 3000
}
f_iscsid_term_end() { soak_iscsid_restart; }

f_relogin_idle_begin() {
	soak_pick idle
	FT[$1]=$P
	soak_adm -m node -T "${S_IQN[P]}" -p "${S_IP[P]}:3260" --logout ||
		not_ok "soak: logout of idle ${S_IQN[P]}" "$(tail -n 3 "$SOAK_DIR/adm.log")"
	_soak_hold "$1" 0 2000
}
f_relogin_idle_end() {
	local i=${FT[$1]}
	soak_adm -m node -T "${S_IQN[i]}" -p "${S_IP[i]}:3260" --login ||
		not_ok "soak: login of idle ${S_IQN[i]}" "$(tail -n 3 "$SOAK_DIR/adm.log")"
	S_SID[i]=$(ll_sid_of "${S_IQN[i]}")
}

# key, two values; replacement_timeout only on targets whose timeout the
# soak does not depend on.
SOAK_UPDATES=("node.startup manual automatic" "node.conn[0].timeo.noop_out_interval $SOAK_NOOP $((SOAK_NOOP + 1))"
	"node.session.cmds_max 128 64" "node.session.timeo.replacement_timeout $SOAK_TMO $((SOAK_TMO - 5))")

f_node_update_begin() {
	local n=${#SOAK_UPDATES[@]} u
	soak_rand ${#SOAK_ROLES[@]}
	P=$R
	FT[$1]=$P FH[$1]=0
	[[ ${SOAK_ROLES[P]} == short ]] && n=$((n - 1))
	soak_rand "$n"
	read -ra u <<<"${SOAK_UPDATES[R]}"
	soak_rand 2
	FX[$1]="${u[0]} ${u[1 + R]}"
	soak_adm -m node -T "${S_IQN[P]}" -p "${S_IP[P]}:3260" -o update -n "${u[0]}" -v "${u[1 + R]}" ||
		not_ok "soak: -o update ${FX[$1]} of ${S_IQN[P]}" "$(tail -n 3 "$SOAK_DIR/adm.log")"
}
f_node_update_end() { :; }
# After the fault's recovery, outside any timed hold: iscsiadm can be slow.
f_node_update_check() {
	local i=${FT[$1]} kv
	read -ra kv <<<"${FX[$1]}"
	iscsiadm -m node -T "${S_IQN[i]}" -p "${S_IP[i]}:3260" 2>&1 | grep -qxF "${kv[0]} = ${kv[1]}" ||
		not_ok "soak: the record of ${S_IQN[i]} holds ${kv[0]} = ${kv[1]}"
}

# Longer than the short targets' replacement_timeout on purpose: the writer
# must see errors, within the timeout plus a second of the session failing.
_soak_failed() { local st; read -r st <"/sys/class/iscsi_session/session$1/state"; [[ $st == FAILED ]]; }
f_long_outage_begin() {
	local t0
	soak_pick short
	FT[$1]=$P
	t0=$(vm_now)
	lio_disable "${S_IQN[P]}"
	vm_wait_for 10 _soak_failed "${S_SID[P]}" && FFAIL[$1]=$(vm_now) ||
		{ FFAIL[$1]=0; not_ok "soak: long outage: ${S_IQN[P]} FAILED"; }
	_soak_hold "$1" $((SOAK_SHORT_TMO * 1000 + 5000)) $((SOAK_SHORT_TMO * 1000 + 8000))
	FH[$1]=$((FH[$1] - ($(vm_now) - t0) / 1000))
	FLONG[$1]=1
}
f_long_outage_end() { lio_enable "${S_IQN[${FT[$1]}]}"; }

# --- running faults --------------------------------------------------------

_soak_begin() { # _soak_begin SLOT KIND
	FK[$1]=$2 FX[$1]="" FLONG[$1]=0 FFAIL[$1]=0
	FB[$1]=$(vm_now)
	"f_$2_begin" "$1"
	soak_log "begin $2 slot $1 targets ${FT[$1]} hold ${FH[$1]} ${FX[$1]}"
}

_soak_end() { # _soak_end SLOT
	"f_${FK[$1]}_end" "$1"
	FE[$1]=$(vm_now)
	soak_log "end ${FK[$1]} slot $1"
}

# Session and connection state without a process (polled often).
soak_state() { # soak_state SID -> ST
	ST=
	read -r ST <"/sys/class/iscsi_session/session$1/state" 2>/dev/null
	[[ $ST == LOGGED_IN ]] || return 1
	read -r ST <"/sys/class/iscsi_connection/connection$1:0/state" 2>/dev/null
	[[ $ST == up ]] && ST=LOGGED_IN
}

_soak_recovered() { # _soak_recovered TARGET...
	local i
	for i in "$@"; do soak_state "${S_SID[i]}" || return 1; done
}

# Polls a command that forks every 0.3 s, not every 10 ms.
soak_wait_slow() { # soak_wait_slow SECONDS CMD...
	local limit=$(($(vm_now) + $1 * 1000000))
	shift
	until "$@"; do
		(($(vm_now) < limit)) || return 1
		vm_sleep 0.3
	done
}

# Waits until every target of the slots is LOGGED_IN again (and iscsid
# answers), writes each slot's fault line; sets REC_US.
_soak_recover() { # _soak_recover SLOT...
	local s t=() now i
	for s in "$@"; do
		# shellcheck disable=SC2206 # a list of indexes
		t+=(${FT[s]})
	done
	if ! vm_wait_for "$SOAK_RECOVER_MAX" _soak_recovered "${t[@]}"; then
		for i in "${t[@]}"; do
			_soak_recovered "$i" && continue
			not_ok "soak: fault $SOAK_FAULTS (${FK[*]}): ${S_IQN[i]} recovers" \
				"state $(flt_sess_state "${S_SID[i]}")/$(flt_conn_state "${S_SID[i]}")"
		done
	fi
	now=$(vm_now)
	# iscsid must know every session again (after a restart: adopted).
	if [[ -n $LL_ISCSID_PID ]] && ! soak_wait_slow 30 _soak_iscsid_answers; then
		not_ok "soak: iscsid lists every session after ${FK[*]}"
	fi
	for s in "$@"; do
		echo "${FK[s]} ${FT[s]// /,} ${FB[s]} ${FE[s]} $now ${FLONG[s]} ${FFAIL[s]} $#" \
			>>"$SOAK_DIR/faults.log"
		SOAK_COUNT[${FK[s]}]=$((${SOAK_COUNT[${FK[s]}]:-0} + 1))
	done
	REC_US=$((now - FE[$1]))
	for s in "$@"; do
		[[ $(type -t "f_${FK[s]}_check") == function ]] && "f_${FK[s]}_check" "$s"
	done
}

_soak_ms() { vm_sleep "$(flt_us_to_s $(($1 * 1000)))"; }

# Sleeps until the time T_US (from vm_now), if it is still ahead.
_soak_until() { # _soak_until T_US
	local left=$(($1 - $(vm_now)))
	((left > 0)) && vm_sleep "$(flt_us_to_s "$left")"
	return 0
}

soak_single() { # soak_single KIND
	_soak_begin 0 "$1"
	_soak_until $((FB[0] + FH[0] * 1000))
	_soak_end 0
	_soak_recover 0
	diag "fault $SOAK_FAULTS: $1 ${FT[0]} hold $((FH[0]))ms (took $(flt_us_to_s $((FE[0] - FB[0]))) s) ${FX[0]} recovered in $(flt_us_to_s "$REC_US") s"
}

# Two faults, the second beginning while the first holds. Never both
# iscsid faults; while iscsid is down no iscsiadm fault either.
_soak_overlap_pair() {
	local a b
	while :; do
		soak_rand ${#SOAK_OVERLAP_KINDS[@]}
		a=${SOAK_OVERLAP_KINDS[R]}
		soak_rand ${#SOAK_OVERLAP_KINDS[@]}
		b=${SOAK_OVERLAP_KINDS[R]}
		[[ $a == "$b" || ($a == iscsid_* && $b == iscsid_*) ]] && continue
		[[ $a$b == *iscsid_* && $a$b == *@(relogin_idle|node_update)* ]] && continue
		break
	done
	PAIR=("$a" "$b")
}

soak_overlap() {
	local x end_a end_b t0
	_soak_overlap_pair
	t0=$(vm_now)
	_soak_begin 0 "${PAIR[0]}"
	soak_rand $((FH[0] + 1))
	x=$R
	_soak_until $((FB[0] + x * 1000))
	_soak_begin 1 "${PAIR[1]}"
	# Each ends at its own deadline: a slow step of one (an iscsiadm under
	# load) must not stretch the other's outage.
	end_a=$((FB[0] + FH[0] * 1000)) end_b=$((FB[1] + FH[1] * 1000))
	if ((end_a <= end_b)); then
		_soak_until "$end_a"
		_soak_end 0
		_soak_until "$end_b"
		_soak_end 1
	else
		_soak_until "$end_b"
		_soak_end 1
		_soak_until "$end_a"
		_soak_end 0
	fi
	FE[0]=$((FE[0] > FE[1] ? FE[0] : FE[1]))
	_soak_recover 0 1
	echo "overlap ${PAIR[0]}+${PAIR[1]} $t0 ${FE[0]} $(vm_now) 0 0 2" >>"$SOAK_DIR/faults.log"
	SOAK_COUNT[overlap]=$((${SOAK_COUNT[overlap]:-0} + 1))
	diag "fault $SOAK_FAULTS: overlap ${PAIR[0]} ${FT[0]}+ ${PAIR[1]} ${FT[1]} after ${x}ms, recovered in $(flt_us_to_s "$REC_US") s"
}

soak_fault() { # soak_fault KIND
	SOAK_FAULTS=$((SOAK_FAULTS + 1))
	if [[ $1 == overlap ]]; then
		soak_overlap
	else
		soak_single "$1"
	fi
	[[ -n $LL_ISCSID_PID ]] && soak_iscsid_tick
	_soak_writers_alive
}

_soak_writers_alive() {
	local i
	for i in "${!S_WPID[@]}"; do
		[[ -n ${S_WPID[i]} ]] || continue
		kill -0 "${S_WPID[i]}" 2>/dev/null && continue
		not_ok "soak: writer $i still running" "$(tail -n 5 "$SOAK_DIR/w$i.err")"
		S_WPID[i]=
	done
}

_soak_weighted() { # -> KIND
	local kw total=0
	for kw in "${SOAK_KINDS[@]}"; do total=$((total + ${kw#*:})); done
	soak_rand "$total"
	for kw in "${SOAK_KINDS[@]}"; do
		((R < ${kw#*:})) && { KIND=${kw%%:*}; return; }
		R=$((R - ${kw#*:}))
	done
}

# soak_run SECONDS: faults at random gaps (0.5-4 s) until SECONDS have
# passed and every kind has run at least once (first pass, shuffled).
soak_run() {
	local deadline first=() i j tmp
	RANDOM=$SOAK_SEED
	diag "soak: seed $SOAK_SEED (replay with LUNLINK_SOAK_SEED=$SOAK_SEED), $1 s of faults"
	echo "METRIC soak_seed=$SOAK_SEED"
	for tmp in "${SOAK_KINDS[@]}"; do first+=("${tmp%%:*}"); done
	for ((i = ${#first[@]} - 1; i > 0; i--)); do
		soak_rand $((i + 1))
		j=$R tmp=${first[i]}
		first[i]=${first[j]} first[j]=$tmp
	done
	deadline=$(($(vm_now) + $1 * 1000000))
	i=0
	while ((i < ${#first[@]})) || (($(vm_now) < deadline)); do
		soak_rand 3500
		_soak_ms $((500 + R))
		if ((i < ${#first[@]})); then
			KIND=${first[i]}
			i=$((i + 1))
		else
			_soak_weighted
		fi
		soak_fault "$KIND"
	done
}

# --- the end ---------------------------------------------------------------

# Turns soakcheck.py's PASS/FAIL lines into results, passes METRIC lines on.
soak_results() { # soak_results NAME < output
	local line any=0
	while IFS= read -r line; do
		case $line in
		"PASS "*) ok "soak: ${line#PASS }"; any=1 ;;
		"FAIL "*) not_ok "soak: ${line#FAIL }"; any=1 ;;
		METRIC*|"|"*) echo "$line" ;;
		*) diag "$line" ;;
		esac
	done
	((any)) || not_ok "soak: $1 gave a verdict"
}

_soak_all_logged_in() {
	local i
	for i in "${!SOAK_ROLES[@]}"; do _soak_recovered "$i" || return 1; done
}

_soak_writers_gone() {
	local i
	for i in "${!S_WPID[@]}"; do
		[[ -n ${S_WPID[i]} ]] && kill -0 "${S_WPID[i]}" 2>/dev/null && return 1
	done
	return 0
}

_soak_check_rss() {
	local pid warm end faults worst=0 line
	local rss_end
	rss_end=$(soak_rss)
	soak_iscsid_check "at the end"
	echo "METRIC soak_rss_first_warm_kb=${SOAK_RSS_FIRST_WARM:-0}"
	echo "METRIC soak_rss_end_kb=$rss_end"
	if [[ -n ${LUNLINK_SOAK_SANITIZED:-} ]]; then
		diag "soak: sanitizer build, RSS not compared (LeakSanitizer checks at each SIGTERM)"
		return
	fi
	# Every iscsid that ran at least 5 faults past its warm-up.
	while read -r pid warm end faults; do
		((faults >= 5)) || continue
		((end - warm > worst)) && worst=$((end - warm))
		line="iscsid $pid: RSS $warm kB after warm-up, $end kB after $faults more faults"
		((end - warm <= SOAK_RSS_MARGIN_KB)) && ok "soak: $line" ||
			not_ok "soak: $line (more than $SOAK_RSS_MARGIN_KB kB growth)"
	done <"$SOAK_DIR/rss.log"
	if [[ -n ${SOAK_RSS_FIRST_WARM:-} && -n $rss_end ]]; then
		((rss_end - SOAK_RSS_FIRST_WARM <= SOAK_RSS_MARGIN_KB)) &&
			ok "soak: RSS at the end ($rss_end kB) within $SOAK_RSS_MARGIN_KB kB of the first warm-up ($SOAK_RSS_FIRST_WARM kB)" ||
			not_ok "soak: RSS at the end ($rss_end kB) within $SOAK_RSS_MARGIN_KB kB of the first warm-up ($SOAK_RSS_FIRST_WARM kB)"
	fi
}

_soak_check_logs() {
	local pat='AddressSanitizer|LeakSanitizer|runtime error:|Segmentation|Aborted|assertion'
	if grep -Eq "$pat" "$LL_ISCSID_LOG" "$SOAK_DIR/adm.log"; then
		not_ok "soak: no sanitizer report or crash in the iscsid and iscsiadm logs" \
			"$(grep -Eh -m 5 -A 5 "$pat" "$LL_ISCSID_LOG" "$SOAK_DIR/adm.log")"
	else
		ok "soak: no sanitizer report or crash in the iscsid and iscsiadm logs"
	fi
}

soak_finish() {
	local i n
	diag "soak: $SOAK_FAULTS faults, counts: $(for k in "${!SOAK_COUNT[@]}"; do printf '%s=%s ' "$k" "${SOAK_COUNT[$k]}"; done)"
	_soak_check_rss
	vm_wait_for 60 _soak_all_logged_in && ok "soak: every session LOGGED_IN at the end" ||
		not_ok "soak: every session LOGGED_IN at the end" \
			"$(for i in "${!SOAK_ROLES[@]}"; do _soak_recovered "$i" || echo "${S_IQN[i]}: $(flt_sess_state "${S_SID[i]}")"; done)"
	touch "$SOAK_DIR/stop"
	vm_wait_for 60 _soak_writers_gone && ok "soak: writers stopped" ||
		not_ok "soak: writers stopped" "a writer is stuck in I/O"
	for i in "${!SOAK_ROLES[@]}"; do
		[[ ${SOAK_ROLES[i]} == idle ]] && continue
		python3 "$SOAK_PY/soakwriter.py" verify "/dev/${S_DISK[i]}" "$i" "$SOAK_BLOCKS" \
			"$SOAK_DIR/w$i.log" >"$SOAK_DIR/verify$i.txt" 2>&1 &&
			ok "soak: $(head -n 1 "$SOAK_DIR/verify$i.txt")" ||
			not_ok "soak: writer $i: every block reads back as last written" \
				"$(cat "$SOAK_DIR/verify$i.txt")"
	done
	# Not in a pipeline: the results must count in this shell.
	soak_results errors < <(python3 "$SOAK_PY/soakcheck.py" errors "$SOAK_DIR" "$SOAK_SHORT_TMO")
	iscsiadm -m session -P 3 >"$SOAK_DIR/session-P3.txt" 2>&1 ||
		not_ok "soak: -m session -P 3 exits 0"
	soak_results sessions < <(python3 "$SOAK_PY/soakcheck.py" sessions "$SOAK_DIR/session-P3.txt")
	n=$(iscsiadm -m node 2>>"$SOAK_DIR/adm.log" | grep -c .)
	expect_eq "$n" "${#SOAK_ROLES[@]}" "soak: -m node lists every record"
	n=0
	for i in "${!SOAK_ROLES[@]}"; do
		iscsiadm -m node -T "${S_IQN[i]}" -p "${S_IP[i]}:3260" >/dev/null 2>&1 || n=$((n + 1))
	done
	expect_eq "$n" 0 "soak: every record reads back through -m node -T -p"
	soak_results nodedb < <(python3 "$SOAK_PY/soakcheck.py" nodedb "$ISCSI_CONFIG_DIR" \
		"${#SOAK_ROLES[@]}")
	_soak_check_logs
	soak_results_stats < <(python3 "$SOAK_PY/soakcheck.py" stats "$SOAK_DIR")
	if [[ -n ${LUNLINK_VM_OUT:-} ]]; then
		mkdir -p "$LUNLINK_VM_OUT"
		cp "$SOAK_DIR"/{faults.log,events.log,rss.log,session-P3.txt} "$LUNLINK_VM_OUT/" 2>/dev/null
		tail -n 2000 "$SOAK_DIR/adm.log" >"$LUNLINK_VM_OUT/adm.log"
	fi
}

soak_results_stats() {
	local line
	while IFS= read -r line; do
		case $line in
		METRIC*) echo "$line" ;;
		*) diag "$line" ;;
		esac
	done
}

soak_cleanup() {
	local i
	touch "$SOAK_DIR/stop"
	vm_wait_for 20 _soak_writers_gone
	for i in "${!SOAK_ROLES[@]}"; do tc qdisc del dev "sa$i" root 2>/dev/null; done
	iscsiadm -m node --logoutall=all >/dev/null 2>&1
	ll_stop_iscsid
	lio_teardown
	ip netns del "$SOAK_NS" 2>/dev/null
}
