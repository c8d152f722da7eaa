#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Take a screenshot of a QEMU VM through QMP, then end QEMU.

usage: qmp-screendump.py SOCKET OUT.ppm [TIMEOUT]

QEMU runs with -no-shutdown: once the guest has powered off, it stays,
stopped, with its display as the guest left it.  This waits (up to TIMEOUT
seconds, 60) for that, writes the screen to OUT.ppm with the monitor's
screendump, and quits QEMU.  Exits 0 when the file was written.
"""
import json
import os
import socket
import sys
import time


class Qmp:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.buf = b""
        self.read()  # the greeting
        self.cmd("qmp_capabilities")

    def read(self):
        while b"\n" not in self.buf:
            data = self.sock.recv(4096)
            if not data:
                raise EOFError("QMP connection closed")
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def cmd(self, name, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            reply = self.read()
            if "event" in reply:
                continue
            if "error" in reply:
                raise RuntimeError(f"{name}: {reply['error'].get('desc')}")
            return reply.get("return")


def main():
    sock, out = sys.argv[1], os.path.abspath(sys.argv[2])
    timeout = float(sys.argv[3]) if len(sys.argv) > 3 else 60.0
    deadline = time.monotonic() + timeout
    while not os.path.exists(sock):
        if time.monotonic() > deadline:
            sys.exit(f"qmp-screendump: no {sock}")
        time.sleep(0.2)
    qmp = Qmp(sock)
    status = None
    try:
        while time.monotonic() < deadline:
            status = qmp.cmd("query-status")["status"]
            if status == "shutdown":
                break
            time.sleep(0.2)
        if status != "shutdown":
            sys.exit(f"qmp-screendump: the guest did not power off ({status})")
        if os.path.exists(out):
            os.unlink(out)
        qmp.cmd("screendump", filename=out)
        if not os.path.exists(out):
            sys.exit(f"qmp-screendump: no {out}")
    finally:
        try:
            qmp.cmd("quit")
        except (EOFError, OSError, RuntimeError):
            pass


if __name__ == "__main__":
    main()
