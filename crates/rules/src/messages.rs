//! NIC's message texts for the codes the rules raise. They are interface data: clients match on them, so
//! they are kept exactly as NIC writes them (spelling, spacing and punctuation included).

/// (code, message template) with `{0}`, `{1}` placeholders.
pub const MESSAGES: &[(&str, &str)] = &[
    ("2162", "Reverse Charge is applicable only for B2B invoices"),
    ("2163", "The document date should not be future date"),
    (
        "2169",
        "Either supplier GSTIN or e-Commerce GSTIN can generate IRN.",
    ),
    (
        "2171",
        "The recipient GSTIN cannot be URP, in case of Deemed Export transaction",
    ),
    (
        "2172",
        "For intra state transaction IGST Amounts are not applicable for item - {0}, Only Cgst and Sgst Amounts are applicable",
    ),
    ("2173", "You have exceeded the limit of number of items"),
    (
        "2174",
        "For inter state transaction, CGST and SGST Amounts are not applicable for item - {0}, only Igst Amounts are Applicable",
    ),
    ("2177", "Invalid item unit code(s)-{0}"),
    (
        "2180",
        "For export transaction CGST and SGST Amounts are not allowed for item -{0}",
    ),
    (
        "2182",
        "Taxable value of all items must be equal to total taxable value",
    ),
    (
        "2183",
        "SGST value of all items must be equal to total SGST Value",
    ),
    (
        "2184",
        "CGST value of all items must be equal to total CGST value",
    ),
    (
        "2185",
        "IGST value of all items must be equal to total IGST Value",
    ),
    (
        "2186",
        "Cess value of all items must be equal to total CessValue",
    ),
    (
        "2187",
        "State Cess Value of all items must be equal to total State CessValue",
    ),
    ("2189", "Invalid total Invoice Value"),
    (
        "2191",
        "Original invoice number is required in case of Credit / Debit note",
    ),
    (
        "2193",
        "AssAmt value should be equal to (TotAmt - Discount) for HSN - {0} and Sl. No - {1}",
    ),
    ("2194", "Invalid total item value for HSN - {0}"),
    (
        "2200",
        "Invalid state code {0} in dispatch details or ship details",
    ),
    (
        "2211",
        "Supplier and recipient GSTIN should not be the same.",
    ),
    (
        "2212",
        "The recipient GSTIN cannot be URP for supply type {0}",
    ),
    (
        "2220",
        "Total discount value cannot be greater than or equal total invoice value",
    ),
    (
        "2227",
        "SGST and CGST Amounts should be equal for HSN - {0}",
    ),
    ("2228", "Item list cannot be empty"),
    (
        "2229",
        "Recipient POS should be other country(96) incase of transaction -{0}",
    ),
    ("2233", "Duplicate SI nos are not allowed in items"),
    ("2234", "Invalid SGST and CGST Amounts for HSN - {0}."),
    ("2235", "IGST amount given with HSN -{0} is Invalid"),
    (
        "2237",
        "The recipient tax payer of is of type SEZ, CGST and SGST Amounts are not allowed for HSN -{0}",
    ),
    ("2238", "Quantity is required for HSN - {0}"),
    ("2239", "Unit is required for HSN - {0}"),
    ("2240", "Invalid GST rate for HSN -{0}"),
    (
        "2241",
        "CGST and SGST amounts with HSN{0} are required for intra state transaction",
    ),
    (
        "2242",
        "Recipient POS should not be Other Country(code -96) incase of transaction type {0}",
    ),
    ("2243", "POS should be valid state for {0} transaction"),
    ("2246", "Recipient cannot be SEZ for - {0} transaction"),
    ("2247", "Recipient should be SEZ for transaction {0}"),
    (
        "2248",
        "Recipient has to be URP in case of export transactions",
    ),
    (
        "2258",
        "Supplier GSTIN state code should be same as the sate code passed in supplier details",
    ),
    ("2259", "Invalid supplier state code"),
    ("2260", "Invalid recipient state code"),
    (
        "2261",
        "Recipient state code should be other country(code: 96 ) for {0} transaction",
    ),
    (
        "2262",
        "Supplier statecode and POS should be same for intra state supply but chargeable to IGST",
    ),
    (
        "2265",
        "Recipient GSTIN state code should be same as the sate code passed in recipient details",
    ),
    ("2266", "Cess amount given with HSN -{0} is invalid"),
    ("2267", "State Cess amount given with HSN -{0} is Invalid"),
    ("2176", "Invalid HSN code(s)-{0}"),
    ("2178", "PIN code does not belong to the state - {0}"),
    (
        "2181",
        "Intra State transaction are not allowed for export transaction",
    ),
    (
        "2192",
        "TotAmt value should be equal to (Qty * UnitPrice) for HSN {0}",
    ),
    ("2195", "e-Commerce Gstin should be TCS"),
    (
        "2197",
        "e-commerce GSTIN is mandatory for e-com Transaction",
    ),
    ("2201", "Invalid Port Code"),
    ("2202", "Invalid Country Code"),
    ("2203", "Invalid Foreign Currency"),
    ("2208", "Export details are required"),
    (
        "2210",
        "Original invoice number is not required for the document type Invoice",
    ),
    ("2221", "Select GST Payment for export transaction"),
    ("2224", "e-com Gstin should not be provided"),
    (
        "2231",
        "Cannot generate e-Invoice as the supplier GSTIN - {0} is SEZ",
    ),
    (
        "2236",
        "In case of export transactions, the 'Ship-To' address should be of the place or port from where the goods are being exported.",
    ),
    (
        "2244",
        "Recipient PIN code is mandatory for transaction -{0}",
    ),
    (
        "2245",
        "ShipTo state code should be same as POS for B2B transaction",
    ),
    (
        "2249",
        "Combination of goods and service items are not allowed for inter state transaction with POS same as the supplier state",
    ),
    (
        "2251",
        "E-Way Bill can be generated provided at least HSN of one item belongs to goods",
    ),
    (
        "2252",
        "E-way Bill is not generated for document types of Debit Note and Credit Note and Services.",
    ),
    (
        "2253",
        "Vehicle number and vehicle type should be passed in case of transportation mode is Road.",
    ),
    (
        "2254",
        "The transport document number and date should be passed in case of transportation mode is other than Road.",
    ),
    ("4000", "Status of the IRN is not active"),
    ("4002", "EwayBill is already generated for this IRN"),
    ("4003", "Requested IRN data is not available"),
    (
        "4009",
        "E Way Bill can be generated provided at least HSN of one item belongs to goods.",
    ),
    (
        "4010",
        "E-way Bill cannot generated for Debit Note, Credit Note and Services.",
    ),
    (
        "4011",
        "Vehicle number should be passed in case of transportation mode is Road.",
    ),
    (
        "4012",
        "The transport document number should be passed for transportation modes air and rail",
    ),
    (
        "4013",
        "The distance between the pincodes given is too high or low.",
    ),
    (
        "4022",
        "vehicle type should be passed in case of transportation mode is Road.",
    ),
    (
        "4023",
        "The transport document date should be passed for of transportation modes air and rail.",
    ),
    (
        "4030",
        "The distance between the pincodes {0} and {1} is not available in the system, you need to pass the actual distance.",
    ),
    (
        "4038",
        "The distance between the pincodes given is too high",
    ),
    ("4014", "Invalid Vehicle Number"),
    ("4016", "Transport document date cannot be a future date"),
    ("4017", "Incorrect date format"),
    ("4018", "Invalid Transporter ID"),
    (
        "4019",
        "Provide Transporter ID in order to generate Part A of e-Way Bill",
    ),
    (
        "4021",
        "Transporter document date cannot be earlier than the invoice date.",
    ),
    (
        "4024",
        "Vehicle type should not be ODC when transmode is other than road and ship",
    ),
    (
        "4028",
        "Transport mode is mandatory as Vehicle Number/Transport Document Number is given",
    ),
    (
        "4029",
        "Valid distance to be sent in case of same pin codes, you cannot send 0 as distance in this case.",
    ),
    (
        "4031",
        "Ship to details are mandatory for export transactions to generate e-Way Bill.",
    ),
    (
        "4032",
        "Ship to state code cannot be other country code(96) for e-Way Bill generation",
    ),
    (
        "4033",
        "Ship to PIN code cannot be 999999 for e-Way Bill generation",
    ),
    (
        "4034",
        "Since the you passed Supplier/Recepient/Dispatch from/Ship to Pincode as 999999, distance cannot be 0",
    ),
    (
        "4035",
        "Dispatch state code cannot be other country code(96) for e-Way Bill generation",
    ),
    (
        "4036",
        "Dispatch PIN code cannot be 999999 for e-Way Bill generation",
    ),
    (
        "4039",
        "Vehicle type can not be regular when transport mode is ship",
    ),
    (
        "4040",
        "For Ship Transport, either vehicle number or transport document number is required",
    ),
    ("3028", "GSTIN - {0} is invalid"),
    (
        "3074",
        "GSTIN - {0} is cancelled and document date - {1} is later than de-registration date",
    ),
    (
        "3075",
        "GSTIN- {0} is cancelled and de-registration date is not available",
    ),
    ("3076", "GSTIN - {0} is inactive"),
    (
        "3077",
        "GSTIN - {0} is cancelled and document date - {1} is earlier than registration date",
    ),
    (
        "3078",
        "GSTIN- {0} is cancelled and registration date is not available",
    ),
    (
        "3079",
        "For active GSTINs the document date should not be earlier than registration date",
    ),
];

