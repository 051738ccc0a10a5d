//! The kitchen-sink schema applied to a real PostgreSQL, then read back from pg_catalog:
//! every object exists as declared.

include!("../fixtures/kitchen_sink/schema.rs");

use schemactl::dialect::postgres::quote_qname;
use schemactl::model::*;
use schemactl_testkit::PgServer;

fn applied() -> (Schema, postgres::Client) {
    let schema = kitchen_sink().expect("fixture builds");
    let sql =
        schemactl::generate::render_script(&schema, schemactl::dialect::DialectKind::Postgres)
            .unwrap();
    let db = PgServer::shared().create_database("catalog");
    let mut client = db.client();
    client
        .batch_execute(&sql)
        .unwrap_or_else(|e| panic!("the generated SQL must apply: {e}"));
    (schema, client)
}

/// How PostgreSQL's `format_type` spells a model type.
fn catalog_type(ty: &ColumnType) -> String {
    match ty {
        ColumnType::Text => "text".into(),
        ColumnType::Varchar { length } => format!("character varying({length})"),
        ColumnType::Char { length } => format!("character({length})"),
        ColumnType::SmallInt => "smallint".into(),
        ColumnType::Integer => "integer".into(),
        ColumnType::BigInt => "bigint".into(),
        ColumnType::Boolean => "boolean".into(),
        ColumnType::Numeric {
            precision: Some(p),
            scale: Some(s),
        } => format!("numeric({p},{s})"),
        ColumnType::Numeric { .. } => "numeric".into(),
        ColumnType::Real => "real".into(),
        ColumnType::Double => "double precision".into(),
        ColumnType::Uuid => "uuid".into(),
        ColumnType::Json => "json".into(),
        ColumnType::Jsonb => "jsonb".into(),
        ColumnType::Timestamptz => "timestamp with time zone".into(),
        ColumnType::Timestamp => "timestamp without time zone".into(),
        ColumnType::Date => "date".into(),
        ColumnType::Time => "time without time zone".into(),
        ColumnType::Interval => "interval".into(),
        ColumnType::Bytea => "bytea".into(),
        ColumnType::Inet => "inet".into(),
        ColumnType::Array { element } => format!("{}[]", catalog_type(element)),
        ColumnType::Range { range } => range.pg_name().into(),
        ColumnType::Enum { name } => name.to_string(),
        ColumnType::Custom { sql } => sql.clone(),
    }
}

fn regclass(name: &QName) -> String {
    quote_qname(name)
}

