# SPDX-License-Identifier: MIT
# Shared by bench/logins.sh and bench/inside.sh, sourced from the project
# root with ROOT and BUILD set: the test issuer, a syslog for the module to
# talk to, the module staged as a package lays it out (MODULE), the
# introspection client's secret readable by postgres, a cache directory
# owned by postgres, and the helpers of tests/lib/ to run a
# PostgreSQL cluster.  Needs root; sets PGBENCH, defines bench_pg_start.
ISSUER_DIR=$ROOT/tests/issuer
. tests/lib/common.sh
. tests/lib/pgcluster.sh
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

# bench_pg_start HBA_LINES: the benchmarks' cluster, preloading the module
# when BENCH_PRELOAD=1.  With BENCH_TLS=1 the server has a certificate
# (ECDSA P-256, the cheapest handshake) and BENCH_SSLMODE is require, as
# for the hostssl lines the README asks for: tokens are passwords.
# Otherwise BENCH_SSLMODE is disable.
BENCH_SSLMODE=disable
bench_pg_start() {
	if [ "${BENCH_PRELOAD:-0}" = 1 ]; then use_preload; fi
	if [ "${BENCH_TLS:-0}" = 1 ]; then
		install -d -m 700 -o postgres "$WORK/pgtls"
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
			-subj /CN=127.0.0.1 -keyout "$WORK/pgtls/server.key" -out "$WORK/pgtls/server.pem" \
			>"$WORK/pgtls.log" 2>&1 || bail "could not make the server's certificate: $(tail -n 3 "$WORK/pgtls.log")"
		chown postgres: "$WORK/pgtls/server.key" "$WORK/pgtls/server.pem"
		chmod 600 "$WORK/pgtls/server.key"
		PG_EXTRA_CONF="${PG_EXTRA_CONF:-}
ssl = on
ssl_cert_file = '$WORK/pgtls/server.pem'
ssl_key_file = '$WORK/pgtls/server.key'"
		BENCH_SSLMODE=require
	fi
	# autovacuum workers come and go as backends do; their CPU would count.
	PG_EXTRA_CONF="${PG_EXTRA_CONF:-}
autovacuum = off"
	pg_start "$1"
	# Connection logging would add two log lines to every login.
	pg_admin "ALTER SYSTEM SET log_connections = off" && pg_admin "SELECT pg_reload_conf()" >/dev/null
}
