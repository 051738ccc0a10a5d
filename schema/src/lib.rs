//! The Bizing canonical v0 schema, declared in the schemactl DSL.
//!
//! One module per canonical domain module. [`build`] is the single entry: it calls each
//! module's `declare`, and nothing else lists tables. Module order is for readers; the
//! renderer orders tables by their foreign keys.

use schemactl::prelude::*;

pub mod enums;

pub mod auth;
pub mod bizes;
pub mod group_accounts;
pub mod locations;
pub mod memberships;
pub mod subjects;
pub mod users;

pub mod assets;
pub mod product_commerce;
pub mod products;
pub mod resources;
pub mod service_products;
pub mod services;
pub mod venues;

pub mod access_rights;
pub mod ar;
pub mod audit;
pub mod calendar_sync;
pub mod channels;
pub mod checkout;
pub mod commitments;
pub mod communications;
pub mod compensation;
pub mod credential_exchange;
pub mod demand_pricing;
pub mod education;
pub mod enterprise;
pub mod entitlements;
pub mod extensions;
pub mod fulfillment;
pub mod governance;
pub mod hipaa;
pub mod intelligence;
pub mod interaction_forms;
pub mod leave;
pub mod marketplace;
pub mod notes;
pub mod offers;
pub mod offline;
pub mod operations_backbone;
pub mod payments;
pub mod progression;
pub mod promotions;
pub mod queue;
pub mod reporting;
pub mod sellable_variants;
pub mod session_interactions;
pub mod sla;
pub mod supply;
pub mod surveys;
pub mod tax_fx;
pub mod time_availability;
pub mod transportation;
pub mod work_management;
pub mod workflows;

pub mod stripe;

/// Builds the whole canonical schema, checking it.
pub fn build() -> Result<Schema, Diagnostics> {
    let mut s = SchemaBuilder::new();
    declare(&mut s);
    s.build()
}

/// Declares every module into `s`.
pub fn declare(s: &mut SchemaBuilder) {
    // Core identity and tenancy.
    bizes::declare(s);
    users::declare(s);
    auth::declare(s);
    memberships::declare(s);
    group_accounts::declare(s);
    locations::declare(s);
    subjects::declare(s);
    // Core catalog and supply.
    services::declare(s);
    service_products::declare(s);
    products::declare(s);
    product_commerce::declare(s);
    assets::declare(s);
    venues::declare(s);
    resources::declare(s);
    // Canonical booking domains.
    offers::declare(s);
    supply::declare(s);
    time_availability::declare(s);
    calendar_sync::declare(s);
    credential_exchange::declare(s);
    fulfillment::declare(s);
    payments::declare(s);
    compensation::declare(s);
    sellable_variants::declare(s);
    demand_pricing::declare(s);
    entitlements::declare(s);
    channels::declare(s);
    intelligence::declare(s);
    education::declare(s);
    progression::declare(s);
    audit::declare(s);
    extensions::declare(s);
    access_rights::declare(s);
    checkout::declare(s);
    session_interactions::declare(s);
    interaction_forms::declare(s);
    communications::declare(s);
    surveys::declare(s);
    promotions::declare(s);
    work_management::declare(s);
    notes::declare(s);
    queue::declare(s);
    transportation::declare(s);
    marketplace::declare(s);
    operations_backbone::declare(s);
    enterprise::declare(s);
    governance::declare(s);
    hipaa::declare(s);
    workflows::declare(s);
    ar::declare(s);
    commitments::declare(s);
    sla::declare(s);
    tax_fx::declare(s);
    leave::declare(s);
    offline::declare(s);
    reporting::declare(s);
    // Integration.
    stripe::declare(s);
}
