//! Renoz v3, the "idealized schema" (PostgreSQL): one domain per section of the document,
//! UUID keys, `numeric(12,2)` money, JSONB only for `metadata`, `created_by`/`updated_by` on
//! operational tables, `deleted_at` only where retention justifies it, outbox-driven search.
//!
//! Tenancy is the organization (`organization_id`), with tenant-safe composite references and
//! row-level security on `app.organization_id`.
//! The expand/contract change (`customers.customer_number`) lives in hand-written migrations
//! `0002`..`0004`; the declaration here is the state `0001_initial.sql` creates.

use schemactl::prelude::*;

// Settings
pub const ORGANIZATIONS: TableRef = TableRef::new("organizations");
pub const SYSTEM_SETTINGS: TableRef = TableRef::new("system_settings");
pub const CUSTOM_FIELDS: TableRef = TableRef::new("custom_fields");
pub const BUSINESS_HOURS: TableRef = TableRef::new("business_hours");
pub const HOLIDAYS: TableRef = TableRef::new("holidays");
// Users
pub const USERS: TableRef = TableRef::new("users");
pub const MEMBERSHIPS: TableRef = TableRef::new("organization_memberships");
pub const USER_INVITATIONS: TableRef = TableRef::new("user_invitations");
pub const USER_SESSIONS: TableRef = TableRef::new("user_sessions");
// Customers
pub const CUSTOMERS: TableRef = TableRef::new("customers");
pub const CONTACTS: TableRef = TableRef::new("contacts");
pub const ADDRESSES: TableRef = TableRef::new("addresses");
pub const CUSTOMER_ACTIVITIES: TableRef = TableRef::new("customer_activities");
// Pipeline
pub const OPPORTUNITIES: TableRef = TableRef::new("opportunities");
pub const QUOTES: TableRef = TableRef::new("quotes");
pub const QUOTE_VERSIONS: TableRef = TableRef::new("quote_versions");
pub const WIN_LOSS_REASONS: TableRef = TableRef::new("win_loss_reasons");
// Orders
pub const ORDERS: TableRef = TableRef::new("orders");
pub const ORDER_LINE_ITEMS: TableRef = TableRef::new("order_line_items");
pub const ORDER_SHIPMENTS: TableRef = TableRef::new("order_shipments");
// Products
pub const PRODUCT_CATEGORIES: TableRef = TableRef::new("product_categories");
pub const PRODUCTS: TableRef = TableRef::new("products");
pub const PRODUCT_PRICE_TIERS: TableRef = TableRef::new("product_price_tiers");
// Inventory
pub const LOCATIONS: TableRef = TableRef::new("locations");
pub const INVENTORY: TableRef = TableRef::new("inventory");
// Jobs
pub const JOB_ASSIGNMENTS: TableRef = TableRef::new("job_assignments");
pub const JOB_TIME_ENTRIES: TableRef = TableRef::new("job_time_entries");
// Communications
pub const EMAIL_HISTORY: TableRef = TableRef::new("email_history");
// Financial
pub const CREDIT_NOTES: TableRef = TableRef::new("credit_notes");
pub const PAYMENT_SCHEDULES: TableRef = TableRef::new("payment_schedules");
pub const PAYMENT_REMINDER_SETTINGS: TableRef = TableRef::new("payment_reminder_settings");
// Suppliers
pub const SUPPLIERS: TableRef = TableRef::new("suppliers");
pub const PURCHASE_ORDERS: TableRef = TableRef::new("purchase_orders");
// Support
pub const ISSUES: TableRef = TableRef::new("issues");
pub const RETURN_AUTHORIZATIONS: TableRef = TableRef::new("return_authorizations");
pub const RMA_LINE_ITEMS: TableRef = TableRef::new("rma_line_items");
// Warranty
pub const WARRANTY_POLICIES: TableRef = TableRef::new("warranty_policies");
pub const WARRANTIES: TableRef = TableRef::new("warranties");
pub const WARRANTY_CLAIMS: TableRef = TableRef::new("warranty_claims");
// Reports
pub const SCHEDULED_REPORTS: TableRef = TableRef::new("scheduled_reports");
pub const CUSTOM_REPORTS: TableRef = TableRef::new("custom_reports");
pub const REPORT_FAVORITES: TableRef = TableRef::new("report_favorites");
// Search
pub const SEARCH_INDEX: TableRef = TableRef::new("search_index");
pub const SEARCH_INDEX_OUTBOX: TableRef = TableRef::new("search_index_outbox");
pub const RECENT_ITEMS: TableRef = TableRef::new("recent_items");
// Portal, timeline, activities
pub const PORTAL_SESSIONS: TableRef = TableRef::new("customer_portal_sessions");
pub const UNIFIED_ACTIVITIES: TableRef = TableRef::new("unified_activities");
pub const ACTIVITIES: TableRef = TableRef::new("activities");

