#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Damaged node records: a truncated, a binary and a record with unknown keys
# are reported with file and line, and the rest of the database keeps
# working (listing, showing, updating other records and the damaged ones).
set -u
. "$(dirname "$0")/cli-lib.sh"

T1=iqn.2016-01.com.example:ok1
T2=iqn.2016-01.com.example:trunc
T3=iqn.2016-01.com.example:binary
T4=iqn.2016-01.com.example:unknown
for t in $T1 $T2 $T3 $T4; do
	run -m node -o new -T $t -p 127.0.0.1:3260,1
done
rec() { echo "$ISCSI_CONFIG_DIR/nodes/$1/127.0.0.1,3260,1/default"; }

# truncated in the middle of a line: the last line has no value or newline
f2=$(rec $T2)
head -c "$(($(wc -c <"$f2") / 2))" "$f2" >"$f2.tmp" && mv "$f2.tmp" "$f2"
printf 'node.session.timeo.replacement_ti' >>"$f2"
# binary garbage (with NUL bytes) after a few valid lines
f3=$(rec $T3)
head -n 5 "$f3" >"$f3.tmp"
head -c 300 /dev/urandom >>"$f3.tmp"
printf '\0\0\n' >>"$f3.tmp"
mv "$f3.tmp" "$f3"
# unknown keys, kept on rewrite
f4=$(rec $T4)
sed -i 's/^# END RECORD$/node.vendor.frobnicate = 7\n# END RECORD/' "$f4"

run -m node
expect_rc "listing_with_damaged_records_exits_0" 0
for t in $T1 $T2 $T3 $T4; do
	expect_out_line "listing_shows_$t" "127.0.0.1:3260,1 $t"
done
check "truncated_record_reported_with_file_and_line" grep -qE "$f2:[0-9]+: " <<<"$ERR"
check "binary_record_reported_with_file_and_line" grep -qE "$f3:[0-9]+: " <<<"$ERR"

run -m node -T $T1 -p 127.0.0.1 -o update -n node.startup -v automatic
expect_rc "update_of_a_healthy_record_works" 0
run -m node -T $T1 -p 127.0.0.1 -o show
check "healthy_record_updated" grep -qx 'node.startup = automatic' <<<"$OUT"

run -m node -T $T3 -p 127.0.0.1 -o show
expect_rc "binary_record_still_shows" 0
check "binary_record_keeps_its_good_lines" grep -qx "node.name = $T3" <<<"$OUT"

run -m node -T $T4 -p 127.0.0.1 -o update -n node.session.auth.username -v bob
expect_rc "update_of_record_with_unknown_key_works" 0
check "unknown_key_kept_after_rewrite" grep -qx 'node.vendor.frobnicate = 7' "$f4"
check "update_landed_next_to_unknown_key" grep -qx 'node.session.auth.username = bob' "$f4"

run -m node -T $T2 -p 127.0.0.1 -o update -n node.startup -v automatic
expect_rc "truncated_record_can_be_repaired_by_update" 0
run -m node
check "no_complaint_about_the_repaired_record" not grep -qF "$f2" <<<"$ERR"
# (the binary record was written by this test, not by iscsiadm)
check "rewritten_record_files_are_0600" [ -z "$(find "$(rec $T1)" "$f2" "$f4" ! -perm 600)" ]
finish
