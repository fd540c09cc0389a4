# SPDX-License-Identifier: MIT
# Order statistics shared by the benchmarks' reports
# (logins_report.awk, pg18_logins_report.awk, paired_report.awk): give it
# first,
#   awk -f bench/stats.awk -f bench/REPORT.awk ...

function sort(a, n,    i, j, t) {
	for (i = 2; i <= n; i++) {
		t = a[i]
		for (j = i - 1; j >= 1 && a[j] > t; j--)
			a[j + 1] = a[j]
		a[j + 1] = t
	}
}
# dst[k] = src[key, k] for k = 1..n: one method's figures, round by round.
function column(src, key, n, dst,    k) {
	for (k = 1; k <= n; k++)
		dst[k] = src[key, k]
}
function median(a, n) {
	sort(a, n)
	return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
# Sets lo and hi to the bounds of the median's interval (sorts a).
function interval(a, n,    j) {
	sort(a, n)
	j = int(n / 2 - 0.98 * sqrt(n))
	if (j < 1)
		j = 1
	lo = a[j]
	hi = a[n - j + 1]
}
# The verdict on a line for the interval interval() set: "held" when all
# of it is on the right side (atleast: at or over the line), "not held"
# when all of it is on the wrong side.
function verdict(atleast, line) {
	if (atleast)
		return lo >= line ? "held" : hi < line ? "not held" : "within noise"
	return hi <= line ? "held" : lo > line ? "not held" : "within noise"
}
