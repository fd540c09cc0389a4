# SPDX-License-Identifier: MIT
# The module's modes that the benchmarks compare, as pam.d arguments, and
# the token each accepts; shared by bench/logins.sh, bench/cpu.sh and
# bench/inside.sh.  Source it after start_issuer, with WORK, USERINFO,
# ISSUER, INTROSPECT set and the introspection client's secret in
# $WORK/client.secret.  Sets MODULE_MODES (in table order) and
# MODE_ARGS[mode]; defines mode_token.
_ui="userinfo=$USERINFO username_claim=preferred_username"
_in="introspection=$INTROSPECT client_id=pam-db client_secret_file=$WORK/client.secret username_claim=preferred_username"
_jwt="issuer=$ISSUER audience=postgres username_claim=preferred_username"
_cache="cache_dir=$WORK/cache"
MODULE_MODES=(userinfo_cold userinfo_cached introspect_cold introspect_cached
	jwt_cold_keys jwt_cached_keys jwt_cached_verdict)
declare -A MODE_ARGS=(
	[userinfo_cold]="$_ui cache=off"
	[userinfo_cached]="$_ui $_cache"
	[introspect_cold]="$_in cache=off"
	[introspect_cached]="$_in $_cache"
	[jwt_cold_keys]="$_jwt cache=off"
	[jwt_cached_keys]="$_jwt $_cache cache_ttl=0"
	[jwt_cached_verdict]="$_jwt $_cache"
)
unset _ui _in _jwt _cache

# mode_token MODE USER FILE: writes to FILE the password a login as USER
# sends in MODE: a token of the test issuer (mint, tests/lib/common.sh)
# of the kind the mode checks, or a placeholder for pam_permit and
# pam_ask_permit, which never look at it.
mode_token() {
	case $1 in
	pam_permit | pam_ask_permit) printf 'unused' >"$3" ;;
	introspect_*) mint "$3" --opaque username="$2" ;;
	jwt_*) mint "$3" username="$2" aud=postgres ;;
	*) mint "$3" username="$2" ;;
	esac
}
