//! Webhook signatures: Standard Webhooks (`webhook-id`, `webhook-timestamp`,
//! `webhook-signature: v1,<base64 HMAC-SHA256>`, `whsec_` secrets) for what Errand sends and
//! receives, and GitHub's `X-Hub-Signature-256: sha256=<hex>` for what it receives.
//!
//! Verification checks each signature's format and length before comparing, and compares
//! in constant time: an empty or short signature (`v1,`) is malformed, never a match.
//! Several space-separated signatures are accepted (a sender rotating its secret signs with
//! both), and a timestamp outside the tolerance is refused, so a captured delivery cannot
//! be replayed later.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

type HmacSha256 = Hmac<Sha256>;

/// Bytes of an HMAC-SHA256.
const MAC_BYTES: usize = 32;
/// The prefix of a Standard Webhooks secret.
pub const SECRET_PREFIX: &str = "whsec_";
/// Entries one signature header may hold (a rotation needs two; more is a client's
/// mistake, refused rather than partly read).
const MAX_SIGNATURES: usize = 16;
/// Bytes of a generated secret's key.
const SECRET_BYTES: usize = 32;

/// A signing key. Shown to its owner once, as `whsec_` and the key in base64.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Vec<u8>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// Why a delivery's signature is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("the {0} header is missing")]
    Missing(&'static str),
    #[error("webhook-timestamp is not a number of seconds")]
    BadTimestamp,
    #[error("webhook-timestamp is more than {0} s away from now")]
    OutOfTolerance(u64),
    #[error("the signature header is malformed")]
    Malformed,
    #[error("no signature matches")]
    NoMatch,
}

impl Secret {
    /// A new random secret.
    pub fn generate() -> anyhow::Result<Self> {
        Ok(Self(crate::ids::random_bytes::<SECRET_BYTES>()?.to_vec()))
    }

    /// A `whsec_…` secret; `None` when it is not one (no prefix, bad base64, too short).
    pub fn parse(text: &str) -> Option<Self> {
        let key = STANDARD.decode(text.strip_prefix(SECRET_PREFIX)?).ok()?;
        (key.len() >= 16).then_some(Self(key))
    }

    /// A plain shared secret used as the key as it is (GitHub's, `hmac-sha256`).
    pub fn raw(text: &str) -> Self {
        Self(text.as_bytes().to_vec())
    }

    /// `whsec_` and the key in base64: what its owner is shown.
    pub fn shown(&self) -> String {
        format!("{SECRET_PREFIX}{}", STANDARD.encode(&self.0))
    }

    fn mac(&self, parts: &[&[u8]]) -> [u8; MAC_BYTES] {
        // HMAC takes a key of any length.
        let mut mac = HmacSha256::new_from_slice(&self.0).expect("HMAC takes any key length");
        for part in parts {
            mac.update(part);
        }
        mac.finalize().into_bytes().into()
    }
}

/// The `webhook-signature` value for a delivery: `v1,` and the base64 HMAC of
/// `{id}.{timestamp}.{body}`.
pub fn sign(secret: &Secret, id: &str, timestamp: i64, body: &[u8]) -> String {
    let mac = signed_content(secret, id, &timestamp.to_string(), body);
    format!("v1,{}", STANDARD.encode(mac))
}

fn signed_content(secret: &Secret, id: &str, timestamp: &str, body: &[u8]) -> [u8; MAC_BYTES] {
    secret.mac(&[id.as_bytes(), b".", timestamp.as_bytes(), b".", body])
}

/// Checks a Standard Webhooks delivery: the timestamp within `tolerance_seconds` of `now`
/// (seconds since the epoch), and one of the space-separated `v1` signatures made by one
/// of `secrets` (an old and a new one, during a rotation).
pub fn verify(
    secrets: &[Secret],
    id: &str,
    timestamp: &str,
    signatures: &str,
    body: &[u8],
    now: i64,
    tolerance_seconds: u64,
) -> Result<(), Refused> {
    if id.is_empty() {
        return Err(Refused::Missing("webhook-id"));
    }
    let sent: i64 = match timestamp.bytes().all(|b| b.is_ascii_digit()) {
        true => timestamp.parse().map_err(|_| Refused::BadTimestamp)?,
        false => return Err(Refused::BadTimestamp),
    };
    if sent.abs_diff(now) > tolerance_seconds {
        return Err(Refused::OutOfTolerance(tolerance_seconds));
    }
    let given = v1_signatures(signatures)?;
    let expected: Vec<[u8; MAC_BYTES]> = secrets
        .iter()
        .map(|s| signed_content(s, id, timestamp, body))
        .collect();
    match_any(&given, &expected)
}

