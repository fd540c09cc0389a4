#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Load through PostgreSQL: a throwaway cluster (tests/lib/pgcluster.sh)
# and the test issuer; for each mode, pgbench opens a new connection for
# every transaction (-C), logging in through the module with the token in
# PGPASSWORD, for SECONDS seconds:
#
#   scripts/load.sh [SECONDS]           default 60; as root
#
#   pgbench -n -C -c 2 -j 2 -T SECONDS -f select1.sql   (select1.sql: SELECT 1;)
#
# Modes: userinfo, JWT with keys cached (after the first login), RFC 7662
# introspection of an opaque token (no verdict remembered in these three),
# a userinfo login answered from the verdict cache, and for context a pam_permit.so service
# (no token check at all).  A mode passes only if pgbench exits 0, prints no
# error, and reports transactions and zero failed ones.  Prints a table
# (mode, transactions, connections/s, failures); exits 1 if any mode failed.
# Builds in build/load; cleans up the cluster, the pam.d files and the
# issuer.  Not run by CI (minutes of wall time).
set -u
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "error: load.sh needs root (pam.d services, the postgres user)" >&2; exit 1; }
. scripts/soaklib.sh
. tests/lib/pgcluster.sh

SECONDS_PER_MODE=${1:-60}
[[ "$SECONDS_PER_MODE" =~ ^[0-9]+$ && "$SECONDS_PER_MODE" -ge 1 ]] || bail "SECONDS must be a positive number"
PGBENCH=$PG_BINDIR/pgbench
[ -x "$PGBENCH" ] || PGBENCH=$(command -v pgbench) || bail "pgbench not found"

build_in build/load
private_syslog
start_issuer
install_module "$BUILD"
install -d -m 700 -o postgres "$WORK/pgcache"
write_client_secret postgres

svc=pam_oauth2_load_$$
# No verdict is remembered in these three (each login runs its check; keys
# and discovery stay cached); the cached mode remembers them.
pam_services_every_login "$svc" "$WORK/pgcache"
pam_service "${svc}_cached" "auth    required $MODULE userinfo=$USERINFO username_claim=preferred_username cache_dir=$WORK/pgcache
account required $MODULE"
pam_service "${svc}_permit" "auth    sufficient pam_permit.so
account sufficient pam_permit.so"

# One role per mode, each sent to its own PAM service.
pg_start "host all load_userinfo 127.0.0.1/32 pam pamservice=${svc}_userinfo
host all load_jwt 127.0.0.1/32 pam pamservice=${svc}_jwt
host all load_introspection 127.0.0.1/32 pam pamservice=${svc}_introspection
host all load_cached 127.0.0.1/32 pam pamservice=${svc}_cached
host all load_permit 127.0.0.1/32 pam pamservice=${svc}_permit"
pg_admin "CREATE ROLE load_userinfo LOGIN; CREATE ROLE load_jwt LOGIN;
	CREATE ROLE load_introspection LOGIN; CREATE ROLE load_cached LOGIN;
	CREATE ROLE load_permit LOGIN;" ||
	bail "could not create the roles"

mint "$WORK/userinfo.token" username=load_userinfo
mint "$WORK/jwt.token" username=load_jwt aud=postgres
mint "$WORK/introspection.token" --opaque username=load_introspection
mint "$WORK/cached.token" username=load_cached
printf 'anything' >"$WORK/permit.token"
printf 'SELECT 1;\n' >"$WORK/select1.sql"

failed=0

# load MODE: pgbench as role load_MODE with token file MODE.token.
load() {
	local mode=$1 out=$WORK/$1.pgbench rc tx fails tps problems=()

	echo "$mode: pgbench for $SECONDS_PER_MODE s..."
	PGPASSWORD=$(cat "$WORK/$mode.token") PGCONNECT_TIMEOUT=20 PGSSLMODE=disable \
		"$PGBENCH" -n -C -c 2 -j 2 -T "$SECONDS_PER_MODE" -f "$WORK/select1.sql" \
		-h 127.0.0.1 -p "$PGPORT" -U "load_$mode" postgres >"$out" 2>&1
	rc=$?
	tx=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$out")
	fails=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$out")
	tps=$(sed -n 's/^tps = \([0-9.]*\) (including reconnection times)/\1/p' "$out")
	[ "$rc" -eq 0 ] || problems+=("pgbench exit $rc")
	grep -q 'error' "$out" && problems+=("$(grep -m 1 'error' "$out")")
	[ -n "$tx" ] && [ "$tx" -gt 0 ] || problems+=("no transactions")
	[ "${fails:-x}" = 0 ] || problems+=("failed transactions: ${fails:-not reported}")

	if [ ${#problems[@]} -eq 0 ]; then
		row "$mode" "$tx" "${tps%.*}" "0"
		echo "$mode: $tx transactions, $tps connections/s, no failures"
	else
		row "$mode" "${tx:--}" "${tps:--}" "FAILED: $(IFS=';'; echo "${problems[*]}")"
		failed=1
		echo "$mode: FAILED; pgbench said:"
		sed 's/^/  /' "$out" | tail -n 15
	fi
}

load permit
load userinfo
load jwt
load introspection
load cached

echo
print_table $'mode\ttransactions\tconnections/s\tfailures'
if [ "$failed" -ne 0 ]; then
	echo "load: FAILED"
	exit 1
fi
echo "load: all modes passed"
