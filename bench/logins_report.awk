# SPDX-License-Identifier: MIT
# bench/logins.sh's tables, from its raw figures: one line per pgbench run,
#   METHOD CLIENTS ROUND SEQ CONN_PER_S BACKEND_CPU_MS_PER_LOGIN
# where SEQ orders the runs of a round.  Every method's run has a pam_permit
# run before and after it with the same clients (bench/logins.sh); its
# ratio to pam_permit is taken against the mean of those two, so each
# ratio compares runs seconds apart, and the tables give the median over
# rounds.  Its ratio to pam_ask_permit (the floor for a module that reads
# the password, which the targets of issue 17 are set against) is taken
# against the pam_ask_permit run of the same round.  The interval is a
# distribution-free one for that median (order statistics, at least 95 %
# when there are six rounds or more; below that it is the whole range).
#
#   awk -v order="M1 M2 ..." -v clients="1 2" -v ui=MS -v in_=MS -f stats.awk \
#       -f rate_lines.awk -f logins_report.awk RATES
# ui and in_: the issuer's own userinfo and introspection times ("-" if
# not measured).

# The mean of the pam_permit runs just before and just after run `seq`
# (field f: 5 the rate, 6 the CPU); "" if there is none.
function around(cl, r, seq, f,    s, before, after) {
	before = ""; after = ""
	for (s = seq - 1; s >= 0 && before == ""; s--)
		if ((cl, r, s) in permit)
			before = s
	for (s = seq + 1; s <= last[cl, r] && after == ""; s++)
		if ((cl, r, s) in permit)
			after = s
	if (before == "" && after == "")
		return ""
	if (before == "")
		return field[cl, r, after, f]
	if (after == "")
		return field[cl, r, before, f]
	return (field[cl, r, before, f] + field[cl, r, after, f]) / 2
}

{
	field[$2, $3, $4, 5] = $5
	field[$2, $3, $4, 6] = $6
	if ($4 > last[$2, $3])
		last[$2, $3] = $4
	if ($1 == "pam_permit")
		permit[$2, $3, $4] = 1
	if ($1 == "pam_ask_permit")
		ask[$2, $3] = $5
	runs[NR] = $0
}

END {
	nm = split(order, methods, " ")
	nc = split(clients, cls, " ")
	for (i = 1; i <= NR; i++) {
		split(runs[i], f, " ")
		key = f[1] " " f[2]
		k = ++count[key]
		rate[key, k] = f[5]
		cpu[key, k] = f[6]
		if (f[1] == "pam_permit")
			continue
		p = around(f[2], f[3], f[4], 5)
		pc = around(f[2], f[3], f[4], 6)
		a = (f[2], f[3]) in ask ? ask[f[2], f[3]] : ""
		xp[key, k] = (p > 0) ? f[5] / p : 0
		xa[key, k] = (a > 0) ? f[5] / a : 0
		added[key, k] = (f[5] > 0 && p > 0) ? 1000 / f[5] - 1000 / p : 0
		added_ask[key, k] = (f[5] > 0 && a > 0) ? 1000 / f[5] - 1000 / a : 0
		cpu_added[key, k] = f[6] - pc
	}

	printf "| method | clients | median conn/s | x pam_permit | 95%% interval | x pam_ask_permit | min..max conn/s | ms/login over pam_permit | issuer alone, ms | backend CPU, ms/login | over pam_permit |\n"
	printf "|---|---|---|---|---|---|---|---|---|---|---|\n"
	for (i = 1; i <= nm; i++) for (c = 1; c <= nc; c++) {
		m = methods[i]; key = m " " cls[c]; n = count[key]
		if (n == 0)
			continue
		column(rate, key, n, v)
		rmed = median(v, n); rmin = v[1]; rmax = v[n]
		column(cpu, key, n, v)
		cmed = median(v, n)
		if (m == "pam_permit") {
			printf "| %s | %s | %.0f | 1.000 |  |  | %.0f..%.0f |  |  | %.2f |  |\n",
				m, cls[c], rmed, rmin, rmax, cmed
			continue
		}
		column(xa, key, n, v)
		amed = median(v, n)
		interval(v, n)
		xa_med[key] = amed; lo_xa[key] = lo; hi_xa[key] = hi
		column(cpu_added, key, n, v)
		cadd = median(v, n)
		extra = ""; iss = ""
		if (m ~ /_cold/) {
			column(added, key, n, v)
			extra = sprintf("%+.2f", median(v, n))
			interval(v, n)
			lo_ms[key] = lo; hi_ms[key] = hi; med_ms[key] = extra
			column(added_ask, key, n, v)
			ask_ms[key] = median(v, n)
			interval(v, n)
			lo_ask_ms[key] = lo; hi_ask_ms[key] = hi
		}
		# last, so that lo and hi are the ratio's
		column(xp, key, n, v)
		xmed = median(v, n)
		interval(v, n)
		if (m ~ /^userinfo_cold/) iss = ui
		if (m ~ /^introspect_cold/) iss = in_
		printf "| %s | %s | %.0f | %.3f | %.3f..%.3f | %.3f | %.0f..%.0f | %s | %s | %.2f | %+.2f |\n",
			m, cls[c], rmed, xmed, lo, hi, amed, rmin, rmax, extra, iss, cmed, cadd
		xmed_of[key] = xmed; lo_x[key] = lo; hi_x[key] = hi
	}

	printf "\n## Targets (issue 17), each against pam_ask_permit in this run\n\n"
	printf "The floor is pam_ask_permit, which reads the password as every token module must and grants. held: the whole interval is on the right side of the line; not held: the whole of it is on the wrong side; within noise: it crosses the line.\n\n"
	printf "| target | method | clients | measured (95%% interval) | line | verdict |\n"
	printf "|---|---|---|---|---|---|\n"
	for (i = 1; i <= nm; i++) for (c = 1; c <= nc; c++) {
		m = methods[i]; key = m " " cls[c]
		if (!(key in xmed_of))
			continue
		lo = lo_xa[key]; hi = hi_xa[key]
		line = rate_line(m, cls[c])
		if (line) {
			printf "| %s | %s | %s | %.3f (%.3f..%.3f) | >= %.2f | %s |\n",
				rate_target(line), m, cls[c], xa_med[key], lo, hi, line,
				verdict(1, line)
		} else if ((m == "userinfo_cold" && ui != "-") || (m == "introspect_cold" && in_ != "-")) {
			line = (m == "userinfo_cold" ? ui : in_) + 1
			lo = lo_ask_ms[key]; hi = hi_ask_ms[key]
			printf "| %s | %s | %s | %+.2f ms (%+.2f..%+.2f) | <= +%.2f ms | %s |\n",
				"cold: ms over pam_ask_permit <= issuer alone + 1 ms", m, cls[c],
				ask_ms[key], lo, hi, line, verdict(0, line)
		}
	}
}
