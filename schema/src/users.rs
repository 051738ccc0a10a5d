//! People who can sign in, across every biz.

use schemactl::prelude::*;

pub const USERS: TableRef = TableRef::new("users");
pub const USER_PROFILES: TableRef = TableRef::new("user_profiles");
pub const USER_CONTACT_METHODS: TableRef = TableRef::new("user_contact_methods");

const USER_STATUS: EnumDef =
    EnumDef::new("user_status", &["invited", "active", "suspended", "closed"]);
const CONTACT_METHOD_TYPE: EnumDef =
    EnumDef::new("contact_method_type", &["email", "phone", "postal"]);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("users");

    s.table(USERS)
        .doc("A person who can sign in. Global: one user may be staff in one biz, a customer in another and own a credential wallet shared with many.")
        .global("users exist across bizes; memberships tie them to a tenant")
        .id_tagged("user")
        .col("email", text().unique())
        .col("email_verified_at", timestamptz().null())
        .col("display_name", text())
        .col("locale", text().default_text("en"))
        .col("timezone", text().default_text("UTC"))
        .col("status", enum_of(USER_STATUS).default_enum("active"))
        .audited();

    s.table(USER_PROFILES)
        .doc("Personal profile of a user (legal name, birth date, avatar), owned by the user and shown to bizes only through memberships and share grants.")
        .global("a user's own profile, the same in every biz")
        .id_tagged("user_profile")
        .col("user_id", text().unique())
        .fk(["user_id"], USERS, ["id"])
        .col("given_name", text().null())
        .col("family_name", text().null())
        .col("birth_date", date().null())
        .col("avatar_url", text().null())
        .col("bio", text().null())
        .audited();

    s.table(USER_CONTACT_METHODS)
        .doc("Verified ways to reach a user (emails, phones, addresses) beyond the sign-in email.")
        .global("owned by the user across bizes")
        .id_tagged("user_contact")
        .references("user_id", USERS, text())
        .col("type", enum_of(CONTACT_METHOD_TYPE))
        .col("value", text())
        .col("verified_at", timestamptz().null())
        .col("is_active", boolean().default_bool(true))
        .unique(["user_id", "type", "value"])
        .audited();
}
