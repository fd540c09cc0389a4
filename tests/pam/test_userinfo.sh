#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The module through the real libpam (pam_start_confdir with a service file
# of our own), against the test issuer on loopback: every outcome's PAM code,
# its syslog reason, and which failures never reach the network.
set -u
. "$(dirname "$0")/../lib/pam.sh"

start_issuer
start_syslog_capture

# The seed's two lines, word for word but for the loopback issuer.
service_with sufficient seed "$USERINFO" preferred_username
service strict "$USERINFO" preferred_username
service named "userinfo=$USERINFO" username_claim=preferred_username timeout=3
service by_sub "userinfo=$USERINFO"
service grp "$USERINFO" preferred_username grp=tester
service small "userinfo=$USERINFO" username_claim=preferred_username max_token_size=1000

mint "$WORK/alice" username=alice
mint "$WORK/bob" username=bob
mint "$WORK/alice_expired" username=alice expires_in=-120
mint "$WORK/alice_tester" username=alice grp=tester
mint "$WORK/alice_other_grp" username=alice grp=admins
mint "$WORK/alice_4k" username=alice pad=2500
mint "$WORK/alice_16k" username=alice pad=11500

# --- accepted ----------------------------------------------------------------
expect "seed configuration: alice's token logs alice in" "$GRANTED" seed alice "$WORK/alice"
check_log "granted login is logged with user, issuer and token fingerprint" \
	"auth granted: user=\"alice\" rhost=- method=userinfo issuer=127.0.0.1 token=sha256:$(tr -d '\n' <"$WORK/alice" | sha256sum | cut -c1-12)"
expect "named form: alice's token logs alice in" "$GRANTED" named alice "$WORK/alice"
expect "username_claim defaults to sub" "$GRANTED" by_sub id-alice "$WORK/alice"
{ printf 'Bearer '; cat "$WORK/alice"; } >"$WORK/alice_bearer"
expect "a 'Bearer ' prefix is accepted" "$GRANTED" strict alice "$WORK/alice_bearer"
{ printf '  \t'; tr -d '\n' <"$WORK/alice"; printf ' \r\n'; } >"$WORK/alice_spaces"
expect "surrounding white space is trimmed" "$GRANTED" strict alice "$WORK/alice_spaces"
check "the 4 KB token is between 3.5 and 4.5 KB" \
	test "$(tr -d '\n' <"$WORK/alice_4k" | wc -c)" -gt 3500 -a "$(tr -d '\n' <"$WORK/alice_4k" | wc -c)" -lt 4600
expect "a 4 KB token passes intact" "$GRANTED" strict alice "$WORK/alice_4k"
check "the 16 KB token is between 15.5 KB and 16384 bytes" \
	test "$(tr -d '\n' <"$WORK/alice_16k" | wc -c)" -gt 15500 -a "$(tr -d '\n' <"$WORK/alice_16k" | wc -c)" -le 16384
expect "a 16 KB token passes intact" "$GRANTED" strict alice "$WORK/alice_16k"
expect "required claim grp=tester present: accepted" "$GRANTED" grp alice "$WORK/alice_tester"

# --- rejected by the issuer or the claims --------------------------------------
expect "bob's token does not log in alice" "$DENIED" strict alice "$WORK/bob"
check_log "the reason names the claim and both users" \
	'reason: claim "preferred_username" is "bob", not the PAM user "alice"'
# With only a failed 'sufficient' module in the stack libpam answers
# PAM_PERM_DENIED; PostgreSQL refuses on anything but PAM_SUCCESS.
expect "seed configuration also refuses bob's token for alice" \
	'pam_authenticate: PAM_PERM_DENIED' seed alice "$WORK/bob"
expect "an expired token is refused" "$DENIED" strict alice "$WORK/alice_expired"
check_log "the reason says the issuer refused it" "reason: the issuer refused the token as invalid: expired, revoked or not issued by it (HTTP 401 invalid_token)"
printf 'garbage.not.atoken' >"$WORK/garbage"
expect "a garbage token is refused" "$DENIED" strict alice "$WORK/garbage"
check_log "the reason says the issuer refused it" "the issuer refused the token as invalid: expired, revoked or not issued by it (HTTP 401 invalid_token)"
expect "required claim grp=tester missing: refused" "$DENIED" grp alice "$WORK/alice"
check_log "the reason names the missing claim" "reason: required claim grp=tester: the claim is missing"
expect "required claim grp=tester with another value: refused" "$DENIED" grp alice "$WORK/alice_other_grp"
check_log "the reason shows the value found" 'reason: required claim grp=tester: the token has "admins"'

