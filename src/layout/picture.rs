//! Pictures as print needs them (SPEC §6.3): at most 300 dpi at the printed
//! size, eight bits a channel, opaque (a page is white), so that a document
//! holds a few megapixels of three bytes per picture whatever the file holds.
//! A larger or richer picture is decoded once, scaled down, laid on white and
//! encoded again (PNG stays PNG, JPEG stays JPEG) before the DOCX and the PDF
//! get its bytes; a plain one within the size is passed on as it is.

use anyhow::Context as _;
use image::{DynamicImage, ImageBuffer, ImageFormat, Luma, Rgb};
use std::sync::{Arc, OnceLock};

/// Dots per inch at the printed size.
const DPI: f64 = 300.0;
/// The widest a picture is printed: the text block (FORMAT.md §6).
pub const PRINTED_WIDTH_MM: f64 = 156.0;
/// The tallest a picture is printed.
pub const PRINTED_HEIGHT_MM: f64 = 150.0;
/// The quality of a scaled JPEG.
const JPEG_QUALITY: u8 = 90;
/// The first bytes of every PNG file.
const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// The most pixels across and down a printed picture needs: 1843 × 1772.
pub fn pixel_box() -> (u32, u32) {
    let pixels = |mm: f64| (mm / 25.4 * DPI).ceil() as u32;
    (pixels(PRINTED_WIDTH_MM), pixels(PRINTED_HEIGHT_MM))
}

/// A picture's bytes as the documents embed them.
#[derive(Clone, Debug)]
pub struct Printed {
    /// PNG or JPEG bytes.
    pub bytes: Arc<[u8]>,
    /// Whether the bytes are a PNG (else a JPEG).
    pub png: bool,
    /// Pixel width.
    pub width: u32,
    /// Pixel height.
    pub height: u32,
}

/// The printed form of one picture, made by the first document that needs it
/// and shared by the others (the DOCX and the PDF of a report).
#[derive(Clone, Default)]
pub struct Shared(Arc<OnceLock<Result<Printed, String>>>);

impl Shared {
    /// The printed form of the picture whose file holds `bytes` of `width`×`height` pixels.
    pub fn get(&self, bytes: &Arc<[u8]>, width: u32, height: u32) -> anyhow::Result<Printed> {
        self.0
            .get_or_init(|| printed(bytes, width, height).map_err(|err| format!("{err:#}")))
            .clone()
            .map_err(anyhow::Error::msg)
    }
}

/// Made from the picture's bytes, so any two are equal.
impl PartialEq for Shared {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Shared {}

/// `bytes` (a PNG or JPEG of `width`×`height` pixels, as its header says) at
/// most [`pixel_box`] in size, opaque, eight bits a channel.
pub fn printed(bytes: &Arc<[u8]>, width: u32, height: u32) -> anyhow::Result<Printed> {
    let png = bytes.starts_with(PNG_SIGNATURE);
    let (most_wide, most_tall) = pixel_box();
    let fits = width <= most_wide && height <= most_tall;
    let as_it_is = || Printed { bytes: bytes.clone(), png, width, height };
    if fits && (!png || plain_png(bytes)) {
        return Ok(as_it_is());
    }
    let image = if png { decode_png(bytes)? } else { decode_jpeg(bytes)? };
    // A box filter: no buffer beyond the decoded picture and the small one.
    let image = if fits { image } else { image.thumbnail(most_wide, most_tall) };
    let small = on_white(image);
    let mut out = std::io::Cursor::new(Vec::new());
    if png {
        small.write_to(&mut out, ImageFormat::Png).context("encoding as PNG")?;
    } else {
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY);
        small.write_with_encoder(encoder).context("encoding as JPEG")?;
    }
    let (width, height) = (small.width(), small.height());
    Ok(Printed { bytes: Arc::from(out.into_inner()), png, width, height })
}

/// The JPEG `bytes` decoded.
fn decode_jpeg(bytes: &[u8]) -> anyhow::Result<DynamicImage> {
    image::load_from_memory_with_format(bytes, ImageFormat::Jpeg).context("decoding")
}

/// The PNG `bytes` decoded with eight bits a channel: sixteen-bit samples are
/// cut while they are read, which halves the memory of a large picture.
fn decode_png(bytes: &[u8]) -> anyhow::Result<DynamicImage> {
    // Room for the largest picture the check lets through, as eight-bit RGBA.
    let limits = png::Limits { bytes: 4 * crate::report::picture::MAX_PIXELS as usize + (1 << 20) };
    let mut decoder = png::Decoder::new_with_limits(std::io::Cursor::new(bytes), limits);
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().context("decoding")?;
    let size = reader.output_buffer_size().context("decoding: too large")?;
    let mut buffer = vec![0; size];
    let info = reader.next_frame(&mut buffer).context("decoding")?;
    buffer.truncate(info.buffer_size());
    let (width, height) = (info.width, info.height);
    let image = match (info.color_type, info.bit_depth) {
        (png::ColorType::Grayscale, png::BitDepth::Eight) => {
            ImageBuffer::from_raw(width, height, buffer).map(DynamicImage::ImageLuma8)
        }
        (png::ColorType::GrayscaleAlpha, png::BitDepth::Eight) => {
            ImageBuffer::from_raw(width, height, buffer).map(DynamicImage::ImageLumaA8)
        }
        (png::ColorType::Rgb, png::BitDepth::Eight) => {
            ImageBuffer::from_raw(width, height, buffer).map(DynamicImage::ImageRgb8)
        }
        (png::ColorType::Rgba, png::BitDepth::Eight) => {
            ImageBuffer::from_raw(width, height, buffer).map(DynamicImage::ImageRgba8)
        }
        _ => None,
    };
    image.context("decoding: an unexpected pixel layout")
}