pub const USER_STATUS: EnumDef = EnumDef::new("user_status", &["invited", "active", "disabled"]);
pub const MEMBER_ROLE: EnumDef = EnumDef::new(
    "member_role",
    &[
        "owner",
        "admin",
        "sales",
        "operations",
        "finance",
        "field_tech",
    ],
);
pub const INVITATION_STATUS: EnumDef = EnumDef::new(
    "invitation_status",
    &["pending", "accepted", "revoked", "expired"],
);
pub const CUSTOMER_STATUS: EnumDef = EnumDef::new(
    "customer_status",
    &["prospect", "active", "inactive", "blacklisted"],
);
pub const ADDRESS_KIND: EnumDef = EnumDef::new("address_kind", &["billing", "shipping", "site"]);
pub const OPPORTUNITY_STATUS: EnumDef = EnumDef::new(
    "opportunity_status",
    &["new", "qualified", "proposal", "negotiation", "won", "lost"],
);
pub const QUOTE_STATUS: EnumDef = EnumDef::new(
    "quote_status",
    &["draft", "sent", "accepted", "rejected", "expired"],
);
pub const ORDER_STATUS: EnumDef = EnumDef::new(
    "order_status",
    &[
        "draft",
        "confirmed",
        "picking",
        "shipped",
        "delivered",
        "cancelled",
    ],
);
pub const PICK_STATUS: EnumDef = EnumDef::new("pick_status", &["not_picked", "picking", "picked"]);
pub const SHIPMENT_STATUS: EnumDef = EnumDef::new(
    "shipment_status",
    &["pending", "in_transit", "delivered", "returned"],
);
pub const PRODUCT_STATUS: EnumDef =
    EnumDef::new("product_status", &["active", "discontinued", "draft"]);
pub const JOB_STATUS: EnumDef = EnumDef::new(
    "job_status",
    &["scheduled", "in_progress", "completed", "cancelled"],
);
pub const TIME_CATEGORY: EnumDef = EnumDef::new(
    "time_entry_category",
    &["installation", "travel", "service", "admin"],
);
pub const EMAIL_STATUS: EnumDef = EnumDef::new(
    "email_status",
    &["queued", "sent", "delivered", "bounced", "failed"],
);
pub const CREDIT_NOTE_STATUS: EnumDef = EnumDef::new(
    "credit_note_status",
    &["draft", "issued", "applied", "void"],
);
pub const SCHEDULE_STATUS: EnumDef = EnumDef::new(
    "payment_schedule_status",
    &["due", "paid", "overdue", "waived"],
);
pub const PO_STATUS: EnumDef = EnumDef::new(
    "purchase_order_status",
    &[
        "draft",
        "pending_approval",
        "approved",
        "ordered",
        "received",
        "closed",
    ],
);
pub const ISSUE_STATUS: EnumDef = EnumDef::new(
    "issue_status",
    &["open", "in_progress", "escalated", "resolved", "closed"],
);
pub const ISSUE_PRIORITY: EnumDef =
    EnumDef::new("issue_priority", &["low", "medium", "high", "urgent"]);
