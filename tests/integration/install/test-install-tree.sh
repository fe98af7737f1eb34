#!/bin/bash
# install_tree: `meson install --destdir` of the build under test into an
# empty directory must produce exactly the files of expected-files.txt,
# write nothing outside that directory, and run no install scripts (a
# package build must not touch the builder's /etc, systemd or udev).
#
#   test-install-tree.sh MESON BUILDDIR EXPECTED NAME=DIR...
set -euo pipefail

meson=$1 build=$2 expected=$3
shift 3

dest=$(mktemp -d "${TMPDIR:-/tmp}/lunlink-install-XXXXXX")
trap 'rm -rf "$dest"' EXIT
fail() { echo "install_tree: $*" >&2; exit 1; }

"$meson" install -C "$build" --destdir "$dest" --no-rebuild >"$dest.log" 2>&1 ||
	{ cat "$dest.log" >&2; rm -f "$dest.log"; fail "meson install failed"; }
log=$(cat "$dest.log")
rm -f "$dest.log"

# Expected paths: substitute each @NAME@, refuse any left over.
sed_args=()
for kv in "$@"; do
	name=${kv%%=*} dir=${kv#*=}
	[[ -n $dir ]] || continue
	sed_args+=(-e "s|@${name}@|${dir}|g")
done
want=$(grep -v -e '^#' -e '^[[:space:]]*$' "$expected" | sed "${sed_args[@]}" | sed 's|//*|/|g' | sort)
if grep -q '@[A-Z]*@' <<<"$want"; then
	fail "no install directory given for: $(grep -o '@[A-Z]*@' <<<"$want" | sort -u | tr '\n' ' ')"
fi

have=$(cd "$dest" && find . \( -type f -o -type l \) | sed 's|^\.||' | sort)
if [[ $want != "$have" ]]; then
	echo "install_tree: installed files differ from $expected (- missing, + stray):" >&2
	diff -u <(echo "$want") <(echo "$have") | tail -n +3 >&2 || true
	exit 1
fi

# Every destination meson reports lies inside DESTDIR; no scripts ran.
if grep -qi 'running custom install script' <<<"$log"; then
	fail "an install script ran: a package build must not run commands"
fi
while read -r target; do
	[[ $target == "$dest"/* ]] || fail "meson installed to $target, outside DESTDIR"
done < <(sed -n 's/^Installing .* to \(.*\)$/\1/p' <<<"$log")

# Modes that matter: the config may hold CHAP secrets; programs run.
while read -r f; do
	case $f in
	*/iscsi/iscsid.conf) want_mode=600 ;;
	*/sbin/* | */iscsi_id) want_mode=755 ;;
	*) want_mode=644 ;;
	esac
	mode=$(stat -c %a "$dest$f")
	[[ $mode == "$want_mode" ]] || fail "$f has mode $mode, expected $want_mode"
done <<<"$have"

echo "install_tree: $(wc -l <<<"$have") files, as expected"
