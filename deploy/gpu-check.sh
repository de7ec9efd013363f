#!/usr/bin/env bash
# On a machine with an NVIDIA GPU and the .NET 10 SDK, in under 5 minutes: restore and build against
# TorchSharp-cuda-linux, golden parity on the GPU (every architecture's next-token logits on cuda equal the CPU's),
# the attribution benchmark on the GPU, and a short pipeline on the GPU. Exit 0 when every check passes.
#   deploy/gpu-check.sh [cuda:N]
set -euo pipefail
cd "$(dirname "$0")/.."
device=${1:-cuda}
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || echo "warning: nvidia-smi not found"

echo "== restore and build with -p:TorchBackend=cuda"
dotnet build src/MlNetDkn.Cli -c Release -p:TorchBackend=cuda -v q -nologo
dotnet build benchmarks/MlNetDkn.Benchmarks -c Release -p:TorchBackend=cuda -v q -nologo
dkn="dotnet src/MlNetDkn.Cli/bin/Release/net10.0/linux-x64/dkn.dll"

echo "== golden parity on $device (next-token logits, float32, |cuda - cpu| <= 1e-4)"
status=0
for arch in gpt2 llama qwen2 gpt_neox; do
  model=../shared/golden/$arch
  $dkn inspect --model "$model" --tokens 3,17,42,5,9 --json --device cpu >"/tmp/dkn-gpu-$arch-cpu.json"
  $dkn inspect --model "$model" --tokens 3,17,42,5,9 --json --device "$device" >"/tmp/dkn-gpu-$arch-gpu.json"
  python3 - "$arch" <<'PY' || status=1
import json, sys
arch = sys.argv[1]
cpu = json.load(open(f"/tmp/dkn-gpu-{arch}-cpu.json"))["next_token_logits"]
gpu = json.load(open(f"/tmp/dkn-gpu-{arch}-gpu.json"))["next_token_logits"]
diff = max(abs(a - b) for a, b in zip(cpu, gpu))
print(f"{arch}: max |cuda - cpu| = {diff:.2e}")
sys.exit(0 if diff <= 1e-4 and len(cpu) == len(gpu) else 1)
PY
done

echo "== attribution benchmark on $device"
dotnet run --project benchmarks/MlNetDkn.Benchmarks -c Release -p:TorchBackend=cuda --no-build -- --device "$device" --repeats 2

echo "== short pipeline on $device"
$dkn run pipelines/quickstart.json --device "$device" --out /tmp/dkn-gpu-quickstart \
  --set steps.select-facts.max_facts=20 --set steps.attribute-knowledge-neurons.steps=10
[ $status -eq 0 ] && echo "gpu-check: every check passed on $device"
exit $status
