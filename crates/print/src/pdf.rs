//! The A4 e-invoice PDF: IRN and acknowledgement, parties, items, totals and the signed QR code.

use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Pt, Rgb, TextItem, XObjectId, XObjectTransform,
};

use crate::{InvoiceView, ItemLine, PrintError, qr_png_for_print};

/// DejaVu Sans has the rupee sign (U+20B9) that the PDF base-14 fonts lack; see fonts/README.md.
const REGULAR_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

const PAGE_W: f32 = 210.0;
const PAGE_H: f32 = 297.0;
const MARGIN: f32 = 12.0;
const QR_DPI: u32 = 300;
const QR_MIN_CM: f64 = 5.0;
const ROW_H: f32 = 5.0;
const TABLE_SIZE: f32 = 6.5;
const RUPEE: &str = "₹";

/// Items table columns: heading, width in mm, right-aligned.
const COLUMNS: [(&str, f32, bool); 12] = [
    ("Sl", 6.0, false),
    ("Description", 34.0, false),
    ("HSN", 13.0, false),
    ("Qty", 12.0, true),
    ("Unit", 9.0, false),
    ("Unit price", 15.0, true),
    ("Taxable", 17.0, true),
    ("GST %", 11.0, true),
    ("IGST", 15.0, true),
    ("CGST", 15.0, true),
    ("SGST", 15.0, true),
    ("Total", 24.0, true),
];

/// An A4 PDF of the e-invoice, with the signed QR code at least 5 × 5 cm.
pub fn invoice_pdf(view: &InvoiceView) -> Result<Vec<u8>, PrintError> {
    let mut doc = PdfDocument::new(&format!("e-Invoice {}", view.irn));
    let fonts = Fonts::load(&mut doc)?;
    let qr = qr_png_for_print(&view.signed_qr, QR_DPI, QR_MIN_CM)?;
    let mut warnings = Vec::new();
    let image = printpdf::RawImage::decode_from_bytes(&qr.png, &mut warnings)
        .map_err(|e| PrintError::Pdf(format!("QR image: {e}")))?;
    let qr_id = doc.add_image(&image);
    let qr_mm = qr.side_px as f32 / QR_DPI as f32 * 25.4;

    let mut layout = Layout::new(&fonts);
    layout.header(view, &qr_id, qr_mm);
    layout.parties(view, MARGIN + qr_mm + 6.0);
    layout.items(&view.items);
    layout.totals(view);
    layout.footer_note();
    let pages = layout.finish();

    let options = PdfSaveOptions {
        // The default re-encodes images lossily; a QR code must stay sharp.
        image_optimization: None,
        ..PdfSaveOptions::default()
    };
    let mut save_warnings = Vec::new();
    Ok(doc.with_pages(pages).save(&options, &mut save_warnings))
}

/// The two embedded faces and what is needed to measure text in them.
struct Fonts {
    regular: (FontId, ParsedFont),
    bold: (FontId, ParsedFont),
}

impl Fonts {
    fn load(doc: &mut PdfDocument) -> Result<Self, PrintError> {
        let mut parse = |bytes: &[u8], name: &str| {
            let font = ParsedFont::from_bytes(bytes, 0, &mut Vec::new()).ok_or_else(|| {
                PrintError::Pdf(format!("the embedded {name} font does not parse"))
            })?;
            Ok::<_, PrintError>((doc.add_font(&font), font))
        };
        Ok(Self {
            regular: parse(REGULAR_TTF, "regular")?,
            bold: parse(BOLD_TTF, "bold")?,
        })
    }

    fn face(&self, bold: bool) -> &(FontId, ParsedFont) {
        if bold { &self.bold } else { &self.regular }
    }

    /// Text width in mm at `size` pt.
    fn width_mm(&self, text: &str, size: f32, bold: bool) -> f32 {
        let font = &self.face(bold).1;
        let units_per_em = f32::from(font.pdf_font_metrics.units_per_em.max(1));
        let units: u32 = text
            .chars()
            .map(|c| {
                font.lookup_glyph_index(c as u32)
                    .and_then(|gid| font.get_glyph_width(gid))
                    .map_or(0, u32::from)
            })
            .sum();
        units as f32 / units_per_em * size * 25.4 / 72.0
    }

