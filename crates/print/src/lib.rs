//! Turns a registered e-invoice into things people look at, and reads them back:
//!
//! * [`qr_png`] / [`qr_png_for_print`]: the SignedQRCode as a PNG QR code (level M, 4-module quiet
//!   zone), the print variant at least 5 × 5 cm at 300 dpi.
//! * [`read_qr`]: the text of a QR code in a PNG or JPEG image.
//! * [`InvoiceView`] and [`invoice_pdf`]: an A4 e-invoice PDF from the SignedInvoice and SignedQRCode.

mod error;
mod pdf;
mod qr;
mod read;
mod view;

pub use error::PrintError;
pub use pdf::invoice_pdf;
pub use qr::{MAX_TEXT_BYTES, QUIET_ZONE_MODULES, QrImage, qr_image, qr_png, qr_png_for_print};
pub use read::read_qr;
pub use view::{InvoiceView, ItemLine, Party, Totals};
