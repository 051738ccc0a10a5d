-- schemactl:no-transaction
-- Indexes built without blocking writes, before the backfill so lookups stay fast.
SET lock_timeout = '5s';

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS customers_organization_id_customer_number_unique
    ON customers (organization_id, customer_number);

CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_organization_id_billing_address_id_idx
    ON orders (organization_id, billing_address_id);
