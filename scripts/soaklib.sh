# SPDX-License-Identifier: MIT
# Shared by scripts/valgrind.sh and scripts/load.sh; source it from the
# repository root, as the first thing the script does (it may re-run the
# script).  Gives common.sh's work directory, cleanup and test issuer, a
# private syslog, a debug build and a result table.

declare -F bail >/dev/null || bail() { echo "error: $*" >&2; exit 1; }
ISSUER_DIR=$PWD/tests/issuer

# Thousands of log lines must not land in the capture of a test running
# next to us (the integration tests take /dev/log for theirs), and the
# harness's fd count must not see a logger come and go.  As root, the
# script re-runs itself in a mount namespace of its own, where /dev is a
# copy of the real one but /dev/log is our sink's socket (set up by
# private_syslog below).  Elsewhere it runs as it is and says so.
if [ "${SOAK_PRIVATE_DEV:-}" != 1 ] && [ "$(id -u)" -eq 0 ] &&
	unshare --mount --propagation private true 2>/dev/null; then
	exec env SOAK_PRIVATE_DEV=1 unshare --mount --propagation private "$0" "$@"
fi

[ -d "$ISSUER_DIR/node_modules" ] || npm ci --prefix "$ISSUER_DIR" --no-audit --no-fund --loglevel=error ||
	bail "could not install the test issuer's packages"
. tests/lib/common.sh

# build_in DIR [meson setup options]: the module, harness and sink built in
# DIR (relative to the repository), a build directory of the script's own.
build_in() {
	BUILD=$PWD/$1
	shift
	{ [ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" "$@" >/dev/null; } &&
		ninja -C "$BUILD" >"$WORK/build.log" 2>&1 ||
		bail "build failed: $(tail -n 20 "$WORK/build.log")"
	PAM_OAUTH2_MODULE=$BUILD/src/pam_oauth2.so
	PAM_HARNESS=$BUILD/tests/harness/pam_harness
	SYSLOG_SINK=$BUILD/tests/harness/syslog_sink
}

# private_syslog: in our own mount namespace, a tmpfs over /dev holding the
# real /dev's entries (bound through a descriptor kept on the real one;
# --no-canonicalize, or mount would resolve it to the new /dev) and
# a /dev/log that is our sink, writing to $WORK/syslog.txt.
private_syslog() {
	SYSLOG_FILE=$WORK/syslog.txt
	"$SYSLOG_SINK" "$WORK/syslog.sock" "$SYSLOG_FILE" 2>"$WORK/sink.err" &
	on_exit "kill $!"
	wait_for_file "$WORK/syslog.sock" 5 || bail "the syslog sink did not start: $(cat "$WORK/sink.err")"
	if [ "${SOAK_PRIVATE_DEV:-}" != 1 ]; then
		echo "note: not root or no mount namespaces: module log lines go to the system's /dev/log" >&2
		return
	fi
	local e name
	exec 9</dev
	mount -t tmpfs -o mode=755 soak-dev /dev || bail "cannot mount a private /dev"
	for e in /proc/self/fd/9/* /proc/self/fd/9/.[!.]*; do
		name=${e##*/}
		[ -e "$e" ] || [ -L "$e" ] || continue
		[ "$name" = log ] && continue
		if [ -L "$e" ]; then
			ln -s "$(readlink "$e")" "/dev/$name"
		elif [ -d "$e" ]; then
			mkdir "/dev/$name" && mount --no-canonicalize --rbind "$e" "/dev/$name"
		else
			: >"/dev/$name" && mount --no-canonicalize --bind "$e" "/dev/$name"
		fi || bail "cannot bind /dev/$name in the private /dev"
	done
	[ -c /dev/null ] || bail "the private /dev has no /dev/null device"
	exec 9<&-
	: >/dev/log && mount --bind "$WORK/syslog.sock" /dev/log || bail "cannot bind /dev/log"
}

# Result table: row MODE ROUNDS SECONDS RESULT; print_table at the end.
TABLE=()
row() { TABLE+=("$(printf '%s\t%s\t%s\t%s' "$@")"); }
print_table() {
	local head=$1
	{ printf '%s\n' "$head"; printf '%s\n' "${TABLE[@]}"; } | awk -F'\t' '
		{ for (i = 1; i <= NF; i++) { cell[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) }
		  if (NF > nf) nf = NF }
		END { for (r = 1; r <= NR; r++) { line = ""
			for (i = 1; i <= nf; i++) line = line sprintf(i < nf ? "%-" w[i] + 2 "s" : "%s", cell[r, i])
			print line } }'
}
