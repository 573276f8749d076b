//! The INV-01 v1.1 schema as data: every block's fields in NIC's class order (the order the signed invoice
//! uses), with their type, length or range, pattern and whether they are required.

use rust_decimal::Decimal;

/// What a string field's value must look like (the schema's patterns and enumerations).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pat {
    /// Free text: anything but a double quote or a backslash.
    Text,
    /// `[0-9]{2}[0-9A-Z]{13}`.
    Gstin,
    /// A GSTIN or `URP`.
    GstinOrUrp,
    /// One or two digits, not all zero.
    StateCode,
    /// `[a-zA-Z1-9][a-zA-Z0-9/-]{0,15}`.
    DocNo,
    /// `[1-9a-zA-Z][0-9a-zA-Z/-]{1,15}`.
    PrecDocNo,
    /// `dd/mm/yyyy`, a real date in 2010–2029.
    Date,
    /// `Y` or `N`.
    YesNo,
    /// Digits only.
    Digits,
    /// 4, 6 or 8 digits, not all zero.
    Hsn,
    /// `[a-zA-Z0-9+_.-]+@[a-zA-Z0-9.-]+`.
    Email,
    /// Letters only.
    Letters,
    /// Upper-case letters only.
    UpperLetters,
    /// Letters and digits.
    AlphaNum,
    /// `[a-zA-Z0-9/-]`.
    TransDocNo,
    /// Starts with a letter or digit, then letters, digits, `-` or `/`.
    TransDocDate,
    /// One of the listed values, exactly.
    OneOf(&'static [&'static str]),
    /// One of the listed values, ignoring case (`SupTyp`, `Typ` carry `(?i)` in the schema).
    OneOfIgnoreCase(&'static [&'static str]),
}

/// A field's type and limits.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// A string of `min..=max` characters matching `pat`.
    Str { min: usize, max: usize, pat: Pat },
    /// A JSON number in `min..=max` (numeric strings are accepted and become numbers).
    Num { min: Decimal, max: Decimal },
    /// A whole JSON number in `min..=max`.
    Int { min: i64, max: i64 },
    /// A nested block.
    Obj(&'static Block),
    /// An array of blocks.
    List(&'static Block),
    /// Accepted from the client but not kept (the IRP computes it).
    Ignored,
    /// Not accepted from the client meaningfully; the signed invoice always carries this number lexeme.
    Fixed(&'static str),
}

/// One field of a block.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub required: bool,
    pub kind: Kind,
}

/// A JSON object of the schema: its fields in class order.
#[derive(Debug)]
pub struct Block {
    pub name: &'static str,
    pub fields: &'static [Field],
}

impl Block {
    /// The field whose name matches `key` ignoring ASCII case (NIC's deserialiser is case-insensitive).
    pub fn field(&self, key: &str) -> Option<&'static Field> {
        self.fields
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(key))
    }
}

/// A decimal constant `num × 10^-scale` (`Decimal::new` is not const).
const fn dec(num: i64, scale: u32) -> Decimal {
    let abs = num.unsigned_abs();
    Decimal::from_parts(abs as u32, (abs >> 32) as u32, 0, num < 0, scale)
}

/// 0 … 999999999999.99: item amounts.
const AMT: Kind = Kind::Num {
    min: Decimal::ZERO,
    max: dec(99_999_999_999_999, 2),
};
/// 0 … 99999999999999.99: document totals.
const TOTAL: Kind = Kind::Num {
    min: Decimal::ZERO,
    max: dec(9_999_999_999_999_999, 2),
};
/// 0 … 9999999999.999: quantities.
const QTY: Kind = Kind::Num {
    min: Decimal::ZERO,
    max: dec(9_999_999_999_999, 3),
};
/// 0 … 999999999999.999: unit price.
const PRICE: Kind = Kind::Num {
    min: Decimal::ZERO,
    max: dec(999_999_999_999_999, 3),
};
/// 0 … 999.999: rates.
const RATE: Kind = Kind::Num {
    min: Decimal::ZERO,
    max: dec(999_999, 3),
};
const PIN: Kind = Kind::Int {
    min: 100_000,
    max: 999_999,
};

