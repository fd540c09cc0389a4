#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The main job on an embedded default, on a fresh Debian 12 machine, as root:
# installs what is missing, builds and stages the module, starts a local token
# issuer (oauth2-mock-server) and a throwaway PostgreSQL cluster whose
# pg_hba.conf logs TCP clients in through pam_oauth2 with the seed's pam.d
# lines, then shows two users each seeing only their own rows (row-level
# security on current_user) and two bad tokens refused.  Cleans up on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

scripts/install-deps.sh
meson setup build/demo >/dev/null 2>&1 || true
ninja -C build/demo >/dev/null

ISSUER_DIR=$ROOT/tests/issuer
. tests/lib/common.sh
. tests/lib/pgcluster.sh
[ "$(id -u)" -eq 0 ] || bail "run the demo as root (it writes /etc/pam.d and runs PostgreSQL as postgres)"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "Starting the token issuer (oauth2-mock-server) on loopback"
start_issuer
echo "userinfo endpoint: $USERINFO"

# Reasons go to syslog; where no system logger runs, show them from a sink.
if [ ! -S /dev/log ]; then
	"$ROOT/build/demo/tests/harness/syslog_sink" /dev/log "$WORK/syslog.txt" &
	on_exit "kill $!"
fi

say "Installing the module (staged: meson install --destdir)"
install_module "$ROOT/build/demo"
echo "$MODULE"

service=pam_oauth2_demo_$$
say "/etc/pam.d/$service (the seed configuration)"
pam_service "$service" "auth    sufficient $MODULE $USERINFO preferred_username
account sufficient $MODULE $USERINFO preferred_username"
cat "/etc/pam.d/$service"

say "PostgreSQL: pg_hba.conf sends TCP logins to PAM"
pg_start "host all all 127.0.0.1/32 pam pamservice=$service"
grep -v '^#' "$PGDATA_DIR/pg_hba.conf" | grep .
pg_create_rls_table
echo "table notes: row-level security, policy owner = current_user"

mint "$WORK/alice.token" username=alice
mint "$WORK/bob.token" username=bob
printf 'not-a-real-token' >"$WORK/garbage.token"

query="SELECT current_user || ' sees: ' || string_agg(body, ', ' ORDER BY body) FROM notes"
say "alice logs in with her access token as the password"
echo "\$ PGPASSWORD=\$ALICE_TOKEN psql -h 127.0.0.1 -U alice"
pg_login alice "$WORK/alice.token" "$query"
say "bob logs in with his"
echo "\$ PGPASSWORD=\$BOB_TOKEN psql -h 127.0.0.1 -U bob"
pg_login bob "$WORK/bob.token" "$query"
say "bob's token used for alice is refused"
pg_login alice "$WORK/bob.token" "$query" || true
say "a garbage token is refused"
pg_login alice "$WORK/garbage.token" "$query" || true

if [ -s "$WORK/syslog.txt" ]; then
	say "What the module said in syslog (one line per decision, never the token)"
	sed 's/^<[0-9]*>//' "$WORK/syslog.txt" | grep pam_oauth2
fi
say "Done; cleaning up"
