#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# pg_oauth2_validator end to end through a real PostgreSQL 18 server (the
# npm package pinned in tests/pg18/package-lock.json, no PAM in it) and a
# libpq 18 client that hands over the token through PQsetAuthDataHook
# (tests/pg18/pg18_client.c): the PAM end-to-end matrix, both of
# PostgreSQL's mapping modes, two issuers on one server, an issuer that is
# down or hangs (timeout=, authentication_timeout, pg_terminate_backend and
# a fast shutdown, each timed), the server log, and configuration errors.
#
#   tests/pg18/run.sh          as root, from a clean clone
# Needs the PostgreSQL 18 header tarball ../shared/pg18 (PG18_HEADERS=FILE
# to name another); without it every check is skipped with the reason.
# Builds in PG18_BUILD_DIR (default build/pg18).  TAP output, ending with
# "pg18: N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
. tests/lib/tap.sh

tap_skipped=0
skip() { tap_count=$((tap_count + 1)); tap_skipped=$((tap_skipped + 1)); echo "ok $tap_count - $* # SKIP"; }
summary() {
	echo "1..$tap_count"
	echo "pg18: $((tap_count - tap_failed - tap_skipped)) passed, $tap_failed failed, $tap_skipped skipped"
}
bail() {
	echo "Bail out! $*"
	not_ok "$*"
	summary
	exit 1
}

. tests/pg18/setup.sh
if [ "$(id -u)" -ne 0 ]; then
	skip "the PostgreSQL 18 tests need root (the server runs as the postgres user)"
	summary
	exit 0
fi
if [ ! -r "$HEADERS" ]; then
	skip "no PostgreSQL 18 headers at $HEADERS (see docs/postgresql18.md)"
	summary
	exit 0
fi
pg18_prepare
ok "the validator and the libpq 18 client build against the PostgreSQL 18 headers"

# --- issuers -----------------------------------------------------------------
start_issuer
start_second_issuer
ISSUER1=$ISSUER
DOWN_PORT=$(free_port)
HUNG=https://hung.example
DOWN=https://down.example

# --- the server ------------------------------------------------------------------
pg18_initdb
mkdir -p "$WORK/cache"
chown postgres: "$WORK/cache"

# Line 2 of the file is a broken configuration; issuer 1 is in the setting.
COMMON="audience=db username_claim=preferred_username cache_dir=$WORK/cache"
printf 'alice@two carol\n' >"$WORK/usermap"
chmod 644 "$WORK/usermap"
cat >"$WORK/issuers.conf" <<CONF
# one line per issuer, in the pam.d vocabulary
issuer=$ISSUER2 $COMMON username_map=$WORK/usermap debug
issuer=https://broken.example audience=db no_such_option=1
issuer=$HUNG jwks_uri=$FAULTS/hang $COMMON timeout=3
issuer=$DOWN jwks_uri=http://127.0.0.1:$DOWN_PORT/jwks $COMMON
CONF
chmod 644 "$WORK/issuers.conf"
write_conf() { # write_conf HUNG_TIMEOUT: the hung issuer's timeout=
	sed -i "s|^issuer=$HUNG .*|issuer=$HUNG jwks_uri=$FAULTS/hang $COMMON timeout=$1|" "$WORK/issuers.conf"
}
cat >>"$PGDATA/postgresql.conf" <<CONF
log_connections = on
pg_oauth2_validator.options = '[claim_any_of=grp:tester,dba] issuer=$ISSUER1 $COMMON debug'
pg_oauth2_validator.config_file = '$WORK/issuers.conf'
CONF
cat >"$PGDATA/pg_hba.conf" <<HBA
local all postgres trust
host all alice,bob 127.0.0.1/32 oauth issuer="$ISSUER1" scope="openid" delegate_ident_mapping=1
host all app_ro 127.0.0.1/32 oauth issuer="$ISSUER1" scope="openid" map=m1
host all dba 127.0.0.1/32 oauth issuer="$ISSUER1" scope="openid dbadmin" delegate_ident_mapping=1
host all carol 127.0.0.1/32 oauth issuer="$ISSUER2" scope="openid" delegate_ident_mapping=1
host all hung 127.0.0.1/32 oauth issuer="$HUNG" scope="openid" delegate_ident_mapping=1
host all down 127.0.0.1/32 oauth issuer="$DOWN" scope="openid" delegate_ident_mapping=1
host all broken 127.0.0.1/32 oauth issuer="https://broken.example" scope="openid" delegate_ident_mapping=1
host all nobody 127.0.0.1/32 oauth issuer="https://unknown.example" scope="openid" delegate_ident_mapping=1
HBA
printf 'm1 alice app_ro\n' >"$PGDATA/pg_ident.conf"
pg18_start
for role in alice bob app_ro dba carol hung down broken nobody; do
	admin "CREATE ROLE $role LOGIN" >/dev/null || bail "cannot create role $role"
