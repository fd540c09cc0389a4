#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Local JWT validation through the real libpam against the test issuer:
# discovery, JWKS, the on-disk cache shared by separate processes, key
# rotation, and the claim checks, each with its PAM code and syslog reason.
set -u
. "$(dirname "$0")/../lib/pam.sh"

start_issuer
start_syslog_capture
JWKS_URI=$(curl -s "$ISSUER/.well-known/openid-configuration" | node -e \
	"let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.parse(s).jwks_uri))")
CACHE="$WORK/cache"

COMMON="issuer=$ISSUER audience=db username_claim=preferred_username"

service jwt $COMMON cache_dir=$CACHE
service jwt_fast_refresh $COMMON cache_dir=$CACHE jwks_refresh_min=1
service jwt_at $COMMON cache_dir=$CACHE token_type=at+jwt
service jwt_nocache_uri $COMMON cache_dir=$WORK/cache2 jwks_uri=$JWKS_URI

mint "$WORK/alice" username=alice aud=db
mint "$WORK/alice_many_aud" username=alice aud=account,db
mint "$WORK/alice_ps" username=alice aud=db alg=PS256
mint "$WORK/alice_es" username=alice aud=db alg=ES256
mint "$WORK/alice_ed" username=alice aud=db alg=EdDSA
mint "$WORK/alice_noaud" username=alice aud=
mint "$WORK/alice_otheraud" username=alice aud=reporting
mint "$WORK/alice_expired" username=alice aud=db expires_in=-120
mint "$WORK/alice_future" username=alice aud=db nbf_in=600
mint "$WORK/alice_noexp" username=alice aud=db no_exp=1
mint "$WORK/alice_iss_slash" username=alice aud=db "iss=$ISSUER/"
mint "$WORK/alice_at" username=alice aud=db typ=at+jwt
mint "$WORK/bob" username=bob aud=db

# --- the first login fetches discovery and keys; later ones use the cache --------
d0=$(stat_of discovery) j0=$(stat_of jwks)
expect "RS256 token with aud=db logs alice in" "$GRANTED" jwt alice "$WORK/alice"
check_log "logged as a JWT login with the issuer" \
	"auth granted: user=\"alice\" rhost=- method=jwt issuer=$ISSUER token=sha256:"
check "the first login read discovery and the JWKS" \
	test "$(stat_of discovery)" -gt "$d0" -a "$(stat_of jwks)" -gt "$j0"
check "the cache directory was created mode 0700" test "$(stat -c %a "$CACHE")" = 700
check "cache entries are mode 0600" \
	test -z "$(find "$CACHE" -type f ! -perm 600)" -a -n "$(find "$CACHE" -type f)"
check "the cached metadata keeps what is read (jwks_uri)" grep -q '"jwks_uri"' "$CACHE"/discovery-*
check "and drops the rest (response_types_supported)" \
	test -z "$(grep -l 'response_types_supported' "$CACHE"/discovery-*)"
d1=$(stat_of discovery) j1=$(stat_of jwks) u1=$(stat_of userinfo)
expect "a second process logs in again" "$GRANTED" jwt alice "$WORK/alice"
expect "an array aud containing db logs in" "$GRANTED" jwt alice "$WORK/alice_many_aud"
check "from the cache: no discovery or JWKS request" \
	test "$(stat_of discovery)" = "$d1" -a "$(stat_of jwks)" = "$j1"
check "and no userinfo request" test "$(stat_of userinfo)" = "$u1"
service jwt_keys_only $COMMON cache_dir=$CACHE cache_ttl=0
expect "JWT with cached keys (no remembered verdict) does not map libcurl" \
	"$GRANTED"$'\nlibcurl: not mapped' jwt_keys_only alice "$WORK/alice" --report-libcurl
expect "PS256 token logs in" "$GRANTED" jwt alice "$WORK/alice_ps"
expect "ES256 token logs in" "$GRANTED" jwt alice "$WORK/alice_es"
expect "EdDSA token logs in" "$GRANTED" jwt alice "$WORK/alice_ed"

# --- refused claims ----------------------------------------------------------------
expect "bob's token does not log in alice" "$DENIED" jwt alice "$WORK/bob"
check_log "the reason names both users" 'claim "preferred_username" is "bob", not the PAM user "alice"'
expect "a token without aud is refused" "$DENIED" jwt alice "$WORK/alice_noaud"
check_log "the reason says so" "reason: JWT has no aud claim"
expect "a token for another audience is refused" "$DENIED" jwt alice "$WORK/alice_otheraud"
check_log "the reason names the configured audience" "reason: JWT aud does not name this service (audience=db)"
expect "an expired token is refused" "$DENIED" jwt alice "$WORK/alice_expired"
check_log "the reason says how long ago" "reason: JWT expired 1"
expect "a token not valid yet is refused" "$DENIED" jwt alice "$WORK/alice_future"
check_log "the reason names nbf" "(nbf, leeway 60 s)"
expect "a token without exp is refused" "$DENIED" jwt alice "$WORK/alice_noexp"
check_log "the reason says so" "reason: JWT has no exp claim"
expect "an issuer with a trailing slash is refused" "$DENIED" jwt alice "$WORK/alice_iss_slash"
check_log "the reason shows both" "is not issuer=$ISSUER"
expect "token_type=at+jwt refuses a typ JWT token" "$DENIED" jwt_at alice "$WORK/alice"
check_log "the reason names the type" "reason: JWT typ is not at+jwt"
expect "token_type=at+jwt accepts an at+jwt token" "$GRANTED" jwt_at alice "$WORK/alice_at"

