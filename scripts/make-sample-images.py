#!/usr/bin/env python3
"""Draws the sample stories' images (PNG, standard library only).

Each picture is a simple generated scene: a sky gradient, a sun or moon,
layered hills and a row of shapes that stand for the story's subject
(cranes, panels, trains...). Deterministic: the same command writes the
same bytes. Run from the repository root:

    python3 scripts/make-sample-images.py
"""
import math
import os
import random
import struct
import zlib

OUT = os.path.join("static", "samples")


def png(path, w, h, rows):
    raw = b"".join(b"\x00" + bytes(r) for r in rows)
    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    data += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def lerp(a, b, t):
    return tuple(int(a[i] + (b[i] - a[i]) * t) for i in range(3))


def scene(w, h, seed, sky_top, sky_bottom, ground, subject):
    rnd = random.Random(seed)
    sun_x, sun_y, sun_r = rnd.uniform(0.15, 0.85) * w, rnd.uniform(0.18, 0.35) * h, 0.07 * h
    hills = [(rnd.uniform(0, 6.28), rnd.uniform(1.5, 3.5), 0.55 + 0.1 * k) for k in range(3)]
    shapes = [(rnd.uniform(0.05, 0.95) * w, rnd.uniform(0.12, 0.3) * h, rnd.uniform(0.02, 0.05) * w) for _ in range(7)]
    rows = []
    for y in range(h):
        t = y / h
        base = lerp(sky_top, sky_bottom, t)
        row = bytearray()
        for x in range(w):
            c = base
            if (x - sun_x) ** 2 + (y - sun_y) ** 2 < sun_r ** 2:
                c = (250, 226, 170)
            for sx, sh, sw in shapes:  # the subject: tall shapes on the skyline
                top = h * 0.62 - sh
                if subject == "towers" and abs(x - sx) < sw / 2 and y > top:
                    c = (60, 64, 80)
                elif subject == "cranes" and y > top and (abs(x - sx) < sw / 8 or (top < y < top + sw / 6 and sx - sw < x < sx + sw)):
                    c = (196, 72, 48)
                elif subject == "panels" and y > h * 0.66 and abs(x - sx) < sw and (y - h * 0.66) < sw * 0.6 - abs(x - sx) * 0.2:
                    c = (40, 70, 130)
            for k, (phase, freq, level) in enumerate(hills):
                edge = h * (level + 0.06 * math.sin(phase + freq * x / w * 3.14))
                if y > edge:
                    c = lerp(ground, (20, 24, 30), k * 0.28)
            if subject == "rails" and abs(y - h * 0.86) < 3 and y > 0:
                c = (80, 80, 86)
            row += bytes(c)
        rows.append(row)
    return rows


PICTURES = {
    # name: (seed, sky top, sky bottom, ground, subject, sizes)
    "harbour-cranes/hero": (1, (38, 60, 110), (240, 160, 110), (40, 70, 80), "cranes", [1200, 600]),
    "harbour-cranes/yard": (2, (120, 160, 200), (220, 230, 240), (70, 90, 100), "cranes", [800]),
    "chip-design-shenzhen/hero": (3, (20, 30, 60), (90, 70, 140), (30, 40, 60), "towers", [1200]),
    "desert-solar/hero": (4, (70, 140, 210), (250, 210, 150), (200, 150, 90), "panels", [1200, 600]),
    "river-restoration/hero": (5, (110, 170, 210), (220, 235, 225), (60, 120, 70), "none", [1200]),
    "river-restoration/weir": (6, (150, 180, 200), (230, 230, 220), (80, 110, 80), "none", [800]),
    "night-trains/hero": (7, (10, 14, 40), (60, 50, 100), (25, 30, 45), "rails", [1200, 600]),
    "library-robots/hero": (8, (200, 190, 170), (240, 235, 225), (120, 100, 80), "towers", [1200]),
}

if __name__ == "__main__":
    for name, (seed, top, bottom, ground, subject, sizes) in PICTURES.items():
        for i, width in enumerate(sizes):
            height = width * 9 // 16
            suffix = "" if i == 0 else f"-{width}"
            # Draw small and scale up 2x: calm, flat shapes, and quick to make.
            small = scene(width // 2, height // 2, seed, top, bottom, ground, subject)
            rows = [bytes(b for px in range(width // 2) for b in r[px * 3:px * 3 + 3] * 2) for r in small for _ in (0, 1)]
            png(os.path.join(OUT, f"{name}{suffix}.png"), (width // 2) * 2, (height // 2) * 2, rows)
            print("wrote", os.path.join(OUT, f"{name}{suffix}.png"))