done
admin "SELECT version()" | grep -q "PostgreSQL 18" && ok "the server is PostgreSQL 18" ||
	not_ok "the server is PostgreSQL 18"

# login ROLE TOKEN_FILE ISSUER: one login over TCP; its output in $OUT,
# exit status returned.  libpq 18 asks for https discovery URIs unless
# PGOAUTHDEBUG=UNSAFE; the test issuers are plain http on 127.0.0.1.
login() {
	OUT=$(PGOAUTHDEBUG=UNSAFE "$CLIENT" --token-file "$2" \
		"host=127.0.0.1 port=$PGPORT user=$1 dbname=postgres oauth_issuer=$3 oauth_client_id=pg18-tests" 2>&1)
}
SYSLOG_FILE=$LOG SYSLOG_CAPTURED=1 # check_log (common.sh) reads the server log
# expect_in DESC ROLE TOKEN ISSUER "SYSTEM_USER<TAB>CURRENT_USER"
expect_in() {
	if login "$2" "$3" "$4" && [ "$OUT" = "$5" ]; then ok "$1"; else
		not_ok "$1"
		diag "got: $OUT"
	fi
}
# expect_out DESC ROLE TOKEN ISSUER [CLIENT_MESSAGE]: the login is refused.
expect_out() {
	if login "$2" "$3" "$4"; then not_ok "$1"; diag "logged in: $OUT"; else
		if [[ "$OUT" == *"${5:-OAuth bearer authentication failed}"* ]]; then ok "$1"; else
			not_ok "$1"
			diag "refused, but not by OAuth: $OUT"
		fi
	fi
}

T=$WORK/tokens
mkdir -p "$T"
mint "$T/alice" username=alice aud=db grp=tester scope=openid
mint "$T/bob" username=bob aud=db grp=tester scope=openid
mint "$T/expired" username=alice aud=db grp=tester scope=openid expires_in=-120
mint "$T/otheraud" username=alice aud=reporting grp=tester scope=openid
mint "$T/guest" username=alice aud=db grp=guest scope=openid
mint "$T/noscope" username=dba aud=db grp=dba scope=profile
mint "$T/dba" username=dba aud=db grp=dba "scope=openid dbadmin"
mint "$T/dba_openid" username=dba aud=db grp=dba scope=openid
mint2 "$T/carol2" username=carol aud=db scope=openid
mint2 "$T/alice2" username=alice aud=db grp=tester scope=openid
mint2 "$T/alice_two" username=alice@two aud=db scope=openid
mint "$T/carol1" username=carol aud=db grp=tester scope=openid
mint "$T/hung" username=hung aud=db scope=openid "iss=$HUNG"
mint "$T/down" username=down aud=db scope=openid "iss=$DOWN"
mint "$T/broken" username=broken aud=db scope=openid iss=https://broken.example
printf 'garbage.token.value\n' >"$T/garbage"

# --- the PAM end-to-end matrix, delegate_ident_mapping=1 -------------------------
log_mark
expect_in "a good token logs alice in as alice" alice "$T/alice" "$ISSUER1" $'oauth:alice\talice'
check_log "the grant is logged with the method and the configuration" \
	"pg_oauth2_validator: auth granted: user=\"alice\" rhost=127.0.0.1 method=jwt issuer=$ISSUER1 token=sha256:"
check_log "and says the validator decided the role" "mapping=delegated config=pg_oauth2_validator.options"
log_mark
expect_in "the same token from another backend: the remembered verdict" alice "$T/alice" "$ISSUER1" \
	$'oauth:alice\talice'
