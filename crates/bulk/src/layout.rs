//! The bulk column layout: one row per item; the document columns repeat on every row of a document.

/// The INV-01 block a column fills.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Block {
    Tran,
    Doc,
    Seller,
    Buyer,
    Disp,
    Ship,
    Item,
    Val,
}

impl Block {
    /// The INV-01 key of the block.
    pub fn key(self) -> &'static str {
        match self {
            Block::Tran => "TranDtls",
            Block::Doc => "DocDtls",
            Block::Seller => "SellerDtls",
            Block::Buyer => "BuyerDtls",
            Block::Disp => "DispDtls",
            Block::Ship => "ShipDtls",
            Block::Item => "ItemList",
            Block::Val => "ValDtls",
        }
    }

    /// Dispatch-from and ship-to are written only when one of their cells is filled.
    pub fn optional(self) -> bool {
        matches!(self, Block::Disp | Block::Ship)
    }
}

/// How a cell becomes a JSON value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// A JSON number written with the cell's own lexeme (`1000.0` stays `1000.0`).
    Number,
}

/// One column of the layout.
#[derive(Clone, Copy, Debug)]
pub struct Column {
    pub header: &'static str,
    pub block: Block,
    pub field: &'static str,
    pub kind: Kind,
    /// Must be filled (within its block, for the optional blocks).
    pub required: bool,
    pub example: &'static str,
}

const fn col(
    header: &'static str,
    block: Block,
    field: &'static str,
    kind: Kind,
    required: bool,
    example: &'static str,
) -> Column {
    Column {
        header,
        block,
        field,
        kind,
        required,
        example,
    }
}

use Block::*;
use Kind::{Number as N, Text as T};

