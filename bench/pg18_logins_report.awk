# SPDX-License-Identifier: MIT
# bench/pg18_logins.sh's table, from its raw figures, one line per run:
#   METHOD ROUND SEQ LOGINS_PER_S BACKEND_CPU_MS_PER_LOGIN
# Every method's run has a scram run before and after it (SEQ orders the
# runs of a round); its ratio to scram-sha-256 is taken against the mean of
# those two, and the table gives the median over rounds and the range.
#
#   awk -v order="M1 M2 ..." -v rounds=N -f stats.awk -f pg18_logins_report.awk RATES

# The mean of the scram runs just before and after run `seq` of round r.
function around(r, seq, f) {
	if (((r, seq - 1) in scram) && ((r, seq + 1) in scram))
		return (val[r, seq - 1, f] + val[r, seq + 1, f]) / 2
	if ((r, seq - 1) in scram)
		return val[r, seq - 1, f]
	return val[r, seq + 1, f]
}
{
	val[$2, $3, 4] = $4
	val[$2, $3, 5] = $5
	method[$2, $3] = $1
	if ($1 == "scram")
		scram[$2, $3] = 1
}
END {
	nm = split(order, names, " ")
	printf "## PostgreSQL 18 logins, one client (medians over %d rounds; ratio range in brackets)\n\n", rounds
	print "| method | logins/s | backend CPU ms/login | logins/s vs scram-sha-256 | CPU vs scram-sha-256 |"
	print "|---|---:|---:|---:|---:|"
	for (k = 1; k <= nm; k++) {
		m = names[k]
		n = 0
		delete rate; delete cpu; delete rr; delete cr
		for (key in method) {
			if (method[key] != m)
				continue
			split(key, rs, SUBSEP)
			n++
			rate[n] = val[rs[1], rs[2], 4]
			cpu[n] = val[rs[1], rs[2], 5]
			if (m != "scram") {
				rr[n] = rate[n] / around(rs[1], rs[2], 4)
				cr[n] = around(rs[1], rs[2], 5) > 0 ? cpu[n] / around(rs[1], rs[2], 5) : 0
			}
		}
		if (n == 0)
			continue
		label = m == "scram" ? "scram-sha-256" : m
		if (m == "scram") {
			printf "| %s | %.0f | %.2f | 1.00 | 1.00 |\n", label, median(rate, n), median(cpu, n)
			continue
		}
		mr = median(rr, n); lo_r = rr[1]; hi_r = rr[n]
		mc = median(cr, n); lo_c = cr[1]; hi_c = cr[n]
		printf "| %s | %.0f | %.2f | %.2f [%.2f-%.2f] | %.2f [%.2f-%.2f] |\n", label,
		       median(rate, n), median(cpu, n), mr, lo_r, hi_r, mc, lo_c, hi_c
	}
	print ""
	print "An OAUTHBEARER login is two connections: libpq 18 asks for the discovery"
	print "document first, then connects again with the token; both are counted."
}
