# shellcheck shell=bash
# tgtd (the user-space iSCSI target) for tests in the VM guest or on the
# host. Source from bash.
#
#   tgt_start IQN PORT SIZE [CHAP_USER CHAP_PASS]
#       start tgtd on 127.0.0.1:PORT with target IQN (tid 1) and one disk
#       (LUN 1, tgt's LUN 0 is its controller) of SIZE bytes (K/M/G suffix
#       allowed), backed by a sparse file; optional incoming CHAP account.
#       Sets TGT_PID and TGT_CTL (its control port = PORT).
#   tgt_adm ARGS...         tgtadm against this instance
#   tgt_stop                stop it (tgtd ignores SIGTERM: ask it to exit,
#                           then SIGKILL if it is still there)
#
# Several instances can run at once: each uses its portal port as its
# control port.

TGT_DIR=${TGT_DIR:-/tmp/tgt}
TGT_PID=
TGT_CTL=

_tgt_err() { echo "tgt: $*" >&2; return 1; }

tgt_adm() { tgtadm --control-port "$TGT_CTL" --lld iscsi "$@"; }

_tgt_bytes() {
	local n=${1%[KkMmGg]}
	[[ $n =~ ^[0-9]+$ ]] || { _tgt_err "bad size '$1'"; return 1; }
	case $1 in
	*[Kk]) echo $((n << 10)) ;;
	*[Mm]) echo $((n << 20)) ;;
	*[Gg]) echo $((n << 30)) ;;
	*) echo "$n" ;;
	esac
}

tgt_start() { # tgt_start IQN PORT SIZE [CHAP_USER CHAP_PASS]
	local iqn=$1 port=$2 bytes file i
	bytes=$(_tgt_bytes "$3") || return
	mkdir -p "$TGT_DIR"
	file=$TGT_DIR/lun-$port.img
	truncate -s "$bytes" "$file" || _tgt_err "cannot create $file" || return
	TGT_CTL=$port
	tgtd -f -C "$TGT_CTL" --iscsi "portal=127.0.0.1:$port" \
		>"$TGT_DIR/tgtd-$port.log" 2>&1 &
	TGT_PID=$!
	# Ready once its management socket answers.
	for ((i = 0; i < 500; i++)); do
		tgt_adm --mode target --op show >/dev/null 2>&1 && break
		kill -0 "$TGT_PID" 2>/dev/null ||
			_tgt_err "tgtd exited: $(<"$TGT_DIR/tgtd-$port.log")" || return
		read -r -t 0.02 <> <(:) || true
	done
	tgt_adm --mode target --op new --tid 1 --targetname "$iqn" &&
		tgt_adm --mode logicalunit --op new --tid 1 --lun 1 --backing-store "$file" &&
		tgt_adm --mode target --op bind --tid 1 --initiator-address ALL ||
		_tgt_err "cannot configure target $iqn" || return
	if (($# >= 5)); then
		tgt_adm --mode account --op new --user "$4" --password "$5" &&
			tgt_adm --mode account --op bind --tid 1 --user "$4" ||
			_tgt_err "cannot add CHAP account $4" || return
	fi
}

tgt_stop() {
	local i
	[[ -n $TGT_PID ]] || return 0
	tgt_adm --mode target --op delete --force --tid 1 >/dev/null 2>&1
	tgtadm --control-port "$TGT_CTL" --op delete --mode system >/dev/null 2>&1
	for ((i = 0; i < 100; i++)); do
		kill -0 "$TGT_PID" 2>/dev/null || break
		read -r -t 0.02 <> <(:) || true
	done
	kill -KILL "$TGT_PID" 2>/dev/null
	wait "$TGT_PID" 2>/dev/null
	rm -f "$TGT_DIR/lun-$TGT_CTL.img"
	TGT_PID=
	return 0
}