    /// `text` cut (with an ellipsis) to fit `max_mm`.
    fn fit(&self, text: &str, size: f32, bold: bool, max_mm: f32) -> String {
        if self.width_mm(text, size, bold) <= max_mm {
            return text.to_string();
        }
        let mut cut: String = text.to_string();
        while !cut.is_empty() && self.width_mm(&format!("{cut}…"), size, bold) > max_mm {
            cut.pop();
        }
        format!("{cut}…")
    }
}

/// Pages being drawn, top-down: `y` is the distance from the top of the page in mm.
struct Layout<'a> {
    fonts: &'a Fonts,
    pages: Vec<Vec<Op>>,
    ops: Vec<Op>,
    y: f32,
}

impl<'a> Layout<'a> {
    fn new(fonts: &'a Fonts) -> Self {
        Self {
            fonts,
            pages: Vec::new(),
            ops: Vec::new(),
            y: MARGIN,
        }
    }

    fn finish(mut self) -> Vec<PdfPage> {
        self.pages.push(std::mem::take(&mut self.ops));
        self.pages
            .into_iter()
            .map(|ops| PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), ops))
            .collect()
    }

    /// Starts a new page when `needed` mm do not fit; returns whether it did.
    fn ensure_room(&mut self, needed: f32) -> bool {
        if self.y + needed <= PAGE_H - MARGIN {
            return false;
        }
        self.pages.push(std::mem::take(&mut self.ops));
        self.y = MARGIN;
        true
    }

    /// Text with its baseline at `y` mm from the top.
    fn text(&mut self, x: f32, y: f32, size: f32, bold: bool, text: &str) {
        if text.is_empty() {
            return;
        }
        let font = self.fonts.face(bold).0.clone();
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFillColor { col: black() },
            Op::SetFont {
                font: PdfFontHandle::External(font),
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: Point::new(Mm(x), Mm(PAGE_H - y)),
            },
            Op::ShowText {
                items: vec![TextItem::Text(text.to_string())],
            },
            Op::EndTextSection,
        ]);
    }

    fn text_right(&mut self, right: f32, y: f32, size: f32, bold: bool, text: &str) {
        let width = self.fonts.width_mm(text, size, bold);
        self.text(right - width, y, size, bold, text);
    }

    fn hline(&mut self, x1: f32, x2: f32, y: f32, thickness: f32) {
        let point = |x: f32| LinePoint {
            p: Point::new(Mm(x), Mm(PAGE_H - y)),
            bezier: false,
        };
        self.ops.extend([
            Op::SetOutlineColor { col: black() },
            Op::SetOutlineThickness { pt: Pt(thickness) },
            Op::DrawLine {
                line: Line {
                    points: vec![point(x1), point(x2)],
                    is_closed: false,
                },
            },
        ]);
    }

    /// Title, IRN and acknowledgement, document details, and the QR code at the top right.
    fn header(&mut self, view: &InvoiceView, qr_id: &XObjectId, qr_mm: f32) {
        let qr_x = PAGE_W - MARGIN - qr_mm;
        self.ops.push(Op::UseXobject {
            id: qr_id.clone(),
            transform: XObjectTransform {
                translate_x: Some(Mm(qr_x).into_pt()),
                translate_y: Some(Mm(PAGE_H - MARGIN - qr_mm).into_pt()),
                dpi: Some(QR_DPI as f32),
                ..Default::default()
            },
        });
        self.text(MARGIN, MARGIN + 6.0, 18.0, true, "e-Invoice");
        self.text(MARGIN, MARGIN + 13.0, 12.0, false, view.doc_title());
        let label_w = 26.0;
        let value_w = qr_x - MARGIN - label_w - 3.0;
        let rows = [
            ("IRN", view.irn.clone()),
            ("Ack No", view.ack_no.clone()),
            ("Ack Date", view.ack_date.clone()),
            ("Document", format!("{} {}", view.doc_type, view.doc_no)),
            ("Document date", view.doc_date.clone()),
            ("Supply type", view.supply_type.clone()),
            ("Place of supply", view.place_of_supply.clone()),
            (
                "Reverse charge",
                if view.reverse_charge { "Yes" } else { "No" }.to_string(),
            ),
        ];
        let mut y = MARGIN + 21.0;
        for (label, value) in rows {
            self.text(MARGIN, y, 8.0, true, label);
            // A 64-character IRN is about 100 mm at 7 pt: it fits beside a 5 cm QR code.
            let size = if label == "IRN" { 7.0 } else { 8.0 };
            let value = self.fonts.fit(&value, size, false, value_w);
            self.text(MARGIN + label_w, y, size, false, &value);
            y += 4.5;
        }
        self.y = y.max(MARGIN + qr_mm) + 4.0;
    }

    /// Supplier on the left, recipient on the right.
    fn parties(&mut self, view: &InvoiceView, top: f32) {
        let top = top.max(self.y);
        let half = (PAGE_W - 2.0 * MARGIN) / 2.0;
        let left_end = self.party(MARGIN, top, half - 4.0, "Supplier", &view.seller);
        let right_end = self.party(MARGIN + half, top, half - 4.0, "Recipient", &view.buyer);
        self.y = left_end.max(right_end) + 3.0;
    }

    /// One party block; returns where it ends.
    fn party(&mut self, x: f32, top: f32, width: f32, heading: &str, party: &crate::Party) -> f32 {
        self.text(x, top, 9.0, true, heading);
        self.hline(x, x + width, top + 1.2, 0.5);
        let mut y = top + 5.5;
        let mut line = |layout: &mut Self, size: f32, bold: bool, text: &str| {
            if text.is_empty() {
                return;
            }
            let text = layout.fonts.fit(text, size, bold, width);
            layout.text(x, y, size, bold, &text);
            y += 4.2;
        };
        line(self, 8.5, true, &party.name);
        if party.trade_name != party.name {
            line(self, 8.0, false, &party.trade_name);
        }
        line(self, 8.0, false, &prefixed("GSTIN: ", &party.gstin));
        for address_line in &party.address {
            line(self, 8.0, false, address_line);
        }
        line(self, 8.0, false, &prefixed("State: ", &party.state));
        y
    }

    fn items(&mut self, items: &[ItemLine]) {
        self.ensure_room(ROW_H * 3.0);
        self.table_header();
        for item in items {
            if self.ensure_room(ROW_H) {
                self.table_header();
            }
            let cells = item_cells(item);
            self.table_row(&cells, false);
        }
        self.hline(MARGIN, PAGE_W - MARGIN, self.y - ROW_H + 1.5, 0.5);
        self.y += 2.0;
    }

    fn table_header(&mut self) {
        let headings = COLUMNS.map(|(heading, _, _)| heading.to_string());
        self.hline(MARGIN, PAGE_W - MARGIN, self.y, 0.5);
        self.y += ROW_H;
        self.table_row(&headings, true);
        self.hline(MARGIN, PAGE_W - MARGIN, self.y - ROW_H + 1.5, 0.3);
    }

    /// One row of cells, baseline at the current `y`; moves down a row.
    fn table_row(&mut self, cells: &[String; 12], bold: bool) {
        let y = self.y - 1.5;
        let mut x = MARGIN;
        for ((_, width, right), cell) in COLUMNS.iter().zip(cells) {
            let inner = width - 1.5;
            let cell = self.fonts.fit(cell, TABLE_SIZE, bold, inner);
            if *right {
                self.text_right(x + inner, y, TABLE_SIZE, bold, &cell);
            } else {
                self.text(x + 0.5, y, TABLE_SIZE, bold, &cell);
            }
            x += width;
        }
        self.y += ROW_H;
    }

    /// The tax totals and the invoice value, right-aligned under the table.
    fn totals(&mut self, view: &InvoiceView) {
        let t = &view.totals;
        let rows = [
            ("Taxable value", &t.taxable),
            ("IGST", &t.igst),
            ("CGST", &t.cgst),
            ("SGST", &t.sgst),
            ("Cess", &t.cess),
            ("State cess", &t.state_cess),
            ("Discount", &t.discount),
            ("Other charges", &t.other_charges),
            ("Round off", &t.round_off),
        ];
        let shown: Vec<_> = rows.iter().filter(|(_, v)| !v.is_empty()).collect();
        self.ensure_room(4.5 * shown.len() as f32 + 12.0);
        let right = PAGE_W - MARGIN;
        let label_x = right - 75.0;
        for (label, value) in shown {
            self.y += 4.5;
            self.text(label_x, self.y, 8.5, false, label);
            self.text_right(right, self.y, 8.5, false, &rupees(value));
        }
        self.y += 2.0;
        self.hline(label_x, right, self.y, 0.5);
        self.y += 6.0;
        self.text(label_x, self.y, 11.0, true, "Invoice value");
        self.text_right(right, self.y, 11.0, true, &rupees(&t.invoice_value));
    }

    fn footer_note(&mut self) {
        self.ensure_room(12.0);
        self.y += 10.0;
        self.text(
            MARGIN,
            self.y,
            7.0,
            false,
            "The QR code holds the IRP's signed summary of this invoice (SignedQRCode); scan it to verify.",
        );
    }
}

