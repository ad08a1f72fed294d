//! A small deterministic generator of synthetic Auth0 tenant logs, for
//! benchmarks and fuzzing (`vigil gen-events`).
//!
//! The same seed gives the same events, byte for byte: a hand-written
//! SplitMix64 drives every choice (no `rand` dependency). The mix of log
//! types, users, IPs and clients is shaped like a busy tenant: mostly
//! logins, token exchanges and refreshes, some failures, a few Management
//! API changes and MFA messages.

use std::io::Write;

use serde_json::{Value, json};

use crate::eval::time::format_iso;

/// SplitMix64: a tiny, fast, well-distributed 64-bit generator.
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator from a seed.
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        // Multiply-shift: unbiased enough for synthetic data, no division.
        ((u128::from(self.next_u64()) * u128::from(n.max(1))) >> 64) as u64
    }

    /// One of the items.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Output layouts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// One event per line.
    Ndjson,
    /// One JSON array (as `GET /api/v2/logs` returns).
    Array,
    /// One log-stream envelope per line (`{"log_id", "data"}`).
    Envelope,
}

const TYPES: &[(&str, u32)] = &[
    ("s", 40),
    ("ssa", 6),
    ("seccft", 10),
    ("sertft", 9),
    ("f", 6),
    ("fp", 5),
    ("fu", 2),
    ("slo", 5),
    ("sapi", 5),
    ("mgmt_api_read", 2),
    ("gd_send_sms", 3),
    ("gd_auth_succeed", 3),
    ("ferrt", 2),
    ("fertft", 2),
];

const SAPI: &[(&str, &str)] = &[
    ("Update a client", "/api/v2/clients/{client}"),
    (
        "Update Breached Password Detection settings",
        "/api/v2/attack-protection/breached-password-detection",
    ),
    (
        "Update Suspicious IP Throttling settings",
        "/api/v2/attack-protection/suspicious-ip-throttling",
    ),
    (
        "Update Brute-force settings",
        "/api/v2/attack-protection/brute-force-protection",
    ),
    ("Dynamic client registration", "/oidc/register"),
    (
        "Update multi-factor authentication type",
        "/api/v2/guardian/factors/{factor}",
    ),
    ("Create a User", "/api/v2/users"),
];

const AGENTS: &[&str] = &[
    "Chrome 138.0.0 / Mac OS X 10.15.7",
    "Firefox 140.0.0 / Windows 10.0.0",
    "Safari 18.5.0 / iOS 18.5.0",
    "Edge 138.0.0 / Windows 10.0.0",
    "okhttp 4.12.0 / Android 14.0.0",
    "python-requests 2.32.3 / Other 0.0.0",
];

const FACTORS: &[&str] = &[
    "sms",
    "otp",
    "webauthn-roaming",
    "webauthn-platform",
    "push-notification",
    "email",
];

/// The generator's state: the clock and the pools events are drawn from.
pub struct Generator {
    rng: SplitMix64,
    millis: i64,
    count: u64,
    users: usize,
}

impl Generator {
    /// A generator starting at `start` (epoch seconds).
    pub fn new(seed: u64, start: f64) -> Generator {
        Generator {
            rng: SplitMix64::new(seed),
            millis: (start * 1000.0) as i64,
            count: 0,
            users: 20_000,
        }
    }

    fn hex(&mut self, len: usize) -> String {
        let mut s = String::with_capacity(len);
        while s.len() < len {
            s.push_str(&format!("{:016x}", self.rng.next_u64()));
        }
        s.truncate(len);
        s
    }

    fn ip(&mut self) -> String {
        // Most traffic from a few thousand addresses, some from anywhere.
        if self.rng.below(10) < 8 {
            let n = self.rng.below(4096);
            format!("198.51.{}.{}", n / 256 % 256, n % 256 + 1)
        } else {
            let r = self.rng.next_u64();
            format!(
                "{}.{}.{}.{}",
                1 + (r >> 8) % 223,
                (r >> 16) % 256,
                (r >> 24) % 256,
                1 + (r >> 32) % 254
            )
        }
    }

    fn user(&mut self) -> (String, String) {
        let u = self.rng.below(self.users as u64);
        // Two scrambles of the user number give a stable 24-hex-digit id.
        let a = u.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 16;
        let b = u.wrapping_add(1).wrapping_mul(0xC2B2_AE3D_27D4_EB4F) >> 16;
        (
            format!("auth0|{a:012x}{b:012x}"),
            format!("user{u}@acme.example"),
        )
    }

    fn client(&mut self) -> (String, &'static str) {
        const CLIENTS: &[&str] = &[
            "Acme Web",
            "Acme iOS",
            "Acme Android",
            "Partner Portal",
            "Billing sync",
            "API Explorer Application",
        ];
        let i = self.rng.below(CLIENTS.len() as u64);
        (format!("cl{:030}", i * 7919), CLIENTS[i as usize])
    }

