//! Conversion tests: each field of payload format 2.0 both ways.

use super::*;

fn request(method: &str, uri: &str, headers: &[(&str, &str)], body: &[u8]) -> http::Request<Vec<u8>> {
    let mut builder = http::Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(body.to_vec()).expect("a valid request")
}

#[test]
fn events_carry_the_request_line_and_context() {
    let event = to_event(request("PUT", "/api/things/7?x=1", &[("user-agent", "tests/1")], b""));
    assert_eq!(event["version"], "2.0");
    assert_eq!(event["routeKey"], "$default");
    assert_eq!(event["rawPath"], "/api/things/7");
    assert_eq!(event["rawQueryString"], "x=1");
    let context = &event["requestContext"];
    assert_eq!(context["http"]["method"], "PUT");
    assert_eq!(context["http"]["path"], "/api/things/7");
    assert_eq!(context["http"]["protocol"], "HTTP/1.1");
    assert_eq!(context["http"]["userAgent"], "tests/1");
    assert!(context["http"]["sourceIp"].is_string());
    assert_eq!(context["stage"], "$default");
    assert_eq!(context["routeKey"], "$default");
    assert!(context["requestId"].as_str().is_some_and(|id| !id.is_empty()));
    assert!(context["timeEpoch"].as_i64().is_some_and(|ms| ms > 1_700_000_000_000));
    let time = context["time"].as_str().expect("a time");
    assert!(time.ends_with(" +0000") && time.len() == 26, "{time}");
    assert_eq!(event["isBase64Encoded"], false);
    assert!(event.get("body").is_none() && event.get("cookies").is_none());
}

#[test]
fn cookie_headers_become_the_cookies_field() {
    let event = to_event(request("GET", "/", &[("cookie", "a=1; b=2"), ("cookie", "c=3")], b""));
    assert_eq!(event["cookies"], json!(["a=1", "b=2", "c=3"]));
    assert!(event["headers"].get("cookie").is_none(), "API Gateway moves cookies out of the headers");
}

#[test]
fn repeated_headers_are_lower_cased_and_comma_joined() {
    let event = to_event(request("GET", "/", &[("X-Thing", "one"), ("x-thing", "two"), ("Accept", "a/b")], b""));
    assert_eq!(event["headers"]["x-thing"], "one,two");
    assert_eq!(event["headers"]["accept"], "a/b");
    assert!(event["headers"]["host"].as_str().is_some_and(|h| h.ends_with(".amazonaws.com")));
}

#[test]
fn repeated_query_keys_are_comma_joined_and_decoded() {
    let event = to_event(request("GET", "/q?tag=a&tag=b%20c&empty&x=%E2%9C%93", &[], b""));
    assert_eq!(event["rawQueryString"], "tag=a&tag=b%20c&empty&x=%E2%9C%93");
    assert_eq!(event["queryStringParameters"], json!({ "tag": "a,b c", "empty": "", "x": "\u{2713}" }));
    assert!(to_event(request("GET", "/q", &[], b"")).get("queryStringParameters").is_none());
}

#[test]
fn text_bodies_stay_text_and_binary_bodies_are_base64() {
    let text = to_event(request("POST", "/", &[("content-type", "application/json; charset=utf-8")], b"{\"a\":1}"));
    assert_eq!(text["body"], "{\"a\":1}");
    assert_eq!(text["isBase64Encoded"], false);

    let bytes = [0u8, 159, 146, 150, 255];
    let binary = to_event(request("POST", "/", &[("content-type", "application/octet-stream")], &bytes));
    assert_eq!(binary["isBase64Encoded"], true);
    assert_eq!(BASE64.decode(binary["body"].as_str().expect("a body")).expect("base64"), bytes);

    let untyped = to_event(request("POST", "/", &[], b"plain"));
    assert_eq!(untyped["isBase64Encoded"], true, "without a text type the body is treated as binary");
}

#[test]
fn responses_map_status_headers_and_text_bodies() {
    let response = from_response(&json!({
        "statusCode": 404,
        "headers": { "content-type": "application/problem+json", "x-count": 3 },
        "body": "{\"status\":404}",
        "isBase64Encoded": false,
    }));
    assert_eq!(response.status(), 404);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
    assert_eq!(response.headers()["x-count"], "3");
    assert_eq!(response.body(), b"{\"status\":404}");
}

#[test]
fn response_cookies_become_one_set_cookie_each() {
    let response = from_response(&json!({ "statusCode": 200, "cookies": ["a=1; Secure", "b=2; HttpOnly"] }));
    let cookies: Vec<&str> = response.headers().get_all(SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).collect();
    assert_eq!(cookies, ["a=1; Secure", "b=2; HttpOnly"]);
}

#[test]
fn multi_value_headers_are_appended() {
    let response = from_response(&json!({
        "statusCode": 200,
        "headers": { "vary": "accept" },
        "multiValueHeaders": { "vary": ["origin"], "link": ["<a>", "<b>"] },
    }));
    let all = |name: &str| -> Vec<String> {
        response.headers().get_all(name).iter().map(|v| v.to_str().unwrap_or_default().to_owned()).collect()
    };
    assert_eq!(all("vary"), ["accept", "origin"]);
    assert_eq!(all("link"), ["<a>", "<b>"]);
}

#[test]
fn base64_response_bodies_are_decoded() {
    let bytes = [1u8, 2, 3, 254, 255];
    let response = from_response(&json!({ "statusCode": 200, "body": BASE64.encode(bytes), "isBase64Encoded": true }));
    assert_eq!(response.body(), &bytes);
}

#[test]
fn results_without_a_status_are_json_bodies() {
    let response = from_response(&json!({ "hello": "world" }));
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(response.body(), br#"{"hello":"world"}"#);
}

#[test]
fn malformed_results_are_gateway_500s() {
    for malformed in
        [json!({ "statusCode": "ok" }), json!({ "statusCode": 200, "body": 5 }), json!({ "statusCode": 99 })]
    {
        let response = from_response(&malformed);
        assert_eq!(response.status(), 500, "{malformed}");
        assert_eq!(response.body(), br#"{"message":"Internal Server Error"}"#);
    }
    let bad_base64 = json!({ "statusCode": 200, "body": "!!", "isBase64Encoded": true });
    assert_eq!(from_response(&bad_base64).status(), 500);
}
