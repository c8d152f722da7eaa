#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check the picture of examples/vesa_fb.c in a screendump, save it as PNG.

usage: picture.py SCREEN.ppm OUT.png

The screendump (PPM, P6) must be 1024x768 and show exactly the picture
that vesa_fb draws: a white frame 8 pixels wide, with a black inner edge
of 2, around eight colour bars
(white, yellow, cyan, green, magenta, red, blue, black; 128 pixels each,
down to y 575) above a grey ramp of 16 steps (0x00, 0x11, ... 0xff; 64
pixels each).  Prints a line per probed point, checks every pixel, writes
OUT.png (also when the check fails, to look at), and exits 0 on a match.
"""
import struct
import sys
import zlib

WIDTH, HEIGHT, FRAME, EDGE, BARS_HEIGHT = 1024, 768, 8, 2, 576
BARS = [
    ("white", 0xFFFFFF), ("yellow", 0xFFFF00), ("cyan", 0x00FFFF),
    ("green", 0x00FF00), ("magenta", 0xFF00FF), ("red", 0xFF0000),
    ("blue", 0x0000FF), ("black", 0x000000),
]


def expected(x, y):
    if x < FRAME or x >= WIDTH - FRAME or y < FRAME or y >= HEIGHT - FRAME:
        return 0xFFFFFF
    if (x < FRAME + EDGE or x >= WIDTH - FRAME - EDGE or
            y < FRAME + EDGE or y >= HEIGHT - FRAME - EDGE):
        return 0x000000
    if y < BARS_HEIGHT:
        return BARS[x // (WIDTH // 8)][1]
    grey = x // (WIDTH // 16) * 17
    return grey << 16 | grey << 8 | grey


def read_ppm(path):
    with open(path, "rb") as f:
        data = f.read()
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    pos += 1  # the single whitespace after maxval
    magic, w, h, maxval = fields[0], int(fields[1]), int(fields[2]), int(fields[3])
    if magic != b"P6" or maxval != 255:
        raise ValueError(f"{path}: not a P6 PPM with maxval 255")
    pixels = data[pos:pos + w * h * 3]
    if len(pixels) != w * h * 3:
        raise ValueError(f"{path}: short pixel data")
    return w, h, pixels


def write_png(path, w, h, pixels):
    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body +
                struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    rows = b"".join(b"\0" + pixels[y * w * 3:(y + 1) * w * 3] for y in range(h))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(rows, 9)))
        f.write(chunk(b"IEND", b""))


def main():
    w, h, pixels = read_ppm(sys.argv[1])
    write_png(sys.argv[2], w, h, pixels)
    print(f"picture: {sys.argv[2]}: {w}x{h}")
    if (w, h) != (WIDTH, HEIGHT):
        print(f"not ok - resolution {w}x{h}, expected {WIDTH}x{HEIGHT}")
        return 1

    def at(x, y):
        i = (y * w + x) * 3
        return pixels[i] << 16 | pixels[i + 1] << 8 | pixels[i + 2]

    probes = [(f"frame {x},{y}", x, y) for x, y in
              [(0, 0), (1023, 767), (4, 384), (1019, 384), (512, 3), (512, 764),
               (1016, 288), (7, 700)]]
    probes += [(f"inner edge {x},{y}", x, y) for x, y in
               [(8, 288), (9, 9), (1014, 384), (512, 758)]]
    probes += [(f"bar {name}", 64 + 128 * i, 288) for i, (name, _) in enumerate(BARS)]
    probes += [("white bar's first column", 10, 288),
               ("black bar's last column", 1013, 288), ("bars end", 512, 575),
               ("ramp begins", 512, 576)]
    probes += [(f"grey 0x{j * 17:02x}", 32 + 64 * j, 672) for j in range(16)]
    bad = 0
    for name, x, y in probes:
        got, want = at(x, y), expected(x, y)
        ok = got == want
        bad += not ok
        print(f"{'ok' if ok else 'not ok'} - {name} at {x},{y}: "
              f"#{got:06x}{'' if ok else f', expected #{want:06x}'}")

    wrong = sum(1 for y in range(h) for x in range(w) if at(x, y) != expected(x, y))
    print(f"{'ok' if not wrong else 'not ok'} - every pixel: {wrong} of {w * h} differ")
    return 1 if bad or wrong else 0


if __name__ == "__main__":
    sys.exit(main())
