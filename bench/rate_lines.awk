# SPDX-License-Identifier: MIT
# Issue 17's lines on login rates against pam_ask_permit, shared by
# logins_report.awk and paired_report.awk: give it with stats.awk,
#   awk -f bench/stats.awk -f bench/rate_lines.awk -f bench/REPORT.awk ...

# The line for METHOD at CLIENTS: a remembered verdict at 0.95 of the
# floor's rate, at 1 and 2 clients; a JWT with cached keys at 0.90, at 1
# client; 0 for none.
function rate_line(m, c) {
	if (m == "userinfo_cached" || m == "introspect_cached" || m == "jwt_cached_verdict")
		return 0.95
	if (m == "jwt_cached_keys" && c == 1)
		return 0.90
	return 0
}
# What the line `line` of rate_line is called in a table.
function rate_target(line) {
	return line == 0.95 ? "cached verdict >= 0.95 x pam_ask_permit" : \
		"JWT with cached keys >= 0.90 x pam_ask_permit"
}