# --- refused before any request ---------------------------------------------
before=$(issuer_requests)
: >"$WORK/empty"
expect "an empty password is refused" "$DENIED" strict alice "$WORK/empty"
check_log "the reason says the token is empty" "reason: empty token"
printf '  \n' >"$WORK/blank"
expect "a blank password is refused" "$DENIED" strict alice "$WORK/blank"
head -c 16385 /dev/zero | tr '\0' 'a' >"$WORK/oversize"
expect "a token over max_token_size is refused" "$DENIED" strict alice "$WORK/oversize"
check_log "the reason gives the size and the limit" "token of 16385 bytes is over max_token_size=16384"
expect "max_token_size=1000 refuses the 4 KB token" "$DENIED" small alice "$WORK/alice_4k"
printf 'abc\r\nX-Injected: yes' >"$WORK/crlf"
expect "a token with CR/LF (header injection) is refused" "$DENIED" strict alice "$WORK/crlf"
check_log "the reason names the bad characters" "token has characters a bearer token cannot have"
expect "no password from the client at all is refused" 'pam_authenticate: PAM_AUTHTOK_ERR' strict alice ""
check_log "the reason says the client sent no token" 'user="alice": no token from the client'
after=$(issuer_requests)
check "none of these refusals made a request to the issuer" test "$before" = "$after"

# --- issuer unavailable ---------------------------------------------------------
service down "userinfo=http://127.0.0.1:1/userinfo" username_claim=preferred_username
expect "issuer not listening: PAM_AUTHINFO_UNAVAIL" "$UNAVAILABLE" down alice "$WORK/alice"
check_log "the reason says the issuer cannot be reached" "reason: cannot reach issuer"
timeout_case hang "issuer that never answers"
fault_case status/500 "issuer answering 500" "reason: issuer answered HTTP 500"
fault_case status/503 "issuer answering 503" "reason: issuer answered HTTP 503"
fault_case notjson "a body that is not JSON" "reason: issuer's answer is not valid JSON"
fault_case html "an HTML page" "reason: issuer's answer is not JSON (Content-Type: text/html)"
fault_case array "a JSON array" "reason: issuer's answer is not a JSON object"
fault_case big "a 2 MiB body" "reason: issuer's answer is over 1048576 bytes"
fault_case redirect "a redirect to the real userinfo (not followed)" \
	"redirect (HTTP 302), which is not followed"

# --- configuration errors --------------------------------------------------------
service bad "userinfo=$USERINFO" username_claim=preferred_username grp=tester
expect "an unknown option in the named form: PAM_SERVICE_ERR" "$CONFIG_ERROR" bad alice "$WORK/alice"
check_log "the reason names the option" 'configuration error: unknown option "grp"'
service bad "http://idp.example.com/userinfo" preferred_username
expect "plain http to a remote host: PAM_SERVICE_ERR" "$CONFIG_ERROR" bad alice "$WORK/alice"
check_log "the reason says https is needed" "plain http is allowed only to loopback hosts"
service bad "userinfo=$USERINFO" timeout=0
expect "a zero timeout: PAM_SERVICE_ERR" "$CONFIG_ERROR" bad alice "$WORK/alice"

# --- the account phase ----------------------------------------------------------
expect "account without authentication by this module: not granted" \
	'pam_acct_mgmt: PAM_PERM_DENIED' strict alice "" --acct-only
service strict_debug "$USERINFO" preferred_username debug
expect "account without authentication, with debug: not granted" \
	'pam_acct_mgmt: PAM_PERM_DENIED' strict_debug alice "" --acct-only
check_log "the module says it has no opinion (PAM_IGNORE)" "account: this module did not authenticate the handle"
expect "account after auth, with PAM_USER changed: denied" \
	$'pam_authenticate: PAM_SUCCESS\npam_acct_mgmt: PAM_PERM_DENIED' \
	strict alice "$WORK/alice" --switch-user bob
check_log "the reason says the user changed" 'account denied: user="bob" is not the user the token was checked for'
service no_leeway "$USERINFO" preferred_username leeway=0
mint "$WORK/alice_short" username=alice expires_in=2
expect "account after the token expired (leeway=0): denied" \
	$'pam_authenticate: PAM_SUCCESS\npam_acct_mgmt: PAM_PERM_DENIED' \
	no_leeway alice "$WORK/alice_short" --pause 3
