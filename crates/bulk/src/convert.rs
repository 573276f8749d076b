//! Rows to INV-01 documents: rows sharing document type, number and date make one document, in file
//! order; each row adds one item. The JSON is written as text so every number keeps its lexeme.

use crate::BulkError;
use crate::layout::{Block, COLUMNS, Column, Kind, column};
use crate::sheet::{Row, Sheet};
use std::collections::HashMap;
use std::fmt;

/// Which document a row belongs to, as the file names it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct DocKey {
    pub doc_type: String,
    pub doc_no: String,
    pub doc_date: String,
}

impl DocKey {
    pub fn new(doc_type: &str, doc_no: &str, doc_date: &str) -> DocKey {
        DocKey {
            doc_type: doc_type.trim().to_ascii_uppercase(),
            doc_no: doc_no.trim().to_string(),
            doc_date: doc_date.trim().to_string(),
        }
    }

    /// The identity the IRP uses for duplicates: type and number compared without case.
    pub fn id(&self) -> String {
        format!(
            "{}|{}|{}",
            self.doc_type.to_ascii_uppercase(),
            self.doc_no.to_ascii_uppercase(),
            self.doc_date
        )
    }
}

impl fmt::Display for DocKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.doc_type, self.doc_no, self.doc_date)
    }
}

/// A cell that cannot go into the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellError {
    /// Spreadsheet row number (the header is row 1).
    pub row: usize,
    pub column: String,
    pub message: String,
}

impl fmt::Display for CellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "row {}, column {}: {}",
            self.row, self.column, self.message
        )
    }
}

/// One document of a bulk file: its INV-01 JSON text, or what stopped it from being built.
#[derive(Clone, Debug)]
pub struct SheetDocument {
    pub key: DocKey,
    /// The rows it was built from.
    pub rows: Vec<usize>,
    pub json: Result<String, Vec<CellError>>,
}

/// Every document of `sheet`. A bad header fails the whole file; a bad cell fails only its document.
pub fn documents(sheet: &Sheet) -> Result<Vec<SheetDocument>, BulkError> {
    let columns = header_columns(&sheet.headers)?;
    let position = |header: &str| columns.iter().position(|c| c.header == header);
    let (Some(t), Some(n), Some(d)) = (
        position("doc_type"),
        position("doc_no"),
        position("doc_date"),
    ) else {
        return Err(BulkError::MissingColumns(vec![
            "doc_type, doc_no, doc_date".to_string(),
        ]));
    };
    Ok(group(&sheet.rows, t, n, d)
        .into_iter()
        .map(|(key, rows)| SheetDocument {
            key,
            rows: rows.iter().map(|r| r.number).collect(),
            json: build(&columns, &rows),
        })
        .collect())
}

/// The layout column of every header, refusing unknown, repeated and missing required columns.
fn header_columns(headers: &[String]) -> Result<Vec<&'static Column>, BulkError> {
    let mut columns: Vec<&'static Column> = Vec::with_capacity(headers.len());
    for header in headers {
        let c =
            column(header).ok_or_else(|| BulkError::UnknownColumn(header.trim().to_string()))?;
        if columns.iter().any(|seen| seen.header == c.header) {
            return Err(BulkError::DuplicateColumn(c.header.to_string()));
        }
        columns.push(c);
    }
    let missing: Vec<String> = COLUMNS
        .iter()
        .filter(|c| c.required && !c.block.optional())
        .filter(|c| !columns.iter().any(|seen| seen.header == c.header))
        .map(|c| c.header.to_string())
        .collect();
    if missing.is_empty() {
        Ok(columns)
    } else {
        Err(BulkError::MissingColumns(missing))
    }
}

/// Rows grouped by document, documents in the order they first appear.
fn group(rows: &[Row], t: usize, n: usize, d: usize) -> Vec<(DocKey, Vec<&Row>)> {
    let mut order: Vec<(DocKey, Vec<&Row>)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for row in rows {
        let key = DocKey::new(row.cell(t), row.cell(n), row.cell(d));
        let at = *index.entry(key.id()).or_insert_with(|| {
            order.push((key, Vec::new()));
            order.len() - 1
        });
        order[at].1.push(row);
    }
    order
}