pub const RMA_STATUS: EnumDef = EnumDef::new(
    "rma_status",
    &["requested", "approved", "received", "refunded", "rejected"],
);
pub const WARRANTY_STATUS: EnumDef =
    EnumDef::new("warranty_status", &["active", "expired", "void"]);
pub const CLAIM_STATUS: EnumDef = EnumDef::new(
    "warranty_claim_status",
    &["submitted", "approved", "rejected", "resolved"],
);
pub const REPORT_FREQUENCY: EnumDef =
    EnumDef::new("report_frequency", &["daily", "weekly", "monthly"]);
pub const ENTITY_TYPE: EnumDef = EnumDef::new(
    "entity_type",
    &[
        "customer",
        "contact",
        "opportunity",
        "quote",
        "order",
        "product",
        "job",
        "issue",
        "warranty",
    ],
);
pub const OUTBOX_STATUS: EnumDef = EnumDef::new(
    "outbox_status",
    &["pending", "processing", "done", "failed"],
);
pub const OUTBOX_OPERATION: EnumDef = EnumDef::new("outbox_operation", &["upsert", "delete"]);
pub const PORTAL_SCOPE: EnumDef = EnumDef::new("portal_scope", &["customer", "subcontractor"]);
pub const ACTIVITY_ACTION: EnumDef = EnumDef::new(
    "activity_action",
    &["created", "updated", "deleted", "status_changed", "viewed"],
);

/// `created_at`/`updated_at` and `created_by`/`updated_by` (the document's audit columns for
/// operational tables); soft delete is added separately, only where justified.
fn tracked(t: &mut TableBuilder<'_>) {
    t.col("created_at", timestamptz().default_now())
        .col("updated_at", timestamptz().default_now())
        .col("created_by", uuid().null())
        .col("updated_by", uuid().null())
        .fk(["created_by"], USERS, ["id"])
        .fk(["updated_by"], USERS, ["id"]);
}

/// Soft delete, for tables whose rows must be kept for retention (customers, products...).
fn soft_deleted(t: &mut TableBuilder<'_>) {
    t.col(
        "deleted_at",
        timestamptz()
            .null()
            .doc("Set instead of deleting: the row is kept for retention"),
    );
}

/// The organization-isolation predicate: a session sees and writes only rows of
/// `app.organization_id` (unset: no rows).
pub const ORGANIZATION_PREDICATE: &str =
    "organization_id = NULLIF(current_setting('app.organization_id', true), '')::uuid";

/// Row-level security by organization, re-checked after each migration phase. Not forced:
/// the table owner (the migrator) must see every row to backfill across organizations.
fn isolated(t: &mut TableBuilder<'_>) {
    t.rls(false).policy("organization_isolation", |p| {
        p.using(ORGANIZATION_PREDICATE)
            .with_check(ORGANIZATION_PREDICATE)
    });
}

/// Flexible metadata: the only JSONB the standards allow.
fn metadata(t: &mut TableBuilder<'_>) {
    t.col("metadata", jsonb().default_sql("'{}'::jsonb"));
}

pub fn build() -> Result<Schema, Diagnostics> {
    let mut s = SchemaBuilder::with_conventions(Conventions {
        tenant_column: "organization_id",
        tenant_table: ORGANIZATIONS,
        user_table: USERS,
        subject_table: TableRef::new("subjects"),
        uuid_keys: true,
    });
    settings(&mut s);
    users(&mut s);
    customers(&mut s);
    products(&mut s);
    pipeline(&mut s);
    orders(&mut s);
    inventory(&mut s);
    jobs(&mut s);
    communications(&mut s);
    financial(&mut s);
    suppliers(&mut s);
    support(&mut s);
    reports(&mut s);
    search(&mut s);
    activities(&mut s);
    s.build()
}

