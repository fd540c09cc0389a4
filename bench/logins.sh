#!/usr/bin/env bash
# Logins per second through a real PostgreSQL server, one method per role,
# measured side by side: trust, scram-sha-256, pam with pam_permit.so (the
# floor), pam with pam_ask_permit.so (the floor for a module that asks for
# the password: tests/harness) and pam_oauth2 in each mode.  Every round runs every method once (in
# an order that rotates from round to round, so a noisy neighbour spreads
# over all of them); the table gives the median per method.  Not a test: it
# asserts nothing, it prints tables.  Needs root, like the PostgreSQL tests.
#
#   bench/logins.sh [SECONDS_PER_ROUND [ROUNDS]]     defaults: 10 3 (~12 min)
#   bench/logins.sh 2 1                              quick check (~1 min)
#   BENCH_PRELOAD=1 bench/logins.sh ...              the server preloads
#       (shared_preload_libraries = pam_oauth2_preload, pointed at the module)
#   BENCH_METHODS="jwt_cached_keys" bench/logins.sh  only these rows (and
#       pam_permit and pam_ask_permit, which the ratios need)
set -euo pipefail
SECONDS_PER_ROUND=${1:-10}
ROUNDS=${2:-3}
CLIENTS_LIST=${BENCH_CLIENTS:-"1 2"}
ISSUER_REQUESTS=${BENCH_ISSUER_REQUESTS:-200}

cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD_DIR:-$ROOT/build/bench}
[ -d "$BUILD" ] || meson setup "$BUILD" >/dev/null
ninja -C "$BUILD" >/dev/null

ISSUER_DIR=$ROOT/tests/issuer
. tests/integration/common.sh
. tests/integration/pgcluster.sh
[ "$(id -u)" -eq 0 ] || bail "run as root (it writes /etc/pam.d and runs PostgreSQL as postgres)"
PGBENCH=$PG_BINDIR/pgbench
[ -x "$PGBENCH" ] || bail "pgbench not found in $PG_BINDIR"

start_issuer
# The module logs every decision; give it a syslog to talk to, as a real
# host has, so that cost is counted.
if [ ! -S /dev/log ]; then
	"$BUILD/tests/harness/syslog_sink" /dev/log "$WORK/syslog.txt" &
	on_exit "kill $!; rm -f /dev/log"
fi
install_module "$BUILD"

write_client_secret postgres
install -d -m 700 -o postgres "$WORK/cache"

# method -> the pam.d auth line's arguments (empty for non-PAM methods)
svc=pam_oauth2_bench_$$
. bench/modes.sh
METHODS=(trust scram pam_permit pam_ask_permit "${MODULE_MODES[@]}")
if [ -n "${BENCH_METHODS:-}" ]; then
	wanted=(pam_permit pam_ask_permit)
	for m in $BENCH_METHODS; do
		[[ " ${METHODS[*]} " == *" $m "* ]] || bail "BENCH_METHODS: no method '$m' (there are: ${METHODS[*]})"
		[ "$m" = pam_permit ] || [ "$m" = pam_ask_permit ] || wanted+=("$m")
	done
	METHODS=("${wanted[@]}")
fi

hba=""
for m in "${METHODS[@]}"; do
	role=b_$m
	case $m in
	trust) hba+="host all $role 127.0.0.1/32 trust"$'\n' ;;
	scram) hba+="host all $role 127.0.0.1/32 scram-sha-256"$'\n' ;;
	pam_permit)
		pam_service "${svc}_$m" "auth    required pam_permit.so
account required pam_permit.so"
		hba+="host all $role 127.0.0.1/32 pam pamservice=${svc}_$m"$'\n' ;;
	pam_ask_permit)
		install -m 644 "$BUILD/tests/harness/pam_ask_permit.so" "$WORK/root/pam_ask_permit.so"
		pam_service "${svc}_$m" "auth    required $WORK/root/pam_ask_permit.so
account required $WORK/root/pam_ask_permit.so"
		hba+="host all $role 127.0.0.1/32 pam pamservice=${svc}_$m"$'\n' ;;
	*)
		pam_service "${svc}_$m" "auth    required $MODULE ${MODE_ARGS[$m]}
account required $MODULE"
		hba+="host all $role 127.0.0.1/32 pam pamservice=${svc}_$m"$'\n' ;;
	esac
