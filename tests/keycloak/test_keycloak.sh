#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# End to end with a real Keycloak (tests/keycloak/keycloak.sh) in front of a
# real PostgreSQL: tokens from Keycloak's password, client-credentials and
# device grants log in through pg_hba.conf's pam method and the module, in
# each of its modes (userinfo, local JWT, introspection, JWT plus
# introspection), with Keycloak's authorization claims, revocation, key
# rotation, lightweight access tokens and PgBouncer.  Run it through
# tests/keycloak/run.sh (root; sets the variables tests/lib/pam.sh wants).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/pam.sh"
. "$here/../lib/pgcluster.sh"
. "$here/../lib/pgbouncer.sh"
. "$here/keycloak.sh"

# jq_holds FILTER [ARGS...] FILE: jq -e, its answer kept out of the TAP.
jq_holds() { jq -e "$@" >/dev/null; }

pg_tests_need_root
[ -n "${PG_OAUTH2_TOKEN:-}" ] || bail "PG_OAUTH2_TOKEN is not set: run tests/keycloak/run.sh"

install_module "$BUILD_DIR"
t0=$(date +%s)
kc_start
diag "Keycloak $KC_VERSION ready in $(($(date +%s) - t0)) s at $KC_BASE"
# /dev/log and /etc/pam.d are shared with the other integration tests: the
# lock (tests/lib/pam.sh convention) is taken once Keycloak is up; a caller
# that holds it already for a whole run names another file here.
exec 9>>"${PAM_OAUTH2_INTEGRATION_LOCK:-/tmp/pam_oauth2_integration.lock}"
flock 9
diag "integration lock taken $(($(date +%s) - t0)) s after Keycloak's start began"
t0=$(date +%s)
start_syslog_capture

# --- PostgreSQL with one PAM service whose lines each case rewrites ---------------
SVC=pam_oauth2_kc_$$
CA="cafile=$WORK/tls/ca.pem"
install -d -m 700 -o postgres "$WORK/pgcache"
printf 'postgres-secret-for-tests\n' >"$WORK/postgres.secret"
printf 'pg-introspect-secret-for-tests\n' >"$WORK/other.secret"
printf 'service-account-pg-batch db_writer\n' >"$WORK/usermap"
chown root:postgres "$WORK/postgres.secret" "$WORK/other.secret" "$WORK/usermap"
chmod 640 "$WORK/postgres.secret" "$WORK/other.secret" "$WORK/usermap"
pg_start "host all all 127.0.0.1/32 pam pamservice=$SVC"
on_exit "rm -f /etc/pam.d/$SVC"
pg_create_rls_table
pg_admin "CREATE ROLE carol LOGIN; CREATE ROLE db_writer LOGIN;
	CREATE ROLE size10 LOGIN; CREATE ROLE size50 LOGIN; CREATE ROLE size200 LOGIN;" ||
	bail "could not create roles"

# use_lines ARGS...: /etc/pam.d/$SVC is the module with ARGS, auth and account.
use_lines() {
	printf 'auth    required %s %s\naccount required %s %s\n' "$MODULE" "$*" "$MODULE" "$*" \
		>"/etc/pam.d/$SVC"
}
WHO="SELECT 'logged in as ' || current_user"
# why_not: after a failed case, the module's log lines since the mark.
why_not() {
	[ "$tap_failed" -gt "$1" ] && log_since_mark | grep -F pam_oauth2 | sed 's/^/#   /'
	return 0
}
# login_ok DESCRIPTION USER TOKEN_FILE
login_ok() {
	local failed=$tap_failed
	expect_login "$1" "$2" "$3" "$WHO" "logged in as $2"
	why_not "$failed"
}
refused() { # DESCRIPTION USER TOKEN_FILE
	local failed=$tap_failed
	expect_refused "$@"
	why_not "$failed"
}
# section NAME: a diagnostic line with the time so far.
section() { diag "--- $1 ($(($(date +%s) - t0)) s)"; }

JWT="issuer=$KC_ISSUER audience=postgres username_claim=preferred_username $CA cache_dir=$WORK/pgcache"
INTRO="introspection=$KC_OIDC/token/introspect client_id=postgres client_secret_file=$WORK/postgres.secret"

