//! Every invariant kind of the canonical schema, proven on real PostgreSQL: valid rows are
//! accepted, and each kind of violating row is rejected by the constraint (or trigger) whose
//! name the model declares.

mod common;

use common::*;

/// Seed rows plus a location in each biz.
fn tenants(client: &mut postgres::Client) {
    ok(client, SEED);
    ok(
        client,
        "INSERT INTO locations (id, biz_id, name, slug) VALUES
            ('location_a', 'biz_a', 'A main', 'main'),
            ('location_b', 'biz_b', 'B main', 'main');",
    );
}

#[test]
fn tenant_safe_composite_fks_reject_cross_tenant_references() {
    let (_db, mut c) = migrated_db("inv_cross_tenant");
    tenants(&mut c);

    // Same tenant, and an unset optional reference: accepted.
    ok(&mut c, "INSERT INTO assets (id, biz_id, name, location_id) VALUES ('asset_1', 'biz_a', 'Kayak', 'location_a')");
    ok(
        &mut c,
        "INSERT INTO assets (id, biz_id, name) VALUES ('asset_2', 'biz_a', 'Paddle')",
    );

    // A biz_a asset pointing at biz_b's location: rejected by the composite FK.
    rejected_by(
        &mut c,
        "INSERT INTO assets (id, biz_id, name, location_id) VALUES ('asset_3', 'biz_a', 'Canoe', 'location_b')",
        &fk_name("assets", &["biz_id", "location_id"]),
    );
    // Moving an existing row's reference across tenants is rejected too.
    rejected_by(
        &mut c,
        "UPDATE assets SET location_id = 'location_b' WHERE id = 'asset_1'",
        &fk_name("assets", &["biz_id", "location_id"]),
    );
    // A required reference: an order line of biz_b cannot hang off biz_a's order.
    ok(&mut c, "INSERT INTO booking_orders (id, biz_id, order_number, customer_user_id) VALUES ('booking_order_1', 'biz_a', 'A-1', 'user_owner')");
    rejected_by(
        &mut c,
        "INSERT INTO booking_order_lines (id, biz_id, booking_order_id, description) VALUES ('order_line_x', 'biz_b', 'booking_order_1', 'stolen')",
        &fk_name("booking_order_lines", &["biz_id", "booking_order_id"]),
    );
    ok(&mut c, "INSERT INTO booking_order_lines (id, biz_id, booking_order_id, description) VALUES ('order_line_1', 'biz_a', 'booking_order_1', 'Lesson')");
}

#[test]
fn subject_refs_are_tenant_safe_triples() {
    let (_db, mut c) = migrated_db("inv_subject_ref");
    tenants(&mut c);
    ok(
        &mut c,
        "INSERT INTO subjects (id, biz_id, subject_type, subject_id) VALUES
            ('subject_a', 'biz_a', 'plugin.horse', 'horse_1'),
            ('subject_b', 'biz_b', 'plugin.horse', 'horse_2');",
    );
    ok(&mut c, "INSERT INTO notes (id, biz_id, target_subject_type, target_subject_id, author_user_id, body) VALUES ('note_1', 'biz_a', 'plugin.horse', 'horse_1', 'user_owner', 'Needs new shoes')");
    let fk = fk_name(
        "notes",
        &["biz_id", "target_subject_type", "target_subject_id"],
    );
    // Another tenant's subject.
    rejected_by(
        &mut c,
        "INSERT INTO notes (id, biz_id, target_subject_type, target_subject_id, author_user_id, body) VALUES ('note_2', 'biz_a', 'plugin.horse', 'horse_2', 'user_owner', 'x')",
        &fk,
    );
    // The right id under the wrong type.
    rejected_by(
        &mut c,
        "INSERT INTO notes (id, biz_id, target_subject_type, target_subject_id, author_user_id, body) VALUES ('note_3', 'biz_a', 'plugin.cow', 'horse_1', 'user_owner', 'x')",
        &fk,
    );
    // An optional subject ref must be set as a pair.
    ok(
        &mut c,
        "INSERT INTO calendars (id, biz_id, name) VALUES ('calendar_1', 'biz_a', 'Stable')",
    );
    rejected_by(
        &mut c,
        "INSERT INTO calendar_bindings (id, biz_id, calendar_id, target_type, custom_subject_type) VALUES ('calendar_binding_1', 'biz_a', 'calendar_1', 'custom_subject', 'plugin.horse')",
        &check_name("calendar_bindings", "custom_subject_pair_check"),
    );
    ok(&mut c, "INSERT INTO calendar_bindings (id, biz_id, calendar_id, target_type, custom_subject_type, custom_subject_id) VALUES ('calendar_binding_2', 'biz_a', 'calendar_1', 'custom_subject', 'plugin.horse', 'horse_1')");
}

