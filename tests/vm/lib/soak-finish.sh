# shellcheck shell=bash
# The chaos soak's final checks and clean-up (sourced by lib/soak.sh).

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
			"$(for i in "${!SOAK_ROLES[@]}"; do _soak_recovered "$i" ||
				echo "${S_IQN[i]}: $(flt_sess_state "${S_SID[i]}") ${S_SID2[i]:+$(flt_sess_state "${S_SID2[i]}")}"; done)"
	touch "$SOAK_DIR/stop"
	vm_wait_for 60 _soak_writers_gone && ok "soak: writers stopped" ||
		not_ok "soak: writers stopped" "a writer is stuck in I/O"
	for i in "${!SOAK_ROLES[@]}"; do
		[[ ${SOAK_ROLES[i]} == idle ]] && continue
		python3 "$SOAK_PY/soakwriter.py" verify "/dev/${S_WDEV[i]}" "$i" "$SOAK_BLOCKS" \
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
	soak_mp_finish
	n=$(iscsiadm -m node 2>>"$SOAK_DIR/adm.log" | grep -c .)
	expect_eq "$n" "$(soak_sessions)" "soak: -m node lists every record"
	n=0
	while read -r i p f; do
		iscsiadm -m node -T "${S_IQN[i]}" -p "$p" -I "$f" >/dev/null 2>&1 || n=$((n + 1))
	done < <(soak_records)
	expect_eq "$n" 0 "soak: every record reads back through -m node -T -p -I"
	soak_results nodedb < <(python3 "$SOAK_PY/soakcheck.py" nodedb "$ISCSI_CONFIG_DIR" \
		"$(soak_sessions)")
	_soak_check_logs
	# Where the guest's one CPU went (the soak's own tools compete with it).
	ps -eo time,comm --sort=-time | head -n 8 | sed 's/^/guest CPU /' | while read -r l; do diag "$l"; done
	soak_results_stats < <(python3 "$SOAK_PY/soakcheck.py" stats "$SOAK_DIR")
	if [[ -n ${LUNLINK_VM_OUT:-} ]]; then
		mkdir -p "$LUNLINK_VM_OUT"
		cp "$SOAK_DIR"/{faults.log,events.log,rss.log,mem.log,session-P3.txt} "$LUNLINK_VM_OUT/" 2>/dev/null
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
	mp_teardown
	iscsiadm -m node --logoutall=all >/dev/null 2>&1
	ll_stop_iscsid
	lio_teardown
	ip netns del "$SOAK_NS" 2>/dev/null
}
