//! QR code images: text as a PNG, drawn from the module matrix by hand (fast_qr's own image feature
//! pulls a whole SVG renderer).

use fast_qr::{ECL, QRBuilder, QRCode};

use crate::PrintError;

/// The light border every QR code needs, in modules.
pub const QUIET_ZONE_MODULES: u32 = 4;
/// Longer text cannot fit a version-40 code at level M anyway.
pub const MAX_TEXT_BYTES: usize = 2331;
/// Keeps a careless `module_px` from asking for a gigantic image.
const MAX_SIDE_PX: u32 = 16_384;
const CM_PER_INCH: f64 = 2.54;

/// A rendered QR code PNG.
#[derive(Debug, Clone)]
pub struct QrImage {
    pub png: Vec<u8>,
    /// Width and height in pixels, quiet zone included.
    pub side_px: u32,
    /// The resolution written into the PNG's pHYs chunk, if any.
    pub dpi: Option<u32>,
}

impl QrImage {
    /// The printed side in centimetres at the image's dpi.
    pub fn side_cm(&self) -> Option<f64> {
        self.dpi
            .map(|dpi| f64::from(self.side_px) / f64::from(dpi) * CM_PER_INCH)
    }
}

/// A grayscale PNG of `text` as a QR code (level M) with `module_px` pixels per module.
pub fn qr_png(text: &str, module_px: u32) -> Result<Vec<u8>, PrintError> {
    qr_image(text, module_px).map(|image| image.png)
}

/// Like [`qr_png`], with the image's size.
pub fn qr_image(text: &str, module_px: u32) -> Result<QrImage, PrintError> {
    let code = encode(text)?;
    render(&code, module_px, None)
}

/// A QR code PNG at least `min_cm` a side when printed at `dpi` (GSTN asks for 5 × 5 cm), with the
/// dpi recorded in the PNG so viewers and printers use that size.
pub fn qr_png_for_print(text: &str, dpi: u32, min_cm: f64) -> Result<QrImage, PrintError> {
    if dpi == 0 || !min_cm.is_finite() || min_cm <= 0.0 {
        return Err(PrintError::Qr(format!(
            "cannot size a QR code for {dpi} dpi and {min_cm} cm"
        )));
    }
    let code = encode(text)?;
    let module_px = module_px_for(code_side_modules(&code), dpi, min_cm);
    render(&code, module_px, Some(dpi))
}

/// The smallest whole number of pixels per module that makes `side_modules` at least `min_cm` long.
fn module_px_for(side_modules: u32, dpi: u32, min_cm: f64) -> u32 {
    let min_px = (min_cm / CM_PER_INCH * f64::from(dpi)).ceil();
    // Saturating: an absurd size is refused by `render`'s limit instead of wrapping.
    let per_module = (min_px / f64::from(side_modules.max(1))).ceil();
    if per_module >= f64::from(u32::MAX) {
        u32::MAX
    } else {
        (per_module as u32).max(1)
    }
}

fn encode(text: &str) -> Result<QRCode, PrintError> {
    if text.len() > MAX_TEXT_BYTES {
        return Err(PrintError::Qr(format!(
            "the text is {} bytes; a QR code holds at most {MAX_TEXT_BYTES}",
            text.len()
        )));
    }
    QRBuilder::new(text)
        .ecl(ECL::M)
        .build()
        .map_err(|_| PrintError::Qr("the text does not fit in a QR code".into()))
}

/// Modules a side, quiet zone included.
fn code_side_modules(code: &QRCode) -> u32 {
    // A QR code is at most 177 modules a side, so this never truncates.
    code.size as u32 + 2 * QUIET_ZONE_MODULES
}

fn render(code: &QRCode, module_px: u32, dpi: Option<u32>) -> Result<QrImage, PrintError> {
    let side_px = code_side_modules(code)
        .checked_mul(module_px)
        .filter(|side| module_px > 0 && *side <= MAX_SIDE_PX)
        .ok_or_else(|| {
            PrintError::Qr(format!(
                "{module_px} px per module gives an image over {MAX_SIDE_PX} px"
            ))
        })?;
    let pixels = rasterise(code, module_px as usize, side_px as usize);
    let png = encode_gray(&pixels, side_px, dpi)?;
    Ok(QrImage { png, side_px, dpi })
}

