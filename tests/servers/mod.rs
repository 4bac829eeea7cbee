//! Real servers for the archive-on-object-storage tests, started on
//! 127.0.0.1 for one test and stopped after it: SeaweedFS (`weed server
//! -s3`) and PostgreSQL (initdb into a temporary folder, run as an
//! unprivileged user when the tests run as root). Each is started through
//! a shell that stops it when the test process's end closes its stdin, so
//! that nothing outlives a test binary killed midway.
#![allow(clippy::unwrap_used, dead_code)]

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A free port on 127.0.0.1 (free when asked; the server binds it next).
pub fn free_port() -> u16 {
    free_ports::<1>()[0]
}

/// `N` distinct free ports on loopback: all held at once while they are
/// chosen (one at a time, the kernel handed the same port out twice, and
/// SeaweedFS's master and volume server once collided on it).
pub fn free_ports<const N: usize>() -> [u16; N] {
    let held: Vec<TcpListener> = (0..N)
        .map(|_| TcpListener::bind("127.0.0.1:0").unwrap())
        .collect();
    std::array::from_fn(|i| held[i].local_addr().unwrap().port())
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|status| {
        status
            .lines()
            .find_map(|l| l.strip_prefix("Uid:"))
            .and_then(|ids| ids.split_whitespace().nth(1))
            == Some("0")
    })
}

/// Runs `program` under `sh`, killed (TERM, then waited for) when our end
/// of its stdin closes.
fn guarded(program: &str, args: &[String], user: Option<&str>, log: &Path) -> Child {
    let quoted: Vec<String> = std::iter::once(program.to_string())
        .chain(args.iter().cloned())
        .map(|a| format!("'{}'", a.replace('\'', "'\\''")))
        .collect();
    let script = format!(
        "{} >>'{}' 2>&1 & pid=$!; read _; kill -TERM $pid; (sleep 5; kill -KILL $pid 2>/dev/null) & wait $pid",
        quoted.join(" "),
        log.display()
    );
    let mut cmd = match user {
        Some(user) => {
            let mut c = Command::new("runuser");
            c.args(["-u", user, "--", "sh", "-c", &script]);
            c
        }
        None => {
            let mut c = Command::new("sh");
            c.args(["-c", &script]);
            c
        }
    };
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn stop(child: &mut Child) {
    // Closing stdin makes the guard stop the server and wait for it.
    drop(child.stdin.take());
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if child.try_wait().unwrap().is_some() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
}

fn venv_bin(name: &str) -> PathBuf {
    let local = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(".venv/bin")
        .join(name);
    if local.is_file() {
        return local;
    }
    std::env::var_os("PATH")
        .and_then(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join(name))
                .find(|c| c.is_file())
        })
        .unwrap_or_else(|| PathBuf::from(name))
}

/// A SeaweedFS server (master, volume, filer and S3 gateway) on loopback.
pub struct Weed {
    child: Option<Child>,
    pub dir: tempfile::TempDir,
    ports: [u16; 8],
    pub s3_port: u16,
}

impl Weed {
    pub fn start() -> Self {
        // Another process may take a chosen port before the server binds
        // it: the server then exits, and it is started again on new ports.
        let mut tries = 0;
        loop {
            let dir = tempfile::tempdir().unwrap();
            let ports: [u16; 8] = free_ports();
            let mut weed = Self {
                child: None,
                dir,
                ports,
                s3_port: ports[6],
            };
            tries += 1;
            match weed.try_run() {
                Ok(()) => return weed,
                Err(log) if tries < 3 && log.contains("address already in use") => weed.stop(),
                Err(log) => panic!("SeaweedFS did not start: {log}"),
            }
        }
    }

    fn run(&mut self) {
        if let Err(log) = self.try_run() {
            panic!("SeaweedFS did not start: {log}");
        }
    }

    /// Starts the server on its ports; its log if it exits or does not
    /// answer within 60 s.
    fn try_run(&mut self) -> Result<(), String> {
        let p = self.ports;
        let args: Vec<String> = [
            "server".to_string(),
            "-ip=127.0.0.1".into(),
            "-ip.bind=127.0.0.1".into(),
            format!("-dir={}", self.dir.path().display()),
            format!("-master.port={}", p[0]),
            format!("-master.port.grpc={}", p[1]),
            format!("-volume.port={}", p[2]),
            format!("-volume.port.grpc={}", p[3]),
            format!("-filer.port={}", p[4]),
            format!("-filer.port.grpc={}", p[5]),
            "-s3".into(),
            format!("-s3.port={}", p[6]),
            format!("-s3.port.grpc={}", p[7]),
            "-s3.port.iceberg=0".into(),
            "-s3.port.lance=0".into(),
            "-volume.max=20".into(),
            "-master.volumeSizeLimitMB=64".into(),
            "-metricsPort=0".into(),
        ]
        .into();
        let log = self.dir.path().join("weed.log");
        self.child = Some(guarded(
            venv_bin("weed").to_str().unwrap(),
            &args,
            None,
            &log,
        ));
        // Ready when the S3 gateway answers and a bucket can be made.
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let base = format!("{}/docseal-probe", self.endpoint());
            // (The bucket exists after a restart: its PUT then fails.)
            let _ = ureq::put(&base).send_empty();
            if ureq::put(&format!("{base}/ready"))
                .send(b"ok".as_slice())
                .is_ok()
                && ureq::get(&format!("{base}/ready")).call().is_ok()
            {
                return Ok(());
            }
            let exited = self.child.as_mut().unwrap().try_wait().unwrap().is_some();
            if Instant::now() >= deadline || exited {
                return Err(std::fs::read_to_string(&log).unwrap_or_default());
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// Stops it (its data stays).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            stop(&mut child);
        }
    }

