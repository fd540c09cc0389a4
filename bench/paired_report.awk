# SPDX-License-Identifier: MIT
# bench/paired_logins.sh's table, from bench_paired's blocks: one line per
# block,
#   METHOD CLIENTS BLOCK FLOOR_MS METHOD_MS
# the mean wall time of the block's floor phases and method phases, taken
# in alternation.  A block's ratio is FLOOR_MS / METHOD_MS: the method's
# rate of logins over the floor's.  The table gives per method and clients
# the median of the blocks' ratios and a distribution-free interval for it
# (stats.awk), and judges issue 17's lines (rate_lines.awk) against it.
#
#   awk -v order="M1 M2 ..." -v clients="1 2" -f stats.awk -f rate_lines.awk \
#       -f paired_report.awk BLOCKS

{
	key = $1 " " $2
	k = ++count[key]
	ratio[key, k] = $4 / $5
	floor_ms[key, k] = $4
	method_ms[key, k] = $5
}

END {
	nm = split(order, methods, " ")
	nc = split(clients, cls, " ")
	print "| method | clients | pairs | floor: ms | method: ms | x pam_ask_permit | 95% interval | line | verdict |"
	print "|---|---|---|---|---|---|---|---|---|"
	for (i = 1; i <= nm; i++) {
		for (j = 1; j <= nc; j++) {
			key = methods[i] " " cls[j]
			n = count[key]
			if (n == 0)
				continue
			column(floor_ms, key, n, a)
			f = median(a, n)
			column(method_ms, key, n, a)
			m = median(a, n)
			column(ratio, key, n, a)
			med = median(a, n)
			interval(a, n)
			line = rate_line(methods[i], cls[j])
			printf "| %s | %s | %d | %.3f | %.3f | %.3f | %.3f..%.3f | %s | %s |\n",
				(methods[i] == "pam_ask_permit" ? "pam_ask_permit (itself)" : methods[i]),
				cls[j], n * pairs, f, m, med, lo, hi,
				(line ? sprintf(">= %.2f", line) : ""), (line ? verdict(1, line) : "no target")
		}
	}
}
