//! The command line: `ecloud-node [run|export] --flag value ...`, or
//! `ecloud-node verify FILE`.

use libp2p::Multiaddr;
use std::path::PathBuf;

pub const USAGE: &str = "\
usage: ecloud-node [run|export] [options]
       ecloud-node verify FILE

  run      run a node (the default)
  export   print the best chain kept in --data as a chain file, and stop
  verify   verify the chain file FILE (as the page's \"Verify chain\"): print
           one JSON line, the verdict, and exit 0 only if the chain verifies

options:
  --data DIR         where the node keeps its chain (default: ecloud-node-data)
  --listen ADDR      a libp2p address to listen on, repeatable
                     (default: /ip4/0.0.0.0/tcp/4001)
  --peer ADDR        a node to connect to, repeatable (/ip4/10.0.0.1/tcp/4001)
  --http HOST:PORT   serve browsers here: the page (--page) over HTTP and
                     libp2p over WebSocket, on one origin (0.0.0.0:8080);
                     says on stderr the address to open, with its QR code
  --page DIR         the built page to serve (dist/ of trunk build --release)
  --class-seed N     the classroom's seed: its members' keys and genesis (default: 1)
  --members N        members, the generator George included (default: 4)
  --start-ms MS      the genesis time, ms since 1970 (default: 11 June 2018 10:00 UTC)
  --slot-ms MS       one block's slot (default: 15000)
  --member I         the member this node signs for (none: an observer)
  --join NAME        a newcomer: make keys (kept in --data, never sent), ask
                     the registrar to admit NAME as a customer, then sign as
                     the member the registrar gives
  --admit            if this node is the registrar's (--member 0), admit
                     every newcomer who asks
  --teacher          the registrar is the teacher's browser, which makes its
                     keys (member 0's, never sent) and seals the class's
                     genesis block: without a class in --data, the node waits
                     (serving --http) until the teacher's page on this
                     computer (classroom.html?teacher) starts one, and keeps
                     its genesis block in --data (genesis.json)
  --genesis FILE     with --teacher: the class's genesis block from FILE (a
                     second classroom's node: the first serves it at
                     /genesis.json)";

/// What to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    Run,
    Export,
    /// Verify a chain file ([`Config::file`]).
    Verify,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub command: Command,
    pub data: PathBuf,
    pub listen: Vec<Multiaddr>,
    pub peers: Vec<Multiaddr>,
    pub class_seed: u64,
    pub members: u32,
    pub start_ms: u64,
    pub slot_ms: u64,
    pub member: Option<u32>,
    pub http: Option<std::net::SocketAddr>,
    pub page: Option<PathBuf>,
    /// A newcomer's name, asking to join.
    pub join: Option<String>,
    /// The registrar is the teacher's browser (--teacher).
    pub teacher: bool,
    /// The class's genesis block, from a file (--genesis).
    pub genesis: Option<PathBuf>,
    /// The registrar's node admits every newcomer who asks.
    pub admit: bool,
    /// The chain file to verify (`verify FILE`).
    pub file: Option<PathBuf>,
}

impl Config {
    pub fn store_path(&self) -> PathBuf {
        self.data.join("chain.redb")
    }

    /// Where a class the teacher's browser started keeps its genesis block.
    pub fn kept_genesis(&self) -> PathBuf {
        self.data.join("genesis.json")
    }

