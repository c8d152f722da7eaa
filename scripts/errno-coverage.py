#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Compare the errnos the uapi header lists for each ioctl with the errnos
the test programs got in the VM boots of `make check`.

usage: errno-coverage.py HEADER EXCEPTIONS ERRNOS_FILE...

HEADER is uapi/genode_dev.h.  Each ioctl's comment names it and its number
("GENODE_X - _IO(GENODE_IOCTL_TYPE, 0xNN)"; one comment may document
several) and lists what it returns after "Return:", each errno as "-EXXX";
"an error listed above" adds the errnos of the comment that introduces the
device fd's ioctls.  Each ERRNOS_FILE (a boot's errnos, written by
tests/vm/run.sh) has lines "program 0xNN ENAME" from
tests/kselftest/lib/errno_log.c.

Prints one TAP line per comment of the header:
  - every errno it lists must have been returned by one of its ioctls to a
    test program other than fuzz_test (whose random calls assert nothing
    about their errno), unless EXCEPTIONS names the pair with the reason
    no boot can reach it ("GENODE_X EXXX reason", # comments);
  - every errno one of its ioctls returned to any program, fuzz_test too,
    must be one it lists, or EINVAL, E2BIG, EFAULT or ENOTTY, which the
    header's rules for every ioctl give (bad argsz, flags or pointer, a
    command on the wrong kind of fd).
And one line for the commands the header does not document: each must
have returned ENOTTY only.
An exception for an errno that was reached, or that the header does not
list, fails too: the file stays true.  Exits 1 on any failure.
"""
import re
import sys

GENERAL = {"EINVAL", "E2BIG", "EFAULT", "ENOTTY"}
NOT_ASSERTING = {"fuzz_test"}


def header_blocks(path):
    """[(names, {nr: name}, listed errnos)] in the header's order"""
    text = open(path).read()
    comments = re.findall(r"/\*.*?\*/", text, re.S)
    device_common = set()
    blocks = []
    for c in comments:
        if "The ioctls on a device fd follow" in c:
            device_common = set(re.findall(r"-(E[A-Z0-9]+)", c))
        ioctls = re.findall(
            r"^ \* (GENODE_[A-Z0-9_]+) - _IO\(GENODE_IOCTL_TYPE, (0x[0-9a-f]+)\)",
            c, re.M)
        if not ioctls:
            continue
        ret = c.split("Return:", 1)
        if len(ret) != 2:
            sys.exit(f"{path}: {ioctls[0][0]} has no Return: section")
        listed = set(re.findall(r"-(E[A-Z0-9]+)", ret[1]))
        if "an error listed above" in " ".join(re.split(r"\s+\*?\s*", ret[1])):
            listed |= device_common
        blocks.append(([n for n, _ in ioctls],
                       {int(nr, 16): n for n, nr in ioctls}, listed))
    return blocks


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    header, exc_path, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    blocks = header_blocks(header)
    names = {n for b in blocks for n in b[0]}

    exceptions = {}
    for i, line in enumerate(open(exc_path), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        f = line.split(None, 2)
        if len(f) < 3 or f[0] not in names:
            sys.exit(f"{exc_path}:{i}: not 'GENODE_X EXXX reason': {line}")
        exceptions[(f[0], f[1])] = f[2]

    # (nr, errno) -> programs
    got = {}
    for path in files:
        for line in open(path):
            f = line.split()
            if len(f) == 3:
                got.setdefault((int(f[1], 16), f[2]), set()).add(f[0])

    failed = 0
    for names_b, nrs, listed in blocks:
        label = " ".join(names_b)
        reached = {}
        problems = []
        for (nr, err), progs in got.items():
            if nr not in nrs:
                continue
            if err not in listed and err not in GENERAL:
                problems.append(f"{nrs[nr]} returned {err} "
                                f"({', '.join(sorted(progs))}), which its "
                                "comment does not list")
            asserting = progs - NOT_ASSERTING
            if asserting:
                reached.setdefault(err, set()).update(asserting)
        excused = []
        for err in sorted(listed):
            exc = [n for n in names_b if (n, err) in exceptions]
            if err in reached:
                for n in exc:
                    problems.append(f"the exception for {n} {err} is stale: "
                                    f"{', '.join(sorted(reached[err]))} "
                                    "reached it")
            elif exc:
                excused.append(err)
            else:
                problems.append(f"{err} is listed but no test reached it")
        for n, err in exceptions:
            if n in names_b and err not in listed:
                problems.append(f"the exception for {n} {err} names an "
                                "errno its comment does not list")
        if problems:
            failed += 1
            print(f"not ok - errnos of {label}")
            for p in problems:
                print(f"    {p}")
        else:
            note = f", {' '.join(excused)} excepted" if excused else ""
            print(f"ok - errnos of {label}: each of the {len(listed)} it "
                  f"lists reached{note}, none returned that it does not list")
    known = {nr for b in blocks for nr in b[1]}
    unknown = sorted({nr for nr, _ in got} - known)
    wrong = sorted((nr, err) for nr, err in got
                   if nr not in known and err != "ENOTTY")
    if wrong:
        failed += 1
        print("not ok - unknown commands")
        for nr, err in wrong:
            print(f"    command 0x{nr:02x}, which the header does not "
                  f"document, returned {err}, not ENOTTY")
    else:
        print(f"ok - unknown commands: each of the {len(unknown)} tried "
              "returned ENOTTY")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
