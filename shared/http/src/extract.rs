//! Extractors whose rejections are problem+json, so a bad request reads like every other error.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use http::request::Parts;
use serde::de::DeserializeOwned;

use crate::problem::Problem;

/// A JSON body, limited by the router's body limit (see [`crate::HttpSettings`]). Every request
/// body of the API is an object: an array or a scalar is refused, even where serde would read a
/// struct from an array of its fields.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<T, S> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let value = match axum::Json::<serde_json::Value>::from_request(request, state).await {
            Ok(axum::Json(value)) => value,
            Err(rejection) => return Err(json_problem(&rejection)),
        };
        if !value.is_object() {
            return Err(Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation",
                "Invalid request",
                Some("the body must be a JSON object".into()),
            ));
        }
        let mut value = value;
        whole_numbers_as_integers(&mut value);
        serde_json::from_value(value).map(Self).map_err(|error| {
            Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "validation", "Invalid request", Some(error.to_string()))
        })
    }
}

/// JSON Schema counts `57.0` as an integer, as JSON does not tell the two apart; serde's integers
/// do. So a number with no fraction is read as the integer it is, wherever it stands, and a field
/// of a whole number type takes `57.0` as it takes `57`.
fn whole_numbers_as_integers(value: &mut serde_json::Value) {
    /// Past 2^53 a double no longer holds every integer, so nothing there is taken as one.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    match value {
        serde_json::Value::Number(number) if number.is_f64() => {
            if let Some(float) = number.as_f64()
                && float.fract() == 0.0
                && float.abs() <= EXACT
            {
                #[expect(clippy::cast_possible_truncation, reason = "whole and within 2^53, so exact")]
                let whole = float as i64;
                *number = serde_json::Number::from(whole);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(whole_numbers_as_integers),
        serde_json::Value::Object(fields) => fields.values_mut().for_each(whole_numbers_as_integers),
        _ => {}
    }
}

/// Room for a typical answer, written once: a signed-in page's answer (a few hundred bytes) grew
/// axum's 128-byte start three times.
const ANSWER_CAPACITY: usize = 1024;

impl<T: serde::Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        let mut body = Vec::with_capacity(ANSWER_CAPACITY);
        match serde_json::to_writer(&mut body, &self.0) {
            Ok(()) => ([(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/json"))], body)
                .into_response(),
            // A value that cannot be written as JSON (a map with non-string keys): axum's answer,
            // a 500 that says why, as before.
            Err(_) => axum::Json(self.0).into_response(),
        }
    }
}

fn json_problem(rejection: &JsonRejection) -> Problem {
    let detail = Some(rejection.body_text());
    match rejection {
        JsonRejection::MissingJsonContentType(_) => Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            Some("send the body as application/json".into()),
        ),
        JsonRejection::JsonSyntaxError(_) => {
            Problem::new(StatusCode::BAD_REQUEST, "malformed-json", "Malformed JSON", detail)
        }
        JsonRejection::JsonDataError(_) => {
            Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "validation", "Invalid request", detail)
        }
        JsonRejection::BytesRejection(_) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            "Too large",
            Some("the request body is too large".into()),
        ),
        _ => Problem::new(rejection.status(), "bad-request", "Bad request", detail),
    }
}

/// Query-string parameters.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<T>(pub T);

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| Self(value))
            .map_err(|rejection: QueryRejection| {
                Problem::new(StatusCode::BAD_REQUEST, "bad-query", "Invalid query string", Some(rejection.body_text()))
            })
    }
}

/// Path parameters. Every one is an id of some kind (a record's id, a provider's): 1 to 64 ASCII
/// letters, digits, `-` or `_`. Anything else names nothing, so it is answered 404 before any
/// lookup, rather than reaching the store as a malformed key.
#[derive(Debug, Clone, Copy, Default)]
pub struct Path<T>(pub T);

/// Whether a path parameter could be an id (the domain's one rule for ids).
pub use emmaus_domain::validation::plausible_id;

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if let Ok(raw) = axum::extract::RawPathParams::from_request_parts(parts, state).await
            && raw.iter().any(|(_, value)| !plausible_id(value))
        {
            return Err(Problem::new(
                StatusCode::NOT_FOUND,
                "not-found",
                "Not found",
                Some("nothing has that id".into()),
            ));
        }
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| Self(value))
            .map_err(|rejection: PathRejection| {
                Problem::new(StatusCode::BAD_REQUEST, "bad-path", "Invalid path parameter", Some(rejection.body_text()))
            })
    }
}

/// The version a write edits, from `If-Match` (the `ETag` its read answered, `"<version>"`; `"0"`
/// for a record that does not exist yet). Without the header the answer is 428: every versioned
/// write must say what it read. A tag that is not one of ours can match nothing, so it is carried
/// as a version no record has and the write is stale (412).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IfMatch(pub u64);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(http::header::IF_MATCH) else {
            return Err(Problem::new(
                StatusCode::PRECONDITION_REQUIRED,
                "precondition-required",
                "If-Match required",
                Some(
                    "send If-Match with the ETag of the version you read, so a change made meanwhile is not lost"
                        .into(),
                ),
            ));
        };
        Ok(Self(value.to_str().ok().and_then(version_of_etag).unwrap_or(u64::MAX)))
    }
}

/// The `ETag` of a record at `version`: a strong tag, the version in quotes.
pub fn etag(version: u64) -> http::HeaderValue {
    http::HeaderValue::from_str(&format!("\"{version}\"")).expect("a number in quotes is a header value")
}

/// The version an entity tag names, when it is one of ours (`"7"`; `W/"7"` too, since a weak
/// comparison is what a proxy that weakened it meant).
fn version_of_etag(tag: &str) -> Option<u64> {
    let tag = tag.trim();
    let tag = tag.strip_prefix("W/").unwrap_or(tag);
    tag.strip_prefix('"')?.strip_suffix('"')?.parse().ok().filter(|version| *version < u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::plausible_id;

    #[test]
    fn whole_numbers_read_as_integers_and_fractions_stay() {
        #[derive(serde::Deserialize)]
        struct Days {
            days: u32,
        }
        let mut value = serde_json::json!({"days": 57.0, "list": [1.0, 2.5, -3.0], "deep": {"n": 1e3}, "big": 1e300});
        super::whole_numbers_as_integers(&mut value);
        assert!(value["days"].is_u64() && value["days"] == 57);
        assert_eq!(value["list"], serde_json::json!([1, 2.5, -3]));
        assert!(value["deep"]["n"].is_u64());
        assert!(value["big"].is_f64(), "past 2^53 a double is left as it is");
        let days: Days = serde_json::from_value(value).unwrap();
        assert_eq!(days.days, 57);
    }

    #[test]
    fn entity_tags_name_versions() {
        assert_eq!(super::version_of_etag("\"7\""), Some(7));
        assert_eq!(super::version_of_etag(" W/\"12\" "), Some(12));
        assert_eq!(super::version_of_etag("\"0\""), Some(0), "nothing yet");
        for other in ["7", "\"x\"", "*", "\"7\", \"8\"", "\"18446744073709551615\""] {
            assert_eq!(super::version_of_etag(other), None, "{other}");
        }
        assert_eq!(super::etag(3), "\"3\"");
    }

    #[test]
    fn ids_are_short_and_plain() {
        for id in ["01HZX3", "org-a", "google", "a_b", &"x".repeat(64)] {
            assert!(plausible_id(id), "{id}");
        }
        for id in ["", "a#b", "a/b", "a b", "\u{e9}", "..", &"x".repeat(65), "a%23"] {
            assert!(!plausible_id(id), "{id}");
        }
    }
}
