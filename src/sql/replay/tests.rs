use super::*;

fn replay(sql: &str) -> Result<Schema, Diagnostics> {
    import_sql(sql, "m.sql", DialectKind::Postgres)
}

#[test]
fn types_map_back_to_the_model() {
    let s = replay(
        "CREATE TYPE mood AS ENUM ('a', 'b');
         CREATE TABLE t (
           a int4, b INT, c int8, d character varying(10), e numeric(10, 2), f float8,
           g timestamp with time zone, h mood, i mood[], j text[], k citext, l bool,
           m decimal, n int2, o character(3)
         );",
    )
    .unwrap();
    let ty: Vec<ColumnType> = s.tables[0].columns.iter().map(|c| c.ty.clone()).collect();
    let mood = QName::parse("mood");
    assert_eq!(
        ty,
        vec![
            ColumnType::Integer,
            ColumnType::Integer,
            ColumnType::BigInt,
            ColumnType::Varchar { length: 10 },
            ColumnType::Numeric {
                precision: Some(10),
                scale: Some(2)
            },
            ColumnType::Double,
            ColumnType::Timestamptz,
            ColumnType::Enum {
                name: Box::new(mood.clone())
            },
            ColumnType::Array {
                element: Box::new(ColumnType::Enum {
                    name: Box::new(mood)
                })
            },
            ColumnType::Array {
                element: Box::new(ColumnType::Text)
            },
            ColumnType::Custom {
                sql: "citext".into()
            },
            ColumnType::Boolean,
            ColumnType::Numeric {
                precision: None,
                scale: None
            },
            ColumnType::SmallInt,
            ColumnType::Char { length: 3 },
        ]
    );
}

#[test]
fn defaults_map_to_named_variants() {
    let s = replay(
        "CREATE TYPE mood AS ENUM ('a', 'b');
         CREATE TABLE t (a timestamptz DEFAULT now(), b uuid DEFAULT gen_random_uuid(),
           c mood DEFAULT 'a', d text DEFAULT 'x', e int DEFAULT -3, f numeric DEFAULT 1.50,
           g bool DEFAULT false, h date DEFAULT CURRENT_DATE);",
    )
    .unwrap();
    let d: Vec<Option<DefaultValue>> = s.tables[0]
        .columns
        .iter()
        .map(|c| c.default.clone())
        .collect();
    assert_eq!(
        d,
        vec![
            Some(DefaultValue::Now),
            Some(DefaultValue::RandomUuid),
            Some(DefaultValue::EnumValue("a".into())),
            Some(DefaultValue::Text("x".into())),
            Some(DefaultValue::Int(-3)),
            Some(DefaultValue::Number("1.50".into())),
            Some(DefaultValue::Bool(false)),
            Some(DefaultValue::Expression("CURRENT_DATE".into())),
        ]
    );
}

