#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# pam_oauth2_check run as a DBA runs it, against the test issuer: the
# verdict, the exit status, the steps named, --service reading a pam.d
# file, --json, usage errors, and that the token is never printed.
set -u
. "$(dirname "$0")/../lib/pam.sh"
[ -n "${PAM_OAUTH2_CHECK:-}" ] || bail "PAM_OAUTH2_CHECK is not set: run the tests through meson test"

start_issuer
ISSUER=$(issuer_field issuer)
INTROSPECT=$(issuer_field introspection_endpoint)
write_client_secret
ALL_OUTPUT="$WORK/all_output"
: >"$ALL_OUTPUT"

# run_check TOOL-ARGS...: OUT is what the tool printed (stdout and stderr),
# RC its exit status; everything printed is also kept for the token check.
run_check() {
	OUT=$("$PAM_OAUTH2_CHECK" "$@" 2>&1)
	RC=$?
	printf '%s\n' "$OUT" >>"$ALL_OUTPUT"
}

# expect_check DESCRIPTION EXIT-STATUS FIXED-STRING...: the last run exited
# so and printed every string (runs of spaces count as one, as the text
# report aligns its columns); a sanitizer report fails it whatever else.
expect_check() {
	local desc=$1 want=$2 s why=""
	shift 2
	[ "$RC" = "$want" ] || why="exit status $RC, not $want"
	for s in "$@"; do
		tr -s ' ' <<<"$OUT" | grep -qF -- "$(tr -s ' ' <<<"$s")" || why="$why; missing: $s"
	done
	grep -qE 'Sanitizer|runtime error:' <<<"$OUT" && why="$why; sanitizer report"
	if [ -z "$why" ]; then
		ok "$desc"
	else
		not_ok "$desc"
		diag "${why#; }"
		sed 's/^/#   /' <<<"$OUT" | head -n 40
	fi
}

# json_field EXPRESSION: the value of a JavaScript expression over the last
# output parsed as JSON (`j`), or "unparsable".
json_field() {
	node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{let j;
		try { j = JSON.parse(s); } catch (e) { console.log('unparsable'); return; }
		console.log(String($1));})" <<<"$OUT"
}

JWT_BASE="issuer=$ISSUER audience=db username_claim=preferred_username"
JWT="$JWT_BASE cache_dir=$WORK/cache"
KC='{"realm_access":{"roles":["dba"]},"name":"Alice Smith"}'
mint "$WORK/alice" username=alice aud=db "scope=openid db:login" "extra_json=$KC"
mint "$WORK/alice_otheraud" username=alice aud=reporting
mint "$WORK/alice_expired" username=alice aud=db expires_in=-120
mint "$WORK/alice_mail" username=alice aud=db
node "$ISSUER_DIR/mint.mjs" --state-file "$WORK/issuer.json" --opaque username=alice >"$WORK/alice_opaque"
MINTED_TOKENS+=("$WORK/alice_opaque")

# --- verdicts and their steps ---------------------------------------------------------
run_check --user alice --token-file "$WORK/alice" $JWT scope=db:login
expect_check "an accepted JWT: exit 0 and every step listed" 0 \
	"verdict: accepted" "ok    intake" "info  method" "info  cache lookup   miss" \
	"ok    jwt signature" "RS256 signature verified" "ok    jwt claims" \
	"ok    cache store" "ok    username" 'claim "preferred_username" is "alice"' \
	"ok    rule scope=db:login" "options: the command line"
expect_check "the verified claims are shown, times readable" 0 \
	'"preferred_username": "alice"' '"scope": "openid db:login"' "exp 20" " UTC, in "

run_check --user alice --token-file "$WORK/alice" $JWT scope=db:login
expect_check "run again: answered from cache, as the module would be" 0 \
	"ok    cache lookup   answered from cache" "verdict: accepted" \
	"method jwt (answered from cache)"
