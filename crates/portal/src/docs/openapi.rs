//! The OpenAPI 3.1 description of every API route the server answers (NIC-compatible, key publication,
//! our `/api/v1`, the sandbox test-data API and the status document), kept as data built once, and the
//! Postman v2.1 collection derived from it.

use serde_json::{Map, Value, json};
use std::sync::OnceLock;

/// Paths present only in sandbox mode.
const SANDBOX_PREFIX: &str = "/sandbox/";

/// The description for a server in sandbox mode (`sandbox`) or production mode (no sandbox paths).
pub fn document(sandbox: bool) -> Value {
    static FULL: OnceLock<Value> = OnceLock::new();
    let full = FULL.get_or_init(build);
    if sandbox {
        return full.clone();
    }
    let mut doc = full.clone();
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        paths.retain(|path, _| !path.starts_with(SANDBOX_PREFIX));
    }
    if let Some(tags) = doc.get_mut("tags").and_then(Value::as_array_mut) {
        tags.retain(|t| t["name"] != "Sandbox test data");
    }
    doc
}

fn header_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/parameters/{name}")})
}

/// The five headers of every NIC call after auth.
fn session_headers() -> Vec<Value> {
    [
        "client_id",
        "client_secret",
        "Gstin",
        "user_name",
        "AuthToken",
    ]
    .iter()
    .map(|h| header_ref(h))
    .collect()
}

fn session_headers_with(extra: &[&str], more: Value) -> Vec<Value> {
    let mut all = session_headers();
    all.extend(extra.iter().map(|h| header_ref(h)));
    all.push(more);
    all
}

/// A NIC answer: HTTP 200 with the envelope, `Data` described by `data` once decrypted.
fn nic_response(data_description: &str, decrypted_example: Value) -> Value {
    json!({
        "200": {
            "description": format!(
                "NIC envelope (business errors also come with HTTP 200: read `Status`). On success `Data` is \
                 base64 of AES-256-ECB-PKCS7 under the session key (Sek); decrypted it is {data_description}."
            ),
            "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Envelope"},
                "examples": {
                    "success": {"summary": "Success (Data encrypted)", "value": {
                        "Status": 1, "Data": "q7ZC3k…base64…", "ErrorDetails": null, "InfoDtls": null}},
                    "decrypted": {"summary": "Data after decryption with the Sek", "value": decrypted_example},
                    "failure": {"summary": "Failure", "value": {
                        "Status": 0, "Data": null,
                        "ErrorDetails": [{"ErrorCode": "1005", "ErrorMessage": "Invalid Token"}],
                        "InfoDtls": null}}
                }
            }}
        }
    })
}

fn encrypted_body(plain_description: &str, plain_example: Value) -> Value {
    json!({
        "required": true,
        "description": format!(
            "`Data` is base64 of AES-256-ECB-PKCS7 under the session key (Sek) of the UTF-8 JSON {plain_description}."
        ),
        "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/EncryptedRequest"},
            "examples": {
                "envelope": {"summary": "As sent", "value": {"Data": "pQ1f…base64 of the AES ciphertext…"}},
                "plain": {"summary": "The JSON inside Data, before encryption", "value": plain_example}
            }
        }}
    })
}

fn irn_data_example() -> Value {
    json!({
        "AckNo": 112610000000001u64,
        "AckDt": "2026-11-25 12:30:00",
        "Irn": "706daeccda0ef6f818da78f3a2a05a1288731057373002289b46c3229289a2e7",
        "SignedInvoice": "eyJhbGciOiJSUzI1NiIs…",
        "SignedQRCode": "eyJhbGciOiJSUzI1NiIs…",
        "Status": "ACT",
        "EwbNo": null,
        "EwbDt": null,
        "EwbValidTill": null,
        "Remarks": null
    })
}

fn gstin_example() -> Value {
    json!({
        "Gstin": "29AWGPV7107B1Z1", "TradeName": "VIKAS EXPORTS", "LegalName": "VIKAS EXPORTS",
        "AddrBnm": "Sandbox House", "AddrBno": "1", "AddrFlno": "Ground Floor", "AddrSt": "Main Road",
        "AddrLoc": "Bengaluru", "StateCode": 29, "AddrPncd": 560001, "TxpType": "REG", "Status": "ACT",
        "BlkStatus": "U", "DtReg": "2017-07-01", "DtDReg": null
    })
}

fn invoice_example() -> Value {
    json!({
        "Version": "1.1",
        "TranDtls": {"TaxSch": "GST", "SupTyp": "B2B"},
        "DocDtls": {"Typ": "INV", "No": "INV/2026/001", "Dt": "25/11/2026"},
        "SellerDtls": {"Gstin": "29AAAAA0000A1ZY", "LglNm": "Seller Ltd", "Addr1": "Main Road",
                       "Loc": "Bengaluru", "Pin": 560001, "Stcd": "29"},
        "BuyerDtls": {"Gstin": "29AWGPV7107B1Z1", "LglNm": "Buyer Ltd", "Pos": "29", "Addr1": "MG Road",
                      "Loc": "Bengaluru", "Pin": 560001, "Stcd": "29"},
        "ItemList": [{"SlNo": "1", "IsServc": "N", "HsnCd": "84713010", "Qty": 2, "Unit": "NOS",
                      "UnitPrice": 500, "TotAmt": 1000, "AssAmt": 1000, "GstRt": 18, "CgstAmt": 90,
                      "SgstAmt": 90, "TotItemVal": 1180}],
        "ValDtls": {"AssVal": 1000, "CgstVal": 90, "SgstVal": 90, "TotInvVal": 1180}
    })
}

fn plain_json(description: &str, example: Value) -> Value {
    json!({"200": {"description": description, "content": {"application/json": {"example": example}}}})
}

fn api_error() -> Value {
    json!({"description": "Refused: `{\"error\": \"…\"}` says why.",
           "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}})
}

fn path_param(name: &str, description: &str, example: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "description": description,
           "schema": {"type": "string"}, "example": example})
}

