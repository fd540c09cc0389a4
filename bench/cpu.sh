#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# CPU time of one login through the PAM stack alone, per mode, the way
# PostgreSQL runs it: a parent forks one child per login and the child does
# pam_start, authenticate, acct_mgmt, pam_end (tests/harness/pam_harness
# --fork); the figure is the children's own CPU time, so unlike
# bench/logins.sh it holds on a machine shared with other work.  Each mode
# twice: as a plain postmaster's backends see it, and with the parent
# having done what pam_oauth2_preload does in a postmaster (--preload).
# Two references besides pam_permit: pam_ask_permit (asks for the password,
# grants; tests/harness) and bench/fork_verify, OpenSSL's RS256 check alone.
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
ninja -C "$BUILD" bench/fork_verify >/dev/null
MODULE=$BUILD/src/pam_oauth2.so
HARNESS=$BUILD/tests/harness/pam_harness

ISSUER_DIR=$ROOT/tests/issuer
. tests/lib/common.sh
start_issuer
write_client_secret
mkdir -p "$WORK/pam.d"
. bench/modes.sh
ASK=$BUILD/tests/harness/pam_ask_permit.so
MODES=(pam_permit pam_ask_permit "${MODULE_MODES[@]}")
for m in "${MODES[@]}"; do
	if [ "$m" = pam_permit ]; then
		printf 'auth required pam_permit.so\naccount required pam_permit.so\n' >"$WORK/pam.d/$m"
	elif [ "$m" = pam_ask_permit ]; then
		printf 'auth required %s\naccount required %s\n' "$ASK" "$ASK" >"$WORK/pam.d/$m"
	else
		printf 'auth required %s %s\naccount required %s\n' "$MODULE" "${MODE_ARGS[$m]}" "$MODULE" >"$WORK/pam.d/$m"
	fi
	mode_token "$m" alice "$WORK/tok_$m"
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

# The floor under jwt_cached_keys: OpenSSL alone, no module, no PAM.
# fork_verify_row LABEL [--preload MODULE]: "LABEL empty_ms rs256_ms"
fork_verify_row() {
	local label=$1 out
	shift
	out=$("$BUILD/bench/fork_verify" "$@" "$LOGINS") || bail "fork_verify $*: failed"
	printf '%s %s %s\n' "$label" "$(sed -n 's/^empty: \([0-9.]*\) ms.*/\1/p' <<<"$out")" \
		"$(sed -n 's/^rs256: \([0-9.]*\) ms.*/\1/p' <<<"$out")"
}
echo
echo "## OpenSSL alone in a forked child: RSA-2048 public key from n and e, one RS256 verification (bench/fork_verify, mean of $LOGINS)"
echo
{ fork_verify_row plain; fork_verify_row preloaded --preload "$MODULE"; } >"$WORK/floor"
awk '
	BEGIN {
		printf "| parent | empty child: ms | import + verify: ms | over the empty child |\n"
		printf "|---|---|---|---|\n"
	}
	{ printf "| %s | %.3f | %.3f | %+.3f |\n", $1, $2, $3, $3 - $2 }' "$WORK/floor"

# What the module adds to a JWT login with cached keys beyond OpenSSL's own
# check: the share a change to the module can move.
echo
echo "## The module's own share of jwt_cached_keys: its CPU over pam_permit, less OpenSSL's import + verify over the empty child"
echo
awk '
	FILENAME == ARGV[1] && $1 == "pam_permit" { p["plain"] = $2; p["preloaded"] = $3 }
	FILENAME == ARGV[1] && $1 == "jwt_cached_keys" { j["plain"] = $2; j["preloaded"] = $3 }
	FILENAME == ARGV[2] { floor[$1] = $3 - $2; order[++n] = $1 }
	END {
		printf "| parent | jwt_cached_keys over pam_permit: ms | OpenSSL alone: ms | the module'"'"'s own share: ms |\n"
		printf "|---|---|---|---|\n"
		for (i = 1; i <= n; i++) {
			k = order[i]
			printf "| %s | %+.3f | %+.3f | %+.3f |\n", k, j[k] - p[k], floor[k],
				(j[k] - p[k]) - floor[k]
		}
	}' "$WORK/cpu" "$WORK/floor"