fn black() -> Color {
    Color::Rgb(Rgb::new(0.0, 0.0, 0.0, None))
}

fn prefixed(label: &str, value: &str) -> String {
    if value.is_empty() {
        String::new()
    } else {
        format!("{label}{value}")
    }
}

fn item_cells(item: &ItemLine) -> [String; 12] {
    [
        item.sl_no.clone(),
        item.description.clone(),
        item.hsn.clone(),
        item.qty.clone(),
        item.unit.clone(),
        money(&item.unit_price),
        money(&item.taxable),
        item.gst_rate.clone(),
        money(&item.igst),
        money(&item.cgst),
        money(&item.sgst),
        rupees(&item.total),
    ]
}

/// "₹ 12,908.00".
fn rupees(lexeme: &str) -> String {
    if lexeme.is_empty() {
        return String::new();
    }
    format!("{RUPEE} {}", money(lexeme))
}

/// A signed amount in Indian digit grouping with at least two decimals ("1,23,456.50"). The signed
/// lexeme is never rounded: more decimals are kept, and anything unusual is shown as is.
fn money(lexeme: &str) -> String {
    let (sign, unsigned) = match lexeme.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", lexeme),
    };
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let plain = !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit());
    if !plain {
        return lexeme.to_string();
    }
    let frac = format!("{frac:0<2}");
    format!("{sign}{}.{frac}", indian_grouping(int))
}

