#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# What the host's environment may not change, through the real libpam and
# a setuid-like host: a root-owned setuid copy of the harness run by an
# unprivileged caller with umask 000, as `SSLKEYLOGFILE=... su -` would.
# libcurl would create the file SSLKEYLOGFILE names, as root, and write
# the TLS secrets of the requests to the issuer to it: the login is
# refused and no file is created.  The proxy variables (http_proxy,
# https_proxy, HTTPS_PROXY, all_proxy, ALL_PROXY, no_proxy, NO_PROXY)
# change nothing: the proxy they name is never asked, and proxy= is used
# whatever NO_PROXY says.  Where the test cannot make a setuid binary (not
# root) the same is checked with the caller's own harness.
set -u
. "$(dirname "$0")/../lib/pam.sh"

make_test_certs "$WORK/tls"
start_issuer --tls-dir "$WORK/tls"
start_syslog_capture
mint "$WORK/alice" username=alice
chmod 644 "$WORK/alice"
HTTPS_ISSUER=$(issuer_field https_issuer)
# A proxy that would take a request for idp.example to the issuer: a login
# through it would succeed, so one that fails proves it was not used.
start_connect_proxy "127.0.0.1:${HTTPS_ISSUER##*:}"
REMOTE_USERINFO="https://idp.example:${HTTPS_ISSUER##*:}/userinfo"
CA="cafile=$WORK/tls/ca.pem"
connects() { grep -c "^CONNECT idp.example:" "$CPROXY_LOG"; }

# --- the setuid-like host ------------------------------------------------------------
# The copy lives in a directory only root may write, like /usr/bin/su;
# caller_env VAR=VALUE... runs each login as the caller would start su:
# as nobody, umask 000, with these variables.
KEYLOG_DIR=$WORK/root_only
mkdir -m 755 "$KEYLOG_DIR"
if [ "$(id -u)" -eq 0 ]; then
	mkdir -m 755 "$WORK/suid"
	cp "$PAM_HARNESS" "$WORK/suid/pam_harness"
	chmod 4755 "$WORK/suid/pam_harness"
	PAM_HARNESS=$WORK/suid/pam_harness
	CALLER=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
	diag "host: setuid-root $PAM_HARNESS run by nobody"
else
	CALLER=()
	diag "host: $PAM_HARNESS as $(id -un) (not root: no setuid copy)"
fi
caller_env() {
	HARNESS_WRAP=("${CALLER[@]}" env "$@" bash -c 'umask 000 && exec "$@"' caller)
}

# --- SSLKEYLOGFILE -------------------------------------------------------------------
KEYLOG=$KEYLOG_DIR/keylog
REFUSED="the host's environment sets SSLKEYLOGFILE; libcurl would write the TLS secrets of requests to the issuer there: unset it in the service's environment"
caller_env "SSLKEYLOGFILE=$KEYLOG"
service keylog "userinfo=$USERINFO" username_claim=preferred_username cache=off
expect "SSLKEYLOGFILE in the host's environment: PAM_SERVICE_ERR, and libcurl is not loaded" \
	"$CONFIG_ERROR"$'\nlibcurl: not mapped' keylog alice "$WORK/alice" --report-libcurl
check_log "the log says why" "reason: $REFUSED"
check "no key log file was created" test ! -e "$KEYLOG"

service keylog_down "userinfo=http://127.0.0.1:$(free_port)/userinfo" \
	username_claim=preferred_username cache=off
expect "SSLKEYLOGFILE and an issuer that is down: PAM_SERVICE_ERR" \
	"$CONFIG_ERROR" keylog_down alice "$WORK/alice"
check "no key log file was created either" test ! -e "$KEYLOG"

service keylog_remote "userinfo=$REMOTE_USERINFO" "$CA" proxy=$CPROXY \
	username_claim=preferred_username cache=off
expect "SSLKEYLOGFILE and a TLS issuer: PAM_SERVICE_ERR" \
	"$CONFIG_ERROR" keylog_remote alice "$WORK/alice"
check "no key log file was created for TLS" test ! -e "$KEYLOG"
check "and the proxy was not asked" test "$(cproxy_requests)" = 0

caller_env "SSLKEYLOGFILE="
expect "an empty SSLKEYLOGFILE (which libcurl ignores) is no reason to refuse" \
	"$GRANTED" keylog alice "$WORK/alice"

# --- proxy variables -----------------------------------------------------------------
PROXY_VARS=("http_proxy=$CPROXY" "https_proxy=$CPROXY" "HTTPS_PROXY=$CPROXY"
	"all_proxy=$CPROXY" "ALL_PROXY=$CPROXY")
caller_env "${PROXY_VARS[@]}"
asked=$(cproxy_requests)
service no_proxy_option "userinfo=$REMOTE_USERINFO" "$CA" username_claim=preferred_username cache=off
expect "proxy variables name a proxy that reaches the issuer; without proxy= it is not used" \
	"$UNAVAILABLE" no_proxy_option alice "$WORK/alice"
check_log "the issuer was asked directly (and idp.example does not resolve)" \
	"reason: cannot reach issuer"
service loopback_env "userinfo=$USERINFO" username_claim=preferred_username cache=off
expect "a loopback issuer with proxy variables set: alice logs in" "$GRANTED" loopback_env alice "$WORK/alice"
check "the proxy of the variables was sent nothing" test "$(cproxy_requests)" = "$asked"

n=$(connects)

caller_env "NO_PROXY=*" "no_proxy=*"
service with_proxy "userinfo=$REMOTE_USERINFO" "$CA" proxy=$CPROXY \
	username_claim=preferred_username cache=off
expect "NO_PROXY=* and no_proxy=* in the environment: proxy= is still used, alice logs in" \
	"$GRANTED" with_proxy alice "$WORK/alice"
check "through the proxy, as a CONNECT to the issuer" test "$(connects)" = $((n + 1))

caller_env "NO_PROXY=idp.example" "no_proxy=idp.example" "${PROXY_VARS[@]}"
expect "NO_PROXY naming the issuer and every proxy variable: proxy= decides, alice logs in" \
	"$GRANTED" with_proxy alice "$WORK/alice"
check "through proxy= again" test "$(connects)" = $((n + 2))

HARNESS_WRAP=()
check_no_token_in_log
tap_finish
