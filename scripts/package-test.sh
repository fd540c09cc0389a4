#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The Debian package end to end, as root: builds libpam-oauth2 with
# `dpkg-buildpackage -us -uc -b` in a copy of the tree (the .deb lands in a
# temporary directory, never beside the repository), installs it with apt so
# that its dependencies resolve, checks where its files went, then logs in to
# a throwaway PostgreSQL through the INSTALLED module, named on the pam.d
# line by its bare name as an administrator would.  TAP output, ending with
# "package: N passed, N failed" (scripts/test.sh adds it to its totals).
# Safe to re-run: the package is reinstalled, and the pam.d service, the
# cluster, the issuer and the build are removed on exit.  The package stays
# installed.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
. tests/lib/tap.sh

bail() {
	echo "Bail out! $*"
	echo "package: $((tap_count - tap_failed)) passed, $((tap_failed + 1)) failed"
	exit 1
}

[ "$(id -u)" -eq 0 ] || bail "run as root: it installs packages and writes /etc/pam.d"

# Another session's apt or dpkg may hold the lock for a while.
apt_get() {
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -y -q \
		--no-install-recommends "$@"
}

# --- what this needs ---------------------------------------------------------------
tools=(build-essential dpkg-dev debhelper lintian)
missing=()
for p in "${tools[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	{ apt_get update && apt_get install "${missing[@]}"; } >/dev/null 2>&1 ||
		bail "could not install ${missing[*]}"
fi
# The login needs PostgreSQL and the Node test issuer, as the integration
# tests do; scripts/test.sh has installed them already.
if ! ls -d /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! command -v node >/dev/null ||
	[ ! -d tests/issuer/node_modules ]; then
	scripts/install-deps.sh >/dev/null || bail "scripts/install-deps.sh failed"
fi

ISSUER_DIR=$root/tests/issuer
. tests/lib/common.sh
. tests/lib/pgcluster.sh

# --- build ---------------------------------------------------------------------------
# The files git tracks or would track, as they are now: not build/, node_modules
# or anything else ignored, so this is the build a clean clone gets.
src=$WORK/src/libpam-oauth2
mkdir -p "$src"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -z --cached --others --exclude-standard | tar -c --null -T - | tar -x -C "$src"
else
	tar -c --exclude=./build --exclude=node_modules . | tar -x -C "$src"
fi || bail "could not copy the tree to $src"

if ! (cd "$src" && dpkg-checkbuilddeps) >/dev/null 2>&1; then
	apt_get build-dep "$src" >"$WORK/build-dep.log" 2>&1 ||
		bail "could not install the build dependencies: $(tail -n 5 "$WORK/build-dep.log")"
fi

if (cd "$src" && dpkg-buildpackage -us -uc -b) >"$WORK/build.log" 2>&1; then
	ok "dpkg-buildpackage -us -uc -b builds the package"
else
	not_ok "dpkg-buildpackage -us -uc -b builds the package"
	tail -n 40 "$WORK/build.log" | sed 's/^/#   /'
	bail "no package to test"
fi
version=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
arch=$(dpkg --print-architecture)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
deb=$WORK/src/libpam-oauth2_${version}_${arch}.deb
preload_deb=$WORK/src/postgresql-15-pam-oauth2-preload_${version}_${arch}.deb
[ -f "$deb" ] || bail "dpkg-buildpackage made no $deb"
[ -f "$preload_deb" ] || bail "dpkg-buildpackage made no $preload_deb"

case " ${DEB_BUILD_OPTIONS:-} " in
*" nocheck "*) skip "the build ran the docs suite (DEB_BUILD_OPTIONS has nocheck)" ;;
*) check "the build ran the docs suite (the man pages render, every option documented)" \
	grep -qE '^[0-9]+/[0-9]+ pam_oauth2:docs / docs +OK' "$WORK/build.log" ;;
esac

depends=$(dpkg-deb -f "$deb" Depends)
check "it depends on libcurl4, which the module loads with dlopen (Depends: $depends)" \
	grep -qE '(^|, )libcurl4 \(>= [0-9.]+\)' <<<"$depends"
preload_depends=$(dpkg-deb -f "$preload_deb" Depends)
check "the preload package depends on this very libpam-oauth2 and on postgresql-15" \
	eval 'grep -qF "libpam-oauth2 (= $version)" <<<"$preload_depends" &&
		grep -qE "(^|, )postgresql-15(,|$| )" <<<"$preload_depends"'

if lintian --fail-on error,warning "$WORK/src/libpam-oauth2_${version}_${arch}.changes" \
	>"$WORK/lintian.log" 2>&1; then
	ok "lintian reports no error or warning"
else
	not_ok "lintian reports no error or warning"
	sed 's/^/#   /' "$WORK/lintian.log"
fi

# --- install ---------------------------------------------------------------------------
# --reinstall: on a machine where this version is installed already, the
# package just built is still the one tested.
if apt_get install --reinstall "$deb" "$preload_deb" >"$WORK/install.log" 2>&1; then
	ok "apt-get installs both packages with their dependencies"
