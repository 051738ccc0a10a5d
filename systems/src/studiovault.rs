//! StudioVault phase 1 (SQLite / Cloudflare D1): TEXT ids made client-side as
//! `<prefix>_<uuidv7>` (checked by the database), a `version` column for optimistic locking on
//! every mutable table, JSON kept in TEXT `*_json` columns, and the document's index list.
//!
//! Money is `numeric(12,2)` in the model, never REAL: the SQLite renderer stores it as TEXT
//! (NUMERIC affinity would turn `12.30` into a float), so arithmetic on money happens in the
//! application on exact decimals, never in SQL on floats. Timestamps are INTEGER
//! epoch milliseconds as the document says. Every table carries `org_id` (the tenant) so
//! branch-scoped references are tenant-safe composite keys.

use schemactl::prelude::*;

pub const ORGANIZATIONS: TableRef = TableRef::new("organizations");
pub const BRANCHES: TableRef = TableRef::new("branches");
pub const USERS: TableRef = TableRef::new("users");
pub const CLIENTS: TableRef = TableRef::new("clients");
pub const PROJECTS: TableRef = TableRef::new("projects");
pub const PACKAGES: TableRef = TableRef::new("packages");
pub const ASSETS: TableRef = TableRef::new("assets");
pub const MEDIA_OBJECTS: TableRef = TableRef::new("media_objects");
pub const INVOICES: TableRef = TableRef::new("invoices");
pub const TRANSACTIONS: TableRef = TableRef::new("transactions");
pub const MESSAGES: TableRef = TableRef::new("messages");
pub const NOTIFICATIONS: TableRef = TableRef::new("notifications");
pub const AUDIT_LOGS: TableRef = TableRef::new("audit_logs");

pub const PLAN_TIER: EnumDef = EnumDef::new("plan_tier", &["free_org", "paid_org"]);
pub const USER_STATUS: EnumDef = EnumDef::new("user_status", &["active", "suspended"]);
pub const PROJECT_STATUS: EnumDef = EnumDef::new(
    "project_status",
    &[
        "inquiry",
        "active",
        "shooting",
        "editing",
        "completed",
        "archived",
    ],
);
pub const PACKAGE_TYPE: EnumDef = EnumDef::new("package_type", &["time_based", "qty_based"]);
pub const ASSET_TYPE: EnumDef = EnumDef::new("asset_type", &["camera", "lens", "space", "human"]);
pub const ASSET_STATUS: EnumDef = EnumDef::new(
    "asset_status",
    &["available", "booked", "maintenance", "lost"],
);
pub const FILE_TYPE: EnumDef = EnumDef::new("file_type", &["proxy", "raw", "delivery", "ingest"]);
pub const WATERMARK_STATE: EnumDef = EnumDef::new("watermark_state", &["proof", "clean"]);
pub const INVOICE_TYPE: EnumDef = EnumDef::new(
    "invoice_type",
    &["booking", "pos", "subscription", "overage"],
);
pub const INVOICE_STATUS: EnumDef =
    EnumDef::new("invoice_status", &["draft", "issued", "paid", "overdue"]);
pub const TRANSACTION_STATUS: EnumDef = EnumDef::new(
    "transaction_status",
    &["paid", "refunded", "disputed", "failed"],
);
pub const SCOPE_TYPE: EnumDef = EnumDef::new("message_scope_type", &["lead", "project"]);
pub const NOTIFICATION_TYPE: EnumDef = EnumDef::new(
    "notification_type",
    &["booking_confirmed", "invoice_due", "photos_ready"],
);
pub const CHANNEL: EnumDef = EnumDef::new("notification_channel", &["whatsapp", "sms", "email"]);
pub const SEVERITY: EnumDef = EnumDef::new("audit_severity", &["high", "medium"]);

/// A TEXT primary key `id` the client makes as `<prefix>_<uuidv7>`; the CHECK keeps other
/// tables' ids out. (`id_tagged` spells its check with PostgreSQL's `starts_with`.)
fn prefixed_id(prefix: &'static str) -> impl FnOnce(&mut TableBuilder<'_>) {
    move |t| {
        let tag = format!("{prefix}_");
        t.col(
            "id",
            text().doc(&format!(
                "`{tag}` + a UUIDv7, made by the client (offline-safe)"
            )),
        )
        .primary_key(["id"])
        .check(
            "id_prefix",
            &format!("substr(id, 1, {}) = '{tag}'", tag.len()),
        );
    }
}

