#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# pg_oauth2_token run as a user runs it: a real process against a real
# OpenID provider (oidc-provider, tests/device-issuer) on loopback, the
# user's approval played over HTTP by approve.mjs.  Device grant, client
# credentials, the token cache, refresh, "-- command", and what must never
# happen: a token on stderr, a secret file others can read.
set -u
. "$(dirname "$0")/../lib/pam.sh"

[ -n "${PG_OAUTH2_TOKEN:-}" ] || bail "PG_OAUTH2_TOKEN is not set: run the tests through meson test"
[ -n "${DEVICE_ISSUER_DIR:-}" ] || bail "DEVICE_ISSUER_DIR is not set: run the tests through meson test"
[ -d "$DEVICE_ISSUER_DIR/node_modules" ] ||
	bail "the device issuer's packages are missing: npm ci --prefix $DEVICE_ISSUER_DIR"

node "$DEVICE_ISSUER_DIR/issuer.mjs" --state-file "$WORK/device.json" --interval 1 >"$WORK/device.out" 2>"$WORK/device.err" &
on_exit "kill $!"
wait_for_file "$WORK/device.json" 20 || bail "oidc-provider did not start: $(cat "$WORK/device.err")"
field() { node -p "JSON.parse(require('fs').readFileSync('$WORK/device.json')).$1"; }
ISS=$(field issuer)
SECRET=$(field clientSecret)
RESOURCE=$(field resource)

# The user's own cache directory, as pg_oauth2_token finds it.
export XDG_CACHE_HOME="$WORK/xdg"
mkdir -m 700 "$XDG_CACHE_HOME"
STORE="$XDG_CACHE_HOME/pg_oauth2_token"

stat_json() { curl -s "$ISS/__stats" | node -p "const s=JSON.parse(require('fs').readFileSync(0)); $1"; }
requests() { stat_json 's.requests'; }
grants() { stat_json "s.grants['$1'] || 0"; }
device_starts() { stat_json 's.device_authorization'; }
# The device polls since poll number $1, as gaps in milliseconds.
poll_gaps() { stat_json "s.polls.slice($1).map((t,i,a)=>i?t-a[i-1]:null).slice(1).join(' ')"; }
poll_count() { stat_json 's.polls.length'; }
userinfo_sub() {
	curl -s -H "Authorization: Bearer $(cat "$1")" "$ISS/me" |
		node -p 'try { JSON.parse(require("fs").readFileSync(0)).sub } catch { "" }'
}

RUN=0
TOKEN_FILES=()
STDERR_FILES=()
# tool ARGS...: one run, waited for; OUT, ERR (files) and RC.
tool() {
	RUN=$((RUN + 1))
	OUT="$WORK/out.$RUN" ERR="$WORK/err.$RUN"
	"$PG_OAUTH2_TOKEN" "$@" >"$OUT" 2>"$ERR"
	RC=$?
	TOKEN_FILES+=("$OUT")
	STDERR_FILES+=("$ERR")
}

# device_run LOGIN APPROVE_DELAY [--deny] -- ARGS...: a device grant run in
# the background; once it has shown the code, waits APPROVE_DELAY seconds,
# then approves (or denies) as LOGIN.  OUT, ERR, RC as for tool; APPROVED is
# approve.mjs's status.
device_run() {
	local login=$1 delay=$2 mode="" url i pid
	shift 2
	if [ "$1" = --deny ]; then mode=--deny; shift; fi
	shift # --
	RUN=$((RUN + 1))
	OUT="$WORK/out.$RUN" ERR="$WORK/err.$RUN"
	"$PG_OAUTH2_TOKEN" "$@" >"$OUT" 2>"$ERR" &
	pid=$!
	url=""
	for ((i = 0; i < 200; i++)); do
		sleep 0.1
		url=$(grep -o "$ISS/device?user_code=[A-Z-]*" "$ERR" | head -n 1)
		[ -n "$url" ] && break
	done
	APPROVED=99
	if [ -n "$url" ]; then
		sleep "$delay"
		node "$DEVICE_ISSUER_DIR/approve.mjs" "$url" "$login" $mode >"$WORK/approve.$RUN" 2>&1
		APPROVED=$?
	else
		diag "no verification URL on stderr: $(cat "$ERR")"
	fi
	wait "$pid"
	RC=$?
	TOKEN_FILES+=("$OUT")
	STDERR_FILES+=("$ERR")
}

