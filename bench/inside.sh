#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The module's own CPU time per login, measured inside the process that
# runs it: bench/pam_cpu_probe.so, stacked on both sides of the auth line,
# reads the thread's CPU clock before and after pam_sm_authenticate (the
# password conversation included, as pam_ask_permit has it too).  Per mode,
# in three places:
#   server          a PostgreSQL backend, pgbench -C with 1 client;
#   harness         a child forked by tests/harness/pam_harness, as in
#                   bench/cpu.sh;
#   harness, cold   the same after the probe wrote EVICT_MB of fresh memory,
#                   so the module starts with cold CPU caches, as a backend
#                   does after PostgreSQL's own start-up.
# Unlike bench/logins.sh this holds on a shared machine: the figures are
# medians of one thread's CPU time, not rates.  Not a test: it asserts
# nothing, it prints a table.  Needs root, like the PostgreSQL tests.
#
#   bench/inside.sh [LOGINS_PER_MODE]        default 1000 (~2 min)
#   BENCH_PRELOAD=1 bench/inside.sh          server with pam_oauth2_preload,
#                                            harness with --preload
#   EVICT_MB=32 bench/inside.sh              default 8
set -euo pipefail
LOGINS=${1:-1000}
EVICT_MB=${EVICT_MB:-8}
[[ "$LOGINS" =~ ^[0-9]+$ && "$LOGINS" -ge 5 ]] || { echo "LOGINS_PER_MODE must be a number >= 5" >&2; exit 2; }
[[ "$EVICT_MB" =~ ^[0-9]+$ && "$EVICT_MB" -le 1024 ]] || { echo "EVICT_MB must be 0 to 1024" >&2; exit 2; }

cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD_DIR:-$ROOT/build/bench}
[ -d "$BUILD" ] || meson setup "$BUILD" >/dev/null
ninja -C "$BUILD" >/dev/null
ninja -C "$BUILD" bench/pam_cpu_probe.so bench/fork_verify >/dev/null

. bench/serverlib.sh
# The harness runs as postgres too, so both share one cache directory.
install -m 755 "$BUILD/tests/harness/pam_harness" "$WORK/root/pam_harness"
for so in "$BUILD/tests/harness/pam_ask_permit.so" "$BUILD/bench/pam_cpu_probe.so"; do
	install -m 644 "$so" "$WORK/root/"
done
PROBE=$WORK/root/pam_cpu_probe.so
install -d -m 700 -o postgres "$WORK/probe"
install -d -m 755 "$WORK/pam.d"

svc=pam_oauth2_inside_$$
. bench/modes.sh
MODES=(pam_ask_permit "${MODULE_MODES[@]}")

# auth_lines MODE PLACE EVICT: the auth stack of MODE between two probes.
auth_lines() {
	local so=$MODULE args=${MODE_ARGS[$1]:-}
	if [ "$1" = pam_ask_permit ]; then so=$WORK/root/pam_ask_permit.so; fi
	printf 'auth optional %s start evict=%s\nauth required %s %s\nauth optional %s stop %s\naccount required %s\n' \
		"$PROBE" "$3" "$so" "$args" "$PROBE" "$WORK/probe/$1.$2" "$so"
}

hba=""
for m in "${MODES[@]}"; do
	pam_service "${svc}_$m" "$(auth_lines "$m" server 0)"
	hba+="host all b_$m 127.0.0.1/32 pam pamservice=${svc}_$m"$'\n'
	auth_lines "$m" harness 0 >"$WORK/pam.d/${m}_harness"
	auth_lines "$m" cold "$EVICT_MB" >"$WORK/pam.d/${m}_cold"
done
bench_pg_start "$hba"

for m in "${MODES[@]}"; do
	pg_admin "CREATE ROLE b_$m LOGIN" || bail "could not create b_$m"
	mode_token "$m" "b_$m" "$WORK/pw_$m"
	mode_token "$m" alice "$WORK/tok_$m"
	chmod 644 "$WORK/pw_$m" "$WORK/tok_$m"
done

PRELOAD_ARGS=()
if [ "${BENCH_PRELOAD:-0}" = 1 ]; then PRELOAD_ARGS=(--preload "$MODULE"); fi
harness() {
	as_postgres "$WORK/root/pam_harness" --confdir "$WORK/pam.d" --service "$1" --user alice \
		--token-file "$WORK/tok_$2" "${@:3}"
}

