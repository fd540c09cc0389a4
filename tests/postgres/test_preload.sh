#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# pam_oauth2_preload in shared_preload_libraries: the postmaster maps
# libcurl, initialises OpenSSL and maps the module, and logins through every
# check work as without it; a module path that cannot be loaded leaves a
# warning, and the server and its logins still work.  Needs root.
set -u
. "$(dirname "$0")/../lib/pam.sh"
. "$(dirname "$0")/../lib/pgcluster.sh"

pg_tests_need_root

start_issuer
start_syslog_capture
install_module "$BUILD_DIR"

svc=pam_oauth2_preload_$$
install -d -m 700 -o postgres "$WORK/pgcache"
write_client_secret postgres
pam_services_every_login "$svc" "$WORK/pgcache"

use_preload
pg_start "host all alice 127.0.0.1/32 pam pamservice=${svc}_userinfo
host all carol 127.0.0.1/32 pam pamservice=${svc}_jwt
host all dave 127.0.0.1/32 pam pamservice=${svc}_introspection"
pg_admin "CREATE ROLE alice LOGIN; CREATE ROLE carol LOGIN; CREATE ROLE dave LOGIN;" ||
	bail "could not create the roles"
PGLOG=$PGDATA_DIR/postgres.log
postmaster_pid() { head -n 1 "$PGDATA_DIR/postmaster.pid"; }

check "the postmaster says what it preloaded" \
	grep -qF "pam_oauth2_preload: libcurl and OpenSSL loaded, and $MODULE" "$PGLOG"
check "the postmaster maps libcurl" grep -q 'libcurl\.so\.4' "/proc/$(postmaster_pid)/maps"
check "the postmaster maps the module" grep -qF "$MODULE" "/proc/$(postmaster_pid)/maps"

mint "$WORK/alice" username=alice
mint "$WORK/carol" username=carol aud=postgres
mint "$WORK/dave" --opaque username=dave
printf 'not-a-token' >"$WORK/garbage"
expect_login "userinfo login with the preload" alice "$WORK/alice" "SELECT current_user" alice
expect_login "JWT login with the preload" carol "$WORK/carol" "SELECT current_user" carol
expect_login "introspection login with the preload" dave "$WORK/dave" "SELECT current_user" dave
expect_refused "a garbage token is still refused" alice "$WORK/garbage"
expect_refused "another user's token is still refused" carol "$WORK/alice"
check_log "the refusal is logged as usual" 'auth denied: user="carol"'

# A module that cannot be loaded: a warning, and nothing else changes.
printf "pam_oauth2_preload.module = '%s'\n" "$WORK/no-such-module.so" >>"$PGDATA_DIR/postgresql.conf"
as_postgres "$PG_BINDIR/pg_ctl" -D "$PGDATA_DIR" -l "$PGLOG" -w -t 30 restart >/dev/null ||
	bail "PostgreSQL did not restart: $(tail -n 5 "$PGLOG")"
check "a module that cannot be loaded is a warning" \
	grep -q "WARNING:  pam_oauth2_preload: cannot load .*no-such-module.so" "$PGLOG"
expect_login "and logins still work" alice "$WORK/alice" "SELECT current_user" alice
expect_login "JWT logins too" carol "$WORK/carol" "SELECT current_user" carol

tap_finish