check_log "the reason says the token expired" 'account denied: user="alice": token expired'
check_log "and names the leeway" 's ago (leeway 0 s)'
# The auth phase allows leeway= (60 s by default) past exp for clock skew;
# the account phase must not refuse what it just let through.
mint "$WORK/alice_short" username=alice expires_in=2
expect "account a moment after exp, within the leeway: granted" "$GRANTED" \
	strict alice "$WORK/alice_short" --pause 3

# --- debug: each step of the decision at LOG_DEBUG ------------------------------------
service dbg "userinfo=$USERINFO" username_claim=preferred_username cache=off debug
expect "debug: alice's token logs alice in" "$GRANTED" dbg alice "$WORK/alice"
check_log "debug: the intake step, with the fingerprint only" \
	"debug: intake: ok: $(tr -d '\n' <"$WORK/alice" | wc -c)-byte bearer token, sha256:"
check_log "debug: the check chosen" "debug: method: info: userinfo (issuer 127.0.0.1)"
check_log "debug: the issuer's answer" "debug: userinfo: ok: the issuer answered HTTP 200"
check_log "debug: the username step" \
	'debug: username: ok: claim "preferred_username" is "alice", the PAM user'
check_log "debug: then the decision line" 'auth granted: user="alice"'
# authpriv (10) * 8 + LOG_DEBUG (7): syslog(3) starts each message with <87>.
if [ "$SYSLOG_CAPTURED" -eq 1 ]; then
	check "debug: every step line is at LOG_DEBUG" \
		bash -c '[ -n "$1" ] && ! grep -v "^<87>" <<<"$1"' _ "$(log_since_mark | grep 'debug: ')"
	check "debug: the claims themselves are not logged" \
		bash -c '! grep -q "\"preferred_username\": \"alice\"" <<<"$1"' _ "$(log_since_mark)"
fi
expect "debug: bob's token for alice refused" "$DENIED" dbg alice "$WORK/bob"
check_log "debug: the failing step says why" \
	'debug: username: fail: rejected: claim "preferred_username" is "bob", not the PAM user "alice"'
expect "without debug: alice's token logs alice in" "$GRANTED" strict alice "$WORK/alice"
if [ "$SYSLOG_CAPTURED" -eq 1 ]; then
	check "without debug: no step lines" bash -c '! grep -q "debug: " <<<"$1"' _ "$(log_since_mark)"
fi

# --- after a module that prompts -------------------------------------------------
# libpam's pam_get_authtok reads use_first_pass and try_first_pass from the
# module's own arguments.  pam_ask_permit asks for the password first, so
# PAM_AUTHTOK holds the token when pam_oauth2 runs.
[ -n "${PAM_ASK_PERMIT:-}" ] || bail "PAM_ASK_PERMIT is not set: run the tests through meson test"
stacked() { # NAME WORD: pam_ask_permit, then the module with WORD
	printf 'auth    required %s\nauth    required %s %s\naccount required %s\n' \
		"$PAM_ASK_PERMIT" "$PAM_OAUTH2_MODULE" "userinfo=$USERINFO username_claim=preferred_username $2" \
		"$PAM_OAUTH2_MODULE" >"$WORK/pam.d/$1"
}
stacked first_use use_first_pass
expect "use_first_pass after a module that prompted: the token it read logs alice in" \
	"$GRANTED" first_use alice "$WORK/alice"
stacked first_try try_first_pass
expect "try_first_pass after a module that prompted: granted" "$GRANTED" first_try alice "$WORK/alice"
stacked first_try_bob "try_first_pass"
expect "try_first_pass: bob's token read by the first module does not log in alice" \
	"$DENIED" first_try_bob alice "$WORK/bob"
# Alone, use_first_pass must not prompt: the conversation would answer
# with a good token, so only a refusal shows that libpam honoured it.
service alone_use "userinfo=$USERINFO" username_claim=preferred_username use_first_pass
expect "use_first_pass with no module before it: no prompt, no login" \
	"$DENIED" alone_use alice "$WORK/alice"
check_log "the log says no token came" 'user="alice": no token from the client'
service alone_try "$USERINFO" preferred_username try_first_pass
expect "try_first_pass with no module before it (positional form): it prompts, granted" \
	"$GRANTED" alone_try alice "$WORK/alice"
service both "userinfo=$USERINFO" use_first_pass try_first_pass
expect "use_first_pass with try_first_pass: PAM_SERVICE_ERR" "$CONFIG_ERROR" both alice "$WORK/alice"
check_log "the reason says to give one" "give use_first_pass or try_first_pass, not both"

check_no_token_in_log
tap_finish