#[test]
fn hand_written_evolutions_replay() {
    let s = replay(
        "CREATE TABLE users (id bigint PRIMARY KEY, email text, nick text);
         CREATE TYPE mood AS ENUM ('ok', 'sad');
         ALTER TYPE mood ADD VALUE 'meh' BEFORE 'sad';
         ALTER TYPE mood ADD VALUE 'glad' AFTER 'ok';
         ALTER TABLE users ADD COLUMN mood mood NOT NULL DEFAULT 'ok';
         ALTER TABLE users ALTER COLUMN email SET NOT NULL;
         ALTER TABLE users ALTER COLUMN nick TYPE varchar(20);
         ALTER TABLE users ALTER COLUMN nick SET DEFAULT 'anon';
         ALTER TABLE users RENAME COLUMN nick TO handle;
         ALTER TABLE users ADD CONSTRAINT users_email_check CHECK (email <> '') NOT VALID;
         ALTER TABLE users VALIDATE CONSTRAINT users_email_check;
         CREATE UNIQUE INDEX users_email_idx ON users (lower(email));
         CREATE UNIQUE INDEX CONCURRENTLY users_handle_idx ON users (handle);
         ALTER TABLE users ADD CONSTRAINT users_handle_key UNIQUE USING INDEX users_handle_idx;
         CREATE TABLE posts (id bigint PRIMARY KEY, author bigint REFERENCES users ON DELETE CASCADE, junk int);
         ALTER TABLE posts DROP COLUMN junk;
         ALTER TABLE users RENAME TO people;
         ALTER TABLE people RENAME COLUMN id TO person_id;
         DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;
         COMMENT ON CONSTRAINT users_email_check ON people IS 'not empty';
         INSERT INTO people (person_id) VALUES (1);",
    )
    .unwrap();
    let mood = s.enum_type(&QName::parse("mood")).unwrap();
    assert_eq!(mood.values, ["ok", "glad", "meh", "sad"]);
    let people = s.table(&QName::parse("people")).unwrap();
    let names: Vec<&str> = people.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["person_id", "email", "handle", "mood"]);
    assert!(!people.column("email").unwrap().nullable);
    assert_eq!(
        people.column("handle").unwrap().ty,
        ColumnType::Varchar { length: 20 }
    );
    assert_eq!(people.primary_key.as_ref().unwrap().name, "users_pkey");
    assert_eq!(people.primary_key.as_ref().unwrap().columns, ["person_id"]);
    assert_eq!(people.checks[0].expression, "email <> ''");
    assert!(people.indexes.is_empty());
    assert_eq!(people.uniques[0].name, "users_handle_key");
    assert_eq!(people.uniques[0].columns, ["handle"]);
    let posts = s.table(&QName::parse("posts")).unwrap();
    assert_eq!(posts.columns.len(), 2);
    let fk = &posts.foreign_keys[0];
    assert_eq!(fk.name, "posts_author_fkey");
    assert_eq!(fk.ref_table, QName::parse("people"));
    assert_eq!(fk.ref_columns, ["person_id"]);
    assert_eq!(fk.on_delete, FkAction::Cascade);
}

#[test]
fn more_evolutions_replay() {
    let s = replay(
        "BEGIN;
         SET lock_timeout = '1s';
         CREATE SCHEMA IF NOT EXISTS app;
         CREATE TABLE app.a (id int NOT NULL DEFAULT 1, note text NOT NULL, CONSTRAINT a_pkey PRIMARY KEY (id));
         CREATE TABLE b (id int PRIMARY KEY, a_id int, CHECK (a_id > 0));
         ALTER TABLE b ADD CONSTRAINT b_a_fk FOREIGN KEY (a_id) REFERENCES app.a (id) NOT VALID;
         ALTER TABLE b VALIDATE CONSTRAINT b_a_fk;
         ALTER TABLE b RENAME CONSTRAINT b_a_fk TO b_a_id_fkey;
         ALTER TABLE b DROP CONSTRAINT b_a_id_check;
         ALTER TABLE app.a ALTER COLUMN id DROP DEFAULT, ALTER COLUMN note DROP NOT NULL;
         ALTER TABLE app.a ENABLE ROW LEVEL SECURITY;
         CREATE POLICY p ON app.a USING (true);
         DROP POLICY p ON app.a;
         CREATE INDEX a_note_idx ON app.a (note);
         ALTER INDEX app.a_note_idx RENAME TO a_note_ix;
         CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
         CREATE OR REPLACE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$;
         CREATE TRIGGER t BEFORE UPDATE ON b FOR EACH ROW EXECUTE FUNCTION f();
         DROP TRIGGER t ON b;
         COMMENT ON TABLE b IS 'x';
         COMMENT ON TABLE b IS NULL;
         CREATE TYPE gone AS ENUM ('x');
         DROP TYPE gone;
         CREATE TABLE tmp (x int);
         DROP TABLE IF EXISTS tmp, never_existed;
         COMMIT;",
    )
    .unwrap_or_else(|ds| panic!("{ds}"));
    assert_eq!(s.namespaces[0].name, "app");
    assert!(s.enums.is_empty());
    assert_eq!(s.tables.len(), 2);
    let a = s.table(&QName::parse("app.a")).unwrap();
    assert_eq!(a.column("id").unwrap().default, None);
    assert!(a.column("note").unwrap().nullable);
    assert!(a.rls.enabled && a.policies.is_empty());
    assert_eq!(a.indexes[0].name, "a_note_ix");
    let b = s.table(&QName::parse("b")).unwrap();
    assert!(b.checks.is_empty());
    assert_eq!(b.foreign_keys[0].name, "b_a_id_fkey");
    assert_eq!(b.foreign_keys[0].ref_table, QName::parse("app.a"));
    assert!(b.triggers.is_empty() && b.doc.is_none());
    assert_eq!(s.functions.len(), 1);
    assert!(s.functions[0].sql.contains("RETURN OLD"));
}