#[test]
fn resources_keep_one_live_wrapper_per_wrapped_row() {
    let (_db, mut c) = migrated_db("inv_one_wrapper");
    tenants(&mut c);
    ok(
        &mut c,
        "INSERT INTO assets (id, biz_id, name) VALUES ('asset_1', 'biz_a', 'Kayak');
         INSERT INTO venues (id, biz_id, type, name) VALUES ('venue_1', 'biz_a', 'court', 'Court 1');
         INSERT INTO group_accounts (id, biz_id, type, name) VALUES ('group_account_1', 'biz_a', 'company', 'Acme');
         INSERT INTO resources (id, biz_id, type, name, slug, host_user_id) VALUES ('resource_h1', 'biz_a', 'host', 'Host One', 'host-one', 'user_host1');
         INSERT INTO resources (id, biz_id, type, name, slug, asset_id) VALUES ('resource_a1', 'biz_a', 'asset', 'Kayak', 'kayak', 'asset_1');
         INSERT INTO resources (id, biz_id, type, name, slug, venue_id) VALUES ('resource_v1', 'biz_a', 'venue', 'Court 1', 'court-1', 'venue_1');
         INSERT INTO resources (id, biz_id, type, name, slug, group_account_id) VALUES ('resource_g1', 'biz_a', 'company_host', 'Acme', 'acme', 'group_account_1');",
    );

    // A second live wrapper for each wrapped kind.
    rejected_by(
        &mut c,
        "INSERT INTO resources (id, biz_id, type, name, slug, host_user_id) VALUES ('resource_h2', 'biz_a', 'host', 'Host One again', 'host-one-2', 'user_host1')",
        "resources_host_user_id_live_unique",
    );
    rejected_by(
        &mut c,
        "INSERT INTO resources (id, biz_id, type, name, slug, asset_id) VALUES ('resource_a2', 'biz_a', 'asset', 'Kayak again', 'kayak-2', 'asset_1')",
        "resources_asset_id_live_unique",
    );
    rejected_by(
        &mut c,
        "INSERT INTO resources (id, biz_id, type, name, slug, venue_id) VALUES ('resource_v2', 'biz_a', 'venue', 'Court again', 'court-2', 'venue_1')",
        "resources_venue_id_live_unique",
    );
    rejected_by(
        &mut c,
        "INSERT INTO resources (id, biz_id, type, name, slug, group_account_id) VALUES ('resource_g2', 'biz_a', 'company_host', 'Acme again', 'acme-2', 'group_account_1')",
        "resources_group_account_id_live_unique",
    );
    // The same slug twice in one biz.
    rejected_by(
        &mut c,
        "INSERT INTO resources (id, biz_id, type, name, slug, host_user_id) VALUES ('resource_h3', 'biz_a', 'host', 'Host Two', 'host-one', 'user_host2')",
        "resources_biz_id_slug_unique",
    );

    // A soft-deleted wrapper does not count: the host can be wrapped again.
    ok(
        &mut c,
        "UPDATE resources SET deleted_at = now() WHERE id = 'resource_h1'",
    );
    ok(&mut c, "INSERT INTO resources (id, biz_id, type, name, slug, host_user_id) VALUES ('resource_h4', 'biz_a', 'host', 'Host One', 'host-one-new', 'user_host1')");
    // The same global user may host in another biz, with its own wrapper there.
    ok(&mut c, "INSERT INTO resources (id, biz_id, type, name, slug, host_user_id) VALUES ('resource_hb', 'biz_b', 'host', 'Host One', 'host-one', 'user_host1')");
    // Restoring the soft-deleted duplicate is rejected.
    rejected_by(
        &mut c,
        "UPDATE resources SET deleted_at = NULL WHERE id = 'resource_h1'",
        "resources_host_user_id_live_unique",
    );
}

