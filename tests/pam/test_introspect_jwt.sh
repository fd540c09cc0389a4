#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# introspect_jwt through the real libpam against the test issuer: a JWT is
# validated locally (signature, iss, aud, exp) and then shown to
# introspection= too, so a token revoked at the issuer stops logging in
# within cache_ttl; without the flag the issuer is never asked, and the log
# says so.
set -u
. "$(dirname "$0")/../lib/pam.sh"

start_issuer
start_syslog_capture
write_client_secret
C="$WORK/cache"
JWT="issuer=$ISSUER audience=db username_claim=preferred_username cache_dir=$C"
CLIENT="introspection=$INTROSPECT client_id=pam-db client_secret_file=$WORK/client.secret"

service local_only $JWT $CLIENT
service both $JWT $CLIENT introspect_jwt cache_ttl=2
service both_post $JWT $CLIENT client_auth=post introspect_jwt cache=off
service both_down $JWT introspection=$FAULTS/introspect/html client_id=pam-db \
	client_secret_file=$WORK/client.secret introspect_jwt cache=off

mint "$WORK/alice" username=alice aud=db
mint "$WORK/alice_other_aud" username=alice aud=reporting
mint "$WORK/alice_post" username=alice aud=db

# revoke TOKEN_FILE: the issuer's introspection calls it inactive from now on.
revoke() {
	curl -sf -o /dev/null "$FAULTS/__revoke" --data-urlencode "token=$(cat "$1")" ||
		bail "could not revoke a token at the test issuer"
}

i0=$(stat_of introspect)
expect "introspect_jwt: a good JWT logs alice in" "$GRANTED" both alice "$WORK/alice"
check_log "logged as method jwt+introspection" \
	"auth granted: user=\"alice\" rhost=- method=jwt+introspection issuer=$ISSUER"
check "the issuer was asked once" test "$(stat_of introspect)" -eq $((i0 + 1))
expect "a second login within cache_ttl" "$GRANTED" both alice "$WORK/alice"
check_log "is answered from the verdict cache" "method=jwt+introspection+cache"
check "without asking again" test "$(stat_of introspect)" -eq $((i0 + 1))
expect "client_auth=post works too" "$GRANTED" both_post alice "$WORK/alice_post"
check "and asks the issuer" test "$(stat_of introspect)" -eq $((i0 + 2))

i1=$(stat_of introspect)
expect "a JWT failing the local checks is refused" "$DENIED" both alice "$WORK/alice_other_aud"
check_log "for the local reason" 'JWT aud does not name this service (audience=db)'
check "without asking introspection" test "$(stat_of introspect)" -eq "$i1"

expect "without introspect_jwt a JWT is checked locally only" "$GRANTED" local_only alice "$WORK/alice"
check_log "and the log says introspection= was not asked" \
	"note: introspection= was not asked: a JWT is checked locally unless introspect_jwt is set"
check "the issuer was not asked" test "$(stat_of introspect)" -eq "$i1"

revoke "$WORK/alice"
expect "revoked, without introspect_jwt: still logs in (the gap the flag closes)" \
	"$GRANTED" local_only alice "$WORK/alice"
expect "revoked, with introspect_jwt, within cache_ttl: the remembered verdict" \
	"$GRANTED" both alice "$WORK/alice"
# Times are whole seconds and an entry is good through its last second:
# cache_ttl=2 may last up to 3 s.
sleep 3.2
expect "revoked, with introspect_jwt, after cache_ttl: refused" "$DENIED" both alice "$WORK/alice"
check_log "the reason says inactive and hints at the client's rights" \
	"reason: token is not active (revoked or expired at the issuer, or not one this client_id may introspect"
check "the remembered grant of the local-only service was not used" \
	test "$(stat_of introspect)" -eq $((i1 + 1))

expect "introspection unavailable: PAM_AUTHINFO_UNAVAIL, not a local yes" "$UNAVAILABLE" \
	both_down alice "$WORK/alice_post"
check_log "the reason names the introspection answer" "introspection answer is not JSON"

service bad1 $JWT introspect_jwt
expect "introspect_jwt without introspection=: PAM_SERVICE_ERR" "$CONFIG_ERROR" bad1 alice "$WORK/alice"
check_log "the reason names both options" "introspect_jwt needs issuer= (the local JWT check) and introspection="
service bad2 $CLIENT introspect_jwt username_claim=preferred_username
expect "introspect_jwt without issuer=: PAM_SERVICE_ERR" "$CONFIG_ERROR" bad2 alice "$WORK/alice"

check_no_token_in_log
tap_finish
