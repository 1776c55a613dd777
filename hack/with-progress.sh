#!/usr/bin/env bash
# Usage: hack/with-progress.sh WHAT COMMAND [ARGS...]
# Runs COMMAND, printing "    ... WHAT: Ns so far" every PROGRESS_SECONDS (5) while it runs:
# a cold build takes minutes and silence looks like a hang. Exits with COMMAND's status.
set -uo pipefail
what="$1"
shift
started=$SECONDS
"$@" &
job=$!
# A stop of make dev stops the build with it.
trap 'kill "$job" 2>/dev/null; wait "$job"; exit 130' INT TERM HUP
while kill -0 "$job" 2>/dev/null; do
  for _ in $(seq "$((${PROGRESS_SECONDS:-5} * 10))"); do
    kill -0 "$job" 2>/dev/null || break 2
    sleep 0.1
  done
  echo "    ... $what: $((SECONDS - started))s so far"
done
wait "$job"