fn build() -> Value {
    let mut paths = Map::new();
    let mut put = |path: &str, method: &str, op: Value| {
        let entry = paths
            .entry(path.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(obj) = entry.as_object_mut() {
            obj.insert(method.to_string(), op);
        }
    };

    // Authentication.
    let auth_response = json!({"200": {
        "description": "NIC envelope. On success `Data` is a plain object; only `Sek` inside it is encrypted (AES-256-ECB-PKCS7 under the AppKey).",
        "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Envelope"},
            "examples": {
                "success": {"value": {"Status": 1, "Data": {
                    "ClientId": "AAFCO26TXP1234AB", "UserName": "sbx_user01", "AuthToken": "1a2B3c4D5e6F7g8H9i0J1k2L3",
                    "Sek": "Hk0pQm…64 base64 characters…", "TokenExpiry": "2026-11-25 18:30:00"},
                    "ErrorDetails": null, "InfoDtls": null}},
                "failure": {"value": {"Status": 0, "Data": null,
                    "ErrorDetails": [{"ErrorCode": "1019", "ErrorMessage": "Incorrect Password"}], "InfoDtls": null}}
            }
        }}
    }});
    put(
        "/eivital/v1.04/auth",
        "post",
        json!({
            "tags": ["NIC: authentication"], "operationId": "authV104", "summary": "Authenticate (v1.04)",
            "description": "Log in as an API user and receive an AuthToken and a session key. Build the JSON \
                `{\"UserName\",\"Password\",\"AppKey\",\"ForceRefreshAccessToken\"}` (AppKey = base64 of 32 random bytes), \
                base64-encode it, encrypt those base64 bytes with RSA PKCS#1 v1.5 under the key at `/keys/auth-public.pem`, \
                and send the base64 ciphertext as `Data`. Asking again while the token is valid returns the same token; \
                `ForceRefreshAccessToken: true` renews it only in its last 10 minutes. See /docs/authentication.",
            "parameters": [header_ref("client_id"), header_ref("client_secret"), header_ref("Gstin")],
            "requestBody": {"required": true, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/AuthRequestV104"},
                "examples": {
                    "envelope": {"summary": "As sent", "value": {"Data": "Vb3n…344 base64 characters…"}},
                    "plain": {"summary": "The JSON before base64 and RSA", "value": {
                        "UserName": "sbx_user01", "Password": "S3cret@pass", "AppKey": "q9yG0n0d8Kx0…44 characters…=",
                        "ForceRefreshAccessToken": false}}
                }}}},
            "responses": auth_response.clone()
        }),
    );
    put(
        "/eivital/v1.03/auth",
        "post",
        json!({
            "tags": ["NIC: authentication"], "operationId": "authV103", "summary": "Authenticate (legacy v1.03)",
            "description": "The old form: `Password` and `AppKey` are each RSA-encrypted (PKCS#1 v1.5) and base64-encoded \
                inside `{\"data\":{…}}`; the `Gstin` header is optional. The answer is the same as v1.04.",
            "parameters": [header_ref("client_id"), header_ref("client_secret"),
                json!({"name": "Gstin", "in": "header", "required": false, "schema": {"type": "string"},
                       "description": "Optional in v1.03; when sent it must be the user's GSTIN."})],
            "requestBody": {"required": true, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/AuthRequestV103"},
                "example": {"data": {"UserName": "sbx_user01", "Password": "base64(RSA(password))",
                    "AppKey": "base64(RSA(32 key bytes))", "ForceRefreshAccessToken": false}}}}},
            "responses": auth_response
        }),
    );

    // Masters.
    for (version, id) in [("v1.04", "V104"), ("v1.03", "V103")] {
        put(
            &format!("/eivital/{version}/master/gstin/{{gstin}}"),
            "get",
            json!({
                "tags": ["NIC: masters"], "operationId": format!("gstinDetails{id}"),
                "summary": format!("Get GSTIN details ({version})"),
                "description": "The taxpayer master record of any GSTIN. Unknown GSTIN: 3001; malformed: 3030.",
                "parameters": session_headers_with(&[], path_param("gstin", "The GSTIN to look up (15 characters).", "29AWGPV7107B1Z1")),
                "responses": nic_response("a GstinDetails object", gstin_example())
            }),
        );
        put(
            &format!("/eivital/{version}/master/syncgstin/{{gstin}}"),
            "get",
            json!({
                "tags": ["NIC: masters"], "operationId": format!("syncGstin{id}"),
                "summary": format!("Sync GSTIN from the Common Portal ({version})"),
                "description": "NIC refreshes its copy from the GST Common Portal. OpenIRP has no Common Portal behind it \
                    and answers from its master, in the same shape as Get GSTIN details.",
                "parameters": session_headers_with(&[], path_param("gstin", "The GSTIN to refresh.", "29AWGPV7107B1Z1")),
                "responses": nic_response("a GstinDetails object", gstin_example())
            }),
        );
    }
    put(
        "/eivital/v1.04/heartbeat/ping",
        "get",
        json!({
            "tags": ["NIC: masters"], "operationId": "heartbeat", "summary": "Heartbeat",
            "description": "Liveness check some clients call before others. No headers needed.",
            "responses": plain_json("Alive.", json!({"Status": 1}))
        }),
    );

    // Invoices.
    put(
        "/eicore/v1.03/invoice",
        "post",
        json!({
            "tags": ["NIC: e-invoice"], "operationId": "generateIrn", "summary": "Generate IRN",
            "description": "Register an INV-01 document: it is validated (schema, masters, arithmetic, duplicates), given \
                its IRN, acknowledgement number and date, and signed. A second request for the same document answers \
                2150 with the original acknowledgement in `InfoDtls` (`DUPIRN`). Paths are matched ignoring case: \
                `/eicore/v1.03/Invoice` works too.",
            "parameters": session_headers(),
            "requestBody": encrypted_body("of an INV-01 v1.1 document (schema: /api/v1/schema/inv-01.json)", invoice_example()),
            "responses": nic_response("an IrnData object", irn_data_example())
        }),
    );
    put(
        "/eicore/v1.03/invoice/validate",
        "post",
        json!({
            "tags": ["NIC: e-invoice"], "operationId": "validateIrn", "summary": "Validate only (OpenIRP extension)",
            "description": "Exactly what Generate IRN would check, through the same encrypted envelope, but nothing is \
                registered. Valid: `Status` 1 with the IRN the document would get. Invalid: `Status` 0 with every error.",
            "parameters": session_headers(),
            "requestBody": encrypted_body("of an INV-01 v1.1 document", invoice_example()),
            "responses": nic_response("`{\"Valid\": true, \"Irn\": \"…\"}`", json!({"Valid": true,
                "Irn": "706daeccda0ef6f818da78f3a2a05a1288731057373002289b46c3229289a2e7"}))
        }),
    );
    let cancel = |id: &str, summary: &str| {
        json!({
            "tags": ["NIC: e-invoice"], "operationId": id, "summary": summary,
            "description": "Cancel an IRN within 24 hours of its acknowledgement. `CnlRsn`: 1 Duplicate, 2 Data entry \
                mistake, 3 Order cancelled, 4 Others; `CnlRem` 1–100 characters. The document number stays used (2278).",
            "parameters": session_headers(),
            "requestBody": encrypted_body("`{\"Irn\",\"CnlRsn\",\"CnlRem\"}`", json!({
                "Irn": "706daeccda0ef6f818da78f3a2a05a1288731057373002289b46c3229289a2e7",
                "CnlRsn": "1", "CnlRem": "Wrong entry"})),
            "responses": nic_response("`{\"Irn\",\"CancelDate\"}`", json!({
                "Irn": "706daeccda0ef6f818da78f3a2a05a1288731057373002289b46c3229289a2e7",
                "CancelDate": "2026-11-25 13:05:00"}))
        })
    };
    put(
        "/eicore/v1.03/invoice/cancel",
        "post",
        cancel("cancelIrn", "Cancel IRN"),
    );
    put(
        "/eicore/v1.03/cancel",
        "post",
        cancel("cancelIrnShortPath", "Cancel IRN (alternative path)"),
    );
    put(
        "/eicore/v1.03/invoice/irn/{irn}",
        "get",
        json!({
            "tags": ["NIC: e-invoice"], "operationId": "getByIrn", "summary": "Get e-invoice by IRN",
            "description": "The acknowledgement and signed invoice of one of your IRNs. Another supplier's IRN: 2226; \
                unknown IRN: 2148; malformed IRN: 2145.",
            "parameters": session_headers_with(&["sup_gstin"], path_param("irn", "The 64-hex-character IRN.",
                    "706daeccda0ef6f818da78f3a2a05a1288731057373002289b46c3229289a2e7")),
            "responses": nic_response("an IrnData object", irn_data_example())
        }),
    );
    let mut by_doc_params = session_headers();
    by_doc_params.extend([
        json!({"name": "doctype", "in": "query", "required": true, "schema": {"type": "string", "enum": ["INV", "CRN", "DBN"]},
               "description": "Document type.", "example": "INV"}),
        json!({"name": "docnum", "in": "query", "required": false, "schema": {"type": "string"},
               "description": "Document number, URL-encoded (`/` becomes `%2F`). May be sent as a header instead.",
               "example": "INV/2026/001"}),
        json!({"name": "docdate", "in": "query", "required": false, "schema": {"type": "string"},
               "description": "Document date dd/mm/yyyy. May be sent as a header instead.", "example": "25/11/2026"}),
        json!({"name": "docnum", "in": "header", "required": false, "schema": {"type": "string"},
               "description": "Header form of `docnum` (used when the query has none)."}),
        json!({"name": "docdate", "in": "header", "required": false, "schema": {"type": "string"},
               "description": "Header form of `docdate` (used when the query has none)."}),
        header_ref("sup_gstin"),
    ]);
    put(
        "/eicore/v1.03/invoice/irnbydocdetails",
        "get",
        json!({
            "tags": ["NIC: e-invoice"], "operationId": "getByDocDetails", "summary": "Get IRN by document details",
            "description": "Find your e-invoice by document type, number and date: the way to recover after a timeout. \
                `docnum` and `docdate` come from the query, or from headers of the same names. Missing: 2142.",
            "parameters": by_doc_params,
            "responses": nic_response("an IrnData object", irn_data_example())
        }),
    );
    put(
        "/eicore/v1.03/invoice/rejectedirns",
        "get",
        json!({
            "tags": ["NIC: e-invoice"], "operationId": "rejectedIrns", "summary": "Get rejected IRNs",
            "description": "IRNs of a day rejected by the cross-IRP de-duplication. A single IRP rejects none, so the \
                decrypted list is empty. Future or malformed date: 2218.",
            "parameters": session_headers_with(&["sup_gstin"], json!({"name": "date", "in": "query", "required": true, "schema": {"type": "string"},
                    "description": "dd/mm/yyyy", "example": "25/11/2026"})),
            "responses": nic_response("a JSON array", json!([]))
        }),
    );

    // E-way bills.
    put(
        "/eiewb/v1.03/ewaybill",
        "post",
        json!({
            "tags": ["NIC: e-way bill"], "operationId": "generateEwb", "summary": "Generate EWB by IRN",
            "description": "Makes the e-way bill of an active IRN of yours: Part-A from the e-invoice, Part-B from the \
                request. Only `TransId` gives a Part-A slip (`EwbValidTill` null). `Distance` 0 lets the IRP compute \
                the PIN-to-PIN distance, reported as `InfoDtls` `EWBPPD`. Validity: ⌈distance/200⌉ days (ODC: /20), \
                ending 23:59:00 IST. Errors 4000–4040 (see /docs/ewaybill); a second active e-way bill: 4002.",
            "parameters": session_headers(),
            "requestBody": encrypted_body("the Generate EWB request", json!({
                "Irn": "706daeccda0ef6f818da78f3a2a05a1288731057373002289b46c3229289a2e7", "Distance": 0,
                "TransMode": "1", "TransId": "24AAACC1206D1ZM", "TransName": "Carrier Ltd",
                "VehNo": "KA01AB1234", "VehType": "R"})),
            "responses": nic_response("an EwbGenerated object", json!({"EwbNo": 100000000001_i64,
                "EwbDt": "2026-11-25 19:29:00", "EwbValidTill": "2026-11-26 23:59:00", "Remarks": null}))
        }),
    );
    put(
        "/eiewb/v1.03/ewaybill/irn/{irn}",
        "get",
        json!({
            "tags": ["NIC: e-way bill"], "operationId": "getEwbByIrn", "summary": "Get EWB details by IRN",
            "description": "The IRN's e-way bill: the active one, else the latest cancelled one. None: 4005; another \
                supplier's: 4037.",
            "parameters": session_headers_with(&[], path_param("irn", "The 64-hex-character IRN.",
                    "706daeccda0ef6f818da78f3a2a05a1288731057373002289b46c3229289a2e7")),
            "responses": nic_response("an EwbDetails object", json!({"EwbNo": 100000000001_i64, "Status": "ACT",
                "GenGstin": "29AAACB1234C1Z5", "EwbDt": "2026-11-25 19:29:00", "EwbValidTill": "2026-11-26 23:59:00"}))
        }),
    );
    put(
        "/ewaybillapi/v1.03/ewayapi",
        "post",
        json!({
            "tags": ["NIC: e-way bill"], "operationId": "cancelEwb", "summary": "Cancel EWB (action CANEWB)",
            "description": "Cancels an e-way bill of yours within 24 hours of its generation. Body \
                `{\"action\":\"CANEWB\",\"data\":\"<base64 AES(Sek, JSON)>\"}` with JSON \
                `{\"ewbNo\",\"cancelRsnCode\" (1 Duplicate, 2 Order Cancelled, 3 Data Entry mistake, 4 Others),\"cancelRmrk\" (≤ 50)}`; \
                base64 of the JSON inside the AES layer is accepted too. The answer is the e-way bill system's envelope: \
                `{\"status\":\"1\",\"data\":\"<base64 AES(Sek, {ewayBillNo, cancelDate})>\"}` or \
                `{\"status\":\"0\",\"error\":\"<base64 of {errorCodes}>\",\"info\":\"<description>\"}`: 312 not yours or \
                already cancelled, 240 after 24 hours, 315 validity lapsed, 100 bad request, 109 decryption failed, \
                105/110/393 header problems.",
            "parameters": session_headers(),
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object",
                "required": ["action", "data"], "properties": {"action": {"type": "string", "enum": ["CANEWB"]},
                "data": {"type": "string", "description": "base64 of AES-256-ECB(Sek, the cancel JSON)"}}},
                "example": {"action": "CANEWB", "data": "q1w2e3…"}}}},
            "responses": {"200": {"description": "The e-way bill system's envelope.", "content": {"application/json": {
                "schema": {"type": "object", "properties": {"status": {"type": "string"}, "data": {"type": "string"},
                    "error": {"type": "string"}, "info": {}}},
                "examples": {"cancelled": {"value": {"status": "1", "data": "<base64>", "info": null}},
                    "refused": {"value": {"status": "0", "error": "eyJlcnJvckNvZGVzIjoiMzEyIn0=",
                        "info": "This eway bill is either not generated by you or cancelled"}}}}}}}
        }),
    );

    // Keys.
    let pem = |id: &str, summary: &str, description: &str| {
        json!({"tags": ["Keys"], "operationId": id, "summary": summary, "description": description,
               "responses": {"200": {"description": "PEM text.", "content": {"application/x-pem-file": {
                   "schema": {"type": "string"}, "example": "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkq…\n-----END PUBLIC KEY-----\n"}}}}})
    };
    put(
        "/keys/auth-public.pem",
        "get",
        pem(
            "authPublicKey",
            "Auth public key",
            "The RSA-2048 public key that encrypts your login (SubjectPublicKeyInfo PEM).",
        ),
    );
    put(
        "/keys/signing-cert.pem",
        "get",
        pem(
            "signingCertificate",
            "Signing certificate",
            "The X.509 certificate whose key signs SignedInvoice and SignedQRCode (RS256).",
        ),
    );
    put(
        "/.well-known/jwks.json",
        "get",
        json!({"tags": ["Keys"], "operationId": "jwks", "summary": "Signing key as a JWK set",
               "description": "`kid` is the upper-hex SHA-1 of the certificate, `x5t` its base64url form; the JWS header of \
                   signed invoices names the same `kid`.",
               "responses": plain_json("The JWK set.", json!({"keys": [{"kty": "RSA", "use": "sig", "alg": "RS256",
                   "kid": "EDC57DE1358B300BA9F79340A6696831F3C85047", "x5t": "7cV94TWLMAup95NApmloMfPIUEc",
                   "n": "…", "e": "AQAB"}]}))}),
    );

    // Our own API.
    put(
        "/api/v1",
        "get",
        json!({"tags": ["OpenIRP API"], "operationId": "apiIndex", "summary": "Service index",
               "description": "Name, version, mode and where everything is.",
               "responses": plain_json("The index.", json!({"name": "OpenIRP", "version": "0.1.0", "mode": "sandbox",
                   "auth": "/eivital/v1.04/auth"}))}),
    );
    put(
        "/healthz",
        "get",
        json!({"tags": ["OpenIRP API"], "operationId": "healthz", "summary": "Liveness",
               "description": "200 while the process answers HTTP (for a load balancer's liveness probe).",
               "responses": plain_json("Alive.", json!({"status": "ok"}))}),
    );
    put(
        "/readyz",
        "get",
        json!({"tags": ["OpenIRP API"], "operationId": "readyz", "summary": "Readiness",
        "description": "200 when the store answers within 2 s and the signing threads sign with the loaded key; \
            503 with what is wrong otherwise (take the node out of the load balancer).",
        "responses": {
            "200": {"description": "Ready.", "content": {"application/json": {"schema": {"type": "object"},
                "example": {"status": "ready", "store": "ok",
                    "signing": {"status": "ok", "kid": "EDC57DE1358B300BA9F79340A6696831F3C85047"}}}}},
            "503": {"description": "Not ready.", "content": {"application/json": {"schema": {"type": "object"},
                "example": {"status": "not ready", "store": "backend: store is closed",
                    "signing": {"status": "ok", "kid": "EDC57DE1358B300BA9F79340A6696831F3C85047"}}}}}
        }}),
    );
    let mut gstr1_params = session_headers();
    gstr1_params.extend([
        json!({"name": "gstin", "in": "query", "required": true, "schema": {"type": "string"},
               "description": "The GSTIN of the return: your session's own.", "example": "29AAACB1234C1Z5"}),
        json!({"name": "period", "in": "query", "required": true, "schema": {"type": "string"},
               "description": "The return period MMYYYY.", "example": "112026"}),
    ]);
    put(
        "/api/v1/gstr1",
        "get",
        json!({
            "tags": ["OpenIRP API"], "operationId": "gstr1", "summary": "GSTR-1 sections from your e-invoices",
            "description": "The GSTR-1 sections that e-invoices feed (b2b, cdnr, cdnur, exp, hsn, doc_issue) for a GSTIN \
                and month, built from its active registered e-invoices (cancelled ones only count in doc_issue), in \
                GSTN's JSON. Authenticated with the NIC session headers; plain JSON answer. See /docs/gstr1.",
            "parameters": gstr1_params,
            "responses": {
                "200": {"description": "The GSTR-1 document.", "content": {"application/json": {
                    "schema": {"type": "object"},
                    "example": {"gstin": "29AAACB1234C1Z5", "fp": "112026", "b2b": [{"ctin": "27AAACB1234C1Z7",
                        "inv": [{"inum": "INV/1", "idt": "25-11-2026", "val": 1180.00, "pos": "27", "rchrg": "N",
                        "inv_typ": "R", "itms": [{"num": 1801, "itm_det": {"txval": 1000.00, "rt": 18,
                        "iamt": 180.00, "camt": 0.00, "samt": 0.00, "csamt": 0.00}}]}]}]}}}},
                "400": api_error(),
                "401": api_error(),
                "403": api_error()
            }
        }),
    );
    put(
        "/api/v1/validate",
        "post",
        json!({
            "tags": ["OpenIRP API"], "operationId": "validatePlain", "summary": "Validate an invoice (plain JSON)",
            "description": "Runs every rule on a plain (unencrypted) INV-01 document without authentication and \
                without registering anything. The optional `Gstin` header names the sender (default: the seller).",
            "parameters": [{"name": "Gstin", "in": "header", "required": false, "schema": {"type": "string"},
                            "description": "The sender's GSTIN (default: SellerDtls.Gstin)."}],
            "requestBody": {"required": true, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Invoice"}, "example": invoice_example()}}},
            "responses": {
                "200": {"description": "The verdict.", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Verdict"},
                    "examples": {
                        "valid": {"value": {"valid": true, "irn": "2ecc42a8e81dcbbb56923e4bd046c861ce7374060bd31875ce35447e922c9399",
                                             "errors": [], "warnings": []}},
                        "invalid": {"value": {"valid": false, "errors": [{"rule": "item-igst", "code": "2235",
                            "message": "Invalid IGST amount", "pointer": "/ItemList/0/IgstAmt", "severity": "error"}],
                            "warnings": []}}
                    }}}},
                "400": api_error(),
                "503": api_error()
            }
        }),
    );
    put(
        "/api/v1/errors",
        "get",
        json!({"tags": ["OpenIRP API"], "operationId": "errorCatalogue", "summary": "Error catalogue",
               "description": "Every error and warning the rules can raise, with message, field, cause and fix.",
               "responses": plain_json("The catalogue.", json!({"errors": [{"code": "2189", "message": "Invalid invoice value",
                   "rule": "invoice-total", "field": "/ValDtls/TotInvVal",
                   "cause": "TotInvVal differs from the sum of item totals plus charges minus discount by more than 1.",
                   "fix": "Recompute TotInvVal.", "severity": "error"}]}))}),
    );
    put(
        "/api/v1/schema/inv-01.json",
        "get",
        json!({"tags": ["OpenIRP API"], "operationId": "inv01Schema", "summary": "INV-01 JSON Schema",
               "description": "The INV-01 v1.1 document schema (JSON Schema draft 2020-12).",
               "responses": {"200": {"description": "The schema.", "content": {"application/schema+json": {
                   "schema": {"type": "object"}}}}}}),
    );

    // Sandbox test data.
    put(
        "/sandbox/v1/taxpayers",
        "post",
        json!({
            "tags": ["Sandbox test data"], "operationId": "createTaxpayer", "summary": "Create a test taxpayer",
            "description": "In one call: a checksum-valid dummy GSTIN in the state, its master record, a client id and \
                secret, and an API user with a password. The secret and password appear only in this answer.",
            "requestBody": {"required": true, "content": {"application/json": {
                "schema": {"type": "object", "required": ["state_code"], "additionalProperties": false, "properties": {
                    "state_code": {"type": ["string", "integer"], "description": "GST state code, e.g. \"29\"."},
                    "pan": {"type": "string"}, "legal_name": {"type": "string"}, "trade_name": {"type": "string"},
                    "aato_crore": {"type": "number", "description": "Turnover in crore rupees (drives the 30-day reporting window)."}}},
                "example": {"state_code": "29"}}}},
            "responses": {
                "201": {"description": "Created.", "content": {"application/json": {"example": {
                    "gstin": "29ABCDE1234F1Z5", "client_id": "AAFCO26TXP1234AB", "client_secret": "…",
                    "username": "sbx_user01", "password": "…", "state_code": "29", "state_name": "Karnataka",
                    "auth_public_key_url": "/keys/auth-public.pem", "signing_certificate_url": "/keys/signing-cert.pem",
                    "token_minutes": 360}}}},
                "400": api_error(), "409": api_error()
            }
        }),
    );
    put(
        "/sandbox/v1/gstins",
        "post",
        json!({
            "tags": ["Sandbox test data"], "operationId": "putGstin", "summary": "Add a GSTIN master record",
            "description": "Adds or replaces a GSTIN with a chosen status (ACT, CNL, INA, PRO, SUS) and type (REG, COM, \
                SEZ, SEZU, SEZD, TCS, TDS, ISD, NRT, UNB), to exercise the party rules (3028, 3029, 3074–3079, 2231…).",
            "requestBody": {"required": true, "content": {"application/json": {
                "schema": {"type": "object", "required": ["gstin"], "additionalProperties": false, "properties": {
                    "gstin": {"type": "string"}, "status": {"type": "string"}, "txp_type": {"type": "string"},
                    "legal_name": {"type": "string"}, "trade_name": {"type": "string"}, "pincode": {"type": "integer"},
                    "dt_reg": {"type": "string", "description": "yyyy-mm-dd"}, "dt_dreg": {"type": "string"},
                    "blk_status": {"type": "string"}, "checksum_exempt": {"type": "boolean"},
                    "aato_crore": {"type": "number"}}},
                "example": {"gstin": "27AAPFU0939F1ZV", "status": "CNL", "dt_dreg": "2024-03-31"}}}},
            "responses": {
                "201": {"description": "The record, in the Get GSTIN details shape.",
                        "content": {"application/json": {"example": gstin_example()}}},
                "400": api_error()
            }
        }),
    );
    put(
        "/sandbox/v1/faults",
        "post",
        json!({
            "tags": ["Sandbox test data"], "operationId": "armFault", "summary": "Drop or slow down Generate IRN answers",
            "description": "`{\"drop_next_generate_response\": true}` makes the next successful Generate IRN commit and \
                then close the connection without an answer, once: the timeout-then-2150 case a client must survive. \
                `{\"gstin\": \"29AAACB1234C1Z5\", \"generate_delay_ms\": 5000}` holds every Generate IRN of that \
                GSTIN's sessions that long before it is stored (at most 120000; 0 ends it), to test a client's \
                timeouts against a slow IRP without slowing anyone else. Give either or both.",
            "requestBody": {"required": true, "content": {"application/json": {
                "schema": {"type": "object", "additionalProperties": false, "minProperties": 1, "properties": {
                    "drop_next_generate_response": {"type": "boolean"},
                    "generate_delay_ms": {"type": "integer", "minimum": 0, "maximum": 120000},
                    "gstin": {"type": "string", "minLength": 15, "maxLength": 15}}},
                "example": {"drop_next_generate_response": true}}}},
            "responses": {"200": {"description": "The drop switch as it now is, and the hold just set, if any.",
                "content": {"application/json": {"example": {"drop_next_generate_response": true}}}},
                          "400": api_error()}
        }),
    );
    let clock_example = json!({"now": "2026-11-25 12:30:00", "offset_seconds": 0});
    put(
        "/sandbox/v1/clock",
        "get",
        json!({"tags": ["Sandbox test data"], "operationId": "getClock", "summary": "Read the server clock",
               "responses": plain_json("Now (IST) and the shift from the machine clock.", clock_example.clone())}),
    );
    put(
        "/sandbox/v1/clock",
        "post",
        json!({
            "tags": ["Sandbox test data"], "operationId": "moveClock", "summary": "Move the server clock",
            "description": "`{\"advance_seconds\": n}` moves it forward (or back with a negative n); `{\"reset\": true}` \
                returns to the machine clock. Use it to test the 24-hour cancel window and token expiry.",
            "requestBody": {"required": true, "content": {"application/json": {
                "schema": {"type": "object", "additionalProperties": false, "properties": {
                    "advance_seconds": {"type": "integer"}, "reset": {"type": "boolean"}}},
                "example": {"advance_seconds": 90000}}}},
            "responses": {"200": {"description": "The new clock.", "content": {"application/json": {"example": clock_example}}},
                          "400": api_error()}
        }),
    );

    // The portal's machine-readable status.
    put(
        "/status.json",
        "get",
        json!({"tags": ["OpenIRP API"], "operationId": "status", "summary": "Service status",
               "description": "Version, mode, uptime, store health and the recent error rate of portal pages.",
               "responses": plain_json("The status.", json!({"version": "0.1.0", "mode": "sandbox", "uptime_seconds": 3600,
                   "store": {"ok": true, "latency_ms": 0.4},
                   "requests": {"window_minutes": 15, "total": 120, "client_errors": 3, "server_errors": 0}}))}),
    );

    put_console_helpers(&mut put);

    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "OpenIRP e-Invoice API",
            "version": env!("CARGO_PKG_VERSION"),
            "summary": "NIC-compatible Invoice Registration Portal API, plus OpenIRP's own endpoints.",
            "description": "The NIC e-invoice API (auth v1.04 and v1.03, masters, generate, cancel, get) as an IRP serves \
                it, OpenIRP's plain-JSON helpers under /api/v1, key publication, and in sandbox mode the test-data API. \
                NIC calls answer HTTP 200 with an envelope `{Status, ErrorDetails, Data, InfoDtls}`: read `Status`. \
                Request and response `Data` are AES-256-ECB encrypted with the session key, so \"Try it out\" here shows \
                the shapes; use the guide at /docs and the console at /console for real calls.",
            "license": {"name": "See the project licence", "identifier": "Apache-2.0"}
        },
        "servers": [{"url": "/", "description": "This server"}],
        "tags": [
            {"name": "NIC: authentication", "description": "Log in and get a session key."},
            {"name": "NIC: e-invoice", "description": "Generate, validate, cancel and read e-invoices."},
            {"name": "NIC: e-way bill", "description": "E-way bills from IRNs: generate, read, cancel."},
            {"name": "NIC: masters", "description": "GSTIN master and liveness."},
            {"name": "Keys", "description": "Public keys and certificates, no authentication."},
            {"name": "OpenIRP API", "description": "Plain JSON helpers (no encryption)."},
            {"name": "Sandbox test data", "description": "Sandbox mode only: make test taxpayers and move the clock."},
            {"name": "Portal crypto helpers", "description": "For a signed-in developer checking their own code step by step: \
                the portal session cookie and the page's CSRF token (header `X-CSRF-Token`) are required, as in the console."}
        ],
        "paths": Value::Object(paths),
        "components": components()
    })
}

