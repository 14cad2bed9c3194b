#!/usr/bin/env bash
# The real-rules benchmark (docs/SCAN.md "Real rules and corpus"): the logcheck-database rules
# (bench/rules/logcheck.rules, flag m) over a real corpus, vyre's CPU scan against Hyperscan, per-pattern counts
# compared, GB/s of both, and the worklist policy's slice records checked against their measured times.
#
#   scripts/corpus/run-logcheck-bench.sh [PATH...]
#
# Without PATHs the corpus is the one scripts/corpus/prepare-corpus.sh prepared under corpus/. On a host without
# the Debian archive pass the host's own files, e.g. /usr/share /usr/include. Environment: OUT (the evidence
# JSON, default vyre-evidence/logcheck-bench.json), REPEAT (timed runs per peer, default 1), SLICE (vyre's
# corpus slice in bytes, default 64 MiB), PEERS (default vyre-cpu,hyperscan; add vyre-cuda on a GPU host).
# Exit 0 only when every peer ran and the counts agree, pattern by pattern.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
cd "$ROOT"
if [[ $# -eq 0 ]]; then
  [[ -d corpus/linux-source-6.1 ]] || { echo "no corpus/: run scripts/corpus/prepare-corpus.sh, or pass PATHs" >&2; exit 2; }
  set -- corpus/linux-source-6.1 corpus/fail2ban-logs
fi
OUT="${OUT:-vyre-evidence/logcheck-bench.json}"
args=()
for p in "$@"; do args+=(--corpus "$p"); done
exec ./vyre bench scan -f bench/rules/logcheck.rules --flags m "${args[@]}" --peers "${PEERS:-vyre-cpu,hyperscan}" \
  --repeat "${REPEAT:-1}" --slice "${SLICE:-67108864}" --json "$OUT"
