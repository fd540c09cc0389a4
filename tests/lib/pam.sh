# SPDX-License-Identifier: MIT
# Shared by the shell suites (tests/pam, tests/postgres, tests/tools): TAP
# output, a work directory, the test issuer, a syslog capture and logins
# through tests/harness/pam_harness.  Source it; the caller sets these (meson does):
#   PAM_OAUTH2_MODULE  built module      PAM_HARNESS  tests/harness/pam_harness
#   SYSLOG_SINK        the sink binary   ISSUER_DIR   tests/issuer (with node_modules)

. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"

for var in PAM_OAUTH2_MODULE PAM_HARNESS SYSLOG_SINK ISSUER_DIR; do
	[ -n "${!var:-}" ] || bail "$var is not set: run the tests through meson test"
done
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# --- syslog capture ----------------------------------------------------------
# glibc's syslog(3) writes to /dev/log.  Where no logger owns it (CI, fresh
# machines) the sink takes it for the test's duration; where one does, the
# assertions on log lines are skipped rather than fought over.
SYSLOG_FILE="$WORK/syslog.txt"
SYSLOG_CAPTURED=0
start_syslog_capture() {
	: >"$SYSLOG_FILE"
	"$SYSLOG_SINK" /dev/log "$SYSLOG_FILE" 2>"$WORK/sink.err" &
	local pid=$!
	sleep 0.2
	if kill -0 "$pid" 2>/dev/null && [ -S /dev/log ]; then
		on_exit "kill $pid"
		SYSLOG_CAPTURED=1
	else
		diag "no syslog capture: $(cat "$WORK/sink.err")"
	fi
}

# log_mark, log_since_mark and check_log: common.sh, on $SYSLOG_FILE.

# 24 characters unique to a token and never logged: a JWT's signature, or
# the start of an opaque token.
token_piece() {
	tr -d '\n' <"$1" | awk -F. '{print substr(NF == 3 ? $3 : $0, 1, 24)}'
}

# No token minted in this run may appear in the log, whole or in part.
check_no_token_in_log() {
	if [ "$SYSLOG_CAPTURED" -ne 1 ]; then
		skip "no token in the log (syslog not captured)"
		return
	fi
	local f piece leaked=0
	for f in "${MINTED_TOKENS[@]}"; do
		piece=$(token_piece "$f")
		[ -n "$piece" ] && grep -qF -- "$piece" "$SYSLOG_FILE" && leaked=1
	done
	[ "$leaked" -eq 0 ] && ok "no token appears in the log" || not_ok "no token appears in the log"
}

# --- PAM services and logins through the harness ------------------------------
GRANTED=$'pam_authenticate: PAM_SUCCESS\npam_acct_mgmt: PAM_SUCCESS'
DENIED='pam_authenticate: PAM_AUTH_ERR'
UNAVAILABLE='pam_authenticate: PAM_AUTHINFO_UNAVAIL'
CONFIG_ERROR='pam_authenticate: PAM_SERVICE_ERR'
mkdir -p "$WORK/pam.d"

# service_with CONTROL NAME ARGS...: a service file in $WORK/pam.d with auth
# and account lines for the module.
service_with() {
	local control=$1 name=$2
	shift 2
	printf 'auth    %s %s %s\naccount %s %s %s\n' \
		"$control" "$PAM_OAUTH2_MODULE" "$*" "$control" "$PAM_OAUTH2_MODULE" "$*" \
		>"$WORK/pam.d/$name"
}

# service NAME ARGS...: the same with `required`, so the module's own PAM
# code is what libpam returns.
service() {
	local name=$1
	shift
	service_with required "$name" "$@"
}

# expect DESCRIPTION EXPECTED SERVICE USER TOKEN_FILE [harness options]: one
# login through the harness; EXPECTED is its output.  A non-zero exit is a
# crash or a sanitizer report, whatever was printed.  HARNESS_WRAP, if set,
# is a command the harness runs under (e.g. /usr/bin/time -o FILE -f %M).
HARNESS_WRAP=()
expect() {
	local desc=$1 want=$2 svc=$3 user=$4 token=$5 got rc
	shift 5
	log_mark
	got=$("${HARNESS_WRAP[@]}" "$PAM_HARNESS" --confdir "$WORK/pam.d" --service "$svc" --user "$user" \
		${token:+--token-file "$token"} "$@" 2>"$WORK/harness.err")
	rc=$?
	if [ "$got" = "$want" ] && [ "$rc" -eq 0 ]; then
		ok "$desc"
	else
		not_ok "$desc"
		diag "expected: $(echo $want)"
		diag "got:      $(echo $got) (exit $rc)"
		sed 's/^/#   /' "$WORK/harness.err" | head -n 30
	fi
}

# timed COMMAND...: runs COMMAND in this shell; ELAPSED_MS is how long it took.
timed() {
	local start rc
	start=$(date +%s%N)
	"$@"
	rc=$?
	ELAPSED_MS=$((($(date +%s%N) - start) / 1000000))
	return $rc
}

