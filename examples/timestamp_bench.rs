//! Verifies one time-stamp reply N times and prints the time per
//! verification; driven by bench/timestamp.sh.
//!
//!     timestamp_bench REPLY.tsr STAMPED.bin ANCHOR.der N
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;
use std::time::Instant;

use docseal::timestamp::{self, TsaAnchor};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [reply, stamped, anchor, count] = args.as_slice() else {
        eprintln!("usage: timestamp_bench REPLY.tsr STAMPED.bin ANCHOR.der N");
        return ExitCode::from(2);
    };
    let read = |path: &str| std::fs::read(path).map_err(|e| format!("{path}: {e}"));
    let (reply, stamped, anchor) = match (read(reply), read(stamped), read(anchor)) {
        (Ok(r), Ok(s), Ok(a)) => (r, s, a),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let Ok(count) = count.parse::<u32>() else {
        eprintln!("N must be a number");
        return ExitCode::from(2);
    };
    let anchors = [TsaAnchor {
        name: "bench root".into(),
        certificate_der: anchor,
        valid_from: None,
        valid_until: None,
    }];
    let started = Instant::now();
    for _ in 0..count {
        if let Err(e) = timestamp::verify(&reply, &stamped, &anchors, None) {
            eprintln!("refused: {e}");
            return ExitCode::from(1);
        }
    }
    let elapsed = started.elapsed();
    println!(
        "{:.1}",
        elapsed.as_secs_f64() * 1e6 / f64::from(count.max(1))
    );
    ExitCode::SUCCESS
}
