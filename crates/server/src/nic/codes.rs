//! NIC error codes and their messages, verbatim: clients match on them.

/// A NIC error: code and message.
pub type Code = (&'static str, &'static str);

pub const HEADER_GSTIN_REQUIRED: Code = ("1004", "Header GSTIN is required");
pub const INVALID_TOKEN: Code = ("1005", "Invalid Token");
pub const USER_NAME_REQUIRED: Code = ("1006", "User Name is required");
pub const AUTH_FAILED: Code = ("1007", "Authentication failed. Pls. inform the helpdesk");
pub const INVALID_CLIENT: Code = ("1010", "Invalid Client-ID/Client-Secret");
pub const CLIENT_ID_REQUIRED: Code = ("1011", "Client Id is required");
pub const CLIENT_SECRET_REQUIRED: Code = ("1012", "Client Secret is required");
pub const PASSWORD_DECRYPTION_FAILED: Code = ("1013", "Decryption of password failed");
pub const INACTIVE_USER: Code = ("1014", "Inactive User");
pub const INVALID_GSTIN_FOR_USER: Code = ("1015", "Invalid GSTIN for this user");
pub const APP_KEY_DECRYPTION_FAILED: Code = ("1016", "Decryption of App Key failed");
pub const UNKNOWN_USER: Code = ("1017", "Incorrect user id/User does not exists");
pub const CLIENT_NOT_MAPPED: Code = ("1018", "Client Id is not mapped to this user");
pub const INCORRECT_PASSWORD: Code = ("1019", "Incorrect Password");
pub const DECRYPTION_FAILED: Code = ("1020", "Decryption failed");

/// The code given to schema violations; NIC does not document one, so we use its generic validation code.
pub const SCHEMA_INVALID: &str = "2140";
pub const INCOMPLETE_PARAMETERS: Code = ("2142", "Incomplete request parameters");
pub const NOT_OWNER: Code = ("2143", "Invoice does not belongs to the user GSTIN");
pub const DOC_DATE_FORMAT: Code = ("2144", "Document date should be in the format (dd/MM/yyyy)");
pub const IRN_INVALID: Code = ("2145", "IRN is not valid");
pub const IRN_DATA_NOT_AVAILABLE: Code = ("2148", "Requested IRN data is not available");
pub const DUPLICATE_IRN: Code = ("2150", "Duplicate IRN");
pub const IRN_NOT_FOUND: Code = ("2154", "IRN details are not found");
pub const INVALID_DOC_TYPE: Code = ("2161", "Invalid Document Type");
pub const DATE_INVALID: Code = (
    "2218",
    "The date must be lesser or equal to todays date (or) please check the date format",
);
pub const NOT_AUTHORISED_TO_GET: Code = ("2226", "You are not authorised to get IRN data");
pub const CANCEL_TIME_LIMIT: Code = (
    "2270",
    "The allowed cancellation time limit is crossed, you cannot cancel the IRN",
);
pub const CANCELLED_DOC_NUMBER: Code = (
    "2278",
    "IRN is already generated and is cancelled for this Document Number",
);
pub const OLDER_THAN_TWO_DAYS: Code = (
    "2283",
    "IRN details cannot be provided as it is generated more than 2 days ago",
);
pub const REQUESTED_DATA_NOT_AVAILABLE: Code = ("3001", "Requested data is not available");
pub const INVALID_GSTIN: Code = ("3030", "Invalid Gstin");
pub const APPLICATION_ERROR: Code = ("5001", "Application Error, Please Contact the help desk");
pub const BODY_TOO_LARGE: Code = ("5002", "Request body too large");
pub const DATA_EMPTY: Code = ("5003", "Data cannot be null or empty");
pub const INVOICE_NOT_ACTIVE: Code = ("9999", "Invoice is not active");

pub const EWB_BLOCKS_CANCEL: Code = (
    "2230",
    "This IRN cannot be cancelled because e-way bill has been generated, you can cancel e-way bill and then try cancelling IRN",
);
pub const EWB_IRN_NOT_ACTIVE: Code = ("4000", "Status of the IRN is not active");
pub const EWB_ALREADY_GENERATED: Code = ("4002", "EwayBill is already generated for this IRN");
pub const EWB_IRN_NOT_AVAILABLE: Code = ("4003", "Requested IRN data is not available");
pub const EWB_NOT_FOUND: Code = ("4005", "Eway Bill details are not found");
pub const EWB_PARAMETER_EMPTY: Code = ("4006", "Requesting parameter cannot be empty");
pub const EWB_BLOCKED_USER: Code = (
    "4015",
    "EWayBill will not be generated for blocked User -{0}",
);
pub const EWB_NOT_AUTHORISED: Code = ("4037", "You are not authorised to get data");
