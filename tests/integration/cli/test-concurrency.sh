#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 100 iscsiadm -o update runs at once lose no update and leave every record
# complete (read-modify-write under the node DB's exclusive lock).
set -u
. "$(dirname "$0")/cli-lib.sh"

KEYS=(node.session.cmds_max node.session.queue_depth node.session.initial_cmdsn
      node.session.timeo.replacement_timeout node.session.err_timeo.abort_timeout
      node.conn[0].timeo.login_timeout node.conn[0].timeo.logout_timeout
      node.conn[0].timeo.noop_out_interval node.conn[0].tcp.window_size
      node.session.auth.username)
NREC=10

for r in $(seq 0 $((NREC - 1))); do
	"$ISCSIADM" -m node -o new -T "iqn.2016-01.com.example:t$r" -p "10.0.0.$((r + 1)):3260,1" >/dev/null
done
run -m node
check "setup_made_all_records" [ "$(wc -l <<<"$OUT")" = $NREC ]
lines_before=$(wc -l <"$ISCSI_CONFIG_DIR/nodes/iqn.2016-01.com.example:t0/10.0.0.1,3260,1/default")

# 10 records x 10 keys: each process changes one (record, key) pair
pids=()
for r in $(seq 0 $((NREC - 1))); do
	for k in $(seq 0 9); do
		"$ISCSIADM" -m node -T "iqn.2016-01.com.example:t$r" -p "10.0.0.$((r + 1))" \
			-o update -n "${KEYS[$k]}" -v "$((1000 + r * 10 + k))" \
			>"$TESTDIR/upd.$r.$k" 2>&1 &
		pids+=($!)
	done
done
fails=0
for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
check "all_100_updates_exit_0" [ "$fails" = 0 ]

lost=0
for r in $(seq 0 $((NREC - 1))); do
	dump=$("$ISCSIADM" -m node -T "iqn.2016-01.com.example:t$r" -p "10.0.0.$((r + 1))")
	for k in $(seq 0 9); do
		grep -qxF "${KEYS[$k]} = $((1000 + r * 10 + k))" <<<"$dump" || lost=$((lost + 1))
	done
	[ "$(head -1 <<<"$dump")" = "# BEGIN RECORD 2.1.8" ] && [ "$(tail -1 <<<"$dump")" = "# END RECORD" ] ||
		lost=$((lost + 100))
done
check "no_update_lost_on_same_or_different_records" [ "$lost" = 0 ]

# 100 writers of one key: the last one wins, the record stays whole
pids=()
for i in $(seq 1 100); do
	"$ISCSIADM" -m node -T iqn.2016-01.com.example:t0 -p 10.0.0.1 \
		-o update -n node.session.auth.username -v "user$i" >/dev/null 2>&1 &
	pids+=($!)
done
fails=0
for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
check "same_key_updates_exit_0" [ "$fails" = 0 ]
f="$ISCSI_CONFIG_DIR/nodes/iqn.2016-01.com.example:t0/10.0.0.1,3260,1/default"
check "record_keeps_all_lines" [ "$(wc -l <"$f")" -ge "$lines_before" ]
check "record_has_one_username_line" [ "$(grep -c '^node.session.auth.username = user' "$f")" = 1 ]
check "record_still_has_other_updates" grep -qxF "node.session.cmds_max = 1000" "$f"
run -m node -T iqn.2016-01.com.example:t0 -p 10.0.0.1
expect_rc "record_still_parses" 0
check "no_temp_files_left" [ -z "$(find "$ISCSI_CONFIG_DIR/nodes" -type f ! -name default)" ]

finish
