#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Misbehaving issuers through the real libpam: slow, cut short, too deep,
# too big, huge headers, redirects to another host, and TLS that must not
# be trusted. Each gives PAM_AUTHINFO_UNAVAIL with its reason in the log;
# time and memory stay bounded. Then TLS that must be trusted: cafile=,
# capath=, pinned_pubkey=.
set -u
. "$(dirname "$0")/../lib/pam.sh"

make_test_certs "$WORK/tls"
TLS=$WORK/tls
start_issuer --tls-dir "$TLS"
start_syslog_capture
mint "$WORK/alice" username=alice

# --- slow, cut short, malformed -------------------------------------------------
timeout_case drip "an answer dripping one byte every 200 ms"
timeout_case hang "an issuer that never answers"
fault_case truncated "a body shorter than its Content-Length" \
	"reason: issuer's answer was cut short: transfer closed with 75 bytes remaining to read"
fault_case "truncated?chunked=1" "a chunked body cut off" \
	"reason: issuer's answer was cut short: transfer closed with outstanding read data remaining"
fault_case deep "100000 nested arrays" "reason: issuer's answer is not valid JSON"
fault_case "deep?type=object" "100000 nested objects" "reason: issuer's answer is not valid JSON"
# libcurl refuses a header line over 100 KiB and says "Out of memory".
fault_case bigheader "a 1 MB response header" "reason: no usable answer from issuer: Out of memory"

# --- a redirect to another host ---------------------------------------------------
fault_case moved "a 301 to another host" "redirect (HTTP 301), which is not followed"
check "nothing reached the other host" test "$(stat_of other_host)" = 0

# --- 100 MB: cut at the 1 MiB cap, memory bounded ---------------------------------
# The peak RSS of a harness process (GNU time's %M, in KiB) for a good login,
# then for the 100 MB answers.
peak_rss() {
	HARNESS_WRAP=(/usr/bin/time -o "$WORK/rss" -f %M)
	"$@"
	HARNESS_WRAP=()
	RSS_KB=$(tail -n 1 "$WORK/rss")
}
service good "userinfo=$USERINFO" username_claim=preferred_username
peak_rss expect "a good login (for its memory)" "$GRANTED" good alice "$WORK/alice"
base_kb=$RSS_KB
diag "peak RSS of a good login: $base_kb KiB"
for variant in huge "huge?length=1"; do
	before=$(stat_of huge_bytes)
	peak_rss fault_case "$variant" "100 MB answer (/$variant)" "reason: issuer's answer is over 1048576 bytes"
	sleep 0.5 # the server notices the client went away
	sent=$(($(stat_of huge_bytes) - before))
	diag "/$variant: peak RSS $RSS_KB KiB, ${ELAPSED_MS} ms, $sent bytes sent by the server"
	check "/$variant: peak RSS $RSS_KB KiB is under 64 MiB and within 16 MiB of a good login's" \
		test "$RSS_KB" -lt 65536 -a "$RSS_KB" -lt $((base_kb + 16384))
	check "/$variant: the server sent only $sent bytes of 100 MB (under 16 MiB)" \
		test "$sent" -lt $((16 * 1024 * 1024))
done

# --- TLS ----------------------------------------------------------------------
HTTPS_USERINFO=$(issuer_field https_userinfo)
# tls_case DESCRIPTION EXPECTED REASON OPTIONS...: alice's token (or
# $TOKEN) through a service with OPTIONS; REASON (if any) in the log.
tls_case() {
	local desc=$1 want=$2 reason=$3
	shift 3
	service tls username_claim=preferred_username "$@"
	expect "$desc" "$want" tls alice "${TOKEN:-$WORK/alice}"
	[ -z "$reason" ] || check_log "$desc: the log says why" "$reason"
}
tls_case "TLS, the test CA as cafile=: accepted" "$GRANTED" "auth granted" \
	"userinfo=$HTTPS_USERINFO" "cafile=$TLS/ca.pem"
tls_case "TLS, the test CA in capath=: accepted" "$GRANTED" "auth granted" \
	"userinfo=$HTTPS_USERINFO" "capath=$TLS/capath"
tls_case "TLS with the server's pinned_pubkey=: accepted" "$GRANTED" "auth granted" \
	"userinfo=$HTTPS_USERINFO" "cafile=$TLS/ca.pem" "pinned_pubkey=$(cat "$TLS/server.pin")"
tls_case "TLS with another key's pinned_pubkey=: PAM_AUTHINFO_UNAVAIL" "$UNAVAILABLE" \
	"reason: issuer's TLS public key does not match pinned_pubkey=" \
	"userinfo=$HTTPS_USERINFO" "cafile=$TLS/ca.pem" "pinned_pubkey=$(cat "$TLS/wrong.pin")"
tls_case "TLS, the test CA unknown to the system store: PAM_AUTHINFO_UNAVAIL" "$UNAVAILABLE" \
	"SSL certificate problem: unable to get local issuer certificate" "userinfo=$HTTPS_USERINFO"
tls_case "TLS, a self-signed certificate (unknown CA): PAM_AUTHINFO_UNAVAIL" "$UNAVAILABLE" \
	"SSL certificate problem: self-signed certificate" \
	"userinfo=$(issuer_field https_unknown_ca_userinfo)" "cafile=$TLS/ca.pem"
tls_case "TLS, a certificate for another host name: PAM_AUTHINFO_UNAVAIL" "$UNAVAILABLE" \
	"no alternative certificate subject name matches target host name '127.0.0.1'" \
	"userinfo=$(issuer_field https_wrong_host_userinfo)" "cafile=$TLS/ca.pem"

# JWT validation with the keys over TLS (the tokens' iss stays the http URL).
mint "$WORK/alice_jwt" username=alice aud=postgres
install -d -m 700 "$WORK/cache"
TOKEN=$WORK/alice_jwt tls_case "JWT, JWKS over TLS with cafile= and pinned_pubkey=: accepted" "$GRANTED" "method=jwt" \
	"issuer=$(issuer_field issuer)" "jwks_uri=$(issuer_field https_issuer)/jwks" audience=postgres \
	"cafile=$TLS/ca.pem" "pinned_pubkey=$(cat "$TLS/server.pin")" "cache_dir=$WORK/cache"

check_no_token_in_log
tap_finish
