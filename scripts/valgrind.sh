#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Soak under valgrind: the module in ONE long-lived process (as in sshd or a
# PostgreSQL backend that logs in again), ROUNDS logins per mode, through
# the real libpam (tests/harness/pam_harness --repeat --check-fds):
#
#   scripts/valgrind.sh [ROUNDS]        default 10000; faults: FAULT_ROUNDS (300)
#
# Modes: JWT with keys cached after the first round, introspection of an
# opaque token, userinfo (no verdict remembered: each round runs the
# check), a userinfo login remembered in the verdict cache; then the faults: issuer answers 500, connection
# refused, non-JSON answer, a garbage token, an oversize token, an expired
# JWT, a JWT for another audience.  Each mode passes only if valgrind
# (memcheck, --leak-check=full) reports no error and no definite or indirect
# leak, the process has no more descriptors after the last round than
# before the first, and every round got the expected PAM codes.  Prints a
# table (mode, rounds, seconds, result); exits 1 if any mode failed.
# Builds its own debug build in build/valgrind; starts the test issuer; as
# root, keeps the module's syslog lines in a private /dev/log.  Not run by
# CI (minutes of wall time).
set -u
cd "$(dirname "$0")/.."
. scripts/soaklib.sh

ROUNDS=${1:-10000}
FAULT_ROUNDS=${FAULT_ROUNDS:-300}
[[ "$ROUNDS" =~ ^[0-9]+$ && "$ROUNDS" -ge 2 ]] || bail "ROUNDS must be a number >= 2"
[[ "$FAULT_ROUNDS" =~ ^[0-9]+$ && "$FAULT_ROUNDS" -ge 2 ]] || bail "FAULT_ROUNDS must be a number >= 2"
command -v valgrind >/dev/null || bail "valgrind is not installed (apt-get install valgrind)"

build_in build/valgrind -Dbuildtype=debug
private_syslog
start_issuer
write_client_secret
mkdir -p "$WORK/pam.d"

# svc NAME ARGS...: auth with the module and ARGS, account with the module.
svc() {
	local name=$1
	shift
	printf 'auth    required %s %s\naccount required %s\n' \
		"$PAM_OAUTH2_MODULE" "$*" "$PAM_OAUTH2_MODULE" >"$WORK/pam.d/$name"
}
# Remembered verdicts would answer every round after the first without the
# check under test; NOCACHE keeps keys and discovery cached but remembers no
# verdict.  The verdict-cache mode then soaks the remembered path itself.
NOCACHE="cache_dir=$WORK/cache cache_ttl=0 negative_cache_ttl=0"
svc jwt "issuer=$ISSUER audience=db username_claim=preferred_username $NOCACHE"
svc introspection "introspection=$INTROSPECT client_id=pam-db" \
	"client_secret_file=$WORK/client.secret username_claim=preferred_username $NOCACHE"
svc userinfo "userinfo=$USERINFO username_claim=preferred_username $NOCACHE"
svc cached "userinfo=$USERINFO username_claim=preferred_username cache_dir=$WORK/cache"
svc status500 "userinfo=$FAULTS/status/500 username_claim=preferred_username $NOCACHE"
svc refused "userinfo=http://127.0.0.1:$(free_port)/userinfo username_claim=preferred_username $NOCACHE"
svc notjson "userinfo=$FAULTS/notjson username_claim=preferred_username $NOCACHE"

mint "$WORK/jwt" username=alice aud=db
mint "$WORK/opaque" --opaque username=alice
mint "$WORK/expired" username=alice aud=db expires_in=-120
mint "$WORK/otheraud" username=alice aud=reporting
printf 'this-is-not-a-token' >"$WORK/garbage"
head -c 17000 /dev/zero | tr '\0' 'a' >"$WORK/oversize"

VALGRIND=(valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect
	--errors-for-leak-kinds=definite,indirect --error-exitcode=99 --track-fds=yes
	--num-callers=30)
GRANTED="auth=PAM_SUCCESS acct=PAM_SUCCESS"
failed=0