    /// The configuration `args` (without the program's name) ask for, or
    /// what is wrong with them.
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Config, String> {
        let mut config = Config {
            command: Command::Run,
            data: PathBuf::from("ecloud-node-data"),
            listen: Vec::new(),
            peers: Vec::new(),
            class_seed: 1,
            members: 4,
            start_ms: ecloud_core::model::block::SEEDED_START_MS,
            slot_ms: 15_000,
            member: None,
            http: None,
            page: None,
            join: None,
            teacher: false,
            genesis: None,
            admit: false,
            file: None,
        };
        let mut args = args.into_iter().peekable();
        match args.peek().map(String::as_str) {
            Some("run") => {
                args.next();
            }
            Some("export") => {
                args.next();
                config.command = Command::Export;
            }
            Some("verify") => {
                args.next();
                config.command = Command::Verify;
                let file = args
                    .next()
                    .ok_or(format!("verify needs a FILE\n\n{USAGE}"))?;
                config.file = Some(PathBuf::from(file));
            }
            _ => {}
        }
        while let Some(flag) = args.next() {
            let mut value = || args.next().ok_or(format!("{flag} needs a value"));
            match flag.as_str() {
                "--data" => config.data = PathBuf::from(value()?),
                "--listen" => config.listen.push(address(&value()?)?),
                "--peer" => config.peers.push(address(&value()?)?),
                "--class-seed" => config.class_seed = number(&flag, &value()?)?,
                "--members" => config.members = number(&flag, &value()?)?,
                "--start-ms" => config.start_ms = number(&flag, &value()?)?,
                "--slot-ms" => config.slot_ms = number(&flag, &value()?)?,
                "--member" => config.member = Some(number(&flag, &value()?)?),
                "--http" => {
                    let text = value()?;
                    config.http = Some(
                        text.parse()
                            .map_err(|_| format!("--http needs HOST:PORT, not {text:?}"))?,
                    );
                }
                "--page" => config.page = Some(PathBuf::from(value()?)),
                "--join" => config.join = Some(value()?),
                "--admit" => config.admit = true,
                "--teacher" => config.teacher = true,
                "--genesis" => config.genesis = Some(PathBuf::from(value()?)),
                "--help" | "-h" => return Err(USAGE.to_string()),
                other => return Err(format!("unknown option {other}\n\n{USAGE}")),
            }
        }
        if config.members < 2 {
            return Err("--members must be at least 2: George and one customer".into());
        }
        if config.member.is_some_and(|m| m >= config.members) {
            return Err(format!(
                "--member must be below --members ({})",
                config.members
            ));
        }
        if config.join.is_some() && config.member.is_some() {
            return Err("--join is for a newcomer, who has no --member yet".into());
        }
        if config.teacher && config.member == Some(0) {
            return Err(
                "with --teacher, member 0 (the registrar) is the teacher's browser: \
                        give this node another --member, or none"
                    .into(),
            );
        }
        if config.teacher && config.admit {
            return Err(
                "with --teacher, the teacher admits newcomers in the browser, not --admit".into(),
            );
        }
        if config.genesis.is_some() && !config.teacher {
            return Err(
                "--genesis is a class the teacher's browser started: give --teacher too".into(),
            );
        }
        if config.listen.is_empty() {
            config.listen.push(address("/ip4/0.0.0.0/tcp/4001")?);
        }
        Ok(config)
    }
}

fn address(text: &str) -> Result<Multiaddr, String> {
    text.parse()
        .map_err(|e| format!("{text} is not a libp2p address: {e}"))
}

fn number<T: std::str::FromStr>(flag: &str, text: &str) -> Result<T, String> {
    text.parse()
        .map_err(|_| format!("{flag} needs a whole number, not {text:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<Config, String> {
        Config::parse(line.split_whitespace().map(String::from))
    }

    #[test]
    fn defaults_and_flags() {
        let c = parse("--member 2 --peer /ip4/127.0.0.1/tcp/9 --slot-ms 2000").unwrap();
        assert_eq!(c.command, Command::Run);
        assert_eq!(c.member, Some(2));
        assert_eq!(c.slot_ms, 2_000);
        assert_eq!(c.peers.len(), 1);
        assert_eq!(c.listen, vec![address("/ip4/0.0.0.0/tcp/4001").unwrap()]);
        assert_eq!(parse("export --data x").unwrap().command, Command::Export);
        let c = parse("verify chain.json").unwrap();
        assert_eq!(
            (c.command, c.file),
            (Command::Verify, Some(PathBuf::from("chain.json")))
        );
        let c = parse("--http 0.0.0.0:8080 --page dist").unwrap();
        assert_eq!(c.http, Some("0.0.0.0:8080".parse().unwrap()));
        assert_eq!(c.page, Some(PathBuf::from("dist")));
        let c = parse("--join Zoé").unwrap();
        assert_eq!(
            (c.join.as_deref(), c.member, c.admit),
            (Some("Zoé"), None, false)
        );
        assert!(parse("--member 0 --admit").unwrap().admit);
        let c = parse("--teacher --member 1 --genesis g.json").unwrap();
        assert_eq!(
            (c.teacher, c.member, c.genesis),
            (true, Some(1), Some(PathBuf::from("g.json")))
        );
    }

    #[test]
    fn bad_arguments_say_what_is_wrong() {
        assert!(parse("--member")
            .unwrap_err()
            .contains("--member needs a value"));
        assert!(parse("--members 1").unwrap_err().contains("at least 2"));
        assert!(parse("verify").unwrap_err().contains("verify needs a FILE"));
        assert!(parse("--member 4").unwrap_err().contains("below --members"));
        assert!(parse("--slot-ms fast")
            .unwrap_err()
            .contains("whole number"));
        assert!(parse("--peer nowhere")
            .unwrap_err()
            .contains("not a libp2p address"));
        assert!(parse("--member 1 --join Zoé")
            .unwrap_err()
            .contains("no --member yet"));
        assert!(parse("--teacher --member 0")
            .unwrap_err()
            .contains("teacher's browser"));
        assert!(parse("--teacher --admit")
            .unwrap_err()
            .contains("not --admit"));
        assert!(parse("--genesis g.json")
            .unwrap_err()
            .contains("--teacher too"));
        assert!(parse("--colour red")
            .unwrap_err()
            .contains("unknown option"));
    }
}
