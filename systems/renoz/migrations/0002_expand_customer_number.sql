-- Expand: new nullable columns, no default, so adding them rewrites nothing. Old code keeps
-- working; nothing reads them yet.
SET lock_timeout = '5s';

ALTER TABLE customers ADD COLUMN customer_number text;

ALTER TABLE orders ADD COLUMN billing_address_id uuid;
