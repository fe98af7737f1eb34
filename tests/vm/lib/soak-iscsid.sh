# shellcheck shell=bash
# The chaos soak's watch on iscsid (sourced by lib/soak.sh): each lifetime
# of the daemon, that it is alive before every stop, its RSS after warm-up
# and at the end.

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

