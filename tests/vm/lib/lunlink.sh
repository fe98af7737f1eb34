# shellcheck shell=bash
# lunlink's own iscsid and iscsiadm inside the VM guest. Source from bash
# after lib/assert.sh and lib/vm.sh.
#
# The build comes from $LUNLINK_BUILD_DIR (default $LUNLINK_REPO/build-vm).
# iscsid's node database and initiator name live under $LL_DIR/etc
# (ISCSI_CONFIG_DIR), its control socket is $LL_DIR/iscsid.sock
# (ISCSID_SOCKET): both are exported, so this never touches /etc/iscsi and
# never meets open-iscsi's iscsid.
#
#   ll_require_build            fail the test (done_testing) if the build is missing
#   ll_start_iscsid             start iscsid -f (debug level $LL_DEBUG, default 2);
#                               sets LL_ISCSID_PID; returns 1 if it did not come up;
#                               LL_ISCSID_NICE=K starts it at nice K
#   ll_stop_iscsid [SIGNAL]     signal it (default TERM) and reap it
#   iscsiadm ARGS...            lunlink's iscsiadm (a function, so expect_exit
#                               and vm_save run it too)
#   ll_session_disks IQN        the sdX names of the sessions to IQN, LUN order
#   ll_disk_of IQN              sets DISK to the first disk once /dev/DISK exists
#   ll_sid_of IQN               the session id of the (first) session to IQN
#   ll_sid_of_portal ADDR       the session id of the session to portal ADDR
#   ll_node_update IQN PORTAL NAME VALUE
#   ll_node_chap IQN PORTAL USER PASS [USER_IN PASS_IN]
#   ll_random_check DEV MIB NAME  write MIB MiB of random data with O_DIRECT,
#                               read it back, assert it is identical (3 checks)
#   ll_diag_on_failure          at_exit hook: on failures, show iscsid's log
#                               tail and dmesg tail, and save both to
#                               $LUNLINK_VM_OUT
#   expect_lines TEXT NAME LINE...  one check per LINE: it is a whole line of TEXT

LL_BUILD=${LUNLINK_BUILD_DIR:-${LUNLINK_REPO:-}/build-vm}
LL_DIR=${LL_DIR:-/tmp/ll}
LL_DEBUG=${LL_DEBUG:-2}
LL_INITIATOR=${LL_INITIATOR:-iqn.2026-11.org.lunlink.test:vm-initiator}
LL_ISCSID_LOG=$LL_DIR/iscsid.log
LL_ISCSID_PID=
export ISCSI_CONFIG_DIR=$LL_DIR/etc ISCSID_SOCKET=$LL_DIR/iscsid.sock

ll_require_build() {
	local f
	for f in iscsid/iscsid iscsiadm/iscsiadm; do
		[[ -x $LL_BUILD/$f ]] && continue
		not_ok "lunlink build present" "no $LL_BUILD/$f (set LUNLINK_BUILD_DIR)"
		done_testing
	done
	mkdir -p "$ISCSI_CONFIG_DIR"
	[[ -f $ISCSI_CONFIG_DIR/initiatorname.iscsi ]] ||
		echo "InitiatorName=$LL_INITIATOR" >"$ISCSI_CONFIG_DIR/initiatorname.iscsi"
}

iscsiadm() { "$LL_BUILD/iscsiadm/iscsiadm" "$@"; }

# iscsid replies on its socket once it is up; a leftover socket file of a
# killed iscsid is replaced by the new one, so wait for a fresh inode.
ll_start_iscsid() {
	local old=
	[[ -S $ISCSID_SOCKET ]] && old=$(stat -c %i "$ISCSID_SOCKET")
	echo "--- iscsid start $(date +%T.%N)" >>"$LL_ISCSID_LOG"
	setsid ${LL_ISCSID_NICE:+nice -n "$LL_ISCSID_NICE"} "$LL_BUILD/iscsid/iscsid" -f -d "$LL_DEBUG" >>"$LL_ISCSID_LOG" 2>&1 &
	LL_ISCSID_PID=$!
	_ll_socket_new() {
		[[ -S $ISCSID_SOCKET ]] && [[ $(stat -c %i "$ISCSID_SOCKET") != "$old" ]]
	}
	# 30 s, not 10: on a loaded host the TCG guest runs 4-5x slower, and
	# the soak saw a start (exec over 9p, then the socket) pass 10 s there
	vm_wait_for 30 _ll_socket_new && kill -0 "$LL_ISCSID_PID" 2>/dev/null
}

