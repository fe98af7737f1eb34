# shellcheck shell=bash
# Small bash helpers for test scripts inside the VM guest.
#
# Under TCG every new process costs tens of milliseconds, so these use bash
# builtins only: sleeping, timing and polling never fork.
#
#   vm_sleep SECONDS             sleep (fractions allowed) without a process
#   vm_now                       microseconds since the epoch (integer)
#   vm_seconds_since T0          "S.ffffff" elapsed since T0 (from vm_now)
#   vm_wait_for SECONDS CMD...   poll CMD every 10 ms until it succeeds;
#                                returns 1 on timeout
#   vm_save NAME CMD...          run CMD, keep its stdout, stderr and exit
#                                status in $LUNLINK_VM_OUT (see run.sh --out)
#                                and in $SAVED_OUT/$SAVED_ERR/$SAVED_RC

_vm_sleep_fd=

vm_sleep() {
	# read -t on a pipe nobody writes to: a timer in the shell itself.
	[[ -n $_vm_sleep_fd ]] || exec {_vm_sleep_fd}<> <(:)
	read -r -t "$1" -u "$_vm_sleep_fd" || true
}

vm_now() { echo "${EPOCHREALTIME/./}"; }

vm_seconds_since() { # vm_seconds_since T0
	local d=$(($(vm_now) - $1))
	printf '%d.%06d\n' $((d / 1000000)) $((d % 1000000))
}

vm_wait_for() { # vm_wait_for SECONDS CMD...
	local limit=$(($(vm_now) + ${1%.*} * 1000000))
	shift
	until "$@"; do
		(($(vm_now) < limit)) || return 1
		vm_sleep 0.01
	done
}

vm_save() { # vm_save NAME CMD...
	local name=$1 out=${LUNLINK_VM_OUT:-}
	shift
	local tmp=/tmp/.vm_save.$$
	"$@" >"$tmp.out" 2>"$tmp.err" && SAVED_RC=0 || SAVED_RC=$?
	# shellcheck disable=SC2034 # results for the caller
	SAVED_OUT=$(<"$tmp.out")
	# shellcheck disable=SC2034
	SAVED_ERR=$(<"$tmp.err")
	if [[ -n $out ]]; then
		mkdir -p "$out"
		# Only streams that carried something get a file.
		[[ -s $tmp.out ]] && cp "$tmp.out" "$out/$name.stdout.txt"
		[[ -s $tmp.err ]] && cp "$tmp.err" "$out/$name.stderr.txt"
		printf '%s\texit %d\t%s\n' "$name" "$SAVED_RC" "$*" >>"$out/index.txt"
	fi
	rm -f "$tmp.out" "$tmp.err"
	return 0
}

# Test scripts call this first: they only make sense inside the guest.
vm_require_guest() { # vm_require_guest SCRIPT
	if [[ ${LUNLINK_VM:-} != 1 ]]; then
		echo "run me inside the VM: tests/vm/run.sh $1" >&2
		exit 125
	fi
}
