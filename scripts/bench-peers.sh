#!/usr/bin/env bash
# Times lark-ticket against what users would otherwise use, on one corpus,
# side by side in one run, and writes the medians and ratios into README.md
# (between the bench markers) with the machine they ran on.
#
#   scripts/bench-peers.sh            # 200k events; takes a few minutes
#   EVENTS=20000 RUNS=3 scripts/bench-peers.sh --no-readme   # a quick look
#
# Installs its peers locally under target/bench-peers/: the official Node
# SDK from npm, the official Python SDK in a virtual environment, and jq
# from Debian's packages when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 scripts/bench_peers.py "$@"
