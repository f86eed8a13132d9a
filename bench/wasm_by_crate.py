"""Which crates the wasm's code comes from: sums the size of every function body in the
code section by the crate its name (from the wasm's name section) starts with. Run on
cargo's output before wasm-bindgen and wasm-opt strip the names:
    python3 bench/wasm_by_crate.py target/front/wasm32-unknown-unknown/wasm-release/app.wasm
Shares are of code bytes before wasm-opt; the shipped file is smaller, in similar parts.
"""
import collections
import sys


def leb(b, i):
    result = shift = 0
    while True:
        byte = b[i]
        i += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, i


data = open(sys.argv[1], "rb").read()
assert data[:4] == b"\0asm", "not a wasm file"
i = 8
imported_funcs = 0
bodies = []  # sizes, in order of defined functions
names = {}
while i < len(data):
    sid = data[i]
    size, i = leb(data, i + 1)
    end = i + size
    if sid == 2:  # imports: count function imports, they come first in the index space
        n, j = leb(data, i)
        for _ in range(n):
            for _ in range(2):
                ln, j = leb(data, j)
                j += ln
            kind = data[j]
            j += 1
            if kind == 0:
                _, j = leb(data, j)
                imported_funcs += 1
            elif kind == 1:
                j += 1
                flags, j = leb(data, j)
                _, j = leb(data, j)
                if flags & 1:
                    _, j = leb(data, j)
            elif kind == 2:
                flags, j = leb(data, j)
                _, j = leb(data, j)
                if flags & 1:
                    _, j = leb(data, j)
            elif kind == 3:
                j += 2
            else:
                _, j = leb(data, j + 1)
    elif sid == 10:  # code
        n, j = leb(data, i)
        for _ in range(n):
            sz, j = leb(data, j)
            bodies.append(sz)
            j += sz
    elif sid == 0:  # custom: look for "name", subsection 1 (function names)
        ln, j = leb(data, i)
        if data[j:j + ln] == b"name":
            j += ln
            while j < end:
                sub, j = data[j], j + 1
                sz, j = leb(data, j)
                if sub == 1:
                    k = j
                    n, k = leb(data, k)
                    for _ in range(n):
                        idx, k = leb(data, k)
                        nl, k = leb(data, k)
                        names[idx] = data[k:k + nl].decode("utf-8", "replace")
                        k += nl
                j += sz
    i = end


def crate(name):
    """The crate of a legacy-mangled Rust name (`_ZN<len><segment>...`): the first path
    segment, or for an impl block `<Type as Trait>` the crate of the type."""
    if not name.startswith("_ZN"):
        return "(not Rust: " + name.split("_")[0][:20] + ")" if name else "(unnamed)"
    k = 3
    digits = ""
    while k < len(name) and name[k].isdigit():
        digits += name[k]
        k += 1
    seg = name[k:k + int(digits or 0)].lstrip("_")
    for prefix in ("$LT$", "$RF$", "$BP$", "mut$u20$", "dyn$u20$", "$u5b$"):
        while seg.startswith(prefix):
            seg = seg[len(prefix):]
    for stop in ("..", "$"):
        seg = seg.split(stop, 1)[0]
    return seg or "(other)"


by_crate = collections.Counter()
for k, sz in enumerate(bodies):
    by_crate[crate(names.get(imported_funcs + k, ""))] += sz
total = sum(by_crate.values())
print(f"code section: {total:,} bytes in {len(bodies):,} functions ({len(names):,} named)")
for c, sz in by_crate.most_common(20):
    print(f"  {c:<28} {sz:>10,} B  {sz * 100 / total:5.1f}%")
