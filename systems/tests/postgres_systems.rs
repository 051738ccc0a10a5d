//! Renoz and Digilist on a real PostgreSQL, through their binaries: generate, guard, apply,
//! drift; Renoz's expand/contract on rows; Digilist's tenant isolation for a non-superuser.

mod support;

use schemactl_testkit::PgServer;
use support::*;

fn drift_is_clean(system: &str, url: &str) {
    let dev = PgServer::shared().conninfo("postgres");
    let r = run(system, &["drift", "--database-url", url, "--dev-url", &dev]).expect(0, "drift");
    assert!(r.stdout.contains("no drift"), "{}", r.stdout);
}

/// As a non-superuser role with `app.organization_id` set to `a`, only `a`'s customers are
/// visible and `b`'s cannot be written.
fn renoz_isolation_holds(db: &schemactl_testkit::TestDb, role: &str, a: &str, b: &str) {
    let mut app = db.client();
    app.batch_execute(&format!("SET ROLE {role}; SET app.organization_id = '{a}'"))
        .unwrap();
    let foreign: i64 = app
        .query_one(
            "SELECT count(*) FROM customers WHERE organization_id <> $1::text::uuid",
            &[&a],
        )
        .unwrap()
        .get(0);
    assert_eq!(foreign, 0, "another organization's customers are invisible");
    let own: i64 = app
        .query_one("SELECT count(*) FROM customers", &[])
        .unwrap()
        .get(0);
    assert!(own > 0);
    let err = app
        .batch_execute(&format!(
            "INSERT INTO organization_memberships (organization_id, user_id, role) \
             SELECT '{b}', id, 'admin' FROM users LIMIT 1"
        ))
        .unwrap_err();
    assert!(
        err.as_db_error()
            .is_some_and(|e| e.message().contains("row-level security")),
        "{err}"
    );
}