/// The Try-it console's JSON endpoints: the crypto a browser cannot do, bound to the portal session.
fn put_console_helpers(put: &mut impl FnMut(&str, &str, Value)) {
    let csrf = json!([{"name": "X-CSRF-Token", "in": "header", "required": true,
        "description": "The `csrf` value of any portal page's forms, for this browser.", "schema": {"type": "string"}}]);
    let helper = |id: &str, summary: &str, request: Value, answer: Value| {
        json!({
            "tags": ["Portal crypto helpers"], "operationId": id, "summary": summary,
            "parameters": csrf.clone(),
            "requestBody": {"required": true, "content": {"application/json": {"example": request}}},
            "responses": {"200": {"description": "The result.", "content": {"application/json": {"example": answer}}},
                          "303": {"description": "Not signed in: to /login."},
                          "400": api_error(),
                          "403": {"description": "CSRF token missing or not this browser's."}}
        })
    };
    put(
        "/console/api/encrypt-login",
        "post",
        helper(
            "consoleEncryptLogin",
            "RSA-encrypt a v1.04 login JSON with the server's auth public key",
            json!({"json": "{\"UserName\":\"api_user\",\"Password\":\"…\",\"AppKey\":\"…\",\"ForceRefreshAccessToken\":false}"}),
            json!({"base64_json_length": 160, "data": "base64 RSA ciphertext", "body": "{\"Data\":\"…\"}"}),
        ),
    );
    put(
        "/console/api/aes-encrypt",
        "post",
        helper(
            "consoleAesEncrypt",
            "AES-256-ECB-PKCS7 encrypt text with a base64 key (SEK or AppKey)",
            json!({"key_b64": "base64 of 32 bytes", "plain": "{\"Irn\":\"…\"}"}),
            json!({"data_b64": "base64 ciphertext"}),
        ),
    );
    put(
        "/console/api/aes-decrypt",
        "post",
        helper(
            "consoleAesDecrypt",
            "AES-256-ECB-PKCS7 decrypt base64 data with a base64 key",
            json!({"key_b64": "base64 of 32 bytes", "data_b64": "base64 ciphertext"}),
            json!({"plain": "{\"Irn\":\"…\"}"}),
        ),
    );
    put(
        "/console/api/verify-jws",
        "post",
        helper(
            "consoleVerifyJws",
            "Check a SignedInvoice or SignedQRCode against this server's signing certificate",
            json!({"jws": "eyJhbGciOiJSUzI1NiIs…"}),
            json!({"valid": true, "reason": null, "header": {"alg": "RS256", "kid": "…"},
                "payload": {"data": "…", "iss": "…"}, "data": {"Irn": "…"}}),
        ),
    );
    put(
        "/console/api/qr",
        "post",
        helper(
            "consoleQr",
            "Draw a QR code (PNG) of any text, e.g. a SignedQRCode",
            json!({"text": "eyJhbGciOiJSUzI1NiIs…"}),
            json!("image/png bytes"),
        ),
    );
}