/// The decoded `v1` signatures of a header. As in the reference libraries, entries of
/// other versions are skipped (a sender may add schemes) and so are malformed ones (one bad
/// entry does not hide a good one); a header with no well-formed `v1` entry, or with more
/// than `MAX_SIGNATURES` entries, is malformed.
fn v1_signatures(header: &str) -> Result<Vec<[u8; MAC_BYTES]>, Refused> {
    let entries: Vec<&str> = header.split(' ').filter(|e| !e.is_empty()).collect();
    if entries.len() > MAX_SIGNATURES {
        return Err(Refused::Malformed);
    }
    let found: Vec<[u8; MAC_BYTES]> = entries
        .iter()
        .filter_map(|entry| entry.strip_prefix("v1,"))
        .filter_map(|value| mac_bytes(STANDARD.decode(value).ok()).ok())
        .collect();
    if found.is_empty() {
        return Err(Refused::Malformed);
    }
    Ok(found)
}

/// Checks GitHub's `X-Hub-Signature-256: sha256=<64 hex digits>` over the raw body.
pub fn verify_github(secret: &Secret, header: &str, body: &[u8]) -> Result<(), Refused> {
    let hex = header.strip_prefix("sha256=").ok_or(Refused::Malformed)?;
    verify_hex(secret, hex, body)
}

/// Checks a hex HMAC-SHA256 of the raw body (64 hex digits, `sha256=` optional): the
/// `hmac-sha256` scheme, with a header the trigger names.
pub fn verify_hex(secret: &Secret, header: &str, body: &[u8]) -> Result<(), Refused> {
    let hex = header.strip_prefix("sha256=").unwrap_or(header);
    let given = mac_bytes(hex::decode(hex).ok())?;
    match_any(&[given], &[secret.mac(&[body])])
}

fn mac_bytes(decoded: Option<Vec<u8>>) -> Result<[u8; MAC_BYTES], Refused> {
    decoded
        .and_then(|bytes| <[u8; MAC_BYTES]>::try_from(bytes).ok())
        .ok_or(Refused::Malformed)
}