#[test]
fn renoz_expand_contract_applies_on_rows() {
    generate_is_current_and_guard_is_clean("renoz");
    let db = PgServer::shared().create_database("renoz");
    run("renoz", &["apply", "--database-url", &db.url, "--to", "1"]).expect(0, "apply 0001");
    run("renoz", &["status", "--database-url", &db.url]).expect(1, "status with 0002.. pending");

    // Rows written by the old code: the expand/contract files must carry them over.
    let (a, b) = (
        "00000000-0000-0000-0000-00000000000a",
        "00000000-0000-0000-0000-00000000000b",
    );
    let role = format!("{}_app", db.name);
    let mut c = db.client();
    c.batch_execute(&format!(
        "CREATE ROLE {role} NOLOGIN NOSUPERUSER NOBYPASSRLS;
         GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
         INSERT INTO organizations (id, name, slug) VALUES ('{b}', 'Other', 'other');
         INSERT INTO users (email, name) VALUES ('ops@example.com', 'Ops');
         INSERT INTO customers (organization_id, name) VALUES ('{b}', 'not yours');"
    ))
    .unwrap();
    c.batch_execute(
        "INSERT INTO organizations (id, name, slug) VALUES ('00000000-0000-0000-0000-00000000000a', 'Renoz', 'renoz');
         INSERT INTO customers (organization_id, name)
             SELECT '00000000-0000-0000-0000-00000000000a', 'customer ' || n FROM generate_series(1, 2500) AS n;
         INSERT INTO addresses (organization_id, customer_id, kind, line1, city, postcode)
             SELECT organization_id, id, 'billing', '1 Main St', 'Sydney', '2000' FROM customers;
         INSERT INTO orders (organization_id, order_number, customer_id, subtotal_amount, tax_amount, total_amount)
             SELECT organization_id, 'SO-' || row_number() OVER (ORDER BY id), id, 100.00, 10.00, 110.00 FROM customers;",
    )
    .unwrap();
    renoz_isolation_holds(&db, &role, a, b);

    run("renoz", &["apply", "--database-url", &db.url]).expect(0, "apply 0002..0005");
    // The document's "re-run RLS checks after each phase".
    renoz_isolation_holds(&db, &role, a, b);
    run("renoz", &["status", "--database-url", &db.url]).expect(0, "status: nothing pending");

    let missing: i64 = c
        .query_one(
            "SELECT count(*) FROM customers WHERE customer_number IS NULL",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(
        missing, 0,
        "every customer of every organization was backfilled"
    );
    let linked: i64 = c
        .query_one(
            "SELECT count(*) FROM orders WHERE billing_address_id IS NOT NULL",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(
        linked, 2501,
        "every order got its customer's billing address"
    );
    let not_null: bool = c
        .query_one(
            "SELECT attnotnull FROM pg_attribute WHERE attrelid = 'customers'::regclass AND attname = 'customer_number'",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(
        not_null,
        "customer_number is NOT NULL after the contract step"
    );
    for name in [
        "customers_customer_number_format_check",
        "orders_organization_id_billing_address_id_fk",
    ] {
        let valid: bool = c
            .query_one(
                "SELECT convalidated FROM pg_constraint WHERE conname = $1",
                &[&name],
            )
            .unwrap()
            .get(0);
        assert!(valid, "{name} is validated");
    }
    let err = c
        .batch_execute("INSERT INTO customers (organization_id, name) VALUES ('00000000-0000-0000-0000-00000000000a', 'new')")
        .unwrap_err();
    assert!(
        err.as_db_error()
            .is_some_and(|e| e.message().contains("customer_number")),
        "{err}"
    );
    run("renoz", &["guard"]).expect(0, "guard after the expand/contract files");
    drift_is_clean("renoz", &db.url);
}

#[test]
fn digilist_applies_and_isolates_tenants_for_an_application_role() {
    generate_is_current_and_guard_is_clean("digilist");
    let db = PgServer::shared().create_database("digilist");
    run("digilist", &["apply", "--database-url", &db.url]).expect(0, "apply");
    drift_is_clean("digilist", &db.url);

    let a = "00000000-0000-0000-0000-00000000000a";
    let b = "00000000-0000-0000-0000-00000000000b";
    let mut admin = db.client();
    // The role is created per database name so parallel test databases do not share it.
    let role = format!("{}_app", db.name);
    admin
        .batch_execute(&format!(
            "INSERT INTO platform.tenants (id, name, slug) VALUES ('{a}', 'A', 'a'), ('{b}', 'B', 'b');
             INSERT INTO platform.organizations (tenant_id, name) VALUES ('{a}', 'A org'), ('{b}', 'B org');
             INSERT INTO platform.audit_logs (tenant_id, action, target_table) VALUES ('{a}', 'create', 'x'), ('{b}', 'create', 'y');
             CREATE ROLE {role} NOLOGIN NOSUPERUSER NOBYPASSRLS;
             GRANT USAGE ON SCHEMA platform, digilist TO {role};
             GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA platform, digilist TO {role};"
        ))
        .unwrap();

    let mut app = db.client();
    app.batch_execute(&format!("SET ROLE {role}; SET app.tenant_id = '{a}'"))
        .unwrap();
    let names: Vec<String> = app
        .query("SELECT name FROM platform.organizations ORDER BY name", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(names, ["A org"], "tenant A sees only its own organizations");
    let logs: i64 = app
        .query_one("SELECT count(*) FROM platform.audit_logs", &[])
        .unwrap()
        .get(0);
    assert_eq!(logs, 1, "the partitioned audit log is isolated too");
    let err = app
        .batch_execute(&format!(
            "INSERT INTO platform.organizations (tenant_id, name) VALUES ('{b}', 'sneaky')"
        ))
        .unwrap_err();
    assert!(
        err.as_db_error()
            .is_some_and(|e| e.message().contains("row-level security")),
        "{err}"
    );
    let updated = app
        .execute(
            "UPDATE platform.organizations SET name = 'taken' WHERE tenant_id = $1::text::uuid",
            &[&b],
        )
        .unwrap();
    assert_eq!(updated, 0, "tenant B's rows are invisible to updates");
    // Without a tenant set, the session sees nothing rather than everything.
    app.batch_execute("RESET app.tenant_id").unwrap();
    let all: i64 = app
        .query_one("SELECT count(*) FROM platform.organizations", &[])
        .unwrap()
        .get(0);
    assert_eq!(all, 0);
    app.batch_execute(&format!("SET app.tenant_id = '{a}'"))
        .unwrap();
    app.batch_execute(&format!(
        "INSERT INTO platform.organizations (tenant_id, name) VALUES ('{a}', 'A second')"
    ))
    .unwrap();
}
