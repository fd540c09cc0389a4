#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Authorization on top of any check, through the real libpam: scopes and
# claim rules over Keycloak-shaped tokens, and the username map.
set -u
. "$(dirname "$0")/../lib/pam.sh"

start_issuer
start_syslog_capture
write_client_secret

JWT="issuer=$ISSUER audience=db cache_dir=$WORK/cache"

KC_DBA='{"realm_access":{"roles":["offline_access","dba"]},"resource_access":{"my.app":{"roles":["reader"]}},"email_verified":true,"groups":["ops","db"]}'
KC_USER='{"realm_access":{"roles":["offline_access"]},"email_verified":"true","groups":["web"]}'
mint "$WORK/alice_dba" username=alice aud=db "scope=openid db:login" "extra_json=$KC_DBA"
mint "$WORK/alice_user" username=alice aud=db scope=openid "extra_json=$KC_USER"

service dba $JWT username_claim=preferred_username scope=db:login \
	claim_contains=realm_access.roles:dba claim_equals=email_verified:true \
	'claim_contains=resource_access.my\.app.roles:reader' claim_any_of=groups:db,admins \
	claim_all_of=groups:ops,db
expect "a Keycloak-shaped token with every rule met logs in" "$GRANTED" dba alice "$WORK/alice_dba"
expect "a token without the dba role is refused" "$DENIED" dba alice "$WORK/alice_user"
check_log "the log names the rule that failed" "scope db:login missing"
service role_only $JWT username_claim=preferred_username claim_contains=realm_access.roles:dba
expect "claim_contains=realm_access.roles:dba alone refuses it too" "$DENIED" role_only alice "$WORK/alice_user"
check_log "the log names the rule and what was found" "claim_contains=realm_access.roles:dba"
# Values compare by JSON type: the literal true is not the string "true",
# which is written quoted; the positional form's CLAIM=VALUE follows the
# same rule, and libpam's [...] form passes the quotes through.
service verified $JWT username_claim=preferred_username claim_equals=email_verified:true
expect "claim_equals=email_verified:true accepts the JSON value true" "$GRANTED" verified alice "$WORK/alice_dba"
expect "claim_equals=email_verified:true refuses the string \"true\"" "$DENIED" verified alice "$WORK/alice_user"
check_log "the reason shows the string" 'rule claim_equals=email_verified:true failed: email_verified is "true"'
service verified_string $JWT username_claim=preferred_username 'claim_equals=email_verified:"true"'
expect "claim_equals=email_verified:\"true\" accepts the string" "$GRANTED" verified_string alice "$WORK/alice_user"
expect "claim_equals=email_verified:\"true\" refuses the JSON value true" "$DENIED" verified_string alice "$WORK/alice_dba"
service verified_bracket $JWT username_claim=preferred_username '[claim_equals=email_verified:"true"]'
expect "the [...] argument form keeps the quotes" "$GRANTED" verified_bracket alice "$WORK/alice_user"
service verified_positional "$USERINFO" preferred_username email_verified=true
expect "positional email_verified=true accepts the JSON value true" "$GRANTED" verified_positional alice "$WORK/alice_dba"
expect "positional email_verified=true refuses the string \"true\"" "$DENIED" verified_positional alice "$WORK/alice_user"
check_log "the reason shows the string" 'required claim email_verified=true: the token has "true"'
service bad_quote $JWT username_claim=preferred_username 'claim_equals=email_verified:"true'
expect "an unterminated quoted value is a configuration error" "$CONFIG_ERROR" bad_quote alice "$WORK/alice_user"
check_log "the reason says what the value must be" 'a value in double quotes must be one JSON string'
service all_of $JWT username_claim=preferred_username claim_all_of=groups:ops,db,web
expect "claim_all_of needs every value" "$DENIED" all_of alice "$WORK/alice_dba"
check_log "the log names the rule" "claim_all_of=groups:ops,db,web"

# The same rules apply to introspection answers.
node "$ISSUER_DIR/mint.mjs" --state-file "$WORK/issuer.json" --opaque username=alice \
	"extra_json=$KC_DBA" >"$WORK/alice_opaque_dba"
node "$ISSUER_DIR/mint.mjs" --state-file "$WORK/issuer.json" --opaque username=alice \
	"extra_json=$KC_USER" >"$WORK/alice_opaque_user"
MINTED_TOKENS+=("$WORK/alice_opaque_dba" "$WORK/alice_opaque_user")
service opaque_dba "introspection=$INTROSPECT" client_id=pam-db client_secret_file=$WORK/client.secret \
	username_claim=preferred_username claim_contains=realm_access.roles:dba
expect "introspection: the dba role is there" "$GRANTED" opaque_dba alice "$WORK/alice_opaque_dba"
expect "introspection: the dba role is missing" "$DENIED" opaque_dba alice "$WORK/alice_opaque_user"

# --- username_map ----------------------------------------------------------------
cat >"$WORK/users.map" <<'MAP'
# identity (email claim)      PAM user
alice@example.com             alice
alice@example.com             reporting
/^([a-z]+)\.admin@example\.com$   \1
MAP
chmod 644 "$WORK/users.map"
mint "$WORK/alice_mail" username=alice aud=db
mint "$WORK/carol_admin" username=carol.admin aud=db
service mapped $JWT username_claim=email username_map=$WORK/users.map
expect "alice@example.com logs in as alice through the map" "$GRANTED" mapped alice "$WORK/alice_mail"
expect "and as reporting (one identity, several roles)" "$GRANTED" mapped reporting "$WORK/alice_mail"
expect "but not as bob" "$DENIED" mapped bob "$WORK/alice_mail"
check_log "the reason names the identity and the user" "alice@example.com"
expect "a regex line maps carol.admin@example.com to carol" "$GRANTED" mapped carol "$WORK/carol_admin"
expect "the regex does not map it to carol.admin" "$DENIED" mapped carol.admin "$WORK/carol_admin"
cp "$WORK/users.map" "$WORK/upper.map"
sed -i 's/^alice@example.com /ALICE@EXAMPLE.COM /' "$WORK/upper.map"
service mapped_exact $JWT username_claim=email username_map=$WORK/upper.map
service mapped_fold $JWT username_claim=email username_map=$WORK/upper.map username_map_casefold
expect "identities compare byte for byte by default" "$DENIED" mapped_exact alice "$WORK/alice_mail"
expect "username_map_casefold folds ASCII case" "$GRANTED" mapped_fold alice "$WORK/alice_mail"
printf 'alice@example.com\n' >"$WORK/bad.map"
service bad_map $JWT username_claim=email username_map=$WORK/bad.map
expect "a map line without a user: PAM_SERVICE_ERR" "$CONFIG_ERROR" bad_map alice "$WORK/alice_mail"
check_log "the reason gives file and line" "bad.map:1:"
chmod 666 "$WORK/users.map"
expect "a map file others can write: PAM_SERVICE_ERR" "$CONFIG_ERROR" mapped alice "$WORK/alice_mail"
chmod 644 "$WORK/users.map"

# --- configuration errors ----------------------------------------------------------
service bad_rule $JWT claim_contains=realm_access.roles
expect "a rule without a value: PAM_SERVICE_ERR" "$CONFIG_ERROR" bad_rule alice "$WORK/alice_dba"
check_log "the reason names the option" "claim_contains"

check_no_token_in_log
tap_finish
