# shellcheck shell=bash
# The chaos soak's watch on iscsid (sourced by lib/soak.sh): each lifetime
# of the daemon, that it is alive before every stop, and that its anonymous
# memory does not grow after warm-up.
#
# What is compared is the anonymous memory (heap, malloc arenas, thread
# stacks: where anything iscsid keeps lands), not the RSS: the RSS also
# counts the pages of iscsid and its libraries mapped in from the page
# cache, and those grow whenever a lifetime first runs a code path (the
# first logout maps in libmount and libblkid, ~250 kB). That growth is
# bounded by the size of the mapped files and is no leak; lunlink maps no
# file of its own. Both come from smaps_rollup, which counts pages exactly;
# /proc/PID/status's VmRSS lags by up to 64 page faults per thread on 6.1.
# Every fault adds a line "PID FAULTS_OF_LIFETIME FAULT RSS ANON THP" (kB)
# to $SOAK_DIR/mem.log; THP is the part of ANON in transparent huge pages
# (the guest's kernel gives them to any anonymous mapping that spans an
# aligned 2 MB).

soak_mem() { # soak_mem -> "RSS ANON THP" in kB of the running iscsid
	awk '/^Rss:/ { r = $2 } /^Anonymous:/ { a = $2 } /^AnonHugePages:/ { h = $2 }
		END { if (r != "") print r, a, h }' "/proc/$LL_ISCSID_PID/smaps_rollup" 2>/dev/null
}

soak_iscsid_started() {
	SOAK_ISCSID_FAULTS=0
	SOAK_MEM_WARM=
	soak_log "iscsid-start pid $LL_ISCSID_PID"
}

# After each fault: the warm-up figures of this iscsid are taken after its third.
soak_iscsid_tick() {
	local mem
	SOAK_ISCSID_FAULTS=$((SOAK_ISCSID_FAULTS + 1))
	mem=$(soak_mem)
	echo "$LL_ISCSID_PID $SOAK_ISCSID_FAULTS $SOAK_FAULTS $mem" >>"$SOAK_DIR/mem.log"
	if ((SOAK_ISCSID_FAULTS == 3)); then
		SOAK_MEM_WARM=$mem
		[[ -n ${SOAK_MEM_FIRST_WARM:-} ]] || SOAK_MEM_FIRST_WARM=$mem
	fi
}

# Before iscsid is stopped: it must still be alive (never crashed), and its
# memory after warm-up and now goes to the rss log:
# "PID WARM_RSS WARM_ANON RSS ANON FAULTS_SINCE_WARM_UP" (kB).
soak_iscsid_check() { # soak_iscsid_check WHEN
	if ! kill -0 "$LL_ISCSID_PID" 2>/dev/null; then
		not_ok "soak: iscsid alive $1" "pid $LL_ISCSID_PID is gone"
		return 1
	fi
	local now
	read -ra now <<<"$(soak_mem)"
	[[ -n $SOAK_MEM_WARM ]] &&
		echo "$LL_ISCSID_PID ${SOAK_MEM_WARM% *} ${now[*]:0:2} $((SOAK_ISCSID_FAULTS - 3))" \
			>>"$SOAK_DIR/rss.log"
	return 0
}

_soak_iscsid_answers() {
	local n
	n=$(iscsiadm -m session 2>/dev/null | grep -c .) && ((n >= $(soak_sessions)))
}

soak_iscsid_restart() {
	ll_start_iscsid ||
		{ not_ok "soak: iscsid restarted" "$(tail -n 15 "$LL_ISCSID_LOG")"; return 1; }
	soak_iscsid_started
}

_soak_check_rss() {
	local pid wrss wanon rss anon faults line first erss eanon
	read -r erss eanon _ <<<"$(soak_mem)"
	read -ra first <<<"${SOAK_MEM_FIRST_WARM:-0 0}"
	soak_iscsid_check "at the end"
	echo "METRIC soak_rss_first_warm_kb=${first[0]}"
	echo "METRIC soak_rss_end_kb=$erss"
	echo "METRIC soak_anon_first_warm_kb=${first[1]}"
	echo "METRIC soak_anon_end_kb=$eanon"
	if [[ -n ${LUNLINK_SOAK_SANITIZED:-} ]]; then
		diag "soak: sanitizer build, memory not compared (LeakSanitizer checks at each SIGTERM)"
		return
	fi
	# Every iscsid that ran at least 5 faults past its warm-up.
	while read -r pid wrss wanon rss anon faults; do
		((faults >= 5)) || continue
		line="iscsid $pid: anonymous memory $wanon kB after warm-up, $anon kB $faults faults"
		line+=" later (RSS $wrss -> $rss kB)"
		((anon - wanon <= SOAK_ANON_MARGIN_KB)) && ok "soak: $line" ||
			not_ok "soak: $line: more than $SOAK_ANON_MARGIN_KB kB growth"
	done <"$SOAK_DIR/rss.log"
	[[ -n ${SOAK_MEM_FIRST_WARM:-} && -n $eanon ]] || return 0
	line="anonymous memory at the end ($eanon kB, RSS $erss kB) within $SOAK_ANON_MARGIN_KB kB of"
	line+=" the first warm-up (${first[1]} kB, RSS ${first[0]} kB)"
	((eanon - first[1] <= SOAK_ANON_MARGIN_KB)) && ok "soak: $line" || not_ok "soak: $line"
}