#[test]
fn unsupported_statements_are_reported_at_their_line() {
    let err = replay(
        "CREATE TABLE a (id int);\nDO $$ BEGIN EXECUTE format('DROP TABLE %I', 'a'); END $$;\nCREATE TABLE b AS SELECT 1 AS x;\nALTER TABLE missing ADD COLUMN x int;\nCREAT TABLE c (id int);",
    )
    .unwrap_err();
    let got: Vec<(String, u32)> = err
        .iter()
        .map(|d| (d.code.clone(), d.location.as_ref().unwrap().line))
        .collect();
    assert_eq!(
        got,
        vec![
            ("replay::unsupported".to_string(), 2),
            ("replay::unsupported".to_string(), 3),
            ("replay::unknown-object".to_string(), 4),
            ("replay::rejected".to_string(), 5),
        ]
    );
}

#[test]
fn guarded_do_blocks_replay_offline() {
    let s = replay(
        "DO $$ BEGIN\n CREATE TYPE \"public\".\"status\" AS ENUM('a', 'b');\nEXCEPTION\n WHEN duplicate_object THEN null;\nEND $$;
         CREATE TABLE IF NOT EXISTS \"orders\" (\"id\" serial PRIMARY KEY, \"status\" \"status\" DEFAULT 'a' NOT NULL);
         DO $$ BEGIN\n CREATE TYPE \"public\".\"status\" AS ENUM('a', 'b');\nEXCEPTION\n WHEN duplicate_object THEN null;\nEND $$;
         DO $$
         BEGIN
           IF NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'note') THEN
             ALTER TABLE orders ADD COLUMN note text;
           END IF;
           IF NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'note') THEN
             ALTER TABLE orders ADD COLUMN note text;
           END IF;
           EXECUTE 'CREATE INDEX orders_note_idx ON orders (note)';
           UPDATE orders SET note = 'x' WHERE note IS NULL;
         END $$;
         DO $$ BEGIN CREATE TABLE later (id int); CREATE INDEX later_id_idx ON later (id); END $$;",
    )
    .unwrap_or_else(|ds| panic!("{ds}"));
    let orders = s.table(&QName::parse("orders")).unwrap();
    assert!(orders.has_column("note"));
    assert_eq!(orders.indexes[0].name, "orders_note_idx");
    assert_eq!(
        orders.column("status").unwrap().default,
        Some(DefaultValue::EnumValue("a".into()))
    );
    assert_eq!(s.enums.len(), 1);
    assert_eq!(s.table(&QName::parse("later")).unwrap().indexes.len(), 1);
}

#[test]
fn data_dependent_ddl_is_named() {
    let err = replay(
        "CREATE TABLE t (id int);\nDO $$\nBEGIN\n  IF (SELECT count(*) FROM t) > 0 THEN\n    ALTER TABLE t ADD COLUMN x int;\n  END IF;\nEND $$;",
    )
    .unwrap_err();
    assert_eq!(err.0.len(), 1);
    assert!(
        err.0[0].message.contains("ALTER TABLE"),
        "{}",
        err.0[0].message
    );
    assert_eq!(err.0[0].location.as_ref().unwrap().line, 5);
}