/// Optimistic locking: writers send the version they read and bump it.
fn versioned(t: &mut TableBuilder<'_>) {
    t.col("version", integer().default_int(1))
        .check("version_positive", "version >= 1");
}

fn epoch_ms() -> ColumnSpec {
    integer().null().doc("Unix epoch milliseconds")
}

pub fn build() -> Result<Schema, Diagnostics> {
    let mut s = SchemaBuilder::with_conventions(Conventions {
        tenant_column: "org_id",
        tenant_table: ORGANIZATIONS,
        user_table: USERS,
        subject_table: TableRef::new("subjects"),
        uuid_keys: false,
    });
    s.domain("identity");
    s.table(ORGANIZATIONS)
        .doc("Tenant root entity.")
        .global("the tenant root")
        .with(prefixed_id("org"))
        .col("name", text())
        .col(
            "config_json",
            text()
                .null()
                .doc("Branding, currency, feature toggles (JSON)"),
        )
        .col("plan_tier", enum_of(PLAN_TIER).null())
        .col("created_at", epoch_ms())
        .with(versioned);
    s.table(BRANCHES)
        .doc("Operational unit (billing and workflow scope).")
        .tenant_scoped()
        .with(prefixed_id("brn"))
        .col("name", text())
        .col("address_json", text().null())
        .col("tax_json", text().null().doc("GST/VAT identity (JSON)"))
        // Required, and shaped, since 0002 (a hand-written rebuild with a backfill).
        .col("invoice_prefix", text().doc("e.g. BLR-, MUM-"))
        .check("invoice_prefix_format", "invoice_prefix GLOB '[A-Z]*-'")
        .col("created_at", epoch_ms())
        .with(versioned);
    s.table(USERS)
        .doc("Staff identities, keyed by their Firebase UID.")
        .tenant_scoped()
        .col("id", text().doc("Firebase UID"))
        .primary_key(["id"])
        .tenant_ref_opt("branch_id", BRANCHES)
        .col("email", text().null().unique())
        .col(
            "roles_json",
            text().null().doc(r#"e.g. ["owner","manager"]"#),
        )
        .col("status", enum_of(USER_STATUS).null())
        .col("created_at", epoch_ms())
        .index(["branch_id"])
        .with(versioned);

    s.domain("crm");
    s.table(CLIENTS)
        .doc("Branch-scoped customer database.")
        .tenant_scoped()
        .with(prefixed_id("cli"))
        .tenant_ref("branch_id", BRANCHES)
        .col("name", text())
        .col("phone", text())
        .col(
            "profile_json",
            text().null().doc("Address, GST, notes (JSON)"),
        )
        .col("total_spend", money().default_number("0"))
        .col("created_at", epoch_ms())
        .index(["branch_id", "phone"])
        .index(["branch_id", "name"])
        .with(versioned);

    s.domain("projects");
    s.table(PROJECTS)
        .doc("The main workflow container.")
        .tenant_scoped()
        .with(prefixed_id("prj"))
        .tenant_ref("branch_id", BRANCHES)
        .tenant_ref("client_id", CLIENTS)
        .col("status", enum_of(PROJECT_STATUS))
        .col("start_date", epoch_ms())
        .col("details_json", text().null())
        .col(
            "activated_at",
            epoch_ms().doc("When the project starts counting toward caps"),
        )
        .col("created_at", epoch_ms())
        .index(["branch_id", "status"])
        .index(["branch_id", "start_date"])
        .index(["client_id"])
        .with(versioned);
    s.table(PACKAGES)
        .doc("Sellable services (branch-local copy).")
        .tenant_scoped()
        .with(prefixed_id("pkg"))
        .tenant_ref("branch_id", BRANCHES)
        .col("name", text())
        .col("type", enum_of(PACKAGE_TYPE).null())
        .col("price", money())
        .col("tax_rate", numeric(5, 4).doc("0.1800 for 18%"))
        .col("inclusions_json", text().null())
        .col("exclusions_json", text().null())
        .col("resource_hooks_json", text().null())
        .index(["branch_id"])
        .with(versioned);

    s.domain("inventory");
    s.table(ASSETS)
        .doc("Bookable gear and spaces.")
        .tenant_scoped()
        .with(prefixed_id("ast"))
        .tenant_ref("branch_id", BRANCHES)
        .col("type", enum_of(ASSET_TYPE))
        .col("name", text())
        .col("serial_number", text().null())
        .col("status", enum_of(ASSET_STATUS))
        .col("metadata_json", text().null())
        .index(["branch_id", "status"])
        .index(["branch_id", "serial_number"])
        .with(versioned);

    s.domain("media");
    s.table(MEDIA_OBJECTS)
        .doc("Logical file records; R2 holds the bytes, this table is the truth for storage usage.")
        .tenant_scoped()
        .with(prefixed_id("med"))
        .tenant_ref("project_id", PROJECTS)
        .tenant_ref("branch_id", BRANCHES)
        .col("path", text())
        .col("file_type", enum_of(FILE_TYPE).null())
        .col("size_bytes", bigint())
        .col("watermark_state", enum_of(WATERMARK_STATE).null())
        .col("uploaded_at", epoch_ms())
        .check("size_non_negative", "size_bytes >= 0")
        .index(["project_id"])
        .index(["branch_id"])
        .with(versioned);

    s.domain("finance");
    s.table(INVOICES)
        .doc("Billing artifact for projects, POS and subscriptions (all billing is invoice-based).")
        .tenant_scoped()
        .with(prefixed_id("inv"))
        .tenant_ref("branch_id", BRANCHES)
        .tenant_ref_opt("project_id", PROJECTS)
        .col("invoice_type", enum_of(INVOICE_TYPE).null())
        .col("amount_total", money())
        .col("tax_json", text().null())
        .col("status", enum_of(INVOICE_STATUS))
        .col("issued_at", epoch_ms())
        .col("due_at", epoch_ms())
        .index(["branch_id", "status"])
        .index(["project_id"])
        .with(versioned);
    s.table(TRANSACTIONS)
        .doc("Immutable payment gateway events.")
        .tenant_scoped()
        .with(prefixed_id("txn"))
        .tenant_ref("invoice_id", INVOICES)
        .col("gateway_payment_id", text())
        .col("status", enum_of(TRANSACTION_STATUS))
        .col("amount", money())
        .col("created_at", epoch_ms())
        .index(["invoice_id"])
        .index(["gateway_payment_id"])
        .append_only();

    s.domain("communication");
    s.table(MESSAGES)
        .doc("Scoped chat records; written once.")
        .tenant_scoped()
        .with(prefixed_id("msg"))
        .col("scope_type", enum_of(SCOPE_TYPE).null())
        .col("scope_id", text().doc("A lead id or a project id"))
        .tenant_ref("sender_user_id", USERS)
        .col("content", text().null())
        .col("attachments_json", text().null())
        .col("created_at", epoch_ms())
        .index(["scope_type", "scope_id"])
        .allow(
            "SG108",
            "scope_id names a lead (no table in phase 1) or a project",
        )
        .append_only();
    s.table(NOTIFICATIONS)
        .doc("Outbound transactional events; `billed` flips once, so the row is versioned.")
        .tenant_scoped()
        .with(prefixed_id("ntf"))
        .tenant_ref("branch_id", BRANCHES)
        .tenant_ref_opt("project_id", PROJECTS)
        .col("type", enum_of(NOTIFICATION_TYPE))
        .col("channel", enum_of(CHANNEL))
        .col("cost", money().default_number("0"))
        .col("billed", boolean().default_bool(false))
        .col("created_at", epoch_ms())
        .index(["branch_id"])
        .index(["project_id"])
        .with(versioned);

    s.domain("governance");
    s.table(AUDIT_LOGS)
        .doc("Immutable high-risk event log.")
        .tenant_scoped()
        .with(prefixed_id("aud"))
        .tenant_ref_opt("branch_id", BRANCHES)
        .tenant_ref("actor_user_id", USERS)
        .col("event_type", text())
        .col("severity", enum_of(SEVERITY).null())
        .col("payload_json", text().null())
        .col("created_at", integer().doc("Unix epoch milliseconds"))
        .index(["org_id", "created_at"])
        .index(["branch_id", "created_at"])
        .index(["event_type"])
        .append_only();
    s.build()
}