fn settings(s: &mut SchemaBuilder) {
    s.domain("settings");
    s.table(ORGANIZATIONS)
        .doc("The tenant root: one company using Renoz.")
        .global("the tenant root")
        .id_uuid()
        .col("name", text())
        .col("slug", text().unique())
        .col("currency", char_(3).default_text("AUD"))
        .col("timezone", text().default_text("Australia/Sydney"))
        .with(metadata)
        .with(tracked);
    s.table(SYSTEM_SETTINGS)
        .doc("Per-organization key/value settings.")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .col("key", text())
        .col("value", jsonb())
        .unique(["organization_id", "key"])
        .with(tracked);
    s.table(CUSTOM_FIELDS)
        .doc("Custom field definitions an organization adds to an entity.")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .col("entity_type", enum_of(ENTITY_TYPE))
        .col("name", text())
        .col("field_type", text())
        .unique(["organization_id", "entity_type", "name"])
        .with(tracked);
    s.table(BUSINESS_HOURS)
        .doc("Opening hours per weekday.")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .col("weekday", smallint())
        .col("opens_at", time())
        .col("closes_at", time())
        .check("weekday_range", "weekday BETWEEN 0 AND 6")
        .check("closes_after_opens", "closes_at > opens_at")
        .with(tracked);
    s.table(HOLIDAYS)
        .doc("Days the organization is closed.")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .col("day", date())
        .col("name", text())
        .unique(["organization_id", "day"])
        .with(tracked);
}

fn users(s: &mut SchemaBuilder) {
    s.domain("users");
    s.table(USERS)
        .doc("A person who signs in; membership in organizations is separate.")
        .global("a login spans organizations; organization_memberships scopes it")
        .id_uuid()
        .col("email", text().unique())
        .col("name", text())
        .col("status", enum_of(USER_STATUS).default_enum("invited"))
        .col("created_at", timestamptz().default_now())
        .col("updated_at", timestamptz().default_now());
    s.table(MEMBERSHIPS)
        .doc("A user's role inside one organization.")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .references("user_id", USERS, uuid())
        .col("role", enum_of(MEMBER_ROLE))
        .unique(["organization_id", "user_id"])
        .with(tracked);
    s.table(USER_INVITATIONS)
        .doc("An invitation to join an organization.")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .col("email", text())
        .col("role", enum_of(MEMBER_ROLE))
        .col("status", enum_of(INVITATION_STATUS).default_enum("pending"))
        .col("token_hash", text().unique())
        .col("expires_at", timestamptz())
        .with(tracked);
    s.table(USER_SESSIONS)
        .doc("A signed-in session of a user.")
        .global("sessions belong to the login, not to one organization")
        .id_uuid()
        .references("user_id", USERS, uuid())
        .col("token_hash", text().unique())
        .col("expires_at", timestamptz())
        .col("created_at", timestamptz().default_now());
}

fn customers(s: &mut SchemaBuilder) {
    s.domain("customers");
    s.table(CUSTOMERS)
        .doc("A customer (company or person) of the organization.")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .col("name", text())
        .col("email", text().null())
        .col("status", enum_of(CUSTOMER_STATUS).default_enum("prospect"))
        .col("health_score", smallint().null())
        .check("health_score_range", "health_score BETWEEN 0 AND 100")
        // Expanded in 0002, backfilled in 0004, enforced in 0005.
        .col("customer_number", text())
        .index_with(["organization_id", "customer_number"], |i| i.unique())
        .check(
            "customer_number_format",
            "customer_number ~ '^C-[0-9a-f]{32}$'",
        )
        .with(metadata)
        .with(tracked)
        .with(soft_deleted);
    s.table(CONTACTS)
        .doc("A person at a customer.")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .tenant_ref("customer_id", CUSTOMERS)
        .col("name", text())
        .col("email", text().null())
        .col("phone", text().null())
        .with(tracked)
        .with(soft_deleted);
    s.table(ADDRESSES)
        .doc("A billing, shipping or site address of a customer.")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .tenant_ref("customer_id", CUSTOMERS)
        .col("kind", enum_of(ADDRESS_KIND))
        .col("line1", text())
        .col("line2", text().null())
        .col("city", text())
        .col("postcode", text())
        .col("country", char_(2).default_text("AU"))
        .with(tracked);
    s.table(CUSTOMER_ACTIVITIES)
        .doc("Notes, calls and meetings logged against a customer.")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .tenant_ref("customer_id", CUSTOMERS)
        .col("summary", text())
        .col("occurred_at", timestamptz())
        .with(tracked);
}

