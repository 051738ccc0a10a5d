//! Notes: staff notes attached to any subject, with mentions.

use crate::enums::VISIBILITY;
use crate::users::USERS;
use schemactl::prelude::*;

pub const NOTES: TableRef = TableRef::new("notes");
pub const NOTE_MENTIONS: TableRef = TableRef::new("note_mentions");

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("notes");

    s.table(NOTES)
        .doc("A note about any subject (customer, booking, resource, plugin entity) through the subject registry, with visibility and pinning.")
        .tenant_scoped()
        .id_tagged("note")
        .subject_ref("target", false)
        .references("author_user_id", USERS, text())
        .col("body", text())
        .col("visibility", enum_of(VISIBILITY).default_enum("internal"))
        .col("is_pinned", boolean().default_bool(false))
        .audited();

    s.table(NOTE_MENTIONS)
        .doc("A user mentioned in a note, who gets notified and can find it later.")
        .tenant_scoped()
        .id_tagged("note_mention")
        .tenant_ref("note_id", NOTES)
        .references("mentioned_user_id", USERS, text())
        .col("notified_at", timestamptz().null())
        .unique(["biz_id", "note_id", "mentioned_user_id"])
        .audited();
}
