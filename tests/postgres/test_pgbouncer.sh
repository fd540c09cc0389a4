#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# PgBouncer 1.18 (auth_type=pam, PAM service "pgbouncer") with the module,
# in front of a throwaway PostgreSQL cluster, psql clients sending tokens
# from the test issuer.  A good token logs in; a token over 2,047 bytes is
# cut by PgBouncer and the refusal says so; PgBouncer runs PAM in one
# thread, so with a hung issuer every queued login waits for the ones
# before it: each is released within (queue position) x timeout= plus a
# little, none hangs; JWT logins with cached keys do not wait for the hung
# userinfo endpoint.  Needs root.
set -u
. "$(dirname "$0")/../lib/pam.sh"
. "$(dirname "$0")/../lib/pgcluster.sh"
. "$(dirname "$0")/../lib/pgbouncer.sh"

pg_tests_need_root
pgbouncer_tests_need_pgbouncer

start_issuer
start_syslog_capture
install_module "$BUILD_DIR"
install -d -m 700 -o postgres "$WORK/pgbcache"

# PgBouncer checked the token: the cluster trusts its server logins.
pg_start "host all all 127.0.0.1/32 trust"
CLIENTS=5
LOGINS_EACH=2
TIMEOUT=2
roles="CREATE ROLE alice LOGIN; CREATE ROLE frank LOGIN;"
for ((c = 1; c <= CLIENTS; c++)); do roles+=" CREATE ROLE client$c LOGIN;"; done
pg_admin "$roles" || bail "could not create roles"

USERINFO_LINES="auth    required $MODULE userinfo=$USERINFO username_claim=preferred_username cache_dir=$WORK/pgbcache
account required $MODULE"
pgbouncer_pam_service "$USERINFO_LINES"
pgbouncer_start

mint "$WORK/alice" username=alice
mint "$WORK/bob" username=bob
# ~2.7 KB: PgBouncer passes its first 2,047 bytes to PAM.
mint "$WORK/alice_long" username=alice pad=1500
for ((c = 1; c <= CLIENTS; c++)); do mint "$WORK/client$c" "username=client$c"; done
mint "$WORK/frank" username=frank aud=postgres alg=ES256
check "the long token is over PgBouncer's 2,047 bytes ($(tr -d '\n' <"$WORK/alice_long" | wc -c))" \
	test "$(tr -d '\n' <"$WORK/alice_long" | wc -c)" -gt 2047

# expect_bounced DESCRIPTION USER TOKEN_FILE EXPECTED_OUTPUT
expect_bounced() {
	local got
	log_mark
	got=$(pgbouncer_login "$2" "$3" "SELECT current_user")
	if [ "$got" = "$4" ]; then ok "$1"; else
		not_ok "$1"
		diag "expected: $4"
		diag "got:      $got"
	fi
}
# refused OUTPUT: psql's answer is PgBouncer's refusal of the login.
refused() { case "$1" in *"logged in as"*) return 1 ;; *"authentication failed"*) return 0 ;; *) return 1 ;; esac; }
expect_bounced_refused() {
	local got
	log_mark
	got=$(pgbouncer_login "$2" "$3" "SELECT 'logged in as ' || current_user")
	if refused "$got"; then ok "$1"; else not_ok "$1"; diag "got: $got"; fi
}

# --- a good token, a wrong one, a cut one -------------------------------------
expect_bounced "alice's token logs in through PgBouncer" alice "$WORK/alice" alice
check_log "granted under PgBouncer's PAM service" \
	"pam_oauth2(pgbouncer:auth): auth granted: user=\"alice\""
expect_bounced_refused "bob's token does not log in as alice" alice "$WORK/bob"
check_log "the reason names both users" 'claim "preferred_username" is "bob", not the PAM user "alice"'
expect_bounced_refused "a 2.7 KB token is refused through PgBouncer" alice "$WORK/alice_long"
check_log "the reason says PgBouncer cut it" \
	"the token is exactly 2047 bytes, where PgBouncer cuts passwords: it was probably truncated"

# --- a hung issuer, logins queued from several clients ------------------------
pgbouncer_pam_service "auth    required $MODULE userinfo=$FAULTS/hang username_claim=preferred_username timeout=$TIMEOUT connect_timeout=1 cache_dir=$WORK/pgbcache
account required $MODULE"
log_mark
mkdir -p "$WORK/queue"
start_ns=$(date +%s%N)
pids=()
for ((c = 1; c <= CLIENTS; c++)); do
	(
		for ((j = 1; j <= LOGINS_EACH; j++)); do
			out=$(pgbouncer_login "client$c" "$WORK/client$c" "SELECT 'logged in as ' || current_user")
			printf '%s %s\n' "$((($(date +%s%N) - start_ns) / 1000000))" \
				"$(refused "$out" && echo refused || echo "other: $out")" >"$WORK/queue/$c.$j"
		done
	) &
	pids+=($!)
	sleep 0.05
