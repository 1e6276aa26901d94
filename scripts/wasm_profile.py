#!/usr/bin/env python3
"""Where the hydrate wasm's bytes go: code bytes per crate, from the function names.

Reads a wasm file that still has its name section (the one cargo writes before wasm-bindgen
and wasm-opt, e.g. target/front/wasm32-unknown-unknown/wasm-release/app.wasm), sums each
function body's size under the crate its name starts with (generic code is counted under the
crate that defines it, which may not be the one that instantiated it) and prints the largest
crates with their share of all code, and the sizes of the other sections.
Usage: wasm_profile.py WASM [top=15]
"""
import re
import sys
from collections import Counter

SECTION_NAMES = {0: "custom", 1: "type", 2: "import", 3: "function", 4: "table", 5: "memory", 6: "global",
                 7: "export", 8: "start", 9: "element", 10: "code", 11: "data", 12: "data count"}


def leb(data, pos):
    """An unsigned LEB128 number at pos: (value, next position)."""
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, pos


def name_at(data, pos):
    length, pos = leb(data, pos)
    return data[pos:pos + length].decode("utf-8", "replace"), pos + length


def imported_functions(content):
    count, pos = leb(content, 0)
    functions = 0
    for _ in range(count):
        _, pos = name_at(content, pos)
        _, pos = name_at(content, pos)
        kind = content[pos]
        pos += 1
        if kind == 0:  # function: type index
            _, pos = leb(content, pos)
            functions += 1
        elif kind == 1:  # table: reftype, limits
            pos += 1
            flags, pos = leb(content, pos)
            _, pos = leb(content, pos)
            if flags & 1:
                _, pos = leb(content, pos)
        elif kind == 2:  # memory: limits
            flags, pos = leb(content, pos)
            _, pos = leb(content, pos)
            if flags & 1:
                _, pos = leb(content, pos)
        elif kind == 3:  # global: valtype, mutability
            pos += 2
        else:
            raise ValueError(f"unknown import kind {kind}")
    return functions


def function_names(content):
    _, pos = name_at(content, 0)  # "name"
    names = {}
    while pos < len(content):
        sub, size = content[pos], None
        size, pos = leb(content, pos + 1)
        if sub == 1:
            count, p = leb(content, pos)
            for _ in range(count):
                index, p = leb(content, p)
                names[index], p = name_at(content, p)
        pos += size
    return names


LEGACY = re.compile(r"_ZN(\d+)")
ESCAPES = {"$u20$": " ", "$LT$": "<", "$GT$": ">", "$RF$": "&", "$BP$": "*", "$C$": ",",
           "$u5b$": "[", "$u5d$": "]", "$u7b$": "{", "$u7d$": "}", "$u27$": "'", "..": "::"}


def path_crate(path):
    """The crate of a type or function path; None for a generic parameter or a primitive."""
    path = path.strip().lstrip("&*[(").replace("mut ", "").replace("const ", "").replace("dyn ", "")
    return path.split("::")[0] if "::" in path else None


def crate_of(name):
    """The crate a (legacy-mangled or demangled) Rust function name belongs to: for an impl
    `<Type as Trait>` the type's crate, or the trait's when the type is generic (`<T as …>`)."""
    m = LEGACY.match(name)
    if m:
        name = name[m.end():m.end() + int(m.group(1))].lstrip("_")
        for escaped, plain in ESCAPES.items():
            name = name.replace(escaped, plain)
        if not name.startswith("<"):
            return name  # the first path segment is the crate
    if name.startswith("<"):
        inner = name[1:]
        if " as " in inner:
            own, trait = inner.split(" as ", 1)
            return path_crate(own) or path_crate(trait) or "(generic)"
        return path_crate(inner) or "(generic)"
    return path_crate(name) or "(no crate: " + (name.split("(")[0][:30] or "unnamed") + ")"


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    data = open(path, "rb").read()
    assert data[:4] == b"\0asm", f"{path} is not a wasm module"
    pos, sections, imports, bodies, names = 8, Counter(), 0, [], {}
    while pos < len(data):
        section = data[pos]
        size, pos = leb(data, pos + 1)
        content = data[pos:pos + size]
        label = SECTION_NAMES.get(section, str(section))
        if section == 0:
            custom, _ = name_at(content, 0)
            label = f"custom “{custom}”"
            if custom == "name":
                names = function_names(content)
        elif section == 2:
            imports = imported_functions(content)
        elif section == 10:
            count, p = leb(content, 0)
            for _ in range(count):
                body, start = leb(content, p)
                bodies.append(body + (start - p))
                p = start + body
        sections[label] += size
        pos += size
    if not names:
        sys.exit(f"{path} has no function names (name section): use the wasm cargo wrote, before wasm-opt")
    per_crate = Counter()
    for i, size in enumerate(bodies):
        per_crate[crate_of(names.get(imports + i, "?"))] += size
    code = sum(bodies)
    print(f"  {path}: {len(data):,} bytes, {len(bodies):,} functions, code {code:,} bytes")
    for label, size in sections.most_common():
        if size < 1024:
            continue
        print(f"    section {label:<28} {size:>10,} bytes")
    print(f"  code by crate (the {top} largest):")
    for crate, size in per_crate.most_common(top):
        print(f"    {crate:<40} {size:>10,} bytes  {100 * size / code:5.1f} %")


if __name__ == "__main__":
    main()