#[test]
fn statements_on_objects_the_model_does_not_describe_are_skipped() {
    let s = replay(
        "CREATE TABLE t (id int PRIMARY KEY, n int);
         CREATE SEQUENCE s AS bigint START 1000 INCREMENT 5 CACHE 10;
         ALTER SEQUENCE s OWNED BY t.id;
         ALTER SEQUENCE s RENAME TO s2;
         CREATE VIEW v AS SELECT id FROM t;
         COMMENT ON VIEW v IS 'x';
         COMMENT ON COLUMN v.id IS 'x';
         CREATE MATERIALIZED VIEW mv AS SELECT id FROM t WITH NO DATA;
         CREATE UNIQUE INDEX mv_id_idx ON mv (id);
         REFRESH MATERIALIZED VIEW mv;
         CREATE STATISTICS st ON id, n FROM t;
         ALTER TABLE t ALTER COLUMN n SET STATISTICS 500;
         ALTER TABLE t OWNER TO CURRENT_USER;
         REINDEX TABLE t;
         GRANT SELECT ON t TO PUBLIC;
         CREATE TRIGGER tr BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION f();
         ALTER TRIGGER tr ON t RENAME TO tr2;
         CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;
         DROP VIEW v;
         DROP MATERIALIZED VIEW mv;",
    )
    .unwrap_or_else(|ds| panic!("{ds}"));
    let t = s.table(&QName::parse("t")).unwrap();
    assert_eq!(t.triggers[0].name, "tr2");
    assert_eq!(s.functions.len(), 1);
    assert_eq!(s.tables.len(), 1);
}

#[test]
fn rows_are_skipped_without_being_parsed() {
    // Not even valid SQL after the first word: replay must not read it.
    let s = replay(
        "CREATE TABLE a (id int);\nINSERT INTO a VALUES (1) %%% not sql;\nupdate a set id = ((;\nDELETE FROM a WHERE ?!;\nALTER TABLE a ADD COLUMN b int;",
    )
    .unwrap_or_else(|ds| panic!("{ds:?}"));
    assert!(s.tables[0].has_column("b"));
    let split = crate::sql::split::split_for_replay(
        "INSERT INTO a VALUES (1);\nCREATE TABLE b (id int);",
        DialectKind::Postgres,
    );
    assert!(split.statements[0].parsed.is_none() && split.statements[0].parse_error.is_none());
    assert!(split.statements[1].parsed.is_some());
}

#[test]
fn renamed_columns_are_renamed_in_expressions() {
    let s = import_sql(
        "CREATE TABLE t (a INT, b INT, CONSTRAINT t_a_check CHECK (a > 0 AND b <> a));
         CREATE INDEX t_x_idx ON t ((a + 1)) WHERE a IS NOT NULL;
         ALTER TABLE t RENAME COLUMN a TO alpha;",
        "m.sql",
        DialectKind::Sqlite,
    )
    .unwrap();
    let t = &s.tables[0];
    assert_eq!(t.checks[0].expression, "alpha > 0 AND b <> alpha");
    assert_eq!(
        t.indexes[0].parts[0].key,
        IndexKey::Expression("alpha + 1".into())
    );
    assert_eq!(t.indexes[0].predicate.as_deref(), Some("alpha IS NOT NULL"));
}

#[test]
fn column_constraints_keep_their_names() {
    let s = import_sql(
        "CREATE TABLE p (id TEXT CONSTRAINT p_pk PRIMARY KEY);
         CREATE TABLE t (a INT CONSTRAINT t_a_u UNIQUE, b INT);
         ALTER TABLE t ADD COLUMN c TEXT CONSTRAINT t_c_positive CHECK (c > 0) CONSTRAINT t_c_fk REFERENCES p (id) ON DELETE CASCADE;",
        "m.sql",
        DialectKind::Sqlite,
    )
    .unwrap();
    assert_eq!(s.tables[0].primary_key.as_ref().unwrap().name, "p_pk");
    let t = &s.tables[1];
    assert_eq!(t.uniques[0].name, "t_a_u");
    assert_eq!(t.checks[0].name, "t_c_positive");
    assert_eq!(t.foreign_keys[0].name, "t_c_fk");
    assert_eq!(t.foreign_keys[0].on_delete, FkAction::Cascade);
    // Unnamed ones still get PostgreSQL's default names.
    let s = replay("CREATE TABLE t (a int CHECK (a > 0) UNIQUE);").unwrap();
    assert_eq!(s.tables[0].checks[0].name, "t_a_check");
    assert_eq!(s.tables[0].uniques[0].name, "t_a_key");
}

