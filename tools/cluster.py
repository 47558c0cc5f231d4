"""One host, a big office: Redis, N run_kiosk.py on one database, nginx in front (``make cluster``).

nginx (Debian's package) listens on one port and hands each client to one of the N server
processes: ``ip_hash`` keeps a client on the same process (Socket.IO's long-polling needs that),
and websocket upgrades pass through. The processes share the SQLite file on this host and one
Redis; one of them leads (web/follow.py), so every board hears every call once, whichever process
it is connected to and whichever process the caseworker called through.

Usage: python tools/cluster.py [--processes 3] [--port 8080] [--database instance/terminpraxis.db]
Prints the ports, then runs until Ctrl-C (everything it started is stopped).
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

NGINX_CONF = """\
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
events {{ worker_connections 16384; }}
http {{
    access_log off;
    client_body_temp_path {dir}/tmp/body;
    proxy_temp_path {dir}/tmp/proxy;
    fastcgi_temp_path {dir}/tmp/fastcgi;
    uwsgi_temp_path {dir}/tmp/uwsgi;
    scgi_temp_path {dir}/tmp/scgi;
    map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
    upstream terminpraxis {{
        ip_hash;  # sticky: a long-polling Socket.IO client must keep its process
{servers}
    }}
    server {{
        listen {host}:{port};
        location / {{
            proxy_pass http://terminpraxis;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_buffering off;
            proxy_read_timeout 1h;  # boards stay connected all day
        }}
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not answer within {timeout} s") from None
            time.sleep(0.1)


class Cluster:
    """Redis, N run_kiosk.py and nginx, started in ``folder`` (logs and nginx files live there)."""

    def __init__(self, database: Path, folder: Path, processes: int = 2, port: int | None = None,
                 host: str = "127.0.0.1", env: dict[str, str] | None = None):
        self.database, self.folder, self.host = database, folder, host
        self.count = processes
        self.port = port or free_port()
        self.redis_port = free_port()
        self.server_ports = [free_port() for _ in range(processes)]
        self.env = dict(os.environ if env is None else env)
        self.processes: list[subprocess.Popen] = []

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def server_url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.server_ports[index]}"

    def _start(self, argv: list[str], log: str, **kw) -> subprocess.Popen:
        process = subprocess.Popen(argv, stdout=open(self.folder / log, "ab"), stderr=subprocess.STDOUT, **kw)
        self.processes.append(process)
        return process

    def start(self) -> "Cluster":
        for tool in ("redis-server", "nginx"):
            if shutil.which(tool) is None and not Path(f"/usr/sbin/{tool}").exists():
                raise RuntimeError(f"{tool} is not installed (make cluster-tools)")
        self.folder.mkdir(parents=True, exist_ok=True)
        self._start(["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "",
                     "--appendonly", "no"], "redis.log")
        env = {**self.env, "TERMINPRAXIS_DATABASE": str(self.database), "PYTHONUNBUFFERED": "1",
               "TERMINPRAXIS_MESSAGE_QUEUE": f"redis://127.0.0.1:{self.redis_port}"}
        for port in self.server_ports:
            process = self._start([sys.executable, str(ROOT / "run_kiosk.py"), "--host", "127.0.0.1",
                                   "--port", str(port)], f"kiosk.{port}.log", cwd=ROOT, env=env)
            wait_for(f"http://127.0.0.1:{port}/healthz", process)
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.folder / "tmp" / sub).mkdir(parents=True, exist_ok=True)
            os.chmod(self.folder / "tmp" / sub, 0o777)  # nginx's workers run as nobody when started as root
        servers = "\n".join(f"        server 127.0.0.1:{p};" for p in self.server_ports)
        conf = self.folder / "nginx.conf"
        conf.write_text(NGINX_CONF.format(dir=self.folder, servers=servers, host=self.host, port=self.port))
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        process = self._start([nginx, "-p", str(self.folder), "-c", str(conf), "-g", "daemon off;"], "nginx.log")
        wait_for(self.url + "/healthz", process)
        return self

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes = []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=int(os.environ.get("PROCESSES", "3")))
    parser.add_argument("--port", type=int, default=int(os.environ.get("CLUSTER_PORT", "8080")))
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--database", default=os.environ.get("TERMINPRAXIS_DATABASE", "instance/terminpraxis.db"))
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="terminpraxis-cluster-"))
    cluster = Cluster(Path(args.database).resolve(), folder, args.processes, args.port, args.host)
    try:
        cluster.start()
        print(f"Terminpraxis on {cluster.count} processes behind nginx — logs in {folder}", flush=True)
        print(f"  nginx   {cluster.url}  (kiosk /, board /display, desk /desk)", flush=True)
        for i, port in enumerate(cluster.server_ports):
            print(f"  server  http://127.0.0.1:{port}  (run_kiosk.py #{i + 1})", flush=True)
        print(f"  redis   redis://127.0.0.1:{cluster.redis_port}", flush=True)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        while all(p.poll() is None for p in cluster.processes):
            time.sleep(0.5)
        print("a process of the cluster exited; stopping the rest", flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
