#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Logins per second on the PostgreSQL 18 server of tests/pg18 (npm package,
# no PAM in it), one method per role, side by side: trust, scram-sha-256,
# and OAUTHBEARER through pg_oauth2_validator with cached keys (every login
# verifies the JWT's signature: cache_ttl=0) and with a cached verdict.
# Each round runs every method once, in an order that rotates from round
# to round, with a scram-sha-256 run before and after each: a method's
# ratio to SCRAM is taken against its two neighbours, so drift on a shared
# machine cancels; the table gives medians over rounds and the range.
# One client, the libpq 18 test client (tests/pg18/pg18_client.c) logging
# in and out in a loop.  An OAUTHBEARER login is two connections to the
# server: libpq 18 first asks for the discovery document (a refused
# exchange), then connects again with the token.  The backends' CPU per
# login counts both.  Not a test: it asserts nothing.  Needs root.
#
#   bench/pg18_logins.sh [SECONDS_PER_RUN [ROUNDS]]     defaults: 3 7
#   BENCH_PRELOAD=1 bench/pg18_logins.sh ...   the postmaster preloads the
#       validator (shared_preload_libraries), so backends inherit it mapped
#   BENCH_KEEP=FILE bench/pg18_logins.sh ...   also keeps the raw figures
set -uo pipefail
SECONDS_PER_RUN=${1:-3}
ROUNDS=${2:-7}
cd "$(dirname "$0")/.."
ROOT=$PWD
bail() { echo "pg18_logins: $*" >&2; exit 1; }
. tests/pg18/setup.sh
[ "$(id -u)" -eq 0 ] || bail "needs root (the server runs as postgres)"
[ -r "$HEADERS" ] || bail "no PostgreSQL 18 headers at $HEADERS"
pg18_prepare >/dev/null

# Two issuers, so that each OAuth row has a configuration of its own.
start_issuer
start_second_issuer
KEYS_ISSUER=$ISSUER
VERDICT_ISSUER=$ISSUER2

pg18_initdb
mkdir -p "$WORK/cache"
chown postgres: "$WORK/cache"
COMMON="audience=db username_claim=preferred_username cache_dir=$WORK/cache"
cat >"$WORK/issuers.conf" <<CONF
issuer=$KEYS_ISSUER $COMMON cache_ttl=0
issuer=$VERDICT_ISSUER $COMMON
CONF
chmod 644 "$WORK/issuers.conf"
echo "pg_oauth2_validator.config_file = '$WORK/issuers.conf'" >>"$PGDATA/postgresql.conf"
[ -z "${BENCH_PRELOAD:-}" ] ||
	echo "shared_preload_libraries = 'pg_oauth2_validator'" >>"$PGDATA/postgresql.conf"
cat >"$PGDATA/pg_hba.conf" <<HBA
local all postgres trust
host all b_trust 127.0.0.1/32 trust
host all b_scram 127.0.0.1/32 scram-sha-256
host all b_oauth_cached_keys 127.0.0.1/32 oauth issuer="$KEYS_ISSUER" scope="openid" delegate_ident_mapping=1
host all b_oauth_cached_verdict 127.0.0.1/32 oauth issuer="$VERDICT_ISSUER" scope="openid" delegate_ident_mapping=1
HBA
pg18_start

METHODS=(trust scram oauth_cached_keys oauth_cached_verdict)
password=bench-$$
for m in "${METHODS[@]}"; do
	admin "CREATE ROLE b_$m LOGIN" >/dev/null || bail "cannot create b_$m"
done
admin "SET password_encryption = 'scram-sha-256'; ALTER ROLE b_scram PASSWORD '$password'" >/dev/null
mint "$WORK/t_oauth_cached_keys" username=b_oauth_cached_keys aud=db scope=openid
mint2 "$WORK/t_oauth_cached_verdict" username=b_oauth_cached_verdict \
	aud=db scope=openid

conninfo() {
	case $1 in
	trust) echo "host=127.0.0.1 port=$PGPORT user=b_trust dbname=postgres" ;;
	scram) echo "host=127.0.0.1 port=$PGPORT user=b_scram dbname=postgres password=$password" ;;
	oauth_cached_keys) echo "host=127.0.0.1 port=$PGPORT user=b_$1 dbname=postgres oauth_issuer=$KEYS_ISSUER oauth_client_id=bench" ;;
	oauth_cached_verdict) echo "host=127.0.0.1 port=$PGPORT user=b_$1 dbname=postgres oauth_issuer=$VERDICT_ISSUER oauth_client_id=bench" ;;
	esac
}
token_of() { [ -e "$WORK/t_$1" ] && echo "--token-file $WORK/t_$1"; }

# Each method logs in once (this also warms the caches: keys on disk, and
# the verdict for the row that keeps one).  libpq wants https discovery
# URIs unless PGOAUTHDEBUG=UNSAFE; the test issuers are http on 127.0.0.1.
export PGOAUTHDEBUG=UNSAFE
for m in "${METHODS[@]}"; do
	# shellcheck disable=SC2046
	got=$("$CLIENT" $(token_of "$m") --sql "SELECT current_user" "$(conninfo "$m")" 2>&1)
	[ "$got" = "b_$m" ] || bail "$m: login failed: $got"
done

. bench/backends_cpu.sh
PM_PID=$(head -n 1 "$PGDATA/postmaster.pid")

# run METHOD: "LOGINS_PER_S CPU_MS_PER_LOGIN"
run() {
	local t0 t1 out
	t0=$(backends_ticks)
	# shellcheck disable=SC2046
	out=$("$CLIENT" $(token_of "$1") --seconds "$SECONDS_PER_RUN" "$(conninfo "$1")") ||
		bail "$1: a login failed"
	sleep 0.3 # the last backend exits and is reaped
	t1=$(backends_ticks)
	awk -v n="${out% *}" -v s="${out#* }" -v t="$((t1 - t0))" -v hz="$TICKS_PER_S" \
		'BEGIN { printf "%.1f %.3f\n", n / s, 1000 * t / hz / n }'
}

others=(trust oauth_cached_keys oauth_cached_verdict)
n=${#others[@]}
echo "pg18_logins: preload ${BENCH_PRELOAD:-0}, PostgreSQL $("$PGBIN/postgres" -V | awk '{print $3}'), 1 client, ${#METHODS[@]} methods x $ROUNDS rounds x ${SECONDS_PER_RUN}s, scram-sha-256 between every two, $(nproc) cores" >&2
: >"$WORK/rates"
for ((r = 0; r < ROUNDS; r++)); do
	seq=0
	for ((i = 0; i <= n; i++)); do
		echo "scram $r $seq $(run scram)" >>"$WORK/rates"
		seq=$((seq + 1))
		[ "$i" -lt "$n" ] || break
		m=${others[(i + r) % n]}
		echo "$m $r $seq $(run "$m")" >>"$WORK/rates"
		seq=$((seq + 1))
	done
done

[ -z "${BENCH_KEEP:-}" ] || cp "$WORK/rates" "$BENCH_KEEP"
awk -v order="${METHODS[*]}" -v rounds="$ROUNDS" -f bench/stats.awk -f bench/pg18_logins_report.awk "$WORK/rates"
