//! What a person opens: the addresses of the browsers' port (`--http`) on
//! this machine's network, and the first one as a QR code a phone scans
//! from the teacher's terminal.

use qrcode::render::unicode::Dense1x2;
use qrcode::QrCode;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// Where others reach browsers' port `bound`: a specific address as it is;
/// for 0.0.0.0 or `[::]`, each IPv4 address of `interfaces` (name, address)
/// but loopback, virtual bridges (Docker's, libvirt's, VMs') last; loopback
/// only when there is nothing else.
pub fn addresses(bound: SocketAddr, interfaces: &[(String, IpAddr)]) -> Vec<SocketAddr> {
    if !bound.ip().is_unspecified() {
        return vec![bound];
    }
    let (virtual_bridges, networks): (Vec<_>, Vec<_>) = interfaces
        .iter()
        .filter(|(_, ip)| ip.is_ipv4() && !ip.is_loopback())
        .partition(|(name, _)| is_virtual(name));
    let mut addresses: Vec<SocketAddr> = Vec::new();
    for (_, ip) in networks.into_iter().chain(virtual_bridges) {
        let address = SocketAddr::new(*ip, bound.port());
        if !addresses.contains(&address) {
            addresses.push(address);
        }
    }
    if addresses.is_empty() {
        addresses.push(SocketAddr::new(Ipv4Addr::LOCALHOST.into(), bound.port()));
    }
    addresses
}

fn is_virtual(interface: &str) -> bool {
    ["docker", "br-", "virbr", "veth", "vmnet", "vboxnet"]
        .iter()
        .any(|prefix| interface.starts_with(prefix))
}

/// This machine's interfaces' addresses; none if they cannot be read.
pub fn interfaces() -> Vec<(String, IpAddr)> {
    if_addrs::get_if_addrs()
        .map(|all| all.into_iter().map(|i| (i.name.clone(), i.ip())).collect())
        .unwrap_or_default()
}

/// The page's address at `address`.
pub fn url(address: SocketAddr) -> String {
    format!("http://{address}/")
}

/// The page where a student joins the class as a node of its own
/// (`classroom/`), at `address`.
pub fn classroom(address: SocketAddr) -> String {
    format!("{}classroom.html", url(address))
}

/// `text` as a QR code in Unicode half blocks: one character a module
/// wide and two modules high (a terminal's cell is about twice as high as
/// wide), dark modules drawn, with the standard quiet zone of four light
/// modules around. Print it dark on light (see [`tell`]).
pub fn qr(text: &str) -> Option<String> {
    let code = QrCode::new(text).ok()?;
    Some(code.render::<Dense1x2>().quiet_zone(true).build())
}

/// What the teacher reads on the terminal: the address to open and, on a
/// terminal (`qr_too`), its QR code, in black on white whatever the
/// terminal's colours.
pub fn tell(addresses: &[SocketAddr], qr_too: bool) -> String {
    let Some(first) = addresses.first() else {
        return String::new();
    };
    if first.ip().is_loopback() {
        return format!(
            "Open {} on this machine only: other machines cannot reach it \
             (serve on --http 0.0.0.0:{} for the class).\n",
            classroom(*first),
            first.port()
        );
    }
    let mut text = format!("Students open {}", classroom(*first));
    match qr(&classroom(*first)).filter(|_| qr_too) {
        Some(code) => {
            text.push_str(" or scan:\n\n");
            for line in code.lines() {
                text.push_str(&format!("  \x1b[30;107m{line}\x1b[0m\n"));
            }
            text.push('\n');
        }
        None => text.push('\n'),
    }
    for other in &addresses[1..] {
        text.push_str(&format!(
            "(or {}, on another network of this machine)\n",
            classroom(*other)
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn interfaces(list: &[(&str, &str)]) -> Vec<(String, IpAddr)> {
        list.iter()
            .map(|(name, ip)| (name.to_string(), ip.parse().unwrap()))
            .collect()
    }

    fn urls(bound: &str, list: &[(&str, &str)]) -> Vec<String> {
        addresses(bound.parse().unwrap(), &interfaces(list))
            .into_iter()
            .map(url)
            .collect()
    }

    #[test]
    fn every_address_of_the_network_but_loopback() {
        let machine = [
            ("lo", "127.0.0.1"),
            ("docker0", "172.17.0.1"),
            ("wlan0", "192.168.1.23"),
            ("lo", "::1"),
            ("wlan0", "fe80::1"),
            ("eth0", "10.0.0.5"),
        ];
        let lan = ["http://192.168.1.23:8080/", "http://10.0.0.5:8080/"];
        let all = [&lan[..], &["http://172.17.0.1:8080/"]].concat();
        assert_eq!(urls("0.0.0.0:8080", &machine), all);
        assert_eq!(urls("[::]:8080", &machine), all);
        // A specific address is the one to open.
        assert_eq!(urls("10.0.0.5:9000", &machine), ["http://10.0.0.5:9000/"]);
        assert_eq!(urls("127.0.0.1:80", &machine), ["http://127.0.0.1:80/"]);
        assert_eq!(urls("[fd00::2]:80", &machine), ["http://[fd00::2]:80/"]);
        // No network: only this machine.
        assert_eq!(
            urls("0.0.0.0:8080", &machine[..1]),
            ["http://127.0.0.1:8080/"]
        );
    }

    #[test]
    fn a_qr_code_in_half_blocks_with_its_quiet_zone() {
        let text = "http://192.168.1.23:8080/";
        let drawn = qr(text).unwrap();
        assert_eq!(qr(text).unwrap(), drawn, "deterministic");
        let code = QrCode::new(text).unwrap();
        assert_eq!(code.version(), qrcode::Version::Normal(2));
        // 25 modules and a quiet zone of 4 each side: 33 columns, 17 lines.
        let width = code.width() + 8;
        let lines: Vec<Vec<char>> = drawn.lines().map(|l| l.chars().collect()).collect();
        assert_eq!((width, lines.len()), (33, width.div_ceil(2)));
        assert!(lines.iter().all(|l| l.len() == width), "square");
        // Read the modules back: the code's, with light all around.
        let dark = |x: usize, y: usize| match lines[y / 2][x] {
            ' ' => false,
            '\u{2588}' => true,
            '\u{2580}' => y.is_multiple_of(2),
            '\u{2584}' => y % 2 == 1,
            other => panic!("{other:?}"),
        };
        let colors = code.to_colors();
        for y in 0..width {
            for x in 0..width {
                let inside = (4..width - 4).contains(&x) && (4..width - 4).contains(&y);
                let expected =
                    inside && colors[(y - 4) * code.width() + (x - 4)] == qrcode::Color::Dark;
                assert_eq!(dark(x, y), expected, "module ({x}, {y})");
            }
        }
    }

    #[test]
    fn the_teacher_reads_the_address_and_its_code() {
        let lan: Vec<SocketAddr> = ["192.168.1.23:8080", "10.0.0.5:8080"]
            .iter()
            .map(|a| a.parse().unwrap())
            .collect();
        let text = tell(&lan, true);
        assert!(text.starts_with("Students open http://192.168.1.23:8080/classroom.html or scan:"));
        assert!(text.contains("\x1b[30;107m"));
        assert!(text.ends_with(
            "(or http://10.0.0.5:8080/classroom.html, on another network of this machine)\n"
        ));
        assert!(
            !tell(&lan, false).contains('\u{2588}'),
            "no code off a terminal"
        );
        let here = tell(&["127.0.0.1:8080".parse().unwrap()], true);
        assert!(here.contains("this machine only"));
        assert!(!here.contains('\u{2588}'));
    }
}