# A JWT's claim, or "" for a token that is not a JWT (opaque).
jwt_claim() {
	node -e "const p=require('fs').readFileSync('$1','utf8').trim().split('.');
		let c={}; try { c=JSON.parse(Buffer.from(p[1],'base64url')); } catch {}
		console.log(p.length === 3 ? (c['$2'] ?? '') : '')"
}
one_line() { [ "$(wc -l <"$1")" -eq 1 ] && [ -s "$1" ]; }
rc_is() { [ "$RC" -eq "$1" ] || { diag "exit $RC, expected $1: $(head -c 600 "$ERR")"; return 1; }; }

# --- usage and configuration errors: exit 2 -----------------------------------
tool
check "no arguments: exit 2" rc_is 2
check "no arguments: says what is required" grep -q -- '--issuer and --client-id are required' "$ERR"
tool --issuer "http://example.com" --client-id pg-cli
check "plain http to a host not on loopback is refused with exit 2" rc_is 2
check "... naming the rule" grep -q 'plain http is allowed only to loopback' "$ERR"
tool --issuer "$ISS" --client-id pg-batch --client-credentials
check "--client-credentials without a secret file: exit 2" rc_is 2
tool --issuer "$ISS" --client-id pg-cli psql
check "an operand without -- before it: exit 2" rc_is 2
tool --help
check "--help: exit 0, usage on stdout" eval '[ "$RC" -eq 0 ] && grep -q "^usage: pg_oauth2_token" "$OUT"'

printf '%s\n' "$SECRET" >"$WORK/batch.secret"
chmod 644 "$WORK/batch.secret"
r0=$(requests)
tool --issuer "$ISS" --client-id pg-batch --client-secret-file "$WORK/batch.secret" --client-credentials --scope db
check "a world-readable secret file is refused with exit 2" rc_is 2
check "... saying chmod 600" grep -q 'must not be readable by group or others (chmod 600)' "$ERR"
check "... before any request" test "$(requests)" -eq "$r0"
chmod 640 "$WORK/batch.secret"
tool --issuer "$ISS" --client-id pg-batch --client-secret-file "$WORK/batch.secret" --client-credentials --scope db
check "a group-readable secret file is refused too" rc_is 2
chmod 600 "$WORK/batch.secret"

# The discovery document names "$ISS", not "$ISS/": whoever serves the
# metadata must not be able to speak for another issuer.
tool --issuer "$ISS/" --client-id pg-cli --no-cache
check "an issuer whose metadata names another issuer: exit 1" rc_is 1
check "... saying the metadata was discarded" grep -q 'names another issuer: discarded' "$ERR"

# --- device authorization grant ------------------------------------------------
# A run killed while writing its entry, two hours ago, left a temporary file.
mkdir -p -m 700 "$STORE"
LEFT_BEHIND="$STORE/token.tmp.0123456789abcdef0123456789abcdef"
printf 'x' >"$LEFT_BEHIND"
chmod 600 "$LEFT_BEHIND"
touch -d '2 hours ago' "$LEFT_BEHIND"
p0=$(poll_count)
device_run alice 0 -- --issuer "$ISS" --client-id pg-cli --scope "openid offline_access"
check "device grant: approved in the browser" test "$APPROVED" -eq 0
check "device grant: exit 0" rc_is 0
check "device grant: the verification URI and the code are on stderr" \
	grep -qE "open $ISS/device in a browser and enter the code [A-Z]{4}-[A-Z]{4}" "$ERR"
check "device grant: verification_uri_complete too" grep -qF "$ISS/device?user_code=" "$ERR"
check "device grant: stdout is the token alone, on one line" one_line "$OUT"
check "device grant: the issuer's userinfo says the token is alice's" test "$(userinfo_sub "$OUT")" = alice
check "device grant: the tool waited the interval before polling" \
	eval '[ "$(poll_count)" -gt "$p0" ]'