run_check --user alice --token-file "$WORK/alice" --no-cache $JWT scope=db:login
expect_check "--no-cache: cache=off, the token checked afresh" 0 \
	"skip  cache" "cache=off" "ok    jwt signature" "verdict: accepted"
check "--no-cache does not say it was answered from cache" \
	bash -c '! grep -q "answered from cache" <<<"$1"' _ "$OUT"
run_check --user alice --token-file "$WORK/alice" --no-cache $JWT cache=on
expect_check "--no-cache overrides a cache=on argument" 0 "cache=off" "verdict: accepted"
run_check --user alice --token-file "$WORK/alice" --no-cache $JWT cache=bogus
expect_check "--no-cache does not hide an argument the module refuses: exit 2" 2 \
	'cache: expected on or off, got "bogus"'
mkdir -m 777 "$WORK/shared_cache"
run_check --user alice --token-file "$WORK/alice" $JWT_BASE "cache_dir=$WORK/shared_cache"
expect_check "a cache_dir= the tool may not use: exit 2 with a hint" 2 \
	"verdict: error" "reason: cache_dir:" "hint: run as the service's user" "--no-cache"
run_check --user alice --token-file "$WORK/alice" --no-cache $JWT_BASE "cache_dir=$WORK/shared_cache"
expect_check "and with --no-cache it runs" 0 "verdict: accepted"

run_check --user bob --token-file "$WORK/alice" $JWT
expect_check "another user's token: exit 1, the username step fails" 1 \
	"verdict: refused" "fail  username" 'is "alice", not the PAM user "bob"'

run_check --user alice --token-file "$WORK/alice_otheraud" $JWT
expect_check "wrong audience: exit 1, the JWT claims step names aud" 1 \
	"fail  jwt claims" "JWT aud does not name this service (audience=db)" \
	"reason: JWT aud does not name this service"

run_check --user alice --token-file "$WORK/alice_expired" $JWT
expect_check "expired: exit 1, says how long ago" 1 "fail  jwt claims" "JWT expired 1"

run_check --user alice --token-file "$WORK/alice" $JWT scope=db:login claim_contains=realm_access.roles:admin
expect_check "a policy rule that fails is named, the ones before it passed" 1 \
	"ok    rule scope=db:login" "fail  rule claim_contains=realm_access.roles:admin" \
	'realm_access.roles has no "admin"'

printf '# identity  user\nsomeone@example.com  bob\nalice@example.com  reporting\n' >"$WORK/users.map"
chmod 644 "$WORK/users.map"
JWT_MAP="issuer=$ISSUER audience=db username_claim=email username_map=$WORK/users.map cache=off"
run_check --user reporting --token-file "$WORK/alice_mail" $JWT_MAP
expect_check "username map: the step names the identity and the line that maps it" 0 \
	"ok    username map" '"alice@example.com", mapped to "reporting"' "users.map line 3"
run_check --user alice --token-file "$WORK/alice_mail" $JWT_MAP
expect_check "username map: an identity not mapped to the user" 1 \
	"fail  username map" "has no line mapping identity"

run_check --user alice --token-file "$WORK/alice_opaque" "introspection=$INTROSPECT" \
	client_id=pam-db "client_secret_file=$WORK/client.secret" username_claim=preferred_username cache=off
expect_check "an opaque token through introspection" 0 \
	"info  method         introspection" "ok    introspection" "the issuer says the token is active"

run_check --user alice --token-file "$WORK/alice_mail" "$USERINFO" preferred_username cache=off
expect_check "userinfo, positional form" 0 \
	"info  method         userinfo" "ok    userinfo" "answered HTTP 200" "verdict: accepted"

run_check --user alice --token-file "$WORK/alice_mail" "$USERINFO" preferred_username \
	email=alice@example.com sub=id-bob cache=off
expect_check "positional required claims: one step each, the failing one named" 1 \
	"ok required claim email=alice@example.com" "fail required claim sub=id-bob" \
	'required claim sub=id-bob: the token has "id-alice"'