done
if [ "${BENCH_PRELOAD:-0}" = 1 ]; then use_preload; fi
# autovacuum workers come and go as backends do; their CPU would count.
PG_EXTRA_CONF="${PG_EXTRA_CONF:-}
autovacuum = off"
pg_start "$hba"
# Connection logging would add two log lines to every login of every method.
pg_admin "ALTER SYSTEM SET log_connections = off" && pg_admin "SELECT pg_reload_conf()" >/dev/null

# The password each role's clients send.
for m in "${METHODS[@]}"; do
	role=b_$m
	pg_admin "CREATE ROLE $role LOGIN" || bail "could not create $role"
	case $m in
	trust | pam_permit | pam_ask_permit) printf 'unused' >"$WORK/pw_$m" ;;
	scram)
		printf 'bench-password-%s' "$$" >"$WORK/pw_$m"
		pg_admin "SET password_encryption = 'scram-sha-256'; ALTER ROLE $role PASSWORD '$(cat "$WORK/pw_$m")'" ;;
	introspect_*) mint "$WORK/pw_$m" --opaque username=$role ;;
	jwt_*) mint "$WORK/pw_$m" username=$role aud=postgres ;;
	*) mint "$WORK/pw_$m" username=$role ;;
	esac
done

# Every method must log in (this also warms the cached modes: keys on disk,
# and a remembered verdict for those that keep one).
for m in "${METHODS[@]}"; do
	got=$(pg_login "b_$m" "$WORK/pw_$m" "SELECT current_user")
	[ "$got" = "b_$m" ] || bail "$m: login failed: $got"
done

# The backends' CPU time: the postmaster reaps every backend, so their user
# and system time add up in its cutime and cstime (fields 16 and 17 of
# /proc/PID/stat), in clock ticks.
PM_PID=$(head -n 1 "$PGDATA_DIR/postmaster.pid")
TICKS_PER_S=$(getconf CLK_TCK)
backends_ticks() { sed 's/^.*) //' "/proc/$PM_PID/stat" | awk '{print $14 + $15}'; }

# run_pgbench METHOD CLIENTS: prints connections per second and the
# backends' CPU ms per connection.
run_pgbench() {
	local out rate logins t0 t1
	t0=$(backends_ticks)
	out=$(PGPASSWORD=$(cat "$WORK/pw_$1") PGSSLMODE=disable "$PGBENCH" -n -C \
		-T "$SECONDS_PER_ROUND" -c "$2" -j "$2" -f "$ROOT/bench/select1.sql" \
		-h 127.0.0.1 -p "$PGPORT" -U "b_$1" postgres 2>&1) || true
	sleep 0.3 # the last backends exit and are reaped
	t1=$(backends_ticks)
	rate=$(printf '%s\n' "$out" | awk '/^tps = /{print $3; exit}')
	logins=$(printf '%s\n' "$out" | awk -F': ' '/^number of transactions actually processed/{split($2, a, "/"); print a[1]; exit}')
	if [ -z "$rate" ] || printf '%s\n' "$out" | grep -q 'aborted\|error'; then
		echo "warning: pgbench $1 -c $2: $(printf '%s\n' "$out" | grep -m 3 -i 'error\|aborted')" >&2
	fi
	awk -v rate="${rate:-0}" -v n="${logins:-0}" -v t="$((t1 - t0))" -v hz="$TICKS_PER_S" \
		'BEGIN { printf "%s %.4f\n", rate, (n > 0 ? 1000 * t / hz / n : 0) }'
}

