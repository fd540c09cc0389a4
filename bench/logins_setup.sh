# SPDX-License-Identifier: MIT
# The methods bench/logins.sh and bench/paired_logins.sh compare, set up:
# a role b_METHOD per method with its pg_hba line (and pam.d service), the
# cluster started, and the password each role's clients send in
# $WORK/pw_METHOD; every method logs in once (which also warms the cached
# modes).  Sourced after bench/serverlib.sh, with svc (the pam.d services'
# prefix) set; BENCH_METHODS picks the rows (pam_permit and pam_ask_permit
# always come along).  Sets METHODS.
. bench/modes.sh
METHODS=(trust scram pam_permit pam_ask_permit "${MODULE_MODES[@]}")
if [ -n "${BENCH_METHODS:-}" ]; then
	wanted=(pam_permit pam_ask_permit)
	for m in $BENCH_METHODS; do
		[[ " ${METHODS[*]} " == *" $m "* ]] || bail "BENCH_METHODS: no method '$m' (there are: ${METHODS[*]})"
		[ "$m" = pam_permit ] || [ "$m" = pam_ask_permit ] || wanted+=("$m")
	done
	METHODS=("${wanted[@]}")
fi

hba=""
for m in "${METHODS[@]}"; do
	role=b_$m
	case $m in
	trust) hba+="host all $role 127.0.0.1/32 trust"$'\n' ;;
	scram) hba+="host all $role 127.0.0.1/32 scram-sha-256"$'\n' ;;
	pam_permit)
		pam_service "${svc}_$m" "auth    required pam_permit.so
account required pam_permit.so"
		hba+="host all $role 127.0.0.1/32 pam pamservice=${svc}_$m"$'\n' ;;
	pam_ask_permit)
		install -m 644 "$BUILD/tests/harness/pam_ask_permit.so" "$WORK/root/pam_ask_permit.so"
		pam_service "${svc}_$m" "auth    required $WORK/root/pam_ask_permit.so
account required $WORK/root/pam_ask_permit.so"
		hba+="host all $role 127.0.0.1/32 pam pamservice=${svc}_$m"$'\n' ;;
	*)
		pam_service "${svc}_$m" "auth    required $MODULE ${MODE_ARGS[$m]}
account required $MODULE"
		hba+="host all $role 127.0.0.1/32 pam pamservice=${svc}_$m"$'\n' ;;
	esac
done
bench_pg_start "$hba"

# The password each role's clients send.
for m in "${METHODS[@]}"; do
	role=b_$m
	pg_admin "CREATE ROLE $role LOGIN" || bail "could not create $role"
	case $m in
	trust) printf 'unused' >"$WORK/pw_$m" ;;
	scram)
		printf 'bench-password-%s' "$$" >"$WORK/pw_$m"
		pg_admin "SET password_encryption = 'scram-sha-256'; ALTER ROLE $role PASSWORD '$(cat "$WORK/pw_$m")'" ;;
	*) mode_token "$m" "$role" "$WORK/pw_$m" ;;
	esac
done

# Every method must log in (this also warms the cached modes: keys on disk,
# and a remembered verdict for those that keep one).
for m in "${METHODS[@]}"; do
	got=$(pg_login "b_$m" "$WORK/pw_$m" "SELECT current_user")
	[ "$got" = "b_$m" ] || bail "$m: login failed: $got"
done