# fault_case PATH DESCRIPTION REASON [options...]: the faults server's PATH
# as userinfo endpoint gives PAM_AUTHINFO_UNAVAIL, with REASON in the log;
# ELAPSED_MS is how long the login took.
fault_case() {
	local path=$1 desc=$2 reason=$3
	shift 3
	service fault "userinfo=$FAULTS/$path" username_claim=preferred_username "$@"
	timed expect "$desc: PAM_AUTHINFO_UNAVAIL" "$UNAVAILABLE" fault alice "$WORK/alice"
	check_log "$desc: the log says why" "$reason"
}

# timeout_case PATH DESCRIPTION: with timeout=2 the login gives up on the
# faults server's PATH within a second of 2 s.
timeout_case() {
	fault_case "$1" "$2" "reason: issuer did not answer within 2s" timeout=2 connect_timeout=1
	check "$2: timeout=2 is honoured (gave up after ${ELAPSED_MS} ms)" \
		test "$ELAPSED_MS" -ge 1900 -a "$ELAPSED_MS" -lt 3000
}

# stat_of FIELD: one of the issuer's request counters.
stat_of() {
	curl -s "$FAULTS/__stats" | node -e \
		"let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.parse(s)['$1']))"
}

# --- TLS ----------------------------------------------------------------------
# make_test_certs DIR: with the openssl CLI, the files `issuer.mjs --tls-dir`
# expects: ca.pem (a test CA), server.pem/.key (signed by it, for 127.0.0.1,
# localhost and idp.example, the "remote" name start_connect_proxy reaches), wronghost.pem/.key (signed by it, for other.example only),
# selfsigned.pem/.key (right names, unknown CA); capath/ (ca.pem, hashed);
# server.pin and wrong.pin (sha256//BASE64 of a public key, for pinned_pubkey=).
make_test_certs() {
	local d=$1 name
	mkdir -p "$d/capath"
	(
		set -e
		cd "$d"
		newkey() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }
		newkey ca.key
		openssl req -x509 -new -key ca.key -out ca.pem -days 2 -subj "/CN=pam_oauth2 test CA" \
			-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
		for name in server:IP:127.0.0.1,DNS:localhost,DNS:idp.example \
				wronghost:DNS:other.example; do
			newkey "${name%%:*}.key"
			openssl req -new -key "${name%%:*}.key" -subj "/CN=${name%%:*}" -out "${name%%:*}.csr"
			printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' \
				"${name#*:}" >"${name%%:*}.ext"
			openssl x509 -req -in "${name%%:*}.csr" -CA ca.pem -CAkey ca.key -CAcreateserial \
				-days 2 -extfile "${name%%:*}.ext" -out "${name%%:*}.pem"
		done
		newkey selfsigned.key
		openssl req -x509 -new -key selfsigned.key -out selfsigned.pem -days 2 -subj /CN=127.0.0.1 \
			-addext subjectAltName=IP:127.0.0.1,DNS:localhost
		cp ca.pem capath/
		openssl rehash capath
		for name in server wronghost; do
			printf 'sha256//%s\n' "$(openssl pkey -in "$name.key" -pubout -outform der |
				openssl dgst -sha256 -binary | base64)" >"$name.pin"
		done
		mv wronghost.pin wrong.pin
		chmod a+r ./*.pem capath/*
	) >"$WORK/openssl.log" 2>&1 || bail "could not make test certificates: $(tail -n 5 "$WORK/openssl.log")"
}

# --- a proxy that reaches a "remote" issuer ---------------------------------------
# start_connect_proxy HOST:PORT [--connect-header 'Name: value']...: an HTTP
# proxy (connect_proxy.mjs) tunnelling every CONNECT, for any host name, to
# HOST:PORT, so that https://idp.example:PORT/ is the TLS listener there
# (make_test_certs puts idp.example in server.pem).  CPROXY is its URL;
# cproxy_requests counts the requests it was sent, CPROXY_LOG lists them.
start_connect_proxy() {
	local target=$1
	shift
	CPROXY_LOG=$WORK/connect_proxy.log
	: >"$CPROXY_LOG"
	node "$(dirname "${BASH_SOURCE[0]}")/connect_proxy.mjs" --state-file "$WORK/connect_proxy.json" \
		--log "$CPROXY_LOG" --target "$target" "$@" 2>"$WORK/connect_proxy.err" &
	on_exit "kill $!"
	wait_for_file "$WORK/connect_proxy.json" 20 ||
		bail "the CONNECT proxy did not start: $(cat "$WORK/connect_proxy.err")"
	CPROXY=http://127.0.0.1:$(node -p "JSON.parse(require('fs').readFileSync('$WORK/connect_proxy.json')).port")
}
cproxy_requests() { wc -l <"$CPROXY_LOG"; }
