//! Offline operation: registered devices, sync batches, queued mutations and conflicts.

use crate::locations::LOCATIONS;
use crate::users::USERS;
use schemactl::prelude::*;

pub const OFFLINE_DEVICES: TableRef = TableRef::new("offline_devices");
pub const OFFLINE_SYNC_BATCHES: TableRef = TableRef::new("offline_sync_batches");
pub const OFFLINE_MUTATIONS: TableRef = TableRef::new("offline_mutations");
pub const OFFLINE_CONFLICTS: TableRef = TableRef::new("offline_conflicts");

const DEVICE_STATUS: EnumDef = EnumDef::new("device_status", &["active", "lost", "retired"]);
const SYNC_BATCH_STATUS: EnumDef = EnumDef::new(
    "sync_batch_status",
    &[
        "received",
        "applying",
        "applied",
        "partially_applied",
        "rejected",
    ],
);
const MUTATION_STATUS: EnumDef = EnumDef::new(
    "offline_mutation_status",
    &["pending", "applied", "conflicted", "rejected"],
);
const MUTATION_OPERATION: EnumDef =
    EnumDef::new("mutation_operation", &["insert", "update", "delete"]);
const CONFLICT_RESOLUTION: EnumDef = EnumDef::new(
    "conflict_resolution",
    &[
        "unresolved",
        "server_wins",
        "client_wins",
        "merged",
        "discarded",
    ],
);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("offline");

    s.table(OFFLINE_DEVICES)
        .doc("A front-desk tablet or field phone allowed to work offline, with its last sync position.")
        .tenant_scoped()
        .id_tagged("device")
        .col("name", text())
        .tenant_ref_opt("location_id", LOCATIONS)
        .references("registered_by_user_id", USERS, text())
        .col("public_key", text())
        .col("last_sync_cursor", text().null())
        .col("last_seen_at", timestamptz().null())
        .col("status", enum_of(DEVICE_STATUS).default_enum("active"))
        .audited();

    s.table(OFFLINE_SYNC_BATCHES)
        .doc("A batch of mutations a device uploaded when it came back online.")
        .tenant_scoped()
        .id_tagged("sync_batch")
        .tenant_ref("device_id", OFFLINE_DEVICES)
        .col("client_batch_id", text())
        .col("mutation_count", integer())
        .col("received_at", timestamptz().default_now())
        .col(
            "status",
            enum_of(SYNC_BATCH_STATUS).default_enum("received"),
        )
        .unique(["biz_id", "device_id", "client_batch_id"])
        .audited();

    s.table(OFFLINE_MUTATIONS)
        .doc("One change made offline (check-in, sale, note), replayed in client order against the server state it was based on.")
        .tenant_scoped()
        .id_tagged("offline_mutation")
        .tenant_ref("batch_id", OFFLINE_SYNC_BATCHES)
        .col("sequence", integer())
        .col("entity_table", text())
        .col("entity_id", text())
        .col("operation", enum_of(MUTATION_OPERATION))
        .col("payload", jsonb())
        .col("base_revision", bigint().null())
        .col("client_recorded_at", timestamptz())
        .col("status", enum_of(MUTATION_STATUS).default_enum("pending"))
        .unique(["biz_id", "batch_id", "sequence"])
        .audited();

    s.table(OFFLINE_CONFLICTS)
        .doc(
            "A conflict between an offline mutation and the server state, and how it was resolved.",
        )
        .tenant_scoped()
        .id_tagged("offline_conflict")
        .tenant_ref("mutation_id", OFFLINE_MUTATIONS)
        .col("server_state", jsonb())
        .col(
            "resolution",
            enum_of(CONFLICT_RESOLUTION).default_enum("unresolved"),
        )
        .references("resolved_by_user_id", USERS, text().null())
        .col("resolved_at", timestamptz().null())
        .audited();
}
