#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs what building and testing pam_oauth2 needs on Debian 12, as root:
# Debian's packages, then the test issuers' npm packages from their lockfiles.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
	gcc pkg-config meson ninja-build
	libpam0g-dev libcurl4-openssl-dev libjansson-dev libssl-dev
	libcmocka-dev
	clang libclang-rt-14-dev
	postgresql postgresql-client postgresql-server-dev-all
	nodejs curl ca-certificates openssl time
	groff-base man-db tinyproxy
	clang-format jq unzip pgbouncer
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" -eq 0 ] || { echo "run as root to install: ${missing[*]}" >&2; exit 1; }
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# Debian's own nodejs package ships npm separately; NodeSource's includes it.
if ! command -v npm >/dev/null; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends npm
fi

# The PostgreSQL package starts a cluster of its own, and the PgBouncer
# package a service of its own (port 6432, auth_type=md5); the tests and
# the demo bring up throwaway clusters, and tests/lib/pgbouncer.sh
# runs its own PgBouncer on a free port, so they need neither.
npm ci --prefix tests/issuer --no-audit --no-fund --loglevel=error
# oidc-provider, a real OpenID provider with the device grant, for the
# pg_oauth2_token tests.
npm ci --prefix tests/device-issuer --no-audit --no-fund --loglevel=error
