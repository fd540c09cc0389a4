# SPDX-License-Identifier: MIT
# bench/inside.sh's verdict on issue 17's line on the module's own share:
#   awk -v line=US -v ratio_line=RATIO -v baseline=REV -v preload=0|1 \
#       -f bench/stats.awk -f bench/inside_report.awk ROUNDS
# ROUNDS has "ROUND ASK JWT FLOOR BASELINE" per line: the server's median
# CPU time of pam_ask_permit, of jwt_cached_keys and of the module at REV
# ("-" without one) in that round, and the fork_verify floor, in µs.  A
# round's share is JWT - ASK - FLOOR; against the baseline, its ratio to
# BASELINE - ASK - FLOOR, judged against ratio_line.  Judged only with the preload: without it the
# postmaster has set up part of OpenSSL (pg_strong_random) before it forks,
# and fork_verify's parent none of it, so the floor is not the backend's.
{
	n++
	ask[n] = $2
	jwt[n] = $3
	fl[n] = $4
	share[n] = $3 - $2 - $4
	if (baseline != "") {
		base[n] = $5
		base_share[n] = $5 - $2 - $4
		# A baseline share at or under zero is noise with no ratio.
		if (base_share[n] > 0)
			ratio[++nr] = share[n] / base_share[n]
	}
}
# A figure's row: its median over the rounds and that median's interval.
function figure(name, a, count, digits) {
	m = median(a, count)
	interval(a, count)
	printf "| %s | %." digits "f | %." digits "f..%." digits "f |\n", name, m, lo, hi
}
# The verdict on a line, when there is one to give.
function judged(line) {
	return preload == 1 ? verdict(0, line) : "not judged without BENCH_PRELOAD=1"
}
END {
	printf "| figure (over %d rounds) | median | 95%% interval |\n|---|---|---|\n", n
	figure("pam_ask_permit in the server, µs", ask, n, 1)
	figure("jwt_cached_keys in the server, µs", jwt, n, 1)
	if (baseline != "")
		figure("jwt_cached_keys in the server, the module at " baseline ", µs", base, n, 1)
	figure("OpenSSL alone (fork_verify), µs", fl, n, 1)
	if (baseline != "")
		figure("the module at " baseline ": its own share, µs", base_share, n, 1)
	figure("the module's own share, µs", share, n, 1)
	# Each target's row is written while interval() still holds its
	# figure's bounds, which judged() reads.
	share_row = sprintf("| the module's own share of jwt_cached_keys in a backend, µs | %.1f (%.1f..%.1f) | <= %.1f | %s |",
		m, lo, hi, line, judged(line))
	if (baseline != "" && nr > 0) {
		figure("the module's own share over the module at " baseline "'s", ratio, nr, 3)
		ratio_row = sprintf("| the same share over the module at %s's (%d rounds) | %.3f (%.3f..%.3f) | <= %.3f | %s |",
			baseline, nr, m, lo, hi, ratio_line, judged(ratio_line))
	} else if (baseline != "") {
		ratio_row = sprintf("| the same share over the module at %s's (0 rounds) | none: its share was never over zero | <= %.3f | not measured |",
			baseline, ratio_line)
	}
	printf "\n| target | measured (95%% interval) | line | verdict |\n|---|---|---|---|\n"
	print share_row
	if (ratio_row != "")
		print ratio_row
}
