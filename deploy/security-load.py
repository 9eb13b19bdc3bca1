#!/usr/bin/env python3
"""Load for deploy/security-smoke.sh, standard library only.

  security-load.py slow HOST PORT CONNECTIONS SECONDS [OPEN_SECONDS]
      holds CONNECTIONS connections that each trickle one byte of a never-ending request head
      per second (a slowloris); reopens any the server closes. Prints how many it held at the end.
      Opens them evenly over OPEN_SECONDS (default 2); see slow() for why that matters. Prints
      each second how many were reopened so far and how many are held.
  security-load.py measure HOST PORT RATE SECONDS USERS
      sends RATE requests/s for SECONDS, open loop (each at its scheduled time, so a slow answer
      does not slow the sender), half GET /health and half GET /recommendations/u<i>?k=10 over
      keep-alive connections (OPEN_AHEAD of them opened before the clock starts); prints:
      health_p99_ms get_p99_ms requests not_200 get_p50_ms
  security-load.py slowest TRACE N
      the N seconds of TRACE (SECURITY_LOAD_TRACE's file) with the slowest request: when, how
      many requests, max and p50 ms; to tell a tail spread over a run from one stalled second
Over HTTPS when GATEWAY_CA names the PEM file of the certificate to trust. Then half of the slow
connections complete their handshake and trickle the head one byte, one TLS record, per second;
the other half trickle the TLS ClientHello itself one byte per second (the handshake timeout's
case). Both are slowlorises; the mix also keeps the attacker's own handshakes, which run on the
same cores as the gateway here, from dominating what is measured.
"""
import asyncio
import os
import resource
import ssl
import sys
import time


# the gateway's bearer token for the measured requests (security-smoke.sh sets an admin token)
TOKEN = os.environ.get("GATEWAY_TOKEN", "")
# the gateway's certificate (security-smoke.sh: deploy/gateway-tls.sh's ca.pem); unset: plain HTTP
CA = os.environ.get("GATEWAY_CA", "")
TLS = ssl.create_default_context(cafile=CA) if CA else None
# a file each measured request is appended to (when it was sent, kind, ms, status); unset: none
TRACE = os.environ.get("SECURITY_LOAD_TRACE", "")
# keep-alive connections a measured run opens before its clock starts (about 4x what 200 requests/s
# at 20 ms need at once); more are opened when all are busy
OPEN_AHEAD = 16


def connect(host, port):
    return asyncio.open_connection(host, port, ssl=TLS)


def client_hello():
    """The bytes of a TLS ClientHello as this client would send them (nothing is connected)."""
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = TLS.wrap_bio(incoming, outgoing, server_hostname="localhost")
    try:
        tls.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return outgoing.read()


def raise_fd_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


async def slow_connection(host, port, stop_at, held, reopened, in_handshake=False):
    head = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"s" * 100000
    if in_handshake:
        head = client_hello()
    first = True
    while time.monotonic() < stop_at:
        if not first:
            reopened[0] += 1
        first = False
        try:
            if in_handshake:
                reader, writer = await asyncio.open_connection(host, port)
            else:
                reader, writer = await connect(host, port)
        except OSError:
            await asyncio.sleep(1)
            continue
        held[0] += 1
        try:
            for i in range(len(head)):
                if time.monotonic() >= stop_at:
                    return
                writer.write(head[i:i + 1])
                await writer.drain()
                if reader.at_eof():
                    break
                await asyncio.sleep(1)
        except OSError:
            pass
        finally:
            held[0] -= 1
            writer.close()


async def slow(host, port, n, seconds, open_seconds):
    # The server closes each connection its read timeout after the first byte, and the connection
    # is reopened at once, so connections keep the phase they were opened in. Opened all within
    # 2 s, they are closed and reopened (half of them with a TLS handshake) in a burst every read
    # timeout; on a shared 2-core host this attacker's own handshakes then stall the measuring
    # client and the gateway for a second or two, which a remote attacker would not. Opened over
    # most of the read timeout, the same reconnects come as a steady stream.
    stop_at = time.monotonic() + seconds
    held, reopened = [0], [0]
    tasks = []
    for i in range(n):
        in_handshake = TLS is not None and i % 2 == 1
        tasks.append(
            asyncio.create_task(
                slow_connection(host, port, stop_at, held, reopened, in_handshake)))
        await asyncio.sleep(open_seconds / n)  # no accept-queue overflow
    while time.monotonic() < stop_at - 1:
        await asyncio.sleep(1)
        print(f"{time.time():.1f} slow connections reopened: {reopened[0]} held: {held[0]}",
              file=sys.stderr, flush=True)
    print(held[0], flush=True)
    await asyncio.gather(*tasks, return_exceptions=True)