const fn req(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        required: true,
        kind,
    }
}
const fn opt(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        required: false,
        kind,
    }
}
const fn text(min: usize, max: usize) -> Kind {
    Kind::Str {
        min,
        max,
        pat: Pat::Text,
    }
}
const fn s(min: usize, max: usize, pat: Pat) -> Kind {
    Kind::Str { min, max, pat }
}
const DATE: Kind = Kind::Str {
    min: 10,
    max: 10,
    pat: Pat::Date,
};
const YES_NO: Kind = Kind::Str {
    min: 1,
    max: 1,
    pat: Pat::YesNo,
};
const STCD: Kind = Kind::Str {
    min: 1,
    max: 2,
    pat: Pat::StateCode,
};
const PHONE: Kind = Kind::Str {
    min: 6,
    max: 12,
    pat: Pat::Digits,
};
const EMAIL: Kind = Kind::Str {
    min: 6,
    max: 100,
    pat: Pat::Email,
};

pub static TRAN_DTLS: Block = Block {
    name: "TranDtls",
    fields: &[
        req("TaxSch", s(3, 10, Pat::OneOf(&["GST"]))),
        req(
            "SupTyp",
            s(3, 10, Pat::OneOfIgnoreCase(crate::masters::SUPPLY_TYPES)),
        ),
        opt("RegRev", YES_NO),
        opt("EcmGstin", s(15, 15, Pat::Gstin)),
        opt("IgstOnIntra", YES_NO),
    ],
};

pub static DOC_DTLS: Block = Block {
    name: "DocDtls",
    fields: &[
        req(
            "Typ",
            s(3, 3, Pat::OneOfIgnoreCase(crate::masters::DOC_TYPES)),
        ),
        req("No", s(1, 16, Pat::DocNo)),
        req("Dt", DATE),
    ],
};

pub static SELLER_DTLS: Block = Block {
    name: "SellerDtls",
    fields: &[
        req("Gstin", s(15, 15, Pat::Gstin)),
        req("LglNm", text(3, 100)),
        opt("TrdNm", text(3, 100)),
        req("Addr1", text(1, 100)),
        opt("Addr2", text(3, 100)),
        req("Loc", text(3, 50)),
        req("Pin", PIN),
        req("Stcd", STCD),
        opt("Ph", PHONE),
        opt("Em", EMAIL),
    ],
};

/// Observed class order: `Ph` comes before `Stcd` in the buyer block.
pub static BUYER_DTLS: Block = Block {
    name: "BuyerDtls",
    fields: &[
        req("Gstin", s(3, 15, Pat::GstinOrUrp)),
        req("LglNm", text(3, 100)),
        opt("TrdNm", text(3, 100)),
        req("Pos", STCD),
        req("Addr1", text(1, 100)),
        opt("Addr2", text(3, 100)),
        req("Loc", text(3, 100)),
        opt("Pin", PIN),
        opt("Ph", PHONE),
        req("Stcd", STCD),
        opt("Em", EMAIL),
    ],
};

pub static DISP_DTLS: Block = Block {
    name: "DispDtls",
    fields: &[
        req("Nm", text(3, 100)),
        req("Addr1", text(1, 100)),
        opt("Addr2", text(3, 100)),
        req("Loc", text(3, 100)),
        req("Pin", PIN),
        req("Stcd", STCD),
    ],
};

pub static SHIP_DTLS: Block = Block {
    name: "ShipDtls",
    fields: &[
        opt("Gstin", s(3, 15, Pat::GstinOrUrp)),
        req("LglNm", text(3, 100)),
        opt("TrdNm", text(3, 100)),
        req("Addr1", text(1, 100)),
        opt("Addr2", text(3, 100)),
        req("Loc", text(3, 100)),
        req("Pin", PIN),
        req("Stcd", STCD),
    ],
};

