#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# CHAP secrets stay secret: they never appear in iscsid's log (even at
# debug level 8), in iscsiadm's output (records, -o show, errors), and the
# record files that hold them are 0600.  Discovery CHAP against a private
# tgtd proves the secrets were really used.
#   test-secrets.sh ISCSIADM ISCSID
set -u
here=$(cd "$(dirname "$0")" && pwd)
ISCSID=${2:?usage: test-secrets.sh iscsiadm iscsid}
set -- "$1" ""
# shellcheck source=tests/integration/cli/cli-lib.sh
. "$here/../cli/cli-lib.sh"
# shellcheck source=tests/integration/tgtd-fixture.sh
. "$here/../tgtd-fixture.sh"
ADM=$ISCSIADM

SECRET=Sup3rSecretPw42x
SECRET_IN=An0therSecretPw9
USER=alice
IQN=iqn.2026-11.org.lunlink.test:secret
no_secret_in() { ! grep -q -e "$SECRET" -e "$SECRET_IN" "$@"; }

at_exit tgtd_stop
tgtd_start_or_exit
tgtd_add_target 1 "$IQN" 8M || exit 1
tgtd_add_account "$USER" "$SECRET" || exit 1
tgtd_bind_account "" "$USER" || exit 1
P=127.0.0.1:$TGTD_PORT

iscsid_start "$ISCSID" -f -d 8
check "iscsid listens" [ -S "$ISCSID_SOCKET" ]

out=$TESTDIR/out
{
	"$ADM" -m discoverydb -t st -p "$P" -o new
	"$ADM" -m discoverydb -t st -p "$P" -o update -n discovery.sendtargets.auth.authmethod -v CHAP
	"$ADM" -m discoverydb -t st -p "$P" -o update -n discovery.sendtargets.auth.username -v "$USER"
	"$ADM" -m discoverydb -t st -p "$P" -o update -n discovery.sendtargets.auth.password -v "$SECRET"
} >"$out" 2>&1
"$ADM" -m discoverydb -t st -p "$P" -D >>"$out" 2>&1
check "discovery with CHAP found the target (the secret was used)" grep -q "$IQN" "$out"
"$ADM" -m discoverydb -t st -p "$P" -o update -n discovery.sendtargets.auth.password \
	-v WrongPassword99 >>"$out" 2>&1
"$ADM" -m discoverydb -t st -p "$P" -D >>"$out" 2>&1
rc=$?
check "discovery with a wrong secret fails with 24 (iscsid saw a secret)" [ "$rc" = 24 ]
"$ADM" -m discoverydb -t st -p "$P" -o update -n discovery.sendtargets.auth.password \
	-v "$SECRET" >>"$out" 2>&1
{
	"$ADM" -m node -T "$IQN" -p "$P" -o update -n node.session.auth.username -v "$USER"
	"$ADM" -m node -T "$IQN" -p "$P" -o update -n node.session.auth.password -v "$SECRET"
	"$ADM" -m node -T "$IQN" -p "$P" -o update -n node.session.auth.username_in -v bob
	"$ADM" -m node -T "$IQN" -p "$P" -o update -n node.session.auth.password_in -v "$SECRET_IN"
	"$ADM" -m node -T "$IQN" -p "$P"
	"$ADM" -m node -T "$IQN" -p "$P" -o show
	"$ADM" -m discoverydb -t st -p "$P" -o show
	"$ADM" -m node
	"$ADM" -m node -P 1
	# The host has no iscsi_tcp: iscsid gets the record (with secrets) and fails.
	"$ADM" -m node -T "$IQN" -p "$P" --login
} >>"$out" 2>&1
check "record dumps mask the secrets (no secret in any output)" no_secret_in "$out"
check "record dumps show ******** for set passwords" \
	grep -q '^node.session.auth.password = \*\*\*\*\*\*\*\*$' "$out"
"$ADM" -m node -T "$IQN" -p "$P" -o show -S >"$TESTDIR/shown" 2>&1
check "-S shows the secret on request (so the masking above was not an accident)" \
	grep -q "node.session.auth.password = $SECRET" "$TESTDIR/shown"
sleep 0.2
check "iscsid's log at debug level 8 holds no secret" no_secret_in "$ISCSID_LOG"
check "iscsid's log is not empty (the check above is meaningful)" \
	grep -q "discovery" "$ISCSID_LOG"
check "iscsid's command line holds no secret" no_secret_in "/proc/$ISCSID_PID/cmdline"

bad=$(find "$ISCSI_CONFIG_DIR/nodes" "$ISCSI_CONFIG_DIR/send_targets" -type f ! -perm 600)
check "every record file is 0600" [ -z "$bad" ]
baddir=$(find "$ISCSI_CONFIG_DIR/nodes" "$ISCSI_CONFIG_DIR/send_targets" -type d ! -perm 700)
check "every record directory is 0700" [ -z "$baddir" ]
check "the node record file holds the secret (so the 0600 check matters)" \
	grep -rq "$SECRET" "$ISCSI_CONFIG_DIR/nodes"

if [ "$FAIL" != 0 ]; then
	echo "# iscsiadm output:"; sed 's/^/#   /' "$out" | tail -40
fi
finish