fn products(s: &mut SchemaBuilder) {
    s.domain("warranty");
    s.table(WARRANTY_POLICIES)
        .doc("Warranty terms a product carries.")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .col("name", text())
        .col("duration_months", integer())
        .check("duration_positive", "duration_months > 0")
        .with(tracked);
    s.domain("products");
    s.table(PRODUCT_CATEGORIES)
        .doc("A tree of product categories.")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .col("name", text())
        .tenant_ref_opt("parent_id", PRODUCT_CATEGORIES)
        .with(tracked);
    s.table(PRODUCTS)
        .doc("A sellable product; its warranty policy is the canonical reference.")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .col("sku", text())
        .col("name", text())
        .col("status", enum_of(PRODUCT_STATUS).default_enum("active"))
        .tenant_ref_opt("category_id", PRODUCT_CATEGORIES)
        .tenant_ref_opt("warranty_policy_id", WARRANTY_POLICIES)
        .col("unit_price", money())
        .col("unit_cost", money().null())
        .unique(["organization_id", "sku"])
        .check("unit_price_non_negative", "unit_price >= 0")
        .with(metadata)
        .with(tracked)
        .with(soft_deleted);
    s.table(PRODUCT_PRICE_TIERS)
        .doc("Quantity-based price tiers of a product.")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .tenant_ref("product_id", PRODUCTS)
        .col("min_quantity", integer())
        .col("unit_price", money())
        .unique(["organization_id", "product_id", "min_quantity"])
        .check("min_quantity_positive", "min_quantity > 0")
        .with(tracked);
}

fn pipeline(s: &mut SchemaBuilder) {
    s.domain("pipeline");
    s.table(WIN_LOSS_REASONS)
        .doc("Why opportunities are won or lost.")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .col("label", text())
        .col("is_win", boolean())
        .with(tracked);
    s.table(OPPORTUNITIES)
        .doc("A potential sale to a customer.")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .tenant_ref("customer_id", CUSTOMERS)
        .col("title", text())
        .col("status", enum_of(OPPORTUNITY_STATUS).default_enum("new"))
        .col("estimated_value", money())
        .col("follow_up_date", date().null())
        .tenant_ref_opt("win_loss_reason_id", WIN_LOSS_REASONS)
        .with(tracked);
    s.table(QUOTES)
        .doc("A quote for an opportunity.")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .tenant_ref("opportunity_id", OPPORTUNITIES)
        .col("status", enum_of(QUOTE_STATUS).default_enum("draft"))
        .col("valid_until", date().null())
        .with(tracked);
    s.table(QUOTE_VERSIONS)
        .doc("An immutable numbered version of a quote.")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .tenant_ref("quote_id", QUOTES)
        .col("version_number", integer())
        .col("total_amount", money())
        .col(
            "lines",
            jsonb().doc("Snapshot of the quoted lines (metadata of the version)"),
        )
        .unique(["organization_id", "quote_id", "version_number"])
        .with(tracked);
}

