//! `cargo studiovault <command>`: schemactl's CLI over the studiovault schema.
fn main() -> std::process::ExitCode {
    schemactl::cli::main_with_schema(seed_systems::studiovault::build)
}