#[test]
fn public_schema_is_implicit_and_identifiers_fold() {
    let s = replay("CREATE TABLE public.Users (\"Mixed\" int, Plain int);").unwrap();
    assert_eq!(s.tables[0].name, QName::parse("users"));
    assert_eq!(s.tables[0].columns[0].name, "Mixed");
    assert_eq!(s.tables[0].columns[1].name, "plain");
}

/// A partition is kept in its parent's list; what a dump says about the partition itself
/// (its key, indexes, comments) is not an error, and dropping it takes it off the list.
#[test]
fn statements_on_partitions_replay() {
    let s = replay(
        "CREATE TABLE log (id int8, at timestamptz) PARTITION BY RANGE (at);
         CREATE TABLE log_2026 (id int8, at timestamptz);
         ALTER TABLE ONLY log ATTACH PARTITION log_2026 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
         CREATE TABLE log_2027 PARTITION OF log FOR VALUES FROM ('2027-01-01') TO ('2028-01-01');
         ALTER TABLE ONLY log_2026 ADD CONSTRAINT log_2026_pkey PRIMARY KEY (id, at);
         CREATE INDEX log_2027_at_idx ON log_2027 (at);
         COMMENT ON TABLE log_2027 IS 'next year';
         DROP TABLE log_2027;",
    )
    .unwrap();
    assert_eq!(s.tables.len(), 1);
    let names: Vec<String> = s.tables[0]
        .partitions
        .iter()
        .map(|p| p.name.to_string())
        .collect();
    assert_eq!(names, ["log_2026"]);
    let e = replay("ALTER TABLE ONLY nowhere ADD CONSTRAINT x PRIMARY KEY (id);").unwrap_err();
    assert_eq!(e.0[0].code, "replay::unknown-object");
}

/// Making what exists already is a conflict, told apart from what replay cannot follow.
#[test]
fn conflicts_have_their_own_code() {
    let e = replay("CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN a int;").unwrap_err();
    assert_eq!(e.0[0].code, CONFLICT);
    assert!(
        e.0[0].message.contains("column `a` already exists"),
        "{}",
        e.0[0].message
    );
    assert_eq!(e.0[0].location.as_ref().unwrap().line, 2);
}

#[test]
fn a_replaced_function_is_its_definition() {
    assert_eq!(
        without_or_replace(
            "CREATE  or\nREPLACE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'"
        ),
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'"
    );
    assert_eq!(
        without_or_replace("CREATE FUNCTION f()"),
        "CREATE FUNCTION f()"
    );
    let s = replay(
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';
         CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 2';",
    )
    .unwrap();
    assert_eq!(
        s.functions[0].sql,
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 2'"
    );
}

/// The collation of each column of the first table, as named.
fn collations(s: &Schema) -> Vec<Option<String>> {
    s.tables[0]
        .columns
        .iter()
        .map(|c| c.collation().map(|q| q.to_string()))
        .collect()
}

/// A column's COLLATE: kept as named (a built-in one without `pg_catalog`), `default` is the
/// type's own, and ALTER ... TYPE sets it anew (without COLLATE, back to the type's).
#[test]
fn collations_follow_create_and_alter() {
    let s = replay(
        r#"CREATE COLLATION app_ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
         CREATE TABLE t (a text COLLATE "C", b text COLLATE app_ci, c text COLLATE "default",
                         d text COLLATE pg_catalog."POSIX", e text, f text COLLATE "C");
         ALTER TABLE t ALTER COLUMN e TYPE text COLLATE "C", ALTER COLUMN f TYPE varchar(10);"#,
    )
    .unwrap();
    let named = |n: &str| Some(n.to_string());
    assert_eq!(
        collations(&s),
        [
            named("C"),
            named("app_ci"),
            None,
            named("POSIX"),
            named("C"),
            None
        ]
    );
    let sqlite = import_sql(
        "CREATE TABLE u (a TEXT COLLATE nocase, b TEXT COLLATE RTrim, c TEXT COLLATE mine);",
        "m.sql",
        DialectKind::Sqlite,
    )
    .unwrap();
    assert_eq!(
        collations(&sqlite),
        [named("NOCASE"), named("RTRIM"), named("mine")]
    );
}
