#!/usr/bin/env bash
# File-based lessons (issue 9): lessons/ must match notebooks/ (kit export --check), and every
# lesson must run as a .NET 10 file-based app with `dotnet run`, without a notebook kernel.
# All lessons run: together they take a few minutes here (04 and 05 time things on purpose).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

dotnet build src/Kit --nologo -v quiet
kit() { dotnet artifacts/bin/Kit/debug/kit.dll "$@"; }

echo "== kit export --check: lessons/ matches notebooks/"
kit export --check

echo "== dotnet run: every lesson runs"
failed=()
summary=""
for lesson in lessons/*.cs; do
  start=$SECONDS
  # --no-cache: always let MSBuild check the referenced projects, so a change in src/ is picked up.
  if (cd lessons && dotnet run --no-cache "$(basename "$lesson")") > "artifacts/$(basename "$lesson").log" 2>&1; then status=ok
  else status=FAILED; failed+=("$lesson"); tail -40 "artifacts/$(basename "$lesson").log"; fi
  summary+=$(printf '%-40s %-7s %4d s' "$lesson" "$status" $((SECONDS - start)))$'\n'
done
printf '%s' "$summary"
if [ ${#failed[@]} -gt 0 ]; then echo "failed: ${failed[*]} (full output in artifacts/<lesson>.cs.log)"; exit 1; fi
