# SPDX-License-Identifier: MIT
# A real Keycloak for the tests in tests/keycloak/: fetched with Maven at a
# pinned version whose SHA-256 is checked, unpacked into a cache directory
# outside the repository, started on loopback (free ports, https with the
# test CA from pam.sh's make_test_certs) with the realm of realm.json
# imported, and stopped on exit.  Source it after pam.sh (or common.sh and
# tap.sh).  Needs java and mvn: kc_missing says what is missing.

KC_VERSION=26.7.3
KC_ARTIFACT="org.keycloak:keycloak-quarkus-dist:$KC_VERSION:zip"
# sha256sum of keycloak-quarkus-dist-26.7.3.zip from Maven Central.
KC_SHA256=27a6535553c3cdcd083872ba40629efafb3475e3b758e0c6f691395561dd0f1f
KC_REALM=pgtest
KC_REALM_FILE="$(dirname "${BASH_SOURCE[0]}")/realm.json"
KC_CACHE=${PAM_OAUTH2_KEYCLOAK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pam_oauth2/keycloak}
# One JVM of bounded size on two cores, so the suite fits the CI machine.
KC_HEAP="-Xms128m -Xmx768m"
KC_JAVA_APPEND="-XX:ActiveProcessorCount=2"

# kc_missing: prints why Keycloak cannot run here (nothing when it can).
kc_missing() {
	command -v java >/dev/null 2>&1 || { echo "no java (OpenJDK 17 or later)"; return; }
	command -v mvn >/dev/null 2>&1 || { echo "no mvn (Maven fetches Keycloak)"; return; }
}

# kc_fetch: KC_HOME is an unpacked Keycloak of KC_VERSION whose zip had
# KC_SHA256.  The zip stays in the local Maven repository between runs.
kc_fetch() {
	local repo zip
	KC_HOME="$KC_CACHE/keycloak-$KC_VERSION"
	[ -x "$KC_HOME/bin/kc.sh" ] && [ -f "$KC_HOME/.sha256-verified" ] && return 0
	repo=${PAM_OAUTH2_MAVEN_REPO:-$HOME/.m2/repository}
	zip="$repo/org/keycloak/keycloak-quarkus-dist/$KC_VERSION/keycloak-quarkus-dist-$KC_VERSION.zip"
	if [ ! -f "$zip" ]; then
		mvn -q dependency:get -Dartifact="$KC_ARTIFACT" -Dtransitive=false >"$WORK/mvn.log" 2>&1 ||
			bail "mvn could not fetch $KC_ARTIFACT: $(tail -n 5 "$WORK/mvn.log")"
	fi
	[ "$(sha256sum <"$zip" | cut -d' ' -f1)" = "$KC_SHA256" ] ||
		bail "$zip does not have the pinned SHA-256 $KC_SHA256"
	rm -rf "$KC_HOME" "$KC_CACHE/unpack.$$"
	mkdir -p "$KC_CACHE/unpack.$$"
	unzip -q "$zip" -d "$KC_CACHE/unpack.$$" || bail "could not unpack $zip"
	mv "$KC_CACHE/unpack.$$/keycloak-$KC_VERSION" "$KC_HOME"
	rmdir "$KC_CACHE/unpack.$$"
	touch "$KC_HOME/.sha256-verified"
}

# kc_start: Keycloak on free loopback ports with the test realm: https
# (KC_BASE, KC_ISSUER, KC_OIDC; CA in $WORK/tls/ca.pem) and http
# (KC_HTTP_OIDC), tokens always naming the https issuer.  The build step
# (Quarkus augmentation, ~30 s) runs once per cache; `start --optimized`
# then took 20 s on an idle 2-core machine, up to 57 s on a busy one.
kc_start() {
	local i
	kc_fetch
	[ -f "$WORK/tls/ca.pem" ] || make_test_certs "$WORK/tls"
	KC_HTTPS_PORT=$(free_port)
	KC_HTTP_PORT=$(free_port)
	KC_MGMT_PORT=$(free_port)
	KC_BASE="https://127.0.0.1:$KC_HTTPS_PORT"
	KC_ISSUER="$KC_BASE/realms/$KC_REALM"
	KC_OIDC="$KC_ISSUER/protocol/openid-connect"
	# The same endpoints over plain http on loopback, where the original
	# pam.d lines point; tokens still carry the https issuer (--hostname).
	KC_HTTP_OIDC="http://127.0.0.1:$KC_HTTP_PORT/realms/$KC_REALM/protocol/openid-connect"
	export JAVA_OPTS_KC_HEAP="$KC_HEAP" JAVA_OPTS_APPEND="$KC_JAVA_APPEND"
	if [ ! -f "$KC_HOME/.built" ]; then
		"$KC_HOME/bin/kc.sh" build --db=dev-mem --health-enabled=true \
			>"$WORK/kc-build.log" 2>&1 || bail "kc.sh build failed: $(tail -n 5 "$WORK/kc-build.log")"
		touch "$KC_HOME/.built"
	fi
	# --import-realm reads the cache's data/import: one start at a time
	# imports from it, and removes it once Keycloak is up.
	exec 8>>"$KC_CACHE/start.lock"
	flock 8
	rm -rf "$KC_HOME/data/import"
	mkdir -p "$KC_HOME/data/import"
	kc_realm_with_big_users >"$KC_HOME/data/import/$KC_REALM-realm.json" ||
		bail "could not write the realm file"
	KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin-for-tests \
		setsid "$KC_HOME/bin/kc.sh" start --optimized --import-realm \
		--hostname="$KC_BASE" --http-enabled=true --http-port="$KC_HTTP_PORT" --https-port="$KC_HTTPS_PORT" \
		--http-host=127.0.0.1 --http-management-port="$KC_MGMT_PORT" \
		--https-certificate-file="$WORK/tls/server.pem" \
		--https-certificate-key-file="$WORK/tls/server.key" \
		--cache=local --log-level=warn >"$WORK/keycloak.log" 2>&1 8>&- &
	KC_PID=$!
	# kc.sh execs java in its own process group: stop the whole group.
	on_exit "kc_stop"
	for ((i = 0; i < 180; i++)); do
		kill -0 "$KC_PID" 2>/dev/null || bail "Keycloak exited: $(tail -n 20 "$WORK/keycloak.log")"
		if kc_curl -sf -o /dev/null "$KC_ISSUER/.well-known/openid-configuration"; then
			rm -rf "$KC_HOME/data/import"
			exec 8>&-
			return 0
		fi
		sleep 1
	done
	bail "Keycloak was not ready within 180 s: $(tail -n 20 "$WORK/keycloak.log")"
}

