#!/usr/bin/env bash
# Randomized kill soak: runs a small `dkn attribute --data` pipeline once without interruption, then N times starts
# the same run in another folder and SIGKILLs it at a random moment, then lets it finish, and compares every CSV
# table of the two folders byte for byte (a per-prompt table's last column, its compute seconds, left out).
#
#   deploy/soak/kill-soak.sh [N] [max seconds before a kill]
#
# Needs a Release build (dotnet build MlNetDkn.sln -c Release). Exit 0 when every table matches.
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-10}
max_delay=${2:-4}
work=${DKN_SOAK_WORK:-/tmp/dkn-kill-soak}
dkn=(dotnet "$(pwd)/src/MlNetDkn.Cli/bin/Release/net10.0/linux-x64/dkn.dll")
model=${DKN_SOAK_MODEL:-../shared/models/stories260K}
rm -rf "$work"; mkdir -p "$work"
"${dkn[@]}" datasets synth --out "$work/facts.parquet" --entities 6 --relations 2 --seed 3 >/dev/null
args=(attribute --model "$model" --data "$work/facts.parquet" -o steps=6 --threads 1)

"${dkn[@]}" "${args[@]}" --out "$work/clean" >"$work/clean.log" 2>&1
killed=0
for i in $(seq "$n"); do
  "${dkn[@]}" "${args[@]}" --out "$work/killed" >>"$work/killed.log" 2>&1 &
  pid=$!
  sleep "$(awk -v m="$max_delay" -v s="$RANDOM" 'BEGIN { srand(s); printf "%.2f", rand() * m }')"
  if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); fi
  wait "$pid" 2>/dev/null || true
done
"${dkn[@]}" "${args[@]}" --out "$work/killed" >>"$work/killed.log" 2>&1

status=0
while IFS= read -r table; do
  rel=${table#"$work/clean/"}
  case "$rel" in */store/*) continue ;; esac
  if head -1 "$table" | grep -q ',seconds$'; then
    cmp -s <(sed 's/,[^,]*$//' "$table") <(sed 's/,[^,]*$//' "$work/killed/$rel") || { echo "differs: $rel"; status=1; }
  elif ! cmp -s "$table" "$work/killed/$rel"; then echo "differs: $rel"; status=1; fi
done < <(find "$work/clean" -name '*.csv' | sort)
tables=$(find "$work/clean" -name '*.csv' | wc -l)
echo "kill soak: $n runs started, $killed killed mid-run; $tables tables $([ $status -eq 0 ] && echo equal || echo DIFFER)"
exit $status