check_log "the second backend took the verdict from the cache" "method=jwt+cache issuer=$ISSUER1"
log_mark
expect_out "bob's token does not log in alice" alice "$T/bob" "$ISSUER1"
check_log "the reason is the PAM module's" \
	"auth denied: user=\"alice\" rhost=127.0.0.1 method=jwt"
check_log "naming both users" 'reason: claim "preferred_username" is "bob", not the PAM user "alice"'
check_log "and the server logs bob as the identity it authenticated" 'identity="bob"'
log_mark
expect_out "an expired token is refused" alice "$T/expired" "$ISSUER1"
check_log "the reason says expired" "reason: JWT expired"
log_mark
expect_out "a garbage token is refused" alice "$T/garbage" "$ISSUER1"
check_log "the reason is logged" "pg_oauth2_validator: auth denied: user=\"alice\""
log_mark
expect_out "a token for another audience is refused" alice "$T/otheraud" "$ISSUER1"
check_log "the reason names the audience" "reason: JWT aud does not name this service (audience=db)"
log_mark
expect_out "a token of the second issuer is refused on the first issuer's line" alice "$T/alice2" "$ISSUER1"
check_log "the reason is logged" "pg_oauth2_validator: auth denied: user=\"alice\""
log_mark
expect_out "the policy refuses a guest" alice "$T/guest" "$ISSUER1"
check_log "the reason names the rule" "reason: rule claim_any_of=grp:tester,dba failed: grp has none of them"
log_mark
expect_in "scope=\"openid dbadmin\" on the hba line: a token with both scopes logs in" dba "$T/dba" \
	"$ISSUER1" $'oauth:dba\tdba'
log_mark
expect_out "a token with openid only is refused there" dba "$T/dba_openid" "$ISSUER1"
check_log "the reason names the scope the hba line requires" "reason: rule scope=openid,dbadmin failed: scope dbadmin missing"
expect_out "a token with neither is refused" dba "$T/noscope" "$ISSUER1"

# --- pg_ident mode: the validator names the identity, map= decides -----------------
log_mark
expect_in "map=m1: alice's token may use role app_ro" app_ro "$T/alice" "$ISSUER1" $'oauth:alice\tapp_ro'
check_log "the validator logged the pg_ident mode" "mapping=pg_ident"
log_mark
expect_out "map=m1: bob's token may not (a valid token, refused by pg_ident)" app_ro "$T/bob" "$ISSUER1"
check_log "the server's own map refused it" 'no match in usermap "m1" for user "app_ro" authenticated as "bob"'

# --- two issuers on one server ---------------------------------------------------------
log_mark
expect_in "the second issuer's line takes its token (username_map= maps alice@two to carol)" \
	carol "$T/alice_two" "$ISSUER2" $'oauth:alice@two\tcarol'
check_log "configured by the file's line for that issuer" "config=$WORK/issuers.conf"
expect_out "a token of the first issuer is refused on the second issuer's line" carol "$T/carol1" "$ISSUER2"
log_mark
expect_out "the second issuer's carol is not in its username map" carol "$T/carol2" "$ISSUER2"
check_log "the reason names the map" "$WORK/usermap"

# --- configuration errors ----------------------------------------------------------------
log_mark
expect_out "an hba issuer no configuration names: refused" nobody "$T/alice" https://unknown.example
check_log "one clear server log line" \
	"pg_oauth2_validator: configuration error: no configuration has issuer=https://unknown.example"
log_mark
expect_out "a broken configuration line: refused" broken "$T/broken" https://broken.example
check_log "one clear server log line naming the option" \
	"pg_oauth2_validator: configuration error: unknown option \"no_such_option\""
expect_in "and the server still logs others in" alice "$T/alice" "$ISSUER1" $'oauth:alice\talice'

# --- an issuer down or hung --------------------------------------------------------------
# elapsed COMMAND...: runs it, sets SECONDS_TAKEN (milliseconds precision).
elapsed() {
	local t0 t1
	t0=$(date +%s%N)
	"$@"
	local rc=$?
	t1=$(date +%s%N)
	SECONDS_TAKEN=$(awk -v d=$((t1 - t0)) 'BEGIN { printf "%.2f", d / 1e9 }')
	return $rc
}
within() { awk -v t="$1" -v max="$2" 'BEGIN { exit !(t < max) }'; }

