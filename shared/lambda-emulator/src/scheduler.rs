//! EventBridge Scheduler events, the shape a scheduled job's Lambda receives.

use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::{ACCOUNT_ID, REGION, uuid};

/// The event EventBridge Scheduler delivers for `schedule_name` (in the `default` group) firing at `time`.
pub fn scheduled_event(schedule_name: &str, time: OffsetDateTime) -> Value {
    // Scheduler reports whole seconds in UTC (`2026-11-22T06:00:00Z`).
    let time = time.to_offset(time::UtcOffset::UTC).replace_nanosecond(0).expect("zero nanoseconds is valid");
    json!({
        "version": "0",
        "id": uuid(),
        "detail-type": "Scheduled Event",
        "source": "aws.scheduler",
        "account": ACCOUNT_ID,
        "time": time.format(&Rfc3339).expect("an RFC 3339 time"),
        "region": REGION,
        "resources": [format!("arn:aws:scheduler:{REGION}:{ACCOUNT_ID}:schedule/default/{schedule_name}")],
        "detail": {},
    })
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn has_the_published_shape() {
        let event = scheduled_event("nightly-digest", datetime!(2026-11-22 06:00:00.25 +01:00));
        let fields: Vec<&str> = event.as_object().expect("an object").keys().map(String::as_str).collect();
        let mut expected =
            vec!["version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"];
        expected.sort_unstable();
        let mut fields = fields;
        fields.sort_unstable();
        assert_eq!(fields, expected);
        assert_eq!(event["version"], "0");
        assert_eq!(event["detail-type"], "Scheduled Event");
        assert_eq!(event["source"], "aws.scheduler");
        assert_eq!(event["account"], ACCOUNT_ID);
        assert_eq!(event["region"], REGION);
        assert_eq!(event["time"], "2026-11-22T05:00:00Z");
        assert_eq!(
            event["resources"],
            json!(["arn:aws:scheduler:us-east-1:123456789012:schedule/default/nightly-digest"])
        );
        assert_eq!(event["detail"], json!({}));
        assert_eq!(event["id"].as_str().map(str::len), Some(36), "a UUID");
    }

    #[test]
    fn ids_differ_per_event() {
        let at = datetime!(2026-11-22 06:00 UTC);
        assert_ne!(scheduled_event("a", at)["id"], scheduled_event("a", at)["id"]);
    }
}