kc_token "$WORK/alice" psql alice alice-pw
kc_token "$WORK/alice_openid" psql alice alice-pw openid
kc_token "$WORK/bob" psql bob bob-pw openid
kc_token "$WORK/carol" psql carol carol-pw
kc_token "$WORK/alice_phone" psql alice alice-pw phone

# --- the original two pam.d lines, unchanged --------------------------------------
section "original lines"
printf 'auth    sufficient %s %s preferred_username\naccount sufficient %s %s preferred_username\n' \
	"$MODULE" "$KC_HTTP_OIDC/userinfo" "$MODULE" "$KC_HTTP_OIDC/userinfo" >"/etc/pam.d/$SVC"
expect_login "original lines: alice's token (scope openid) reads her notes" alice \
	"$WORK/alice_openid" "SELECT body FROM notes ORDER BY body" $'alice: first note\nalice: second note'
check_log "logged as a userinfo login" "auth granted: user=\"alice\" rhost=127.0.0.1 method=userinfo"
refused "original lines: a token without the openid scope is refused" alice "$WORK/alice"
check_log "the reason says userinfo wants the openid scope" \
	"reason: the issuer refused userinfo: the token lacks the openid scope (HTTP 403 insufficient_scope)"
refused "original lines: bob's token does not log in alice" alice "$WORK/bob"
check_log "the reason names both users" 'claim "preferred_username" is "bob", not the PAM user "alice"'

# --- issuer=: local JWT validation with the audience mapper --------------------------
section "jwt"
check "header typ is JWT" test "$(jwt_part "$WORK/alice" 0 | jq -r .typ)" = JWT
check "payload typ is Bearer" test "$(jwt_part "$WORK/alice" 1 | jq -r .typ)" = Bearer
check "the audience mapper puts postgres in aud" \
	jq_holds '.aud | index("postgres")' <(jwt_part "$WORK/alice" 1)
check "Keycloak's JWKS publishes a use=enc key next to the signing key" \
	jq_holds '[.keys[].use] | index("enc") and index("sig")' <(kc_curl -s "$KC_OIDC/certs")
use_lines $JWT
login_ok "issuer=: alice's JWT logs her in" alice "$WORK/alice"
check_log "logged as a JWT login with Keycloak's issuer" "method=jwt issuer=$KC_ISSUER"
refused "issuer=: alice's JWT does not log in bob" bob "$WORK/alice"
jq -r .refresh_token "$WORK/alice.json" >"$WORK/alice_refresh"
jq -r .id_token "$WORK/alice_openid.json" >"$WORK/alice_id"
kc_token "$WORK/alice_offline" psql alice alice-pw offline_access
jq -r .refresh_token "$WORK/alice_offline.json" >"$WORK/alice_offline_rt"
MINTED_TOKENS+=("$WORK/alice_refresh" "$WORK/alice_id" "$WORK/alice_offline_rt")
check "the offline token's typ is Offline" test "$(jwt_part "$WORK/alice_offline_rt" 1 | jq -r .typ)" = Offline
for kind in refresh:Refresh id:ID offline_rt:Offline; do
	refused "issuer=: a ${kind#*:} token is refused" alice "$WORK/alice_${kind%%:*}"
done
check_log "Keycloak's HS512-signed refresh tokens fail on the algorithm first" \
	'reason: JWT alg HS512 is not in algorithms='
# An ID token's aud is the client (psql): even a line that names psql as
# its audience refuses it, by its typ.
use_lines ${JWT/audience=postgres/audience=psql}
refused "issuer= audience=psql: the ID token is still refused" alice "$WORK/alice_id"
check_log "by its typ" 'reason: JWT is not an access token: typ is "ID"'
use_lines $JWT
# A key published with use=enc never verifies a signature: import an RSA key
# of ours as Keycloak's encryption key and sign an access token with it.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/enc.key" 2>/dev/null
jq -n --rawfile k "$WORK/enc.key" '{name: "test-enc", providerId: "rsa-enc",
	providerType: "org.keycloak.keys.KeyProvider",
	config: {privateKey: [$k], priority: ["50"], algorithm: ["RSA-OAEP"], active: ["true"], enabled: ["true"]}}' \
	>"$WORK/enc.json"
