#!/usr/bin/python3
"""LIB_OBJ=... GWD_OBJ=... TOOL_OBJ=... check.py BUILD_DIR - the architecture of docs/ARCHITECTURE.md, checked.

1. Layers: a file in src/<folder>/ includes only what its folder may use.
2. No circles: among the object files of the library, of pmp-gateway and
   of pmp, no file calls (directly or round about) into a file that calls
   back into it (the call graph between files has no cycle).
3. No source file over 600 lines (tests and generated files aside); the
   test gateway's files no more than 550.
SPDX-License-Identifier: BSD-2-Clause
"""
import glob, os, re, subprocess, sys

top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
build = sys.argv[1] if len(sys.argv) > 1 else "build"
os.chdir(top)
errors = []

# 1. Layers: folder -> folders whose headers it may include.
MAY = {
    "core": {"core"},
    "natpmp": {"core", "natpmp"},
    "pcp": {"core", "pcp"},
    "upnp": {"core", "upnp"},
    "io": {"io", "core/addr.h"},
    "route": {"route", "io", "core/addr.h"},
    "api": {"api", "core", "natpmp", "pcp", "upnp", "io", "route"},
}
for path in sorted(glob.glob("src/*/*.[ch]")):
    folder = path.split("/")[1]
    allowed = MAY.get(folder)
    if allowed is None:
        errors.append("%s: folder %s is not in the layer table" % (path, folder))
        continue
    for n, line in enumerate(open(path), 1):
        m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
        if not m:
            continue
        inc = m.group(1)
        if "/" not in inc:
            if inc != "pmp.h" and not os.path.exists(os.path.join(os.path.dirname(path), inc)):
                errors.append("%s:%d: \"%s\" is not in %s/" % (path, n, inc, folder))
            continue
        if inc.split("/")[0] not in allowed and inc not in allowed:
            errors.append("%s:%d: %s may not include %s" % (path, n, folder, inc))

# 2. No circles in the call graph between object files.
def symbols(obj):
    out = subprocess.run(["nm", obj], capture_output=True, text=True, check=True).stdout
    defined, used = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TDBR":
            defined.add(parts[2])
        elif len(parts) == 2 and parts[0] == "U":
            used.add(parts[1])
    return defined, used

def cycles(objs, name):
    info = {o: symbols(o) for o in objs}
    owner = {}
    for o, (d, _) in info.items():
        for s in d:
            owner[s] = o
    edges = {o: sorted({owner[s] for s in u if s in owner and owner[s] != o})
             for o, (_, u) in info.items()}
    # Tarjan's strongly connected components.
    index, low, stack, on, sccs, counter = {}, {}, [], set(), [], [0]
    def visit(v):
        index[v] = low[v] = counter[0]; counter[0] += 1
        stack.append(v); on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w); low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop(); on.discard(w); comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                sccs.append(sorted(comp))
    for v in sorted(edges):
        if v not in index:
            visit(v)
    for comp in sccs:
        errors.append("%s: files calling each other: %s" %
                      (name, " <-> ".join(os.path.relpath(c, build) for c in comp)))
    return sum(len(e) for e in edges.values())

# The objects each program is linked from, as the Makefile lists them.
lib = os.environ.get("LIB_OBJ", "").split()
gwd = os.environ.get("GWD_OBJ", "").split()
tools = os.environ.get("TOOL_OBJ", "").split()
if not lib or not gwd or not tools:
    errors.append("LIB_OBJ, GWD_OBJ and TOOL_OBJ must name the objects")
else:
    nl = cycles(lib, "libpmp")
    ng = cycles(gwd + lib, "pmp-gateway")
    nt = cycles(tools + lib, "pmp")

# 3. File sizes.
LIMIT = {"gw": 550}
for path in sorted(glob.glob("src/*/*.[ch]") + glob.glob("gw/*.[ch]") +
                   glob.glob("tools/*.[ch]") + glob.glob("examples/*.c") +
                   ["include/pmp.h"]):
    limit = LIMIT.get(path.split("/")[0], 600)
    n = sum(1 for _ in open(path))
    if n > limit:
        errors.append("%s: %d lines (at most %d)" % (path, n, limit))

for e in errors:
    print("check-arch: " + e)
if errors:
    sys.exit(1)
print("check-arch: layers as docs/ARCHITECTURE.md says; no circles among "
      "%d library, %d gateway and %d tool files; no file over 600 lines"
      % (len(lib), len(gwd), len(tools)))
