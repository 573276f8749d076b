//! The one error type of this crate.

/// Why an image or document could not be made or read.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    /// The text cannot be drawn as a QR code (too long, or a bad size).
    #[error("QR code: {0}")]
    Qr(String),
    /// The bytes are not a readable PNG or JPEG image.
    #[error("image: {0}")]
    Image(String),
    /// The image decoded, but no QR code could be read in it.
    #[error("no readable QR code in the image")]
    NoQrCode,
    /// The SignedInvoice / SignedQRCode is not a NIC JWS with a JSON `data` document.
    #[error("signed document: {0}")]
    Signed(String),
    /// The PDF could not be put together.
    #[error("PDF: {0}")]
    Pdf(String),
}
