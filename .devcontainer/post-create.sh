#!/usr/bin/env bash
# Runs once when the dev container is created (postCreateCommand): restores and builds the
# solution so that the notebooks' #r "../artifacts/bin/<Project>/debug/<Project>.dll" exist.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

dotnet restore Teaching.sln
dotnet build Teaching.sln --no-restore --nologo -v quiet
for dll in Adjoint Course; do
  test -f "artifacts/bin/$dll/debug/$dll.dll" || { echo "post-create: artifacts/bin/$dll/debug/$dll.dll was not built" >&2; exit 1; }
done
echo "post-create: solution built; open notebooks/ (Polyglot Notebooks) or run: dotnet run --project src/Kit -- run"
