//! Known-answer tests from the Signature V4 examples in the S3 API reference.

use std::time::{Duration, SystemTime};

use secrecy::SecretString;

use super::{Signer, uri_encode};

fn example_signer() -> Signer {
    Signer {
        access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
        secret_access_key: SecretString::from("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1".into(),
    }
}

const EXAMPLE_UNIX_SECONDS: u64 = 1_369_353_600;

/// 2013-05-24T00:00:00Z, the time of the reference examples.
fn example_time() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(EXAMPLE_UNIX_SECONDS)
}

#[test]
fn a_get_object_with_a_range_matches_the_reference_signature() {
    let request = http::Request::get("https://examplebucket.s3.amazonaws.com/test.txt")
        .header("range", "bytes=0-9")
        .body(Vec::new())
        .unwrap();
    let signed = example_signer().sign(request, example_time()).unwrap();
    let authorization = signed.headers()["authorization"].to_str().unwrap();
    assert_eq!(
        authorization,
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, \
         SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, \
         Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
    );
    assert_eq!(signed.headers()["x-amz-date"], "20130524T000000Z");
    assert_eq!(
        signed.headers()["x-amz-content-sha256"],
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}

#[test]
fn a_presigned_get_matches_the_reference_url() {
    let request = http::Request::get("https://examplebucket.s3.amazonaws.com/test.txt").body(()).unwrap();
    let url = example_signer().presign(request, example_time(), Duration::from_hours(24)).unwrap();
    let query = url.split_once('?').unwrap().1;
    let mut params: Vec<&str> = query.split('&').collect();
    params.sort_unstable();
    assert_eq!(
        params,
        [
            "X-Amz-Algorithm=AWS4-HMAC-SHA256",
            "X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request",
            "X-Amz-Date=20130524T000000Z",
            "X-Amz-Expires=86400",
            "X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
            "X-Amz-SignedHeaders=host",
        ]
    );
}

#[test]
fn presigned_urls_pass_the_testkit_check_until_they_expire() {
    let request = http::Request::get("http://127.0.0.1:5000/bucket/org/a-1/file.pdf").body(()).unwrap();
    let url = example_signer().presign(request, example_time(), Duration::from_mins(1)).unwrap();
    let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    let signed_at = 1_369_353_600;
    assert_eq!(emmaus_testkit::aws::sigv4::verify(&url, secret, signed_at + 59), Ok(()));
    assert!(emmaus_testkit::aws::sigv4::verify(&url, secret, signed_at + 60).is_err(), "expired");
    assert!(emmaus_testkit::aws::sigv4::verify(&url.replace("file.pdf", "other.pdf"), secret, signed_at).is_err());
}

#[test]
fn keys_are_encoded_once_with_slashes_kept_in_paths() {
    assert_eq!(uri_encode("org/a-1/file_2.pdf~", true), "org/a-1/file_2.pdf~");
    assert_eq!(uri_encode("a b+c/ü", true), "a%20b%2Bc/%C3%BC");
    assert_eq!(uri_encode("org/a", false), "org%2Fa");
}