#[test]
fn every_declared_object_exists_in_the_catalog() {
    let (schema, mut db) = applied();

    for e in &schema.extensions {
        let n: i64 = db
            .query_one(
                "SELECT count(*) FROM pg_extension WHERE extname = $1",
                &[&e.name],
            )
            .unwrap()
            .get(0);
        assert_eq!(n, 1, "extension {}", e.name);
    }
    for e in &schema.enums {
        let labels: Vec<String> = db
            .query(
                "SELECT e.enumlabel::text FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid \
                 JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typname = $1 AND n.nspname = $2 ORDER BY e.enumsortorder",
                &[&e.name.name.as_str(), &e.name.schema_or_public()],
            )
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert_eq!(labels, e.values, "enum {}", e.name);
    }

    for t in &schema.tables {
        let rel = regclass(&t.name);
        let oid_row = db
            .query_one(
                "SELECT c.oid, c.relrowsecurity, c.relforcerowsecurity, c.relkind::text, obj_description(c.oid, 'pg_class') \
                 FROM pg_class c WHERE c.oid = $1::text::regclass",
                &[&rel],
            )
            .unwrap_or_else(|e| panic!("table {rel} must exist: {e}"));
        let oid: u32 = oid_row.get(0);
        assert_eq!(
            oid_row.get::<_, bool>(1),
            t.rls.enabled,
            "{rel} RLS enabled"
        );
        assert_eq!(oid_row.get::<_, bool>(2), t.rls.forced, "{rel} RLS forced");
        let relkind: String = oid_row.get(3);
        assert_eq!(
            relkind,
            if t.partition_by.is_some() { "p" } else { "r" },
            "{rel} kind"
        );
        assert_eq!(oid_row.get::<_, Option<String>>(4), t.doc, "{rel} comment");

        // Columns: type, nullability, default presence, generated and identity, comment.
        let cols = db
            .query(
                "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid), \
                 a.attgenerated::text, a.attidentity::text, col_description(a.attrelid, a.attnum) \
                 FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
                 WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
                &[&oid],
            )
            .unwrap();
        assert_eq!(cols.len(), t.columns.len(), "{rel} column count");
        for (row, c) in cols.iter().zip(&t.columns) {
            let name: String = row.get(0);
            assert_eq!(name, c.name, "{rel} column order");
            assert_eq!(
                row.get::<_, String>(1),
                catalog_type(&c.ty),
                "{rel}.{name} type"
            );
            let pk_col = t
                .primary_key
                .as_ref()
                .is_some_and(|pk| pk.columns.contains(&c.name));
            assert_eq!(
                row.get::<_, bool>(2),
                !c.nullable || pk_col,
                "{rel}.{name} NOT NULL"
            );
            let default: Option<String> = row.get(3);
            let generated: String = row.get(4);
            if let Some(expr) = c.generated() {
                assert_eq!(generated, "s", "{rel}.{name} is stored generated");
                assert!(
                    default.as_deref().is_some_and(|d| d.contains("split_part")),
                    "{rel}.{name} generation {expr}"
                );
            } else {
                assert_eq!(
                    default.is_some(),
                    c.default.is_some(),
                    "{rel}.{name} default"
                );
            }
            let identity: String = row.get(5);
            let expected_identity = match c.identity {
                None => "",
                Some(Identity::Always) => "a",
                Some(Identity::ByDefault) => "d",
            };
            assert_eq!(identity, expected_identity, "{rel}.{name} identity");
            assert_eq!(
                row.get::<_, Option<String>>(6).as_deref(),
                c.doc(),
                "{rel}.{name} comment"
            );
        }

        // Constraints by name and kind; FKs in full.
        let cons = db
            .query(
                "SELECT conname::text, contype::text, pg_get_constraintdef(oid), condeferrable, condeferred, \
                 confdeltype::text, confupdtype::text, confrelid::regclass::text, \
                 ARRAY(SELECT attname::text FROM unnest(conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute ON attrelid = conrelid AND attnum = k.n ORDER BY k.i), \
                 ARRAY(SELECT attname::text FROM unnest(confkey) WITH ORDINALITY k(n, i) JOIN pg_attribute ON attrelid = confrelid AND attnum = k.n ORDER BY k.i) \
                 FROM pg_constraint WHERE conrelid = $1 AND contype <> 'n'",
                &[&oid],
            )
            .unwrap();
        let find = |name: &str, kind: &str| {
            cons.iter()
                .find(|r| r.get::<_, String>(0) == name && r.get::<_, String>(1) == kind)
                .unwrap_or_else(|| panic!("{rel}: constraint {name} ({kind}) missing"))
        };
        if let Some(pk) = &t.primary_key {
            assert_eq!(find(&pk.name, "p").get::<_, Vec<String>>(8), pk.columns);
        }
        for u in &t.uniques {
            let row = find(&u.name, "u");
            assert_eq!(row.get::<_, Vec<String>>(8), u.columns);
        }
        for c in &t.checks {
            let def: String = find(&c.name, "c").get(2);
            assert!(def.starts_with("CHECK ("), "{rel}.{}: {def}", c.name);
        }
        for x in &t.excludes {
            let def: String = find(&x.name, "x").get(2);
            assert!(
                def.starts_with(&format!("EXCLUDE USING {} (", x.method.as_sql())),
                "{def}"
            );
            assert_eq!(def.contains(" WHERE "), x.predicate.is_some(), "{def}");
        }
        for fk in &t.foreign_keys {
            let row = find(&fk.name, "f");
            assert_eq!(row.get::<_, Vec<String>>(8), fk.columns, "{}", fk.name);
            assert_eq!(row.get::<_, Vec<String>>(9), fk.ref_columns, "{}", fk.name);
            assert_eq!(
                row.get::<_, String>(7),
                regclass(&fk.ref_table),
                "{}",
                fk.name
            );
            let action = |a: FkAction| match a {
                FkAction::NoAction => "a",
                FkAction::Restrict => "r",
                FkAction::Cascade => "c",
                FkAction::SetNull => "n",
                FkAction::SetDefault => "d",
            };
            assert_eq!(
                row.get::<_, String>(5),
                action(fk.on_delete),
                "{} on delete",
                fk.name
            );
            assert_eq!(
                row.get::<_, String>(6),
                action(fk.on_update),
                "{} on update",
                fk.name
            );
            let (deferrable, deferred) = match fk.deferrable {
                Deferrable::NotDeferrable => (false, false),
                Deferrable::InitiallyImmediate => (true, false),
                Deferrable::InitiallyDeferred => (true, true),
            };
            assert_eq!(row.get::<_, bool>(3), deferrable, "{} deferrable", fk.name);
            assert_eq!(
                row.get::<_, bool>(4),
                deferred,
                "{} initially deferred",
                fk.name
            );
        }
        let declared = t.primary_key.iter().count()
            + t.uniques.len()
            + t.checks.len()
            + t.excludes.len()
            + t.foreign_keys.len();
        assert_eq!(cons.len(), declared, "{rel}: no undeclared constraints");

        // Indexes: method, uniqueness, predicate, INCLUDE, NULLS NOT DISTINCT.
        for ix in &t.indexes {
            let row = db
                .query_one(
                    "SELECT am.amname::text, i.indisunique, pg_get_expr(i.indpred, i.indrelid), pg_get_indexdef(i.indexrelid), i.indnkeyatts, i.indnatts, i.indnullsnotdistinct \
                     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam \
                     WHERE i.indrelid = $1 AND c.relname = $2",
                    &[&oid, &ix.name.as_str()],
                )
                .unwrap_or_else(|e| panic!("{rel}: index {} missing: {e}", ix.name));
            assert_eq!(
                row.get::<_, String>(0),
                ix.method.as_sql(),
                "{} method",
                ix.name
            );
            assert_eq!(row.get::<_, bool>(1), ix.unique, "{} unique", ix.name);
            assert_eq!(
                row.get::<_, Option<String>>(2).is_some(),
                ix.predicate.is_some(),
                "{} predicate",
                ix.name
            );
            let key_atts: i16 = row.get(4);
            let all_atts: i16 = row.get(5);
            assert_eq!(key_atts as usize, ix.parts.len(), "{} keys", ix.name);
            assert_eq!(
                (all_atts - key_atts) as usize,
                ix.include.len(),
                "{} INCLUDE",
                ix.name
            );
            assert_eq!(
                row.get::<_, bool>(6),
                ix.nulls_not_distinct,
                "{} NULLS NOT DISTINCT",
                ix.name
            );
            let def: String = row.get(3);
            for p in &ix.parts {
                if let Some(op) = &p.opclass {
                    assert!(def.contains(op), "{def} has opclass {op}");
                }
                if p.descending {
                    assert!(def.contains(" DESC"), "{def} is descending");
                }
            }
        }

        // Policies.
        for p in &t.policies {
            let row = db
                .query_one(
                    "SELECT permissive, cmd, roles::text[], qual, with_check FROM pg_policies WHERE schemaname = $1 AND tablename = $2 AND policyname = $3",
                    &[&t.name.schema_or_public(), &t.name.name.as_str(), &p.name],
                )
                .unwrap_or_else(|e| panic!("{rel}: policy {} missing: {e}", p.name));
            assert_eq!(
                row.get::<_, String>(0),
                if p.permissive {
                    "PERMISSIVE"
                } else {
                    "RESTRICTIVE"
                }
            );
            assert_eq!(row.get::<_, String>(1), p.command.as_sql());
            let roles: Vec<String> = row.get(2);
            let expected_roles = if p.roles.is_empty() {
                vec!["public".to_string()]
            } else {
                p.roles.clone()
            };
            assert_eq!(roles, expected_roles);
            assert_eq!(row.get::<_, Option<String>>(3).is_some(), p.using.is_some());
            assert_eq!(
                row.get::<_, Option<String>>(4).is_some(),
                p.with_check.is_some()
            );
        }

        // Triggers and partitions.
        for tr in &t.triggers {
            let n: i64 = db
                .query_one(
                    "SELECT count(*) FROM pg_trigger WHERE tgrelid = $1 AND tgname = $2",
                    &[&oid, &tr.name],
                )
                .unwrap()
                .get(0);
            assert_eq!(n, 1, "{rel}: trigger {}", tr.name);
        }
        for p in &t.partitions {
            let parent: String = db
                .query_one("SELECT inhparent::regclass::text FROM pg_inherits WHERE inhrelid = $1::text::regclass", &[&regclass(&p.name)])
                .unwrap()
                .get(0);
            assert_eq!(parent, rel, "partition {}", p.name);
        }
    }
}