/// 2163 for a document dated before the IRP went live. NIC lists no text for this case; this is ours.
pub const BEFORE_GO_LIVE: &str =
    "The document date should not be earlier than the e-invoice start date 01/10/2020";

/// The 30-day reporting window (code [`crate::policy::REPORTING_WINDOW_CODE`]); NIC's text is not known.
pub const REPORTING_WINDOW: &str = "The document dated {0} could not be reported after {1}: taxpayers with AATO of Rs {2} crore or more must report e-invoices within 30 days of the document date";

/// Warning: the reporting window closes soon.
pub const REPORTING_WINDOW_CLOSING: &str =
    "The document dated {0} must be reported by {1} (30-day limit; {2} day(s) left)";

/// Warning: an old document from a supplier the window does not bind.
pub const REPORTING_WINDOW_NOT_APPLIED: &str = "The document dated {0} is older than 30 days (limit {1}); the IRP refuses such documents from taxpayers with AATO at or above the threshold in force";

/// The message template for `code`.
pub fn template(code: &str) -> Option<&'static str> {
    MESSAGES.iter().find(|(c, _)| *c == code).map(|(_, m)| *m)
}

/// `template` with `{0}`, `{1}`, … replaced by `args` in order.
pub fn fill(template: &str, args: &[&str]) -> String {
    // One pass, so text inside an argument is never taken for a placeholder.
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let arg = after
            .find('}')
            .and_then(|close| after[..close].parse::<usize>().ok().map(|i| (i, close)))
            .and_then(|(i, close)| args.get(i).map(|a| (a, close)));
        match arg {
            Some((a, close)) => {
                out.push_str(a);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_in_order() {
        assert_eq!(
            fill(
                template("3074").unwrap(),
                &["29AAGCB7383J1Z4", "01/11/2025"]
            ),
            "GSTIN - 29AAGCB7383J1Z4 is cancelled and document date - 01/11/2025 is later than de-registration date"
        );
        assert_eq!(
            fill(template("2241").unwrap(), &["1001"]),
            "CGST and SGST amounts with HSN1001 are required for intra state transaction"
        );
        assert_eq!(fill("no placeholders", &["x"]), "no placeholders");
        assert_eq!(fill("{0} and {1}", &["{1}", "b"]), "{1} and b");
        assert_eq!(fill("missing {1} {x}", &["a"]), "missing {1} {x}");
    }

    #[test]
    fn codes_are_unique() {
        for (i, (code, _)) in MESSAGES.iter().enumerate() {
            assert!(
                MESSAGES[i + 1..].iter().all(|(c, _)| c != code),
                "{code} twice"
            );
        }
    }

    #[test]
    fn every_code_in_the_catalogue_has_a_message() {
        for rule in crate::RULES {
            for code in rule.codes {
                assert!(
                    rule.message.is_some() || template(code).is_some(),
                    "{} raises {code} without a message",
                    rule.name
                );
            }
        }
    }
}
