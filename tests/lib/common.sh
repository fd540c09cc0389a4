# SPDX-License-Identifier: MIT
# Shared by the shell suites, the demo, bench/ and the soak: a work directory cleaned up
# on exit, and the test issuer.  Source it with ISSUER_DIR set; callers may
# define bail() first (the TAP tests do) to report failures their own way.

declare -F bail >/dev/null || bail() { echo "error: $*" >&2; exit 1; }

WORK=$(mktemp -d /tmp/pam_oauth2_test.XXXXXX)
chmod 755 "$WORK"
CLEANUP_CMDS=()
cleanup() {
	local i
	for ((i = ${#CLEANUP_CMDS[@]} - 1; i >= 0; i--)); do
		eval "${CLEANUP_CMDS[i]}" >/dev/null 2>&1 || true
	done
	rm -rf "$WORK"
}
trap cleanup EXIT
on_exit() { CLEANUP_CMDS+=("$1"); }

[ -n "${ISSUER_DIR:-}" ] || bail "ISSUER_DIR is not set"
[ -d "$ISSUER_DIR/node_modules" ] ||
	bail "the test issuer's packages are missing: npm ci --prefix $ISSUER_DIR"

# wait_for_file PATH SECONDS
wait_for_file() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# --- the issuer ------------------------------------------------------------
# start_issuer [issuer.mjs options, e.g. --tls-dir DIR]
start_issuer() {
	node "$ISSUER_DIR/issuer.mjs" --state-file "$WORK/issuer.json" "$@" 2>"$WORK/issuer.err" &
	ISSUER_PID=$!
	on_exit "kill $ISSUER_PID"
	wait_for_file "$WORK/issuer.json" 20 || bail "the test issuer did not start: $(cat "$WORK/issuer.err")"
	USERINFO=$(issuer_field userinfo)
	FAULTS=$(issuer_field faults)
	ISSUER=$(issuer_field issuer)
	INTROSPECT=$(issuer_field introspection_endpoint)
}

# write_client_secret [GROUP]: the test issuer's introspection client secret
# (tests/issuer/README.md) in $WORK/client.secret, mode 0600; with GROUP,
# root:GROUP 0640, for PostgreSQL backends running as that group's user.
write_client_secret() {
	printf 's3cret-for-tests\n' >"$WORK/client.secret"
	if [ $# -gt 0 ]; then
		chown "root:$1" "$WORK/client.secret"
		chmod 640 "$WORK/client.secret"
	else
		chmod 600 "$WORK/client.secret"
	fi
}

issuer_field() {
	node -p "JSON.parse(require('fs').readFileSync('$WORK/issuer.json')).$1"
}

# mint FILE username=alice [field=value...]: writes an access token to FILE;
# from the issuer whose state file is MINT_STATE, if set.
mint() {
	local file=$1
	shift
	node "$ISSUER_DIR/mint.mjs" --state-file "${MINT_STATE:-$WORK/issuer.json}" "$@" >"$file" ||
		bail "could not mint a token ($*)"
	MINTED_TOKENS+=("$file")
}
MINTED_TOKENS=()

# How many requests the issuer and the faults server have seen.
issuer_requests() {
	curl -s "$FAULTS/__stats" | node -e \
		'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);console.log(j.userinfo+j.faults)})'
}

# A TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
	node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# --- log lines -----------------------------------------------------------------
# On $SYSLOG_FILE (the syslog capture of lib.sh, or a server log), when
# SYSLOG_CAPTURED is 1.
# Marks the current end of the log; log_since_mark then shows what came after.
log_mark() { LOG_MARK=$(wc -l <"$SYSLOG_FILE"); }
log_since_mark() { tail -n +"$((LOG_MARK + 1))" "$SYSLOG_FILE"; }

# check_log DESCRIPTION FIXED-STRING: a line logged since the mark has it
# (skipped when the log is not captured).
check_log() {
	if [ "$SYSLOG_CAPTURED" -ne 1 ]; then
		skip "$1 (syslog not captured)"
		return
	fi
	local i
	for ((i = 0; i < 20; i++)); do
		log_since_mark | grep -qF -- "$2" && { ok "$1"; return; }
		sleep 0.05
	done
	not_ok "$1"
	diag "expected a log line with: $2"
	log_since_mark | sed 's/^/#   /'
}
