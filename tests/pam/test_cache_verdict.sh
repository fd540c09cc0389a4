#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Remembered verdicts through the real libpam: each harness run is a new
# process, as each PostgreSQL backend is, so what carries over is on disk.
set -u
. "$(dirname "$0")/../lib/pam.sh"

start_issuer
start_syslog_capture
C="$WORK/vcache"
UI="userinfo=$USERINFO username_claim=preferred_username cache_dir=$C"

service cached $UI
service cached_other $UI timeout=4
service brief $UI negative_cache_ttl=1
service off $UI cache=off
service small $UI cache_max_entries=3 negative_cache_ttl=0

mint "$WORK/alice" username=alice
mint "$WORK/alice2" username=alice
printf 'not-a-valid-token' >"$WORK/garbage"

u0=$(stat_of userinfo)
expect "first login asks the issuer" "$GRANTED" cached alice "$WORK/alice"
check "one userinfo request" test "$(stat_of userinfo)" -eq $((u0 + 1))
expect "a second process logs in with the same token" "$GRANTED" cached alice "$WORK/alice"
check "without asking the issuer again" test "$(stat_of userinfo)" -eq $((u0 + 1))
check_log "logged as a remembered verdict" "auth granted: user=\"alice\" rhost=- method=userinfo+cache"
expect "the username is still checked on the remembered claims" "$DENIED" cached bob "$WORK/alice"
check_log "with the usual reason" 'claim "preferred_username" is "alice", not the PAM user "bob"'
expect "another configuration does not use the entry" "$GRANTED" cached_other alice "$WORK/alice"
check "it asked the issuer" test "$(stat_of userinfo)" -eq $((u0 + 2))

# libcurl is loaded only when the network is needed.
mint "$WORK/alice3" username=alice
expect "a login that asks the issuer loads libcurl" "$GRANTED"$'\nlibcurl: mapped' \
	cached alice "$WORK/alice3" --report-libcurl
expect "a login answered from the cache does not map libcurl" "$GRANTED"$'\nlibcurl: not mapped' \
	cached alice "$WORK/alice3" --report-libcurl

u1=$(stat_of userinfo)
expect "a refused token is refused" "$DENIED" brief alice "$WORK/garbage"
expect "and refused again without a request" "$DENIED" brief alice "$WORK/garbage"
check "only one request for the two" test "$(stat_of userinfo)" -eq $((u1 + 1))
sleep 2.2
expect "after negative_cache_ttl it is asked again" "$DENIED" brief alice "$WORK/garbage"
check "one more request" test "$(stat_of userinfo)" -eq $((u1 + 2))

u2=$(stat_of userinfo)
expect "cache=off: a login" "$GRANTED" off alice "$WORK/alice"
expect "cache=off: another login" "$GRANTED" off alice "$WORK/alice"
check "cache=off asks every time" test "$(stat_of userinfo)" -eq $((u2 + 2))

for i in 1 2 3 4 5; do
	mint "$WORK/t$i" username=alice
	expect "cache_max_entries=3: login $i" "$GRANTED" small alice "$WORK/t$i"
done
# every service shares the directory; the limit is on the whole namespace
check "at most 3 verdict entries are kept" test "$(find "$C" -name 'verdict-*' | wc -l)" -le 3

check "entries are mode 0600" test -z "$(find "$C" -type f ! -perm 600)"
leaked=0
for f in "${MINTED_TOKENS[@]}"; do
	grep -rqF -- "$(token_piece "$f")" "$C" && leaked=1
done
check "no token is stored in the cache" test "$leaked" -eq 0
check_no_token_in_log
tap_finish
