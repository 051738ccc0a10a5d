//! StudioVault and the events platform on real SQLite files, through their binaries: generate,
//! guard, apply, drift; StudioVault's table rebuild on rows; the events platform's status
//! precondition, database-enforced uniqueness and append-only audit log.

mod support;

use rusqlite::Connection;
use support::*;

fn count(c: &Connection, sql: &str) -> i64 {
    c.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn studiovault_rebuild_keeps_every_row_and_foreign_key() {
    generate_is_current_and_guard_is_clean("studiovault");
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("studiovault.db");
    let url = sqlite_url(&file);
    run(
        "studiovault",
        &["apply", "--database-url", &url, "--to", "1"],
    )
    .expect(0, "apply 0001");

    let c = Connection::open(&file).unwrap();
    c.execute_batch(
        "PRAGMA foreign_keys = ON;
         INSERT INTO organizations (id, name) VALUES ('org_1', 'Lens & Light');
         INSERT INTO branches (org_id, id, name, invoice_prefix) VALUES ('org_1', 'brn_blr', 'Bangalore', 'BLR-');
         INSERT INTO branches (org_id, id, name) VALUES ('org_1', 'brn_mum', 'Mumbai');
         INSERT INTO users (org_id, id, branch_id, email) VALUES ('org_1', 'firebase-uid-1', 'brn_mum', 'a@example.com');
         INSERT INTO clients (org_id, id, branch_id, name, phone, total_spend) VALUES
             ('org_1', 'cli_1', 'brn_blr', 'Asha', '+91 1', '1250.50'),
             ('org_1', 'cli_2', 'brn_mum', 'Ravi', '+91 2', '0');
         INSERT INTO projects (org_id, id, branch_id, client_id, status) VALUES
             ('org_1', 'prj_1', 'brn_blr', 'cli_1', 'active'),
             ('org_1', 'prj_2', 'brn_mum', 'cli_2', 'inquiry');
         INSERT INTO invoices (org_id, id, branch_id, project_id, amount_total, status) VALUES
             ('org_1', 'inv_1', 'brn_blr', 'prj_1', '1250.50', 'issued');
         INSERT INTO transactions (org_id, id, invoice_id, gateway_payment_id, status, amount) VALUES
             ('org_1', 'txn_1', 'inv_1', 'pay_1', 'paid', '1250.50');",
    )
    .unwrap();
    // The database checks the client-made id prefixes and keeps money exact.
    assert!(c
        .execute_batch("INSERT INTO clients (org_id, id, branch_id, name, phone) VALUES ('org_1', 'prj_x', 'brn_blr', 'x', 'y')")
        .is_err());
    let before: Vec<i64> = [
        "branches",
        "users",
        "clients",
        "projects",
        "invoices",
        "transactions",
    ]
    .iter()
    .map(|t| count(&c, &format!("SELECT count(*) FROM {t}")))
    .collect();
    drop(c);

    run("studiovault", &["apply", "--database-url", &url]).expect(0, "apply the rebuild");

    let c = Connection::open(&file).unwrap();
    c.execute_batch("PRAGMA foreign_keys = ON").unwrap();
    let after: Vec<i64> = [
        "branches",
        "users",
        "clients",
        "projects",
        "invoices",
        "transactions",
    ]
    .iter()
    .map(|t| count(&c, &format!("SELECT count(*) FROM {t}")))
    .collect();
    assert_eq!(before, after, "every row survived the rebuild");
    assert_eq!(
        count(&c, "SELECT count(*) FROM pragma_foreign_key_check"),
        0
    );
    let prefix: String = c
        .query_row(
            "SELECT invoice_prefix FROM branches WHERE id = 'brn_mum'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(prefix, "BR-");
    let amount: String = c
        .query_row("SELECT amount_total FROM invoices", [], |r| r.get(0))
        .unwrap();
    assert_eq!(amount, "1250.50", "money is exact TEXT, not a float");
    // The children's foreign keys point at the rebuilt table and are still enforced.
    assert!(c
        .execute_batch("INSERT INTO clients (org_id, id, branch_id, name, phone) VALUES ('org_1', 'cli_3', 'brn_gone', 'x', 'y')")
        .is_err());
    assert!(c
        .execute_batch("DELETE FROM branches WHERE id = 'brn_blr'")
        .is_err());
    assert!(c
        .execute_batch("INSERT INTO branches (org_id, id, name, invoice_prefix) VALUES ('org_1', 'brn_x', 'X', NULL)")
        .is_err());
    // Immutable logs reject changes.
    assert!(c
        .execute_batch("UPDATE transactions SET status = 'refunded'")
        .is_err());
    drop(c);

    run("studiovault", &["status", "--database-url", &url]).expect(0, "status");
    run("studiovault", &["drift", "--database-url", &url]).expect(0, "drift");
}

#[test]
fn events_status_gates_operations_and_the_database_enforces_the_invariants() {
    generate_is_current_and_guard_is_clean("events");
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("events.db");
    let url = sqlite_url(&file);
    // "No pending migrations" is the precondition: status exits 1 until apply has run.
    run("events", &["status", "--database-url", &url]).expect(1, "status before apply");
    run("events", &["apply", "--database-url", &url]).expect(0, "apply");
    run("events", &["status", "--database-url", &url]).expect(0, "status after apply");
    run("events", &["drift", "--database-url", &url]).expect(0, "drift");

    let c = Connection::open(&file).unwrap();
    c.execute_batch(
        "PRAGMA foreign_keys = ON;
         INSERT INTO users (id, email) VALUES ('u1', 'a@example.com'), ('u2', 'b@example.com');
         INSERT INTO events (id, slug, title, starts_at, ends_at) VALUES ('e1', 'launch', 'Launch', '2026-03-01T10:00:00Z', '2026-03-01T12:00:00Z');
         INSERT INTO event_registrations (id, event_id, user_id) VALUES ('r1', 'e1', 'u1');
         INSERT INTO intake_requests (id, email, name, message) VALUES ('i1', 'c@example.com', 'C', 'hello');
         INSERT INTO intake_status_history (id, intake_request_id, from_status, to_status, changed_by_user_id)
             VALUES ('h1', 'i1', 'new', 'triaged', 'u1');
         INSERT INTO audit_log (id, actor_type, actor_id, action, target_type, target_id, metadata)
             VALUES ('a1', 'user', 'u1', 'api.auth.login', 'user', 'u1', '{\"ip\": \"127.0.0.1\"}');",
    )
    .unwrap();
    let refused = |sql: &str, why: &str| {
        let err = c.execute_batch(sql).unwrap_err().to_string();
        assert!(err.contains(why), "{sql}: {err}");
    };
    refused(
        "INSERT INTO users (id, email) VALUES ('u3', 'a@example.com')",
        "UNIQUE",
    );
    refused(
        "INSERT INTO events (id, slug, title, starts_at, ends_at) VALUES ('e2', 'launch', 'Again', '2026-03-02T10:00:00Z', '2026-03-02T11:00:00Z')",
        "UNIQUE",
    );
    refused(
        "INSERT INTO event_registrations (id, event_id, user_id) VALUES ('r2', 'e1', 'u1')",
        "UNIQUE",
    );
    refused("UPDATE event_registrations SET status = 'gone'", "CHECK");
    refused("UPDATE audit_log SET action = 'x'", "append-only");
    refused("DELETE FROM audit_log", "append-only");
    refused("DELETE FROM intake_status_history", "append-only");
    // State changes are rows, not edits: the registration is cancelled by status.
    c.execute_batch("UPDATE event_registrations SET status = 'cancelled' WHERE id = 'r1'")
        .unwrap();
    assert_eq!(count(&c, "SELECT count(*) FROM audit_log"), 1);
}