pub static BCH_DTLS: Block = Block {
    name: "BchDtls",
    fields: &[
        req("Nm", text(3, 20)),
        opt("ExpDt", DATE),
        opt("WrDt", DATE),
    ],
};

pub static ATTRIB_DTLS: Block = Block {
    name: "AttribDtls",
    fields: &[opt("Nm", text(1, 100)), opt("Val", text(1, 100))],
};

pub static ITEM: Block = Block {
    name: "ItemList",
    fields: &[
        opt("ItemNo", Kind::Fixed("0")),
        req("SlNo", s(1, 6, Pat::Digits)),
        req("IsServc", YES_NO),
        opt("PrdDesc", text(3, 300)),
        req("HsnCd", s(4, 8, Pat::Hsn)),
        opt("Barcde", text(3, 30)),
        opt("Qty", QTY),
        opt("FreeQty", QTY),
        opt("Unit", s(3, 8, Pat::Letters)),
        req("UnitPrice", PRICE),
        req("TotAmt", AMT),
        opt("Discount", AMT),
        opt("PreTaxVal", AMT),
        req("AssAmt", AMT),
        req("GstRt", RATE),
        opt("IgstAmt", AMT),
        opt("CgstAmt", AMT),
        opt("SgstAmt", AMT),
        opt("CesRt", RATE),
        opt("CesAmt", AMT),
        opt("CesNonAdvlAmt", AMT),
        opt("StateCesRt", RATE),
        opt("StateCesAmt", AMT),
        opt("StateCesNonAdvlAmt", AMT),
        opt("OthChrg", AMT),
        req("TotItemVal", AMT),
        opt("OrdLineRef", text(1, 50)),
        opt("OrgCntry", s(2, 2, Pat::Letters)),
        opt("PrdSlNo", text(1, 20)),
        opt("BchDtls", Kind::Obj(&BCH_DTLS)),
        opt("AttribDtls", Kind::List(&ATTRIB_DTLS)),
    ],
};

pub static VAL_DTLS: Block = Block {
    name: "ValDtls",
    fields: &[
        req("AssVal", TOTAL),
        opt("CgstVal", TOTAL),
        opt("SgstVal", TOTAL),
        opt("IgstVal", TOTAL),
        opt("CesVal", TOTAL),
        opt("StCesVal", TOTAL),
        opt("Discount", TOTAL),
        opt("OthChrg", TOTAL),
        opt(
            "RndOffAmt",
            Kind::Num {
                min: dec(-9_999, 2),
                max: dec(9_999, 2),
            },
        ),
        req("TotInvVal", TOTAL),
        opt("TotInvValFc", TOTAL),
    ],
};

pub static PAY_DTLS: Block = Block {
    name: "PayDtls",
    fields: &[
        opt("Nm", text(1, 100)),
        opt("AccDet", text(1, 18)),
        opt("Mode", text(1, 18)),
        opt("FinInsBr", text(1, 11)),
        opt("PayTerm", text(1, 100)),
        opt("PayInstr", text(1, 100)),
        opt("CrTrn", text(1, 100)),
        opt("DirDr", text(1, 100)),
        opt("CrDay", Kind::Int { min: 0, max: 9999 }),
        opt("PaidAmt", TOTAL),
        opt("PaymtDue", TOTAL),
    ],
};

pub static DOC_PERD_DTLS: Block = Block {
    name: "DocPerdDtls",
    fields: &[req("InvStDt", DATE), req("InvEndDt", DATE)],
};

pub static PREC_DOC_DTLS: Block = Block {
    name: "PrecDocDtls",
    fields: &[
        req("InvNo", s(1, 16, Pat::PrecDocNo)),
        req("InvDt", DATE),
        opt("OthRefNo", text(1, 20)),
    ],
};

