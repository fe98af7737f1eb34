# shellcheck shell=bash
# Tiny TAP-like test helpers for bash test scripts (guest or host).
#
#   ok NAME / not_ok NAME [DETAIL...]      record a result
#   expect_eq ACTUAL EXPECTED NAME         string equality
#   expect_match ACTUAL REGEX NAME         bash regex match
#   expect_exit CODE CMD [ARGS...]         run CMD, compare its exit status;
#                                          its stdout+stderr is left in
#                                          $OUT and $RC holds the status
#   diag MESSAGE...                        "# MESSAGE" line
#   at_exit CMD                            cleanup command (run in reverse
#                                          order when the script exits)
#   done_testing                           summary; exits 1 if anything
#                                          failed or nothing was tested
#
# Output lines: "ok N - name", "not ok N - name", "# ...", then "1..N" and
# "# passed P, failed F". A script that exits before done_testing fails.

_T_N=0
_T_FAILED=0
_T_DONE=0
_T_CLEANUP=()
OUT=
RC=

diag() { printf '# %s\n' "$*"; }

ok() {
	_T_N=$((_T_N + 1))
	printf 'ok %d - %s\n' "$_T_N" "$1"
}

not_ok() {
	local line l
	_T_N=$((_T_N + 1))
	_T_FAILED=$((_T_FAILED + 1))
	printf 'not ok %d - %s\n' "$_T_N" "$1"
	shift
	for line in "$@"; do
		while IFS= read -r l; do printf '#   %s\n' "$l"; done <<<"$line"
	done
}

expect_eq() { # expect_eq ACTUAL EXPECTED NAME
	if [[ $1 == "$2" ]]; then
		ok "$3"
	else
		not_ok "$3" "expected: '$2'" "got:      '$1'"
		return 1
	fi
}

expect_match() { # expect_match ACTUAL REGEX NAME
	if [[ $1 =~ $2 ]]; then
		ok "$3"
	else
		not_ok "$3" "expected to match: $2" "got: $1"
		return 1
	fi
}

expect_exit() { # expect_exit CODE CMD [ARGS...]
	local want=$1
	shift
	OUT=$("$@" 2>&1) && RC=0 || RC=$?
	if [[ $RC == "$want" ]]; then
		ok "exit $want: $*"
	else
		not_ok "exit $want: $*" "exit status $RC; output:" "$OUT"
		return 1
	fi
}

at_exit() { _T_CLEANUP+=("$1"); }

_t_on_exit() {
	local status=$? i
	for ((i = ${#_T_CLEANUP[@]} - 1; i >= 0; i--)); do
		eval "${_T_CLEANUP[i]}" || true
	done
	if ((_T_DONE == 0)); then
		printf '# script ended before done_testing (status %d)\n' "$status"
		((status != 0)) || status=1
	fi
	exit "$status"
}
trap _t_on_exit EXIT

done_testing() {
	_T_DONE=1
	printf '1..%d\n# passed %d, failed %d\n' "$_T_N" "$((_T_N - _T_FAILED))" "$_T_FAILED"
	if ((_T_FAILED > 0 || _T_N == 0)); then
		exit 1
	fi
	exit 0
}
