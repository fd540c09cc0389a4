#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The ready files in examples/ are what users copy, so each pam.d file must
# be accepted by the module's own argument parser: pam_oauth2_check reads it
# as libpam would (--pam-dir) and must get past the configuration to the
# token (exit 1 on a token refused at intake, before any network request;
# 2 would be a configuration error).  The files they name under
# /etc/pam_oauth2/ are pointed at stand-ins made here with the modes the
# module requires.  Usage: test_examples.sh PATH_TO_pam_oauth2_check
set -u
. "$(dirname "$0")/../lib/tap.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
tool=${1:?usage: test_examples.sh PAM_OAUTH2_CHECK}

work=$(mktemp -d /tmp/pam_oauth2_examples.XXXXXX) || bail "mktemp failed"
trap 'rm -rf "$work"' EXIT
mkdir "$work/pam.d" "$work/etc"
printf 'stand-in secret' >"$work/etc/client.secret"
chmod 0600 "$work/etc/client.secret"
cp "$root/examples/users.map" "$work/etc/users.map"
chmod 0644 "$work/etc/users.map"

files=("$root"/examples/pam.d-*)
check "examples/ holds the three pam.d files (${#files[@]})" test "${#files[@]}" -eq 3
for f in "${files[@]}"; do
	name=${f##*/}
	sed "s|/etc/pam_oauth2/|$work/etc/|g" "$f" >"$work/pam.d/$name"
	# A token with a space is refused at intake, after the arguments are
	# parsed and before anything is fetched.
	out=$(printf 'not a token' | "$tool" --pam-dir "$work/pam.d" --service "$name" \
		--user alice --no-cache 2>&1)
	rc=$?
	line=$(grep -n '^auth ' "$f" | head -n 1 | cut -d: -f1)
	if [ "$rc" -eq 1 ] && grep -q "^options: .*/$name line $line\$" <<<"$out" &&
		grep -q 'fail  intake' <<<"$out"; then
		ok "examples/$name: the module accepts its auth line (line $line)"
	else
		not_ok "examples/$name: the module accepts its auth line (exit $rc)"
		printf '%s\n' "$out" | sed 's/^/#   /' | head -n 20
	fi
done

tap_finish
