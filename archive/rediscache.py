"""Django's Redis cache backend, with its client object made once instead of per call.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` for every operation (the
connection pool is shared; the client object and its argument checks are not). Profiled under
the load mix, that was a tenth of a web worker's CPU on pages served from the cache. The
client is thread-safe and each thread has its own backend instance anyway, so it is kept.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class KeptClients(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    """`CACHES` backend: Django's, with `KeptClients`."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = KeptClients