# --- keys named by the token are never fetched ------------------------------------------
node "$ISSUER_DIR/mint.mjs" --state-file "$WORK/issuer.json" \
	--header-json "{\"jku\":\"$FAULTS/jku-trap\",\"x5u\":\"$FAULTS/jku-trap\"}" \
	username=alice aud=db >"$WORK/alice_jku"
MINTED_TOKENS+=("$WORK/alice_jku")
expect "a token with jku/x5u headers is checked with the issuer's keys" "$GRANTED" jwt alice "$WORK/alice_jku"
check "the jku/x5u URLs were never requested" test "$(stat_of jku_trap)" = 0

# --- key rotation --------------------------------------------------------------------
curl -s -X POST "$FAULTS/__rotate?alg=RS256" >/dev/null
mint "$WORK/alice_rotated" username=alice aud=db
j2=$(stat_of jwks)
expect "a new kid just after the last fetch refetches the JWKS at once and logs in" "$GRANTED" \
	jwt alice "$WORK/alice_rotated"
check "the JWKS was fetched once more" test "$(stat_of jwks)" -eq $((j2 + 1))
expect "the old key's tokens still log in while it is published" "$GRANTED" jwt alice "$WORK/alice"
expect "other processes now find the new kid in the cache" "$GRANTED" jwt alice "$WORK/alice_rotated"
check "without another fetch" test "$(stat_of jwks)" -eq $((j2 + 1))
node "$ISSUER_DIR/mint.mjs" --state-file "$WORK/issuer.json" --header-json '{"kid":"made-up"}' \
	username=alice aud=db >"$WORK/alice_madeup"
MINTED_TOKENS+=("$WORK/alice_madeup")
expect "a made-up kid within jwks_refresh_min of that refetch is refused" "$DENIED" \
	jwt alice "$WORK/alice_madeup"
check_log "the reason names the unknown kid" "reason: no key with kid"
check "and the JWKS was not refetched" test "$(stat_of jwks)" -eq $((j2 + 1))

# A token without kid: a signature no cached key verifies may be a rotation
# the token does not name, so the keys are fetched again, as for an
# unknown kid at most once per jwks_refresh_min (both kinds counted).
curl -s -X POST "$FAULTS/__rotate?alg=RS256" >/dev/null
mint "$WORK/alice_rotated_nokid" username=alice aud=db kid=omit
j4=$(stat_of jwks)
expect "no kid, a new key, within jwks_refresh_min of the last refetch: refused" "$DENIED" \
	jwt alice "$WORK/alice_rotated_nokid"
check "and the JWKS was not refetched" test "$(stat_of jwks)" = "$j4"
sleep 1.2
expect "after jwks_refresh_min the JWKS is fetched again and the token logs in" "$GRANTED" \
	jwt_fast_refresh alice "$WORK/alice_rotated_nokid"
check "the JWKS was fetched once more" test "$(stat_of jwks)" -eq $((j4 + 1))
check_log "the log notes why" "note: keys fetched again for a token without kid"
# Another token's signature: well-formed, and made by a published key.
printf '%s' "$(cut -d. -f1,2 <"$WORK/alice_rotated_nokid").$(cut -d. -f3 <"$WORK/alice")" \
	>"$WORK/alice_forged_nokid"
sleep 1.2
j5=$(stat_of jwks)
expect "a forged signature without kid is refused after one more fetch" "$DENIED" \
	jwt_fast_refresh alice "$WORK/alice_forged_nokid"
check "(one fetch)" test "$(stat_of jwks)" -eq $((j5 + 1))
printf '%s' "$(cut -d. -f1,2 <"$WORK/alice_rotated_nokid").$(cut -d. -f3 <"$WORK/bob")" \
	>"$WORK/alice_forged_nokid2"
expect "another forged one at once: refused without a fetch (jwks_refresh_min)" "$DENIED" \
	jwt alice "$WORK/alice_forged_nokid2"
check "(none)" test "$(stat_of jwks)" -eq $((j5 + 1))

