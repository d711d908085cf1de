"""Render the app icon (resources/icons/hrher2-aid.svg) for each platform's installer.

    python packaging/make_icons.py --hicolor resources/icons   # PNGs 16..256 (committed)
    python packaging/make_icons.py --ico build/icons/hrher2-aid.ico      # Windows
    python packaging/make_icons.py --iconset build/icons/hrher2-aid.iconset  # macOS,
        then: iconutil -c icns build/icons/hrher2-aid.iconset

A build-time tool (needs PySide6 with QtSvg); nothing here ships in the app.
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

SVG = Path(__file__).resolve().parent.parent / "resources" / "icons" / "hrher2-aid.svg"
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(size: int) -> bytes:
    """The icon as PNG bytes, ``size`` pixels square."""
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"cannot read {SVG}")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def write_ico(path: Path) -> None:
    """A multi-size .ico with PNG-compressed entries (valid since Windows Vista)."""
    images = [(size, render(size)) for size in ICO_SIZES]
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, png in images:
        dim = 0 if size >= 256 else size  # 0 means 256 in the ICO directory
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    path.write_bytes(header + entries + blobs)


def write_iconset(folder: Path) -> None:
    """The PNG set macOS's ``iconutil -c icns`` expects."""
    folder.mkdir(parents=True, exist_ok=True)
    for size in (16, 32, 128, 256, 512):
        (folder / f"icon_{size}x{size}.png").write_bytes(render(size))
        (folder / f"icon_{size}x{size}@2x.png").write_bytes(render(size * 2))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hicolor", type=Path, help="folder for hrher2-aid-<N>.png files")
    parser.add_argument("--ico", type=Path, help="Windows .ico to write")
    parser.add_argument("--iconset", type=Path, help="macOS .iconset folder to write")
    args = parser.parse_args(argv)
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841
    if args.hicolor:
        args.hicolor.mkdir(parents=True, exist_ok=True)
        for size in HICOLOR_SIZES:
            (args.hicolor / f"hrher2-aid-{size}.png").write_bytes(render(size))
    if args.ico:
        args.ico.parent.mkdir(parents=True, exist_ok=True)
        write_ico(args.ico)
    if args.iconset:
        write_iconset(args.iconset)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
