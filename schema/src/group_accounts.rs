//! Companies, households and teams that act as one party inside a biz.

use crate::users::USERS;
use schemactl::prelude::*;

pub const GROUP_ACCOUNTS: TableRef = TableRef::new("group_accounts");
pub const GROUP_ACCOUNT_MEMBERS: TableRef = TableRef::new("group_account_members");

const GROUP_ACCOUNT_TYPE: EnumDef = EnumDef::new(
    "group_account_type",
    &["company", "household", "team", "agency"],
);
const GROUP_ACCOUNT_STATUS: EnumDef =
    EnumDef::new("group_account_status", &["active", "suspended", "closed"]);
const GROUP_MEMBER_ROLE: EnumDef = EnumDef::new(
    "group_member_role",
    &["owner", "admin", "member", "dependent"],
);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("group_accounts");

    s.table(GROUP_ACCOUNTS)
        .doc("A company, household, team or agency acting as one party: it can book and pay as a customer, or be wrapped by a `company_host` resource as supply.")
        .tenant_scoped()
        .id_tagged("group_account")
        .col("type", enum_of(GROUP_ACCOUNT_TYPE))
        .col("name", text())
        .col("billing_email", text().null())
        .col("tax_id", text().null())
        .col("status", enum_of(GROUP_ACCOUNT_STATUS).default_enum("active"))
        .audited();

    s.table(GROUP_ACCOUNT_MEMBERS)
        .doc("A user's seat in a group account, with the role that decides who may book or pay for the group.")
        .tenant_scoped()
        .id_tagged("group_member")
        .tenant_ref("group_account_id", GROUP_ACCOUNTS)
        .references("user_id", USERS, text())
        .col("role", enum_of(GROUP_MEMBER_ROLE).default_enum("member"))
        .col("is_active", boolean().default_bool(true))
        .unique_where(["biz_id", "group_account_id", "user_id"], "deleted_at IS NULL")
        .audited();
}
