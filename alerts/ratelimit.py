"""The SMS provider's rate limit, shared by every worker process: a token bucket in Redis.

A provider takes so many messages per second from all of us together (BIN_SMS_GATEWAY_RATE, with a burst
of BIN_SMS_GATEWAY_BURST); above that it answers 429 and we lose time. So every send takes its messages'
tokens from one bucket first: a Redis key refilled and taken by one Lua script, atomic however many worker
processes ask, with Redis's own clock (TIME) so that the workers' clocks do not matter. Without Redis
(development, tests in one process) the same bucket lives in the process.

Urgent traffic first. Bulk (non-urgent) messages may only take the tokens above a reserve
(BIN_SMS_GATEWAY_URGENT_RESERVE, a fraction of the burst); urgent messages may take the bucket down to
zero. While both wait, the bucket refills from zero and only urgent senders can take it until it passes
the reserve, so a large bulk send cannot starve an urgent alert, and an urgent alert has a burst's reserve
ready at once.
"""

import logging
import threading
import time
from dataclasses import dataclass

import redis
from django.conf import settings

__all__ = ["TokenBucket", "rate_limiter"]

logger = logging.getLogger(__name__)

# KEYS[1] the bucket (a hash: tokens, at in µs); ARGV: rate/s, burst, floor (tokens that must remain),
# wanted. Answers {granted, wait in µs until the rest could be had}. Takes what it can (up to `wanted`),
# so that a request larger than the bucket goes in parts.
_SCRIPT = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local floor = tonumber(ARGV[3])
local wanted = tonumber(ARGV[4])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = burst
  at = now
end
tokens = math.min(burst, tokens + (now - at) * rate / 1000000)
local granted = math.floor(math.max(0, math.min(wanted, tokens - floor)))
tokens = tokens - granted
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
local wait = 0
if granted < wanted then
  wait = math.ceil((math.min(wanted - granted, burst - floor) + floor - tokens) * 1000000 / rate)
end
return {granted, wait}
"""


@dataclass
class _Local:
    tokens: float
    at: float


class TokenBucket:
    """`rate` tokens a second, at most `burst`; `take(n, urgent=)` blocks until it has them.

    With `redis_url` the bucket is the Redis key `key`, shared by every process that names it; without,
    it is this process's own. rate <= 0 means no limit.
    """

    def __init__(self, *, rate: float, burst: float, reserve: float = 0.0, redis_url: str = "", key: str):
        self.rate = float(rate)
        self.burst = max(float(burst), 1.0)
        # The urgent reserve in tokens, leaving bulk at least one token of the bucket.
        self.reserve = min(max(reserve, 0.0) * self.burst, self.burst - 1.0)
        self.key = key
        self._redis = None
        self._script = None
        if redis_url and self.rate > 0:
            self._redis = redis.Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=2)
            self._script = self._redis.register_script(_SCRIPT)
        self._lock = threading.Lock()
        self._local = _Local(self.burst, time.monotonic())
        self._warned_at = -3600.0

    @property
    def shared(self) -> bool:
        return self._redis is not None

    def try_take(self, n: int, *, urgent: bool = False) -> tuple[int, float]:
        """Take up to `n` tokens now: (how many were taken, seconds until the rest could be)."""
        if self.rate <= 0:
            return n, 0.0
        floor = 0.0 if urgent else self.reserve
        if self._redis is not None:
            try:
                granted, wait_us = self._script(keys=[self.key], args=[self.rate, self.burst, floor, n])
                return int(granted), int(wait_us) / 1e6
            except redis.RedisError as exc:  # Redis is down: limit this process alone, rather than stop
                # sending (the gateway's 429s then hold the rest); said once a minute, not per request.
                if time.monotonic() - self._warned_at > 60:
                    self._warned_at = time.monotonic()
                    logger.warning("rate limit bucket %s unreachable, limiting in-process: %s", self.key, exc)
        return self._try_take_local(n, floor)

    def _try_take_local(self, n: int, floor: float) -> tuple[int, float]:
        with self._lock:
            now = time.monotonic()
            local = self._local
            local.tokens = min(self.burst, local.tokens + (now - local.at) * self.rate)
            local.at = now
            granted = int(max(0, min(n, local.tokens - floor)))
            local.tokens -= granted
            if granted == n:
                return granted, 0.0
            missing = min(n - granted, self.burst - floor) + floor - local.tokens
            return granted, missing / self.rate

    def take(self, n: int, *, urgent: bool = False) -> int:
        """Block until `n` tokens are taken; `n`."""
        got = 0
        while got < n:
            granted, wait = self.try_take(n - got, urgent=urgent)
            got += granted
            if got < n:
                time.sleep(max(wait, 0.001))
        return got


_buckets: dict[tuple, TokenBucket] = {}


def rate_limiter(gateway: str) -> TokenBucket:
    """The bucket of `gateway` with the current settings: one per process and settings, reused."""
    config = (
        gateway,
        settings.BIN_SMS_GATEWAY_RATE,
        settings.BIN_SMS_GATEWAY_BURST or settings.BIN_SMS_GATEWAY_RATE,
        settings.BIN_SMS_GATEWAY_URGENT_RESERVE,
        settings.BIN_SMS_GATEWAY_RATE_REDIS_URL,
    )
    bucket = _buckets.get(config)
    if bucket is None:
        _, rate, burst, reserve, url = config
        bucket = TokenBucket(
            rate=rate, burst=burst, reserve=reserve, redis_url=url, key=f"bin:sms-rate:{gateway}"
        )
        _buckets[config] = bucket
    return bucket
