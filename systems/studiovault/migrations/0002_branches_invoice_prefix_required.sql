-- Every branch needs an invoice prefix (e.g. BLR-) before invoices are numbered per branch.
-- SQLite cannot add NOT NULL or a CHECK to an existing column, so the table is rebuilt:
-- create the new shape, copy the rows, drop the old table, rename. `schemactl apply` turns
-- foreign keys off around this file (users, clients, projects... reference branches) and
-- runs `PRAGMA foreign_key_check` before it commits.
CREATE TABLE branches_new (
    org_id TEXT NOT NULL,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    address_json TEXT,
    tax_json TEXT,
    invoice_prefix TEXT NOT NULL,
    created_at INTEGER,
    version INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT branches_pkey PRIMARY KEY (id),
    CONSTRAINT branches_org_id_id_unique UNIQUE (org_id, id),
    CONSTRAINT branches_id_prefix_check CHECK (substr(id, 1, 4) = 'brn_'),
    CONSTRAINT branches_version_positive_check CHECK (version >= 1),
    CONSTRAINT branches_invoice_prefix_format_check CHECK (invoice_prefix GLOB '[A-Z]*-'),
    CONSTRAINT branches_org_id_fk FOREIGN KEY (org_id) REFERENCES organizations (id)
);

-- Branches without a prefix get `BR-`; the version moves on so open editors see a conflict.
INSERT INTO branches_new (org_id, id, name, address_json, tax_json, invoice_prefix, created_at, version)
SELECT org_id, id, name, address_json, tax_json,
       COALESCE(invoice_prefix, 'BR-'),
       created_at,
       version + CASE WHEN invoice_prefix IS NULL THEN 1 ELSE 0 END
FROM branches;

DROP TABLE branches;

ALTER TABLE branches_new RENAME TO branches;
