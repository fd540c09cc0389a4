#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The documentation cannot drift from the code: every option of the
# argument parser (src/core/config.c) and of the authorization rules
# (src/core/policy.c) has an entry in man/pam_oauth2.8, the reference; it
# documents no option the code does not have, and the defaults it states are
# the code's.  Every long option of the tools (pg_oauth2_token,
# pam_oauth2_check) is in its --help and its man page.  The man pages render
# without a warning from groff or man-db (lintian runs the latter on the
# package).
set -u
. "$(dirname "$0")/../lib/tap.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
page="$root/man/pam_oauth2.8"
config="$root/src/core/config.c"
policy="$root/src/core/policy.c"
bounds="$root/src/core/bounds.h"

[ -f "$page" ] || bail "no $page"

# --- rendering -----------------------------------------------------------------
# Every page meson installs, so the tools' pages are held to the same rule.
pages=("$root"/man/*.[1-8])
for p in "${pages[@]}"; do
	name=${p##*/}
	err=$(groff -man -ww -z "$p" 2>&1)
	if [ -z "$err" ]; then ok "$name: groff -man -ww renders it without a warning"; else
		not_ok "$name: groff -man -ww renders it without a warning"
		printf '%s\n' "$err" | sed 's/^/#   /' | head -n 20
	fi
	# lintian's own invocation, at two widths: a long unbreakable word only
	# warns ("cannot adjust line") when it does not fit.
	err=$(for w in 80 60; do
		LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=$w man --warnings -E UTF-8 -l -Tutf8 -Z "$p" 2>&1 >/dev/null
	done)
	if [ -z "$err" ]; then ok "$name: man --warnings is silent at 80 and 60 columns"; else
		not_ok "$name: man --warnings is silent at 80 and 60 columns"
		printf '%s\n' "$err" | sed 's/^/#   /' | head -n 20
	fi
done

version=$(sed -n "s/^ *version : '\([^']*\)'.*/\1/p" "$root/meson.build")
check "pam_oauth2.8 names the project's version ($version)" \
	grep -qE "^\.TH PAM_OAUTH2 8 [^ ]+ \"pam_oauth2 $version\"" "$page"

# --- what the code accepts -------------------------------------------------------
code_options=$(
	sed -n '/^static const struct option_spec options\[\] = {/,/^};/p' "$config" |
		sed -n 's/^[[:space:]]*\(URL\|NUM\|OTHER\|WORD\)("\([a-z_]*\)".*/\2/p'
	sed -n '/^} rule_names\[\] = {/,/^};/p' "$policy" |
		sed -n 's/^[[:space:]]*{ "\([a-z_]*\)", OA_RULE_[A-Z_]* },$/\1/p'
)
code_options=$(printf '%s\n' "$code_options" | sort -u)
n_code=$(printf '%s\n' "$code_options" | grep -c .)
# A change of the table's shape must break this test, not empty the list.
check "the option tables of config.c and policy.c were read ($n_code options)" \
	test "$n_code" -ge 35

