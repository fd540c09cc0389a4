#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Validations per second of oa_jwt_validate in one process: per algorithm
# (beside OpenSSL alone on the same key and signature), per token size, per
# JWK Set size, and the targets' ratios against those floors.  Prints
# tables; asserts nothing.
#   bench/micro.sh [SECONDS_PER_CELL [CASE]]   (default 1.5; 0.2 for a quick
#                                               check; CASE: only rows whose
#                                               label holds it)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD_DIR:-build/bench}
[ -d "$BUILD" ] || meson setup "$BUILD" >/dev/null
ninja -C "$BUILD" bench/bench_micro >/dev/null
echo "oa_jwt_validate, $(nproc) cores, $(openssl version)"
exec "$BUILD/bench/bench_micro" "${1:-1.5}" ${2+"$2"}
