//! A throwaway local PostgreSQL server, started from the installed server binaries into a
//! temporary folder (as the `postgres` user when running as root, because the server refuses
//! root), stopped and deleted when its handle is dropped. Scratch databases live on one when
//! no `--dev-url` names a server.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

pub struct LocalServer {
    pub bin: PathBuf,
    pub root: PathBuf,
    pub port: u16,
    pub socket_dir: PathBuf,
    /// Password of the `postgres` role over TCP (the Unix socket trusts local connections).
    pub password: String,
    run_as_postgres: bool,
}

static NEXT_ROOT: AtomicU32 = AtomicU32::new(0);

/// What to do when no server binaries are installed.
const INSTALL_HINT: &str = "PostgreSQL server binaries (initdb, pg_ctl) were not found. Install them with \
`apt-get install postgresql` (Debian/Ubuntu), or set SCHEMACTL_PG_BIN to the folder that holds initdb and pg_ctl.";

impl LocalServer {
    /// Starts a new server in a fresh temporary folder.
    pub fn start() -> Result<LocalServer, String> {
        Self::start_with(false)
    }

    /// Starts a server that accepts TCP connections only over TLS, with a self-signed
    /// certificate for `localhost` and `127.0.0.1` at [`LocalServer::tls_cert`] (made with the
    /// `openssl` command, which the PostgreSQL packages depend on).
    pub fn start_tls() -> Result<LocalServer, String> {
        Self::start_with(true)
    }

    /// The TLS server's certificate (its own CA), when it has one.
    pub fn tls_cert(&self) -> Option<PathBuf> {
        let cert = self.root.join("data").join("server.crt");
        cert.is_file().then_some(cert)
    }

    /// What [`stop_server`] needs, for a server that is never dropped (one kept in a static is
    /// stopped at process exit): the binaries, the folder, and whether to run as `postgres`.
    pub fn stop_paths(&self) -> (PathBuf, PathBuf, bool) {
        (self.bin.clone(), self.root.clone(), self.run_as_postgres)
    }

