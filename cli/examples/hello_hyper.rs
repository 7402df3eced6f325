//! The baseline of `scripts/bench/http`: a bare hyper HTTP/1 server that answers every request with
//! a fixed `hello`, on the same runtime settings as `emmaus serve`. What our request path costs is
//! measured against it, in the same run.

use std::convert::Infallible;

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    println!("listening on http://{}", listener.local_addr()?);
    loop {
        let (stream, _) = listener.accept().await?;
        tokio::spawn(async move {
            let hello = service_fn(|_: Request<hyper::body::Incoming>| async {
                Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(b"hello"))))
            });
            // A connection that ends mid-request is the client's business here.
            let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), hello).await;
        });
    }
}