fn header_param(name: &str, description: &str, example: &str) -> Value {
    json!({"name": name, "in": "header", "required": true, "description": description,
           "schema": {"type": "string"}, "example": example})
}

fn components() -> Value {
    json!({
        "parameters": {
            "client_id": header_param("client_id", "Your API client id (portal: Workspace → Credentials). `client-id` is accepted too.", "AAFCO26TXP1234AB"),
            "client_secret": header_param("client_secret", "The matching client secret.", "your-client-secret"),
            "Gstin": header_param("Gstin", "The GSTIN of the API user (and of the token).", "29AAAAA0000A1ZY"),
            "user_name": header_param("user_name", "The API user name that obtained the token.", "sbx_user01"),
            "AuthToken": header_param("AuthToken", "The token from authentication.", "1a2B3c4D5e6F7g8H9i0J1k2L3"),
            "sup_gstin": {"name": "sup_gstin", "in": "header", "required": false, "schema": {"type": "string"},
                          "description": "Supplier GSTIN, when an e-commerce operator reads on a supplier's behalf."}
        },
        "schemas": {
            "ErrorDetail": {"type": "object", "required": ["ErrorCode", "ErrorMessage"], "properties": {
                "ErrorCode": {"type": "string", "description": "NIC code, e.g. \"2150\". See /docs/errors."},
                "ErrorMessage": {"type": "string"}}},
            "InfoDetail": {"type": "object", "required": ["InfCd", "Desc"], "properties": {
                "InfCd": {"type": "string", "description": "DUPIRN, ADDNLNFO, EWBERR, …"},
                "Desc": {"description": "A string, an object or an array, by InfCd."}}},
            "Envelope": {"type": "object", "required": ["Status"], "properties": {
                "Status": {"type": "integer", "enum": [0, 1], "description": "1 success, 0 failure."},
                "ErrorDetails": {"type": ["array", "null"], "items": {"$ref": "#/components/schemas/ErrorDetail"}},
                "Data": {"description": "Success: base64 AES-256-ECB(Sek) of the result JSON (auth: a plain object). Failure: null.",
                         "type": ["string", "object", "null"]},
                "InfoDtls": {"type": ["array", "null"], "items": {"$ref": "#/components/schemas/InfoDetail"}}}},
            "EncryptedRequest": {"type": "object", "required": ["Data"], "properties": {
                "Data": {"type": "string", "description": "base64 of AES-256-ECB-PKCS7(Sek, UTF-8 JSON)."}}},
            "AuthRequestV104": {"type": "object", "required": ["Data"], "properties": {
                "Data": {"type": "string", "description": "base64(RSA-PKCS#1-v1.5(auth public key, base64(login JSON)))."}}},
            "AuthRequestV103": {"type": "object", "required": ["data"], "properties": {"data": {"type": "object",
                "required": ["UserName", "Password", "AppKey"], "properties": {
                    "UserName": {"type": "string"},
                    "Password": {"type": "string", "description": "base64(RSA(password))"},
                    "AppKey": {"type": "string", "description": "base64(RSA(32 key bytes))"},
                    "ForceRefreshAccessToken": {"type": ["boolean", "string"]}}}}},
            "AuthData": {"type": "object", "properties": {
                "ClientId": {"type": "string"}, "UserName": {"type": "string"}, "AuthToken": {"type": "string"},
                "Sek": {"type": "string", "description": "base64 AES-256-ECB-PKCS7(AppKey, 32-byte session key): 64 characters."},
                "TokenExpiry": {"type": "string", "description": "yyyy-MM-dd HH:mm:ss (IST)."}}},
            "IrnData": {"type": "object", "properties": {
                "AckNo": {"type": "integer"}, "AckDt": {"type": "string"}, "Irn": {"type": "string"},
                "SignedInvoice": {"type": "string", "description": "RS256 JWS."},
                "SignedQRCode": {"type": "string", "description": "RS256 JWS to print as a QR code."},
                "Status": {"type": "string", "enum": ["ACT", "CNL"]},
                "EwbNo": {"type": ["integer", "null"]}, "EwbDt": {"type": ["string", "null"]},
                "EwbValidTill": {"type": ["string", "null"]}, "Remarks": {"type": ["string", "null"]}}},
            "GstinDetails": {"type": "object", "properties": {
                "Gstin": {"type": "string"}, "TradeName": {"type": ["string", "null"]}, "LegalName": {"type": "string"},
                "StateCode": {"type": "integer"}, "AddrPncd": {"type": ["integer", "null"]},
                "TxpType": {"type": "string"}, "Status": {"type": "string"},
                "DtReg": {"type": ["string", "null"]}, "DtDReg": {"type": ["string", "null"]}}},
            "Invoice": {"type": "object", "description": "An INV-01 v1.1 document; the full schema is at /api/v1/schema/inv-01.json.",
                "required": ["Version", "TranDtls", "DocDtls", "SellerDtls", "BuyerDtls", "ItemList", "ValDtls"]},
            "Verdict": {"type": "object", "properties": {
                "valid": {"type": "boolean"}, "irn": {"type": "string"},
                "errors": {"type": "array", "items": {"type": "object"}},
                "warnings": {"type": "array", "items": {"type": "object"}}}},
            "ApiError": {"type": "object", "properties": {"error": {"type": "string"}}}
        }
    })
}

