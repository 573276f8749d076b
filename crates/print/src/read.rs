//! Reading a QR code back out of a photo or scan.

use crate::PrintError;

/// The text of the first QR code found in a PNG or JPEG image.
pub fn read_qr(image_bytes: &[u8]) -> Result<String, PrintError> {
    let luma = decode_luma(image_bytes)?;
    let (width, height) = (luma.width() as usize, luma.height() as usize);
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| {
        luma.get_pixel(x as u32, y as u32).0[0]
    });
    let mut last_error = None;
    for grid in prepared.detect_grids() {
        match grid.decode() {
            Ok((_, text)) => return Ok(text),
            Err(e) => last_error = Some(e),
        }
    }
    match last_error {
        Some(e) => Err(PrintError::Image(format!(
            "a QR code was found but could not be decoded: {e}"
        ))),
        None => Err(PrintError::NoQrCode),
    }
}

/// PNG or JPEG (by content, not by name) as 8-bit grayscale.
fn decode_luma(bytes: &[u8]) -> Result<image::GrayImage, PrintError> {
    let format = image::guess_format(bytes)
        .map_err(|_| PrintError::Image("not a PNG or JPEG image".into()))?;
    if !matches!(format, image::ImageFormat::Png | image::ImageFormat::Jpeg) {
        return Err(PrintError::Image(format!(
            "{format:?} images are not supported; use PNG or JPEG"
        )));
    }
    let image = image::load_from_memory_with_format(bytes, format)
        .map_err(|e| PrintError::Image(e.to_string()))?;
    Ok(image.to_luma8())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_back_what_qr_png_drew() {
        let png = crate::qr_png("https://example.invalid/e-invoice", 3).unwrap();
        assert_eq!(read_qr(&png).unwrap(), "https://example.invalid/e-invoice");
    }

    #[test]
    fn garbage_and_blank_images_are_clean_errors() {
        assert!(matches!(
            read_qr(b"not an image"),
            Err(PrintError::Image(_))
        ));
        assert!(matches!(
            read_qr(&[0x89, b'P', b'N', b'G', 0, 0]),
            Err(PrintError::Image(_))
        ));
        let blank = image::GrayImage::from_pixel(64, 64, image::Luma([255]));
        let mut png = Vec::new();
        blank
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        assert!(matches!(read_qr(&png), Err(PrintError::NoQrCode)));
    }
}
