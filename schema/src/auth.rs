//! Authentication: provider accounts, sessions, verification tokens, API keys, MFA.

use crate::users::USERS;
use schemactl::prelude::*;

pub const AUTH_ACCOUNTS: TableRef = TableRef::new("auth_accounts");
pub const AUTH_SESSIONS: TableRef = TableRef::new("auth_sessions");
pub const AUTH_VERIFICATION_TOKENS: TableRef = TableRef::new("auth_verification_tokens");
pub const AUTH_API_KEYS: TableRef = TableRef::new("auth_api_keys");
pub const AUTH_MFA_FACTORS: TableRef = TableRef::new("auth_mfa_factors");

const AUTH_PROVIDER: EnumDef = EnumDef::new(
    "auth_provider",
    &["password", "google", "apple", "microsoft", "saml", "oidc"],
);
const VERIFICATION_PURPOSE: EnumDef = EnumDef::new(
    "verification_purpose",
    &[
        "email_verification",
        "password_reset",
        "magic_link",
        "invitation",
    ],
);
const MFA_FACTOR_TYPE: EnumDef = EnumDef::new("mfa_factor_type", &["totp", "webauthn", "sms"]);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("auth");

    s.table(AUTH_ACCOUNTS)
        .doc("A sign-in identity of a user at one provider (password hash or external subject). A user may link several.")
        .global("authentication happens before any biz is chosen")
        .id_tagged("auth_account")
        .references("user_id", USERS, text())
        .col("provider", enum_of(AUTH_PROVIDER))
        .col("provider_subject", text())
        .col("password_hash", text().null())
        .col("last_sign_in_at", timestamptz().null())
        .col("is_active", boolean().default_bool(true))
        .unique(["provider", "provider_subject"])
        .audited();

    s.table(AUTH_SESSIONS)
        .doc("A signed-in browser or device session; revoked sessions stay for security review.")
        .global("a session belongs to a user, who may switch bizes within it")
        .id_tagged("auth_session")
        .references("user_id", USERS, text())
        .col("token_hash", text().unique())
        .col("ip_address", inet().null())
        .col("user_agent", text().null())
        .col("expires_at", timestamptz())
        .col("revoked_at", timestamptz().null())
        .audited();

    s.table(AUTH_VERIFICATION_TOKENS)
        .doc("One-time tokens for email verification, password reset, magic links and invitations.")
        .global("issued to an identifier before a user or biz may exist")
        .id_tagged("auth_token")
        .col("identifier", text())
        .col("purpose", enum_of(VERIFICATION_PURPOSE))
        .col("token_hash", text().unique())
        .col("expires_at", timestamptz())
        .col("consumed_at", timestamptz().null())
        .audited();

    s.table(AUTH_API_KEYS)
        .doc("Personal API keys a user creates for scripts and integrations; only the hash is stored.")
        .global("personal keys act as the user in whichever biz they address")
        .id_tagged("api_key")
        .references("user_id", USERS, text())
        .col("name", text())
        .col("key_prefix", text())
        .col("key_hash", text().unique())
        .col("scopes", array(text()).default_sql("'{}'::text[]"))
        .col("last_used_at", timestamptz().null())
        .col("expires_at", timestamptz().null())
        .col("is_active", boolean().default_bool(true))
        .audited();

    s.table(AUTH_MFA_FACTORS)
        .doc("Second factors enrolled by a user (TOTP secrets, WebAuthn credentials, SMS numbers).")
        .global("a user's factors protect every biz they belong to")
        .id_tagged("mfa_factor")
        .references("user_id", USERS, text())
        .col("type", enum_of(MFA_FACTOR_TYPE))
        .col("label", text())
        .col("secret_ref", text())
        .col("last_used_at", timestamptz().null())
        .col("is_active", boolean().default_bool(true))
        .audited();
}