    /// The next event.
    pub fn event(&mut self) -> Value {
        self.millis += self.rng.below(200) as i64;
        self.count += 1;
        let total: u32 = TYPES.iter().map(|(_, w)| w).sum();
        let mut roll = self.rng.below(u64::from(total)) as u32;
        let ty = TYPES
            .iter()
            .find(|(_, w)| {
                if roll < *w {
                    true
                } else {
                    roll -= w;
                    false
                }
            })
            .map_or("s", |(t, _)| t);
        let date = format_iso(self.millis as f64 / 1000.0);
        let log_id = format!(
            "900{}{:0>36}",
            date.chars()
                .filter(char::is_ascii_digit)
                .collect::<String>(),
            self.count
        );
        let (user_id, user_name) = self.user();
        let (client_id, client_name) = self.client();
        let ip = self.ip();
        let agent = *self.rng.pick(AGENTS);
        let hostname = if self.rng.below(20) == 0 {
            "acme-prod.us.auth0.com"
        } else {
            "login.acme.example"
        };
        let mut e = json!({
            "date": date,
            "type": ty,
            "client_id": client_id,
            "client_name": client_name,
            "ip": ip,
            "user_agent": agent,
            "hostname": hostname,
            "log_id": log_id,
            "tenant_name": "acme-prod",
            "$event_schema": {"version": "1.0.0"},
        });
        let extra = match ty {
            "s" | "ssa" | "slo" => json!({
                "description": match ty { "s" => "Successful login", "ssa" => "Successful silent authentication", _ => "User successfully logged out" },
                "connection": "Username-Password-Authentication",
                "connection_id": "con_7Hq2LwXr9PzT4kYb",
                "user_id": user_id, "user_name": user_name,
                "strategy": "auth0", "strategy_type": "database",
                "details": {"session_id": self.hex(32), "stats": {"loginsCount": self.rng.below(500)}},
            }),
            "f" | "fp" | "fu" => json!({
                "description": match ty { "f" => "Wrong email or password.", "fp" => "Wrong password.", _ => "Wrong email." },
                "connection": "Username-Password-Authentication",
                "user_name": user_name,
                "user_id": if ty == "fp" { Value::String(user_id) } else { Value::Null },
                "details": {"error": {"message": "Wrong email or password."}},
            }),
            "seccft" => json!({
                "description": "Client Credentials for Access Token",
                "user_id": "", "user_name": "",
                "audience": "https://acme-prod.us.auth0.com/api/v2/",
                "scope": "read:users read:clients",
            }),
            "sertft" | "ferrt" | "fertft" => json!({
                "description": match ty {
                    "sertft" => "Successful Refresh Token exchange",
                    "ferrt" => "Unsuccessful Refresh Token exchange, reused refresh token detected",
                    _ => "Unsuccessful Refresh Token exchange",
                },
                "user_id": user_id, "user_name": user_name,
                "audience": "https://api.acme.example/",
                "details": {"familyId": self.hex(12), "tokenCounter": self.rng.below(40), "latestCounter": self.rng.below(40)},
            }),
            "sapi" => {
                let (desc, path) = *self.rng.pick(SAPI);
                let factor = *self.rng.pick(FACTORS);
                let enabled = self.rng.below(4) != 0;
                let path = path
                    .replace("{client}", &client_id)
                    .replace("{factor}", factor);
                json!({
                    "description": desc,
                    "user_id": "google-oauth2|104937592837465019283",
                    "details": {
                        "request": {"method": "patch", "path": path, "ip": ip, "channel": "https://manage.auth0.com/",
                                    "body": {"enabled": enabled, "allowlist": [self.ip()]}},
                        "response": {"statusCode": 200, "body": {"enabled": enabled, "client_id": self.hex(32),
                                     "shields": if enabled { json!(["block", "admin_notification"]) } else { json!(["admin_notification"]) }}},
                    },
                })
            }
            "mgmt_api_read" => json!({
                "description": "Get client by ID",
                "user_id": "google-oauth2|104937592837465019283",
                "details": {"accessedSecrets": ["client_secret"],
                            "response": {"statusCode": 200, "body": {"client_id": client_id}}},
            }),
            "gd_send_sms" => json!({
                "description": "Guardian - Second factor sms sent",
                "user_id": user_id, "user_name": user_name,
                "details": {"authenticator": {"type": "phone"}},
            }),
            _ => json!({
                "description": "Second factor authentication succeeded",
                "user_id": user_id, "user_name": user_name,
            }),
        };
        if let (Value::Object(m), Value::Object(x)) = (&mut e, extra) {
            m.extend(x);
        }
        e
    }
}

/// Writes `count` events.
pub fn write_events(
    out: &mut impl Write,
    count: u64,
    seed: u64,
    start: f64,
    layout: Layout,
) -> std::io::Result<()> {
    let mut g = Generator::new(seed, start);
    if layout == Layout::Array {
        out.write_all(b"[\n")?;
    }
    for i in 0..count {
        let e = g.event();
        match layout {
            Layout::Ndjson => serde_json::to_writer(&mut *out, &e)?,
            Layout::Array => {
                if i > 0 {
                    out.write_all(b",\n")?;
                }
                serde_json::to_writer(&mut *out, &e)?;
            }
            Layout::Envelope => {
                let id = e.get("log_id").cloned().unwrap_or(Value::Null);
                serde_json::to_writer(&mut *out, &json!({"log_id": id, "data": e}))?;
            }
        }
        if layout != Layout::Array {
            out.write_all(b"\n")?;
        }
    }
    if layout == Layout::Array {
        out.write_all(b"\n]\n")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_events() {
        let mut a = Vec::new();
        let mut b = Vec::new();
        write_events(&mut a, 50, 7, 1.75e9, Layout::Ndjson).unwrap();
        write_events(&mut b, 50, 7, 1.75e9, Layout::Ndjson).unwrap();
        assert_eq!(a, b);
        let mut c = Vec::new();
        write_events(&mut c, 50, 8, 1.75e9, Layout::Ndjson).unwrap();
        assert_ne!(a, c);
    }

    #[test]
    fn known_first_values() {
        let mut r = SplitMix64::new(0);
        // Reference values of SplitMix64 for seed 0.
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(r.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    }
}