    /// Starts it again on the same ports and data.
    pub fn restart(&mut self) {
        self.stop();
        self.run();
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.s3_port)
    }

    /// Makes a bucket (with Object Lock enabled when asked).
    pub fn bucket(&self, name: &str, object_lock: bool) {
        let mut req = ureq::put(&format!("{}/{name}", self.endpoint()));
        if object_lock {
            req = req.header("x-amz-bucket-object-lock-enabled", "true");
        }
        let r = req.send_empty().unwrap();
        assert!(r.status().is_success(), "{:?}", r.status());
    }

    /// The settings `object_store` reads, for a command.
    pub fn env<'c>(&self, cmd: &'c mut Command) -> &'c mut Command {
        cmd.env("AWS_ENDPOINT", self.endpoint())
            .env("AWS_ALLOW_HTTP", "true")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_ACCESS_KEY_ID", "docseal")
            .env("AWS_SECRET_ACCESS_KEY", "docseal-secret")
            .env("AWS_VIRTUAL_HOSTED_STYLE_REQUEST", "false")
    }

    /// An object's bytes (unsigned GET: the test server has no identities).
    pub fn get(&self, key: &str) -> Option<Vec<u8>> {
        let mut r = ureq::get(&format!("{}/{key}", self.endpoint()))
            .config()
            .http_status_as_error(false)
            .build()
            .call()
            .unwrap();
        if r.status() == 404 {
            return None;
        }
        assert!(r.status().is_success(), "GET {key}: {:?}", r.status());
        Some(r.body_mut().read_to_vec().unwrap())
    }
}

impl Drop for Weed {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A PostgreSQL server on loopback, trusting local connections.
pub struct Postgres {
    child: Option<Child>,
    pub dir: tempfile::TempDir,
    pub port: u16,
}

fn postgres_bin() -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .unwrap()
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|b| b.join("initdb").is_file())
        .collect();
    versions.sort();
    versions.pop().unwrap()
}

impl Postgres {
    pub fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let user = is_root().then_some("nobody");
        if user.is_some() {
            std::process::Command::new("chown")
                .args(["-R", "nobody", dir.path().to_str().unwrap()])
                .status()
                .unwrap();
        }
        let bin = postgres_bin();
        let data = dir.path().join("data");
        let mut initdb = match user {
            Some(u) => {
                let mut c = Command::new("runuser");
                c.args(["-u", u, "--"]).arg(bin.join("initdb"));
                c
            }
            None => Command::new(bin.join("initdb")),
        };
        let out = initdb
            .args([
                "-D",
                data.to_str().unwrap(),
                "-U",
                "docseal",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ])
            .env("HOME", dir.path())
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let port = free_port();
        let args: Vec<String> = vec![
            "-D".into(),
            data.display().to_string(),
            "-p".into(),
            port.to_string(),
            "-k".into(),
            dir.path().display().to_string(),
            "-c".into(),
            "listen_addresses=127.0.0.1".into(),
            "-c".into(),
            "fsync=off".into(),
            "-c".into(),
            "max_connections=60".into(),
        ];
        let log = dir.path().join("postgres.log");
        std::fs::File::create(&log).unwrap();
        if user.is_some() {
            std::process::Command::new("chown")
                .args(["nobody", log.to_str().unwrap()])
                .status()
                .unwrap();
        }
        let child = guarded(bin.join("postgres").to_str().unwrap(), &args, user, &log);
        let pg = Self {
            child: Some(child),
            dir,
            port,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while postgres::Client::connect(&pg.url("postgres"), postgres::NoTls).is_err() {
            assert!(
                Instant::now() < deadline,
                "PostgreSQL did not start: {}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        pg
    }

    pub fn url(&self, db: &str) -> String {
        format!("postgres://docseal@127.0.0.1:{}/{db}", self.port)
    }

    /// A new database, and its URL.
    pub fn database(&self, name: &str) -> String {
        let mut client = postgres::Client::connect(&self.url("postgres"), postgres::NoTls).unwrap();
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        self.url(name)
    }

    pub fn client(&self, db: &str) -> postgres::Client {
        postgres::Client::connect(&self.url(db), postgres::NoTls).unwrap()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            stop(&mut child);
        }
    }
}

/// Writes `text` to a file (for test inputs).
pub fn write(path: &Path, text: &str) {
    std::fs::File::create(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .unwrap();
}