/// Whether the PNG `bytes` are eight-bit gray or RGB without transparency: what
/// the PDF keeps as it decodes it, with no converted copy.
fn plain_png(bytes: &[u8]) -> bool {
    let mut at = PNG_SIGNATURE.len();
    let mut plain = false;
    while let Some(header) = bytes.get(at..at + 8) {
        let length = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        match &header[4..] {
            b"IHDR" => plain = matches!(bytes.get(at + 16..at + 18), Some([8, 0 | 2])),
            b"tRNS" => return false,
            b"IDAT" | b"IEND" => return plain,
            _ => {}
        }
        at = at.saturating_add(length).saturating_add(12);
    }
    false
}

/// `image` with eight bits a channel and no transparency: laid on white paper.
fn on_white(image: DynamicImage) -> DynamicImage {
    let color = image.color();
    match (color.has_color(), color.has_alpha()) {
        (false, false) => image.into_luma8().into(),
        (true, false) => image.into_rgb8().into(),
        (false, true) => {
            let gray = image.into_luma_alpha8();
            ImageBuffer::from_fn(gray.width(), gray.height(), |x, y| {
                let [v, a] = gray.get_pixel(x, y).0;
                Luma([over_white(v, a)])
            })
            .into()
        }
        (true, true) => {
            let rgba = image.into_rgba8();
            ImageBuffer::from_fn(rgba.width(), rgba.height(), |x, y| {
                let [r, g, b, a] = rgba.get_pixel(x, y).0;
                Rgb([over_white(r, a), over_white(g, a), over_white(b, a)])
            })
            .into()
        }
    }
}

/// A channel `value` of opacity `alpha` over white.
fn over_white(value: u8, alpha: u8) -> u8 {
    let (value, alpha) = (u32::from(value), u32::from(alpha));
    ((value * alpha + 255 * (255 - alpha) + 127) / 255) as u8
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::ColorType;

    fn png(image: DynamicImage) -> Arc<[u8]> {
        let mut out = std::io::Cursor::new(Vec::new());
        image.write_to(&mut out, ImageFormat::Png).unwrap();
        Arc::from(out.into_inner())
    }

    #[test]
    fn the_box_is_three_hundred_dpi_of_the_text_block() {
        assert_eq!(pixel_box(), (1843, 1772));
    }

    #[test]
    fn small_pictures_pass_and_large_ones_are_scaled() {
        let small = png(image::RgbImage::new(1843, 10).into());
        assert!(Arc::ptr_eq(&printed(&small, 1843, 10).unwrap().bytes, &small));
        let wide = image::ImageBuffer::from_fn(4000, 1000, |x, y| {
            image::Rgba([x as u16 * 16, y as u16 * 60, 7, 65535])
        });
        let wide = png(DynamicImage::ImageRgba16(wide));
        let scaled = printed(&wide, 4000, 1000).unwrap();
        assert_eq!((scaled.width, scaled.height, scaled.png), (1843, 461, true));
        let decoded = image::load_from_memory(&scaled.bytes).unwrap();
        assert_eq!(decoded.color(), ColorType::Rgb8);
        assert_eq!(printed(&wide, 4000, 1000).unwrap().bytes, scaled.bytes, "same bytes each run");
        let tall = image::RgbImage::from_fn(500, 4000, |x, y| image::Rgb([x as u8, y as u8, 0]));
        let mut jpeg = std::io::Cursor::new(Vec::new());
        tall.write_to(&mut jpeg, ImageFormat::Jpeg).unwrap();
        let scaled = printed(&Arc::from(jpeg.into_inner()), 500, 4000).unwrap();
        assert_eq!((scaled.width, scaled.height, scaled.png), (222, 1772, false));
        assert!(printed(&Arc::from(&b"\x89PNG\r\n\x1a\nbroken"[..]), 9000, 9000).is_err());
    }

    #[test]
    fn rich_pictures_are_made_plain_and_opaque() {
        let gray16 =
            png(DynamicImage::ImageLuma16(ImageBuffer::from_pixel(30, 20, Luma([40_000]))));
        let plain = printed(&gray16, 30, 20).unwrap();
        assert_eq!(image::load_from_memory(&plain.bytes).unwrap().color(), ColorType::L8);
        let clear = png(image::RgbaImage::from_pixel(30, 20, image::Rgba([0, 0, 0, 0])).into());
        let white = image::load_from_memory(&printed(&clear, 30, 20).unwrap().bytes).unwrap();
        assert_eq!(white.to_rgb8().get_pixel(3, 3).0, [255, 255, 255]);
        let rgb = png(image::RgbImage::new(30, 20).into());
        assert!(plain_png(&rgb) && !plain_png(&clear) && !plain_png(&gray16));
        assert!(Arc::ptr_eq(&printed(&rgb, 30, 20).unwrap().bytes, &rgb));
        assert_eq!((over_white(0, 255), over_white(0, 0), over_white(100, 128)), (0, 255, 177));
    }
}
