#!/usr/bin/env bash
# Registers the .NET Interactive kernels with Jupyter (into DIR, or Jupyter's user folder) and gives
# them the runtime settings that Polyglot Notebooks passes to its kernel, from the one place they are
# written: .vscode/settings.json ("polyglot-notebook.kernelEnvironmentVariables").
# Usage: .devcontainer/jupyter-kernel.sh [DIR]   (needs .tools/dotnet-interactive and python3)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -gt 0 ]; then .tools/dotnet-interactive jupyter install --path "$1" >/dev/null
else .tools/dotnet-interactive jupyter install >/dev/null; fi
python3 - "${1:-$HOME/.local/share/jupyter/kernels}" <<'PY'
import json, pathlib, re, sys
text = pathlib.Path(".vscode/settings.json").read_text()
settings = json.loads(re.sub(r"^\s*//.*$", "", text, flags=re.M))  # VS Code allows // comment lines
env = settings["polyglot-notebook.kernelEnvironmentVariables"]
specs = list(pathlib.Path(sys.argv[1]).glob(".net-*/kernel.json"))
if not specs: sys.exit(f"jupyter-kernel: no .net-* kernelspec under {sys.argv[1]}")
for spec in specs:
    kernel = json.loads(spec.read_text())
    kernel["env"] = {**kernel.get("env", {}), **env}
    tmp = spec.with_suffix(".tmp")
    tmp.write_text(json.dumps(kernel, indent=2))
    tmp.replace(spec)
print(f"jupyter-kernel: {len(specs)} kernelspecs with {', '.join(f'{k}={v}' for k, v in env.items())}")
PY
