# SPDX-License-Identifier: MIT
# Order statistics shared by the benchmarks' reports
# (logins_report.awk, pg18_logins_report.awk): give it first,
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