done
# None may hang: every login is back well within the whole queue's bound.
bound_all_ms=$(((CLIENTS * LOGINS_EACH * TIMEOUT + 5) * 1000))
for ((i = 0; i < bound_all_ms / 100; i++)); do
	kill -0 "${pids[@]}" 2>/dev/null || break
	sleep 0.1
done
hung=0
for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && { hung=1; kill "$p"; }; done
wait "${pids[@]}" 2>/dev/null
check "no login hangs: all $((CLIENTS * LOGINS_EACH)) are back within $((bound_all_ms / 1000)) s" test "$hung" -eq 0
check "every queued login is refused" \
	test "$(cat "$WORK"/queue/* 2>/dev/null | grep -c ' refused$')" -eq $((CLIENTS * LOGINS_EACH))
# The k-th login to come back was, at worst, k-th in PgBouncer's queue: it
# waited for k-1 timeouts before its own.  1.5 s of slack for psql and the
# server.
k=0
late=""
times=""
while read -r ms _; do
	k=$((k + 1))
	times+=" $ms"
	[ "$ms" -le $((k * TIMEOUT * 1000 + 1500)) ] || late+=" #$k:${ms}ms"
done < <(cat "$WORK"/queue/* 2>/dev/null | sort -n)
diag "$CLIENTS clients x $LOGINS_EACH logins, timeout=$TIMEOUT, back after (ms):$times"
check "each login is released within (queue position x ${TIMEOUT}s + 1.5 s)${late:+ (late:$late)}" \
	test -z "$late" -a "$k" -eq $((CLIENTS * LOGINS_EACH))
if [ "$SYSLOG_CAPTURED" -eq 1 ]; then
	check "each refusal names the timeout" \
		test "$(log_since_mark | grep -cF "issuer did not answer within ${TIMEOUT}s")" -eq $((CLIENTS * LOGINS_EACH))
else
	skip "each refusal names the timeout (syslog not captured)"
fi

# --- JWT mode with cached keys: the hung userinfo endpoint holds nobody -------
# Opaque tokens would still go to the hung userinfo endpoint; JWTs are
# checked against the cached keys without a request.  A longer timeout=
# here: a login that waited for the endpoint would take at least that.
JWT_TIMEOUT=5
pgbouncer_pam_service "auth    required $MODULE issuer=$ISSUER audience=postgres userinfo=$FAULTS/hang username_claim=preferred_username timeout=$JWT_TIMEOUT connect_timeout=1 cache_dir=$WORK/pgbcache
account required $MODULE"
expect_bounced "JWT mode: frank logs in (the keys are fetched and cached)" frank "$WORK/frank" frank
check_log "as a JWT login" "pam_oauth2(pgbouncer:auth): auth granted: user=\"frank\""
jwks_before=$(stat_of jwks)
log_mark
start_ns=$(date +%s%N)
pids=()
for ((c = 1; c <= CLIENTS; c++)); do
	pgbouncer_login frank "$WORK/frank" "SELECT current_user" >"$WORK/jwt.$c" &
	pids+=($!)
done
wait "${pids[@]}"
elapsed_ms=$((($(date +%s%N) - start_ns) / 1000000))
diag "$CLIENTS JWT logins at once with the userinfo endpoint hung: ${elapsed_ms} ms"
check "JWT mode: all $CLIENTS concurrent logins succeed" \
	test "$(cat "$WORK"/jwt.* | grep -cx frank)" -eq "$CLIENTS"
check "JWT mode: none waited for the hung endpoint (${elapsed_ms} ms < timeout=${JWT_TIMEOUT}s)" \
	test "$elapsed_ms" -lt $((JWT_TIMEOUT * 1000))
check "JWT mode: no key request was made" test "$(stat_of jwks)" = "$jwks_before"

check "PgBouncer is still running" kill -0 "$PGBOUNCER_PID"
pgbouncer_pam_service "$USERINFO_LINES"
expect_bounced "and alice still logs in" alice "$WORK/alice" alice

check_no_token_in_log
leaked=0
for f in "${MINTED_TOKENS[@]}"; do
	piece=$(token_piece "$f")
	grep -qF -- "$piece" "$PGBOUNCER_DIR/pgbouncer.log" "$PGDATA_DIR/postgres.log" && leaked=1
done
check "no token appears in PgBouncer's or PostgreSQL's log" test "$leaked" -eq 0
tap_finish
