//! Our events read back through `lambda_http`, the library the function binaries use, exactly as sent.

use base64::Engine as _;
use emmaus_lambda_emulator::apigw::{from_response, to_event};
use lambda_http::aws_lambda_events::apigw::ApiGatewayV2httpResponse;
use lambda_http::{Body, http};

fn parsed(request: http::Request<Vec<u8>>) -> http::Request<Body> {
    lambda_http::request::from_str(&to_event(request).to_string()).expect("lambda_http accepts the event")
}

#[test]
fn requests_survive_the_round_trip() {
    let bytes: Vec<u8> = (0..=255u8).collect();
    let request = http::Request::post("/api/things?tag=a&tag=b%20c")
        .header("content-type", "application/octet-stream")
        .header("x-multi", "one")
        .header("x-multi", "two")
        .header("cookie", "a=1; b=2")
        .body(bytes.clone())
        .expect("a valid request");
    let seen = parsed(request);
    assert_eq!(seen.method(), "POST");
    assert_eq!(seen.uri().path(), "/api/things");
    assert_eq!(seen.uri().query(), Some("tag=a&tag=b%20c"));
    assert_eq!(seen.headers()["x-multi"], "one,two");
    assert_eq!(seen.headers()["cookie"], "a=1; b=2");
    assert_eq!(seen.body().as_ref(), bytes.as_slice());
}

#[test]
fn text_bodies_arrive_as_text() {
    let request =
        http::Request::put("/x").header("content-type", "application/json").body(b"{\"a\":1}".to_vec()).expect("valid");
    assert!(matches!(parsed(request).body(), Body::Text(text) if text == "{\"a\":1}"));
}

#[test]
fn the_libraries_own_responses_convert_back() {
    let mut response = ApiGatewayV2httpResponse::default();
    response.status_code = 201;
    response.headers.insert("content-type", http::HeaderValue::from_static("image/png"));
    response.cookies = vec!["a=1; Secure".into(), "b=2".into()];
    response.body = Some(Body::Binary(vec![0, 1, 254, 255]));
    response.is_base64_encoded = true;
    let value = serde_json::to_value(&response).expect("the response serialises");
    assert_eq!(value["body"], base64::engine::general_purpose::STANDARD.encode([0, 1, 254, 255]));

    let http = from_response(&value);
    assert_eq!(http.status(), 201);
    assert_eq!(http.headers()["content-type"], "image/png");
    let cookies: Vec<_> = http.headers().get_all("set-cookie").iter().collect();
    assert_eq!(cookies, ["a=1; Secure", "b=2"]);
    assert_eq!(http.body(), &[0, 1, 254, 255]);
}