ALICE="$OUT"

check "cache: saving a token removed the temporary file a killed run left" \
	test ! -e "$LEFT_BEHIND"
check "cache: directory mode 0700" test "$(stat -c %a "$STORE")" = 700
check "cache: every entry mode 0600" test -z "$(find "$STORE" -type f ! -perm 600)"
r0=$(requests)
tool --issuer "$ISS" --client-id pg-cli --scope "openid offline_access"
check "cache: a valid cached token comes back, exit 0" rc_is 0
check "cache: the same token" cmp -s "$OUT" "$ALICE"
check "cache: not one request to the issuer" test "$(requests)" -eq "$r0"
device_run alice 0 --deny -- --issuer "$ISS" --client-id pg-cli --scope openid
check "cache: another scope is another entry (no token for it: a new sign-in)" \
	grep -q 'enter the code' "$ERR"

# authorization_pending: approved 2.5 s late, so the tool polls while the
# user has not answered, each poll an interval (1 s) after the last.
p0=$(poll_count)
device_run alice 2.5 -- --issuer "$ISS" --client-id pg-cli --scope openid --no-cache
check "authorization_pending: exit 0 after a late approval" rc_is 0
check "authorization_pending: polled more than once" test "$(($(poll_count) - p0))" -ge 2
gaps=$(poll_gaps "$p0")
check "authorization_pending: every poll at least the interval after the last ($gaps ms)" \
	eval '! echo "$gaps" | tr " " "\n" | awk "\$1 != \"\" && \$1 < 900 {bad=1} END {exit !bad}"'

# slow_down: the first poll's authorization_pending becomes slow_down (the
# approval comes 1.5 s late), so the next poll comes at least 1 + 5 s later
# (RFC 8628 section 3.5).
curl -s "$ISS/__control?slowDown=1" >/dev/null
p0=$(poll_count)
device_run alice 1.5 -- --issuer "$ISS" --client-id pg-cli --scope openid --no-cache
check "slow_down: still gets a token" rc_is 0
gaps=$(poll_gaps "$p0")
check "slow_down: the next poll waited the interval plus 5 s ($gaps ms)" \
	eval '[ -n "$gaps" ] && [ "${gaps%% *}" -ge 5500 ]'

# Without "interval" in the issuer's answer, the client waits 5 s (RFC 8628
# section 3.2) before its first poll.
curl -s "$ISS/__control?interval=0" >/dev/null
p0=$(poll_count)
device_run alice 0 -- --issuer "$ISS" --client-id pg-cli --scope openid --no-cache
curl -s "$ISS/__control?interval=1" >/dev/null
first_wait=$(stat_json "s.polls[$p0] - s.device_started[s.device_started.length - 1]")
check "no interval given: exit 0" rc_is 0
check "no interval given: the first poll came 5 s after the code ($first_wait ms)" \
	eval '[ "$first_wait" -ge 4500 ]'

device_run alice 0 --deny -- --issuer "$ISS" --client-id pg-cli --scope openid --no-cache
check "access denied: the user pressed Abort" test "$APPROVED" -eq 0
check "access denied: exit 1" rc_is 1
check "access denied: says so" grep -q 'the sign-in was refused (access_denied)' "$ERR"
check "access denied: nothing on stdout" test ! -s "$OUT"

RUN=$((RUN + 1))
OUT="$WORK/out.$RUN" ERR="$WORK/err.$RUN"
timed "$PG_OAUTH2_TOKEN" --issuer "$ISS" --client-id pg-cli-expiring --no-cache >"$OUT" 2>"$ERR"
RC=$?
STDERR_FILES+=("$ERR")
check "expired code: exit 1 when nobody approves" rc_is 1
check "expired code: says it expired" grep -q 'expired' "$ERR"
check "expired code: gave up within the code's life, not the tool's timeout (${ELAPSED_MS} ms)" \
	test "$ELAPSED_MS" -lt 15000

