#!/usr/bin/env bash
# Benchmark: `lvsd --config-test -f FILE` against `keepalived -t -f FILE` on the same generated
# configuration (generate.py: 1,000 virtual servers x 10 real servers, each with a TCP_CHECK
# or HTTP_GET checker), as whole processes on the host, in the same run, alternating.
# Prints the median wall time of RUNS runs of each, the ratio lvsd/keepalived (target
# <= 0.2x), and the median peak RSS of each (from /usr/bin/time's %M, the figure `time -v`
# prints as "Maximum resident set size"). Asserts nothing.
#   usage: Benchmarks/config/run.sh [PATH/TO/lvsd]
#   environment: RUNS (7), VIRTUAL_SERVERS (1000), REAL_SERVERS (10), KEEPALIVED (keepalived)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
runs=${RUNS:-7}
keepalived=${KEEPALIVED:-keepalived}
lvsd=${1:-}

[[ -x /usr/bin/time ]] || { echo "run.sh: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }
command -v "$keepalived" >/dev/null || { echo "run.sh: $keepalived not found" >&2; exit 2; }
if [[ -n $lvsd && ! -x $lvsd ]]; then
    echo "run.sh: $lvsd: not an executable file" >&2
    exit 2
fi

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
conf=$dir/keepalived.conf
"$here/generate.py" --virtual-servers "${VIRTUAL_SERVERS:-1000}" --real-servers "${REAL_SERVERS:-10}" >"$conf"

# timed NAME COMMAND...: run COMMAND once, output to $dir/NAME.log; append "NANOSECONDS KB"
# to $dir/NAME.samples. A run that fails stops the benchmark: a timing of an error is none.
timed() {
    local name=$1 start end status=0
    shift
    start=$(date +%s%N)
    /usr/bin/time -f '%M' -o "$dir/$name.rss" "$@" >"$dir/$name.log" 2>&1 || status=$?
    end=$(date +%s%N)
    if ((status != 0)); then
        echo "run.sh: $name exited with status $status:" >&2
        sed 's/^/    /' "$dir/$name.log" >&2
        exit 1
    fi
    echo "$((end - start)) $(tail -n1 "$dir/$name.rss")" >>"$dir/$name.samples"
}

# median NAME COLUMN: the median of a column of $dir/NAME.samples (RUNS is odd or the lower middle).
median() {
    cut -d' ' -f"$2" "$dir/$1.samples" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

echo "config: $(grep -c '^virtual_server ' "$conf") virtual servers, $(grep -c 'real_server ' "$conf") real servers, $(wc -l <"$conf") lines, $(wc -c <"$conf") bytes"
echo "keepalived: $("$keepalived" --version 2>&1 | head -n1)"
for ((i = 1; i <= runs; i++)); do
    timed keepalived "$keepalived" -t -f "$conf"
    [[ -n $lvsd ]] && timed lvsd "$lvsd" --config-test -f "$conf"
done

k_ms=$(awk -v ns="$(median keepalived 1)" 'BEGIN { printf "%.1f", ns / 1e6 }')
k_rss=$(median keepalived 2)
printf '%-40s %12s %14s\n' "median of $runs runs" "wall (ms)" "peak RSS (KB)"
printf '%-40s %12s %14s\n' "keepalived -t -f FILE" "$k_ms" "$k_rss"
if [[ -n $lvsd ]]; then
    l_ms=$(awk -v ns="$(median lvsd 1)" 'BEGIN { printf "%.1f", ns / 1e6 }')
    l_rss=$(median lvsd 2)
    printf '%-40s %12s %14s\n' "lvsd --config-test -f FILE" "$l_ms" "$l_rss"
    printf '%-40s %12s %14s\n' "ratio lvsd/keepalived (target <= 0.2x)" \
        "$(awk -v a="$l_ms" -v b="$k_ms" 'BEGIN { printf "%.2fx", a / b }')" \
        "$(awk -v a="$l_rss" -v b="$k_rss" 'BEGIN { printf "%.2fx", a / b }')"
else
    echo "lvsd: not given"
fi