kc_admin POST /components --data-binary @"$WORK/enc.json" -o /dev/null
sign_with_enc_key() {
	node -e '
		const c = require("crypto"), fs = require("fs");
		const b = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
		const payload = JSON.parse(process.argv[3]);
		const input = b({alg: "RS256", typ: "JWT", kid: process.argv[2]}) + "." + b(payload);
		const sig = c.sign("sha256", Buffer.from(input), fs.readFileSync(process.argv[1]));
		process.stdout.write(input + "." + sig.toString("base64url"));
	' "$WORK/enc.key" "$1" "$(jwt_part "$WORK/alice" 1)"
}
# The kid Keycloak publishes for our key: the use=enc entry whose modulus is
# our key's.
enc_kid=$(kc_curl -s "$KC_OIDC/certs" | node -e '
	const c = require("crypto"), fs = require("fs");
	const n = c.createPublicKey(fs.readFileSync(process.argv[1])).export({format: "jwk"}).n;
	let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
		const k = JSON.parse(s).keys.find((k) => k.n === n);
		process.stdout.write(k && k.use === "enc" ? k.kid : "");
	});' "$WORK/enc.key")
check "Keycloak publishes our imported key with use=enc" test -n "$enc_kid"
sign_with_enc_key "$enc_kid" >"$WORK/alice_enc"
MINTED_TOKENS+=("$WORK/alice_enc")
# A new cache directory, so the keys are fetched after the import.
install -d -m 700 -o postgres "$WORK/pgcache_enc"
use_lines ${JWT/$WORK\/pgcache/$WORK\/pgcache_enc}
refused "issuer=: a token signed by the use=enc key, naming its kid, is refused" alice "$WORK/alice_enc"
# Keycloak publishes it with alg RSA-OAEP, so jwks.c leaves it out of the
# key set (a note says so); without alg, its use=enc would (jwk.c).
check_log "the reason: no signing key has its kid" "no key with kid \"$enc_kid\" in the issuer's keys"
use_lines $JWT

# --- TLS: Keycloak's https listener is trusted through cafile= only ---------------
use_lines issuer=$KC_ISSUER audience=postgres username_claim=preferred_username cache=off
refused "https without cafile=: the test CA is unknown, the login fails closed" alice "$WORK/alice"
check_log "the reason: TLS with the issuer failed" "TLS with the issuer failed"
use_lines issuer=$KC_ISSUER audience=postgres username_claim=preferred_username cache=off $CA
login_ok "https with cafile= naming the test CA: alice logs in" alice "$WORK/alice"

# --- introspection with the confidential client ----------------------------------------
section "introspection"
use_lines $INTRO username_claim=preferred_username $CA cache=off
login_ok "introspection, client_auth=basic: alice logs in" alice "$WORK/alice"
check_log "logged as an introspection login" "method=introspection"
use_lines $INTRO client_auth=post username_claim=preferred_username $CA cache=off
login_ok "introspection, client_auth=post: alice logs in" alice "$WORK/alice"
use_lines "introspection=$KC_OIDC/token/introspect client_id=pg-introspect" \
	"client_secret_file=$WORK/other.secret username_claim=preferred_username $CA cache=off"
refused "introspection by a client outside the token's aud: refused" alice "$WORK/alice"
check_log "the reason hints the client may not introspect the token" \
	"not one this client_id may introspect"

# --- authorization rules on Keycloak's claims --------------------------------------------
section "rules"
use_lines $JWT claim_contains=realm_access.roles:db-login
login_ok "realm role db-login: alice logs in" alice "$WORK/alice"
refused "realm role db-login: bob, without it, is refused" bob "$WORK/bob"
check_log "the reason names the rule" "realm_access.roles"
use_lines $JWT claim_contains=resource_access.postgres.roles:dba
login_ok "client role postgres/dba: carol logs in" carol "$WORK/carol"
refused "client role postgres/dba: alice (reader only) is refused" alice "$WORK/alice"
check_log "the reason names the client role's path" "resource_access.postgres.roles"
use_lines $JWT claim_any_of=groups:operators,admins
login_ok "group operators: carol logs in" carol "$WORK/carol"
refused "group operators: alice is refused" alice "$WORK/alice"
use_lines $JWT scope=phone
login_ok "scope=phone: a token asked with scope phone logs in" alice "$WORK/alice_phone"
refused "scope=phone: a token without it is refused" alice "$WORK/alice"
check_log "the reason names the scope" "phone"

