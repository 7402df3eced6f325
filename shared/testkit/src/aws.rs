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

/// An anonymous browser for presigned URLs at `clock`'s time: refuses a URL the way S3 would
/// (bad signature or expired, checked with `secret_key` since moto checks neither), else GETs it.
#[cfg(not(target_arch = "wasm32"))]
pub fn presigned_browser(
    clock: std::sync::Arc<emmaus_memory::ManualClock>,
    secret_key: &'static str,
) -> crate::blob::Fetch {
    use emmaus_ports::Clock as _;
    let http = reqwest::Client::new();
    std::sync::Arc::new(move |url: String| {
        let (http, clock) = (http.clone(), clock.clone());
        Box::pin(async move {
            if let Err(refusal) = sigv4::verify(&url, secret_key, clock.now().unix_seconds()) {
                eprintln!("refused {url}: {refusal:?}");
                return (403, Vec::new());
            }
            let response = http.get(&url).send().await.expect("the server answers");
            let status = response.status().as_u16();
            (status, response.bytes().await.expect("a body").to_vec())
        })
    })
}
