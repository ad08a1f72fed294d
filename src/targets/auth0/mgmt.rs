//! Management API requests that audit machine-to-machine access to
//! organizations ("Audit M2M Access",
//! https://auth0.com/docs/manage-users/organizations/organizations-for-m2m-applications/audit-m2m-access).
//!
//! Tenant logs show the tokens issued (`seccft` events with
//! `organization_id`); these requests show the client grants that allow
//! them. `GET /api/v2/clients` accepts exactly two Lucene queries, each alone
//! ("Cannot be used in combination with other filters") and only with
//! checkpoint pagination (`from`/`take`).

use super::quote::percent_encode;

/// One request to run against the Management API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// The HTTP method.
    pub method: &'static str,
    /// Path and query string, percent-encoded.
    pub path: String,
    /// What the response lists.
    pub what: &'static str,
}

/// Page size of the checkpoint-paginated client search; later pages pass
/// `from=<next>` from the previous response.
const TAKE: u32 = 50;

/// The audit requests: applications allowed to act for any organization, and
/// with `organization`, the grants associated with that organization.
pub fn m2m_audit_requests(organization: Option<&str>) -> Result<Vec<Request>, String> {
    let mut out = vec![Request {
        method: "GET",
        path: clients_search("client_grant.allow_any_organization:true"),
        what: "applications whose client grants allow any organization",
    }];
    if let Some(org) = organization {
        if !is_organization_id(org) {
            return Err(format!(
                "`{org}` is not an organization id (`org_` followed by letters and digits)"
            ));
        }
        out.push(Request {
            method: "GET",
            path: format!(
                "/api/v2/organizations/{}/client-grants",
                percent_encode(org)
            ),
            what: "client grants associated with the organization",
        });
        out.push(Request {
            method: "GET",
            path: clients_search(&format!("client_grant.organization_id:{org}")),
            what: "applications that can access at least one API for the organization",
        });
    }
    Ok(out)
}

fn clients_search(q: &str) -> String {
    format!("/api/v2/clients?q={}&take={TAKE}", percent_encode(q))
}

/// Organization ids are `org_` and an alphanumeric suffix; checking keeps a
/// value from adding Lucene syntax to the one query the endpoint accepts.
fn is_organization_id(s: &str) -> bool {
    s.strip_prefix("org_")
        .is_some_and(|rest| !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_requests() {
        let r = m2m_audit_requests(Some("org_mPdwToiiHHOtz0SH")).unwrap();
        let paths: Vec<&str> = r.iter().map(|r| r.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "/api/v2/clients?q=client_grant.allow_any_organization%3Atrue&take=50",
                "/api/v2/organizations/org_mPdwToiiHHOtz0SH/client-grants",
                "/api/v2/clients?q=client_grant.organization_id%3Aorg_mPdwToiiHHOtz0SH&take=50",
            ]
        );
        assert_eq!(m2m_audit_requests(None).unwrap().len(), 1);
        assert!(m2m_audit_requests(Some("org_x OR y")).is_err());
        assert!(m2m_audit_requests(Some("org_")).is_err());
    }
}