/// NIC header names and the Postman variables that carry them.
const HEADER_VARIABLES: &[(&str, &str)] = &[
    ("client_id", "client_id"),
    ("client_secret", "client_secret"),
    ("gstin", "gstin"),
    ("user_name", "user_name"),
    ("authtoken", "auth_token"),
];

/// Follows a local `$ref` (`#/components/…`) once.
fn resolve<'a>(doc: &'a Value, item: &'a Value) -> &'a Value {
    match item.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference
            .strip_prefix("#/")
            .map(|p| p.split('/').fold(doc, |v, key| &v[key]))
            .unwrap_or(item),
        None => item,
    }
}

/// A Postman v2.1 collection with one request per OpenAPI operation, in folders by tag.
pub fn postman_collection(doc: &Value) -> Value {
    let mut folders: Vec<(String, Vec<Value>)> = Vec::new();
    let methods = ["get", "put", "post", "delete", "patch", "head", "options"];
    let empty = Map::new();
    let paths = doc["paths"].as_object().unwrap_or(&empty);
    for (path, item) in paths {
        for method in methods {
            let Some(op) = item.get(method) else { continue };
            let request = postman_request(doc, path, method, op);
            let tag = op["tags"][0].as_str().unwrap_or("Other").to_string();
            match folders.iter_mut().find(|(name, _)| *name == tag) {
                Some((_, items)) => items.push(request),
                None => folders.push((tag, vec![request])),
            }
        }
    }
    let items: Vec<Value> = folders
        .into_iter()
        .map(|(name, item)| json!({"name": name, "item": item}))
        .collect();
    let variable: Vec<Value> = [
        ("baseUrl", "http://127.0.0.1:8080"),
        ("client_id", ""),
        ("client_secret", ""),
        ("gstin", ""),
        ("user_name", ""),
        ("auth_token", ""),
    ]
    .iter()
    .map(|(k, v)| json!({"key": k, "value": v, "type": "string"}))
    .collect();
    json!({
        "info": {
            "name": doc["info"]["title"],
            "description": "Generated from /api-docs/openapi.json. NIC request bodies must carry `Data` encrypted with \
                your session key (see /docs/authentication); the bodies here are the plain examples.",
            "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
            "_postman_id": "openirp"
        },
        "item": items,
        "variable": variable
    })
}

