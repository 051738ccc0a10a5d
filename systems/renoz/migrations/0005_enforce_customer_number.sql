-- schemactl:no-transaction
-- Contract: enforce after the backfill. Each constraint is added NOT VALID (a brief lock, no
-- scan) and validated in its own transaction (a scan that does not block writes).
SET lock_timeout = '5s';

ALTER TABLE customers ADD CONSTRAINT customers_customer_number_format_check
    CHECK (customer_number ~ '^C-[0-9a-f]{32}$') NOT VALID;

ALTER TABLE customers VALIDATE CONSTRAINT customers_customer_number_format_check;

-- NOT NULL through a validated CHECK: SET NOT NULL then trusts it and skips the table scan.
ALTER TABLE customers ADD CONSTRAINT customers_customer_number_not_null_check
    CHECK (customer_number IS NOT NULL) NOT VALID;

ALTER TABLE customers VALIDATE CONSTRAINT customers_customer_number_not_null_check;

ALTER TABLE customers ALTER COLUMN customer_number SET NOT NULL;

ALTER TABLE customers DROP CONSTRAINT customers_customer_number_not_null_check;

ALTER TABLE orders ADD CONSTRAINT orders_organization_id_billing_address_id_fk
    FOREIGN KEY (organization_id, billing_address_id) REFERENCES addresses (organization_id, id)
    NOT VALID;

ALTER TABLE orders VALIDATE CONSTRAINT orders_organization_id_billing_address_id_fk;
