//! `cargo schemactl <command>`: schemactl's CLI over the Bizing canonical schema.
fn main() -> std::process::ExitCode {
    schemactl::cli::main_with_schema(bizing_schema::build)
}