fn postman_request(doc: &Value, path: &str, method: &str, op: &Value) -> Value {
    let mut headers = Vec::new();
    let mut query = Vec::new();
    let mut path_vars = Vec::new();
    let no_params = Vec::new();
    for param in op["parameters"].as_array().unwrap_or(&no_params) {
        let param = resolve(doc, param);
        let name = param["name"].as_str().unwrap_or_default();
        let required = param["required"].as_bool().unwrap_or(false);
        let example = param["example"].as_str().unwrap_or_default();
        match param["in"].as_str() {
            Some("header") => {
                let value = HEADER_VARIABLES
                    .iter()
                    .find(|(h, _)| h.eq_ignore_ascii_case(name))
                    .map(|(_, var)| format!("{{{{{var}}}}}"))
                    .unwrap_or_else(|| example.to_string());
                headers.push(json!({"key": name, "value": value, "disabled": !required,
                                    "description": param["description"]}));
            }
            Some("query") => query
                .push(json!({"key": name, "value": example, "disabled": !required,
                                               "description": param["description"]})),
            Some("path") => path_vars.push(json!({"key": name, "value": example})),
            _ => {}
        }
    }
    // Postman writes path parameters as `:name`.
    let segments: Vec<String> = path
        .trim_start_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .map(
            |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => format!(":{name}"),
                None => s.to_string(),
            },
        )
        .collect();
    let mut raw = format!("{{{{baseUrl}}}}/{}", segments.join("/"));
    let enabled: Vec<String> = query
        .iter()
        .filter(|q| q["disabled"] == false)
        .map(|q| {
            format!(
                "{}={}",
                q["key"].as_str().unwrap_or_default(),
                q["value"].as_str().unwrap_or_default()
            )
        })
        .collect();
    if !enabled.is_empty() {
        raw = format!("{raw}?{}", enabled.join("&"));
    }
    let mut request = json!({
        "method": method.to_ascii_uppercase(),
        "header": headers,
        "url": {"raw": raw, "host": ["{{baseUrl}}"], "path": segments, "query": query, "variable": path_vars},
        "description": op["description"].as_str().or(op["summary"].as_str()).unwrap_or_default()
    });
    if let Some(body) = body_example(doc, op) {
        if let Some(obj) = request.as_object_mut() {
            obj.insert(
                "body".into(),
                json!({"mode": "raw", "raw": body, "options": {"raw": {"language": "json"}}}),
            );
        }
        if let Some(list) = request["header"].as_array_mut() {
            list.push(json!({"key": "Content-Type", "value": "application/json"}));
        }
    }
    json!({"name": op["summary"], "request": request})
}

