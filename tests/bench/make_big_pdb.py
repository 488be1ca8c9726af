#!/usr/bin/env python3
"""Writes a large driver with a large PDB for the symbol benchmarks: many C files of many functions (each with its
own struct type and locals, so the PDB carries types, procedures, locals and publics as a real driver's does),
compiled with clang-cl /Z7 and linked with lld-link /DEBUG:FULL.

usage: make_big_pdb.py OUT_DIR [FILES] [FUNCTIONS_PER_FILE]   (writes OUT_DIR/bigdrv.sys and OUT_DIR/bigdrv.pdb)
"""
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor


def source(index: int, count: int) -> str:
    lines = ["typedef unsigned long long u64;", "extern volatile u64 g_sink;"]
    for f in range(count):
        n = index * count + f
        lines.append(f"struct S{n} {{ u64 a; u64 b[{f % 7 + 1}]; int c; short d; char name[{f % 13 + 3}]; }};")
        lines.append(
            f"__declspec(noinline) u64 big_{n}_function(struct S{n} *s, u64 x) {{\n"
            f"  u64 local_a = s->a * x + {n}; u64 local_b = s->b[0] ^ local_a; int i;\n"
            f"  for (i = 0; i < s->c; ++i) local_b += (u64)s->name[i % sizeof s->name] * local_a;\n"
            f"  g_sink = local_b; return local_a + local_b + (u64)s->d;\n}}")
    return "\n".join(lines) + "\n"


def main() -> int:
    out = os.path.abspath(sys.argv[1])
    files = int(sys.argv[2]) if len(sys.argv) > 2 else 18
    per_file = int(sys.argv[3]) if len(sys.argv) > 3 else 2500
    os.makedirs(out, exist_ok=True)
    objs = []

    def build(i: int) -> str:
        c = os.path.join(out, f"big{i}.c")
        obj = os.path.join(out, f"big{i}.obj")
        with open(c, "w") as f:
            f.write(source(i, per_file))
        subprocess.run(["clang-cl-14", "--target=x86_64-pc-windows-msvc", "/c", "/O1", "/Z7", "/GS-",
                        f"/Fo{obj}", "--", c], check=True)
        return obj

    with ThreadPoolExecutor(max_workers=2) as pool:
        objs = list(pool.map(build, range(files)))
    main_c = os.path.join(out, "bigmain.c")
    with open(main_c, "w") as f:
        f.write("typedef unsigned long long u64;\nvolatile u64 g_sink;\n"
                "long DriverEntry(void *d, void *r) { (void)d; (void)r; return (long)g_sink; }\n")
    main_obj = os.path.join(out, "bigmain.obj")
    subprocess.run(["clang-cl-14", "--target=x86_64-pc-windows-msvc", "/c", "/O1", "/Z7", "/GS-",
                    f"/Fo{main_obj}", "--", main_c], check=True)
    subprocess.run(["lld-link", "/MACHINE:X64", "/DRIVER", "/SUBSYSTEM:NATIVE", "/ENTRY:DriverEntry",
                    "/NODEFAULTLIB", "/DEBUG:FULL", "/OPT:NOREF", f"/PDB:{out}/bigdrv.pdb",
                    f"/OUT:{out}/bigdrv.sys", main_obj, *objs], check=True)
    print(f"{out}/bigdrv.pdb: {os.path.getsize(os.path.join(out, 'bigdrv.pdb'))} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