run_check --user alice --token-file "$WORK/alice" "issuer=http://127.0.0.1:1" audience=db cache=off
expect_check "an issuer that cannot be reached: exit 1, says so" 1 \
	"verdict: refused (the issuer could not be asked)" "issuer unavailable: discovery: cannot reach issuer" \
	"not remembered: the issuer gave no usable answer"

run_check --user alice $JWT <"$WORK/alice"
expect_check "the token on standard input (no --token-file)" 0 "verdict: accepted"
run_check --user alice --token-file - $JWT <"$WORK/alice"
expect_check "--token-file - is standard input" 0 "verdict: accepted"

# --- --service: the auth line of a pam.d file ----------------------------------------------
mkdir -p "$WORK/pamd"
cat >"$WORK/pamd/pg_auth" <<PAMD
# pg_auth: tokens, then nothing else
account required   pam_oauth2.so
-auth   optional   pam_permit.so
auth    [success=1 default=ignore]  /lib/security/pam_oauth2.so $JWT \\
        [claim_equals=name:Alice Smith] # the name has a space: PAM's brackets
auth    requisite  pam_deny.so
PAMD
run_check --user alice --token-file "$WORK/alice" --service pg_auth --pam-dir "$WORK/pamd"
expect_check "--service reads the auth line, brackets and continuation included" 0 \
	"options: $WORK/pamd/pg_auth line 4" "ok    rule claim_equals=name:Alice Smith" "verdict: accepted"
sed -i 's/Alice Smith/Alice Jones/' "$WORK/pamd/pg_auth"
run_check --user alice --token-file "$WORK/alice" --service pg_auth --pam-dir "$WORK/pamd"
expect_check "--service: the bracketed rule is one argument and is checked" 1 \
	"fail  rule claim_equals=name:Alice Jones" 'name is "Alice Smith"'
run_check --user alice --token-file "$WORK/alice" --service missing --pam-dir "$WORK/pamd"
expect_check "--service with no such file: exit 2" 2 "cannot read $WORK/pamd/missing"
printf 'auth required pam_unix.so\n' >"$WORK/pamd/other"
run_check --user alice --token-file "$WORK/alice" --service other --pam-dir "$WORK/pamd"
expect_check "--service whose file has no pam_oauth2 auth line: exit 2" 2 "no auth line for pam_oauth2.so"
# As on Debian: the service includes a common file that holds the line.
printf 'account required pam_permit.so\nauth sufficient pam_oauth2.so %s\n' "$JWT" >"$WORK/pamd/common-oauth"
printf '@include common-oauth\nauth required pam_deny.so\n' >"$WORK/pamd/pg_included"
run_check --user alice --token-file "$WORK/alice" --service pg_included --pam-dir "$WORK/pamd"
expect_check "--service follows @include, and names the file the line is in" 0 \
	"options: $WORK/pamd/common-oauth line 2" "verdict: accepted"
run_check --user alice --token-file "$WORK/alice" --service pg_auth --pam-dir "$WORK/pamd" audience=x
expect_check "--service and module arguments together: exit 2" 2 "not both"

# --- --show-config: the effective configuration, as sshd -T ----------------------------
run_check --show-config $JWT_BASE timeout=1 </dev/null
expect_check "--show-config: every default filled in, no token read" 0 \
	"issuer $ISSUER" "audience db" "username_claim preferred_username" "leeway 60" \
	"cache on" "cache_ttl 300" "client_auth basic" "token_type none" "max_token_size 16384" \
	"algorithms RS256,RS384,RS512,PS256,PS384,PS512,ES256,ES384,ES512,EdDSA" \
	"debug off" "use_first_pass off" "timeout 1" "connect_timeout 1" "cafile none"
# One line per option of the module's table (config.c), each once.
table=$(sed -n '/^static const struct option_spec options\[\] = {/,/^};/p' \
	"$(dirname "$0")/../../src/core/config.c" | sed -n 's/^[[:space:]]*[A-Z]*("\([a-z_]*\)".*/\1/p')