pub static CONTR_DTLS: Block = Block {
    name: "ContrDtls",
    fields: &[
        opt("RecAdvRefr", text(1, 20)),
        opt("RecAdvDt", DATE),
        opt("TendRefr", text(1, 20)),
        opt("ContrRefr", text(1, 20)),
        opt("ExtRefr", text(1, 20)),
        opt("ProjRefr", text(1, 20)),
        opt("PORefr", text(1, 16)),
        opt("PORefDt", DATE),
    ],
};

pub static REF_DTLS: Block = Block {
    name: "RefDtls",
    fields: &[
        opt("InvRm", text(3, 100)),
        opt("DocPerdDtls", Kind::Obj(&DOC_PERD_DTLS)),
        opt("PrecDocDtls", Kind::List(&PREC_DOC_DTLS)),
        opt("ContrDtls", Kind::List(&CONTR_DTLS)),
    ],
};

pub static ADDL_DOC_DTLS: Block = Block {
    name: "AddlDocDtls",
    fields: &[
        opt("Url", text(3, 100)),
        opt("Docs", text(3, 1000)),
        opt("Info", text(3, 1000)),
    ],
};

pub static EXP_DTLS: Block = Block {
    name: "ExpDtls",
    fields: &[
        opt("ShipBNo", text(1, 20)),
        opt("ShipBDt", DATE),
        opt("Port", s(2, 10, Pat::AlphaNum)),
        opt("RefClm", YES_NO),
        opt("ForCur", s(3, 16, Pat::Letters)),
        opt("CntCode", s(2, 2, Pat::UpperLetters)),
        opt("ExpDuty", AMT),
    ],
};

pub static EWB_DTLS: Block = Block {
    name: "EwbDtls",
    fields: &[
        opt("TransId", s(15, 15, Pat::Gstin)),
        opt("TransName", text(3, 100)),
        opt("TransMode", s(1, 1, Pat::OneOf(&["1", "2", "3", "4"]))),
        req("Distance", Kind::Int { min: 0, max: 4000 }),
        opt("TransDocNo", s(1, 15, Pat::TransDocNo)),
        opt("TransDocDt", s(10, 10, Pat::TransDocDate)),
        opt("VehNo", s(4, 20, Pat::AlphaNum)),
        opt("VehType", s(1, 1, Pat::OneOf(&["O", "R"]))),
    ],
};

/// `ExpShipDtls` of Generate EWB by IRN: the ship-to (for exports, the port) address of the e-way bill.
pub static EXP_SHIP_DTLS: Block = Block {
    name: "ExpShipDtls",
    fields: &[
        opt("Addr1", text(1, 100)),
        opt("Addr2", text(1, 100)),
        opt("Loc", text(1, 100)),
        req("Pin", PIN),
        req("Stcd", STCD),
    ],
};

/// The Generate EWB by IRN request (reference §8.1): the IRN, Part-B (the `EwbDtls` fields) and
/// optional dispatch-from and ship-to addresses that replace the e-invoice's.
pub static EWB_BY_IRN: Block = Block {
    name: "",
    fields: &[
        req("Irn", s(64, 64, Pat::AlphaNum)),
        opt("TransId", s(15, 15, Pat::Gstin)),
        opt("TransName", text(3, 100)),
        opt("TransMode", s(1, 1, Pat::OneOf(&["1", "2", "3", "4"]))),
        req("Distance", Kind::Int { min: 0, max: 4000 }),
        opt("TransDocNo", s(1, 15, Pat::TransDocNo)),
        opt("TransDocDt", s(10, 10, Pat::TransDocDate)),
        opt("VehNo", s(4, 20, Pat::AlphaNum)),
        opt("VehType", s(1, 1, Pat::OneOf(&["O", "R"]))),
        opt("ExpShipDtls", Kind::Obj(&EXP_SHIP_DTLS)),
        opt("DispDtls", Kind::Obj(&DISP_DTLS)),
    ],
};