/// The INV-01 text of one document from its rows.
fn build(columns: &[&'static Column], rows: &[&Row]) -> Result<String, Vec<CellError>> {
    let mut errors = Vec::new();
    let mut out = String::from(r#"{"Version":"1.1""#);
    for block in [
        Block::Tran,
        Block::Doc,
        Block::Seller,
        Block::Buyer,
        Block::Disp,
        Block::Ship,
    ] {
        let cells = document_cells(columns, rows, block, &mut errors);
        write_block(&mut out, block, &cells, &mut errors);
    }
    out.push_str(r#","ItemList":["#);
    for (i, row) in rows.iter().enumerate() {
        let cells: Vec<Cell> = columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.block == Block::Item)
            .map(|(at, c)| Cell {
                column: c,
                row: row.number,
                text: row.cell(at),
            })
            .collect();
        if i > 0 {
            out.push(',');
        }
        out.push_str(&object(&cells, &mut errors));
    }
    out.push(']');
    let totals = document_cells(columns, rows, Block::Val, &mut errors);
    write_block(&mut out, Block::Val, &totals, &mut errors);
    out.push('}');
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// A cell on its way into the JSON.
struct Cell<'a> {
    column: &'static Column,
    row: usize,
    text: &'a str,
}

/// The document-level cells of `block`: each column's first filled cell. A later row that fills the
/// same column with something else is an error, since the document cannot hold both.
fn document_cells<'a>(
    columns: &[&'static Column],
    rows: &[&'a Row],
    block: Block,
    errors: &mut Vec<CellError>,
) -> Vec<Cell<'a>> {
    let mut cells = Vec::new();
    for (at, c) in columns.iter().enumerate().filter(|(_, c)| c.block == block) {
        let mut first: Option<Cell<'a>> = None;
        for row in rows {
            let text = row.cell(at);
            match &first {
                _ if text.is_empty() => {}
                None => {
                    first = Some(Cell {
                        column: c,
                        row: row.number,
                        text,
                    })
                }
                Some(f) if !same_value(c, f.text, text) => errors.push(CellError {
                    row: row.number,
                    column: c.header.to_string(),
                    message: format!(
                        "{text:?} differs from {:?} on row {} of the same document",
                        f.text, f.row
                    ),
                }),
                Some(_) => {}
            }
        }
        cells.push(first.unwrap_or(Cell {
            column: c,
            row: rows.first().map_or(0, |r| r.number),
            text: "",
        }));
    }
    cells
}

/// Document type and number are the same document whatever their case, as for the IRP.
fn same_value(column: &Column, a: &str, b: &str) -> bool {
    if column.block == Block::Doc {
        a.eq_ignore_ascii_case(b)
    } else {
        a == b
    }
}

/// `,"Key":{…}`; an optional block with no filled cell is left out.
fn write_block(out: &mut String, block: Block, cells: &[Cell], errors: &mut Vec<CellError>) {
    if block.optional() && cells.iter().all(|c| c.text.is_empty()) {
        return;
    }
    out.push_str(",\"");
    out.push_str(block.key());
    out.push_str("\":");
    let body = object(cells, errors);
    if block == Block::Tran {
        // The tax scheme has one value, so the layout has no column for it.
        out.push_str(r#"{"TaxSch":"GST""#);
        if body.len() > 2 {
            out.push(',');
        }
        out.push_str(&body[1..]);
    } else {
        out.push_str(&body);
    }
}

/// A JSON object of the filled cells.
fn object(cells: &[Cell], errors: &mut Vec<CellError>) -> String {
    let mut out = String::from("{");
    for cell in cells {
        let Some(value) = json_value(cell, errors) else {
            continue;
        };
        if out.len() > 1 {
            out.push(',');
        }
        out.push('"');
        out.push_str(cell.column.field);
        out.push_str("\":");
        out.push_str(&value);
    }
    out.push('}');
    out
}

/// The JSON text of a cell; `None` when it is empty (or wrong, recorded in `errors`).
fn json_value(cell: &Cell, errors: &mut Vec<CellError>) -> Option<String> {
    let error = |message: String| CellError {
        row: cell.row,
        column: cell.column.header.to_string(),
        message,
    };
    if cell.text.is_empty() {
        if cell.column.required {
            errors.push(error("required, but empty".to_string()));
        }
        return None;
    }
    match cell.column.kind {
        Kind::Text => Some(serde_json::Value::from(cell.text).to_string()),
        Kind::Number if is_json_number(cell.text) => Some(cell.text.to_string()),
        Kind::Number => {
            errors.push(error(format!(
                "{:?} is not a number (digits, one optional '.', no thousands separators or currency signs)",
                cell.text
            )));
            None
        }
    }
}

/// `true` when `s` is a JSON number: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
pub fn is_json_number(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if b.first() == Some(&b'-') {
        i += 1;
    }
    let int_start = i;
    let int = digits(&mut i);
    if int == 0 || (int > 1 && b[int_start] == b'0') {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}