echo "inside: ${#MODES[@]} modes x $LOGINS logins in a backend and in the harness (warm, then ${EVICT_MB} MB written first), preload ${BENCH_PRELOAD:-0}, $(nproc) cores" >&2
for m in "${MODES[@]}"; do
	# A first login warms the cached modes: keys on disk, a remembered verdict.
	got=$(pg_login "b_$m" "$WORK/pw_$m" "SELECT current_user")
	[ "$got" = "b_$m" ] || bail "$m: login failed: $got"
	harness "${m}_harness" "$m" >/dev/null
	rm -f "$WORK/probe/$m".*
	out=$(PGPASSWORD=$(cat "$WORK/pw_$m") PGSSLMODE=$BENCH_SSLMODE "$PGBENCH" -n -C -t "$LOGINS" -c 1 \
		-f "$ROOT/bench/select1.sql" -h 127.0.0.1 -p "$PGPORT" -U "b_$m" postgres 2>&1) ||
		bail "$m: pgbench failed: $(grep -m 3 -i 'error\|abort' <<<"$out")"
	for place in harness cold; do
		out=$(harness "${m}_$place" "$m" --fork --repeat "$LOGINS" "${PRELOAD_ARGS[@]}")
		grep -qx "rounds: $LOGINS auth=PAM_SUCCESS acct=PAM_SUCCESS" <<<"$out" ||
			bail "$m: not every harness login succeeded"
	done
	# pgbench may log in once more than asked, to look at the server.
	for place in server harness cold; do
		[ "$(wc -l <"$WORK/probe/$m.$place")" -ge "$LOGINS" ] ||
			bail "$m: the probe recorded $(wc -l <"$WORK/probe/$m.$place") of $LOGINS logins ($place)"
	done
	echo "$m done" >&2
done

# The floor under jwt_cached_keys, in the same run: OpenSSL alone importing
# the key and checking an RS256 signature in a forked child, over an empty
# child (bench/fork_verify, parent preloaded as the harness is).
floor=$("$BUILD/bench/fork_verify" "${PRELOAD_ARGS[@]}" "$LOGINS") || bail "fork_verify failed"
floor_us=$(awk '/^empty:/ { e = $2 } /^rs256:/ { v = $2 } END { printf "%.1f", (v - e) * 1000 }' <<<"$floor")

# median FILE: the median CPU time in µs and the mean minor faults.
median() {
	sort -n "$1" | awk '{ ns[NR] = $1; f += $2 }
		END { m = NR % 2 ? ns[(NR + 1) / 2] : (ns[NR / 2] + ns[NR / 2 + 1]) / 2
		      printf "%.1f %.1f", m / 1000, f / NR }'
}
for m in "${MODES[@]}"; do
	printf '%s' "$m"
	for place in server harness cold; do printf ' %s' "$(median "$WORK/probe/$m.$place")"; done
	echo
done >"$WORK/inside"

echo
echo "## The module's CPU time per login, inside the process (median of $LOGINS, µs; faults: mean minor faults$([ "${BENCH_PRELOAD:-0}" = 1 ] && echo '; server with pam_oauth2_preload, harness --preload'))"
echo
awk -v mb="$EVICT_MB" '
	{ name[NR] = $1; for (i = 2; i <= 7; i++) v[NR, i] = $i
	  if ($1 == "pam_ask_permit") for (i = 2; i <= 7; i++) base[i] = $i }
	END {
		printf "| mode | server: us | over pam_ask_permit | faults | harness: us | over pam_ask_permit | faults | harness, %d MB written first: us | over pam_ask_permit | faults |\n", mb
		printf "|---|---|---|---|---|---|---|---|---|---|\n"
		for (r = 1; r <= NR; r++) {
			printf "| %s", name[r]
			for (i = 2; i <= 7; i += 2)
				printf " | %.1f | %s | %.1f", v[r, i],
					name[r] == "pam_ask_permit" ? "" : sprintf("%+.1f", v[r, i] - base[i]), v[r, i + 1]
			printf " |\n"
		}
	}' "$WORK/inside"

# What a change to the module can move: jwt_cached_keys over pam_ask_permit
# in each place, less OpenSSL's own import + verify in a fresh child.
echo
echo "## The module's own share of jwt_cached_keys (us): over pam_ask_permit, less OpenSSL alone in a forked child (bench/fork_verify, this run: $floor_us us)"
echo
awk -v floor="$floor_us" '
	$1 == "pam_ask_permit" { for (i = 2; i <= 7; i += 2) base[i] = $i }
	$1 == "jwt_cached_keys" { for (i = 2; i <= 7; i += 2) jwt[i] = $i }
	END {
		split("server backend|harness child|harness child, cold first", place, "|")
		printf "| place | jwt_cached_keys over pam_ask_permit: us | OpenSSL alone (fork_verify): us | the module'"'"'s own share: us |\n"
		printf "|---|---|---|---|\n"
		for (p = 1; p <= 3; p++) {
			i = 2 * p
			printf "| %s | %+.1f | %.1f | %+.1f |\n", place[p], jwt[i] - base[i], floor,
				jwt[i] - base[i] - floor
		}
	}' "$WORK/inside"
