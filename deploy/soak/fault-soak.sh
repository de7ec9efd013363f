#!/usr/bin/env bash
# Randomized fault soak. Runs a small pipeline once without interruption, then, in another folder, N times starts
# the same run and hits it with one fault drawn at random:
#   kill  SIGKILL at a random moment;
#   int   SIGINT (Ctrl-C) at a random moment: the run must stop with exit 130 (or finish with 0);
#   full  a file-size limit, as a full disk or quota gives (EFBIG): half the time `ulimit -f` of a random size from
#         the start, half the time the limit dropped to 1 KiB at a random moment after the run printed its first line
#         (prlimit): exit 3 (or 0). Never 0 from the start, nor imposed during the .NET runtime's own start-up: the
#         limit then also hits the runtime's memory-backed files and it aborts (SIGABRT) before any of dkn's code
#         runs, which a full disk would not do.
# Each fault's run resumes the one before; once a run finishes (exit 0), every CSV table of its folder must equal the
# uninterrupted run's byte for byte, with the timing columns (*seconds*, *_ms) blanked, and the next fault starts a
# new run in a new folder. A last resume finishes the run in progress. Any other exit code fails the soak.
#
#   deploy/soak/fault-soak.sh faults [N] [max seconds before a fault]   (default 20 faults, 5 s)
#   deploy/soak/fault-soak.sh cache [ROUNDS]                             (default 3)
#
# cache: two processes train-or-reuse one fact model in one model cache at the same time (--cache shared), each
# with its own output folder; in odd rounds one of them is also killed at a random moment and rerun. Both must exit
# 0, the cache must hold one complete model, and both folders' tables must equal a solo run's.
#
# DKN_SOAK_SEED seeds the draws (default: the time): the same seed draws the same faults, delays and limits (where a
# fault lands still depends on the machine's speed). DKN_SOAK_WORK is the scratch folder, DKN_SOAK_MODEL the model,
# DKN_SOAK_DLL the dkn.dll (default: the Release build, dotnet build MlNetDkn.sln -c Release).
# Prints one summary line; exit 0 when every check passed.
set -euo pipefail
# Job control: background runs get SIGINT's default disposition (a non-interactive shell would start them with it
# ignored) and a process group of their own.
set -m
cd "$(dirname "$0")/../.."
mode=${1:-faults}
work=${DKN_SOAK_WORK:-/tmp/dkn-fault-soak}
seed=${DKN_SOAK_SEED:-$(date +%s)}
RANDOM=$seed
dll=${DKN_SOAK_DLL:-"$(pwd)/src/MlNetDkn.Cli/bin/Release/net10.0/linux-x64/dkn.dll"}
dkn=(dotnet "$dll")
model=${DKN_SOAK_MODEL:-$(cd ../shared/models/stories260K 2>/dev/null && pwd || echo /work/shared/models/stories260K)}
rm -rf "$work"; mkdir -p "$work"

# A delay in [0, $1) seconds, two decimals, drawn from $2 (a $RANDOM of this shell: a subshell's $RANDOM is seeded
# afresh, so draws made there would not follow DKN_SOAK_SEED).
delay() { awk -v m="$1" -v s="$2" 'BEGIN { srand(s); printf "%.2f", rand() * m }'; }

