#!/usr/bin/env bash
# Registers the .NET Interactive kernels with Jupyter (into DIR, or Jupyter's user folder) and gives
# them the runtime settings that Polyglot Notebooks passes to its kernel, from the one place they are
# written: .vscode/settings.json ("polyglot-notebook.kernelEnvironmentVariables").
# Usage: .devcontainer/jupyter-kernel.sh [DIR]   (needs .tools/dotnet-interactive and python3;
# kernelspec_env.py reads the settings as VS Code does: comments and trailing commas allowed)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -gt 0 ]; then .tools/dotnet-interactive jupyter install --path "$1" >/dev/null
else .tools/dotnet-interactive jupyter install >/dev/null; fi
python3 .devcontainer/kernelspec_env.py .vscode/settings.json "${1:-$HOME/.local/share/jupyter/kernels}"
