#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A real PostgreSQL server whose roles each log in through a PAM service
# pointed at one misbehaving issuer (slow, cut short, too deep, too big,
# huge headers, redirects, untrusted TLS...).  Each fault login is refused
# and, after each, the server answers pg_isready and a good login works;
# refused backends do not pile up, even when every fault is tried at once.
# Needs root.
set -u
. "$(dirname "$0")/../lib/pam.sh"
. "$(dirname "$0")/../lib/pgcluster.sh"

pg_tests_need_root

make_test_certs "$WORK/tls"
TLS=$WORK/tls
start_issuer --tls-dir "$TLS"
start_syslog_capture
install_module "$BUILD_DIR"

# role|pam.d options (username_claim=preferred_username is added)|reason logged
FAULTS_TABLE="f_down|userinfo=http://127.0.0.1:$(free_port)/userinfo|cannot reach issuer
f_drip|userinfo=$FAULTS/drip timeout=2 connect_timeout=1|issuer did not answer within 2s
f_hang|userinfo=$FAULTS/hang timeout=2 connect_timeout=1|issuer did not answer within 2s
f_500|userinfo=$FAULTS/status/500|issuer answered HTTP 500
f_html|userinfo=$FAULTS/html|issuer's answer is not JSON (Content-Type: text/html)
f_notjson|userinfo=$FAULTS/notjson|issuer's answer is not valid JSON
f_truncated|userinfo=$FAULTS/truncated|transfer closed with 75 bytes remaining to read
f_chunkcut|userinfo=$FAULTS/truncated?chunked=1|transfer closed with outstanding read data remaining
f_deep|userinfo=$FAULTS/deep|issuer's answer is not valid JSON
f_deepobj|userinfo=$FAULTS/deep?type=object|issuer's answer is not valid JSON
f_big|userinfo=$FAULTS/big|issuer's answer is over 1048576 bytes
f_huge|userinfo=$FAULTS/huge|issuer's answer is over 1048576 bytes
f_bigheader|userinfo=$FAULTS/bigheader|no usable answer from issuer
f_redirect|userinfo=$FAULTS/redirect|redirect (HTTP 302), which is not followed
f_moved|userinfo=$FAULTS/moved|redirect (HTTP 301), which is not followed
f_unknown_ca|userinfo=$(issuer_field https_unknown_ca_userinfo) cafile=$TLS/ca.pem|SSL certificate problem: self-signed certificate
f_wrong_host|userinfo=$(issuer_field https_wrong_host_userinfo) cafile=$TLS/ca.pem|no alternative certificate subject name matches
f_wrong_pin|userinfo=$(issuer_field https_userinfo) cafile=$TLS/ca.pem pinned_pubkey=$(cat "$TLS/wrong.pin")|does not match pinned_pubkey="

svc=pam_oauth2_faults_$$
hba="host all tls_alice 127.0.0.1/32 pam pamservice=${svc}_tls"
pam_service "${svc}_tls" "auth    required $MODULE userinfo=$(issuer_field https_userinfo) username_claim=preferred_username cafile=$TLS/ca.pem pinned_pubkey=$(cat "$TLS/server.pin")
account required $MODULE"
roles="CREATE ROLE alice LOGIN; CREATE ROLE tls_alice LOGIN;"
while IFS='|' read -r role opts _; do
	pam_service "${svc}_$role" "auth    required $MODULE $opts username_claim=preferred_username
account required $MODULE"
	hba+=$'\n'"host all $role 127.0.0.1/32 pam pamservice=${svc}_$role"
	roles+=" CREATE ROLE $role LOGIN;"
	# The token is good for the role: only the fault refuses it.
	mint "$WORK/$role" "username=$role"
done <<<"$FAULTS_TABLE"
pam_service "$svc" "auth    required $MODULE userinfo=$USERINFO username_claim=preferred_username
account required $MODULE"
pg_start "$hba
host all all 127.0.0.1/32 pam pamservice=$svc"
pg_admin "$roles" || bail "could not create roles"
mint "$WORK/alice" username=alice
mint "$WORK/tls_alice" username=tls_alice

# Child processes of the postmaster (its helpers and any backends).
PM_PID=$(head -n 1 "$PGDATA_DIR/postmaster.pid")
children() { ps -o pid= --ppid "$PM_PID" | wc -l; }
# settled N: waits up to 10 s for the postmaster to have N children.
settled() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ "$(children)" -eq "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

expect_login "a good login" alice "$WORK/alice" "SELECT current_user" alice
expect_login "a good login over TLS (cafile=, pinned_pubkey=) as the postgres user" \
	tls_alice "$WORK/tls_alice" "SELECT current_user" tls_alice
sleep 0.5
baseline=$(children)
diag "the postmaster has $baseline children at rest"

while IFS='|' read -r role opts reason; do
	timed expect_refused "$role: refused" "$role" "$WORK/$role"
	check_log "$role: the log says why" \
		"pam_oauth2(${svc}_$role:auth): auth issuer unavailable: user=\"$role\" rhost=127.0.0.1 method=userinfo"
	check_log "$role: the reason" "$reason"
	check "$role: refused within 4 s (${ELAPSED_MS} ms)" test "$ELAPSED_MS" -lt 4000
	check "$role: pg_isready" as_postgres "$PG_BINDIR/pg_isready" -q -h 127.0.0.1 -p "$PGPORT"
	expect_login "$role: then a good login works" alice "$WORK/alice" "SELECT current_user" alice
done <<<"$FAULTS_TABLE"
check "no backend is left after the refusals ($(children) children, $baseline at rest)" settled "$baseline"

# Every fault at once.
pids=()
start=$(date +%s%N)
while IFS='|' read -r role _; do
	pg_login "$role" "$WORK/$role" "SELECT 'logged in as ' || current_user" >"$WORK/$role.out" &
	pids+=($!)
done <<<"$FAULTS_TABLE"
peak=0
while kill -0 "${pids[@]}" 2>/dev/null; do
	n=$(children)
	[ "$n" -gt "$peak" ] && peak=$n
	sleep 0.1
done
wait "${pids[@]}"
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
diag "all $(wc -l <<<"$FAULTS_TABLE") faults at once: ${elapsed_ms} ms, at most $((peak - baseline)) backends"
check "all faults at once: every login refused" \
	test -z "$(grep -l 'logged in as' "$WORK"/f_*.out)" -a \
	"$(grep -l 'authentication failed' "$WORK"/f_*.out | wc -l)" -eq "$(wc -l <<<"$FAULTS_TABLE")"
check "all faults at once: done within 6 s (${elapsed_ms} ms)" test "$elapsed_ms" -lt 6000
check "all faults at once: no backend is left ($(children) children, $baseline at rest)" settled "$baseline"
check "the server is still up" as_postgres "$PG_BINDIR/pg_isready" -q -h 127.0.0.1 -p "$PGPORT"
expect_login "and a good login works" alice "$WORK/alice" "SELECT current_user" alice
check "the issuer saw no request on the other host /moved points at" test "$(stat_of other_host)" = 0

check_no_token_in_log
tap_finish
