#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Logins of each method against pam_ask_permit's, in alternation: where
# bench/logins.sh times seconds of one method and then seconds of another,
# and a shared or virtual machine moves the rate by tens of per cent from
# one run to the next, bench/bench_paired logs in once as the floor and
# once as the method, over and over (bench/paired.c), so both see the same
# machine.  Each method's ratio is the median over blocks of pairs, with a
# distribution-free interval (bench/paired_report.awk), and the table
# judges issue 17's lines against pam_ask_permit, the floor they are set
# against.  A first row pairs pam_ask_permit with itself: its interval
# shows what this machine can tell apart.  Not a test: it asserts nothing,
# it prints a table.  Needs root, like the PostgreSQL tests, and libpq's
# headers to build bench_paired.
#
#   bench/paired_logins.sh [PAIRS_PER_BLOCK [BLOCKS]]   defaults: 40 31
#   BENCH_PRELOAD=1, BENCH_TLS=1, BENCH_CLIENTS="1 2" as bench/logins.sh
#   BENCH_METHODS="jwt_cached_keys"        only these rows (default: the
#       rows issue 17 sets lines for)
#   BENCH_KEEP=FILE                        also keeps the blocks' figures
set -euo pipefail
PAIRS=${1:-40}
BLOCKS=${2:-31}
CLIENTS_LIST=${BENCH_CLIENTS:-"1 2"}
[[ "$PAIRS" =~ ^[0-9]+$ && "$PAIRS" -ge 1 && "$BLOCKS" =~ ^[0-9]+$ && "$BLOCKS" -ge 1 ]] ||
	{ echo "PAIRS_PER_BLOCK and BLOCKS must be numbers >= 1" >&2; exit 2; }
BENCH_METHODS=${BENCH_METHODS:-"userinfo_cached introspect_cached jwt_cached_keys jwt_cached_verdict"}

cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD_DIR:-$ROOT/build/bench}
[ -d "$BUILD" ] || meson setup "$BUILD" >/dev/null
ninja -C "$BUILD" >/dev/null
ninja -C "$BUILD" bench/bench_paired >/dev/null ||
	{ echo "bench_paired not built: libpq's headers (libpq-dev) are missing" >&2; exit 2; }

. bench/serverlib.sh
svc=pam_oauth2_paired_$$
. bench/logins_setup.sh

rows=(pam_ask_permit)
for m in "${METHODS[@]}"; do
	[ "$m" = pam_permit ] || [ "$m" = pam_ask_permit ] || rows+=("$m")
done
echo "paired: preload ${BENCH_PRELOAD:-0}, sslmode $BENCH_SSLMODE, ${#rows[@]} rows x clients {$CLIENTS_LIST} x $BLOCKS blocks of $PAIRS pairs, PostgreSQL $("$PG_BINDIR/postgres" -V | awk '{print $3}'), $(nproc) cores" >&2
conninfo="host=127.0.0.1 port=$PGPORT dbname=postgres sslmode=$BENCH_SSLMODE"
: >"$WORK/blocks"
for m in "${rows[@]}"; do
	for c in $CLIENTS_LIST; do
		out=$("$BUILD/bench/bench_paired" "$conninfo" b_pam_ask_permit "$WORK/pw_pam_ask_permit" \
			"b_$m" "$WORK/pw_$m" "$c" "$PAIRS" "$BLOCKS" 2>"$WORK/paired.err") ||
			bail "$m, $c clients: a login failed: $(head -n 3 "$WORK/paired.err")"
		printf '%s\n' "$out" | sed "s/^/$m $c /" >>"$WORK/blocks"
	done
	echo "$m done" >&2
done
[ -z "${BENCH_KEEP:-}" ] || cp "$WORK/blocks" "$BENCH_KEEP"

echo
echo "## Paired logins against pam_ask_permit (connect, SELECT 1, disconnect; TCP 127.0.0.1, sslmode=$BENCH_SSLMODE$([ "${BENCH_PRELOAD:-0}" = 1 ] && echo ', server with pam_oauth2_preload'))"
echo
echo "Each block: $PAIRS pairs of phases, one as pam_ask_permit and one as the method, in alternation (ABBA); at C clients a phase is C logins at once, timed until the last ends. ms: the blocks' median of a phase's mean wall time. x pam_ask_permit: the method's rate over the floor's (floor ms / method ms), median over $BLOCKS blocks, with a distribution-free 95% interval; held: the whole interval on the right side of the line, not held: the whole of it on the wrong side, within noise: it crosses the line."
echo
awk -v order="${rows[*]}" -v clients="$CLIENTS_LIST" -v pairs="$PAIRS" \
	-f "$ROOT/bench/stats.awk" -f "$ROOT/bench/rate_lines.awk" -f "$ROOT/bench/paired_report.awk" "$WORK/blocks"
