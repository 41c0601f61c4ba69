#!/usr/bin/env bash
# Differential check of two rangefinder binaries on the shipped datasets:
# every metric as of every day a claim window ends, `show --format json`
# (plain, --robustness, --exclude-parties, --min-reliability C), the three
# charts as SVG, and `changes --format json` since 2000-01-01. Prints each
# output that differs and the totals; exits 1 when any differs.
#
#   bench/differential.sh OLD_BINARY NEW_BINARY
#
# Used to show that a change of how figures are computed (the polars port)
# changed no output. Run from the repository's root.
set -uo pipefail
old=${1:?usage: bench/differential.sh OLD_BINARY NEW_BINARY}
new=${2:?usage: bench/differential.sh OLD_BINARY NEW_BINARY}
n=0
bad=0
same() {
  n=$((n + 1))
  if [ "$1" != "$2" ]; then
    bad=$((bad + 1))
    echo "differs: $3"
  fi
}
for d in data datasets/derna-flood datasets/russian-buildup-2022 datasets/haiti-2010; do
  metrics=$("$new" show --data "$d" --format json 2>/dev/null |
    python3 -c "import sys, json; print(' '.join(m['metric'] for m in json.load(sys.stdin)))")
  days=$(python3 -c "
import csv
ends = {r['claimed'].split('/')[-1][:10] for r in csv.DictReader(open('$d/claims.csv'))}
print(' '.join(sorted(e for e in ends if len(e) == 10)))")
  for day in $days; do
    for m in $metrics; do
      for extra in "" "--robustness" "--exclude-parties" "--min-reliability C"; do
        # shellcheck disable=SC2086
        same "$("$old" show "$m" --data "$d" --as-of "$day" --format json $extra 2>&1)" \
          "$("$new" show "$m" --data "$d" --as-of "$day" --format json $extra 2>&1)" \
          "show $m --data $d --as-of $day $extra"
      done
      for kind in timeline ranges agreement; do
        same "$("$old" chart "$kind" "$m" --data "$d" --as-of "$day" -o - 2>&1)" \
          "$("$new" chart "$kind" "$m" --data "$d" --as-of "$day" -o - 2>&1)" \
          "chart $kind $m --data $d --as-of $day"
      done
    done
    same "$("$old" changes --data "$d" --since 2000-01-01 --as-of "$day" --format json 2>&1)" \
      "$("$new" changes --data "$d" --since 2000-01-01 --as-of "$day" --format json 2>&1)" \
      "changes --data $d --as-of $day"
  done
done
echo "compared $n outputs, $bad differ"
[ "$bad" -eq 0 ]