# --- a service account (client credentials) mapped to a database role ---------------------
section "service account"
kc_client_token "$WORK/batch" pg-batch pg-batch-secret-for-tests
use_lines issuer=$KC_ISSUER audience=postgres username_claim=preferred_username $CA \
	cache_dir=$WORK/pgcache username_map=$WORK/usermap claim_contains=realm_access.roles:db-writer
login_ok "client credentials: the service account logs in as db_writer" db_writer "$WORK/batch"
refused "the service account's token does not log in alice" alice "$WORK/batch"

# --- revocation: introspect_jwt, logout at Keycloak ------------------------------------
section "revocation"
kc_token "$WORK/alice_rev" psql alice alice-pw
use_lines $JWT
login_ok "revocation: before logout, issuer= alone logs alice in" alice "$WORK/alice_rev"
use_lines $JWT $INTRO introspect_jwt cache_ttl=3
login_ok "revocation: with introspect_jwt, alice logs in" alice "$WORK/alice_rev"
check_log "logged as method jwt+introspection" "method=jwt+introspection issuer=$KC_ISSUER"
kc_curl -s -o /dev/null -w '%{http_code}' "$KC_OIDC/logout" -d client_id=psql \
	-d refresh_token="$(jq -r .refresh_token "$WORK/alice_rev.json")" >"$WORK/logout.code"
check "Keycloak logs the session out (HTTP 204)" test "$(cat "$WORK/logout.code")" = 204
check "introspection now says the token is inactive" \
	jq_holds '.active == false' <(kc_curl -s "$KC_OIDC/token/introspect" \
		-u postgres:postgres-secret-for-tests -d token="$(cat "$WORK/alice_rev")")
login_ok "revocation: within cache_ttl the remembered verdict still logs in" alice "$WORK/alice_rev"
# Times are whole seconds and an entry is good through its last second:
# cache_ttl=3 may last up to 4 s.
sleep 4.2
refused "revocation: after cache_ttl the revoked token is refused" alice "$WORK/alice_rev"
check_log "the reason: not active" "reason: token is not active"
use_lines $JWT
login_ok "revocation: issuer= alone still accepts it until exp (why introspect_jwt exists)" \
	alice "$WORK/alice_rev"
# revoke (RFC 7009) a token of a live session too
kc_token "$WORK/alice_rev2" psql alice alice-pw
use_lines $JWT $INTRO introspect_jwt cache_ttl=0
login_ok "revoke endpoint: before, alice logs in" alice "$WORK/alice_rev2"
kc_curl -s -o /dev/null "$KC_OIDC/revoke" -d client_id=psql -d token="$(cat "$WORK/alice_rev2")" \
	-d token_type_hint=access_token
refused "revoke endpoint: after revoking the access token, refused (cache_ttl=0)" \
	alice "$WORK/alice_rev2"

# --- key rotation --------------------------------------------------------------------------
section "rotation"
old_key=$(kc_admin GET "/components?type=org.keycloak.keys.KeyProvider" |
	jq -r '.[] | select(.providerId == "rsa-generated") | .id' | head -n 1)
kc_token "$WORK/alice_oldkey" psql alice alice-pw
# A token naming a kid the cached keys lack makes the module fetch the keys
# again at once, however recently they were fetched: only such refetches
# are paced by jwks_refresh_min= (the default, 60 s, against floods of
# made-up kids), so the new key is used the moment Keycloak has it.
use_lines $JWT cache_ttl=0
jq -n '{name: "rsa-rotated", providerId: "rsa-generated", providerType: "org.keycloak.keys.KeyProvider",
	config: {priority: ["200"], keySize: ["2048"], algorithm: ["RS256"]}}' >"$WORK/newkey.json"
kc_admin POST /components --data-binary @"$WORK/newkey.json" -o /dev/null
kc_token "$WORK/alice_newkey" psql alice alice-pw
check "rotation: new tokens carry another kid" \
	test "$(jwt_part "$WORK/alice_newkey" 0 | jq -r .kid)" != "$(jwt_part "$WORK/alice_oldkey" 0 | jq -r .kid)"