/// Definitions as PostgreSQL prints them: the SQL that reached the server means what we said.
#[test]
fn definitions_read_back_as_declared() {
    let (_, mut db) = applied();
    let def =
        |db: &mut postgres::Client, sql: &str| -> String { db.query_one(sql, &[]).unwrap().get(0) };
    assert_eq!(
        def(&mut db, "SELECT pg_get_expr(indpred, indrelid) FROM pg_index WHERE indexrelid = 'orders_tenant_id_kind_unique'::regclass"),
        "((kind = 'member'::text) AND (deleted_at IS NULL))"
    );
    assert_eq!(
        def(&mut db, "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'bookings_room_window_excl'"),
        "EXCLUDE USING gist (tenant_id WITH =, room_id WITH =, tstzrange(starts_at, ends_at, '[)'::text) WITH &&) \
         WHERE (((deleted_at IS NULL) AND (status = ANY (ARRAY['held'::booking_status, 'confirmed'::booking_status]))))"
    );
    assert_eq!(
        def(&mut db, "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'rooms_price_positive_check'"),
        "CHECK ((price > (0)::numeric))"
    );
    assert_eq!(
        def(&mut db, "SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 'members'::regclass AND adnum = 4"),
        "'staff'::member_role"
    );
    assert_eq!(
        def(
            &mut db,
            "SELECT qual FROM pg_policies WHERE policyname = 'rooms_tenant_isolation'"
        ),
        "(tenant_id = current_setting('app.tenant_id'::text, true))"
    );
    assert_eq!(
        def(&mut db, "SELECT pg_get_indexdef('members_tenant_id_email_unique'::regclass)"),
        "CREATE UNIQUE INDEX members_tenant_id_email_unique ON public.members USING btree (tenant_id, email) INCLUDE (role) NULLS NOT DISTINCT"
    );
}

