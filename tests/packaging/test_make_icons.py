"""packaging/make_icons.py: the icon files the installers ship are real, decodable images."""

from __future__ import annotations

import importlib.util
import struct
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def make_icons():
    # Loaded by path: a top-level "packaging" would be the PyPI library of that name.
    spec = importlib.util.spec_from_file_location(
        "make_icons", ROOT / "packaging" / "make_icons.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_render_is_a_transparent_cornered_square(qapp, make_icons) -> None:
    image = QImage.fromData(make_icons.render(64), "PNG")
    assert (image.width(), image.height()) == (64, 64)
    assert image.pixelColor(0, 0).alpha() == 0  # rounded corner
    assert image.pixelColor(32, 32).alpha() == 255


def test_ico_directory_points_at_each_png(qapp, make_icons, tmp_path: Path) -> None:
    path = tmp_path / "app.ico"
    make_icons.write_ico(path)
    data = path.read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data, 0)
    assert (reserved, kind, count) == (0, 1, len(make_icons.ICO_SIZES))
    for index, size in enumerate(make_icons.ICO_SIZES):
        width, height, _, _, planes, bpp, length, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * index)
        assert (width or 256, height or 256, planes, bpp) == (size, size, 1, 32)
        blob = data[offset:offset + length]
        assert blob.startswith(PNG_SIGNATURE) and len(blob) == length
        assert QImage.fromData(blob, "PNG").width() == size


def test_iconset_has_the_names_iconutil_expects(qapp, make_icons, tmp_path: Path) -> None:
    folder = tmp_path / "app.iconset"
    make_icons.write_iconset(folder)
    for size in (16, 32, 128, 256, 512):
        assert QImage(str(folder / f"icon_{size}x{size}.png")).width() == size
        assert QImage(str(folder / f"icon_{size}x{size}@2x.png")).width() == 2 * size


def test_committed_hicolor_pngs_have_their_named_size(qapp, make_icons) -> None:
    for size in make_icons.HICOLOR_SIZES:
        image = QImage(str(ROOT / "resources" / "icons" / f"hrher2-aid-{size}.png"))
        assert (image.width(), image.height()) == (size, size)