/// Every column, in the order of the sample file and the README table.
pub const COLUMNS: &[Column] = &[
    col("supply_type", Tran, "SupTyp", T, true, "B2B"),
    col("reverse_charge", Tran, "RegRev", T, false, "N"),
    col("igst_on_intra", Tran, "IgstOnIntra", T, false, "N"),
    col("ecm_gstin", Tran, "EcmGstin", T, false, ""),
    col("doc_type", Doc, "Typ", T, true, "INV"),
    col("doc_no", Doc, "No", T, true, "INV/2025/001"),
    col("doc_date", Doc, "Dt", T, true, "01/11/2025"),
    col("seller_gstin", Seller, "Gstin", T, true, "29AAACB1234C1Z5"),
    col(
        "seller_legal_name",
        Seller,
        "LglNm",
        T,
        true,
        "Bench Traders Private Limited",
    ),
    col(
        "seller_trade_name",
        Seller,
        "TrdNm",
        T,
        false,
        "Bench Traders",
    ),
    col("seller_addr1", Seller, "Addr1", T, true, "12 MG Road"),
    col("seller_addr2", Seller, "Addr2", T, false, "Ashok Nagar"),
    col("seller_location", Seller, "Loc", T, true, "Bengaluru"),
    col("seller_pin", Seller, "Pin", N, true, "560001"),
    col("seller_state", Seller, "Stcd", T, true, "29"),
    col("seller_phone", Seller, "Ph", T, false, "9000000000"),
    col(
        "seller_email",
        Seller,
        "Em",
        T,
        false,
        "billing@example.com",
    ),
    col("buyer_gstin", Buyer, "Gstin", T, true, "29AWGPV7107B1Z1"),
    col("buyer_legal_name", Buyer, "LglNm", T, true, "Vikas Exports"),
    col(
        "buyer_trade_name",
        Buyer,
        "TrdNm",
        T,
        false,
        "Vikas Exports",
    ),
    col("buyer_pos", Buyer, "Pos", T, true, "29"),
    col(
        "buyer_addr1",
        Buyer,
        "Addr1",
        T,
        true,
        "7th block, Kuvempu Layout",
    ),
    col("buyer_addr2", Buyer, "Addr2", T, false, "Kuvempu Layout"),
    col("buyer_location", Buyer, "Loc", T, true, "Bengaluru"),
    col("buyer_pin", Buyer, "Pin", N, false, "560004"),
    col("buyer_state", Buyer, "Stcd", T, true, "29"),
    col("buyer_phone", Buyer, "Ph", T, false, "9111111111"),
    col("buyer_email", Buyer, "Em", T, false, "accounts@example.com"),
    col("disp_name", Disp, "Nm", T, true, "Bench Traders Warehouse"),
    col("disp_addr1", Disp, "Addr1", T, true, "Plot 4, Peenya"),
    col("disp_addr2", Disp, "Addr2", T, false, "Phase 2"),
    col("disp_location", Disp, "Loc", T, true, "Bengaluru"),
    col("disp_pin", Disp, "Pin", N, true, "560058"),
    col("disp_state", Disp, "Stcd", T, true, "29"),
    col("ship_gstin", Ship, "Gstin", T, false, "29AWGPV7107B1Z1"),
    col("ship_legal_name", Ship, "LglNm", T, true, "Vikas Exports"),
    col("ship_trade_name", Ship, "TrdNm", T, false, "Vikas Exports"),
    col("ship_addr1", Ship, "Addr1", T, true, "Gate 3, Whitefield"),
    col("ship_addr2", Ship, "Addr2", T, false, "EPIP Zone"),
    col("ship_location", Ship, "Loc", T, true, "Bengaluru"),
    col("ship_pin", Ship, "Pin", N, true, "560066"),
    col("ship_state", Ship, "Stcd", T, true, "29"),
    col("item_sl_no", Item, "SlNo", T, true, "1"),
    col(
        "item_description",
        Item,
        "PrdDesc",
        T,
        false,
        "Laptop computer",
    ),
    col("item_is_service", Item, "IsServc", T, true, "N"),
    col("item_hsn", Item, "HsnCd", T, true, "84713010"),
    col("item_qty", Item, "Qty", N, false, "2"),
    col("item_unit", Item, "Unit", T, false, "NOS"),
    col("item_unit_price", Item, "UnitPrice", N, true, "50000.00"),
    col("item_total", Item, "TotAmt", N, true, "100000.00"),
    col("item_discount", Item, "Discount", N, false, "0"),
    col("item_assessable", Item, "AssAmt", N, true, "100000.00"),
    col("item_gst_rate", Item, "GstRt", N, true, "18"),
    col("item_igst", Item, "IgstAmt", N, false, "0"),
    col("item_cgst", Item, "CgstAmt", N, false, "9000.00"),
    col("item_sgst", Item, "SgstAmt", N, false, "9000.00"),
    col("item_cess_rate", Item, "CesRt", N, false, "0"),
    col("item_cess", Item, "CesAmt", N, false, "0"),
    col("item_other_charges", Item, "OthChrg", N, false, "0"),
    col("item_total_value", Item, "TotItemVal", N, true, "118000.00"),
    col("total_assessable", Val, "AssVal", N, true, "100000.00"),
    col("total_cgst", Val, "CgstVal", N, false, "9000.00"),
    col("total_sgst", Val, "SgstVal", N, false, "9000.00"),
    col("total_igst", Val, "IgstVal", N, false, "0"),
    col("total_cess", Val, "CesVal", N, false, "0"),
    col("total_discount", Val, "Discount", N, false, "0"),
    col("total_other_charges", Val, "OthChrg", N, false, "0"),
    col("round_off", Val, "RndOffAmt", N, false, "0"),
    col(
        "total_invoice_value",
        Val,
        "TotInvVal",
        N,
        true,
        "118000.00",
    ),
];

/// The column named `header` (case and surrounding blanks ignored).
pub fn column(header: &str) -> Option<&'static Column> {
    let wanted = header.trim().trim_start_matches('\u{feff}');
    COLUMNS
        .iter()
        .find(|c| c.header.eq_ignore_ascii_case(wanted))
}

/// The header line of a bulk CSV, every column in layout order.
pub fn header_line() -> String {
    COLUMNS
        .iter()
        .map(|c| c.header)
        .collect::<Vec<_>>()
        .join(",")
}