#[test]
fn typed_sellable_bridges_reject_the_wrong_kind() {
    let (_db, mut c) = migrated_db("inv_typed_bridge");
    tenants(&mut c);
    ok(
        &mut c,
        "INSERT INTO products (id, biz_id, type, name) VALUES ('product_1', 'biz_a', 'physical', 'Wax'), ('product_2', 'biz_a', 'physical', 'Rope');
         INSERT INTO service_products (id, biz_id, type, name, slug) VALUES ('service_product_1', 'biz_a', 'session_pack', '10 lessons', 'ten');
         INSERT INTO sellables (id, biz_id, kind, name) VALUES
            ('sellable_p', 'biz_a', 'product', 'Wax'),
            ('sellable_s', 'biz_a', 'service_product', '10 lessons'),
            ('sellable_pb', 'biz_b', 'product', 'Other biz wax');",
    );
    // The right kind: accepted (the bridge's kind column defaults to its fixed kind).
    ok(&mut c, "INSERT INTO sellable_products (id, biz_id, sellable_id, product_id) VALUES ('sellable_product_1', 'biz_a', 'sellable_p', 'product_1')");
    ok(&mut c, "INSERT INTO sellable_service_products (id, biz_id, sellable_id, service_product_id) VALUES ('sellable_sp_1', 'biz_a', 'sellable_s', 'service_product_1')");

    // A service-product sellable mapped as a product: the composite FK on the kind rejects it.
    rejected_by(
        &mut c,
        "INSERT INTO sellable_products (id, biz_id, sellable_id, product_id) VALUES ('sellable_product_2', 'biz_a', 'sellable_s', 'product_2')",
        &fk_name("sellable_products", &["biz_id", "sellable_id", "sellable_kind"]),
    );
    // Claiming the other kind explicitly: the kind CHECK rejects it.
    rejected_by(
        &mut c,
        "INSERT INTO sellable_products (id, biz_id, sellable_id, sellable_kind, product_id) VALUES ('sellable_product_3', 'biz_a', 'sellable_s', 'service_product', 'product_2')",
        "sellable_products_sellable_kind_check",
    );
    // Another tenant's sellable of the right kind.
    rejected_by(
        &mut c,
        "INSERT INTO sellable_products (id, biz_id, sellable_id, product_id) VALUES ('sellable_product_4', 'biz_a', 'sellable_pb', 'product_2')",
        &fk_name("sellable_products", &["biz_id", "sellable_id", "sellable_kind"]),
    );
    // One bridge per sellable, and per source row.
    rejected_by(
        &mut c,
        "INSERT INTO sellable_products (id, biz_id, sellable_id, product_id) VALUES ('sellable_product_5', 'biz_a', 'sellable_p', 'product_2')",
        "sellable_products_sellable_id_unique",
    );
    ok(&mut c, "INSERT INTO sellables (id, biz_id, kind, name) VALUES ('sellable_p2', 'biz_a', 'product', 'Wax again')");
    rejected_by(
        &mut c,
        "INSERT INTO sellable_products (id, biz_id, sellable_id, product_id) VALUES ('sellable_product_6', 'biz_a', 'sellable_p2', 'product_1')",
        "sellable_products_product_id_unique",
    );
    // A sellable cannot change kind under its bridge.
    rejected_by(
        &mut c,
        "UPDATE sellables SET kind = 'offer_version' WHERE id = 'sellable_p'",
        &fk_name(
            "sellable_products",
            &["biz_id", "sellable_id", "sellable_kind"],
        ),
    );
}

