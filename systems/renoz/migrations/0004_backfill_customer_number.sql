-- schemactl:no-transaction
-- Backfill in batches of 1000 rows, each committed on its own, so no statement holds row
-- locks for long and a failure keeps the batches already done.
SET lock_timeout = '5s';

DO $$
DECLARE
    done integer;
BEGIN
    LOOP
        UPDATE customers
        SET customer_number = 'C-' || replace(id::text, '-', '')
        WHERE id IN (
            SELECT id FROM customers
            WHERE customer_number IS NULL
            ORDER BY id
            LIMIT 1000
            FOR UPDATE SKIP LOCKED
        );
        GET DIAGNOSTICS done = ROW_COUNT;
        EXIT WHEN done = 0;
        COMMIT;
    END LOOP;
END
$$;

-- Orders without a billing address of their customer keep NULL; keyset batches over id.
DO $$
DECLARE
    last_id uuid := '00000000-0000-0000-0000-000000000000';
    batch_end uuid;
BEGIN
    LOOP
        SELECT id INTO batch_end
        FROM (SELECT id FROM orders WHERE id > last_id ORDER BY id LIMIT 1000) AS batch
        ORDER BY id DESC
        LIMIT 1;
        EXIT WHEN batch_end IS NULL;
        UPDATE orders AS o
        SET billing_address_id = (
            SELECT a.id FROM addresses AS a
            WHERE a.organization_id = o.organization_id
              AND a.customer_id = o.customer_id
              AND a.kind = 'billing'
            ORDER BY a.created_at, a.id
            LIMIT 1
        )
        WHERE o.id > last_id AND o.id <= batch_end AND o.billing_address_id IS NULL;
        last_id := batch_end;
        COMMIT;
    END LOOP;
END
$$;