check "--show-config: one line for each of the $(grep -c . <<<"$table") options, in the table's order" \
	test "$(cut -d' ' -f1 <<<"$OUT")" = "$table"
run_check --show-config "introspection=$INTROSPECT" client_id=pam-db \
	"client_secret_file=$WORK/client.secret" client_auth=post cache=off scope=db:login
expect_check "--show-config: the secret's file named, the words as given, the rules after" 0 \
	"client_secret_file $WORK/client.secret" "client_auth post" "cache off" "scope db:login"
check "--show-config: never the secret itself" bash -c '! grep -q s3cret <<<"$1"' _ "$OUT"
run_check --show-config --service pg_auth --pam-dir "$WORK/pamd"
expect_check "--show-config --service: the pam.d line's rules, brackets undone" 0 \
	"claim_equals name:Alice Jones" "audience db"
run_check --show-config "$USERINFO" email 'grp=a"b'
expect_check "--show-config: positional required claims, escaped" 0 \
	"userinfo $USERINFO" "username_claim email" 'required_claim grp=a\"b'
run_check --show-config "issuer=$ISSUER"
expect_check "--show-config: arguments the module refuses: exit 2 and the reason" 2 \
	"configuration error: JWT validation needs audience="
run_check --show-config --user alice $JWT_BASE
expect_check "--show-config with --user: a usage error" 2 "--show-config reads no token"

# --- configuration and usage errors ----------------------------------------------------------
run_check --user alice --token-file "$WORK/alice" $JWT bogus=1
expect_check "an unknown module option: exit 2, as the module's PAM_SERVICE_ERR" 2 \
	"verdict: error" "fail  options" "bogus"
run_check --user alice --token-file "$WORK/alice" "issuer=$ISSUER" username_claim=preferred_username
expect_check "issuer= without audience=: exit 2" 2 "verdict: error" "audience"
run_check --user alice --frobnicate --token-file "$WORK/alice" $JWT
expect_check "an unknown option of the tool: exit 2 with usage" 2 "unknown option --frobnicate" "usage:"
run_check --token-file "$WORK/alice" $JWT
expect_check "no --user: exit 2" 2 "--user NAME is required"
run_check $JWT --user
expect_check "--user without a value: exit 2" 2 "--user needs a value"
run_check --user alice "--tokn=$(cat "$WORK/alice")" $JWT
expect_check "a mistyped option with a token: exit 2, the option named without its value" 2 \
	"unknown option --tokn"
run_check --help
expect_check "--help: exit 0 with usage" 0 "usage: pam_oauth2_check --user NAME"
run_check --user alice $JWT </dev/null
expect_check "no token (empty standard input): exit 2" 2 "no token"
run_check --user alice $JWT <<<" "
expect_check "a blank line, as echo \"\$UNSET\" sends: no token, exit 2" 2 "no token"

# From a terminal (a pty made by script(1), typing after the prompt, then
# Ctrl-D): a token typed whole is checked; a line of 5000 bytes, which the
# terminal cuts at 4095, is refused as cut rather than checked.
at_terminal() {
	OUT=$( (sleep 0.5; printf '%s\n' "$1"; sleep 0.3; printf '\004') |
		timeout 20 script -qec "$PAM_OAUTH2_CHECK --user alice $JWT" /dev/null 2>&1)
	RC=$?
	printf '%s\n' "$OUT" >>"$ALL_OUTPUT"
}
at_terminal "$(cat "$WORK/alice")"
expect_check "a token typed at a terminal: checked, exit 0" 0 "token (end with Ctrl-D)" \
	"verdict: accepted"
at_terminal "$(head -c 3750 /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '=')"
expect_check "a 5000-byte line at a terminal: refused as cut, exit 2" 2 \
	"a terminal passes at most 4095 bytes of a line"
