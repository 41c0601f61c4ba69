#!/usr/bin/env bash
# Runs every cargo-fuzz (libFuzzer) target of rangefinder for a while and
# prints a summary. Not run in CI: it needs a nightly toolchain.
#
#   fuzz/run.sh [SECONDS] [TARGET...]     # default: 600 s each, every target
#   JOBS=2 fuzz/run.sh 600                # how many targets run at once
#
# Needs: rustup with a nightly toolchain (`rustup toolchain install nightly`)
# and cargo-fuzz (installed with `cargo install cargo-fuzz` when missing).
# Each target starts from its seed corpus fuzz/corpus/<target>/ (committed,
# never written to) and grows fuzz/target/corpus/<target>/ (ignored by git),
# so later runs resume where earlier ones stopped. A crash is written to
# fuzz/artifacts/<target>/; reproduce it with
#   cargo +nightly fuzz run -s none --codegen-units 16 <target> fuzz/artifacts/<target>/<file>
# and minimise it with `cargo +nightly fuzz tmin -s none --codegen-units 16 <target> <file>`.
set -euo pipefail

seconds=${1:-600}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    # The loader last: it is the slowest and the most often changed.
    targets=(datespec number notebook loader)
fi
jobs=${JOBS:-2}
rss_mb=${RSS_LIMIT_MB:-4096}
# No sanitizer: the crate forbids unsafe code, and without ASan the build
# (polars included) is much faster and each run does more executions. 16
# codegen units likewise trade a little speed for a much shorter build.
build_flags=(-s none --codegen-units 16)

fuzz_dir=$(cd "$(dirname "$0")" && pwd)
cd "$fuzz_dir/.."

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    echo "run.sh: needs a nightly toolchain: rustup toolchain install nightly" >&2
    exit 2
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "run.sh: cargo-fuzz missing; installing it (cargo install cargo-fuzz)" >&2
    cargo install cargo-fuzz
fi

logs="$fuzz_dir/target/logs"
mkdir -p "$logs"
# The loader target writes a temporary data folder per process: keep it here.
export TMPDIR="$fuzz_dir/target/tmp"
mkdir -p "$TMPDIR"

for target in "${targets[@]}"; do
    cargo +nightly fuzz build --fuzz-dir "$fuzz_dir" "${build_flags[@]}" "$target"
done

run() {
    local target=$1
    local grown="$fuzz_dir/target/corpus/$target"
    mkdir -p "$grown"
    echo "run.sh: $target for ${seconds}s (log: $logs/$target.log)"
    local status=0
    cargo +nightly fuzz run --fuzz-dir "$fuzz_dir" "${build_flags[@]}" "$target" \
        "$grown" "$fuzz_dir/corpus/$target" -- \
        -max_total_time="$seconds" -rss_limit_mb="$rss_mb" -print_final_stats=1 \
        >"$logs/$target.log" 2>&1 || status=$?
    echo "$status" >"$logs/$target.status"
}

running=0
for target in "${targets[@]}"; do
    run "$target" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
        wait -n || true
        running=$((running - 1))
    fi
done
wait

echo
printf '%-10s %-8s %14s %8s %8s %8s  %s\n' target result executions exec/s cov ft corpus
failed=0
for target in "${targets[@]}"; do
    log="$logs/$target.log"
    status=$(cat "$logs/$target.status" 2>/dev/null || echo "?")
    result=ok
    [ "$status" = 0 ] || { result="FAIL($status)"; failed=1; }
    # The last status line libFuzzer printed, e.g.
    # "#123456 DONE cov: 812 ft: 2400 corp: 310/20Kb ... exec/s: 4000 ..."
    last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
    execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || true)
    speed=$(grep -oE 'stat::average_exec_per_sec: *[0-9]+' "$log" | grep -oE '[0-9]+$' || true)
    cov=$(grep -oE 'cov: [0-9]+' <<<"$last" | grep -oE '[0-9]+' || true)
    ft=$(grep -oE 'ft: [0-9]+' <<<"$last" | grep -oE '[0-9]+' || true)
    corp=$(grep -oE 'corp: [0-9]+/[0-9A-Za-z]+' <<<"$last" | cut -d' ' -f2 || true)
    printf '%-10s %-8s %14s %8s %8s %8s  %s\n' "$target" "$result" "${execs:-?}" "${speed:-?}" \
        "${cov:-?}" "${ft:-?}" "${corp:-?}"
    if [ "$result" != ok ]; then
        grep -E 'ERROR: libFuzzer|panicked at|Test unit written to' "$log" | sed 's/^/    /' || true
    fi
done
exit "$failed"