# soak MODE ROUNDS SERVICE TOKEN_FILE EXPECTED: one process, ROUNDS logins as
# alice; EXPECTED is the harness's outcome for every round ("auth=CODE
# [acct=CODE]").
soak() {
	local mode=$1 rounds=$2 service=$3 token=$4 want=$5
	local out=$WORK/$mode.out vglog=$WORK/$mode.valgrind start rc secs first problems=()

	start=$(date +%s%N)
	"${VALGRIND[@]}" --log-file="$vglog" "$PAM_HARNESS" --confdir "$WORK/pam.d" \
		--service "$service" --user alice --token-file "$token" \
		--repeat "$rounds" --check-fds >"$out" 2>"$WORK/$mode.err"
	rc=$?
	secs=$(awk -v ns=$(($(date +%s%N) - start)) 'BEGIN { printf "%.1f", ns / 1e9 }')

	# The first round's lines, as the integration tests print them.
	first="pam_authenticate: ${want%% *}"
	first=${first/auth=/}
	[[ "$want" == *acct=* ]] && first+=$'\n'"pam_acct_mgmt: ${want##*acct=}"
	[ "$(grep '^pam_' "$out")" = "$first" ] || problems+=("first round: $(grep '^pam_' "$out" | tr '\n' ' ')")
	[ "$(grep '^rounds:' "$out")" = "rounds: $rounds $want" ] ||
		problems+=("codes: $(grep '^rounds:' "$out" | sed 's/^rounds: //' | paste -sd';')")
	local fds
	fds=$(sed -n 's/^fds: //p' "$out")
	[[ "$fds" =~ ^([0-9]+)\ -\>\ ([0-9]+)$ ]] && [ "${BASH_REMATCH[2]}" -le "${BASH_REMATCH[1]}" ] ||
		problems+=("fds ${fds:-not counted}")
	grep -q 'ERROR SUMMARY: 0 errors' "$vglog" ||
		problems+=("valgrind: $(sed -n 's/^==[0-9]*== ERROR SUMMARY: //p' "$vglog")")
	grep -Eq '(definitely|indirectly) lost: [1-9]' "$vglog" &&
		problems+=("leaks: $(grep -Eo '(definitely|indirectly) lost: [0-9,]+ bytes' "$vglog" | paste -sd' ')")
	[ "$rc" -eq 0 ] || problems+=("exit $rc")

	if [ ${#problems[@]} -eq 0 ]; then
		row "$mode" "$rounds" "$secs" "ok (fds $fds)"
	else
		row "$mode" "$rounds" "$secs" "FAILED: $(IFS=';'; echo "${problems[*]}")"
		failed=1
		cat "$vglog" "$out" >"/tmp/pam_oauth2_valgrind.$mode.$$.log"
		echo "  valgrind log and harness output: /tmp/pam_oauth2_valgrind.$mode.$$.log"
	fi
	echo "$mode: $rounds rounds, $secs s: $(IFS=';'; echo "${problems[*]:-ok}")"
}

soak jwt "$ROUNDS" jwt "$WORK/jwt" "$GRANTED"
soak introspection "$ROUNDS" introspection "$WORK/opaque" "$GRANTED"
soak userinfo "$ROUNDS" userinfo "$WORK/jwt" "$GRANTED"
soak verdict-cache "$ROUNDS" cached "$WORK/jwt" "$GRANTED"
soak fault-issuer-500 "$FAULT_ROUNDS" status500 "$WORK/jwt" auth=PAM_AUTHINFO_UNAVAIL
soak fault-conn-refused "$FAULT_ROUNDS" refused "$WORK/jwt" auth=PAM_AUTHINFO_UNAVAIL
soak fault-non-json "$FAULT_ROUNDS" notjson "$WORK/jwt" auth=PAM_AUTHINFO_UNAVAIL
soak fault-garbage-token "$FAULT_ROUNDS" userinfo "$WORK/garbage" auth=PAM_AUTH_ERR
soak fault-oversize-token "$FAULT_ROUNDS" userinfo "$WORK/oversize" auth=PAM_AUTH_ERR
soak fault-expired-jwt "$FAULT_ROUNDS" jwt "$WORK/expired" auth=PAM_AUTH_ERR
soak fault-wrong-audience "$FAULT_ROUNDS" jwt "$WORK/otheraud" auth=PAM_AUTH_ERR

echo
print_table $'mode\trounds\tseconds\tresult'
if [ "$failed" -ne 0 ]; then
	echo "valgrind soak: FAILED"
	exit 1
fi
echo "valgrind soak: all modes passed"
