//! Thumbnails of uploaded pictures: a small JPEG that fits a square, for lists and previews.
//!
//! The decoder's limits are set before it allocates anything, so a small file that claims to be
//! a huge picture (a decompression bomb) is refused instead of decoded.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::error::ImageError;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, Rgb, RgbImage};

use crate::{ExtractError, MAX_INPUT_BYTES, essence, too_large};

const MAX_SIDE_PIXELS: u32 = 10_000;
const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;
const JPEG_QUALITY: u8 = 80;

/// A JPEG picture and its size in pixels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thumbnail {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    pub width: u32,
    pub height: u32,
}

/// Scales a PNG or JPEG picture to fit `max_side` pixels on its longer side (never larger than
/// it was, aspect ratio kept, upright by its EXIF orientation), transparent parts on white.
pub fn thumbnail(bytes: &[u8], content_type: &str, max_side: u32) -> Result<Thumbnail, ExtractError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(too_large("the file is larger than 200 MiB"));
    }
    let kind = essence(content_type);
    if !matches!(kind.as_str(), "image/png" | "image/jpeg" | "image/jpg" | "image/pjpeg") {
        return Err(ExtractError::Unsupported(format!("no thumbnail can be made of files of type {kind}")));
    }
    let picture = decode(bytes)?;
    let flat = on_white(picture);
    let (width, height) = fit(flat.width(), flat.height(), max_side.max(1));
    let small =
        if (width, height) == flat.dimensions() { flat } else { image::imageops::thumbnail(&flat, width, height) };
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)
        .encode_image(&small)
        .map_err(|_| ExtractError::Malformed("the thumbnail could not be made".into()))?;
    Ok(Thumbnail { bytes: out, content_type: "image/jpeg", width, height })
}

fn decode(bytes: &[u8]) -> Result<DynamicImage, ExtractError> {
    let not_a_picture = || ExtractError::Malformed("the file could not be read as a PNG or JPEG picture".into());
    // The content decides between PNG and JPEG: a photo saved with the wrong name still works.
    let mut reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|_| not_a_picture())?;
    if !matches!(reader.format(), Some(ImageFormat::Png | ImageFormat::Jpeg)) {
        return Err(not_a_picture());
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE_PIXELS);
    limits.max_image_height = Some(MAX_SIDE_PIXELS);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let refuse = |error: ImageError| match error {
        ImageError::Limits(_) => too_large("the picture is too large (at most 10,000 pixels on a side)"),
        _ => not_a_picture(),
    };
    let mut decoder = reader.into_decoder().map_err(refuse)?;
    let orientation = decoder.orientation().ok();
    let mut picture = DynamicImage::from_decoder(decoder).map_err(refuse)?;
    if let Some(orientation) = orientation {
        picture.apply_orientation(orientation);
    }
    Ok(picture)
}

/// The picture as RGB, with transparency blended onto white as a page would show it. Blending
/// before scaling keeps the hidden colour of transparent pixels from bleeding into the edges.
fn on_white(picture: DynamicImage) -> RgbImage {
    if !picture.color().has_alpha() {
        return picture.into_rgb8();
    }
    let rgba = picture.into_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let blend = |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a)) + 127) / 255) as u8;
        Rgb([blend(r), blend(g), blend(b)])
    })
}

/// The size that fits `max_side` with the same aspect ratio; never larger than the picture.
fn fit(width: u32, height: u32, max_side: u32) -> (u32, u32) {
    let longer = width.max(height);
    if longer <= max_side {
        return (width, height);
    }
    let scale =
        |side: u32| ((u64::from(side) * u64::from(max_side) + u64::from(longer) / 2) / u64::from(longer)).max(1);
    (scale(width) as u32, scale(height) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_keeps_the_aspect_ratio_and_never_upscales() {
        assert_eq!(fit(1200, 800, 300), (300, 200));
        assert_eq!(fit(800, 1200, 300), (200, 300));
        assert_eq!(fit(100, 50, 300), (100, 50));
        assert_eq!(fit(10_000, 1, 100), (100, 1));
    }

    #[test]
    fn transparent_pixels_become_white() {
        let picture = DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(2, 1, image::Rgba([0, 0, 0, 0])));
        assert_eq!(on_white(picture).get_pixel(0, 0).0, [255, 255, 255]);
    }
}
