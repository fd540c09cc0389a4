#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# End to end: a real PostgreSQL server whose pg_hba.conf uses `pam` with the
# seed's pam.d lines, psql/libpq clients sending tokens as passwords, the
# test issuer on loopback.  Needs root.
set -u
. "$(dirname "$0")/../lib/pam.sh"
. "$(dirname "$0")/../lib/pgcluster.sh"

pg_tests_need_root

start_issuer
start_syslog_capture
install_module "$BUILD_DIR"

# Inside a backend, the postgres binary's own exported functions answer a
# call by the same name from any library (it exports json_object, jansson's
# constructor's name): the module must call none of them.
defined_names() { nm -D --defined-only "$1" | awk '{sub(/@.*/, "", $3); print $3}' | sort -u; }
clashes=$(comm -12 <(nm -D --undefined-only "$MODULE" | awk '{sub(/@.*/, "", $2); print $2}' | sort -u) \
	<(defined_names "$PG_BINDIR/postgres") | paste -sd' ')
check "the module calls no function the postgres binary exports${clashes:+ (it calls: $clashes)}" \
	test -z "$clashes"

svc=pam_oauth2_test_$$
pam_service "$svc" "auth    sufficient $MODULE $USERINFO preferred_username
account sufficient $MODULE $USERINFO preferred_username"
pam_service "${svc}_dba" "auth    required $MODULE $USERINFO preferred_username grp=dba
account required $MODULE $USERINFO preferred_username grp=dba"
pam_service "${svc}_hang" "auth    required $MODULE userinfo=$FAULTS/hang username_claim=preferred_username timeout=2 connect_timeout=1
account required $MODULE userinfo=$FAULTS/hang"
install -d -m 700 -o postgres "$WORK/pgcache"
pam_service "${svc}_jwt" "auth    required $MODULE issuer=$ISSUER audience=postgres username_claim=preferred_username cache_dir=$WORK/pgcache
account required $MODULE"
write_client_secret postgres
pam_service "${svc}_opaque" "auth    required $MODULE introspection=$INTROSPECT client_id=pam-db client_secret_file=$WORK/client.secret username_claim=preferred_username
account required $MODULE"
pg_start "host all grace 127.0.0.1/32 pam pamservice=${svc}_opaque
host all frank 127.0.0.1/32 pam pamservice=${svc}_jwt
host all carol 127.0.0.1/32 pam pamservice=${svc}_dba
host all dave 127.0.0.1/32 pam pamservice=${svc}_hang
host all all 127.0.0.1/32 pam pamservice=$svc"
pg_create_rls_table
pg_admin "CREATE ROLE carol LOGIN; CREATE ROLE dave LOGIN; CREATE ROLE frank LOGIN; CREATE ROLE grace LOGIN;" ||
	bail "could not create roles"

mint "$WORK/alice" username=alice
mint "$WORK/bob" username=bob
mint "$WORK/alice_expired" username=alice expires_in=-120
mint "$WORK/alice_4k" username=alice pad=2500
mint "$WORK/alice_16k" username=alice pad=11500
mint "$WORK/carol_dba" username=carol grp=dba
mint "$WORK/carol" username=carol
mint "$WORK/dave" username=dave
mint "$WORK/frank_db" username=frank aud=postgres alg=ES256
mint "$WORK/frank_rs" username=frank aud=postgres
mint "$WORK/frank_other" username=frank aud=reporting
mint "$WORK/grace_opaque" --opaque username=grace
mint "$WORK/bob_opaque" --opaque username=bob
printf 'this-is-not-a-token' >"$WORK/garbage"
: >"$WORK/empty"
head -c 17000 /dev/zero | tr '\0' 'a' >"$WORK/oversize"

expect_login "alice's token logs in as alice" alice "$WORK/alice" "SELECT current_user" alice
check_log "the granted login is logged under the service" \
	"pam_oauth2($svc:auth): auth granted: user=\"alice\" rhost=127.0.0.1 method=userinfo issuer=127.0.0.1"