log_mark
elapsed expect_out "an issuer that is down: refused" down "$T/down" "$DOWN"
check "at once (${SECONDS_TAKEN}s)" within "$SECONDS_TAKEN" 2
check_log "the reason says so" "reason: cannot reach issuer"
log_mark
elapsed expect_out "an issuer that hangs: refused" hung "$T/hung" "$HUNG"
check "within timeout=3 (${SECONDS_TAKEN}s)" eval "within $SECONDS_TAKEN 5 && ! within $SECONDS_TAKEN 2.5"
check_log "the reason names the timeout" "issuer did not answer within 3s"

# hung_login: a login to the hung issuer in the background; HUNG_PID.
hung_login() {
	PGOAUTHDEBUG=UNSAFE "$CLIENT" --token-file "$T/hung" \
		"host=127.0.0.1 port=$PGPORT user=hung dbname=postgres oauth_issuer=$HUNG oauth_client_id=t" \
		>"$WORK/hung.out" 2>&1 &
	HUNG_PID=$!
	sleep 1.5
}
write_conf 30
log_mark
hung_login
pid=$(admin "SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()")
check "the waiting backend is visible to pg_stat_activity" test -n "$pid"
terminate_and_wait() { admin "SELECT pg_terminate_backend($pid)" >/dev/null && wait "$HUNG_PID"; }
elapsed terminate_and_wait
check "pg_terminate_backend releases a backend waiting on the issuer at once (${SECONDS_TAKEN}s, timeout=30)" \
	within "$SECONDS_TAKEN" 1.5
check_log "the backend ends (PostgreSQL words any end during authentication so)" \
	"[$pid] FATAL:  canceling authentication due to timeout"

as_postgres sed -i 's/^#*authentication_timeout.*//' "$PGDATA/postgresql.conf"
echo "authentication_timeout = 3s" >>"$PGDATA/postgresql.conf"
admin "SELECT pg_reload_conf()" >/dev/null
sleep 0.5
log_mark
elapsed expect_out "authentication_timeout=3s ends a login waiting on the issuer (timeout=30)" \
	hung "$T/hung" "$HUNG" "server closed the connection"
check "within authentication_timeout (${SECONDS_TAKEN}s)" within "$SECONDS_TAKEN" 4.5
check_log "as an authentication timeout" "canceling authentication due to timeout"

log_mark
hung_login
elapsed as_postgres "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w -t 60 stop >/dev/null
stop_time=$SECONDS_TAKEN
check "a fast shutdown with a backend waiting on the issuer takes ${stop_time}s (timeout=30)" \
	within "$stop_time" 2
wait "$HUNG_PID" 2>/dev/null
write_conf 3
# Restarted with the module preloaded (docs/postgresql18.md recommends it):
# the backends inherit it from the postmaster and work the same.
echo "shared_preload_libraries = 'pg_oauth2_validator'" >>"$PGDATA/postgresql.conf"
pg18_start
log_mark
expect_in "preloaded by the postmaster: a good token logs alice in" alice "$T/alice" "$ISSUER1" \
	$'oauth:alice\talice'
expect_out "preloaded: bob's token does not log in alice" alice "$T/bob" "$ISSUER1"
check_log "preloaded: the reason is logged" 'reason: claim "preferred_username" is "bob"'

# --- the server log --------------------------------------------------------------------
leaked=0
for f in "${MINTED_TOKENS[@]}" "$T/garbage"; do
	piece=$(tr -d '\n' <"$f" | awk -F. '{print substr(NF == 3 ? $3 : $0, 1, 24)}')
	[ -n "$piece" ] && grep -qF -- "$piece" "$LOG" && { leaked=1; diag "token piece of $f in the log"; }
done
check "no token appears in the server log" test "$leaked" -eq 0
check "the server never crashed" eval '! grep -q "terminated by signal" "$LOG"'

summary
[ "$tap_failed" -eq 0 ]
