"""A listed person's photo, published as small square JPEGs with no metadata.

The original (content/people/photos/…) is never copied: it may carry EXIF (a GPS
position, the camera, the date). Each size is drawn fresh from the pixels alone, so
nothing of the file's metadata can reach output/; same file, same bytes.
"""

from io import BytesIO

from PIL import Image, ImageOps

# Widths written (CSS pixels 96 and 48 on screens of density 1 to 4).
PHOTO_WIDTHS = (96, 192, 384)


class PhotoError(Exception):
    """A photo that cannot be read as a picture."""


def square_sizes(source, widths=PHOTO_WIDTHS):
    """{width: JPEG bytes} of the picture at `source`, cropped square around its
    centre; widths larger than the picture are left out (one is always written)."""
    try:
        with Image.open(source) as image:
            image = ImageOps.exif_transpose(image)  # the way the camera held it
            image = image.convert("RGB")
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise PhotoError(str(exc).split(":")[0]) from None
    side = min(image.size)
    square = ImageOps.fit(image, (side, side), Image.Resampling.LANCZOS)
    wanted = [w for w in widths if w <= side] or [side]
    out = {}
    for width in wanted:
        resized = square.resize((width, width), Image.Resampling.LANCZOS)
        # A new image from the pixels alone: no EXIF, ICC profile, comment or XMP.
        clean = Image.frombytes("RGB", resized.size, resized.tobytes())
        buffer = BytesIO()
        clean.save(buffer, format="JPEG", quality=82, optimize=True)
        out[width] = buffer.getvalue()
    return out