n=${#METHODS[@]}
total=$((ROUNDS * n * $(wc -w <<<"$CLIENTS_LIST") * SECONDS_PER_ROUND))
echo "logins: preload ${BENCH_PRELOAD:-0}, $n methods x clients {$CLIENTS_LIST} x $ROUNDS rounds x ${SECONDS_PER_ROUND}s (~$((total / 60)) min), PostgreSQL $("$PG_BINDIR/postgres" -V | awk '{print $3}'), $(nproc) cores" >&2
: >"$WORK/rates"
for ((r = 0; r < ROUNDS; r++)); do
	for ((i = 0; i < n; i++)); do
		m=${METHODS[(i + r * 3) % n]}
		for c in $CLIENTS_LIST; do
			printf '%s %s %s %s\n' "$m" "$c" "$r" "$(run_pgbench "$m" "$c")" >>"$WORK/rates"
		done
	done
	echo "round $((r + 1))/$ROUNDS done" >&2
done

# The issuer alone: curl's total time per request, a new connection each
# time (as each login's backend makes), median in ms.
# issuer_latency CURL_ARGS...
issuer_latency() {
	local i
	for ((i = 0; i < ISSUER_REQUESTS; i++)); do
		curl -s -o /dev/null -w '%{time_total}\n' "$@"
	done | sort -g | awk '{v[NR] = $1} END {printf "%.3f", 1000 * v[int((NR + 1) / 2)]}'
}
UI_MS=- IN_MS=-
if [ -f "$WORK/pw_userinfo_cold" ]; then
	UI_MS=$(issuer_latency -H "Authorization: Bearer $(cat "$WORK/pw_userinfo_cold")" "$USERINFO")
fi
if [ -f "$WORK/pw_introspect_cold" ]; then
	IN_MS=$(issuer_latency -u pam-db:s3cret-for-tests --data-urlencode "token=$(cat "$WORK/pw_introspect_cold")" "$INTROSPECT")
fi

# BENCH_KEEP=FILE keeps the raw figures (method clients round conn/s
# backend-CPU-ms/login).
[ -z "${BENCH_KEEP:-}" ] || cp "$WORK/rates" "$BENCH_KEEP"

# The table: median, min and max over rounds per method and clients count.
echo
echo "## Logins per second (pgbench -n -C -T $SECONDS_PER_ROUND -f select1.sql over TCP 127.0.0.1, $ROUNDS rounds, median$([ "${BENCH_PRELOAD:-0}" = 1 ] && echo ', server with pam_oauth2_preload'))"
echo
ordered=$(printf '%s\n' "${METHODS[@]}" | awk '{print NR, $1}')
# Ratios are taken round by round (a method's rate over pam_permit's in the
# same round) and the median of those printed: on a shared machine the rate
# of every method drifts together from round to round, and a ratio of two
# medians from different rounds would carry that drift.
awk -v ui="$UI_MS" -v in_="$IN_MS" -v order="$ordered" -v rounds="$ROUNDS" '
	function median(a, n,    i, j, t) {
		for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
		return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	BEGIN { split(order, o, "\n") }
	{ rate[$1 " " $2, $3] = $4; cpu[$1 " " $2, $3] = $5; seen[$1 " " $2] = 1 }
	END {
		printf "| method | clients | median conn/s | x pam_permit | x pam_ask_permit | min..max | ms/login over pam_permit | issuer alone, ms | backend CPU, ms/login | over pam_permit |\n"
		printf "|---|---|---|---|---|---|---|---|---|---|\n"
		for (k = 1; k in o; k++) for (cl = 1; cl <= 2; cl++) {
			split(o[k], f, " "); m = f[2]; key = m " " cl
			if (!(key in seen)) continue
			n = 0; lo = ""; hi = ""
			for (r = 0; r < rounds; r++) {
				v = rate[key, r]; p = rate["pam_permit " cl, r]; a = rate["pam_ask_permit " cl, r]
				n++; rates[n] = v
				xp[n] = p > 0 ? v / p : 0; xa[n] = a > 0 ? v / a : 0
				added[n] = (v > 0 && p > 0) ? 1000 / v - 1000 / p : 0
				cpus[n] = cpu[key, r]; cpu_added[n] = cpu[key, r] - cpu["pam_permit " cl, r]
				if (lo == "" || v < lo) lo = v
				if (hi == "" || v > hi) hi = v
			}
			extra = ""; iss = ""
			if (m ~ /_cold/) extra = sprintf("%+.2f", median(added, n))
			if (m ~ /^userinfo_cold/) iss = ui
			if (m ~ /^introspect_cold/) iss = in_
			printf "| %s | %d | %.0f | %.3f | %.3f | %.0f..%.0f | %s | %s | %.2f | %s |\n", m, cl,
				median(rates, n), median(xp, n), median(xa, n), lo, hi, extra, iss,
				median(cpus, n), m == "pam_permit" ? "" : sprintf("%+.2f", median(cpu_added, n))
		}
	}' "$WORK/rates"
echo
echo "Issuer alone (curl, new connection per request, median of $ISSUER_REQUESTS): userinfo $UI_MS ms, introspection $IN_MS ms"
