//! The local host against the API contract: in process, and as a real `emmaus serve` over HTTP.

use std::path::Path;
use std::time::Duration;

use emmaus::config::Layers;
use emmaus::site::Site;
use emmaus_http::HttpSettings;
use emmaus_testkit::api::{ApiTarget, spawn_server};
use emmaus_testkit::contract_tests;

mod in_process {
    use super::*;

    async fn local_app() -> ApiTarget {
        let data = tempfile::tempdir().unwrap();
        let mut layers = Layers::default();
        layers.flag("data_dir", Some(data.path().display().to_string()));
        let config = layers.resolve().unwrap();
        let (platform, signer) = emmaus::platform::open(&config).unwrap();
        let app = emmaus::server::app(&platform, signer, HttpSettings::default(), Site::Embedded);
        ApiTarget::in_process(app).keeping(data)
    }

    contract_tests!(local_app);
}

mod over_http {
    use super::*;

    async fn served() -> ApiTarget {
        let data = tempfile::tempdir().unwrap();
        let data_dir = data.path().display().to_string();
        let args = ["serve", "--listen", "127.0.0.1:0", "--data-dir", &data_dir];
        let (base, process) = spawn_server(Path::new(env!("CARGO_BIN_EXE_emmaus")), &args, Duration::from_secs(30));
        ApiTarget::remote(base).keeping(process).keeping(data)
    }

    contract_tests!(served);
}
