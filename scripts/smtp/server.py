"""A real SMTP server for the SMTP adapter's tests: aiosmtpd on loopback, delivering to a Maildir.

Usage: server.py <maildir>. Listens on a free 127.0.0.1 port and prints `listening <port>` once it
accepts connections. Each message is written as an MTA's local delivery writes it: `Return-Path`
and one `Delivered-To` per envelope recipient prepended to the data, stored through `tmp/` into
`new/` (so a reader never sees half a file), named with a zero-padded sequence number so that
sorting the names gives the order of arrival.

Two recipient domains answer as real servers do when they refuse, so the adapter's error mapping is
tested against real SMTP replies: `@reject.test` gets a permanent 550, `@later.test` a transient 451.
"""

import asyncio
import os
import sys

from aiosmtpd.smtp import SMTP


class MaildirHandler:
    def __init__(self, root):
        self.root = root
        self.count = 0
        for sub in ("tmp", "new", "cur"):
            os.makedirs(os.path.join(root, sub), exist_ok=True)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        domain = address.rpartition("@")[2].lower()
        if domain == "reject.test":
            return "550 5.1.1 <%s>: recipient address rejected: mailbox unavailable" % address
        if domain == "later.test":
            return "451 4.3.0 <%s>: temporary failure, try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        name = "%09d.P%d.emmaus" % (self.count, os.getpid())
        trace = "Return-Path: <%s>\r\n" % envelope.mail_from
        trace += "".join("Delivered-To: %s\r\n" % rcpt for rcpt in envelope.rcpt_tos)
        tmp = os.path.join(self.root, "tmp", name)
        with open(tmp, "wb") as file:
            file.write(trace.encode("utf-8") + envelope.original_content)
        os.rename(tmp, os.path.join(self.root, "new", name))
        return "250 2.0.0 OK: queued as %s" % name


async def main(root):
    handler = MaildirHandler(root)
    loop = asyncio.get_running_loop()
    # SMTPUTF8 on, as modern servers offer it; the adapter must still work without relying on it.
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="emmaus-test-smtp", enable_SMTPUTF8=True),
        host="127.0.0.1",
        port=0,
    )
    print("listening %d" % server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