    fn start_with(tls: bool) -> Result<LocalServer, String> {
        let bin = find_bin().ok_or_else(|| INSTALL_HINT.to_string())?;
        let run_as_postgres = unsafe { libc::geteuid() } == 0;
        let root = std::env::temp_dir().join(format!(
            "schemactl-pg-{}-{}",
            std::process::id(),
            NEXT_ROOT.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root)
            .map_err(|e| format!("cannot create {}: {e}", root.display()))?;
        if run_as_postgres {
            let uid = postgres_uid()
                .ok_or("running as root, but there is no `postgres` user to run the server as")?;
            std::os::unix::fs::chown(&root, Some(uid.0), Some(uid.1))
                .map_err(|e| format!("chown {}: {e}", root.display()))?;
        }
        let data = root.join("data");
        let out = pg_command(&bin, "initdb", run_as_postgres)
            .args(["-D"])
            .arg(&data)
            .args([
                "-U",
                "postgres",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C",
            ])
            .output()
            .map_err(|e| format!("cannot run initdb: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "initdb failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let port = free_port()?;
        let mut options = format!(
            "-c port={port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={} \
             -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 \
             -c client_connection_check_interval=200",
            root.display()
        );
        if tls {
            enable_tls(&data, run_as_postgres)?;
            options.push_str(" -c ssl=on");
        }
        let out = pg_command(&bin, "pg_ctl", run_as_postgres)
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(root.join("server.log"))
            .args(["-w", "-t", "60", "-o", &options, "start"])
            .output()
            .map_err(|e| format!("cannot run pg_ctl: {e}"))?;
        if !out.status.success() {
            let log = std::fs::read_to_string(root.join("server.log")).unwrap_or_default();
            return Err(format!(
                "PostgreSQL did not start: {}\n{log}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let password = throwaway_password();
        let mut server = LocalServer {
            bin,
            socket_dir: root.clone(),
            root,
            port,
            password: String::new(),
            run_as_postgres,
        };
        let mut admin = postgres::Client::connect(&server.conninfo("postgres"), postgres::NoTls)
            .map_err(|e| format!("cannot connect to the new server: {e}"))?;
        admin
            .batch_execute(&format!("ALTER ROLE postgres PASSWORD '{password}'"))
            .map_err(|e| format!("cannot set the test password: {e}"))?;
        server.password = password;
        Ok(server)
    }

    pub fn conninfo(&self, db: &str) -> String {
        format!(
            "host={} port={} user=postgres dbname={db}",
            self.socket_dir.display(),
            self.port
        )
    }

    /// A TCP URL with the password (tests that check redaction look for it in output).
    pub fn url(&self, db: &str) -> String {
        format!(
            "postgres://postgres:{}@127.0.0.1:{}/{db}",
            self.password, self.port
        )
    }

    /// Runs a server tool such as `psql` as the right user.
    pub fn command(&self, tool: &str) -> Command {
        pg_command(&self.bin, tool, self.run_as_postgres)
    }
}

impl Drop for LocalServer {
    /// The server is stopped and deleted with its handle.
    fn drop(&mut self) {
        stop_server(&self.bin, &self.root, self.run_as_postgres);
    }
}

/// A self-signed certificate in the data folder, and a pg_hba.conf that refuses TCP
/// connections without TLS.
fn enable_tls(data: &Path, run_as_postgres: bool) -> Result<(), String> {
    let out = Command::new("openssl")
        .args([
            "req",
            "-new",
            "-x509",
            "-days",
            "2",
            "-nodes",
            "-newkey",
            "rsa:2048",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout",
        ])
        .arg(data.join("server.key"))
        .arg("-out")
        .arg(data.join("server.crt"))
        .output()
        .map_err(|e| format!("cannot run openssl to make a test certificate: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "openssl failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    std::fs::write(
        data.join("pg_hba.conf"),
        "local all all trust\n\
         hostssl all all 127.0.0.1/32 scram-sha-256\n\
         hostnossl all all 127.0.0.1/32 reject\n",
    )
    .map_err(|e| format!("cannot write pg_hba.conf: {e}"))?;
    use std::os::unix::fs::PermissionsExt;
    for file in ["server.key", "server.crt", "pg_hba.conf"] {
        let path = data.join(file);
        if run_as_postgres {
            let uid = postgres_uid().ok_or("no `postgres` user to own the certificate")?;
            std::os::unix::fs::chown(&path, Some(uid.0), Some(uid.1))
                .map_err(|e| format!("chown {}: {e}", path.display()))?;
        }
        // The server refuses a private key others can read.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| format!("chmod {}: {e}", path.display()))?;
    }
    // The certificate is the test's CA file too: readable by the test process.
    std::fs::set_permissions(
        data.join("server.crt"),
        std::fs::Permissions::from_mode(0o644),
    )
    .map_err(|e| format!("chmod server.crt: {e}"))?;
    Ok(())
}

/// Stops a server and deletes its folder.
pub fn stop_server(bin: &Path, root: &Path, as_postgres: bool) {
    let _ = pg_command(bin, "pg_ctl", as_postgres)
        .arg("-D")
        .arg(root.join("data"))
        .args(["-m", "immediate", "-w", "stop"])
        .output();
    let _ = std::fs::remove_dir_all(root);
}

fn pg_command(bin: &Path, tool: &str, as_postgres: bool) -> Command {
    let exe = bin.join(tool);
    if as_postgres {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(exe);
        c
    } else {
        Command::new(exe)
    }
}

/// The server binaries: `$SCHEMACTL_PG_BIN`, else the newest `/usr/lib/postgresql/*/bin`,
/// else `pg_config --bindir`.
fn find_bin() -> Option<PathBuf> {
    let has_tools = |p: &Path| p.join("initdb").is_file() && p.join("pg_ctl").is_file();
    if let Some(p) = std::env::var_os("SCHEMACTL_PG_BIN").map(PathBuf::from) {
        return has_tools(&p).then_some(p);
    }
    if let Ok(entries) = std::fs::read_dir("/usr/lib/postgresql") {
        let mut versions: Vec<(u32, PathBuf)> = entries
            .flatten()
            .filter_map(|e| {
                let v = e.file_name().to_string_lossy().parse::<u32>().ok()?;
                let bin = e.path().join("bin");
                has_tools(&bin).then_some((v, bin))
            })
            .collect();
        versions.sort();
        if let Some((_, bin)) = versions.pop() {
            return Some(bin);
        }
    }
    let out = Command::new("pg_config").arg("--bindir").output().ok()?;
    let p = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    has_tools(&p).then_some(p)
}

fn postgres_uid() -> Option<(u32, u32)> {
    let out = Command::new("id").args(["-u", "postgres"]).output().ok()?;
    let uid = String::from_utf8_lossy(&out.stdout).trim().parse().ok()?;
    let out = Command::new("id").args(["-g", "postgres"]).output().ok()?;
    let gid = String::from_utf8_lossy(&out.stdout).trim().parse().ok()?;
    Some((uid, gid))
}

/// A password for one throwaway server, different on every run.
fn throwaway_password() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.write_u32(std::process::id());
    format!("pw{:016x}", h.finish())
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"))?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}
