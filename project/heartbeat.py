"""Worker heartbeats in the broker's Redis, for `/readyz`: is someone working the urgent and bulk queues?

Each Celery worker, once ready (`worker_ready`, no beat needed), writes its name into one sorted set per
queue it consumes (`bin:heartbeat:<queue>`), scored with Redis's own clock, every
BIN_WORKER_HEARTBEAT_SECONDS from a thread of its main process, and takes it out on shutdown. A worker
counts as alive while its last beat is younger than three intervals: a killed worker (SIGKILL, OOM, a lost
machine) drops out within 30 s by default. Scoring with Redis's TIME keeps the web servers' and the
workers' clocks out of it. Celery's own worker heartbeats are events that need a listener (and the tests
and docker-compose run without them, --without-heartbeat); this needs none.
"""

import logging
import threading

import redis

__all__ = ["heartbeat_start", "heartbeat_stop", "heartbeat_write", "queues_alive"]

logger = logging.getLogger(__name__)

KEY = "bin:heartbeat:{queue}"

# KEYS: one sorted set per queue; ARGV: the worker's name, the window in seconds. Drops stale members,
# adds this one at the server's time, and lets the set expire if every worker is gone.
_BEAT = """
local now = tonumber(redis.call('TIME')[1])
for _, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - tonumber(ARGV[2]))
  redis.call('ZADD', key, now, ARGV[1])
  redis.call('EXPIRE', key, tonumber(ARGV[2]) * 2)
end
return now
"""
# KEYS: the queues' sorted sets; ARGV: the window. How many workers beat within it, per queue.
_ALIVE = """
local now = tonumber(redis.call('TIME')[1])
local out = {}
for i, key in ipairs(KEYS) do
  out[i] = redis.call('ZCOUNT', key, now - tonumber(ARGV[1]), '+inf')
end
return out
"""

_clients: dict[str, redis.Redis] = {}
_clients_lock = threading.Lock()


def _client(url: str) -> redis.Redis:
    # One client (and connection pool) per broker URL and process; short timeouts: a probe must answer
    # within the load balancer's timeout even when Redis is unreachable.
    with _clients_lock:
        if url not in _clients:
            _clients[url] = redis.Redis.from_url(url, socket_connect_timeout=1.0, socket_timeout=1.0)
        return _clients[url]


def _window(interval: float) -> int:
    return max(2, int(interval * 3))


def heartbeat_write(url: str, queues: list[str], name: str, interval: float) -> None:
    """One beat of worker `name` on each of `queues`."""
    keys = [KEY.format(queue=q) for q in queues]
    _client(url).eval(_BEAT, len(keys), *keys, name, _window(interval))


def queues_alive(url: str, queues: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """The broker check and the workers check of /readyz: does the broker answer, and has a worker
    beaten on each queue within the window?"""
    from django.conf import settings

    keys = [KEY.format(queue=q) for q in queues]
    try:
        counts = _client(url).eval(_ALIVE, len(keys), *keys, _window(settings.BIN_WORKER_HEARTBEAT_SECONDS))
    except redis.RedisError as exc:
        reason = f"the broker does not answer: {type(exc).__name__}"
        return {"state": "failing", "reason": reason}, {"state": "failing", "reason": reason}
    silent = [q for q, n in zip(queues, counts, strict=True) if not n]
    workers = {q: int(n) for q, n in zip(queues, counts, strict=True)}
    if silent:
        reason = f"no worker on queue(s) {', '.join(silent)} within the heartbeat window; workers: {workers}"
        return {"state": "ok", "reason": ""}, {"state": "failing", "reason": reason}
    return {"state": "ok", "reason": ""}, {"state": "ok", "reason": f"workers: {workers}"}


class _Beat(threading.Thread):
    def __init__(self, url: str, queues: list[str], name: str, interval: float):
        super().__init__(name="bin-heartbeat", daemon=True)
        self.url, self.queues, self.worker, self.interval = url, queues, name, interval
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.is_set():
            try:
                heartbeat_write(self.url, self.queues, self.worker, self.interval)
            except redis.RedisError as exc:  # the broker is away: the next beat tries again
                logger.warning("worker heartbeat not written: %s", exc)
            self.stopped.wait(self.interval)


_beat: _Beat | None = None


def heartbeat_start(url: str, queues: list[str], name: str, interval: float) -> None:
    """Start beating for worker `name` (worker_ready); once per process."""
    global _beat
    if _beat is None and url and queues:
        _beat = _Beat(url, queues, name, interval)
        _beat.start()
        logger.info("worker heartbeat every %s s on queue(s) %s", interval, ", ".join(queues))


def heartbeat_stop() -> None:
    """Stop beating and leave the queues' sets at once (worker_shutdown): readiness sees it now."""
    global _beat
    if _beat is None:
        return
    _beat.stopped.set()
    try:
        client = _client(_beat.url)
        for queue in _beat.queues:
            client.zrem(KEY.format(queue=queue), _beat.worker)
    except redis.RedisError:
        pass  # the window lets it drop out
    _beat = None
