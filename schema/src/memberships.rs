//! Who belongs to a biz and what they may do there.

use crate::enums::LIFECYCLE_STATUS;
use crate::locations::LOCATIONS;
use crate::users::USERS;
use schemactl::prelude::*;

pub const BIZ_ROLES: TableRef = TableRef::new("biz_roles");
pub const BIZ_ROLE_PERMISSIONS: TableRef = TableRef::new("biz_role_permissions");
pub const BIZ_MEMBERSHIPS: TableRef = TableRef::new("biz_memberships");
pub const BIZ_INVITATIONS: TableRef = TableRef::new("biz_invitations");

const MEMBERSHIP_STATUS: EnumDef = EnumDef::new(
    "membership_status",
    &["invited", "active", "suspended", "left"],
);
const MEMBERSHIP_TYPE: EnumDef = EnumDef::new(
    "membership_type",
    &["owner", "staff", "contractor", "customer"],
);
const INVITATION_STATUS: EnumDef = EnumDef::new(
    "invitation_status",
    &["pending", "accepted", "declined", "expired", "revoked"],
);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("memberships");

    s.table(BIZ_ROLES)
        .doc("A named bundle of permissions inside one biz (owner, manager, front desk...); memberships point at one role.")
        .tenant_scoped()
        .id_tagged("biz_role")
        .col("key", text())
        .col("name", text())
        .col("description", text().null())
        .col("is_system", boolean().default_bool(false))
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("active"))
        .unique(["biz_id", "key"])
        .audited();

    s.table(BIZ_ROLE_PERMISSIONS)
        .doc("One permission key granted by a biz role, e.g. `bookings.manage`; normalized so guards can query grants.")
        .tenant_scoped()
        .id_tagged("role_permission")
        .tenant_ref("role_id", BIZ_ROLES)
        .col("permission_key", text())
        .col("is_active", boolean().default_bool(true))
        .unique(["biz_id", "role_id", "permission_key"])
        .audited();

    s.table(BIZ_MEMBERSHIPS)
        .doc("A user's membership in a biz: the tenant-scoped face of a global user, with type, role and optional home location.")
        .tenant_scoped()
        .id_tagged("membership")
        .references("user_id", USERS, text())
        .col("type", enum_of(MEMBERSHIP_TYPE))
        .tenant_ref_opt("role_id", BIZ_ROLES)
        .tenant_ref_opt("home_location_id", LOCATIONS)
        .col("joined_at", timestamptz().null())
        .col("status", enum_of(MEMBERSHIP_STATUS).default_enum("active"))
        .unique_where(["biz_id", "user_id"], "deleted_at IS NULL")
        .audited();

    s.table(BIZ_INVITATIONS)
        .doc("An invitation to join a biz sent to an email address; accepted invitations create memberships.")
        .tenant_scoped()
        .id_tagged("invitation")
        .col("email", text())
        .col("membership_type", enum_of(MEMBERSHIP_TYPE))
        .tenant_ref_opt("role_id", BIZ_ROLES)
        .references("invited_by_user_id", USERS, text())
        .col("expires_at", timestamptz())
        .col("status", enum_of(INVITATION_STATUS).default_enum("pending"))
        .tenant_ref_opt("accepted_membership_id", BIZ_MEMBERSHIPS)
        .audited();
}
