//! `vigil auth0-audit [--organization ORG]`: the Management API requests
//! that show which applications may obtain tokens for organizations.

use std::process::ExitCode;

use super::report::fail;
use crate::targets::auth0::mgmt::m2m_audit_requests;

/// Prints one `METHOD PATH  # what` line per request.
pub fn run(organization: Option<&str>) -> ExitCode {
    match m2m_audit_requests(organization) {
        Ok(requests) => {
            for r in requests {
                println!("{} {}  # {}", r.method, r.path, r.what);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            fail(&format!("--organization: {e}"));
            ExitCode::from(super::EXIT_USAGE)
        }
    }
}