fn orders(s: &mut SchemaBuilder) {
    s.domain("orders");
    s.table(ORDERS)
        .doc("The invoice of record once finalized; financial tables reference it.")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .col("order_number", text())
        .tenant_ref("customer_id", CUSTOMERS)
        // Expanded in 0002, backfilled in 0004, enforced in 0005.
        .tenant_ref_opt("billing_address_id", ADDRESSES)
        .col("status", enum_of(ORDER_STATUS).default_enum("draft"))
        .col("subtotal_amount", money())
        .col("tax_amount", money())
        .col("total_amount", money())
        .col("ordered_at", timestamptz().default_now())
        .unique(["organization_id", "order_number"])
        .check(
            "total_matches",
            "total_amount = subtotal_amount + tax_amount",
        )
        .with(tracked);
    s.table(ORDER_LINE_ITEMS)
        .doc("A product line of an order, with its picking state.")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .tenant_ref("order_id", ORDERS)
        .tenant_ref("product_id", PRODUCTS)
        .col("quantity", integer())
        .col("unit_price", money())
        .col(
            "pick_status",
            enum_of(PICK_STATUS).default_enum("not_picked"),
        )
        .col("picked_at", timestamptz().null())
        .col("picked_by", uuid().null())
        .fk(["picked_by"], USERS, ["id"])
        .index(["picked_by"])
        .check("quantity_positive", "quantity > 0")
        .with(tracked);
    s.table(ORDER_SHIPMENTS)
        .doc("A shipment of (part of) an order.")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .tenant_ref("order_id", ORDERS)
        .col("status", enum_of(SHIPMENT_STATUS).default_enum("pending"))
        .col("carrier", text().null())
        .col("tracking_number", text().null())
        .col("shipped_at", timestamptz().null())
        .with(tracked);
}

fn inventory(s: &mut SchemaBuilder) {
    s.domain("inventory");
    s.table(LOCATIONS)
        .doc("A warehouse or warehouse location (bins nest under their warehouse).")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .col("name", text())
        .tenant_ref_opt("parent_id", LOCATIONS)
        .with(tracked);
    s.table(INVENTORY)
        .doc("Stock of a product at a location.")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .tenant_ref("product_id", PRODUCTS)
        .tenant_ref("location_id", LOCATIONS)
        .col("quantity_on_hand", integer().default_int(0))
        .col("quantity_allocated", integer().default_int(0))
        .unique(["organization_id", "product_id", "location_id"])
        .check(
            "quantities_non_negative",
            "quantity_on_hand >= 0 AND quantity_allocated >= 0",
        )
        .with(tracked);
}

fn jobs(s: &mut SchemaBuilder) {
    s.domain("jobs");
    s.table(JOB_ASSIGNMENTS)
        .doc("Field work, optionally for an order.")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .tenant_ref_opt("order_id", ORDERS)
        .tenant_ref("customer_id", CUSTOMERS)
        .col("status", enum_of(JOB_STATUS).default_enum("scheduled"))
        .col("scheduled_for", timestamptz().null())
        .col("assignee_id", uuid().null())
        .fk(["assignee_id"], USERS, ["id"])
        .index(["assignee_id"])
        .with(tracked);
    s.table(JOB_TIME_ENTRIES)
        .doc("Time a field technician spent on a job.")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .tenant_ref("job_id", JOB_ASSIGNMENTS)
        .col("category", enum_of(TIME_CATEGORY))
        .window("started_at", "ended_at", Window::OpenEnded)
        .with(tracked);
}

fn communications(s: &mut SchemaBuilder) {
    s.domain("communications");
    s.table(EMAIL_HISTORY)
        .doc("Emails sent to a customer.")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .tenant_ref("customer_id", CUSTOMERS)
        .col("subject", text())
        .col("status", enum_of(EMAIL_STATUS).default_enum("queued"))
        .col("sent_at", timestamptz().null())
        .with(tracked);
}