else
	not_ok "apt-get installs both packages with their dependencies"
	tail -n 20 "$WORK/install.log" | sed 's/^/#   /'
	bail "the package did not install"
fi
check "the installed version is the one built ($version)" \
	test "$(dpkg-query -W -f='${Status} ${Version}' libpam-oauth2)" = "install ok installed $version"

listed=$(dpkg -L libpam-oauth2)
module=/lib/$multiarch/security/pam_oauth2.so
check "dpkg -L: the module is $module" grep -qxF "$module" <<<"$listed"
check "the module is on disk and belongs to the package" \
	test "$(dpkg -S "$module" 2>/dev/null)" = "libpam-oauth2: $module"
check "dpkg --verify: the installed files are the package's" \
	test -z "$(dpkg --verify libpam-oauth2 postgresql-15-pam-oauth2-preload 2>&1)"
preload_lib=/usr/lib/postgresql/15/lib/pam_oauth2_preload.so
check "the preload library is $preload_lib, from its own package" \
	test "$(dpkg -S "$preload_lib" 2>/dev/null)" = "postgresql-15-pam-oauth2-preload: $preload_lib"

# Every page in man/ (the tools' too), compressed by dh_compress; not
# pg_oauth2_validator.8, whose validator needs PostgreSQL 18 and so is in
# no Debian 12 package (docs/postgresql18.md says how to build it).
for page in man/*.[1-8]; do
	name=${page##*/}
	[ "$name" = pg_oauth2_validator.8 ] && continue
	check "dpkg -L: manual page $name installed" \
		grep -qxF "/usr/share/man/man${name##*.}/$name.gz" <<<"$listed"
done

# Everything `meson install` installs is in the package: the tools in
# /usr/bin come in without this script naming them.
meson_files=$(python3 -c 'import json, sys
for dest in json.load(open(sys.argv[1])).values(): print(dest)' \
	"$src"/obj-*/meson-info/intro-installed.json 2>/dev/null)
not_packaged=''
while read -r f; do
	[ -n "$f" ] || continue
	grep -qxF -e "$f" -e "$f.gz" <<<"$listed$(printf '\n%s' "$(dpkg -L postgresql-15-pam-oauth2-preload)")" ||
		not_packaged+=" $f"
done <<<"$meson_files"
if [ -n "$meson_files" ] && [ -z "$not_packaged" ]; then
	ok "every file meson installs is in a package ($(grep -c . <<<"$meson_files") files)"
else
	not_ok "every file meson installs is in a package"
	diag "missing:${not_packaged:- (no list of installed files from meson)}"
fi

# --- a PostgreSQL login through the installed module --------------------------------
# No syslog capture here (pam.sh's sink would compete with the tests that
# own /dev/log); the logins' outcomes are what is checked.
log_mark() { :; }
# psql runs as postgres, who may not enter the clone's directory.
cd "$WORK" || bail "cannot enter $WORK"

start_issuer
svc=pam_oauth2_pkgtest_$$
install -d -m 700 -o postgres "$WORK/pgcache"
# The bare name: libpam looks in its own module directory, where only the
# package put a pam_oauth2.so.
pam_service "$svc" "auth    sufficient pam_oauth2.so userinfo=$USERINFO username_claim=preferred_username cache_dir=$WORK/pgcache
account required   pam_oauth2.so"
# The preload by its bare name, with its default module path, as docs/postgresql.md
# tells an administrator to set it up.
PG_EXTRA_CONF="shared_preload_libraries = 'pam_oauth2_preload'"
pg_start "host all all 127.0.0.1/32 pam pamservice=$svc"
pg_admin "CREATE ROLE alice LOGIN; CREATE ROLE bob LOGIN;" || bail "could not create roles"
postmaster=$(head -n 1 "$PGDATA_DIR/postmaster.pid")
check "the server loaded the packaged preload: the postmaster maps it and libcurl" \
	eval 'grep -qF "$preload_lib" "/proc/$postmaster/maps" && grep -q "libcurl" "/proc/$postmaster/maps"'
check "and the packaged module, at the preload's default path" \
	grep -qF "$module" "/proc/$postmaster/maps"

mint "$WORK/alice" username=alice
mint "$WORK/bob" username=bob
printf 'this-is-not-a-token' >"$WORK/garbage"

expect_login "psql: alice's token logs in as alice through the installed module" \
	alice "$WORK/alice" "SELECT current_user" alice
check "the installed module ran in the backend (its cache has an entry, owned by postgres)" \
	test -n "$(find "$WORK/pgcache" -type f -user postgres)"
expect_refused "psql: bob's token does not log in as alice" alice "$WORK/bob"
expect_refused "psql: a garbage token is refused" alice "$WORK/garbage"

tap_finish
echo "package: $((tap_count - tap_failed)) passed, $tap_failed failed"
[ "$tap_failed" -eq 0 ]
