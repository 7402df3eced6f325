//! The dev outbox: a mailer that keeps every message in the key-value store and logs it, so local
//! development sees each invitation and reset link instead of losing it.
//!
//! Messages live a week under `("dev#outbox", "msg#<id>")`; ids are time-ordered, so a descending
//! query lists the newest first. Every host can use it, since it needs only the key-value port.

use std::sync::Arc;
use std::time::Duration;

use emmaus_ports::{Clock, Cursor, EmailMessage, Ids, KvError, KvStore, MailError, Mailer, Query};

const PARTITION: &str = "dev#outbox";
const KEEP_FOR: Duration = Duration::from_hours(7 * 24);

/// One held message, as the dev page shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HeldMessage {
    pub id: String,
    /// Unix milliseconds when the message was sent.
    pub sent_at: i64,
    #[serde(flatten)]
    pub message: EmailMessage,
}

#[derive(Debug, Clone)]
pub struct Outbox {
    kv: Arc<dyn KvStore>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn Ids>,
}

impl Outbox {
    pub fn new(kv: Arc<dyn KvStore>, clock: Arc<dyn Clock>, ids: Arc<dyn Ids>) -> Self {
        Self { kv, clock, ids }
    }

    /// The newest messages first, `limit` at a time.
    pub async fn list(
        &self,
        limit: u32,
        cursor: Option<Cursor>,
    ) -> Result<(Vec<HeldMessage>, Option<Cursor>), KvError> {
        let query = Query::new(PARTITION, "msg#", limit).descending().after(cursor);
        let page = self.kv.query(&query).await?;
        let messages =
            page.items.iter().filter_map(|item| serde_json::from_slice::<HeldMessage>(&item.value).ok()).collect();
        Ok((messages, page.next))
    }
}

#[async_trait::async_trait]
impl Mailer for Outbox {
    fn adapter(&self) -> &'static str {
        "outbox"
    }

    async fn send(&self, message: &EmailMessage) -> Result<(), MailError> {
        let now = self.clock.now();
        let held = HeldMessage { id: self.ids.new_id(), sent_at: now.unix_millis(), message: message.clone() };
        let value = serde_json::to_vec(&held).map_err(MailError::unavailable)?;
        let expires = now.plus(KEEP_FOR).unix_seconds();
        self.kv
            .put_if_absent(emmaus_ports::Key::new(PARTITION, format!("msg#{}", held.id)), value, Some(expires))
            .await
            .map_err(MailError::unavailable)?;
        // Showing the message is the outbox's purpose; real adapters never log bodies.
        tracing::info!(to = %message.to, subject = %message.subject, text = %message.text, "email held in the dev outbox");
        Ok(())
    }
}