run_check --user alice --token-file "$WORK/nonexistent" $JWT
expect_check "an unreadable token file: exit 2" 2 "cannot read $WORK/nonexistent"
run_check --user alice --token "$(cat "$WORK/alice")" $JWT
expect_check "there is no --token option: exit 2, says why" 2 "shell history"
run_check --user alice --token-file "$(cat "$WORK/alice")" $JWT
expect_check "a token given as --token-file is refused, not echoed as a file name: exit 2" 2 \
	"looks like a token"
run_check --user alice --token-file "$WORK/alice" --user "$(cat "$WORK/alice")" -xy $JWT
expect_check "an unknown letter after a token is named alone: exit 2" 2 "unknown option -x"
run_check --user alice $JWT "$(cat "$WORK/alice")" <"$WORK/alice"
expect_check "a token among the module arguments is refused: exit 2" 2 "looks like a token"
run_check --user alice --token-file "$WORK/alice" --json "cache_dir=$WORK/not-absolute/../x" issuer=x
expect_check "--json with bad options still exits 2" 2

# --- --json --------------------------------------------------------------------------------
run_check --user alice --token-file "$WORK/alice" --json $JWT scope=db:login
check "--json: exit 0" test "$RC" = 0
check "--json: one JSON object, verdict accepted, status ok" \
	test "$(json_field 'j.verdict + " " + j.status + " " + (j.reason === null)')" = "accepted ok true"
check "--json: method, issuer and user" \
	test "$(json_field 'j.method + " " + j.issuer + " " + j.user')" = "jwt $ISSUER alice"
check "--json: the token's fingerprint is 12 hex digits" \
	grep -qE '^[0-9a-f]{12}$' <<<"$(json_field j.token_sha256)"
check "--json: the steps, each with name, outcome and detail" \
	test "$(json_field 'j.steps.filter(s => s.name && s.outcome && typeof s.detail === "string").length == j.steps.length && j.steps.some(s => s.name === "rule scope=db:login" && s.outcome === "ok")')" = true
check "--json: the claims" test "$(json_field j.claims.preferred_username)" = alice
run_check --user alice --token-file "$WORK/alice_otheraud" --json --no-cache $JWT
check "--json refused: exit 1, verdict refused, status rejected, the reason" \
	test "$RC $(json_field 'j.verdict + "|" + j.status + "|" + j.reason')" = \
	"1 refused|rejected|JWT aud does not name this service (audience=db)"
check "--json refused: the failed step" \
	test "$(json_field 'j.steps.find(s => s.outcome === "fail").name')" = "jwt claims"
run_check --user alice --token-file "$WORK/alice_otheraud" --json $JWT
check "--json: a refusal remembered in the cache fails at the cache lookup" \
	test "$RC $(json_field 'j.from_cache + "|" + j.steps.find(s => s.outcome === "fail").name')" = \
	"1 true|cache lookup"
run_check --user alice --token-file "$WORK/alice" --json "issuer=http://127.0.0.1:1" audience=db cache=off
check "--json: an unreachable issuer is status \"issuer unavailable\"" \
	test "$RC $(json_field 'j.verdict + "|" + j.status')" = "1 refused|issuer unavailable"
run_check --user alice --token-file "$WORK/alice" --json $JWT bogus=1
check "--json: a configuration error is verdict error" \
	test "$RC $(json_field 'j.verdict + "|" + j.status')" = "2 error|configuration error"

# --- the token is never printed --------------------------------------------------------------
leaked=0
for f in "${MINTED_TOKENS[@]}"; do
	piece=$(token_piece "$f")
	whole=$(tr -d '\n' <"$f")
	grep -qF -- "$piece" "$ALL_OUTPUT" && leaked=1 && diag "a token's signature or start was printed: $f"
	grep -qF -- "$whole" "$ALL_OUTPUT" && leaked=1 && diag "a whole token was printed: $f"
done
check "no output of any run holds a token or its signature segment" test "$leaked" = 0
check "(the check can see: the outputs hold the claims)" grep -qF '"preferred_username": "alice"' "$ALL_OUTPUT"

tap_finish
