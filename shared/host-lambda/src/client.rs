//! The caller's address for throttling and the audit log: API Gateway's `requestContext.http.sourceIp`
//! (payload 2.0), which the gateway sets from the connection and a caller cannot forge.

use axum::extract::Request;
use emmaus_http::auth::ClientAddress;
use lambda_http::RequestExt as _;
use lambda_http::http;
use lambda_http::request::RequestContext;

/// The address API Gateway saw, if the request came through it.
pub fn client_address(extensions: &http::Extensions) -> Option<ClientAddress> {
    match extensions.request_context_ref()? {
        RequestContext::ApiGatewayV2(context) => context
            .http
            .source_ip
            .as_deref()
            .map(str::trim)
            .filter(|ip| !ip.is_empty())
            .map(|ip| ClientAddress(ip.to_owned())),
        // REST API, ALB and other contexts are not deployed; their addresses would need their own reading.
        _ => None,
    }
}

/// Middleware: puts [`ClientAddress`] in the request's extensions before the router sees it.
pub async fn insert_client_address(mut request: Request) -> Request {
    if let Some(address) = client_address(request.extensions()) {
        request.extensions_mut().insert(address);
    }
    request
}

#[cfg(test)]
mod tests {
    use lambda_http::aws_lambda_events::apigw::ApiGatewayV2httpRequestContext;

    use super::*;

    fn extensions(source_ip: Option<&str>) -> http::Extensions {
        let mut context = ApiGatewayV2httpRequestContext::default();
        context.http.source_ip = source_ip.map(str::to_owned);
        let mut extensions = http::Extensions::new();
        extensions.insert(RequestContext::ApiGatewayV2(context));
        extensions
    }

    #[test]
    fn the_source_ip_of_payload_2_is_the_client_address() {
        assert_eq!(client_address(&extensions(Some("198.51.100.7"))), Some(ClientAddress("198.51.100.7".into())));
        assert_eq!(client_address(&extensions(Some("2001:db8::1"))), Some(ClientAddress("2001:db8::1".into())));
        assert_eq!(client_address(&extensions(Some(""))), None);
        assert_eq!(client_address(&extensions(None)), None);
        assert_eq!(client_address(&http::Extensions::new()), None);
    }
}
