#!/usr/bin/env python3
"""Checks the include graph of the sources: dependencies point daemon -> pipeline -> media,
no file of pipeline/ reaches itself through its includes, and pipeline's stage folders
depend on each other one way only (decide <- model, journal <- route, ...).

Usage: include_graph_test.py SOURCE_DIR. Exits 1 and prints each violation."""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
LAYERS = {"media": 0, "pipeline": 1, "daemon": 2}


def sources(root):
    for top in LAYERS:
        for folder, _, names in os.walk(os.path.join(root, top)):
            for name in names:
                if name.endswith((".h", ".cpp")):
                    yield os.path.relpath(os.path.join(folder, name), root)


def includes(root, path):
    with open(os.path.join(root, path), encoding="utf-8", errors="replace") as handle:
        return [i for i in INCLUDE.findall(handle.read()) if i.split("/")[0] in LAYERS]


def stage_folder(path):
    parts = path.split("/")
    return parts[1] if len(parts) > 2 else None


def find_cycle(graph):
    """A list of nodes forming a cycle, or None (iterative depth-first search)."""
    state = {}
    for start in sorted(graph):
        if start in state:
            continue
        stack = [(start, iter(sorted(graph.get(start, ()))))]
        state[start] = "open"
        path = [start]
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = "done"
                stack.pop()
                path.pop()
            elif state.get(child) == "open":
                return path[path.index(child):] + [child]
            elif child not in state:
                state[child] = "open"
                path.append(child)
                stack.append((child, iter(sorted(graph.get(child, ())))))
    return None


def main(root):
    problems = []
    files = sorted(sources(root))
    graph = {f: set(includes(root, f)) for f in files}
    for path, targets in graph.items():
        for target in targets:
            if LAYERS[target.split("/")[0]] > LAYERS[path.split("/")[0]]:
                problems.append(f"{path} includes {target}: dependencies point daemon -> pipeline -> media")
            if not os.path.exists(os.path.join(root, target)):
                problems.append(f"{path} includes {target}, which does not exist")

    pipeline_graph = {f: {t for t in ts if t.startswith("pipeline/")}
                      for f, ts in graph.items() if f.startswith("pipeline/")}
    cycle = find_cycle(pipeline_graph)
    if cycle:
        problems.append("include cycle in pipeline/: " + " -> ".join(cycle))

    folders = {}
    for path, targets in pipeline_graph.items():
        here = stage_folder(path)
        for target in targets:
            there = stage_folder(target)
            if here and there and here != there:
                folders.setdefault(here, set()).add(there)
    cycle = find_cycle(folders)
    if cycle:
        problems.append("pipeline's stage folders depend on each other in a cycle: " + " -> ".join(cycle))

    for problem in problems:
        print(problem)
    print(f"{len(files)} files, {sum(len(t) for t in graph.values())} includes, "
          f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
