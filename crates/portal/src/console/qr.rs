//! QR code images: the SignedQRCode string as a PNG, drawn from the module matrix by hand.

use fast_qr::{ECL, QRBuilder};

/// Pixels per module: readable by a phone camera off a screen.
const SCALE: usize = 4;
/// The light border every QR code needs, in modules.
const QUIET_ZONE: usize = 4;
/// Longer text cannot fit a version-40 code at level M anyway.
pub const MAX_TEXT_BYTES: usize = 2331;

/// A grayscale PNG of `text` as a QR code (level M), and its side in pixels.
pub fn png(text: &str) -> Result<(Vec<u8>, u32), String> {
    if text.len() > MAX_TEXT_BYTES {
        return Err(format!(
            "The text is {} bytes; a QR code holds at most {MAX_TEXT_BYTES}.",
            text.len()
        ));
    }
    let code = QRBuilder::new(text)
        .ecl(ECL::M)
        .build()
        .map_err(|_| "The text does not fit in a QR code.".to_string())?;
    let pixels = rasterise(&code);
    let side = u32::try_from((code.size + 2 * QUIET_ZONE) * SCALE)
        .map_err(|_| "The QR code is too large.".to_string())?;
    Ok((encode_gray(&pixels, side)?, side))
}

/// One byte per pixel, 0 for dark and 255 for light, quiet zone included.
fn rasterise(code: &fast_qr::QRCode) -> Vec<u8> {
    let side = (code.size + 2 * QUIET_ZONE) * SCALE;
    let mut pixels = vec![255u8; side * side];
    for row in 0..code.size {
        for col in 0..code.size {
            if !code[row][col].value() {
                continue;
            }
            let top = (row + QUIET_ZONE) * SCALE;
            let left = (col + QUIET_ZONE) * SCALE;
            for y in top..top + SCALE {
                pixels[y * side + left..y * side + left + SCALE].fill(0);
            }
        }
    }
    pixels
}

/// An 8-bit grayscale PNG.
fn encode_gray(pixels: &[u8], side: u32) -> Result<Vec<u8>, String> {
    let failed = |e: png::EncodingError| format!("The PNG could not be written: {e}");
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header().map_err(failed)?;
    writer.write_image_data(pixels).map_err(failed)?;
    writer.finish().map_err(failed)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_has_the_quiet_zone_and_scale() {
        let (bytes, side) = png("hello").unwrap();
        assert_eq!(&bytes[1..4], b"PNG");
        // "hello" fits version 1 (21 modules).
        assert_eq!(side as usize, (21 + 8) * 4);
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!(info.width, side);
        // Top-left corner is quiet zone (light); the finder pattern starts dark.
        assert_eq!(buf[0], 255);
        let start = QUIET_ZONE * SCALE;
        assert_eq!(buf[start * side as usize + start], 0);
    }

    #[test]
    fn too_long_text_is_refused() {
        assert!(png(&"x".repeat(MAX_TEXT_BYTES + 1)).is_err());
    }
}