# kc_realm_with_big_users: realm.json plus, for the token-size table, users
# size10, size50 and size200 holding that many extra realm roles and groups
# (generated here rather than committed: 400 near-identical entries).
kc_realm_with_big_users() {
	jq '
		def names(p; n): [range(1; n + 1) | "\(p)-\(. | tostring | ("00" + .)[-3:])"];
		.roles.realm += [names("big-role"; 200)[] | {name: .}]
		| .groups += [names("big-group"; 200)[] | {name: .}]
		| .users += [(10, 50, 200) as $n | {
			username: "size\($n)", enabled: true, emailVerified: true,
			email: "size\($n)@example.test", firstName: "Size", lastName: "\($n)",
			credentials: [{type: "password", value: "size-pw", temporary: false}],
			realmRoles: (["default-roles-pgtest", "db-login"] + names("big-role"; $n)),
			groups: [names("big-group"; $n)[] | "/" + .]
		}]' "$KC_REALM_FILE"
}

kc_stop() {
	local i
	[ -n "${KC_PID:-}" ] || return 0
	kill -TERM -- "-$KC_PID" 2>/dev/null
	for ((i = 0; i < 100; i++)); do
		kill -0 "$KC_PID" 2>/dev/null || { KC_PID=; return 0; }
		sleep 0.1
	done
	kill -KILL -- "-$KC_PID" 2>/dev/null
	KC_PID=
}

kc_curl() { curl --cacert "$WORK/tls/ca.pem" --max-time 30 "$@"; }

# kc_token FILE CLIENT USER PASSWORD [scope]: a password-grant access token
# in FILE (the whole answer in FILE.json).
kc_token() {
	local file=$1 client=$2 user=$3 pw=$4 scope=${5:-}
	kc_curl -s -o "$file.json" "$KC_OIDC/token" -d grant_type=password -d client_id="$client" \
		-d username="$user" -d password="$pw" ${scope:+-d scope="$scope"} ||
		bail "token request failed"
	jq -er .access_token "$file.json" >"$file" 2>/dev/null ||
		bail "no access token for $user via $client: $(jq -c '{error, error_description}' "$file.json")"
	MINTED_TOKENS+=("$file")
}

# kc_client_token FILE CLIENT SECRET: a client-credentials access token.
kc_client_token() {
	kc_curl -s -o "$1.json" "$KC_OIDC/token" -d grant_type=client_credentials \
		-u "$2:$3" || bail "token request failed"
	jq -er .access_token "$1.json" >"$1" 2>/dev/null ||
		bail "no client-credentials token for $2: $(jq -c '{error, error_description}' "$1.json")"
	MINTED_TOKENS+=("$1")
}

# kc_admin METHOD PATH [curl args...]: the admin REST API of the test realm
# (PATH relative to /admin/realms/REALM) with a fresh admin token.
kc_admin() {
	local method=$1 path=$2 admin
	shift 2
	admin=$(kc_curl -s "$KC_BASE/realms/master/protocol/openid-connect/token" \
		-d grant_type=password -d client_id=admin-cli -d username=admin \
		-d password=admin-for-tests | jq -r .access_token)
	kc_curl -s -X "$method" -H "Authorization: Bearer $admin" \
		-H 'Content-Type: application/json' "$KC_BASE/admin/realms/$KC_REALM$path" "$@"
}

# jwt_part FILE N: part N (0 header, 1 payload) of the JWT in FILE, decoded.
jwt_part() {
	jq -Rr --argjson n "$2" 'split(".")[$n] | gsub("-"; "+") | gsub("_"; "/") | @base64d' "$1"
}
