//! openidconnect's HTTP client, over our outbound-HTTP port, so every host's adapter (reqwest
//! natively, wasi:http in Spin) carries the provider's requests with its own limits.

use std::future::Future;
use std::pin::Pin;

use emmaus_ports::{HttpClient, HttpClientError};
use openidconnect::{AsyncHttpClient, HttpRequest, HttpResponse};

/// Borrows the port for the length of one discovery or token exchange.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PortHttp<'a>(pub(crate) &'a dyn HttpClient);

impl<'c> AsyncHttpClient<'c> for PortHttp<'_> {
    type Error = HttpClientError;
    // Send, so a sign-in can be awaited inside a multi-threaded server's handler.
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, HttpClientError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        self.0.send(request)
    }
}