/// One byte per pixel, 0 for dark and 255 for light, quiet zone included.
fn rasterise(code: &QRCode, scale: usize, side: usize) -> Vec<u8> {
    let quiet = QUIET_ZONE_MODULES as usize;
    let mut pixels = vec![255u8; side * side];
    for row in 0..code.size {
        for col in 0..code.size {
            if !code[row][col].value() {
                continue;
            }
            let top = (row + quiet) * scale;
            let left = (col + quiet) * scale;
            for y in top..top + scale {
                pixels[y * side + left..y * side + left + scale].fill(0);
            }
        }
    }
    pixels
}

/// An 8-bit grayscale PNG; fast compression because a QR image is mostly runs anyway.
fn encode_gray(pixels: &[u8], side: u32, dpi: Option<u32>) -> Result<Vec<u8>, PrintError> {
    let failed =
        |e: png::EncodingError| PrintError::Qr(format!("the PNG could not be written: {e}"));
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    if let Some(dpi) = dpi {
        encoder.set_pixel_dims(Some(pixel_dims(dpi)));
    }
    let mut writer = encoder.write_header().map_err(failed)?;
    writer.write_image_data(pixels).map_err(failed)?;
    writer.finish().map_err(failed)?;
    Ok(out)
}

/// pHYs stores pixels per metre.
fn pixel_dims(dpi: u32) -> png::PixelDimensions {
    let per_metre = (f64::from(dpi) / 0.0254).round() as u32;
    png::PixelDimensions {
        xppu: per_metre,
        yppu: per_metre,
        unit: png::Unit::Meter,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8]) -> (png::Info<'static>, Vec<u8>) {
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes.to_vec()));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        reader.next_frame(&mut buf).unwrap();
        (reader.info().clone(), buf)
    }

    #[test]
    fn png_has_the_quiet_zone_and_scale() {
        let image = qr_image("hello", 4).unwrap();
        // "hello" fits version 1 (21 modules).
        assert_eq!(image.side_px, (21 + 8) * 4);
        let (info, buf) = decode(&image.png);
        assert_eq!(info.width, image.side_px);
        assert_eq!(info.color_type, png::ColorType::Grayscale);
        assert_eq!(buf[0], 255, "top-left is quiet zone");
        let start = 4 * 4;
        assert_eq!(
            buf[start * image.side_px as usize + start],
            0,
            "finder pattern"
        );
        assert!(info.pixel_dims.is_none());
    }

    #[test]
    fn print_size_is_at_least_five_cm_at_300_dpi_with_phys() {
        let jws = "e".repeat(1100);
        let image = qr_png_for_print(&jws, 300, 5.0).unwrap();
        assert!(image.side_px >= 591, "{} px", image.side_px);
        assert!(image.side_cm().unwrap() >= 5.0);
        let (info, _) = decode(&image.png);
        let dims = info.pixel_dims.unwrap();
        assert_eq!(dims.unit, png::Unit::Meter);
        assert_eq!(dims.xppu, 11811);
        // Small text: a 29-module code still reaches 5 cm.
        assert!(qr_png_for_print("x", 300, 5.0).unwrap().side_px >= 591);
    }

    #[test]
    fn module_px_rounds_up() {
        assert_eq!(module_px_for(137, 300, 5.0), 5);
        assert_eq!(module_px_for(29, 300, 5.0), 21);
        assert_eq!(module_px_for(0, 300, 5.0), 591);
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        assert!(qr_png(&"x".repeat(MAX_TEXT_BYTES + 1), 4).is_err());
        assert!(qr_png("x", 0).is_err());
        assert!(qr_png("x", u32::MAX).is_err());
        assert!(qr_png_for_print("x", 0, 5.0).is_err());
        assert!(qr_png_for_print("x", 300, f64::NAN).is_err());
        assert!(qr_png_for_print("x", 300, 1e9).is_err());
    }
}
