//! From SDK errors to the port's errors, and the idempotency token of a transaction.
//!
//! The SDK has already retried throttling and transient failures (standard retry, 5 attempts)
//! when an error reaches this module, so what is left is either "try later" (`Unavailable`) or a
//! fault (`Backend`). A failed condition is never either: it is the port's `Conflict`.

use std::error::Error as StdError;
use std::fmt::Debug;

use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::CancellationReason;
use emmaus_ports::{Index, IndexKeys, Key, KvError, Write};
use sha2::{Digest as _, Sha256};

/// Service error codes that mean "the service is busy or briefly failing", not "the request is wrong".
const TRANSIENT_CODES: &[&str] = &[
    "ThrottlingException",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
    "TransactionInProgressException",
];

/// Maps an error of a call without a condition.
pub(crate) fn sdk<E, R>(error: SdkError<E, R>) -> KvError
where
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
    R: Debug + Send + Sync + 'static,
{
    let transient = match &error {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => true,
        SdkError::ServiceError(context) => context.err().code().is_some_and(|code| TRANSIENT_CODES.contains(&code)),
        _ => false,
    };
    if transient { KvError::Unavailable(Box::new(error)) } else { KvError::Backend(Box::new(error)) }
}

/// Maps an error of a conditional `PutItem` / `DeleteItem`: a failed condition names the key.
pub(crate) fn conditional<E, R>(error: SdkError<E, R>, key: &Key, condition_failed: fn(&E) -> bool) -> KvError
where
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
    R: Debug + Send + Sync + 'static,
{
    if error.as_service_error().is_some_and(condition_failed) { KvError::Conflict(key.clone()) } else { sdk(error) }
}

/// Maps a cancelled transaction. Its reasons are listed in the order of the writes; the first
/// failed condition is the conflict. Anything else cancelled it (a concurrent transaction on the
/// same item, throttling): the batch was not applied and may simply be tried again.
pub(crate) fn cancelled(
    writes: &[Write],
    reasons: &[CancellationReason],
    error: Box<dyn StdError + Send + Sync>,
) -> KvError {
    if let Some((write, _)) =
        writes.iter().zip(reasons).find(|(_, reason)| reason.code() == Some("ConditionalCheckFailed"))
    {
        return KvError::Conflict(write.key().clone());
    }
    // A validation failure inside a transaction will fail the same way again.
    if reasons.iter().any(|reason| reason.code() == Some("ValidationError")) {
        return KvError::Backend(error);
    }
    KvError::Unavailable(error)
}