class Pool:
    def __init__(self, host, port, free=None):
        self.host, self.port, self.free = host, port, free if free is not None else []

    async def get(self, path):
        conn = self.free.pop() if self.free else await connect(self.host, self.port)
        reader, writer = conn
        auth = f"Authorization: Bearer {TOKEN}\r\n" if TOKEN else ""
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}\r\n{auth}\r\n".encode())
        await writer.drain()
        status = int((await reader.readline()).split()[1])
        length, close = 0, False
        while True:
            line = (await reader.readline()).strip().lower()
            if not line:
                break
            if line.startswith(b"content-length:"):
                length = int(line.split(b":")[1])
            if line == b"connection: close":
                close = True
        await reader.readexactly(length)
        if close:
            writer.close()
        else:
            self.free.append(conn)
        return status


async def one(pool, path, kind, results):
    start, sent = time.monotonic(), time.time()
    try:
        status = await asyncio.wait_for(pool.get(path), 15)
    except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError, IndexError):
        status = 0
    results.append((kind, (time.monotonic() - start) * 1000, status, sent))


def p99(values):
    values = sorted(values)
    return values[max(0, int(0.99 * len(values) + 0.999) - 1)] if values else float("nan")


async def open_ahead(pool, n):
    """Opens n keep-alive connections, one /health on each, before the clock starts. Opened on
    demand, the first requests of a run each paid a TLS handshake, and on a busy host their queue
    grew into a second of handshakes: the run's p99 measured its own start, not the gateway."""
    each = [Pool(pool.host, pool.port, [await connect(pool.host, pool.port)]) for _ in range(n)]
    await asyncio.gather(*(one.get("/health") for one in each))
    pool.free.extend(conn for one in each for conn in one.free)  # those kept alive


async def measure(host, port, rate, seconds, users):
    pool, results, tasks = Pool(host, port), [], []
    await open_ahead(pool, OPEN_AHEAD)
    start = time.monotonic()
    for i in range(int(rate * seconds)):
        delay = start + i / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        if i % 2 == 0:
            path, kind = "/health", "health"
        else:
            path, kind = f"/recommendations/u{i % users}?k=10", "get"
        tasks.append(asyncio.create_task(one(pool, path, kind, results)))
    await asyncio.gather(*tasks)
    health = [ms for kind, ms, _, _ in results if kind == "health"]
    gets = [ms for kind, ms, _, _ in results if kind == "get"]
    errors = sum(1 for _, _, status, _ in results if status != 200)
    if TRACE:
        with open(TRACE, "a") as trace:
            for kind, ms, status, sent in results:
                trace.write(f"{sent:.3f} {kind} {ms:.1f} {status}\n")
    p50 = sorted(gets)[len(gets) // 2] if gets else float("nan")
    print(f"{p99(health):.1f} {p99(gets):.1f} {len(results)} {errors} {p50:.1f}", flush=True)


def slowest(trace, n):
    seconds = {}
    for line in open(trace):
        sent, _, ms, _ = line.split()
        seconds.setdefault(int(float(sent)), []).append(float(ms))
    worst = sorted(seconds.items(), key=lambda kv: -max(kv[1]))[:n]
    for second, values in sorted(worst):
        values.sort()
        stamp = time.strftime("%H:%M:%S", time.gmtime(second))
        print(f"  {stamp} UTC: {len(values)} requests, max {values[-1]:.0f} ms,"
              f" p50 {values[len(values) // 2]:.1f} ms", flush=True)


def main():
    if sys.argv[1] == "slowest":
        slowest(sys.argv[2], int(sys.argv[3]))
        return
    raise_fd_limit()
    mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if mode == "slow":
        open_seconds = float(sys.argv[6]) if len(sys.argv) > 6 else 2.0
        asyncio.run(slow(host, port, int(sys.argv[4]), float(sys.argv[5]), open_seconds))
    else:
        rate, seconds, users = float(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
        asyncio.run(measure(host, port, rate, seconds, users))


if __name__ == "__main__":
    main()