# --- what the man page documents -------------------------------------------------
# Tags of the .TP entries under OPTIONS: `.BI leeway= SECONDS` gives leeway.
man_options=$(awk '
	/^\.SH / { in_opts = ($2 == "OPTIONS") }
	in_opts && tag { sub(/=.*/, "", $2); print $2; tag = 0; next }
	in_opts && /^\.TP/ { tag = 1 }' "$page" | sort -u)

missing_man=$(comm -23 <(printf '%s\n' "$code_options") <(printf '%s\n' "$man_options"))
extra_man=$(comm -13 <(printf '%s\n' "$code_options") <(printf '%s\n' "$man_options"))

report() { # DESCRIPTION LIST
	if [ -z "$2" ]; then ok "$1"; else not_ok "$1"; diag "$(echo $2)"; fi
}
report "every option of the code has an entry under OPTIONS in pam_oauth2.8" "$missing_man"
report "pam_oauth2.8 documents no option the code lacks" "$extra_man"

# --- defaults --------------------------------------------------------------------
# The code's defaults: the last column of each entry of the option table,
# one entry a line: "sub", NULL (none), or DEF(a bounds.h constant).
defaults=$(
	sed -n '/^static const struct option_spec options\[\] = {/,/^};/p' "$config" |
		sed -n 's/^[[:space:]]*\(NUM\|OTHER\|WORD\)("\([a-z_]*\)",.*, \([^ ]*\)),$/\2 \3/p' |
		while read -r opt value; do
			case $value in
			NULL) continue ;;
			\"*\") value=${value//\"/} ;;
			"DEF(OA_"*")") value=${value#DEF(}; value=${value%)}
				value=$(sed -n "s/^#define $value \([0-9]*\)$/\1/p" "$bounds") ;;
			*) value= ;;
			esac
			[ -n "$value" ] && echo "$opt $value"
		done
)
n_defaults=$(printf '%s\n' "$defaults" | grep -c .)
check "defaults were read from the option table's last column ($n_defaults)" test "$n_defaults" -ge 12

# man_entry OPTION: the entry's text with the macros and font changes taken
# out (`.BR sub .` -> `sub.`), on one line.
man_entry() {
	awk -v opt="$1" '
		/^\.SH / { in_opts = ($2 == "OPTIONS"); if (on) exit }
		in_opts && tag { o = $2; sub(/=.*/, "", o); on = (o == opt); tag = 0; next }
		in_opts && /^\.(TP|SS)/ { if (on) exit; tag = ($1 == ".TP"); next }
		on {
			if ($0 ~ /^\.(B|I|BR|RB|BI|IB|IR|RI) /) { sub(/^\.[A-Z]+ /, ""); gsub(/ /, "") }
			printf "%s ", $0
		}' "$page" | sed 's/\\f[BIRP]//g; s/\\-/-/g'
}

bad_man=''
while read -r opt value; do
	man_entry "$opt" | grep -qE "Default: $value([^0-9A-Za-z_]|$)" || bad_man+=" $opt=$value"
done <<<"$defaults"
report "pam_oauth2.8 states the code's default of each option that has one" "$bad_man"

# --- the tools' command lines ------------------------------------------------------
# Every long option of a tool's getopt table is in its --help text and has
# an entry under OPTIONS in its man page; the page documents no option the
# tool lacks.
tool_options() { # SOURCE: the long options of its getopt table
	sed -n 's/^[[:space:]]*{ "\([a-z-]*\)", \(no\|required\|optional\)_argument,.*/\1/p' "$1" | sort -u
}
page_options() { # PAGE: the --options tagged under OPTIONS
	awk '
		/^\.SH / { in_opts = ($2 == "OPTIONS") }
		in_opts && tag { if ($2 ~ /^\\-\\-/) { o = $2; gsub(/\\-/, "-", o); sub(/^--/, "", o); print o } tag = 0; next }
		in_opts && /^\.TP/ { tag = 1 }' "$1" | sort -u
}
for tool in pg_oauth2_token:src/tools/options.c pam_oauth2_check:src/tools/pam_oauth2_check.c; do
	name=${tool%%:*} src="$root/${tool#*:}" tpage="$root/man/${tool%%:*}.1"
	opts=$(tool_options "$src")
	n=$(printf '%s\n' "$opts" | grep -c .)
	check "$name: its getopt table was read ($n options)" test "$n" -ge 5
	no_help='' no_page=''
	for o in $opts; do
		grep -qE "\"[^\"]*--$o([^a-z-]|$)" "$src" || no_help+=" --$o"
		page_options "$tpage" | grep -qx -- "$o" || no_page+=" --$o"
	done
	report "$name: every option is in its --help text" "$no_help"
	report "$name: every option has an entry under OPTIONS in $name.1" "$no_page"
	report "$name.1 documents no option the tool lacks" \
		"$(comm -13 <(printf '%s\n' "$opts") <(page_options "$tpage"))"
done

tap_finish
