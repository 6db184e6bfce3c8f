//! `ecloud-node`: see the crate's documentation and `--help`.

use ecloud_node::args::{Command, Config};

fn main() -> std::process::ExitCode {
    let config = match Config::parse(std::env::args().skip(1)) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("{message}");
            return std::process::ExitCode::from(2);
        }
    };
    let result = match config.command {
        Command::Verify => {
            let file = config.file.as_deref().unwrap_or(std::path::Path::new(""));
            match ecloud_node::verify(file) {
                Ok(verdict) => {
                    println!("{verdict}");
                    return if verdict["verified"] == true {
                        std::process::ExitCode::SUCCESS
                    } else {
                        std::process::ExitCode::FAILURE
                    };
                }
                Err(e) => Err(e),
            }
        }
        Command::Export => ecloud_node::export(&config).and_then(|chain| {
            use std::io::Write;
            writeln!(std::io::stdout().lock(), "{chain}").map_err(|e| e.to_string())
        }),
        Command::Run => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())
            .and_then(|runtime| runtime.block_on(ecloud_node::run(config))),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("ecloud-node: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}