ll_stop_iscsid() { # ll_stop_iscsid [SIGNAL]
	[[ -n $LL_ISCSID_PID ]] || return 0
	kill "-${1:-TERM}" "$LL_ISCSID_PID" 2>/dev/null
	wait "$LL_ISCSID_PID" 2>/dev/null
	LL_ISCSID_PID=
	return 0
}

ll_session_disks() { # ll_session_disks IQN -> "sdX sdY ..." by LUN
	local s d lun
	local -a by_lun=()
	for s in /sys/class/iscsi_session/session*; do
		[[ -e $s/targetname && $(<"$s/targetname") == "$1" ]] || continue
		for d in "$s"/device/target*/*:*:*:*/block/*; do
			[[ -e $d ]] || continue
			lun=${d%/block/*}
			lun=${lun##*:}
			by_lun[lun]=${d##*/}
		done
	done
	echo "${by_lun[*]}"
}

ll_disk_of() { # ll_disk_of IQN: sets DISK when /dev/DISK exists
	DISK=$(ll_session_disks "$1")
	DISK=${DISK%% *}
	[[ -n $DISK && -b /dev/$DISK ]]
}

ll_sid_of() { # ll_sid_of IQN -> session id
	local s
	for s in /sys/class/iscsi_session/session*; do
		[[ -e $s/targetname && $(<"$s/targetname") == "$1" ]] || continue
		echo "${s##*/session}"
		return 0
	done
	return 1
}

ll_sid_of_portal() { # ll_sid_of_portal ADDR -> session id
	local c
	for c in /sys/class/iscsi_connection/connection*:0; do
		[[ -e $c/persistent_address && $(<"$c/persistent_address") == "$1" ]] || continue
		c=${c##*/connection}
		echo "${c%%:*}"
		return 0
	done
	return 1
}

ll_node_update() { # ll_node_update IQN PORTAL NAME VALUE
	iscsiadm -m node -T "$1" -p "$2" -o update -n "$3" -v "$4" >/dev/null
}

ll_node_chap() { # ll_node_chap IQN PORTAL USER PASS [USER_IN PASS_IN]
	ll_node_update "$1" "$2" node.session.auth.authmethod CHAP &&
		ll_node_update "$1" "$2" node.session.auth.username "$3" &&
		ll_node_update "$1" "$2" node.session.auth.password "$4" &&
		ll_node_update "$1" "$2" node.session.auth.username_in "${5:-}" &&
		ll_node_update "$1" "$2" node.session.auth.password_in "${6:-}"
}

ll_random_check() { # ll_random_check DEV MIB NAME
	local dev=$1 mib=$2 name=$3 pat=$LL_DIR/pattern back=$LL_DIR/readback
	head -c $((mib << 20)) /dev/urandom >"$pat"
	expect_exit 0 dd if="$pat" of="$dev" bs=1M count="$mib" oflag=direct status=none
	expect_exit 0 dd if="$dev" of="$back" bs=1M count="$mib" iflag=direct status=none
	cmp -s "$pat" "$back" && ok "$name: $mib MiB read back identical" ||
		not_ok "$name: $mib MiB read back identical"
	rm -f "$back"
}

expect_lines() { # expect_lines TEXT NAME LINE...
	local text=$1 name=$2 line shown=0
	shift 2
	for line in "$@"; do
		if grep -qxF -- "$line" <<<"$text"; then
			ok "$name: has line '${line//$'\t'/\\t}'"
		elif ((shown++)); then
			not_ok "$name: has line '${line//$'\t'/\\t}'"
		else
			not_ok "$name: has line '${line//$'\t'/\\t}'" "output was:" "$text"
		fi
	done
}

ll_diag_on_failure() {
	if [[ -n ${LUNLINK_VM_OUT:-} ]]; then
		mkdir -p "$LUNLINK_VM_OUT"
		[[ -f $LL_ISCSID_LOG ]] && cp "$LL_ISCSID_LOG" "$LUNLINK_VM_OUT/"
		dmesg >"$LUNLINK_VM_OUT/dmesg.txt" 2>/dev/null
	fi
	((_T_FAILED > 0)) || return 0
	diag "--- iscsid log (last 40 lines of $LL_ISCSID_LOG)"
	[[ -f $LL_ISCSID_LOG ]] && tail -n 40 "$LL_ISCSID_LOG" | sed 's/^/#   /'
	diag "--- dmesg (last 25 lines)"
	dmesg | tail -n 25 | sed 's/^/#   /'
}
