#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# RFC 7662 introspection through the real libpam against the test issuer:
# opaque tokens, client authentication both ways, and every way an
# introspection answer can fail to be a yes.
set -u
. "$(dirname "$0")/../lib/pam.sh"

start_issuer
start_syslog_capture
write_client_secret
printf 'wrong-secret\n' >"$WORK/wrong.secret"
chmod 600 "$WORK/wrong.secret"

CLIENT="client_id=pam-db client_secret_file=$WORK/client.secret"

service basic "introspection=$INTROSPECT" $CLIENT username_claim=preferred_username
service post "introspection=$INTROSPECT" $CLIENT client_auth=post username_claim=preferred_username
service wrong "introspection=$INTROSPECT" client_id=pam-db client_secret_file=$WORK/wrong.secret username_claim=preferred_username
service with_iss "introspection=$INTROSPECT" $CLIENT username_claim=preferred_username \
	issuer=$ISSUER audience=db cache_dir=$WORK/cache

node "$ISSUER_DIR/mint.mjs" --state-file "$WORK/issuer.json" --opaque username=alice >"$WORK/alice"
node "$ISSUER_DIR/mint.mjs" --state-file "$WORK/issuer.json" --opaque username=bob >"$WORK/bob"
node "$ISSUER_DIR/mint.mjs" --state-file "$WORK/issuer.json" --opaque username=alice expires_in=-60 >"$WORK/alice_expired"
MINTED_TOKENS+=("$WORK/alice" "$WORK/bob" "$WORK/alice_expired")
printf 'unknown-opaque-token' >"$WORK/unknown"
check "an opaque token is not JWT-shaped" test "$(tr -cd . <"$WORK/alice" | wc -c)" -eq 0

i0=$(stat_of introspect)
expect "an opaque token logs alice in through introspection (Basic client auth)" "$GRANTED" basic alice "$WORK/alice"
check_log "logged as an introspection login" "auth granted: user=\"alice\" rhost=- method=introspection"
check "the issuer was asked" test "$(stat_of introspect)" -gt "$i0"
expect "client_auth=post works too" "$GRANTED" post alice "$WORK/alice"
expect "bob's opaque token does not log in alice" "$DENIED" basic alice "$WORK/bob"
check_log "the reason names both users" 'claim "preferred_username" is "bob", not the PAM user "alice"'
expect "an unknown token (active false) is refused" "$DENIED" basic alice "$WORK/unknown"
check_log "the reason says not active" "reason: token is not active"
expect "an expired opaque token is refused" "$DENIED" basic alice "$WORK/alice_expired"
# Servers that introspect refresh tokens answer active true for them too.
node "$ISSUER_DIR/mint.mjs" --state-file "$WORK/issuer.json" --opaque username=alice \
	'extra_json={"token_type":"refresh_token"}' >"$WORK/alice_refresh"
MINTED_TOKENS+=("$WORK/alice_refresh")
expect "an active token the issuer calls a refresh token is refused" "$DENIED" \
	basic alice "$WORK/alice_refresh"
check_log "the reason says what it is" \
	'reason: introspected token is not an access token: token_type is "refresh_token"'
expect "a wrong client secret: the issuer answers 401" "$UNAVAILABLE" wrong alice "$WORK/alice"
check_log "the reason points at the client credentials" "refused this module's client credentials (HTTP 401)"
expect "with issuer= too, an opaque token still goes to introspection" "$GRANTED" with_iss alice "$WORK/alice"

# fault_case PATH DESCRIPTION WANT REASON
fault_case() {
	service fault "introspection=$FAULTS/introspect/$1" $CLIENT username_claim=preferred_username
	expect "$2" "$3" fault alice "$WORK/alice"
	check_log "$2: the log says why" "$4"
}
fault_case active-string '"active":"true" (a string) is refused' "$DENIED" \
	'introspection "active" is not the JSON value true'
fault_case no-active 'an answer without "active" is refused' "$DENIED" \
	'introspection answer has no "active"'
fault_case html "an HTML answer: unavailable" "$UNAVAILABLE" \
	"introspection answer is not JSON (Content-Type: text/html"
fault_case expired "active but expired: refused" "$DENIED" "reason: introspected token expired"
service fault "introspection=$FAULTS/introspect/wrong-iss" $CLIENT username_claim=preferred_username \
	issuer=https://idp.example.com audience=db jwks_uri=https://idp.example.com/keys
expect "active but from another issuer: refused" "$DENIED" fault alice "$WORK/alice"
check_log "the reason names the issuer" 'introspected token iss "https://evil.example" is not issuer=https://idp.example.com'

# A JWT sent to introspection: its own exp (read unverified) may only
# shorten the lifetime the answer gives, so neither the account phase nor
# a remembered verdict outlives the token.  leeway=0 keeps the waits short.
for shape in no-exp late-exp; do
	service "own_exp_$shape" "introspection=$FAULTS/introspect/$shape" $CLIENT \
		username_claim=preferred_username leeway=0 cache_dir=$WORK/own-exp-$shape cache_ttl=300
	mint "$WORK/jwt_brief_$shape" username=alice expires_in=2
	expect "$shape answer, JWT expiring in 2 s: the account phase 3 s later refuses" \
		$'pam_authenticate: PAM_SUCCESS\npam_acct_mgmt: PAM_PERM_DENIED' \
		"own_exp_$shape" alice "$WORK/jwt_brief_$shape" --pause 3
	check_log "$shape: the account phase says the token expired" \
		'account denied: user="alice": token expired'
	expect "$shape answer: the verdict is not remembered past the JWT's exp" "$DENIED" \
		"own_exp_$shape" alice "$WORK/jwt_brief_$shape"
	check_log "$shape: the reason is the token's own exp" \
		"by its own exp, although the introspection answer says active"
done
mint "$WORK/jwt_expired" username=alice expires_in=-30
expect "no exp in the answer, JWT expired 30 s ago: refused" "$DENIED" \
	own_exp_no-exp alice "$WORK/jwt_expired"
check_log "the reason says how long ago" "reason: token expired 3"
mint "$WORK/jwt_long" username=alice expires_in=600
expect "a JWT with a later exp than the answer's still logs in" "$GRANTED" \
	own_exp_late-exp alice "$WORK/jwt_long"

# configuration errors
service bad "introspection=$INTROSPECT" client_id=pam-db username_claim=preferred_username
expect "introspection without client_secret_file=: PAM_SERVICE_ERR" "$CONFIG_ERROR" bad alice "$WORK/alice"
check_log "the reason says what is missing" "introspection needs client_id= and client_secret_file="
chmod 604 "$WORK/client.secret"
expect "a secret file others can read: PAM_SERVICE_ERR" "$CONFIG_ERROR" basic alice "$WORK/alice"
check_log "the reason names the file, its mode and the rule" \
	"client_secret_file: $WORK/client.secret has mode 0604: it must not be readable by others nor writable by its group (chmod 640 or 600)"
chmod 600 "$WORK/client.secret"

check_no_token_in_log
tap_finish
