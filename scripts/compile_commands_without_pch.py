#!/usr/bin/env python3
"""Writes a copy of a build's compile_commands.json without its precompiled-header flags.

clang-tidy must not read GCC's .gch files (clang finds them beside the -include'd header and
fails), and each source must be checked on its own includes, not on what a PCH happened to bring.

    compile_commands_without_pch.py BUILD_DIR OUT_DIR
"""
import json
import shlex
import sys
from pathlib import Path


def without_pch(arguments):
    kept = []
    skip = 0
    for index, argument in enumerate(arguments):
        if skip:
            skip -= 1
            continue
        following = arguments[index + 1] if index + 1 < len(arguments) else ""
        if argument == "-Winvalid-pch":
            continue
        if argument == "-include" and "cmake_pch" in following:
            skip = 1
            continue
        # clang's form: -Xclang -include-pch -Xclang FILE, -Xclang -include -Xclang FILE
        if argument == "-Xclang" and following in ("-include-pch", "-include"):
            target = arguments[index + 3] if index + 3 < len(arguments) else ""
            if "cmake_pch" in target:
                skip = 3
                continue
        kept.append(argument)
    return kept


def main():
    build, out = Path(sys.argv[1]), Path(sys.argv[2])
    entries = json.loads((build / "compile_commands.json").read_text())
    for entry in entries:
        if "arguments" in entry:
            entry["arguments"] = without_pch(entry["arguments"])
        else:
            entry["command"] = shlex.join(without_pch(shlex.split(entry["command"])))
    out.mkdir(parents=True, exist_ok=True)
    (out / "compile_commands.json").write_text(json.dumps(entries, indent=1))


if __name__ == "__main__":
    main()