failures=0
# rotation_logins TOKEN_FILE...: each logs in as alice; a refusal is
# counted in failures, with the module's reason.
rotation_logins() {
	local f got
	for f in "$@"; do
		log_mark
		got=$(pg_login alice "$f" "$WHO")
		[ "$got" = "logged in as alice" ] ||
			{ failures=$((failures + 1)); printf '#   %s\n' "$got"; why_not -1; }
	done
}
for i in 1 2 3; do
	kc_token "$WORK/rot$i" psql alice alice-pw
	rotation_logins "$WORK/alice_oldkey" "$WORK/rot$i"
done
kc_admin GET "/components/$old_key" | jq '.config.active = ["false"]' >"$WORK/oldkey.json"
kc_admin PUT "/components/$old_key" --data-binary @"$WORK/oldkey.json" -o /dev/null
rotation_logins "$WORK/alice_oldkey" "$WORK/alice_newkey"
check "rotation: no login failed while keys were added and the old one retired ($failures failures)" \
	test "$failures" -eq 0
kc_admin DELETE "/components/$old_key" -o /dev/null
check "rotation: the removed key is gone from the JWKS" \
	jq_holds --arg k "$(jwt_part "$WORK/alice_oldkey" 0 | jq -r .kid)" '[.keys[].kid] | index($k) == null' \
	<(kc_curl -s "$KC_OIDC/certs")
# Fetched keys stay fresh for at least 300 s (OA_MIN_KEYS_FRESH_SECONDS;
# Keycloak sends no max-age): a module that fetches the keys after the
# removal (here: a new cache directory) refuses the old key's tokens.
install -d -m 700 -o postgres "$WORK/pgcache2"
use_lines ${JWT/$WORK\/pgcache/$WORK\/pgcache2} cache_ttl=0
refused "rotation: a token signed by the removed key is refused" alice "$WORK/alice_oldkey"
check_log "the reason: no key with its kid" "in the issuer's keys"
login_ok "rotation: a token signed by the new key logs in" alice "$WORK/alice_newkey"

# --- lightweight access tokens ------------------------------------------------------------
section "lightweight"
kc_token "$WORK/light" psql-light alice alice-pw
check "the lightweight token has no preferred_username" \
	jq_holds 'has("preferred_username") | not' <(jwt_part "$WORK/light" 1)
use_lines $JWT
refused "lightweight, issuer= alone: no preferred_username to compare" alice "$WORK/light"
use_lines $JWT $INTRO introspect_jwt
login_ok "lightweight + introspect_jwt: introspection supplies preferred_username" alice "$WORK/light"
use_lines $INTRO username_claim=preferred_username $CA cache=off
login_ok "lightweight, introspection alone: alice logs in" alice "$WORK/light"

# --- token sizes ----------------------------------------------------------------------------
section "sizes"
sizes="default:$(tr -d '\n' <"$WORK/alice" | wc -c) lightweight:$(tr -d '\n' <"$WORK/light" | wc -c)"
for n in 10 50 200; do
	kc_token "$WORK/size$n" psql "size$n" size-pw
	sizes="$sizes roles+groups_$n:$(tr -d '\n' <"$WORK/size$n" | wc -c)"
done
diag "access-token sizes in bytes: $sizes (limits: PgBouncer 2047, psql prompt 4095, server 65530)"
printf '%s\n' $sizes >"${KC_SIZES_FILE:-/dev/null}"
use_lines $JWT
login_ok "a token with 200 realm roles and 200 groups logs in" size200 "$WORK/size200"