/// The no-overlap, append-only and cycle-closing pieces behave, not only exist.
#[test]
fn invariants_hold_on_real_rows() {
    let (_, mut db) = applied();
    db.batch_execute(
        "INSERT INTO platform.accounts DEFAULT VALUES;
         INSERT INTO tenants (id, account_id, name, slug) SELECT 'tenant_a', id, 'A', 'a' FROM platform.accounts;
         INSERT INTO rooms (tenant_id, id, name, price) VALUES ('tenant_a', 'room_1', 'One', 10);
         INSERT INTO bookings (tenant_id, id, room_id, starts_at, ends_at) VALUES ('tenant_a', 'booking_1', 'room_1', '2026-01-01 10:00Z', '2026-01-01 11:00Z');
         INSERT INTO bookings (tenant_id, id, room_id, starts_at, ends_at) VALUES ('tenant_a', 'booking_2', 'room_1', '2026-01-01 11:00Z', '2026-01-01 12:00Z');",
    )
    .unwrap();
    let err = db
        .batch_execute("INSERT INTO bookings (tenant_id, id, room_id, starts_at, ends_at) VALUES ('tenant_a', 'booking_3', 'room_1', '2026-01-01 10:30Z', '2026-01-01 10:45Z')")
        .unwrap_err();
    assert_eq!(
        err.as_db_error().unwrap().constraint(),
        Some("bookings_room_window_excl")
    );

    db.batch_execute("INSERT INTO ledger_entries (tenant_id, id, booking_id, amount) VALUES ('tenant_a', 'ledger_1', 'booking_1', 5)").unwrap();
    let err = db
        .batch_execute("UPDATE ledger_entries SET amount = 6")
        .unwrap_err();
    assert!(
        err.as_db_error()
            .unwrap()
            .message()
            .contains("ledger_entries_append_only"),
        "{err}"
    );
    let err = db.batch_execute("DELETE FROM ledger_entries").unwrap_err();
    assert!(
        err.as_db_error().unwrap().message().contains("append-only"),
        "{err}"
    );

    // The deferred FK that closes the nodes/edges cycle lets both rows arrive in one transaction.
    db.batch_execute(
        "BEGIN;
         INSERT INTO nodes (id, first_edge_id) VALUES ('node_1', 'edge_1');
         INSERT INTO nodes (id) VALUES ('node_2');
         INSERT INTO edges (id, from_id, to_id) VALUES ('edge_1', 'node_1', 'node_2');
         COMMIT;",
    )
    .unwrap();
}
