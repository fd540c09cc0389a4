# SPDX-License-Identifier: MIT
# A throwaway PostgreSQL cluster whose pg_hba.conf sends TCP logins through
# PAM services of our own in /etc/pam.d, for the end-to-end test and the
# demo.  Needs root (to write /etc/pam.d and run the server as postgres);
# source after common.sh.

PG_BINDIR=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)

as_postgres() { runuser -u postgres -- "$@"; }

# TAP tests only (with pam.sh): ends the test with one skip unless root.
pg_tests_need_root() {
	if [ "$(id -u)" -ne 0 ]; then
		skip "PostgreSQL end-to-end tests need root (pam.d service, postgres user)"
		tap_finish
		exit 0
	fi
}

# install_module BUILD_DIR: stages `meson install` in $WORK/root, the way a
# package would lay it out, and sets MODULE to the installed module's path.
install_module() {
	DESTDIR="$WORK/root" meson install -C "$1" --no-rebuild --quiet >/dev/null ||
		bail "meson install failed"
	MODULE=$(find "$WORK/root" -name pam_oauth2.so -print -quit)
	[ -n "$MODULE" ] || bail "meson install put no pam_oauth2.so under $WORK/root"
	chmod -R a+rX "$WORK/root"
}

# use_preload: after install_module, makes the next pg_start's server preload
# the staged pam_oauth2_preload.so, pointed at the staged module.
use_preload() {
	local lib
	lib=$(find "$WORK/root" -name pam_oauth2_preload.so -print -quit)
	[ -n "$lib" ] || bail "meson install put no pam_oauth2_preload.so under $WORK/root (is postgresql-server-dev installed?)"
	PG_EXTRA_CONF="shared_preload_libraries = '$lib'
pam_oauth2_preload.module = '$MODULE'"
}

# pam_service NAME LINES: writes /etc/pam.d/NAME, removed on exit.
pam_service() {
	printf '%s\n' "$2" >"/etc/pam.d/$1"
	on_exit "rm -f /etc/pam.d/$1"
}

# pam_services_every_login PREFIX CACHE_DIR: the services PREFIX_userinfo,
# PREFIX_jwt and PREFIX_introspection, each checking the test issuer's
# token on every login: discovery and keys cached in CACHE_DIR, no verdict
# remembered.  Needs MODULE, the issuer's URLs (start_issuer) and
# $WORK/client.secret (write_client_secret).
pam_services_every_login() {
	local every="username_claim=preferred_username cache_dir=$2 cache_ttl=0 negative_cache_ttl=0"
	pam_service "$1_userinfo" "auth    required $MODULE userinfo=$USERINFO $every
account required $MODULE"
	pam_service "$1_jwt" "auth    required $MODULE issuer=$ISSUER audience=postgres $every
account required $MODULE"
	pam_service "$1_introspection" "auth    required $MODULE introspection=$INTROSPECT client_id=pam-db client_secret_file=$WORK/client.secret $every
account required $MODULE"
}

# pg_start HBA_LINES: a new cluster on a free port of 127.0.0.1; PGPORT is set.
# PG_EXTRA_CONF, if set, is appended to postgresql.conf.
pg_start() {
	[ -x "$PG_BINDIR/initdb" ] || bail "PostgreSQL server binaries not found under /usr/lib/postgresql"
	id postgres >/dev/null 2>&1 || bail "no postgres user"
	PGPORT=$(free_port)
	PGDATA_DIR="$WORK/pgdata"
	PG_SOCKET_DIR="$WORK/pgsocket"
	mkdir -p "$PGDATA_DIR" "$PG_SOCKET_DIR"
	chown postgres: "$PGDATA_DIR" "$PG_SOCKET_DIR"
	as_postgres "$PG_BINDIR/initdb" -D "$PGDATA_DIR" -A trust -U postgres --no-sync \
		>"$WORK/initdb.log" 2>&1 || bail "initdb failed: $(tail -n 5 "$WORK/initdb.log")"
	cat >>"$PGDATA_DIR/postgresql.conf" <<-CONF
		port = $PGPORT
		listen_addresses = '127.0.0.1'
		unix_socket_directories = '$PG_SOCKET_DIR'
		fsync = off
		log_connections = on
		${PG_EXTRA_CONF:-}
	CONF
	printf 'local all postgres trust\n%s\n' "$1" >"$PGDATA_DIR/pg_hba.conf"
	as_postgres "$PG_BINDIR/pg_ctl" -D "$PGDATA_DIR" -l "$PGDATA_DIR/postgres.log" -w -t 30 start \
		>/dev/null || bail "PostgreSQL did not start: $(tail -n 5 "$PGDATA_DIR/postgres.log")"
	on_exit "runuser -u postgres -- $PG_BINDIR/pg_ctl -D $PGDATA_DIR -m immediate stop"
	export PGPORT
}

# pg_admin SQL: runs SQL as the superuser over the Unix socket.
pg_admin() {
	as_postgres psql -h "$PG_SOCKET_DIR" -p "$PGPORT" -U postgres -d postgres \
		-v ON_ERROR_STOP=1 -qAt -c "$1"
}

# pg_login USER TOKEN_FILE SQL: logs in over TCP with the token as the
# password, as a client would, and runs SQL.
pg_login() {
	PGPASSWORD=$(cat "$2") psql -w \
		"host=127.0.0.1 port=$PGPORT user=$1 dbname=postgres sslmode=disable connect_timeout=20" \
		-qAt -c "$3" 2>&1
}

# expect_login DESCRIPTION USER TOKEN_FILE SQL EXPECTED_OUTPUT (TAP tests,
# with pam.sh)
expect_login() {
	local got
	log_mark
	got=$(pg_login "$2" "$3" "$4")
	if [ "$got" = "$5" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "expected: $5"
		diag "got:      $got"
	fi
}

# expect_refused DESCRIPTION USER TOKEN_FILE
expect_refused() {
	local got
	log_mark
	got=$(pg_login "$2" "$3" "SELECT 'logged in as ' || current_user")
	case "$got" in
	*"logged in as"*) not_ok "$1"; diag "got: $got" ;;
	*"authentication failed"* | *"no password supplied"*) ok "$1" ;;
	*) not_ok "$1"; diag "unexpected failure: $got" ;;
	esac
}

# The demo's and the test's data: each user may only see their own rows.
pg_create_rls_table() {
	pg_admin "
		CREATE ROLE alice LOGIN; CREATE ROLE bob LOGIN;
		CREATE TABLE notes (owner name NOT NULL DEFAULT current_user, body text NOT NULL);
		ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
		CREATE POLICY own_rows ON notes USING (owner = current_user);
		GRANT SELECT ON notes TO alice, bob;
		INSERT INTO notes VALUES ('alice', 'alice: first note'), ('alice', 'alice: second note'),
		                         ('bob', 'bob: only note');" || bail "could not create the notes table"
}
