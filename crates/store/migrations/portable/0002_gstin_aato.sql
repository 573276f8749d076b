-- The taxpayer's aggregate annual turnover in crore rupees (a decimal as text): it decides the
-- 30-day reporting window and the 6-digit HSN rule. NULL when the master does not know it.
ALTER TABLE gstins ADD COLUMN aato_crore TEXT;
