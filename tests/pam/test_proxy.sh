#!/usr/bin/env bash
# proxy= through the real libpam, with a real HTTP proxy (Debian's
# tinyproxy) on loopback: a remote issuer is asked through it, and a
# loopback one never is, since the proxy's loopback is not ours and plain
# http to loopback is allowed only because nobody else sees it.
set -u
. "$(dirname "$0")/../lib/pam.sh"

command -v tinyproxy >/dev/null || bail "tinyproxy is not installed (scripts/install-deps.sh)"

start_issuer
start_syslog_capture
mint "$WORK/alice" username=alice
write_client_secret

# The proxy refuses every host (an empty filter, default deny) before it
# resolves or connects to anything, and logs each request it is sent.
PROXY_PORT=$(free_port)
PROXY_LOG=$WORK/proxy.log
: >"$WORK/proxy.filter"
cat >"$WORK/proxy.conf" <<EOF
Port $PROXY_PORT
Listen 127.0.0.1
Timeout 5
LogFile "$PROXY_LOG"
LogLevel Info
MaxClients 10
Allow 127.0.0.1
ConnectPort 443
Filter "$WORK/proxy.filter"
FilterDefaultDeny Yes
EOF
tinyproxy -d -c "$WORK/proxy.conf" 2>"$WORK/proxy.err" &
on_exit "kill $!"
for ((i = 0; i < 50; i++)); do
	grep -q "Accepting connections" "$PROXY_LOG" 2>/dev/null && break
	sleep 0.1
done
grep -q "Accepting connections" "$PROXY_LOG" 2>/dev/null ||
	bail "tinyproxy did not start: $(cat "$WORK/proxy.err")"
PROXY=http://127.0.0.1:$PROXY_PORT
proxy_requests() { grep -c "Request (file descriptor" "$PROXY_LOG"; }

# --- a loopback issuer is asked directly ------------------------------------------
service loop_userinfo "userinfo=$USERINFO" username_claim=preferred_username proxy=$PROXY cache=off
expect "userinfo on loopback with proxy=: alice logs in" "$GRANTED" loop_userinfo alice "$WORK/alice"
mint "$WORK/alice_opaque" username=alice --opaque
service loop_introspect "introspection=$INTROSPECT" client_id=pam-db \
	"client_secret_file=$WORK/client.secret" username_claim=preferred_username \
	proxy=$PROXY cache=off
expect "introspection on loopback with proxy=: alice logs in" "$GRANTED" \
	loop_introspect alice "$WORK/alice_opaque"
check "the proxy was sent nothing: not the token, not the client secret" \
	test "$(proxy_requests)" = 0

# --- a remote issuer is asked through the proxy ------------------------------------
service remote "userinfo=https://idp.invalid/userinfo" username_claim=preferred_username \
	proxy=$PROXY cache=off
expect "a remote issuer behind a proxy that refuses it: PAM_AUTHINFO_UNAVAIL" \
	"$UNAVAILABLE" remote alice "$WORK/alice"
check "the request went to the proxy, as a CONNECT to the issuer" \
	grep -q "CONNECT idp.invalid:443" "$PROXY_LOG"
check_log "the log says the proxy refused" "CONNECT tunnel failed, response 403"

check_no_token_in_log
tap_finish