/// The request body example as pretty JSON: the plain (pre-encryption) one where there is one, since
/// that is what a developer edits before encrypting.
fn body_example(doc: &Value, op: &Value) -> Option<String> {
    let content = &resolve(doc, &op["requestBody"])["content"]["application/json"];
    if content.is_null() {
        return None;
    }
    let example = if !content["example"].is_null() {
        &content["example"]
    } else if !content["examples"]["plain"]["value"].is_null() {
        &content["examples"]["plain"]["value"]
    } else {
        content["examples"]
            .as_object()
            .and_then(|m| m.values().next())
            .map(|e| &e["value"])?
    };
    serde_json::to_string_pretty(example).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_becomes_one_request() {
        let doc = document(true);
        let operations: usize = doc["paths"]
            .as_object()
            .map(|p| p.values().map(|i| i.as_object().map_or(0, Map::len)).sum())
            .unwrap_or(0);
        let collection = postman_collection(&doc);
        let requests: usize = collection["item"]
            .as_array()
            .map(|f| {
                f.iter()
                    .map(|f| f["item"].as_array().map_or(0, Vec::len))
                    .sum()
            })
            .unwrap_or(0);
        assert!(operations > 25);
        assert_eq!(operations, requests);
    }

    #[test]
    fn every_local_reference_resolves() {
        let doc = document(true);
        let text = doc.to_string();
        for piece in text.split("\"$ref\":\"#/").skip(1) {
            let target = piece.split('"').next().unwrap_or_default();
            let found = target.split('/').fold(&doc, |v, key| &v[key]);
            assert!(!found.is_null(), "dangling $ref #/{target}");
        }
    }

    #[test]
    fn production_has_no_sandbox_paths() {
        let doc = document(false);
        let paths = doc["paths"]
            .as_object()
            .map(|p| p.keys().cloned().collect::<Vec<_>>());
        assert!(paths.is_some_and(|p| p.iter().all(|k| !k.starts_with("/sandbox/"))));
    }
}
