"""Writes the kernel settings of .vscode/settings.json into Jupyter's .NET kernelspecs.

Usage: python3 kernelspec_env.py SETTINGS_JSON KERNELS_DIR

Reads "polyglot-notebook.kernelEnvironmentVariables" from SETTINGS_JSON as VS Code does (JSON with
comments and trailing commas, as Kit.Running.KernelEnvironment reads it too) and adds those variables
to the "env" of every .net-*/kernel.json under KERNELS_DIR (temp file, then rename). A malformed file
is reported with its path and the problem.
"""
import json
import pathlib
import sys

KEY = "polyglot-notebook.kernelEnvironmentVariables"


def without_comments(text):
    """JSON with // and /* */ comments and trailing commas, as plain JSON (strings left as they are)."""
    out, i, n = [], 0, len(text)

    def skip_blank(j):
        while j < n:
            if text[j].isspace():
                j += 1
            elif text.startswith("//", j):
                end = text.find("\n", j)
                j = n if end < 0 else end
            elif text.startswith("/*", j):
                end = text.find("*/", j + 2)
                j = n if end < 0 else end + 2
            else:
                break
        return j

    while i < n:
        c = text[i]
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("//", i) or text.startswith("/*", i):
            i = skip_blank(i)
            out.append(" ")
        elif c == "," and (after := skip_blank(i + 1)) < n and text[after] in "}]":
            i += 1  # a trailing comma
        else:
            out.append(c)
            i += 1
    return "".join(out)


def main(settings_path, kernels_dir):
    settings_file = pathlib.Path(settings_path)
    try:
        settings = json.loads(without_comments(settings_file.read_text()))
    except (OSError, ValueError) as e:
        sys.exit(f"jupyter-kernel: {settings_file}: not valid JSON: {e}")
    env = settings.get(KEY) if isinstance(settings, dict) else None
    if not isinstance(env, dict) or not all(isinstance(v, str) for v in env.values()):
        sys.exit(f"jupyter-kernel: {settings_file}: \"{KEY}\" must be an object of strings")
    specs = sorted(pathlib.Path(kernels_dir).glob(".net-*/kernel.json"))
    if not specs:
        sys.exit(f"jupyter-kernel: no .net-* kernelspec under {kernels_dir}")
    for spec in specs:
        kernel = json.loads(spec.read_text())
        kernel["env"] = {**kernel.get("env", {}), **env}
        tmp = spec.with_suffix(".tmp")
        tmp.write_text(json.dumps(kernel, indent=2))
        tmp.replace(spec)
    print(f"jupyter-kernel: {len(specs)} kernelspecs with {', '.join(f'{k}={v}' for k, v in env.items())}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