# --- refresh -------------------------------------------------------------------
# pg-cli-short's access tokens live 2 s, under the default --min-validity of
# 60 s: every cached one is due for a refresh.
device_run bob 0 -- --issuer "$ISS" --client-id pg-cli-short --scope "openid offline_access"
check "refresh: first sign-in, exit 0" rc_is 0
BOB1="$OUT"
d0=$(device_starts) f0=$(grants refresh_token)
tool --issuer "$ISS" --client-id pg-cli-short --scope "openid offline_access"
check "refresh: a token near expiry is refreshed, exit 0" rc_is 0
check "refresh: through the refresh_token grant" test "$(grants refresh_token)" -eq "$((f0 + 1))"
check "refresh: no new device sign-in" test "$(device_starts)" -eq "$d0"
check "refresh: a new token" eval '! cmp -s "$OUT" "$BOB1"'
check "refresh: the issuer takes it as bob's" test "$(userinfo_sub "$OUT")" = bob
sleep 2.5
tool --issuer "$ISS" --client-id pg-cli-short --scope "openid offline_access"
check "refresh: an expired token is refreshed too" eval '[ "$RC" -eq 0 ] && [ "$(grants refresh_token)" -eq "$((f0 + 2))" ]'

# Runs started together near expiry, as a script's would be. The issuer
# rotates refresh tokens (a public client) and revokes the sign-in when a
# spent one comes back, so the runs must take turns, each refreshing with
# the token the one before left. Each run is cut at 60 s: a run that lost
# its sign-in would wait on a device grant nobody approves.
f2=$(grants refresh_token) d2=$(device_starts)
pids=()
for i in 1 2 3 4; do
	timeout 60 "$PG_OAUTH2_TOKEN" --issuer "$ISS" --client-id pg-cli-short \
		--scope "openid offline_access" >"$WORK/together.$i" 2>"$WORK/together.err.$i" &
	pids+=($!)
	TOKEN_FILES+=("$WORK/together.$i")
	STDERR_FILES+=("$WORK/together.err.$i")
done
together_ok=0
for pid in "${pids[@]}"; do wait "$pid" && together_ok=$((together_ok + 1)); done
check "refresh, 4 runs at once: each gets a token, exit 0" test "$together_ok" -eq 4
check "refresh, 4 runs at once: 4 refresh grants in turn, no device sign-in" \
	eval '[ "$(grants refresh_token)" -eq "$((f2 + 4))" ] && [ "$(device_starts)" -eq "$d2" ]'
tool --issuer "$ISS" --client-id pg-cli-short --scope "openid offline_access"
check "refresh, 4 runs at once: the sign-in survives, the next run refreshes" \
	eval '[ "$RC" -eq 0 ] && [ "$(grants refresh_token)" -eq "$((f2 + 5))" ] && [ "$(device_starts)" -eq "$d2" ]'
check "refresh, 4 runs at once: the token is bob's" test "$(userinfo_sub "$OUT")" = bob

# A token endpoint that fails (503 before the provider sees the request)
# does not cost the refresh token: the run fails, the next one refreshes.
d1=$(device_starts) f1=$(grants refresh_token)
curl -s "$ISS/__control?unavailable=1" >/dev/null
tool --issuer "$ISS" --client-id pg-cli-short --scope "openid offline_access"
check "refresh unavailable: exit 1" rc_is 1
check "refresh unavailable: says the token is kept" grep -q 'cannot refresh the token, kept for the next run: .*HTTP 503' "$ERR"
check "refresh unavailable: no device sign-in started" test "$(device_starts)" -eq "$d1"
check "refresh unavailable: the issuer answered 503 once" test "$(stat_json 's.unavailable')" -eq 1
tool --issuer "$ISS" --client-id pg-cli-short --scope "openid offline_access"
check "refresh unavailable: the next run refreshes with the kept token, exit 0" rc_is 0
check "refresh unavailable: through the refresh_token grant" test "$(grants refresh_token)" -eq "$((f1 + 1))"
check "refresh unavailable: still no device sign-in" test "$(device_starts)" -eq "$d1"
check "refresh unavailable: the token is bob's" test "$(userinfo_sub "$OUT")" = bob