# Every CSV table under $1 equal to the one under $2, timing columns blanked; prints the differing ones.
compare() {
  local status=0 table rel
  while IFS= read -r table; do
    rel=${table#"$1/"}
    case "$rel" in */store/*) continue ;; esac
    if [ ! -f "$2/$rel" ]; then echo "missing: $2/$rel"; status=1; continue; fi
    cmp -s <(untimed "$table") <(untimed "$2/$rel") || { echo "differs: $rel"; status=1; }
  done < <(find "$1" -name '*.csv' | sort)
  return $status
}

# A CSV with the values of its timing columns (header names containing "seconds" or ending in "_ms") emptied.
# The tables quote no field holding a comma in these runs' columns of interest; a quoted field is kept whole.
untimed() {
  python3 - "$1" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='')))
timing = [i for i, h in enumerate(rows[0]) if 'seconds' in h or h.endswith('_ms')] if rows else []
w = csv.writer(sys.stdout, lineterminator='\n')
for n, r in enumerate(rows):
    w.writerow(r if n == 0 else ['' if i in timing else v for i, v in enumerate(r)])
PY
}

if [ "$mode" = faults ]; then
  n=${2:-20}
  max_delay=${3:-5}
  "${dkn[@]}" datasets synth --out "$work/facts.parquet" --entities 6 --relations 2 --seed 3 >/dev/null
  args=(attribute --model "$model" --data "$work/facts.parquet" -o steps=6 --threads 1)
  "${dkn[@]}" "${args[@]}" --out "$work/clean" >"$work/clean.log" 2>&1
  kills=0 killed=0 ints=0 cancelled=0 fulls=0 refused=0 early=0 bad=0 runs=0 status=0
  folder="$work/run-1"
  # A run that finished (exit 0) is compared with the clean one; the next fault starts a new run in a new folder.
  finished() {
    runs=$((runs + 1))
    compare "$work/clean" "$folder" || { echo "run $runs ($folder) differs"; status=1; }
    folder="$work/run-$((runs + 1))"
  }
  for i in $(seq "$n"); do
    kind=$(( RANDOM % 3 ))
    draw=$RANDOM
    wait_s=$(delay "$max_delay" "$draw")
    code=0
    case $kind in
      0) kills=$((kills + 1)); how="SIGKILL after ${wait_s}s"
         "${dkn[@]}" "${args[@]}" --out "$folder" >>"$work/run.log" 2>&1 &
         pid=$!; sleep "$wait_s"
         kill -KILL "$pid" 2>/dev/null || true
         wait "$pid" || code=$?
         [ $code -eq 137 ] && killed=$((killed + 1)) ;;
      1) ints=$((ints + 1)); how="SIGINT after ${wait_s}s"
         "${dkn[@]}" "${args[@]}" --out "$folder" >>"$work/run.log" 2>&1 &
         pid=$!; sleep "$wait_s"
         kill -INT "$pid" 2>/dev/null || true
         wait "$pid" || code=$?
         [ $code -eq 130 ] && cancelled=$((cancelled + 1)) ;;
      2) fulls=$((fulls + 1))
         # SIGXFSZ ignored so a write past the limit fails with EFBIG; the runtime's W^X double mapping needs
         # files larger than the limit, so it is off.
         if (( RANDOM % 2 == 0 )); then
           blocks=$(( 1 + RANDOM % 1023 ))
           how="ulimit -f $blocks"
           ( trap '' XFSZ; ulimit -f "$blocks"; DOTNET_EnableWriteXorExecute=0 exec "${dkn[@]}" "${args[@]}" \
               --out "$folder" ) >>"$work/run.log" 2>&1 || code=$?
         else
           how="file-size limit 1 KiB ${wait_s}s after the first line"
           : >"$work/current.log"
           ( trap '' XFSZ; DOTNET_EnableWriteXorExecute=0 exec "${dkn[@]}" "${args[@]}" --out "$folder" ) \
             >"$work/current.log" 2>&1 &
           pid=$!
           # From the run's first line on: earlier, in the .NET runtime's own start-up, the limit also applies to
           # the runtime's memory-backed files and it aborts (SIGABRT), which a full disk would not make it do.
           for _ in $(seq 600); do [ -s "$work/current.log" ] && break; kill -0 "$pid" 2>/dev/null || break; \
             sleep 0.05; done
           sleep "$wait_s"
           prlimit --pid "$pid" --fsize=1024 2>/dev/null || true
           wait "$pid" || code=$?
           cat "$work/current.log" >>"$work/run.log"
         fi
         [ $code -eq 3 ] && refused=$((refused + 1)) ;;
    esac
    case "$kind:$code" in
      *:0) early=$((early + 1)); finished ;;
      0:137 | 1:130 | 2:3) ;;
      *) bad=$((bad + 1)); status=1; echo "fault $i: $how gave exit $code" ;;
    esac
  done
  if [ -d "$folder" ]; then
    code=0; "${dkn[@]}" "${args[@]}" --out "$folder" >>"$work/run.log" 2>&1 || code=$?
    if [ $code -eq 0 ]; then finished; else echo "the final resume exited $code"; status=1; fi
  fi
  tables=$(find "$work/clean" -name '*.csv' | wc -l)
  echo "fault soak (seed $seed): $n faults: $kills SIGKILL ($killed mid-run), $ints SIGINT ($cancelled exit 130)," \
    "$fulls file-size limit ($refused exit 3), $early runs finished before their fault, $bad unexpected exits;" \
    "$runs resumed runs finished, $tables tables each: $([ $status -eq 0 ] && echo all equal || echo DIFFER)"
  exit $status
fi

if [ "$mode" = cache ]; then
  rounds=${2:-3}
  cat >"$work/pipeline.json" <<'JSON'
{
  "name": "cache-soak",
  "seed": 7,
  "output": "runs/cache-soak",
  "device": "cpu",
  "dtype": "float32",
  "steps": [
    { "step": "synthetic-world", "options": { "entities": 8, "relations": 2, "subject_last": true } },
    { "step": "train-fact-model", "options": { "family": "gpt2", "layers": 2, "hidden_size": 32, "heads": 2,
      "intermediate_size": 64, "epochs": 15 } },
    { "step": "select-facts", "options": { "max_facts": 6 } },
    { "step": "evaluate-accuracy" },
    { "step": "attribute-knowledge-neurons", "options": { "steps": 6, "folder": "attribution" } }
  ]
}
JSON
  # Started directly (not through a shell function), so $! is the dkn process itself and a kill reaches it.
  runargs=(run "$work/pipeline.json" --threads 1)
  "${dkn[@]}" "${runargs[@]}" --cache "$work/solo-cache" --out "$work/solo" >"$work/solo.log" 2>&1
  status=0 kills=0 reused=0
  for r in $(seq "$rounds"); do
    cache="$work/cache-$r"
    "${dkn[@]}" "${runargs[@]}" --cache "$cache" --out "$work/a-$r" >"$work/a-$r.log" 2>&1 &
    a=$!
    "${dkn[@]}" "${runargs[@]}" --cache "$cache" --out "$work/b-$r" >"$work/b-$r.log" 2>&1 &
    b=$!
    if (( r % 2 == 1 )); then
      draw=$RANDOM
      sleep "$(delay 8 "$draw")"
      if kill -KILL "$b" 2>/dev/null; then kills=$((kills + 1)); fi
      wait "$b" 2>/dev/null || true
      "${dkn[@]}" "${runargs[@]}" --cache "$cache" --out "$work/b-$r" >>"$work/b-$r.log" 2>&1 &
      b=$!
    fi
    ca=0; wait "$a" || ca=$?
    cb=0; wait "$b" || cb=$?
    [ $ca -eq 0 ] && [ $cb -eq 0 ] || { echo "round $r: exits $ca and $cb"; status=1; }
    models=$(find "$cache" -name training_complete | wc -l)
    [ "$models" -eq 1 ] || { echo "round $r: $models complete models in the cache, expected 1"; status=1; }
    reused=$((reused + $(cat "$work/a-$r.log" "$work/b-$r.log" | grep -c "reused cached model" || true)))
    compare "$work/solo" "$work/a-$r" || status=1
    compare "$work/solo" "$work/b-$r" || status=1
  done
  tables=$(find "$work/solo" -name '*.csv' | wc -l)
  echo "cache soak (seed $seed): $rounds rounds of two processes on one model cache, $kills killed and rerun," \
    "$reused runs reused the model the other trained; $tables tables $([ $status -eq 0 ] && echo equal || echo DIFFER)"
  exit $status
fi
echo "usage: $0 faults [N] [max delay] | cache [ROUNDS]" >&2
exit 2