#[test]
fn active_assignments_never_double_book_a_resource() {
    let (_db, mut c) = migrated_db("inv_no_overlap");
    tenants(&mut c);
    ok(
        &mut c,
        "INSERT INTO resources (id, biz_id, type, name, slug, host_user_id) VALUES
            ('resource_1', 'biz_a', 'host', 'Host One', 'host-one', 'user_host1'),
            ('resource_2', 'biz_a', 'host', 'Host Two', 'host-two', 'user_host2'),
            ('resource_b', 'biz_b', 'host', 'Host One', 'host-one', 'user_host1');
         INSERT INTO fulfillment_units (id, biz_id, title) VALUES
            ('fulfillment_unit_1', 'biz_a', 'Lesson 1'),
            ('fulfillment_unit_2', 'biz_a', 'Lesson 2'),
            ('fulfillment_unit_b', 'biz_b', 'Other biz lesson');
         INSERT INTO fulfillment_assignments (id, biz_id, fulfillment_unit_id, resource_id, starts_at, ends_at, status)
            VALUES ('assignment_1', 'biz_a', 'fulfillment_unit_1', 'resource_1', '2026-01-01 10:00Z', '2026-01-01 11:00Z', 'confirmed');",
    );
    let excl = exclude_name("fulfillment_assignments");
    let insert = |id: &str, resource: &str, from: &str, to: &str, status: &str, policy: &str| {
        format!(
            "INSERT INTO fulfillment_assignments (id, biz_id, fulfillment_unit_id, resource_id, starts_at, ends_at, status, conflict_policy) \
             VALUES ('{id}', 'biz_a', 'fulfillment_unit_2', '{resource}', '2026-01-01 {from}Z', '2026-01-01 {to}Z', '{status}', '{policy}')"
        )
    };

    // Overlapping active windows on one resource.
    rejected_by(
        &mut c,
        &insert(
            "assignment_x1",
            "resource_1",
            "10:30",
            "11:30",
            "confirmed",
            "enforce_no_overlap",
        ),
        &excl,
    );
    rejected_by(
        &mut c,
        &insert(
            "assignment_x2",
            "resource_1",
            "09:00",
            "12:00",
            "reserved",
            "enforce_no_overlap",
        ),
        &excl,
    );
    rejected_by(
        &mut c,
        &insert(
            "assignment_x3",
            "resource_1",
            "10:15",
            "10:45",
            "in_progress",
            "enforce_no_overlap",
        ),
        &excl,
    );

    // Touching windows are fine: [10:00, 11:00) and [11:00, 12:00) do not overlap.
    ok(
        &mut c,
        &insert(
            "assignment_2",
            "resource_1",
            "11:00",
            "12:00",
            "confirmed",
            "enforce_no_overlap",
        ),
    );
    ok(
        &mut c,
        &insert(
            "assignment_3",
            "resource_1",
            "09:00",
            "10:00",
            "confirmed",
            "enforce_no_overlap",
        ),
    );
    // Cancelled, proposed and released rows hold no time.
    ok(
        &mut c,
        &insert(
            "assignment_4",
            "resource_1",
            "10:30",
            "11:30",
            "cancelled",
            "enforce_no_overlap",
        ),
    );
    ok(
        &mut c,
        &insert(
            "assignment_5",
            "resource_1",
            "10:30",
            "11:30",
            "proposed",
            "enforce_no_overlap",
        ),
    );
    // A resource whose policy allows overlap, and another resource at the same time.
    ok(
        &mut c,
        &insert(
            "assignment_6",
            "resource_1",
            "10:30",
            "11:30",
            "confirmed",
            "allow_overlap",
        ),
    );
    ok(
        &mut c,
        &insert(
            "assignment_7",
            "resource_2",
            "10:30",
            "11:30",
            "confirmed",
            "enforce_no_overlap",
        ),
    );
    // Another tenant at the same time.
    ok(&mut c, "INSERT INTO fulfillment_assignments (id, biz_id, fulfillment_unit_id, resource_id, starts_at, ends_at, status) \
                VALUES ('assignment_b', 'biz_b', 'fulfillment_unit_b', 'resource_b', '2026-01-01 10:00Z', '2026-01-01 11:00Z', 'confirmed')");
    // A soft-deleted active row no longer holds its window.
    ok(
        &mut c,
        "UPDATE fulfillment_assignments SET deleted_at = now() WHERE id = 'assignment_2'",
    );
    ok(
        &mut c,
        &insert(
            "assignment_8",
            "resource_1",
            "11:15",
            "11:45",
            "confirmed",
            "enforce_no_overlap",
        ),
    );

    // Reactivating a cancelled overlapping row is rejected.
    rejected_by(
        &mut c,
        "UPDATE fulfillment_assignments SET status = 'confirmed' WHERE id = 'assignment_4'",
        &excl,
    );
    // Any window runs forwards (checks are evaluated by name, so the window check answers
    // first even for an active row); active rows need a window at all.
    for status in ["proposed", "confirmed"] {
        rejected_by(
            &mut c,
            &insert(
                "assignment_x4",
                "resource_2",
                "15:00",
                "14:00",
                status,
                "enforce_no_overlap",
            ),
            &check_name("fulfillment_assignments", "ends_at_after_starts_at_check"),
        );
    }
    rejected_by(
        &mut c,
        "INSERT INTO fulfillment_assignments (id, biz_id, fulfillment_unit_id, resource_id, status) VALUES ('assignment_x5', 'biz_a', 'fulfillment_unit_2', 'resource_2', 'reserved')",
        &check_name("fulfillment_assignments", "resource_window_check"),
    );
    ok(&mut c, "INSERT INTO fulfillment_assignments (id, biz_id, fulfillment_unit_id, resource_id, status) VALUES ('assignment_9', 'biz_a', 'fulfillment_unit_2', 'resource_2', 'proposed')");
}

