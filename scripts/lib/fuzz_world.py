#!/usr/bin/env python3
"""Seeds a running `emmaus serve` for the signed-in schemathesis runs of scripts/test, through its
own API as a person would: the admin made by `emmaus admin create` signs in, becomes a pastor too,
invites a mentor and a mentee who accept, makes a group with the mentee in it, pairs them, and
leaves one invitation pending; the admin adds a note, a text file, an upload awaiting its bytes, an
Obsidian vault with one note and a vault import awaiting its archive; in the mentee's plan, the
admin (their pastor) proposes a goal, the mentor assigns a link to study, and the mentee schedules
a weekly task, the admin records a meeting with them, and the mentee comments on the goal.
Prints shell assignments (`EMMAUS_FUZZ_*=…`) of the ids the fuzzing
pins its path parameters to and of each person's session cookies and CSRF token.

Usage: fuzz_world.py BASE_URL ADMIN_EMAIL ADMIN_PASSWORD
"""

import hashlib
import json
import shlex
import sys
import urllib.request
from http.client import HTTPResponse

ACCESS, CSRF = "__Host-emmaus-access", "__Host-emmaus-csrf"


class Session:
    """A browser's share of a session: its cookies, sent back by hand (they are Secure cookies,
    which a cookie jar keeps only over HTTPS), and the CSRF token echoed on writes."""

    def __init__(self, base: str):
        self.base = base
        self.cookies: dict[str, str] = {}

    def call(self, method: str, path: str, body=None, expect=(200, 201, 204), headers=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        if data is not None:
            request.add_header("content-type", "application/json")
        if self.cookies:
            request.add_header("cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
            if CSRF in self.cookies:
                request.add_header("x-csrf-token", self.cookies[CSRF])
        try:
            response: HTTPResponse = urllib.request.urlopen(request)
        except urllib.error.HTTPError as error:
            sys.exit(f"fuzz_world: {method} {path} answered {error.code}: {error.read().decode()[:300]}")
        if response.status not in expect:
            sys.exit(f"fuzz_world: {method} {path} answered {response.status}")
        for header in response.headers.get_all("set-cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value:
                self.cookies[name] = value
        text = response.read().decode()
        return json.loads(text) if text else None


def token_of(link: str) -> str:
    return link.split("#token=", 1)[1]


def join(base: str, admin: Session, org: str, email: str, role: str, name: str) -> Session:
    invited = admin.call("POST", f"/api/people/{org}/invitations", {"email": email, "role": role})
    person = Session(base)
    body = {"token": token_of(invited["link"]), "display_name": name, "password": f"{name} fuzzing passphrase"}
    person.call("POST", "/api/auth/invitations/accept", body)
    return person


def main() -> None:
    base, email, password = sys.argv[1:4]
    admin = Session(base)
    admin.call("POST", "/api/auth/sign-in", {"email": email, "password": password})
    me = admin.call("GET", "/api/auth/session")
    org, admin_id = me["organisations"][0]["id"], me["person"]["id"]
    admin.call("PUT", f"/api/people/{org}/members/{admin_id}/roles", {"roles": ["admin", "pastor"]})
    mentor = join(base, admin, org, "mentor@fuzz.test", "mentor", "Mentor")
    mentee = join(base, admin, org, "mentee@fuzz.test", "mentee", "Mentee")
    mentor_id = mentor.call("GET", "/api/auth/session")["person"]["id"]
    mentee_id = mentee.call("GET", "/api/auth/session")["person"]["id"]
    group = admin.call("POST", f"/api/people/{org}/groups", {"name": "Fuzz group", "leader_id": admin_id})
    admin.call("PUT", f"/api/people/{org}/groups/{group['id']}/members/{mentee_id}")
    pairing = admin.call("POST", f"/api/people/{org}/mentorships", {"mentor_id": mentor_id, "mentee_id": mentee_id})
    pending = admin.call("POST", f"/api/people/{org}/invitations", {"email": "pending@fuzz.test", "role": "mentee"})
    # A note everyone in the organisation sees, for the library's routes on one resource.
    note = admin.call("POST", f"/api/hub/{org}/notes", {"title": "Fuzz note", "body": "# Fuzz\n\nwords to find"})
    # A text file with its bytes (a JSON string is text), for a file's link; and an upload still
    # awaiting its bytes, for the upload route and finishing.
    text = {"name": "fuzz.txt", "size": 1000, "content_type": "text/plain"}
    file = admin.call("POST", f"/api/hub/{org}/uploads", text)["resource"]
    admin.call("PUT", f"/api/hub/{org}/uploads/{file['id']}", "words inside a file")
    upload = admin.call("POST", f"/api/hub/{org}/uploads", text)["resource"]
    # The admin's Obsidian vault with one note, for the sync API; and a vault import awaiting its
    # archive, for the archive route, starting and reading it.
    vault = admin.call("POST", f"/api/hub/{org}/vaults", {"name": "Fuzz vault"})
    seed = b"A seeded note linking to [[Elsewhere]]."
    digest = hashlib.sha256(seed).hexdigest()
    request = urllib.request.Request(
        f"{base}/api/hub/{org}/vaults/{vault['id']}/files?path=Seed.md&hash={digest}", data=seed, method="PUT"
    )
    request.add_header("content-type", "application/octet-stream")
    request.add_header("cookie", "; ".join(f"{k}={v}" for k, v in admin.cookies.items()))
    request.add_header("x-csrf-token", admin.cookies[CSRF])
    urllib.request.urlopen(request)
    pending_import = admin.call("POST", f"/api/hub/{org}/imports", {"vault": "Fuzz import", "size": 1000})["import"]
    # The mentee's plan: a proposed goal, a study item and a weekly task on Mondays at 19:00.
    plan = f"/api/planner/{org}/people/{mentee_id}"
    goal = admin.call("POST", f"{plan}/goals", {"title": "Fuzz goal", "milestones": ["First step"]})
    item = mentor.call("POST", f"{plan}/queue", {"url": "https://example.org/fuzz", "note": "Fuzz study"})
    task = mentee.call("POST", f"{plan}/tasks", {"title": "Fuzz task", "start": "2026-03-02T19:00", "rrule": "FREQ=WEEKLY;BYDAY=MO"})
    # A meeting the admin (the mentee's pastor) records, with one next step.
    meeting = admin.call("POST", f"{plan}/meetings", {"start": "2026-02-27T18:00", "duration_minutes": 45, "shared_notes": "Fuzz notes", "private_notes": "Fuzz private", "next_steps": ["Fuzz step"]})
    # A comment by the mentee on their goal, for the conversation's routes.
    thread = f"goal-{goal['id']}"
    comment = mentee.call("POST", f"{plan}/threads/{thread}/comments", {"body": "Fuzz comment"})
    # The Session Builder: a template, and a session for the group made from it whose outline was
    # saved once (so version 1 is kept as a revision), shared with the group (the mentee reads it).
    slots = [{"kind": "heading", "title": "Welcome", "minutes": 5}, {"kind": "question", "minutes": 15}]
    template = admin.call("POST", f"/api/sessions/{org}/templates", {"name": "Fuzz template", "slots": slots})
    new = {"title": "Fuzz session", "date": "2026-03-10", "time": "19:00", "template_id": template["id"],
           "audience": {"kind": "group", "group_id": group["id"]}}
    session = admin.call("POST", f"/api/sessions/{org}/sessions", new)
    blocks = [{"id": "welcome", "kind": "heading", "title": "Welcome", "minutes": 5},
              {"id": "ask", "kind": "question", "body": "What stayed with you?", "minutes": 15, "nested": True},
              {"id": "note", "kind": "resource", "resource_id": note["id"], "show": "excerpt"}]
    admin.call("PATCH", f"/api/sessions/{org}/sessions/{session['id']}", {"blocks": blocks, "shared": True},
               headers={"if-match": '"1"'})
    values = {
        "ORG": org,
        "PERSON": mentee_id,
        "GROUP": group["id"],
        "MENTORSHIP": pairing["id"],
        "INVITATION": pending["id"],
        "RESOURCE": note["id"],
        "FILE": file["id"],
        "UPLOAD": upload["id"],
        "VAULT": vault["id"],
        "IMPORT": pending_import["id"],
        "GOAL": goal["id"],
        "ITEM": item["id"],
        "TASK": task["id"],
        "MEETING": meeting["id"],
        "STEP": meeting["next_steps"][0]["id"],
        "THREAD": thread,
        "COMMENT": comment["id"],
        "TEMPLATE": template["id"],
        "SESSION": session["id"],
    }
    for who, session in [("ADMIN", admin), ("MENTEE", mentee)]:
        values[f"{who}_COOKIE"] = f"{ACCESS}={session.cookies[ACCESS]}; {CSRF}={session.cookies[CSRF]}"
        values[f"{who}_CSRF"] = session.cookies[CSRF]
    for key, value in values.items():
        print(f"EMMAUS_FUZZ_{key}={shlex.quote(value)}")


if __name__ == "__main__":
    main()
