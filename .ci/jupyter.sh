#!/usr/bin/env bash
# The Jupyter path of the README (issue 12): register the .NET Interactive kernels with Jupyter and
# execute a notebook with `jupyter nbconvert --execute` in the `.net-csharp` kernel. Fails on any
# cell error. Usage: .ci/jupyter.sh NOTEBOOK...
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v jupyter-nbconvert >/dev/null; then
  apt-get update -qq && apt-get install -y -qq jupyter-nbconvert >/dev/null
fi
# The kernelspec starts `dotnet interactive`, which the dotnet host finds as dotnet-interactive on PATH.
export PATH="$PWD/.tools:$PATH"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export JUPYTER_PATH="$work/jupyter"
mkdir -p "$JUPYTER_PATH/kernels"
.devcontainer/jupyter-kernel.sh "$JUPYTER_PATH/kernels"
for notebook in "$@"; do
  echo "jupyter nbconvert --execute $notebook (kernel .net-csharp)"
  jupyter nbconvert --to notebook --execute "$notebook" --output-dir "$work/out" \
    --ExecutePreprocessor.kernel_name=.net-csharp --ExecutePreprocessor.timeout=600 2>&1 | grep -v '^\[NbConvertApp\] Writing' || true
  test -s "$work/out/$(basename "$notebook")" || { echo "nbconvert did not execute $notebook" >&2; exit 1; }
  /usr/bin/python3 - "$work/out/$(basename "$notebook")" <<'PY'
import json, sys
nb = json.load(open(sys.argv[1]))
code = [c for c in nb["cells"] if c["cell_type"] == "code"]
errors = [o for c in code for o in c.get("outputs", []) if o["output_type"] == "error"]
unrun = [c for c in code if c.get("execution_count") is None and "".join(c["source"]).strip()]
print(f"{len(code)} code cells executed by Jupyter, {len(errors)} errors, {len(unrun)} not run")
sys.exit(1 if errors or unrun else 0)
PY
done
