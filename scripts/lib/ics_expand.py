#!/usr/bin/env python3
"""Reads an iCalendar feed on stdin with icalendar (the Python library most calendar tools build
on) and answers what a subscribing client would show, for the planner's feed tests
(shared/planner/tests/feed.rs):

- every TZID the feed uses has its VTIMEZONE, and each VTIMEZONE, read on its own (icalendar's
  `Timezone.to_tz`, not the tz database), gives the same UTC offset as the tz database's zone of
  that name at every day between FROM and TO;
- the occurrences between FROM and TO, expanded by recurring_ical_events (RRULE, EXDATE and
  RECURRENCE-ID overrides), as JSON: start and end in UTC (a date for an all-day event), summary,
  status and uid, in order of start.

Usage: ics_expand.py FROM TO (ISO dates). Exits non-zero with one line when the feed does not
parse or a zone is missing or wrong.
"""

import datetime
import json
import sys
import zoneinfo

import icalendar
import recurring_ical_events


def fail(message: str) -> None:
    sys.exit(f"ics_expand: {message}")


def main() -> None:
    start, end = (datetime.date.fromisoformat(arg) for arg in sys.argv[1:3])
    try:
        calendar = icalendar.Calendar.from_ical(sys.stdin.read())
    except ValueError as error:
        fail(f"the feed does not parse: {error}")
    missing = calendar.get_missing_tzids()
    if missing:
        fail(f"TZIDs without a VTIMEZONE: {sorted(missing)}")
    for component in calendar.walk("VTIMEZONE"):
        name = str(component["TZID"])
        written = component.to_tz()
        reference = zoneinfo.ZoneInfo(name)
        day = datetime.datetime.combine(start, datetime.time(12), tzinfo=datetime.timezone.utc)
        while day.date() < end:
            mine = day.astimezone(written).utcoffset()
            theirs = day.astimezone(reference).utcoffset()
            if mine != theirs:
                fail(f"{name} at {day.isoformat()}: the VTIMEZONE says {mine}, the tz database {theirs}")
            day += datetime.timedelta(days=1)
    occurrences = []
    for event in recurring_ical_events.of(calendar).between(start, end):
        begin, finish = event["DTSTART"].dt, event["DTEND"].dt if "DTEND" in event else None
        if finish is None:
            finish = begin + event["DURATION"].dt

        def shown(value):
            if isinstance(value, datetime.datetime):
                return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            return value.isoformat()

        occurrences.append(
            {
                "uid": str(event["UID"]),
                "start": shown(begin),
                "end": shown(finish),
                "summary": str(event.get("SUMMARY", "")),
                "status": str(event.get("STATUS", "")),
            }
        )
    occurrences.sort(key=lambda o: (o["start"], o["uid"]))
    print(json.dumps(occurrences))


if __name__ == "__main__":
    main()
