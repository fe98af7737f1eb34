# shellcheck shell=bash
# The chaos soak's fault kinds (sourced by lib/soak.sh).
# f_KIND_begin SLOT picks its targets (FT[SLOT]), does the damage and sets
# the hold time in ms (FH[SLOT]); f_KIND_end SLOT undoes it; an optional
# f_KIND_check SLOT runs after the recovery. FX[SLOT] keeps what the end
# needs.

# FN[SLOT]: the name the fault is logged and counted under when it differs
# from the kind (a kind with several ways).
declare -a FK FN FT FH FX FB FE FLONG FFAIL

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
	[[ ${SOAK_ROLES[P]} == @(short|mpath) ]] && n=$((n - 1))
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
