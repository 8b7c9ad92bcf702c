#!/usr/bin/env bash
# Runs once when the dev container is created (postCreateCommand): restores and builds the
# solution so that the notebooks' #r "../artifacts/bin/<Project>/debug/<Project>.dll" exist (each
# with its dependencies beside it), and installs the .NET Interactive kernel into .tools/ (for
# `kit run --kernel dotnet-interactive` and Jupyter; VS Code's Polyglot Notebooks brings its own).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

dotnet restore Teaching.sln
dotnet build Teaching.sln --no-restore --nologo -v quiet
for dll in Adjoint/Adjoint Adjoint/System.Numerics.Tensors Course/Course Course/Adjoint Adjoint.Gpu/ILGPU; do
  test -f "artifacts/bin/${dll%%/*}/debug/${dll#*/}.dll" || { echo "post-create: artifacts/bin/${dll%%/*}/debug/${dll#*/}.dll was not built" >&2; exit 1; }
done
if [ ! -x .tools/dotnet-interactive ]; then
  dotnet tool install --tool-path .tools Microsoft.dotnet-interactive --version 1.0.712001 >/dev/null
fi
# Jupyter finds the kernel when .tools is on PATH (the kernelspec runs `dotnet interactive`).
if command -v jupyter >/dev/null; then
  mkdir -p "$HOME/.local/share/jupyter/kernels"
  .devcontainer/jupyter-kernel.sh || echo "post-create: Jupyter kernel not registered (see README, Jupyter)" >&2
fi
echo "post-create: solution built, kernel in .tools/; open notebooks/ (Polyglot Notebooks) or run: dotnet run --project src/Kit -- run --kernel dotnet-interactive"