/// The `ClientRequestToken` of a batch: derived from the table and the writes, so a caller that
/// retries the same batch (after a timeout, say) has it applied at most once within DynamoDB's
/// ten-minute idempotency window. Every field is length-prefixed, so no two batches share an encoding.
///
/// The price of a content-derived token: within those ten minutes, an identical batch sent again
/// on purpose (after its items were deleted and re-created at the same versions) is answered as
/// the earlier success without being applied.
pub fn request_token(table: &str, writes: &[Write]) -> String {
    let mut hash = Sha256::new();
    let mut field = |bytes: &[u8]| {
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(bytes);
    };
    field(table.as_bytes());
    for write in writes {
        let none = IndexKeys::NONE;
        let (tag, key, value, expected, expires_at, index) = match write {
            Write::PutIfAbsent { key, value, expires_at, index } => {
                ("absent", key, Some(value), None, *expires_at, index)
            }
            Write::PutIfVersion { key, value, expected, expires_at, index } => {
                ("version", key, Some(value), Some(*expected), *expires_at, index)
            }
            Write::DeleteIfVersion { key, expected } => ("delete", key, None, Some(*expected), None, &none),
            Write::Check { key, expected } => ("check", key, None, Some(*expected), None, &none),
        };
        field(tag.as_bytes());
        field(key.partition.as_bytes());
        field(key.sort.as_bytes());
        field(value.map_or(&[][..], Vec::as_slice));
        field(expected.map(u64::to_le_bytes).as_ref().map_or(&[][..], |b| &b[..]));
        field(expires_at.map(i64::to_le_bytes).as_ref().map_or(&[][..], |b| &b[..]));
        for which in Index::ALL {
            let listed = index.get(which);
            field(listed.map_or(&b"-"[..], |k| k.partition.as_bytes()));
            field(listed.map_or(&[][..], |k| k.sort.as_bytes()));
        }
    }
    // The API accepts at most 36 characters; 144 bits of the digest are plenty.
    hex::encode(hash.finalize())[..36].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::error::ErrorMetadata;
    use aws_sdk_dynamodb::operation::put_item::PutItemError;
    use aws_sdk_dynamodb::types::error::ConditionalCheckFailedException;

    fn put_failed(error: PutItemError) -> SdkError<PutItemError, ()> {
        SdkError::service_error(error, ())
    }

    fn code(code: &str) -> PutItemError {
        PutItemError::generic(ErrorMetadata::builder().code(code).build())
    }

    fn condition_failed(e: &PutItemError) -> bool {
        e.is_conditional_check_failed_exception()
    }

    #[test]
    fn a_failed_condition_is_a_conflict_on_the_key() {
        let key = Key::new("p", "s");
        let failed = put_failed(PutItemError::ConditionalCheckFailedException(
            ConditionalCheckFailedException::builder().message("The conditional request failed").build(),
        ));
        assert!(matches!(conditional(failed, &key, condition_failed), KvError::Conflict(k) if k == key));
    }

    #[test]
    fn throttling_and_timeouts_are_unavailable_other_failures_backend() {
        let key = Key::new("p", "s");
        let throttled = put_failed(code("ProvisionedThroughputExceededException"));
        assert!(matches!(conditional(throttled, &key, condition_failed), KvError::Unavailable(_)));
        assert!(matches!(sdk(put_failed(code("ThrottlingException"))), KvError::Unavailable(_)));
        assert!(matches!(sdk(SdkError::<PutItemError, ()>::timeout_error("slow")), KvError::Unavailable(_)));
        assert!(matches!(sdk(put_failed(code("ValidationException"))), KvError::Backend(_)));
        assert!(matches!(sdk(put_failed(code("ResourceNotFoundException"))), KvError::Backend(_)));
    }

    #[test]
    fn a_cancelled_transaction_names_the_first_failed_condition() {
        let write = |sort: &str| Write::DeleteIfVersion { key: Key::new("p", sort), expected: 1 };
        let writes = [write("a"), write("b"), write("c")];
        let reason = |code: &str| CancellationReason::builder().code(code).build();
        let reasons = [reason("None"), reason("ConditionalCheckFailed"), reason("ConditionalCheckFailed")];
        assert!(matches!(cancelled(&writes, &reasons, "x".into()), KvError::Conflict(k) if k.sort == "b"));
        let busy = [reason("None"), reason("TransactionConflict"), reason("None")];
        assert!(matches!(cancelled(&writes, &busy, "x".into()), KvError::Unavailable(_)));
        let invalid = [reason("ValidationError"), reason("None"), reason("None")];
        assert!(matches!(cancelled(&writes, &invalid, "x".into()), KvError::Backend(_)));
    }

    #[test]
    fn the_request_token_is_a_function_of_the_batch() {
        let put = |sort: &str, value: &[u8], expires_at| Write::PutIfAbsent {
            key: Key::new("p", sort),
            value: value.to_vec(),
            expires_at,
            index: IndexKeys::NONE,
        };
        let batch = vec![
            put("a", b"1", None),
            Write::PutIfVersion {
                key: Key::new("p", "b"),
                value: b"2".to_vec(),
                expected: 3,
                expires_at: Some(9),
                index: IndexKeys::NONE,
            },
        ];
        let indexed = Write::PutIfAbsent {
            key: Key::new("p", "a"),
            value: b"1".to_vec(),
            expires_at: None,
            index: IndexKeys::NONE.with(Index::One, Key::new("x", "y")),
        };
        let token = request_token("t", &batch);
        assert_eq!(token.len(), 36);
        assert_eq!(token, request_token("t", &batch.clone()), "a retry sends the same token");
        let differing = [
            request_token("other-table", &batch),
            request_token("t", &batch[..1]),
            request_token("t", &[put("a", b"1", Some(-1)), batch[1].clone()]),
            request_token("t", &[put("a", b"", None), batch[1].clone()]),
            request_token("t", &[put("a1", b"", None), batch[1].clone()]),
            request_token("t", &[batch[1].clone(), batch[0].clone()]),
            request_token("t", &[indexed, batch[1].clone()]),
            request_token("t", &[Write::Check { key: Key::new("p", "a"), expected: 0 }, batch[1].clone()]),
        ];
        for other in differing {
            assert_ne!(token, other);
        }
    }
}