expect_login "row-level security: alice sees only her rows" alice "$WORK/alice" \
	"SELECT string_agg(body, '|' ORDER BY body) FROM notes" "alice: first note|alice: second note"
expect_login "row-level security: bob sees only his row" bob "$WORK/bob" \
	"SELECT string_agg(body, '|' ORDER BY body) FROM notes" "bob: only note"
expect_refused "bob's token does not log in as alice" alice "$WORK/bob"
check_log "the reason names both users" 'claim "preferred_username" is "bob", not the PAM user "alice"'
expect_refused "an expired token is refused" alice "$WORK/alice_expired"
check_log "the reason says the issuer refused it" "the issuer refused the token as invalid: expired, revoked or not issued by it (HTTP 401 invalid_token)"
expect_refused "a garbage token is refused" alice "$WORK/garbage"
expect_refused "an empty password is refused" alice "$WORK/empty"
expect_refused "a token over max_token_size is refused" alice "$WORK/oversize"
check_log "the reason gives the size" "token of 17000 bytes is over max_token_size=16384"
expect_login "a 4 KB token logs in" alice "$WORK/alice_4k" "SELECT current_user" alice
expect_login "a 16 KB token logs in" alice "$WORK/alice_16k" "SELECT current_user" alice
expect_login "required claim grp=dba present: carol logs in" carol "$WORK/carol_dba" \
	"SELECT current_user" carol
expect_refused "required claim grp=dba missing: carol is refused" carol "$WORK/carol"
check_log "the reason names the rule" "required claim grp=dba: the claim is missing"

expect_login "JWT validation: frank's ES256 token for aud=postgres logs in" frank "$WORK/frank_db" \
	"SELECT current_user" frank
check_log "as a JWT login" "pam_oauth2(${svc}_jwt:auth): auth granted: user=\"frank\" rhost=127.0.0.1 method=jwt"
check "the backend (user postgres) cached the issuer's keys" \
	test -n "$(find "$WORK/pgcache" -type f -user postgres)"
expect_login "JWT validation: a second backend logs in from the cache" frank "$WORK/frank_db" \
	"SELECT current_user" frank
expect_refused "JWT validation: a token for another audience is refused" frank "$WORK/frank_other"
check_log "the reason names the audience" "JWT aud does not name this service (audience=postgres)"

expect_login "introspection: grace's opaque token logs in" grace "$WORK/grace_opaque" \
	"SELECT current_user" grace
check_log "as an introspection login" "pam_oauth2(${svc}_opaque:auth): auth granted: user=\"grace\" rhost=127.0.0.1 method=introspection"
expect_refused "introspection: bob's opaque token does not log in grace" grace "$WORK/bob_opaque"

start=$(date +%s%N)
expect_refused "an issuer that never answers: refused" dave "$WORK/dave"
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
check "the backend gave up after timeout=2 (${elapsed_ms} ms)" test "$elapsed_ms" -lt 4000
check_log "the reason names the timeout" "issuer did not answer within 2s"
check "the server is still up" as_postgres "$PG_BINDIR/pg_isready" -q -h 127.0.0.1 -p "$PGPORT"
expect_login "and the next login works" alice "$WORK/alice" "SELECT current_user" alice

# Keys are cached: the issuer can go away and JWT logins go on.
expect_login "JWT validation: frank's RS256 token logs in (keys now cached)" frank "$WORK/frank_rs" \
	"SELECT current_user" frank
kill "$ISSUER_PID"
wait "$ISSUER_PID" 2>/dev/null
check "the issuer is stopped" test -z "$(curl -s -m 2 "$ISSUER/.well-known/openid-configuration")"
expect_login "JWT validation: frank still logs in with the issuer stopped" frank "$WORK/frank_rs" \
	"SELECT current_user" frank
expect_refused "and a token for another audience is still refused" frank "$WORK/frank_other"

check_no_token_in_log
leaked=0
for f in "${MINTED_TOKENS[@]}"; do
	piece=$(token_piece "$f")
	grep -qF -- "$piece" "$PGDATA_DIR/postgres.log" && leaked=1
done
check "no token appears in the PostgreSQL server log" test "$leaked" -eq 0
tap_finish
