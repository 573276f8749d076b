//! QR code images: the SignedQRCode string as a PNG (drawn by `openirp-print`).

/// Pixels per module: readable by a phone camera off a screen.
const SCALE: usize = 4;
/// The light border every QR code needs, in modules (the tests check the drawing against it).
#[cfg(test)]
const QUIET_ZONE: usize = openirp_print::QUIET_ZONE_MODULES as usize;
/// Longer text cannot fit a version-40 code at level M anyway.
pub const MAX_TEXT_BYTES: usize = openirp_print::MAX_TEXT_BYTES;

/// A grayscale PNG of `text` as a QR code (level M), and its side in pixels.
pub fn png(text: &str) -> Result<(Vec<u8>, u32), String> {
    if text.len() > MAX_TEXT_BYTES {
        return Err(format!(
            "The text is {} bytes; a QR code holds at most {MAX_TEXT_BYTES}.",
            text.len()
        ));
    }
    let image = openirp_print::qr_image(text, SCALE as u32)
        .map_err(|e| format!("The QR code could not be drawn: {e}."))?;
    Ok((image.png, image.side_px))
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