curl -s "$ISS/__control?failRefresh=1" >/dev/null
device_run bob 0 -- --issuer "$ISS" --client-id pg-cli-short --scope "openid offline_access"
check "refresh refused: falls back to the device grant, exit 0" rc_is 0
check "refresh refused: says so" grep -q 'the refresh token did not work (.*invalid_grant' "$ERR"
check "refresh refused: the new token is bob's" test "$(userinfo_sub "$OUT")" = bob

# --- client credentials --------------------------------------------------------
CC=(--issuer "$ISS" --client-id pg-batch --client-secret-file "$WORK/batch.secret" --client-credentials --scope db)
c0=$(grants client_credentials)
tool "${CC[@]}"
check "client credentials: exit 0" rc_is 0
check "client credentials: one token on stdout" one_line "$OUT"
check "client credentials: one grant at the issuer" test "$(grants client_credentials)" -eq "$((c0 + 1))"
check "client credentials: introspection says active, for pg-batch" test "$(
	curl -s -u "pg-batch:$SECRET" --data-urlencode "token=$(cat "$OUT")" "$ISS/token/introspection" |
		node -p 'const j=JSON.parse(require("fs").readFileSync(0)); j.active && j.client_id')" = pg-batch
BATCH="$OUT"
r0=$(requests)
tool "${CC[@]}"
check "client credentials: cached, same token, no request" \
	eval 'cmp -s "$OUT" "$BATCH" && [ "$(requests)" -eq "$r0" ]'
tool "${CC[@]}" --no-cache
check "--no-cache: a new grant and a new token" \
	eval '[ "$RC" -eq 0 ] && ! cmp -s "$OUT" "$BATCH" && [ "$(grants client_credentials)" -eq "$((c0 + 2))" ]'
printf 'wrong\n' >"$WORK/wrong.secret"
chmod 600 "$WORK/wrong.secret"
tool --issuer "$ISS" --client-id pg-batch --client-secret-file "$WORK/wrong.secret" --client-credentials --no-cache
check "client credentials: a wrong secret is exit 1" rc_is 1
check "... with the issuer's error" grep -q 'invalid_client' "$ERR"

# --- RFC 8707 resource ------------------------------------------------------------
tool "${CC[@]}" --resource "$RESOURCE"
check "--resource: exit 0" rc_is 0
check "--resource: a JWT whose aud is the resource" test "$(jwt_claim "$OUT" aud)" = "$RESOURCE"
check "--resource: not the token cached for no resource" eval '! cmp -s "$OUT" "$BATCH"'
check "a token for no resource is opaque" test -z "$(jwt_claim "$BATCH" aud)"
RES_TOKEN="$OUT"
r0=$(requests)
tool "${CC[@]}" --resource "$RESOURCE"
check "--resource: cached under the resource, no request" \
	eval 'cmp -s "$OUT" "$RES_TOKEN" && [ "$(requests)" -eq "$r0" ]'
tool "${CC[@]}"
check "no --resource: the token cached for no resource, not the resource's" cmp -s "$OUT" "$BATCH"
tool "${CC[@]}" --resource "https://elsewhere.example.test/" --no-cache
check "a resource the issuer does not know: exit 1" rc_is 1
check "... with the issuer's invalid_target" grep -q 'invalid_target' "$ERR"
r0=$(requests)
for bad in "db" "https://db.example.test/pg#frag" "https://db.example.test/a b" ":nothing"; do
	tool "${CC[@]}" --resource "$bad"
	check "--resource '$bad' is a usage error, exit 2" rc_is 2
