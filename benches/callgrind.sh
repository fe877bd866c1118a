#!/usr/bin/env bash
# Instructions and heap allocations per operation, ours side by side with the floor and the std
# path, counted by valgrind's callgrind: deterministic, whatever else the machine does.
#
#   bash benches/callgrind.sh [N]    (N, 4000 by default: iterations of the longer run)
#
# Each operation runs N/10 and N times; the difference of the two instruction totals divided by
# the difference of the counts is the cost of one operation, start-up and set-up cancelled.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
n=${1:-4000}
small=$((n / 10))
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }
(cd "$root" && cargo build -q --release --locked -p persistent-auth-benches --bin instr)
bin="$root/target/release/instr"

count() { # operation iterations -> total instructions
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$1" "$2" 2>&1 \
    | sed -n 's/^==[0-9]*== Collected : \([0-9]*\)$/\1/p'
}
per_op() { # operation -> instructions per operation
  local a b
  a=$(count "$1" "$small")
  b=$(count "$1" "$n")
  echo $(( (b - a) / (n - small) ))
}
allocs() { "$bin" "$1" 1000 2>&1 | sed -n 's/^allocations: \([0-9]*\)$/\1/p' | awk '{ printf "%g", $1 / 1000 }'; }

declare -A ir
for op in $("$bin" --list); do ir[$op]=$(per_op "$op"); done

row() { # label ours floor std
  printf '| %s | %s | %s | %s |\n' "$1" "$2" "$3" "$4"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else print "-" }'; }

parse_login=$(( ${ir[establish]} - ${ir[write-login]} ))
parse_reuse=$(( ${ir[write-reuse+parse-reuse]} - ${ir[write-reuse]} ))
logout=$(( ${ir[establish+logout]} - ${ir[establish]} ))

echo "instructions per operation (callgrind, N=$n), allocations per operation in brackets"
echo
echo "| operation | persistent-auth | floor | std path | ours / floor |"
echo "|---|---|---|---|---|"
printf '| parse the 244-byte login response + JSESSIONID | %d [0] | %d [%s] | %d [%s] | %s |\n' \
  "$parse_login" "${ir[floor-parse-login]}" "$(allocs floor-parse-login)" "${ir[std-parse-login]}" "$(allocs std-parse-login)" \
  "$(ratio "$parse_login" "${ir[floor-parse-login]}")"
printf '| write the reuse request | %d [%s] | %d [%s] | %d [%s] | %s |\n' \
  "${ir[write-reuse]}" "$(allocs write-reuse)" "${ir[floor-write-reuse]}" "$(allocs floor-write-reuse)" \
  "${ir[std-write-reuse]}" "$(allocs std-write-reuse)" "$(ratio "${ir[write-reuse]}" "${ir[floor-write-reuse]}")"
printf '| write the login request (base64 of the credentials) | %d [%s] | %d [%s] | %d [%s] | %s |\n' \
  "${ir[write-login]}" "$(allocs write-login)" "${ir[floor-write-login]}" "$(allocs floor-write-login)" \
  "${ir[std-write-login]}" "$(allocs std-write-login)" "$(ratio "${ir[write-login]}" "${ir[floor-write-login]}")"
printf '| parse a reuse response | %d [0] | - | - | - |\n' "$parse_reuse"
printf '| write the logout request | %d [0] | %d [%s] | - | %s |\n' "$logout" \
  "${ir[floor-write-logout]}" "$(allocs floor-write-logout)" "$(ratio "$logout" "${ir[floor-write-logout]}")"
printf '| gate: reuse, 1000 live sessions, ArrayStore<1024> | %d [%s] | - | - | - |\n' "${ir[gate-reuse-array]}" "$(allocs gate-reuse-array)"
printf '| gate: reuse, 1000 live sessions, IndexedStore | %d [%s] | - | - | - |\n' "${ir[gate-reuse-indexed]}" "$(allocs gate-reuse-indexed)"
printf '| gate: login then logout, 1000 live sessions, ArrayStore<1024> | %d [%s] | - | - | - |\n' "${ir[gate-login+logout-array]}" "$(allocs gate-login+logout-array)"
printf '| gate: login then logout, 1000 live sessions, IndexedStore | %d [%s] | - | - | - |\n' "${ir[gate-login+logout-indexed]}" "$(allocs gate-login+logout-indexed)"
