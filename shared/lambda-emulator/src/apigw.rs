//! The API Gateway HTTP API bridge, payload format 2.0: HTTP request to event, function result
//! to HTTP response, with AWS's published field names.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use http::header::{CONTENT_TYPE, COOKIE, SET_COOKIE};
use http::{HeaderName, HeaderValue, StatusCode};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::macros::format_description;

use crate::{ACCOUNT_ID, REGION, trace_root, uuid};

const API_ID: &str = "emmausapi";
const SOURCE_IP: &str = "192.0.2.1";
/// `requestContext.time`, in the access-log style API Gateway uses: `12/Mar/2020:19:03:58 +0000`.
const REQUEST_TIME: &[time::format_description::BorrowedFormatItem<'_>] =
    format_description!("[day]/[month repr:short]/[year]:[hour]:[minute]:[second] +0000");

/// The event API Gateway sends a Lambda integration for `request` (route `$default`, stage `$default`).
pub fn to_event(request: http::Request<Vec<u8>>) -> Value {
    let (parts, body) = request.into_parts();
    let domain = format!("{API_ID}.execute-api.{REGION}.amazonaws.com");
    let raw_path = parts.uri.path().to_owned();
    let raw_query = parts.uri.query().unwrap_or_default().to_owned();
    let now = OffsetDateTime::now_utc();
    let request_id = uuid();

    // Cookies travel in their own field; API Gateway drops the Cookie header itself.
    let cookies: Vec<String> = parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect();
    let mut headers = Map::new();
    for name in parts.headers.keys().filter(|name| *name != COOKIE) {
        let values: Vec<String> =
            parts.headers.get_all(name).iter().map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()).collect();
        headers.insert(name.as_str().to_owned(), Value::String(values.join(",")));
    }
    // Headers API Gateway always adds in front of the integration.
    headers.entry("host").or_insert_with(|| Value::String(domain.clone()));
    headers.insert("x-forwarded-for".into(), SOURCE_IP.into());
    headers.insert("x-forwarded-port".into(), "443".into());
    headers.insert("x-forwarded-proto".into(), "https".into());
    headers.insert("x-amzn-trace-id".into(), trace_root().into());
    if !body.is_empty() {
        headers.insert("content-length".into(), body.len().to_string().into());
    }
    let user_agent = parts.headers.get(http::header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or_default();

    let mut event = json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": raw_path,
        "rawQueryString": raw_query,
        "headers": headers,
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": API_ID,
            "domainName": domain,
            "domainPrefix": API_ID,
            "http": {
                "method": parts.method.as_str(),
                "path": raw_path,
                "protocol": "HTTP/1.1",
                "sourceIp": SOURCE_IP,
                "userAgent": user_agent,
            },
            "requestId": request_id,
            "routeKey": "$default",
            "stage": "$default",
            "time": now.format(REQUEST_TIME).expect("a formattable time"),
            "timeEpoch": now.unix_timestamp_nanos() / 1_000_000,
        },
        "isBase64Encoded": false,
    });
    let fields = event.as_object_mut().expect("an object");
    if !cookies.is_empty() {
        fields.insert("cookies".into(), json!(cookies));
    }
    if !raw_query.is_empty() {
        fields.insert("queryStringParameters".into(), json!(query_parameters(&raw_query)));
    }
    if !body.is_empty() {
        let content_type = parts.headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
        match String::from_utf8(body) {
            Ok(text) if is_text(content_type) => {
                fields.insert("body".into(), Value::String(text));
            }
            Ok(text) => insert_binary(fields, text.as_bytes()),
            Err(binary) => insert_binary(fields, binary.as_bytes()),
        }
    }
    event
}

fn insert_binary(fields: &mut Map<String, Value>, body: &[u8]) {
    fields.insert("body".into(), Value::String(BASE64.encode(body)));
    fields.insert("isBase64Encoded".into(), Value::Bool(true));
}

/// Content types API Gateway passes as text; anything else (or no type at all) is base64-encoded.
fn is_text(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence.starts_with("text/")
        || [
            "application/json",
            "application/javascript",
            "application/xml",
            "application/yaml",
            "application/x-www-form-urlencoded",
        ]
        .contains(&essence.as_str())
        || ["+json", "+xml", "+yaml"].iter().any(|suffix| essence.ends_with(suffix))
}

/// `queryStringParameters`: decoded values, repeated keys joined with commas.
fn query_parameters(raw: &str) -> BTreeMap<String, String> {
    let mut parameters: BTreeMap<String, String> = BTreeMap::new();
    for pair in raw.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let (key, value) = (percent_decode(key), percent_decode(value));
        parameters
            .entry(key)
            .and_modify(|joined| {
                joined.push(',');
                joined.push_str(&value);
            })
            .or_insert(value);
    }
    parameters
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                decoded.push(byte);
                i += 3;
            }
            (b'+', _) => {
                decoded.push(b' ');
                i += 1;
            }
            (byte, _) => {
                decoded.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

/// The HTTP response API Gateway makes of a function's result (payload format 2.0).
///
/// A result without `statusCode` is taken as a JSON body with status 200, as API Gateway infers;
/// a malformed one becomes API Gateway's own 500.
pub fn from_response(value: &Value) -> http::Response<Vec<u8>> {
    let Some(status) = value.get("statusCode") else {
        let body = serde_json::to_vec(value).expect("a JSON value serialises");
        return respond(StatusCode::OK, &[("content-type", "application/json")], body);
    };
    structured(status, value).unwrap_or_else(|| {
        respond(
            StatusCode::INTERNAL_SERVER_ERROR,
            &[("content-type", "application/json")],
            br#"{"message":"Internal Server Error"}"#.to_vec(),
        )
    })
}

fn structured(status: &Value, value: &Value) -> Option<http::Response<Vec<u8>>> {
    let status = StatusCode::from_u16(u16::try_from(status.as_u64()?).ok()?).ok()?;
    let mut response = http::Response::builder().status(status).body(Vec::new()).ok()?;
    let headers = response.headers_mut();
    for (name, text) in value.get("headers").and_then(Value::as_object).into_iter().flatten() {
        headers.append(HeaderName::try_from(name.as_str()).ok()?, header_value(text)?);
    }
    for (name, list) in value.get("multiValueHeaders").and_then(Value::as_object).into_iter().flatten() {
        for text in list.as_array()? {
            headers.append(HeaderName::try_from(name.as_str()).ok()?, header_value(text)?);
        }
    }
    for cookie in value.get("cookies").and_then(Value::as_array).into_iter().flatten() {
        headers.append(SET_COOKIE, header_value(cookie)?);
    }
    let body = match value.get("body") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(text)) if value["isBase64Encoded"] == true => BASE64.decode(text).ok()?,
        Some(Value::String(text)) => text.clone().into_bytes(),
        Some(_) => return None,
    };
    *response.body_mut() = body;
    Some(response)
}

/// Header values may be strings, numbers or booleans in the result; API Gateway prints them.
fn header_value(value: &Value) -> Option<HeaderValue> {
    let text = match value {
        Value::String(text) => text.clone(),
        Value::Number(_) | Value::Bool(_) => value.to_string(),
        _ => return None,
    };
    HeaderValue::try_from(text).ok()
}

fn respond(status: StatusCode, headers: &[(&str, &str)], body: Vec<u8>) -> http::Response<Vec<u8>> {
    let mut response = http::Response::builder().status(status);
    for (name, value) in headers {
        response = response.header(*name, *value);
    }
    response.body(body).expect("a valid response")
}

#[cfg(test)]
#[path = "apigw_tests.rs"]
mod tests;