/// The whole INV-01 document.
pub static INVOICE: Block = Block {
    name: "",
    fields: &[
        req("Version", s(1, 6, Pat::OneOf(&["1.1", "1.01"]))),
        opt("Irn", Kind::Ignored),
        req("TranDtls", Kind::Obj(&TRAN_DTLS)),
        req("DocDtls", Kind::Obj(&DOC_DTLS)),
        req("SellerDtls", Kind::Obj(&SELLER_DTLS)),
        req("BuyerDtls", Kind::Obj(&BUYER_DTLS)),
        opt("DispDtls", Kind::Obj(&DISP_DTLS)),
        opt("ShipDtls", Kind::Obj(&SHIP_DTLS)),
        req("ItemList", Kind::List(&ITEM)),
        req("ValDtls", Kind::Obj(&VAL_DTLS)),
        opt("PayDtls", Kind::Obj(&PAY_DTLS)),
        opt("RefDtls", Kind::Obj(&REF_DTLS)),
        opt("AddlDocDtls", Kind::List(&ADDL_DOC_DTLS)),
        opt("ExpDtls", Kind::Obj(&EXP_DTLS)),
        opt("EwbDtls", Kind::Obj(&EWB_DTLS)),
    ],
};

/// Whether `value` matches the pattern. Lengths are checked separately.
pub fn matches(pat: Pat, value: &str) -> bool {
    let b = value.as_bytes();
    let all = |f: fn(&u8) -> bool| b.iter().all(f);
    match pat {
        Pat::Text => !value.contains(['"', '\\']),
        Pat::Gstin => crate::gstin::has_gstin_shape(value),
        Pat::GstinOrUrp => value == crate::gstin::URP || crate::gstin::has_gstin_shape(value),
        Pat::StateCode => {
            (1..=2).contains(&b.len()) && all(u8::is_ascii_digit) && !all(|c| *c == b'0')
        }
        Pat::DocNo => {
            !b.is_empty()
                && (b[0].is_ascii_alphabetic() || (b'1'..=b'9').contains(&b[0]))
                && b[1..]
                    .iter()
                    .all(|c| c.is_ascii_alphanumeric() || *c == b'/' || *c == b'-')
        }
        Pat::PrecDocNo => {
            b.len() >= 2
                && (b[0].is_ascii_alphabetic() || (b'1'..=b'9').contains(&b[0]))
                && b[1..]
                    .iter()
                    .all(|c| c.is_ascii_alphanumeric() || *c == b'/' || *c == b'-')
        }
        Pat::Date => crate::time::parse_doc_date(value).is_some_and(|d| {
            use chrono::Datelike;
            (2010..=2029).contains(&d.year())
        }),
        Pat::YesNo => value == "Y" || value == "N",
        Pat::Digits => !b.is_empty() && all(u8::is_ascii_digit),
        Pat::Hsn => matches!(b.len(), 4 | 6 | 8) && all(u8::is_ascii_digit) && !all(|c| *c == b'0'),
        Pat::Email => match value.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.is_empty()
                    && local
                        .bytes()
                        .all(|c| c.is_ascii_alphanumeric() || b"+_.-".contains(&c))
                    && domain
                        .bytes()
                        .all(|c| c.is_ascii_alphanumeric() || c == b'.' || c == b'-')
            }
            None => false,
        },
        Pat::Letters => all(u8::is_ascii_alphabetic),
        Pat::UpperLetters => all(u8::is_ascii_uppercase),
        Pat::AlphaNum => all(u8::is_ascii_alphanumeric),
        Pat::TransDocNo => all(|c| c.is_ascii_alphanumeric() || *c == b'/' || *c == b'-'),
        Pat::TransDocDate => {
            !b.is_empty()
                && b[0].is_ascii_alphanumeric()
                && b[1..]
                    .iter()
                    .all(|c| c.is_ascii_alphanumeric() || *c == b'/' || *c == b'-')
        }
        Pat::OneOf(values) => values.contains(&value),
        Pat::OneOfIgnoreCase(values) => values.iter().any(|v| v.eq_ignore_ascii_case(value)),
    }
}