fn financial(s: &mut SchemaBuilder) {
    s.domain("financial");
    s.table(CREDIT_NOTES)
        .doc("A credit against an order (orders are the invoice of record).")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .tenant_ref("order_id", ORDERS)
        .col("status", enum_of(CREDIT_NOTE_STATUS).default_enum("draft"))
        .amounts(&["credit_amount"])
        .col("reason", text())
        .with(tracked);
    s.table(PAYMENT_SCHEDULES)
        .doc("Instalments due on an order.")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .tenant_ref("order_id", ORDERS)
        .col("due_on", date())
        .amounts(&["due_amount"])
        .col("status", enum_of(SCHEDULE_STATUS).default_enum("due"))
        .with(tracked);
    s.table(PAYMENT_REMINDER_SETTINGS)
        .doc("When finance reminds customers of due payments.")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .col("days_before_due", integer())
        .col("days_after_due", integer())
        .col("template", text())
        .unique(["organization_id", "days_before_due", "days_after_due"])
        .with(tracked);
}

fn suppliers(s: &mut SchemaBuilder) {
    s.domain("suppliers");
    s.table(SUPPLIERS)
        .doc("A supplier the organization buys from.")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .col("name", text())
        .col("email", text().null())
        .with(tracked);
    s.table(PURCHASE_ORDERS)
        .doc("An order placed with a supplier; approval is a status.")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .tenant_ref("supplier_id", SUPPLIERS)
        .col("status", enum_of(PO_STATUS).default_enum("draft"))
        .col("total_amount", money())
        .col("approved_by", uuid().null())
        .fk(["approved_by"], USERS, ["id"])
        .index(["approved_by"])
        .with(tracked);
}

fn support(s: &mut SchemaBuilder) {
    s.domain("support");
    s.table(ISSUES)
        .doc("A support issue raised by a customer.")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .tenant_ref("customer_id", CUSTOMERS)
        .tenant_ref_opt("order_id", ORDERS)
        .col("title", text())
        .col("status", enum_of(ISSUE_STATUS).default_enum("open"))
        .col("priority", enum_of(ISSUE_PRIORITY).default_enum("medium"))
        .col("sla_due_at", timestamptz().null())
        .with(tracked);
    s.table(RETURN_AUTHORIZATIONS)
        .doc("A return merchandise authorization for an order.")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .tenant_ref("order_id", ORDERS)
        .tenant_ref_opt("issue_id", ISSUES)
        .col("status", enum_of(RMA_STATUS).default_enum("requested"))
        .with(tracked);
    s.table(RMA_LINE_ITEMS)
        .doc("An order line being returned.")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .tenant_ref("return_authorization_id", RETURN_AUTHORIZATIONS)
        .tenant_ref("order_line_item_id", ORDER_LINE_ITEMS)
        .col("quantity", integer())
        .check("quantity_positive", "quantity > 0")
        .with(tracked);
    s.domain("warranty");
    s.table(WARRANTIES)
        .doc("A warranty a customer holds on a product.")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .tenant_ref("product_id", PRODUCTS)
        .tenant_ref("customer_id", CUSTOMERS)
        .tenant_ref_opt("order_id", ORDERS)
        .col("status", enum_of(WARRANTY_STATUS).default_enum("active"))
        .window("starts_at", "expires_at", Window::Closed)
        .with(tracked);
    s.table(WARRANTY_CLAIMS)
        .doc("A claim against a warranty.")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .tenant_ref("warranty_id", WARRANTIES)
        .col("status", enum_of(CLAIM_STATUS).default_enum("submitted"))
        .col("description", text())
        .with(tracked);
}

