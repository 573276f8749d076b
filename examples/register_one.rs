//! Registers one invoice with an IRP and prints its IRN and acknowledgement.
//!
//! ```text
//! export OPENIRP_URL=http://127.0.0.1:8080 OPENIRP_CLIENT_ID=… OPENIRP_CLIENT_SECRET=… \
//!        OPENIRP_GSTIN=… OPENIRP_USERNAME=… OPENIRP_PASSWORD=…
//! cargo run -p openirp-examples --example register_one
//! ```
//! The seller's address comes from the IRP's own GSTIN master, which it must match.

use openirp_client::{Credentials, NicClient};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (base, creds) = from_env()?;
    let pem = NicClient::fetch_auth_public_key(&base).await?;
    let mut client = NicClient::new(&base, &pem, creds.clone())?;
    let session = client.authenticate(false).await?;
    println!("logged in as {} for {}", session.username, session.gstin);

    let master = client.gstin_details(&creds.gstin).await?;
    let doc_no = format!("EX/{}", chrono::Utc::now().timestamp() % 1_000_000);
    let invoice = invoice(&creds.gstin, &master, &doc_no);
    // Sent as text: the IRP signs the numbers exactly as written (`1000.0` stays `1000.0`).
    let answer = client.generate_irn(invoice.as_bytes()).await?;
    println!("registered INV {doc_no}");
    println!("  Irn    {}", answer["Irn"].as_str().unwrap_or_default());
    println!("  AckNo  {}", answer["AckNo"]);
    println!("  AckDt  {}", answer["AckDt"].as_str().unwrap_or_default());
    println!(
        "verify its QR code: cargo run -p openirp-examples --example verify_qr -- {}",
        answer["Irn"].as_str().unwrap_or_default()
    );
    Ok(())
}

/// The IRP's URL and the API user, from `OPENIRP_*`.
fn from_env() -> Result<(String, Credentials), String> {
    let var = |k: &str| std::env::var(k).map_err(|_| format!("set {k} (see examples/README.md)"));
    Ok((
        var("OPENIRP_URL")?,
        Credentials {
            client_id: var("OPENIRP_CLIENT_ID")?,
            client_secret: var("OPENIRP_CLIENT_SECRET")?,
            username: var("OPENIRP_USERNAME")?,
            password: var("OPENIRP_PASSWORD")?,
            gstin: var("OPENIRP_GSTIN")?.to_ascii_uppercase(),
        },
    ))
}

/// A one-item goods invoice to NIC's sandbox buyer in Karnataka: CGST and SGST when the seller is
/// in Karnataka too, IGST otherwise.
fn invoice(seller: &str, master: &Value, doc_no: &str) -> String {
    let state = &seller[..2];
    let loc = master["AddrLoc"].as_str().unwrap_or("Bengaluru");
    let pin = &master["AddrPncd"];
    let date = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(19_800).expect("IST"))
        .format("%d/%m/%Y");
    let (igst, half) = if state == "29" {
        ("0", "90.00")
    } else {
        ("180.00", "0")
    };
    format!(
        r#"{{"Version":"1.1","TranDtls":{{"TaxSch":"GST","SupTyp":"B2B"}},"DocDtls":{{"Typ":"INV","No":"{doc_no}","Dt":"{date}"}},"SellerDtls":{{"Gstin":"{seller}","LglNm":"Example Traders","Addr1":"1 Main Road","Loc":"{loc}","Pin":{pin},"Stcd":"{state}"}},"BuyerDtls":{{"Gstin":"29AWGPV7107B1Z1","LglNm":"Vikas Exports","Pos":"29","Addr1":"7th block, Kuvempu Layout","Loc":"Bengaluru","Pin":560004,"Stcd":"29"}},"ItemList":[{{"SlNo":"1","PrdDesc":"Laptop bag","IsServc":"N","HsnCd":"84713010","Qty":1,"Unit":"NOS","UnitPrice":1000.0,"TotAmt":1000.0,"AssAmt":1000.0,"GstRt":18,"IgstAmt":{igst},"CgstAmt":{half},"SgstAmt":{half},"TotItemVal":1180.00}}],"ValDtls":{{"AssVal":1000.0,"CgstVal":{half},"SgstVal":{half},"IgstVal":{igst},"TotInvVal":1180.00}}}}"#
    )
}