/// What a pattern means, for error messages.
pub fn describe(pat: Pat) -> String {
    match pat {
        Pat::Text => "must not contain a double quote or a backslash".into(),
        Pat::Gstin => "must be a GSTIN (2 digits then 13 digits or capital letters)".into(),
        Pat::GstinOrUrp => "must be a GSTIN or URP".into(),
        Pat::StateCode => "must be a state code of 1 or 2 digits, not 0".into(),
        Pat::DocNo => {
            "may hold only letters, digits, / and -, and must not start with 0, / or -".into()
        }
        Pat::PrecDocNo => {
            "must be 2 to 16 letters, digits, / or -, not starting with 0, / or -".into()
        }
        Pat::Date => "must be a date in the form dd/mm/yyyy (years 2010 to 2029)".into(),
        Pat::YesNo => "must be Y or N".into(),
        Pat::Digits => "must hold digits only".into(),
        Pat::Hsn => "must be 4, 6 or 8 digits, not all zero".into(),
        Pat::Email => "must be an e-mail address".into(),
        Pat::Letters => "must hold letters only".into(),
        Pat::UpperLetters => "must hold capital letters only".into(),
        Pat::AlphaNum => "must hold letters and digits only".into(),
        Pat::TransDocNo => "may hold only letters, digits, / and -".into(),
        Pat::TransDocDate => "must be a date such as dd/mm/yyyy".into(),
        Pat::OneOf(values) | Pat::OneOfIgnoreCase(values) => {
            format!("must be one of {}", values.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_number_pattern() {
        for ok in ["1", "A", "DOC/001", "abc-1/2", "Z123456789012345"] {
            assert!(matches(Pat::DocNo, ok), "{ok}");
        }
        for bad in ["0A", "/1", "-1", "A B", "A_1", ""] {
            assert!(!matches(Pat::DocNo, bad), "{bad}");
        }
        assert!(!matches(Pat::PrecDocNo, "1"));
        assert!(matches(Pat::PrecDocNo, "D1"));
    }

    #[test]
    fn hsn_state_and_text_patterns() {
        assert!(matches(Pat::Hsn, "1001"));
        assert!(matches(Pat::Hsn, "998314"));
        assert!(!matches(Pat::Hsn, "10011"));
        assert!(!matches(Pat::Hsn, "0000"));
        assert!(matches(Pat::StateCode, "7"));
        assert!(!matches(Pat::StateCode, "00"));
        assert!(!matches(Pat::Text, "say \"hi\""));
        assert!(matches(Pat::Text, "7th block, kuvempu layout"));
        assert!(matches(Pat::Email, "abc@gmail.com"));
        assert!(!matches(Pat::Email, "abc.gmail.com"));
        assert!(matches(
            Pat::OneOfIgnoreCase(crate::masters::SUPPLY_TYPES),
            "b2b"
        ));
        assert!(!matches(Pat::OneOf(&["GST"]), "gst"));
    }

    #[test]
    fn dates_are_real_and_within_the_schema_years() {
        assert!(matches(Pat::Date, "29/02/2024"));
        assert!(!matches(Pat::Date, "29/02/2023"));
        assert!(!matches(Pat::Date, "01/01/2030"));
        assert!(!matches(Pat::Date, "01/01/2009"));
    }

    #[test]
    fn field_lookup_ignores_case() {
        assert_eq!(SELLER_DTLS.field("GSTIN").map(|f| f.name), Some("Gstin"));
        assert_eq!(PAY_DTLS.field("fininsbr").map(|f| f.name), Some("FinInsBr"));
        assert!(SELLER_DTLS.field("Gst").is_none());
    }
}
