# SPDX-License-Identifier: MIT
# PgBouncer (Debian's binary) with auth_type=pam in front of a throwaway
# cluster from pgcluster.sh, for the PgBouncer and Keycloak suites.  Source
# it after pam.sh (or common.sh) and pgcluster.sh; needs root (PgBouncer
# runs as postgres, and its PAM service file is /etc/pam.d/pgbouncer).
#
# Nothing here touches the distribution's own PgBouncer service: this one
# has its own configuration, pid file and log under $WORK, listens on a
# free port of 127.0.0.1 and on no Unix socket, and is stopped on exit.
# The PAM service name is the one thing it shares: PgBouncer's is fixed,
# "pgbouncer", so pgbouncer_pam_service saves the file that was there and
# puts it back (or removes ours) on exit.

PGBOUNCER_BIN=${PGBOUNCER_BIN:-$(command -v pgbouncer || echo /usr/sbin/pgbouncer)}

# TAP tests only (with pam.sh): ends the test with one skip unless PgBouncer
# is installed (scripts/install-deps.sh installs it).
pgbouncer_tests_need_pgbouncer() {
	if [ ! -x "$PGBOUNCER_BIN" ]; then
		skip "PgBouncer tests need pgbouncer (apt-get install pgbouncer)"
		tap_finish
		exit 0
	fi
}

# pgbouncer_pam_service LINES: writes /etc/pam.d/pgbouncer.  libpam reads
# it at each pam_start, so a test may call this again between logins to
# change the module's options without restarting PgBouncer.
pgbouncer_pam_service() {
	if [ -z "${PGBOUNCER_PAM_SAVED:-}" ]; then
		PGBOUNCER_PAM_SAVED=1
		if [ -e /etc/pam.d/pgbouncer ]; then
			cp -a /etc/pam.d/pgbouncer "$WORK/pam.d.pgbouncer.saved"
			on_exit "cp -a $WORK/pam.d.pgbouncer.saved /etc/pam.d/pgbouncer"
		else
			on_exit "rm -f /etc/pam.d/pgbouncer"
		fi
	fi
	printf '%s\n' "$1" >/etc/pam.d/pgbouncer.tmp.$$ &&
		mv /etc/pam.d/pgbouncer.tmp.$$ /etc/pam.d/pgbouncer
}

# pgbouncer_start [INI_LINES]: PgBouncer as user postgres on a free port of
# 127.0.0.1 (PGBOUNCER_PORT), auth_type=pam, every database forwarded to
# the cluster on PGPORT (whose pg_hba.conf must let PgBouncer's server
# logins in: PgBouncer checked the token already), over TCP to 127.0.0.1
# unless PGBOUNCER_SERVER names another host (a socket directory, say).
# INI_LINES are added to the [pgbouncer] section (e.g.
# "client_login_timeout = 30").
pgbouncer_start() {
	local dir="$WORK/pgbouncer" i
	[ -x "$PGBOUNCER_BIN" ] || bail "pgbouncer not found (apt-get install pgbouncer)"
	[ -n "${PGPORT:-}" ] || bail "pgbouncer_start: no cluster (call pg_start first)"
	PGBOUNCER_PORT=$(free_port)
	PGBOUNCER_DIR=$dir
	mkdir -p "$dir"
	cat >"$dir/pgbouncer.ini" <<-INI
		[databases]
		* = host=${PGBOUNCER_SERVER:-127.0.0.1} port=$PGPORT

		[pgbouncer]
		listen_addr = 127.0.0.1
		listen_port = $PGBOUNCER_PORT
		unix_socket_dir =
		auth_type = pam
		pidfile = $dir/pgbouncer.pid
		logfile = $dir/pgbouncer.log
		pool_mode = session
		max_client_conn = 100
		${1:-}
	INI
	chown -R postgres: "$dir"
	as_postgres "$PGBOUNCER_BIN" -d "$dir/pgbouncer.ini" >"$dir/start.log" 2>&1 ||
		bail "PgBouncer did not start: $(tail -n 5 "$dir/start.log" "$dir/pgbouncer.log" 2>/dev/null)"
	for ((i = 0; i < 100; i++)); do
		[ -s "$dir/pgbouncer.pid" ] && grep -q "listening on 127.0.0.1:$PGBOUNCER_PORT" \
			"$dir/pgbouncer.log" 2>/dev/null && break
		sleep 0.1
	done
	[ -s "$dir/pgbouncer.pid" ] || bail "PgBouncer did not start: $(tail -n 5 "$dir/pgbouncer.log")"
	PGBOUNCER_PID=$(cat "$dir/pgbouncer.pid")
	on_exit "pgbouncer_stop"
	export PGBOUNCER_PORT
}

# pgbouncer_stop: SIGINT (PgBouncer's immediate shutdown), then SIGKILL if
# it is still there after 5 s.  Safe to call twice.
pgbouncer_stop() {
	local i
	[ -n "${PGBOUNCER_PID:-}" ] || return 0
	kill -INT "$PGBOUNCER_PID" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		kill -0 "$PGBOUNCER_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$PGBOUNCER_PID" 2>/dev/null
	PGBOUNCER_PID=
}

# pgbouncer_login USER TOKEN_FILE SQL: logs in through PgBouncer with the
# token as the password (PGPASSWORD: libpq does not cut it) and runs SQL.
pgbouncer_login() {
	PGPASSWORD=$(cat "$2") psql -w \
		"host=127.0.0.1 port=$PGBOUNCER_PORT user=$1 dbname=postgres sslmode=disable connect_timeout=60" \
		-qAt -c "$3" 2>&1
}
