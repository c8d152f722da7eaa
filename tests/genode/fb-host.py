#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The host's half of genode-check's fb scenario: look at the VM's screen
and type into it, through QEMU's monitor (QMP), while Genode runs.

usage: fb-host.py QMP_SOCKET CONSOLE_LOG OUT_DIR [TIMEOUT]

Waits (up to TIMEOUT seconds, 1800) for "@@GENODE READY fb@@" in the
console log: Genode's testnit has its Gui session.  Then takes screendumps
until one shows exactly what Genode's nitpicker composes from
tests/genode/fb.config (or gives up after 60 s), saves it as OUT_DIR/fb.png
and checks every pixel:

  - the background, #123456, wherever no view is;
  - testnit's three views, "Eins" at (150,100) 230x200, "Zwei" at
    (170,120) 230x210, "Drei" at (190,140) 230x220, the later one on top,
    each showing testnit's 256x256 buffer from its top-left corner, whose
    pixel (x, y) is r = 3y/8, g = x, b = xy/32 (each mod 256).

Then it sends input through QMP's input-send-event, which QEMU's PS/2
controller delivers to Genode's ps2 driver: the keys a and b (pressed and
released), a mouse move by (+10, +5) and the key c.  Prints TAP lines and
exits 0 when the picture matched and the input was sent.
"""
import importlib.util
import os
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


qmp_mod = load("qmp_screendump", os.path.join(here, "../vm/qmp-screendump.py"))
picture = load("picture", os.path.join(here, "../vm/picture.py"))

WIDTH, HEIGHT, BACKGROUND = 800, 600, 0x123456
# testnit's views, bottom to top: x, y, width, height
VIEWS = [(150, 100, 230, 200), (170, 120, 230, 210), (190, 140, 230, 220)]


def expected(x, y):
    for vx, vy, vw, vh in reversed(VIEWS):
        if vx <= x < vx + vw and vy <= y < vy + vh:
            i, j = y - vy, x - vx
            return ((3 * i // 8) & 0xFF) << 16 | (j & 0xFF) << 8 | (i * j // 32) & 0xFF
    return BACKGROUND


def wrong_pixels(w, h, pixels):
    """How many pixels differ from the expected picture, and the first."""
    if (w, h) != (WIDTH, HEIGHT):
        return w * h, None
    wrong, first = 0, None
    for y in range(h):
        row = pixels[y * w * 3:(y + 1) * w * 3]
        for x in range(w):
            got = row[3 * x] << 16 | row[3 * x + 1] << 8 | row[3 * x + 2]
            want = expected(x, y)
            if got != want:
                wrong += 1
                if first is None:
                    first = (x, y, got, want)
    return wrong, first


def wait_ready(log, deadline):
    while time.monotonic() < deadline:
        try:
            with open(log, "rb") as f:
                if b"@@GENODE READY fb@@" in f.read():
                    return True
        except FileNotFoundError:
            pass
        time.sleep(1)
    return False


def key(name, down):
    return {"type": "key",
            "data": {"down": down, "key": {"type": "qcode", "data": name}}}


def rel(axis, value):
    return {"type": "rel", "data": {"axis": axis, "value": value}}


def main():
    sock, log, out = sys.argv[1], sys.argv[2], sys.argv[3]
    timeout = float(sys.argv[4]) if len(sys.argv) > 4 else 1800.0
    deadline = time.monotonic() + timeout
    if not wait_ready(log, deadline):
        print("not ok - fb: the VM never said @@GENODE READY fb@@")
        return 1
    qmp = qmp_mod.Qmp(sock)
    ppm, png = os.path.join(out, "fb.ppm"), os.path.join(out, "fb.png")
    settle = time.monotonic() + 60
    tries = 0
    while True:
        tries += 1
        if os.path.exists(ppm):
            os.unlink(ppm)
        qmp.cmd("screendump", filename=ppm)
        w, h, pixels = picture.read_ppm(ppm)
        wrong, first = wrong_pixels(w, h, pixels)
        if not wrong or time.monotonic() > settle:
            break
        time.sleep(2)
    picture.write_png(png, w, h, pixels)
    detail = ""
    if first:
        x, y, got, want = first
        detail = f"; first at {x},{y}: #{got:06x}, expected #{want:06x}"
    print(f"{'ok' if not wrong else 'not ok'} - fb: the screen ({w}x{h}, "
          f"screendump {tries}, {png}) is nitpicker's picture of testnit's "
          f"views on the background: {wrong} of {w * h} pixels differ{detail}")

    sequence = [[key("a", True)], [key("a", False)], [key("b", True)],
                [key("b", False)], [rel("x", 10), rel("y", 5)],
                [key("c", True)], [key("c", False)]]
    for events in sequence:
        qmp.cmd("input-send-event", events=events)
        time.sleep(0.5)
    print("ok - fb: keys a, b, a mouse move by (10, 5) and key c sent (QMP input-send-event)")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
