"""Draw a placeholder round seal (公章样式) for demo data and tests: a red ring, a star, the name.

Real federations upload a scan of their own seal in the admin (证书印章). This drawing says
"演示用章" under the star so that it can never pass for a real one.
"""

import io
import math
import subprocess
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

RED = (200, 16, 30, 255)


@lru_cache(maxsize=4)
def _font_path(pattern: str) -> tuple[str, int]:
    """Return (file, face index) of a fontconfig pattern, e.g. "Noto Sans CJK SC:bold"."""
    out = subprocess.run(
        ["fc-match", "-f", "%{file}:%{index}", pattern], capture_output=True, text=True, check=True
    ).stdout
    path, _, index = out.rpartition(":")
    return path, int(index or 0)


def _font(size: int) -> ImageFont.FreeTypeFont:
    path, index = _font_path("Noto Sans CJK SC:bold")
    return ImageFont.truetype(path, size, index=index)


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    points = []
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.382
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    draw.polygon(points, fill=RED)


def draw_seal(name: str, *, size: int = 600, subtitle: str = "演示用章") -> bytes:
    """Return a PNG (transparent background) of a round seal with ``name`` along the top arc."""
    scale = 2  # draw large, then downsample for smooth edges
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    c = big / 2
    ring = big * 0.03
    draw.ellipse((ring, ring, big - ring, big - ring), outline=RED, width=int(big * 0.035))
    _star(draw, c, c, big * 0.15)

    text_font = _font(int(big * 0.105))
    radius = big * 0.34
    spread = min(math.radians(240), math.radians(26) * max(len(name) - 1, 1))
    for i, char in enumerate(name):
        t = 0.5 if len(name) == 1 else i / (len(name) - 1)
        angle = -math.pi / 2 - spread / 2 + t * spread  # clockwise over the top
        glyph = Image.new("RGBA", (int(big * 0.14), int(big * 0.14)), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text(
            (glyph.width / 2, glyph.height / 2), char, font=text_font, fill=RED, anchor="mm"
        )
        glyph = glyph.rotate(-math.degrees(angle + math.pi / 2), resample=Image.BICUBIC)
        x = c + radius * math.cos(angle) - glyph.width / 2
        y = c + radius * math.sin(angle) - glyph.height / 2
        image.alpha_composite(glyph, (int(x), int(y)))

    if subtitle:
        draw.text((c, c + big * 0.27), subtitle, font=_font(int(big * 0.07)), fill=RED, anchor="mm")

    buffer = io.BytesIO()
    image.resize((size, size), Image.LANCZOS).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
