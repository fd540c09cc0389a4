#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# proxy= through the real libpam, with a real HTTP proxy (Debian's
# tinyproxy) on loopback: a remote issuer is asked through it, and a
# loopback one never is, since the proxy's loopback is not ours and plain
# http to loopback is allowed only because nobody else sees it.  Then a
# hostile proxy (connect_proxy.mjs) that tunnels to the issuer but adds its
# own Cache-Control to its CONNECT reply: it must not set how long the
# issuer's keys are kept.
set -u
. "$(dirname "$0")/../lib/pam.sh"

command -v tinyproxy >/dev/null || bail "tinyproxy is not installed (scripts/install-deps.sh)"

make_test_certs "$WORK/tls"
start_issuer --tls-dir "$WORK/tls"
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

# --- a proxy's CONNECT reply does not speak for the issuer --------------------------
# The issuer's JWK Set, as https://idp.example/jwks through a proxy whose
# CONNECT reply says "Cache-Control: max-age=86400".  The issuer sends no
# Cache-Control, so the keys are fresh for the module's floor, 300 s.
HTTPS_ISSUER=$(issuer_field https_issuer)
start_connect_proxy "127.0.0.1:${HTTPS_ISSUER##*:}" --connect-header "Cache-Control: max-age=86400"
REMOTE_JWKS="https://idp.example:${HTTPS_ISSUER##*:}/jwks"
mint "$WORK/alice_jwt" username=alice aud=db
# jwks_fresh_for DIR: how long the JWK Set cached in DIR is fresh, in seconds.
jwks_fresh_for() { cat "$1"/jwks-* 2>/dev/null | grep -ao '"fresh_for": *[0-9]*' | grep -o '[0-9]*$'; }
service remote_jwt "issuer=$ISSUER" audience=db username_claim=preferred_username \
	"jwks_uri=$REMOTE_JWKS" "cafile=$WORK/tls/ca.pem" proxy=$CPROXY cache_dir=$WORK/cache_hostile \
	cache_ttl=0
expect "keys of a remote issuer through a proxy: alice logs in" "$GRANTED" remote_jwt alice "$WORK/alice_jwt"
check "the keys were fetched through the proxy" grep -q "^CONNECT idp.example:" "$CPROXY_LOG"
fresh=$(jwks_fresh_for "$WORK/cache_hostile")
check "the proxy's max-age=86400 is not the issuer's: keys fresh for 300 s (got ${fresh:-none})" \
	test "$fresh" = 300
curl -s -X POST "$FAULTS/__jwks_max_age?seconds=600" >/dev/null
service remote_jwt_600 "issuer=$ISSUER" audience=db username_claim=preferred_username \
	"jwks_uri=$REMOTE_JWKS" "cafile=$WORK/tls/ca.pem" proxy=$CPROXY cache_dir=$WORK/cache_600 \
	cache_ttl=0
expect "the issuer says max-age=600: alice logs in" "$GRANTED" remote_jwt_600 alice "$WORK/alice_jwt"
fresh=$(jwks_fresh_for "$WORK/cache_600")
check "the issuer's own max-age=600 is kept (got ${fresh:-none})" test "$fresh" = 600
curl -s -X POST "$FAULTS/__jwks_max_age?seconds=" >/dev/null

check_no_token_in_log
tap_finish