# --- other key sources ----------------------------------------------------------------
d3=$(stat_of discovery)
expect "jwks_uri= works without discovery" "$GRANTED" jwt_nocache_uri alice "$WORK/alice"
check "no discovery request was made" test "$(stat_of discovery)" = "$d3"
curl -s "$JWKS_URI" >"$WORK/keys.json"
service jwt_file $COMMON cache_dir=$WORK/cache6 "jwks_file=$WORK/keys.json"
j3=$(stat_of jwks)
expect "jwks_file= checks the token with the file's keys" "$GRANTED" jwt_file alice "$WORK/alice"
check "and asks the issuer for no keys" test "$(stat_of jwks)" = "$j3"
expect "a second process logs in" "$GRANTED" jwt_file alice "$WORK/alice"
check_log "from the remembered verdict" "method=jwt+cache"
printf '{"keys":[]}\n' >"$WORK/keys.json"
expect "once the key is gone from jwks_file=, the remembered verdict is not used" "$DENIED" \
	jwt_file alice "$WORK/alice"
check_log "the token is checked again and refused" "reason: no key with kid"
service wrong_iss "issuer=$FAULTS/wrong-issuer" audience=db username_claim=preferred_username cache_dir=$WORK/cache3
expect "a discovery document naming another issuer is discarded" "$UNAVAILABLE" wrong_iss alice "$WORK/alice"
check_log "the reason says why" "names another issuer: discarded"
service as_only "issuer=$FAULTS/as-only" audience=db username_claim=preferred_username cache_dir=$WORK/cache4
expect "RFC 8414 metadata is found when OIDC discovery is missing" "$DENIED" as_only alice "$WORK/alice"
check_log "(keys found; the token's iss is the other issuer's)" "is not issuer=$FAULTS/as-only"
service down "issuer=http://127.0.0.1:1" audience=db cache_dir=$WORK/cache5
expect "an issuer that cannot be reached and no cached keys" "$UNAVAILABLE" down alice "$WORK/alice"
check_log "the reason says discovery failed" "reason: discovery: cannot reach issuer"

# --- a JWT never falls back to userinfo ----------------------------------------------------
service both $COMMON cache_dir=$CACHE "userinfo=$USERINFO"
u4=$(stat_of userinfo)
expect "issuer= and userinfo=: a JWT for another audience is refused" "$DENIED" both alice "$WORK/alice_otheraud"
check "and userinfo was not asked" test "$(stat_of userinfo)" = "$u4"

# --- configuration errors ---------------------------------------------------------------
mkdir -m 777 "$WORK/open_cache"
service open_cache $COMMON cache_dir=$WORK/open_cache
expect "a world-writable cache_dir is refused" "$CONFIG_ERROR" open_cache alice "$WORK/alice"
check_log "the reason names the directory" "cache_dir:"
# Every file option under one rule (man page, FILES): whoever can write or
# replace a key file decides the login.
printf '{"keys":[]}\n' >"$WORK/writable.json"
chmod 664 "$WORK/writable.json"
service writable_keys $COMMON cache=off "jwks_file=$WORK/writable.json"
expect "a group-writable jwks_file= is a configuration error" "$CONFIG_ERROR" writable_keys alice "$WORK/alice"
check_log "the reason gives the mode and the fix" \
	"jwks_file: $WORK/writable.json has mode 0664: it must not be writable by group or others (chmod go-w $WORK/writable.json)"
mkdir -m 777 "$WORK/open_keys"
printf '{"keys":[]}\n' >"$WORK/open_keys/keys.json"
service open_keys $COMMON cache=off "jwks_file=$WORK/open_keys/keys.json"
expect "a jwks_file= in a directory others may write is a configuration error" "$CONFIG_ERROR" open_keys alice "$WORK/alice"
check_log "the reason names the directory" "lies in $WORK/open_keys of mode 0777, whose other writers could replace it"
printf 'a-shared-secret-of-32-bytes-long\n' >"$WORK/hmac.secret"
chmod 600 "$WORK/hmac.secret"
service relative_secret $COMMON cache=off hmac_secret_file=hmac.secret
cd "$WORK" || bail "cannot cd to $WORK"
expect "a relative hmac_secret_file= is a configuration error, even from its directory" "$CONFIG_ERROR" \
	relative_secret alice "$WORK/alice"
cd - >/dev/null || bail "cannot cd back"
check_log "the reason says why" "hmac_secret_file: hmac.secret is not an absolute path"
if [ "$(id -u)" -eq 0 ]; then
	cp "$WORK/hmac.secret" "$WORK/theirs.secret"
	chown 65534:65534 "$WORK/theirs.secret"
	service theirs_secret $COMMON cache=off "hmac_secret_file=$WORK/theirs.secret"
	expect "an hmac_secret_file= owned by another user is a configuration error" "$CONFIG_ERROR" \
		theirs_secret alice "$WORK/alice"
	check_log "the reason names the owner and the fix" \
		"hmac_secret_file: $WORK/theirs.secret is owned by uid 65534: it must be owned by root or uid 0, the user the service runs as (chown root $WORK/theirs.secret)"
else
	skip "an hmac_secret_file= owned by another user (needs root to hand it over)"
	skip "the reason names the owner and the fix"
fi
service no_aud "issuer=$ISSUER"
expect "issuer= without audience= is a configuration error" "$CONFIG_ERROR" no_aud alice "$WORK/alice"
check_log "the reason says what is missing" "JWT validation needs audience="

check_no_token_in_log
tap_finish
