#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Tokens cut the way PgBouncer (2,047 bytes) and an interactive psql prompt
# (4,095) cut them, through the real libpam against the test issuer: each
# check refuses them for its own reason (a bad signature, a 401, not
# active, not a JWT), and the reason in syslog adds that the length is
# where that client cuts passwords.  A token one byte shorter gets no such
# note, and a whole one still logs in.  pam_oauth2_check shows the note as
# a step of its own.
set -u
. "$(dirname "$0")/../lib/pam.sh"

start_issuer
start_syslog_capture
write_client_secret

NOTE_2047="exactly 2047 bytes, where PgBouncer cuts passwords: it was probably truncated"
NOTE_4095="exactly 4095 bytes, where an interactive psql prompt cuts passwords: it was probably truncated"

service jwt "issuer=$ISSUER" audience=postgres username_claim=preferred_username cache=off
service userinfo "userinfo=$USERINFO" username_claim=preferred_username cache=off
service opaque "introspection=$INTROSPECT" client_id=pam-db client_secret_file=$WORK/client.secret \
	username_claim=preferred_username cache=off
service jwt_only "issuer=$ISSUER" audience=postgres username_claim=preferred_username cache=off

# ~5.4 KB: long enough to be cut at either length.
mint "$WORK/alice" username=alice aud=postgres pad=3500
# cut FILE N: the first N bytes of the token, no newline, as a pooler passes them on.
cut_to() { head -c "$2" "$WORK/alice" >"$WORK/alice_$2"; }
cut_to alice 2047
cut_to alice 2046
cut_to alice 4095
head -c 2047 /dev/zero | tr '\0' 'A' >"$WORK/opaque_2047"

expect "the whole token logs in (JWT check)" "$GRANTED" jwt alice "$WORK/alice"
expect "the whole token logs in (userinfo)" "$GRANTED" userinfo alice "$WORK/alice"

expect "JWT check: a token cut at 2,047 bytes is refused" "$DENIED" jwt alice "$WORK/alice_2047"
check_log "JWT check: the reason says PgBouncer's cut" "$NOTE_2047"
expect "userinfo: a token cut at 2,047 bytes is refused" "$DENIED" userinfo alice "$WORK/alice_2047"
check_log "userinfo: the issuer's 401, then PgBouncer's cut" "(HTTP 401 invalid_token); the token is $NOTE_2047"
expect "introspection: a token cut at 2,047 bytes is refused" "$DENIED" opaque alice "$WORK/alice_2047"
check_log "introspection: not active, then PgBouncer's cut" "was issued to or meant for); the token is $NOTE_2047"
expect "an opaque 2,047-byte token in JWT-only mode is refused" "$DENIED" jwt_only alice "$WORK/opaque_2047"
check_log "the reason says not a JWT, then PgBouncer's cut" "$NOTE_2047"
expect "JWT check: a token cut at 4,095 bytes is refused" "$DENIED" jwt alice "$WORK/alice_4095"
check_log "the reason says the psql prompt's cut" "$NOTE_4095"

# pam_oauth2_check shows the same as a step of its own.
out=$("$PAM_OAUTH2_CHECK" --user alice --token-file "$WORK/alice_2047" --no-cache \
	"issuer=$ISSUER" audience=postgres username_claim=preferred_username 2>&1)
check "pam_oauth2_check: a length step names PgBouncer's cut" \
	grep -qE "info +length +2047 bytes, where PgBouncer cuts passwords: probably truncated" <<<"$out"

expect "a token cut at 2,046 bytes is refused" "$DENIED" jwt alice "$WORK/alice_2046"
if [ "$SYSLOG_CAPTURED" -eq 1 ]; then
	check_log "its refusal is logged" "auth denied: user=\"alice\""
	check "and says nothing of a cut (no known client cuts at 2,046)" \
		test -z "$(log_since_mark | grep -F 'probably truncated')"
else
	skip "no note at 2,046 bytes (syslog not captured)"
fi

check_no_token_in_log
tap_finish
