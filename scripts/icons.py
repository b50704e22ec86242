"""Draw the PNG icons from docs/assets/icone.svg with Chromium.

Browsers without SVG favicons and the home screens of phones (the
apple-touch-icon, 180 px, opaque: iOS fills transparent corners with black)
read PNG files. Run again after changing the SVG:

    python scripts/icons.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a file

from tests.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.paths import DOCS  # noqa: E402

ASSETS = DOCS / "assets"
# (file, size in px, background behind the icon's rounded corners)
ICONS = [("icone-180.png", 180, "#303f9f"), ("icone-32.png", 32, "transparent")]


def main() -> int:
    from playwright.sync_api import sync_playwright

    svg = (ASSETS / "icone.svg").read_text(encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        for name, size, background in ICONS:
            page = browser.new_page(viewport={"width": size, "height": size})
            sized = svg.replace("<svg ", f'<svg width="{size}" height="{size}" ', 1)
            page.set_content(
                f'<body style="margin:0;background:{background}">{sized}</body>'
            )
            page.screenshot(
                path=ASSETS / name,
                omit_background=background == "transparent",
                clip={"x": 0, "y": 0, "width": size, "height": size},
            )
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
