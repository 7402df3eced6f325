//! From SDK errors to the port's errors.
//!
//! The SDK has already retried throttling and transient failures (standard retry, 5 attempts)
//! when an error reaches this module; what remains is "try later" (`Unavailable`) or a fault.

use std::error::Error as StdError;
use std::fmt::Debug;

use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use emmaus_ports::BlobError;

/// Service error codes that mean "busy or briefly failing", not "the request is wrong".
const TRANSIENT_CODES: &[&str] =
    &["SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout", "Throttling", "ThrottlingException"];

pub(crate) fn sdk<E, R>(error: SdkError<E, R>) -> BlobError
where
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
    R: Debug + Send + Sync + 'static,
{
    let transient = match &error {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => true,
        SdkError::ServiceError(context) => context.err().code().is_some_and(|code| TRANSIENT_CODES.contains(&code)),
        _ => false,
    };
    if transient { BlobError::Unavailable(Box::new(error)) } else { BlobError::Backend(Box::new(error)) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_s3::error::ErrorMetadata;
    use aws_sdk_s3::operation::put_object::PutObjectError;

    fn service(code: &str) -> SdkError<PutObjectError, ()> {
        SdkError::service_error(PutObjectError::generic(ErrorMetadata::builder().code(code).build()), ())
    }

    #[test]
    fn throttling_and_timeouts_are_unavailable() {
        assert!(matches!(sdk(service("SlowDown")), BlobError::Unavailable(_)));
        assert!(matches!(sdk(SdkError::<PutObjectError, ()>::timeout_error("slow")), BlobError::Unavailable(_)));
    }

    #[test]
    fn refusals_are_backend_errors() {
        assert!(matches!(sdk(service("AccessDenied")), BlobError::Backend(_)));
        assert!(matches!(sdk(SdkError::<PutObjectError, ()>::construction_failure("bad")), BlobError::Backend(_)));
    }
}