fn reports(s: &mut SchemaBuilder) {
    s.domain("reports");
    s.table(CUSTOM_REPORTS)
        .doc("A saved report definition.")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .col("name", text())
        .col(
            "definition",
            jsonb().doc("The report's query options (metadata)"),
        )
        .with(tracked);
    s.table(SCHEDULED_REPORTS)
        .doc("A report mailed on a schedule.")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .tenant_ref("custom_report_id", CUSTOM_REPORTS)
        .col("frequency", enum_of(REPORT_FREQUENCY))
        .col("recipients", array(text()))
        .with(tracked);
    s.table(REPORT_FAVORITES)
        .doc("A user's favourite reports.")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .tenant_ref("custom_report_id", CUSTOM_REPORTS)
        .references("user_id", USERS, uuid())
        .unique(["organization_id", "user_id", "custom_report_id"])
        .with(tracked);
}

fn search(s: &mut SchemaBuilder) {
    s.domain("search");
    s.table(SEARCH_INDEX)
        .doc("Denormalized search documents, written by the outbox worker.")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .col("entity_type", enum_of(ENTITY_TYPE))
        .col("entity_id", uuid())
        .col("title", text())
        .col("body", text())
        .unique(["organization_id", "entity_type", "entity_id"])
        .allow(
            "SG108",
            "entity_id names a row of any searchable table; the outbox worker writes it",
        )
        .with(tracked);
    s.table(SEARCH_INDEX_OUTBOX)
        .doc("Outbox of entity changes to index: written in the same transaction as the change, drained asynchronously.")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .col("entity_type", enum_of(ENTITY_TYPE))
        .col("entity_id", uuid())
        .col("operation", enum_of(OUTBOX_OPERATION))
        .col("status", enum_of(OUTBOX_STATUS).default_enum("pending"))
        .col("attempts", integer().default_int(0))
        .col("processed_at", timestamptz().null())
        .index_with(["organization_id", "status"], |i| {
            i.filter("status = 'pending'").named("search_index_outbox_pending_idx")
        })
        .allow(
            "SG108",
            "entity_id names a row of any searchable table; the worker resolves it",
        )
        .with(tracked);
    s.table(RECENT_ITEMS)
        .doc("Entities a user opened recently.")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .references("user_id", USERS, uuid())
        .col("entity_type", enum_of(ENTITY_TYPE))
        .col("entity_id", uuid())
        .col("viewed_at", timestamptz().default_now())
        .unique(["organization_id", "user_id", "entity_type", "entity_id"])
        .allow(
            "SG108",
            "entity_id names a row of any searchable table; stale items are dropped on read",
        )
        .with(tracked);
    s.domain("portal");
    s.table(PORTAL_SESSIONS)
        .doc("A magic-link session of a customer (or subcontractor) in the portal.")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .tenant_ref("customer_id", CUSTOMERS)
        .col("scope", enum_of(PORTAL_SCOPE).default_enum("customer"))
        .col("token_hash", text().unique())
        .col("expires_at", timestamptz())
        .with(tracked);
}

fn activities(s: &mut SchemaBuilder) {
    s.domain("timeline");
    s.table(UNIFIED_ACTIVITIES)
        .doc("The unified customer timeline, aggregated from every domain.")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .tenant_ref("customer_id", CUSTOMERS)
        .col("entity_type", enum_of(ENTITY_TYPE))
        .col("entity_id", uuid())
        .col("summary", text())
        .col("occurred_at", timestamptz())
        .allow(
            "SG108",
            "entity_id names the timeline entry's source row in any domain",
        )
        .with(tracked);
    s.domain("activities");
    s.table(ACTIVITIES)
        .doc("The canonical audit log of cross-domain events; never updated or deleted.")
        .tenant_scoped()
        .id_uuid()
        .with(isolated)
        .col("entity_type", enum_of(ENTITY_TYPE))
        .col("entity_id", uuid())
        .col("action", enum_of(ACTIVITY_ACTION))
        .col("changes", jsonb().default_sql("'{}'::jsonb"))
        .recorded()
        .index(["organization_id", "entity_type", "entity_id"])
        .allow("SG108", "entity_id names the audited row in any domain")
        .append_only();
}
