# SPDX-License-Identifier: MIT
# The backends' CPU time, for the login benchmarks (bench/logins.sh,
# bench/pg18_logins.sh): the postmaster reaps every backend, so their user
# and system time add up in its cutime and cstime (fields 16 and 17 of
# /proc/PID/stat), in clock ticks.  Source it; set PM_PID to the
# postmaster's pid before calling backends_ticks.
TICKS_PER_S=$(getconf CLK_TCK)
backends_ticks() { sed 's/^.*) //' "/proc/$PM_PID/stat" | awk '{print $14 + $15}'; }
