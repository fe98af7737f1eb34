# shellcheck shell=bash
# Running the chaos soak's faults (sourced by lib/soak.sh): one at a time or
# two overlapping, the wait for recovery and the fault log, the seeded
# schedule (soak_run SECONDS).

_soak_begin() { # _soak_begin SLOT KIND
	FK[$1]=$2 FN[$1]=$2 FX[$1]="" FLONG[$1]=0 FFAIL[$1]=0
	FB[$1]=$(vm_now)
	"f_$2_begin" "$1"
	soak_log "begin $2 slot $1 targets ${FT[$1]} hold ${FH[$1]} ${FX[$1]}"
}

_soak_end() { # _soak_end SLOT
	"f_${FK[$1]}_end" "$1"
	FE[$1]=$(vm_now)
	soak_log "end ${FK[$1]} slot $1"
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
		echo "${FN[s]} ${FT[s]// /,} ${FB[s]} ${FE[s]} $now ${FLONG[s]} ${FFAIL[s]} $#" \
			>>"$SOAK_DIR/faults.log"
		SOAK_COUNT[${FN[s]}]=$((${SOAK_COUNT[${FN[s]}]:-0} + 1))
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
