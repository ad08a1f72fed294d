//! `cidr` values: checked IPv4 and IPv6 ranges.

/// Checks `address[/prefix]` with the host bits zero.
pub fn check_cidr(text: &str) -> Result<(), String> {
    use std::net::IpAddr;
    let (addr, prefix) = match text.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (text, None),
    };
    let ip: IpAddr = addr
        .parse()
        .map_err(|_| format!("`{addr}` is not an IP address"))?;
    let bits = if ip.is_ipv4() { 32 } else { 128 };
    let Some(prefix) = prefix else { return Ok(()) };
    let len: u32 = prefix
        .parse()
        .ok()
        .filter(|l| *l <= bits)
        .ok_or_else(|| format!("the prefix length must be 0 to {bits}"))?;
    let value: u128 = match ip {
        IpAddr::V4(a) => u128::from(u32::from(a)),
        IpAddr::V6(a) => u128::from(a),
    };
    let host_bits = bits - len;
    let host_mask = if host_bits == 0 {
        0
    } else {
        (1u128 << host_bits) - 1
    };
    if value & host_mask != 0 {
        return Err("it has host bits set".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_checks() {
        assert!(check_cidr("10.0.0.0/8").is_ok());
        assert!(check_cidr("10.0.0.1/8").is_err());
        assert!(check_cidr("10.0.0.1").is_ok());
        assert!(check_cidr("fe80::/10").is_ok());
        assert!(check_cidr("10.0.0.0/33").is_err());
        assert!(check_cidr("x/8").is_err());
        assert!(check_cidr("0.0.0.0/0").is_ok());
    }
}