/// 1234567 → 12,34,567: the last three digits, then groups of two.
fn indian_grouping(digits: &str) -> String {
    if digits.len() <= 3 {
        return digits.to_string();
    }
    let (head, last3) = digits.split_at(digits.len() - 3);
    let mut groups: Vec<&str> = Vec::new();
    let mut rest = head;
    while rest.len() > 2 {
        let (front, pair) = rest.split_at(rest.len() - 2);
        groups.push(pair);
        rest = front;
    }
    groups.push(rest);
    groups.reverse();
    format!("{},{last3}", groups.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_groups_the_indian_way_and_never_rounds() {
        assert_eq!(money("12908"), "12,908.00");
        assert_eq!(money("1234567.5"), "12,34,567.50");
        assert_eq!(money("99.545"), "99.545");
        assert_eq!(money("-10"), "-10.00");
        assert_eq!(money("0"), "0.00");
        assert_eq!(money("1e3"), "1e3");
        assert_eq!(money(""), "");
        assert_eq!(rupees("100"), "₹ 100.00");
        assert_eq!(rupees(""), "");
    }

    #[test]
    fn the_fonts_have_the_rupee_sign() {
        let mut doc = PdfDocument::new("t");
        let fonts = Fonts::load(&mut doc).unwrap();
        for bold in [false, true] {
            assert!(fonts.face(bold).1.lookup_glyph_index('₹' as u32).is_some());
        }
        assert!(fonts.width_mm("₹", 10.0, false) > 0.5);
        let cut = fonts.fit(&"W".repeat(100), 8.0, false, 20.0);
        assert!(cut.ends_with('…') && fonts.width_mm(&cut, 8.0, false) <= 20.0);
    }

    #[test]
    fn a_minimal_view_still_makes_a_pdf() {
        let view = InvoiceView {
            irn: "a".repeat(64),
            signed_qr: "x.y.z".into(),
            ..Default::default()
        };
        let pdf = invoice_pdf(&view).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
    }
}