done
check "... naming RFC 8707" grep -q -- '--resource: not an absolute URI without a fragment' "$ERR"
tool "${CC[@]}" --resource "$RESOURCE" --resource "$RESOURCE"
check "--resource twice: exit 2" rc_is 2
tool --issuer "$ISS" --client-id pg-batch --client-secret-file "$WORK/batch.secret" --client-credentials --scope $'db\nopenid'
check "a scope with a newline is a usage error, exit 2" rc_is 2
tool --issuer "$ISS" --client-id pg-batch --client-secret-file "$WORK/batch.secret" --client-credentials --scope 'db  openid'
check "scopes apart by two spaces: exit 2" rc_is 2
check "usage errors send nothing to the issuer" test "$(requests)" -eq "$r0"

# The device grant names the resource on the code request and on every
# poll; a refresh names it again, else the issuer would hand out a token
# for no resource.
device_run carol 0 -- --issuer "$ISS" --client-id pg-cli-short --scope "openid offline_access db" --resource "$RESOURCE"
check "device grant with --resource: exit 0" rc_is 0
check "device grant with --resource: aud is the resource" test "$(jwt_claim "$OUT" aud)" = "$RESOURCE"
check "device grant with --resource: the token is carol's" test "$(jwt_claim "$OUT" sub)" = carol
CAROL="$OUT"
f0=$(grants refresh_token)
tool --issuer "$ISS" --client-id pg-cli-short --scope "openid offline_access db" --resource "$RESOURCE"
check "refresh with --resource: exit 0, through the refresh_token grant" \
	eval '[ "$RC" -eq 0 ] && [ "$(grants refresh_token)" -eq "$((f0 + 1))" ]'
check "refresh with --resource: a new token, aud still the resource" \
	eval '! cmp -s "$OUT" "$CAROL" && [ "$(jwt_claim "$OUT" aud)" = "$RESOURCE" ]'

# What the resource is for: the database's pam_oauth2 checks the audience.
service resource_jwt issuer=$ISS audience=$RESOURCE username_claim=sub cache_dir=$WORK/modcache
expect "pam_oauth2 with audience=the resource logs carol in with that token" "$GRANTED" resource_jwt carol "$OUT"
expect "... and refuses the client's token for no resource" "$DENIED" resource_jwt pg-batch "$BATCH"
expect "... and takes the client's token for the resource" "$GRANTED" resource_jwt pg-batch "$RES_TOKEN"

# --- -- command ------------------------------------------------------------------
want=$(tr -d '\n' <"$ALICE" | sha256sum)
tool --issuer "$ISS" --client-id pg-cli --scope "openid offline_access" -- sh -c 'printf %s "$PGPASSWORD" | sha256sum'
check "-- command: PGPASSWORD holds the token (compared by hash)" \
	eval '[ "$RC" -eq 0 ] && [ "$(cat "$OUT")" = "$want" ]'
tool --issuer "$ISS" --client-id pg-cli --scope "openid offline_access" -- sh -c 'exit 7'
check "-- command: its exit status is ours" rc_is 7
tool --issuer "$ISS" --client-id pg-cli --scope "openid offline_access" -- /nonexistent/psql
check "-- command that cannot run: exit 127" rc_is 127
tool --issuer "$ISS" --client-id pg-cli --scope "openid offline_access" -- sh -c 'ps -o args= -p $PPID; cat /proc/$$/cmdline | tr "\0" " "'
check "-- command: the token is in no argv" eval '! grep -qF "$(cat "$ALICE")" "$OUT"'

# --- the cache directory must be the user's alone -------------------------------
chmod 770 "$STORE"
tool --issuer "$ISS" --client-id pg-cli --scope "openid offline_access"
check "a group-writable cache directory is refused: exit 2" rc_is 2
check "... naming it" grep -qF "$STORE" "$ERR"
chmod 700 "$STORE"

# --- no token on stderr ----------------------------------------------------------
leaked=0
for t in "${TOKEN_FILES[@]}"; do
	[ -s "$t" ] && [ "$(wc -l <"$t")" -eq 1 ] || continue
	tok=$(cat "$t")
	[ "${#tok}" -ge 20 ] || continue
	for e in "${STDERR_FILES[@]}"; do
		grep -qF -- "$tok" "$e" && { leaked=1; diag "token of $t in $e"; }
	done
done
check "no token ever appears on stderr" test "$leaked" -eq 0

tap_finish
