#!/usr/bin/env bash
# CPU time of one login through the PAM stack alone, per mode, the way
# PostgreSQL runs it: a parent forks one child per login and the child does
# pam_start, authenticate, acct_mgmt, pam_end (tests/harness/pam_harness
# --fork); the figure is the children's own CPU time, so unlike
# bench/logins.sh it holds on a machine shared with other work.  Each mode
# twice: as a plain postmaster's backends see it, and with the parent
# having done what pam_oauth2_preload does in a postmaster (--preload).
# Not a test: it asserts nothing, it prints a table.  No root needed.
#
#   bench/cpu.sh [LOGINS_PER_MODE]        default 300
set -euo pipefail
LOGINS=${1:-300}
[[ "$LOGINS" =~ ^[0-9]+$ && "$LOGINS" -ge 5 ]] || { echo "LOGINS_PER_MODE must be a number >= 5" >&2; exit 2; }

cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD_DIR:-$ROOT/build/bench}
[ -d "$BUILD" ] || meson setup "$BUILD" >/dev/null
ninja -C "$BUILD" >/dev/null
MODULE=$BUILD/src/pam_oauth2.so
HARNESS=$BUILD/tests/harness/pam_harness

ISSUER_DIR=$ROOT/tests/issuer
. tests/integration/common.sh
start_issuer
write_client_secret
mkdir -p "$WORK/pam.d"
. bench/modes.sh
MODES=(pam_permit "${MODULE_MODES[@]}")
for m in "${MODES[@]}"; do
	if [ "$m" = pam_permit ]; then
		printf 'auth required pam_permit.so\naccount required pam_permit.so\n' >"$WORK/pam.d/$m"
	else
		printf 'auth required %s %s\naccount required %s\n' "$MODULE" "${MODE_ARGS[$m]}" "$MODULE" >"$WORK/pam.d/$m"
	fi
	case $m in
	pam_permit) printf 'unused' >"$WORK/tok_$m" ;;
	introspect_*) mint "$WORK/tok_$m" --opaque username=alice ;;
	jwt_*) mint "$WORK/tok_$m" username=alice aud=postgres ;;
	*) mint "$WORK/tok_$m" username=alice ;;
	esac
done

# cpu_per_login MODE [--preload MODULE]: ms; every login must succeed.
cpu_per_login() {
	local m=$1 out
	shift
	out=$("$HARNESS" --confdir "$WORK/pam.d" --service "$m" --user alice \
		--token-file "$WORK/tok_$m" --fork --repeat "$LOGINS" --report-cpu "$@")
	grep -qx "rounds: $LOGINS auth=PAM_SUCCESS acct=PAM_SUCCESS" <<<"$out" ||
		bail "$m: not every login succeeded: $(grep '^rounds:' <<<"$out" | paste -sd';')"
	sed -n 's/^cpu: \([0-9.]*\) ms per login$/\1/p' <<<"$out"
}

echo "cpu: ${#MODES[@]} modes x $LOGINS forked logins, twice (plain, preloaded), $(nproc) cores" >&2
: >"$WORK/cpu"
for m in "${MODES[@]}"; do
	# warms the cached modes: keys on disk, a remembered verdict
	"$HARNESS" --confdir "$WORK/pam.d" --service "$m" --user alice --token-file "$WORK/tok_$m" >/dev/null
	printf '%s %s %s\n' "$m" "$(cpu_per_login "$m")" "$(cpu_per_login "$m" --preload "$MODULE")" >>"$WORK/cpu"
	echo "$m done" >&2
done

echo
echo "## CPU per login, PAM stack alone (forked child per login, mean of $LOGINS)"
echo
awk '
	{ name[NR] = $1; plain[NR] = $2; pre[NR] = $3; if ($1 == "pam_permit") { p = $2; pp = $3 } }
	END {
		printf "| mode | plain: ms | over pam_permit | preloaded: ms | over pam_permit |\n"
		printf "|---|---|---|---|---|\n"
		for (i = 1; i <= NR; i++) {
			self = name[i] == "pam_permit"
			printf "| %s | %.3f | %s | %.3f | %s |\n", name[i], plain[i],
				self ? "" : sprintf("%+.3f", plain[i] - p), pre[i],
				self ? "" : sprintf("%+.3f", pre[i] - pp)
		}
	}' "$WORK/cpu"