#[test]
fn polymorphic_shape_checks_reject_mismatched_targets() {
    let (_db, mut c) = migrated_db("inv_shape");
    tenants(&mut c);
    ok(
        &mut c,
        "INSERT INTO assets (id, biz_id, name) VALUES ('asset_1', 'biz_a', 'Kayak');
         INSERT INTO calendars (id, biz_id, name) VALUES ('calendar_1', 'biz_a', 'Main');
         INSERT INTO resources (id, biz_id, type, name, slug, asset_id) VALUES ('resource_1', 'biz_a', 'asset', 'Kayak', 'kayak', 'asset_1');",
    );
    let resources = check_name("resources", "type_shape_check");
    // Type says host but the asset column is set.
    rejected_by(
        &mut c,
        "INSERT INTO resources (id, biz_id, type, name, slug, asset_id) VALUES ('resource_2', 'biz_a', 'host', 'Wrong', 'wrong', 'asset_1')",
        &resources,
    );
    // Two targets at once.
    rejected_by(
        &mut c,
        "INSERT INTO resources (id, biz_id, type, name, slug, host_user_id, asset_id) VALUES ('resource_3', 'biz_a', 'asset', 'Both', 'both', 'user_host1', 'asset_1')",
        &resources,
    );
    // No target.
    rejected_by(
        &mut c,
        "INSERT INTO resources (id, biz_id, type, name, slug) VALUES ('resource_4', 'biz_a', 'venue', 'None', 'none')",
        &resources,
    );

    let bindings = check_name("calendar_bindings", "target_type_shape_check");
    ok(&mut c, "INSERT INTO calendar_bindings (id, biz_id, calendar_id, target_type, resource_id) VALUES ('calendar_binding_1', 'biz_a', 'calendar_1', 'resource', 'resource_1')");
    rejected_by(
        &mut c,
        "INSERT INTO calendar_bindings (id, biz_id, calendar_id, target_type, location_id) VALUES ('calendar_binding_2', 'biz_a', 'calendar_1', 'resource', 'location_a')",
        &bindings,
    );
    rejected_by(
        &mut c,
        "UPDATE calendar_bindings SET target_type = 'location' WHERE id = 'calendar_binding_1'",
        &bindings,
    );
}

#[test]
fn graphs_refuse_self_loops_and_money_is_well_formed() {
    let (_db, mut c) = migrated_db("inv_graph_money");
    tenants(&mut c);
    ok(
        &mut c,
        "INSERT INTO fulfillment_units (id, biz_id, title) VALUES
            ('fulfillment_unit_1', 'biz_a', 'Setup'), ('fulfillment_unit_2', 'biz_a', 'Session');
         INSERT INTO fulfillment_unit_dependencies (id, biz_id, predecessor_unit_id, successor_unit_id)
            VALUES ('fu_dependency_1', 'biz_a', 'fulfillment_unit_1', 'fulfillment_unit_2');",
    );
    rejected_by(
        &mut c,
        "INSERT INTO fulfillment_unit_dependencies (id, biz_id, predecessor_unit_id, successor_unit_id) VALUES ('fu_dependency_2', 'biz_a', 'fulfillment_unit_1', 'fulfillment_unit_1')",
        "fulfillment_unit_dependencies_no_self_loop_check",
    );
    ok(
        &mut c,
        "INSERT INTO subjects (id, biz_id, subject_type, subject_id) VALUES ('subject_1', 'biz_a', 'plugin.horse', 'h1')",
    );
    rejected_by(
        &mut c,
        "INSERT INTO subject_relationships (id, biz_id, from_subject_type, from_subject_id, to_subject_type, to_subject_id, type)
            VALUES ('subject_rel_1', 'biz_a', 'plugin.horse', 'h1', 'plugin.horse', 'h1', 'related_to')",
        "subject_relationships_no_self_loop_check",
    );
    // Money: non-negative amounts and three-letter upper-case currency codes.
    ok(
        &mut c,
        "INSERT INTO booking_orders (id, biz_id, order_number, customer_user_id, total_amount, currency) VALUES ('booking_order_1', 'biz_a', 'A-1', 'user_owner', 120.50, 'EUR')",
    );
    rejected_by(
        &mut c,
        "INSERT INTO booking_orders (id, biz_id, order_number, customer_user_id, total_amount) VALUES ('booking_order_2', 'biz_a', 'A-2', 'user_owner', -1)",
        "booking_orders_total_amount_non_negative_check",
    );
    rejected_by(
        &mut c,
        "INSERT INTO booking_orders (id, biz_id, order_number, customer_user_id, currency) VALUES ('booking_order_3', 'biz_a', 'A-3', 'user_owner', 'EU1')",
        "booking_orders_currency_code_check",
    );
    // Ids carry their table's tag.
    rejected_by(
        &mut c,
        "INSERT INTO booking_orders (id, biz_id, order_number, customer_user_id) VALUES ('invoice_1', 'biz_a', 'A-4', 'user_owner')",
        "booking_orders_id_tag_check",
    );
}

