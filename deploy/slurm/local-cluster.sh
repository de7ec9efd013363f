#!/usr/bin/env bash
# Starts a one-node SLURM cluster on this machine from Debian's packages (slurm-wlm, munge), runs a pipeline as a
# real array job of shards plus a merge job that depends on it, runs the same pipeline unsharded, and checks that
# the merged tables equal the unsharded ones. Needs root (it installs packages and starts the daemons).
#
#   deploy/slurm/local-cluster.sh [pipeline.json] [shards]
#
# Default: pipelines/robustness.json cut to 40 facts, 4 shards. Exit 0 when every table matches.
set -euo pipefail
cd "$(dirname "$0")/../.."
pipeline=${1:-pipelines/robustness.json}
shards=${2:-4}
work=${DKN_SLURM_WORK:-/tmp/dkn-slurm}
out="$work/out"
[ "$(id -u)" -eq 0 ] || { echo "local-cluster.sh: run as root (installs slurm-wlm and munge, starts slurmctld/slurmd)" >&2; exit 2; }

if ! command -v slurmctld >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
fi

# munge: a key and the daemon.
if [ ! -s /etc/munge/munge.key ]; then
  if command -v mungekey >/dev/null; then mungekey --create --force; else dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null; fi
fi
chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key
mkdir -p /run/munge && chown munge:munge /run/munge
pgrep -x munged >/dev/null || su -s /bin/sh munge -c /usr/sbin/munged

# slurm.conf for one node with this machine's cores and memory.
host=$(hostname -s)
cpus=$(nproc)
mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=dkn
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
MpiDefault=none
ReturnToService=2
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
pgrep -x slurmctld >/dev/null || slurmctld
pgrep -x slurmd >/dev/null || slurmd
for _ in $(seq 60); do sinfo -h -o %T 2>/dev/null | grep -qE 'idle|mixed|alloc' && break; sleep 1; done
sinfo

# The tool, built once; every job runs the same binary.
dotnet build src/MlNetDkn.Cli -c Release -v q -nologo
dkn="dotnet $(pwd)/src/MlNetDkn.Cli/bin/Release/net10.0/linux-x64/dkn.dll"
rm -rf "$work"; mkdir -p "$work"
sets=(--set steps.select-facts.max_facts=40)

# Shards as an array job (each task reads SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT), then the merge. Each task
# leaves its exit code in shard-<i>.rc (this cluster keeps no accounting to ask), and exits with it.
array=$(sbatch --parsable --array=0-$((shards - 1)) --cpus-per-task=1 --output="$work/shard-%a.log" \
  --wrap "$dkn run $pipeline --out $out --threads 1 ${sets[*]}; rc=\$?; echo \$rc > $work/shard-\$SLURM_ARRAY_TASK_ID.rc; exit \$rc")
# A failed shard can never satisfy afterok: --kill-on-invalid-dep has SLURM cancel the merge instead of leaving it
# pending for ever.
merge=$(sbatch --parsable --dependency=afterok:$array --kill-on-invalid-dep=yes --cpus-per-task=1 \
  --output="$work/merge.log" --wrap "$dkn merge $pipeline --out $out --threads 1 ${sets[*]}")
echo "array job $array ($shards shards), merge job $merge"
# Stop at the first failed task: cancel what is left and show its log.
fail() { scancel "$array" "$merge" 2>/dev/null || true; echo "local-cluster.sh: $1" >&2; [ -f "$2" ] && tail -20 "$2" >&2; exit 1; }
while :; do
  for rc in "$work"/shard-*.rc; do
    [ -f "$rc" ] || continue
    code=$(cat "$rc")
    task=${rc##*/shard-}
    [ "$code" = 0 ] || fail "shard task ${task%.rc} failed (exit $code)" "${rc%.rc}.log"
  done
  queued=$(squeue -h -j "$array,$merge" -o "%i %T %r" 2>/dev/null || true)
  [ -n "$queued" ] || break
  grep -q DependencyNeverSatisfied <<<"$queued" && fail "the merge job's dependency can never be satisfied" ""
  sleep 5
done
ls "$work"/shard-*.rc >/dev/null 2>&1 || fail "no shard task left an exit code (did the array job start?)" ""
grep -q "done in" "$work/merge.log" || fail "merge job failed" "$work/merge.log"

# The same pipeline unsharded with the same thread count (libtorch's float sums depend on it), and every table
# compared, except the run-time columns (variants.csv / variants_long.csv record seconds, and per-prompt tables end
# with their compute seconds).
$dkn run "$pipeline" --out "$work/whole" --threads 1 "${sets[@]}" >"$work/whole.log"
status=0
while IFS= read -r table; do
  rel=${table#"$work/whole/"}
  case "$rel" in shard-*|*/store/*|variants.csv|variants_long.csv) continue ;; esac
  # A table whose last column is a prompt's compute time is compared without it (it differs between any two runs).
  if head -1 "$table" | grep -q ',seconds$'; then
    cmp -s <(sed 's/,[^,]*$//' "$table") <(sed 's/,[^,]*$//' "$out/$rel") || { echo "differs: $rel"; status=1; }
  elif ! cmp -s "$table" "$out/$rel"; then echo "differs: $rel"; status=1; fi
done < <(find "$work/whole" -name '*.csv' | sort)
[ $status -eq 0 ] && echo "merged tables of $shards SLURM shards equal the unsharded run ($(find "$work/whole" -name '*.csv' | wc -l) tables)"
exit $status
