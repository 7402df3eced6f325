//! A reference line of `scripts/bench/http`: a bare axum router answering one route with a fixed
//! `hello`, served the way `emmaus serve` serves (`axum::serve` with the client's address). Beside
//! hyper's hello-world it shows what the framework alone costs, before any of our layers.

use std::net::SocketAddr;

use axum::Router;
use axum::routing::get;
use tokio::net::TcpListener;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    println!("listening on http://{}", listener.local_addr()?);
    let app = Router::new().route("/", get(|| async { "hello" }));
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await
}
