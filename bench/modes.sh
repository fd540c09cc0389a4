# The module's modes that the benchmarks compare, as pam.d arguments; shared
# by bench/logins.sh and bench/cpu.sh.  Source it after start_issuer, with
# WORK, USERINFO, ISSUER, INTROSPECT set and the introspection client's
# secret in $WORK/client.secret.  Sets MODULE_MODES (in table order) and
# MODE_ARGS[mode].
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
