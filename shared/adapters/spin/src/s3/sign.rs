//! Signature V4 for S3 requests: pure functions from an `http::Request` to its signed form.
//!
//! Kept free of I/O so they are tested natively against known signatures; the store composes them
//! with whatever `HttpClient` the host has.

use std::fmt::Write as _;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SignatureLocation, SigningSettings,
    UriPathNormalizationMode, sign,
};
use aws_sigv4::sign::v4;
use secrecy::{ExposeSecret as _, SecretString};

/// What signs: the key pair and the region the store lives in.
#[derive(Debug, Clone)]
pub struct Signer {
    pub access_key_id: String,
    pub secret_access_key: SecretString,
    pub region: String,
}

#[derive(Debug, thiserror::Error)]
#[error("could not sign the request: {0}")]
pub struct SignError(String);

impl Signer {
    /// Signs `request` in its headers (`Authorization`, `x-amz-date`, `x-amz-content-sha256`) at `time`.
    pub fn sign(
        &self,
        mut request: http::Request<Vec<u8>>,
        time: SystemTime,
    ) -> Result<http::Request<Vec<u8>>, SignError> {
        let mut settings = s3_settings();
        // S3 requires the payload hash as a header on every signed request.
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
        let instructions = self.instructions(&request, SignableBody::Bytes(request.body()), settings, time)?;
        instructions.apply_to_request_http1x(&mut request);
        Ok(request)
    }

    /// A presigned URL for `request` (a body-less GET) valid from `time` for `ttl`, signed over
    /// the `host` header only, so a plain browser can open it.
    pub fn presign(&self, request: http::Request<()>, time: SystemTime, ttl: Duration) -> Result<String, SignError> {
        let mut settings = s3_settings();
        settings.signature_location = SignatureLocation::QueryParams;
        settings.expires_in = Some(ttl);
        let (parts, ()) = request.into_parts();
        let mut request = http::Request::from_parts(parts, Vec::new());
        let instructions = self.instructions(&request, SignableBody::UnsignedPayload, settings, time)?;
        instructions.apply_to_request_http1x(&mut request);
        Ok(request.uri().to_string())
    }

    fn instructions(
        &self,
        request: &http::Request<Vec<u8>>,
        body: SignableBody<'_>,
        settings: SigningSettings,
        time: SystemTime,
    ) -> Result<aws_sigv4::http_request::SigningInstructions, SignError> {
        let identity =
            Credentials::new(&self.access_key_id, self.secret_access_key.expose_secret(), None, None, "emmaus-spin")
                .into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name("s3")
            .time(time)
            .settings(settings)
            .build()
            .map_err(|e| SignError(e.to_string()))?
            .into();
        let headers = request
            .headers()
            .iter()
            .map(|(name, value)| Ok((name.as_str(), value.to_str().map_err(|e| SignError(e.to_string()))?)))
            .collect::<Result<Vec<_>, SignError>>()?;
        let uri = request.uri().to_string();
        let signable = SignableRequest::new(request.method().as_str(), uri, headers.into_iter(), body)
            .map_err(|e| SignError(e.to_string()))?;
        let (instructions, _signature) = sign(signable, &params).map_err(|e| SignError(e.to_string()))?.into_parts();
        Ok(instructions)
    }
}

/// S3 signs the path as sent (encoded once, never normalised), unlike most AWS services.
fn s3_settings() -> SigningSettings {
    let mut settings = SigningSettings::default();
    settings.percent_encoding_mode = PercentEncodingMode::Single;
    settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    settings.payload_checksum_kind = PayloadChecksumKind::NoHeader;
    settings
}

/// Signature V4 URI encoding: every byte but the unreserved characters as upper-case `%XX`;
/// `/` is kept in object paths (`keep_slash`) and encoded in query values.
pub fn uri_encode(text: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b'/' if keep_slash => out.push('/'),
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

#[cfg(test)]
#[path = "sign_tests.rs"]
mod tests;
