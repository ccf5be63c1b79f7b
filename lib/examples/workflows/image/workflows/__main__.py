"""Entry point: `python -m workflows api|worker|migrate|run <workflow>`."""
import json
import logging
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg

log = logging.getLogger("workflows")


def connect():
    return psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)


def migrate():
    with connect() as db:
        db.execute(
            "CREATE TABLE IF NOT EXISTS runs (id bigserial PRIMARY KEY, workflow text NOT NULL,"
            " state text NOT NULL DEFAULT 'queued', created timestamptz NOT NULL DEFAULT now())"
        )
    log.info("schema up to date")


def enqueue(workflow):
    with connect() as db:
        return db.execute("INSERT INTO runs (workflow) VALUES (%s) RETURNING id", (workflow,)).fetchone()[0]


class Api(BaseHTTPRequestHandler):
    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/health":
            return self.reply(200, {"status": "ok"})
        self.reply(404, {"error": "not found"})

    def do_POST(self):
        if self.path.startswith("/runs/"):
            return self.reply(202, {"id": enqueue(self.path[len("/runs/"):])})
        self.reply(404, {"error": "not found"})


def api():
    ThreadingHTTPServer(("0.0.0.0", 8080), Api).serve_forever()


def worker():
    while True:
        with connect() as db:
            row = db.execute(
                "UPDATE runs SET state = 'done' WHERE id = (SELECT id FROM runs WHERE state = 'queued'"
                " ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id, workflow"
            ).fetchone()
        if row:
            log.info("ran %s (run %s)", row[1], row[0])
        else:
            time.sleep(5)


def run(workflow):
    log.info("queued %s as run %s", workflow, enqueue(workflow))


def main(argv):
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"))
    roles = {"api": api, "worker": worker, "migrate": migrate}
    if len(argv) == 2 and argv[0] == "run":
        return run(argv[1])
    if len(argv) != 1 or argv[0] not in roles:
        sys.exit("usage: python -m workflows api|worker|migrate|run <workflow>")
    roles[argv[0]]()


main(sys.argv[1:])