#[test]
fn append_only_ledgers_reject_update_and_delete() {
    let (_db, mut c) = migrated_db("inv_append_only");
    tenants(&mut c);
    ok(
        &mut c,
        "INSERT INTO payment_intents (id, biz_id, amount, idempotency_key) VALUES ('payment_intent_1', 'biz_a', 50.00, 'k1');
         INSERT INTO payment_transactions (id, biz_id, payment_intent_id, type, amount) VALUES ('payment_txn_1', 'biz_a', 'payment_intent_1', 'capture', 50.00);
         INSERT INTO resources (id, biz_id, type, name, slug, host_user_id) VALUES ('resource_1', 'biz_a', 'host', 'Host', 'host', 'user_host1');
         INSERT INTO compensation_ledger_entries (id, biz_id, resource_id, type, amount, earned_at) VALUES ('comp_entry_1', 'biz_a', 'resource_1', 'earning', 20.00, now());
         INSERT INTO audit_streams (id, biz_id, key) VALUES ('audit_stream_1', 'biz_a', 'security');
         INSERT INTO audit_events (id, biz_id, stream_id, action, actor_type, entity_table, entity_id, event_hash)
            VALUES ('audit_event_1', 'biz_a', 'audit_stream_1', 'update', 'user', 'resources', 'resource_1', 'h1');
         INSERT INTO lifecycle_events (id, biz_id, event_type, entity_table, entity_id, payload)
            VALUES ('lifecycle_event_1', 'biz_a', 'booking.created', 'booking_orders', 'booking_order_1', '{}');",
    );
    for (table, id) in [
        ("payment_transactions", "payment_txn_1"),
        ("compensation_ledger_entries", "comp_entry_1"),
        ("audit_events", "audit_event_1"),
        ("lifecycle_events", "lifecycle_event_1"),
    ] {
        let trigger = format!("{table}_append_only");
        let msg = rejected_by(
            &mut c,
            &format!("UPDATE {table} SET created_at = now() WHERE id = '{id}'"),
            &trigger,
        );
        assert!(msg.starts_with("UPDATE"), "{msg}");
        let msg = rejected_by(
            &mut c,
            &format!("DELETE FROM {table} WHERE id = '{id}'"),
            &trigger,
        );
        assert!(msg.starts_with("DELETE"), "{msg}");
    }
    // Appending is still allowed, including corrections as new rows.
    ok(&mut c, "INSERT INTO payment_transactions (id, biz_id, payment_intent_id, type, amount) VALUES ('payment_txn_2', 'biz_a', 'payment_intent_1', 'refund', -10.00)");
    // Money checks on the ledger: a zero amount and a bad currency code.
    rejected_by(
        &mut c,
        "INSERT INTO payment_transactions (id, biz_id, payment_intent_id, type, amount) VALUES ('payment_txn_3', 'biz_a', 'payment_intent_1', 'fee', 0)",
        "payment_transactions_amount_non_zero_check",
    );
    rejected_by(
        &mut c,
        "INSERT INTO payment_transactions (id, biz_id, payment_intent_id, type, amount, currency) VALUES ('payment_txn_4', 'biz_a', 'payment_intent_1', 'fee', 1.00, 'usd')",
        "payment_transactions_currency_code_check",
    );

    // Every append-only table in the model carries its trigger in the database.
    let rows = c
        .query(
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE '%append_only'",
            &[],
        )
        .unwrap();
    let present: std::collections::HashSet<String> = rows.iter().map(|r| r.get(0)).collect();
    for t in schema().tables.iter().filter(|t| t.meta.append_only) {
        let trigger = schemactl::model::names::fit(format!("{}_append_only", t.name.name));
        assert!(
            present.contains(&trigger),
            "`{}` has no `{trigger}` trigger",
            t.name
        );
    }
}
