//! Where the AWS adapters' conformance tests find their protocol server (moto in `scripts/test`),
//! and how they check the presigned URLs that server does not.

pub mod sigv4;

/// The endpoint from `EMMAUS_TEST_AWS_ENDPOINT`, or `None` after printing why the case is skipped.
/// Under `EMMAUS_REQUIRE_AWS_TESTS=1` (set by `scripts/test`) a missing endpoint fails the case
/// instead, so the gate can never pass by skipping them.
pub fn aws_endpoint() -> Option<String> {
    match std::env::var("EMMAUS_TEST_AWS_ENDPOINT") {
        Ok(endpoint) if !endpoint.is_empty() => Some(endpoint),
        _ if std::env::var("EMMAUS_REQUIRE_AWS_TESTS").as_deref() == Ok("1") => {
            panic!("EMMAUS_REQUIRE_AWS_TESTS=1 but EMMAUS_TEST_AWS_ENDPOINT is not set (scripts/test starts moto)")
        }
        _ => {
            eprintln!("skipped: EMMAUS_TEST_AWS_ENDPOINT is not set (scripts/test starts moto)");
            None
        }
    }
}
