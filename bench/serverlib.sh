# Shared by bench/logins.sh and bench/inside.sh, sourced from the project
# root with ROOT and BUILD set: the test issuer, a syslog for the module to
# talk to, the module staged as a package lays it out (MODULE), the
# introspection client's secret readable by postgres, a cache directory
# owned by postgres, and the helpers of tests/integration/ to run a
# PostgreSQL cluster.  Needs root; sets PGBENCH.
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