/// Whether any given signature equals any expected one, each compared in constant time.
fn match_any(given: &[[u8; MAC_BYTES]], expected: &[[u8; MAC_BYTES]]) -> Result<(), Refused> {
    let mut matched = subtle::Choice::from(0);
    for g in given {
        for e in expected {
            matched |= g.ct_eq(e);
        }
    }
    match bool::from(matched) {
        true => Ok(()),
        false => Err(Refused::NoMatch),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const SPEC_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const SPEC_TIMESTAMP: i64 = 1_614_265_330;
    const SPEC_BODY: &[u8] = br#"{"test": 2432232314}"#;
    const SPEC_SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    fn spec_secret() -> Secret {
        Secret::parse(SPEC_SECRET).expect("the specification's secret")
    }

    fn check(signatures: &str, now: i64) -> Result<(), Refused> {
        let ts = SPEC_TIMESTAMP.to_string();
        verify(
            &[spec_secret()],
            SPEC_ID,
            &ts,
            signatures,
            SPEC_BODY,
            now,
            300,
        )
    }

    #[test]
    fn the_specification_test_vector_signs_and_verifies() {
        assert_eq!(
            sign(&spec_secret(), SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY),
            SPEC_SIGNATURE
        );
        assert_eq!(check(SPEC_SIGNATURE, SPEC_TIMESTAMP), Ok(()));
        assert_eq!(spec_secret().shown(), SPEC_SECRET);
    }

    #[test]
    fn empty_short_and_foreign_signatures_are_malformed_not_matches() {
        for bad in ["v1,", "v1", "", "v1,AAAA", "v1,not base64!", "v2,abc"] {
            assert_eq!(
                check(bad, SPEC_TIMESTAMP),
                Err(Refused::Malformed),
                "{bad:?}"
            );
        }
        let other = sign(
            &Secret::raw("another secret"),
            SPEC_ID,
            SPEC_TIMESTAMP,
            SPEC_BODY,
        );
        assert_eq!(check(&other, SPEC_TIMESTAMP), Err(Refused::NoMatch));
    }

    #[test]
    fn any_of_several_signatures_and_any_of_several_secrets_match() {
        let old = sign(
            &Secret::raw("the old secret"),
            SPEC_ID,
            SPEC_TIMESTAMP,
            SPEC_BODY,
        );
        assert_eq!(
            check(&format!("{old} {SPEC_SIGNATURE}"), SPEC_TIMESTAMP),
            Ok(())
        );
        assert_eq!(
            check(&format!("v2,xyz {SPEC_SIGNATURE}"), SPEC_TIMESTAMP),
            Ok(())
        );
        // A malformed entry does not hide a good one after it.
        for bad in ["v1", "v1,AAAA", "v1,not base64!", "nonsense"] {
            let header = format!("{bad} {SPEC_SIGNATURE}");
            assert_eq!(check(&header, SPEC_TIMESTAMP), Ok(()), "{header}");
        }
        let many = vec!["v1,AAAA"; 15].join(" ");
        assert_eq!(
            check(&format!("{many} {SPEC_SIGNATURE}"), SPEC_TIMESTAMP),
            Ok(())
        );
        let too_many = vec!["v1,AAAA"; 16].join(" ");
        assert_eq!(
            check(&format!("{too_many} {SPEC_SIGNATURE}"), SPEC_TIMESTAMP),
            Err(Refused::Malformed)
        );
        let secrets = [Secret::raw("the old secret"), spec_secret()];
        let ts = SPEC_TIMESTAMP.to_string();
        let both = verify(
            &secrets,
            SPEC_ID,
            &ts,
            SPEC_SIGNATURE,
            SPEC_BODY,
            SPEC_TIMESTAMP,
            300,
        );
        assert_eq!(both, Ok(()));
    }

    #[test]
    fn a_timestamp_out_of_tolerance_or_not_a_number_is_refused() {
        assert_eq!(check(SPEC_SIGNATURE, SPEC_TIMESTAMP + 300), Ok(()));
        assert_eq!(
            check(SPEC_SIGNATURE, SPEC_TIMESTAMP + 301),
            Err(Refused::OutOfTolerance(300))
        );
        assert_eq!(
            check(SPEC_SIGNATURE, SPEC_TIMESTAMP - 301),
            Err(Refused::OutOfTolerance(300))
        );
        for ts in ["", "-1614265330", "1614265330.0", " 1614265330"] {
            let got = verify(
                &[spec_secret()],
                SPEC_ID,
                ts,
                SPEC_SIGNATURE,
                SPEC_BODY,
                0,
                300,
            );
            assert_eq!(got, Err(Refused::BadTimestamp), "{ts:?}");
        }
    }

    #[test]
    fn a_changed_body_or_id_no_longer_matches() {
        let ts = SPEC_TIMESTAMP.to_string();
        let body = br#"{"test": 2432232315}"#;
        let changed = verify(
            &[spec_secret()],
            SPEC_ID,
            &ts,
            SPEC_SIGNATURE,
            body,
            SPEC_TIMESTAMP,
            300,
        );
        assert_eq!(changed, Err(Refused::NoMatch));
        let other_id = verify(
            &[spec_secret()],
            "msg_other",
            &ts,
            SPEC_SIGNATURE,
            SPEC_BODY,
            SPEC_TIMESTAMP,
            300,
        );
        assert_eq!(other_id, Err(Refused::NoMatch));
    }

    #[test]
    fn githubs_documented_example_verifies() {
        // GitHub's documentation: this secret and payload give this signature.
        let secret = Secret::raw("It's a Secret to Everybody");
        let header = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
        assert_eq!(verify_github(&secret, header, b"Hello, World!"), Ok(()));
        assert_eq!(
            verify_github(&secret, header, b"Hello, World?"),
            Err(Refused::NoMatch)
        );
        assert_eq!(
            verify_github(&secret, "sha256=", b"Hello, World!"),
            Err(Refused::Malformed)
        );
        assert_eq!(
            verify_github(&secret, &header[7..], b"Hello, World!"),
            Err(Refused::Malformed)
        );
        assert_eq!(verify_hex(&secret, &header[7..], b"Hello, World!"), Ok(()));
    }

    #[test]
    fn secrets_parse_only_in_their_format_and_generate_fresh() {
        assert!(Secret::parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_none());
        assert!(Secret::parse("whsec_not*base64").is_none());
        assert!(Secret::parse("whsec_AAAA").is_none());
        let a = Secret::generate().expect("random");
        let b = Secret::generate().expect("random");
        assert_ne!(a, b);
        assert_eq!(Secret::parse(&a.shown()), Some(a));
        assert_eq!(format!("{b:?}"), "Secret(…)");
    }
}
