#!/usr/bin/env bash
# CPU time of one login through the PAM stack alone, per mode: each login is
# a new process (tests/harness/pam_harness: pam_start, authenticate,
# acct_mgmt, pam_end), as each PostgreSQL connection is a new backend, with
# libssl and libcrypto already mapped as PostgreSQL has them.  perf stat
# counts the CPU the process itself used, so unlike bench/logins.sh the
# figures hold on a machine shared with other work.  Not a test: it asserts
# nothing, it prints a table.  No root needed.
#
#   bench/cpu.sh [LOGINS_PER_MODE]        default 200
set -euo pipefail
LOGINS=${1:-200}
[[ "$LOGINS" =~ ^[0-9]+$ && "$LOGINS" -ge 5 ]] || { echo "LOGINS_PER_MODE must be a number >= 5" >&2; exit 2; }
command -v perf >/dev/null || { echo "perf is not installed (apt-get install linux-perf)" >&2; exit 2; }

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
printf 's3cret-for-tests\n' >"$WORK/client.secret"
chmod 600 "$WORK/client.secret"
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

PRELOAD=$(for l in libssl.so.3 libcrypto.so.3; do ldconfig -p | awk -v l="$l" '$1 == l {print $NF; exit}'; done | paste -sd:)
login() {
	env LD_PRELOAD="$PRELOAD" "$HARNESS" --confdir "$WORK/pam.d" --service "$1" \
		--user alice --token-file "$WORK/tok_$1"
}

echo "cpu: ${#MODES[@]} modes x $LOGINS logins, $(nproc) cores, perf stat -e task-clock" >&2
: >"$WORK/cpu"
for m in "${MODES[@]}"; do
	# Every mode must log in; this also warms the cached ones.
	out=$(login "$m")
	[ "$out" = $'pam_authenticate: PAM_SUCCESS\npam_acct_mgmt: PAM_SUCCESS' ] ||
		bail "$m: the login failed: $out"
	# -x,: "msec,unit,event,run,pct,...", the mean over -r runs.
	ms=$(perf stat -x, -r "$LOGINS" -e task-clock -- env LD_PRELOAD="$PRELOAD" "$HARNESS" \
		--confdir "$WORK/pam.d" --service "$m" --user alice --token-file "$WORK/tok_$m" \
		2>&1 >/dev/null | awk -F, '$3 ~ /^task-clock/ {print $1; exit}')
	[ -n "$ms" ] || bail "$m: perf stat printed no task-clock"
	printf '%s %s\n' "$m" "$ms" >>"$WORK/cpu"
	echo "$m done" >&2
done

echo
echo "## CPU per login, PAM stack alone (mean of $LOGINS processes)"
echo
awk '
	{ ms[NR] = $2; name[NR] = $1; if ($1 == "pam_permit") p = $2 }
	END {
		printf "| mode | CPU ms/login | ms over pam_permit |\n|---|---|---|\n"
		for (i = 1; i <= NR; i++)
			printf "| %s | %.2f | %s |\n", name[i], ms[i],
				name[i] == "pam_permit" ? "" : sprintf("%+.2f", ms[i] - p)
	}' "$WORK/cpu"