# --- pg_oauth2_token: the device grant through Keycloak's login form ------------------------
section "device grant"
approve_device() { # ERR_FILE USER PASSWORD: logs in at the verification URI
	local url="" i page action code
	for ((i = 0; i < 100; i++)); do
		url=$(grep -o "$KC_ISSUER/device?user_code=[A-Z0-9-]*" "$1" | head -n 1)
		[ -n "$url" ] && break
		sleep 0.1
	done
	[ -n "$url" ] || return 1
	page=$(kc_curl -s -L -c "$WORK/jar" -b "$WORK/jar" "$url")
	printf '%s' "$page" >"$WORK/device1.html"
	action=$(printf '%s' "$page" | grep -o 'action="[^"]*"' | head -n 1 | sed 's/^action="//; s/"$//; s/&amp;/\&/g')
	[ -n "$action" ] || return 1
	page=$(kc_curl -s -L -c "$WORK/jar" -b "$WORK/jar" "$action" --data-urlencode "username=$2" \
		--data-urlencode "password=$3" -d credentialId=)
	printf '%s' "$page" >"$WORK/device2.html"
	# Keycloak asks for consent to the device grant: a form with a relative
	# action and a hidden code.
	if printf '%s' "$page" | grep -q 'name="accept"'; then
		action=$(printf '%s' "$page" | grep -o 'action="[^"]*"' | head -n 1 | sed 's/^action="//; s/"$//; s/&amp;/\&/g')
		case $action in /*) action=$KC_BASE$action ;; esac
		code=$(printf '%s' "$page" | grep -o 'name="code" value="[^"]*"' | head -n 1 | sed 's/.*value="//; s/"$//')
		page=$(kc_curl -s -L -c "$WORK/jar" -b "$WORK/jar" "$action" -d accept=Yes --data-urlencode "code=$code")
		printf '%s' "$page" >"$WORK/device3.html"
	fi
	printf '%s' "$page" | grep -q 'go back to your device'
}
XDG_CACHE_HOME="$WORK/xdg" timeout 90 "$PG_OAUTH2_TOKEN" --issuer "$KC_ISSUER" --client-id psql \
	--cafile "$WORK/tls/ca.pem" --no-cache --timeout 60 >"$WORK/device_token" 2>"$WORK/device.err" &
tool=$!
approve_device "$WORK/device.err" alice alice-pw
check "device grant: the verification page took alice's password" test $? -eq 0
wait "$tool"
rc=$?
check "device grant: pg_oauth2_token exits 0 with a token" test "$rc" -eq 0 -a -s "$WORK/device_token"
if [ "$rc" -ne 0 ]; then
	diag "pg_oauth2_token exit $rc; stderr: $(head -c 600 "$WORK/device.err")"
	for f in "$WORK"/device[123].html; do
		[ -f "$f" ] && diag "$f: $(grep -o '<title>[^<]*\|kc-page-title[^<]*<\|id="input-error[^<]*<' "$f" | head -n 3 | tr '\n' ' ')"
	done
fi
MINTED_TOKENS+=("$WORK/device_token")
use_lines $JWT
login_ok "device grant: psql logs in with pg_oauth2_token's token" alice "$WORK/device_token"
check "no token on pg_oauth2_token's stderr" \
	test -z "$(grep -F -- "$(token_piece "$WORK/device_token")" "$WORK/device.err")"

# --- PgBouncer (auth_type=pam, service pgbouncer) with a lightweight token -----------------
section "pgbouncer"
if [ -x "$PGBOUNCER_BIN" ]; then
	pgbouncer_pam_service "$(printf 'auth    required %s %s\naccount required %s %s' \
		"$MODULE" "$JWT $INTRO introspect_jwt" "$MODULE" "$JWT $INTRO introspect_jwt")"
	# PgBouncer then logs in to the server itself: over the socket, trusted.
	sed -i "s|^host all all 127.0.0.1/32 pam|local all all trust\n&|" "$PGDATA_DIR/pg_hba.conf"
	as_postgres "$PG_BINDIR/pg_ctl" -D "$PGDATA_DIR" reload >/dev/null
	PGBOUNCER_SERVER=$PG_SOCKET_DIR pgbouncer_start
	check "PgBouncer: the lightweight token ($(wc -c <"$WORK/light") bytes) is under its 2047-byte cut" \
		test "$(wc -c <"$WORK/light")" -lt 2047
	log_mark
	got=$(pgbouncer_login alice "$WORK/light" "$WHO")
	check "PgBouncer: a lightweight token plus introspection logs alice in" test "$got" = "logged in as alice"
	[ "$got" = "logged in as alice" ] || diag "got: $got; $(tail -n 3 "$PGBOUNCER_DIR/pgbouncer.log")"
	got=$(pgbouncer_login alice "$WORK/size200" "$WHO")
	case "$got" in
	*"logged in as"*) not_ok "PgBouncer: a token over 2047 bytes is cut and refused" ;;
	*) ok "PgBouncer: a token over 2047 bytes is cut and refused" ;;
	esac
else
	skip "PgBouncer: not installed"
fi

check_no_token_in_log
diag "the cases took $(($(date +%s) - t0)) s once the lock was taken"
tap_finish
