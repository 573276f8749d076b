//! Reading a bulk file into header names and rows of text cells: CSV with the `csv` crate, the first
//! sheet of an .xlsx workbook with `calamine`.

use crate::BulkError;
use calamine::{Data, Reader as _, Xlsx};
use std::path::Path;

/// A file's header and its data rows, every cell as text.
#[derive(Debug, Default)]
pub struct Sheet {
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
}

/// One data row.
#[derive(Debug, Clone)]
pub struct Row {
    /// The row's number as a spreadsheet shows it (the header is row 1).
    pub number: usize,
    pub cells: Vec<String>,
}

impl Row {
    /// The cell at `index`, trimmed (`""` past the end of a short row).
    pub fn cell(&self, index: usize) -> &str {
        self.cells.get(index).map_or("", |c| c.trim())
    }

    fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }
}

/// Reads a CSV file: the first record is the header; blank rows are skipped.
pub fn read_csv(path: &Path) -> Result<Sheet, BulkError> {
    let file =
        std::fs::File::open(path).map_err(|e| BulkError::Io(path.display().to_string(), e))?;
    read_csv_from(file)
}

/// [`read_csv`] from any reader.
pub fn read_csv_from(reader: impl std::io::Read) -> Result<Sheet, BulkError> {
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(reader);
    let mut sheet = Sheet::default();
    for (index, record) in csv.records().enumerate() {
        let record = record.map_err(|e| BulkError::Csv(e.to_string()))?;
        let cells: Vec<String> = record.iter().map(str::to_string).collect();
        if index == 0 {
            sheet.headers = cells;
            continue;
        }
        push_row(&mut sheet, index + 1, cells);
    }
    Ok(sheet)
}

/// Reads the first worksheet of an .xlsx workbook: its first row is the header.
pub fn read_xlsx(path: &Path) -> Result<Sheet, BulkError> {
    let mut workbook: Xlsx<_> = calamine::open_workbook(path)
        .map_err(|e: calamine::XlsxError| BulkError::Excel(e.to_string()))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| BulkError::Excel("the workbook has no worksheet".to_string()))?
        .map_err(|e| BulkError::Excel(e.to_string()))?;
    // Rows are numbered as Excel shows them, even when the used range does not start at A1.
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    let mut sheet = Sheet::default();
    for (index, row) in range.rows().enumerate() {
        let cells: Vec<String> = row.iter().map(cell_text).collect();
        if index == 0 {
            sheet.headers = cells;
            continue;
        }
        push_row(&mut sheet, first_row + index + 1, cells);
    }
    Ok(sheet)
}

fn push_row(sheet: &mut Sheet, number: usize, cells: Vec<String>) {
    let row = Row { number, cells };
    if !row.is_blank() {
        sheet.rows.push(row);
    }
}

/// A cell as the text a person typed: numbers without binary float noise, dates as dd/mm/yyyy.
pub fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => if *b { "Y" } else { "N" }.to_string(),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            format!("{d:02}/{m:02}/{y:04}")
        }
        Data::DateTime(dt) => number_text(dt.as_f64()),
        Data::Error(e) => format!("#{e}"),
    }
}

/// The shortest decimal text of `f` after rounding to 15 significant digits, the precision a double
/// holds: a formula's `9988.840000000002` becomes `9988.84`, `1000` stays `1000`.
pub fn number_text(f: f64) -> String {
    if !f.is_finite() {
        return f.to_string();
    }
    let rounded: f64 = format!("{f:.14e}").parse().unwrap_or(f);
    // `-0` would read as a negative amount.
    if rounded == 0.0 {
        return "0".to_string();
    }
    rounded.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_lose_their_float_noise_but_not_their_digits() {
        assert_eq!(number_text(1000.0), "1000");
        assert_eq!(number_text(99.545), "99.545");
        assert_eq!(number_text(9988.840000000002), "9988.84");
        assert_eq!(number_text(0.1 + 0.2), "0.3");
        assert_eq!(number_text(560001.0), "560001");
        assert_eq!(number_text(9000000000.0), "9000000000");
        assert_eq!(number_text(-0.0), "0");
    }
}
