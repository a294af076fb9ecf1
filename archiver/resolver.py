"""A DNS resolver that answers some host names from a setting (issue #21).

The national-scale simulation (archiver/replica/national.py) serves thousands of sites —
``site0001.zx.test`` … — from one replica process on 127.0.0.1. Scrapy keys its per-host
politeness (one request at a time, the delay) on the host name, so every simulated site must
keep its own name on the crawler's side; this resolver maps them to the replica's address
without touching /etc/hosts. Test and benchmark use only:

    -s TWISTED_DNS_RESOLVER=archiver.resolver.MappedResolver
    -s 'ARCHIVER_HOSTS={".zx.test": "127.0.0.1"}'

A key starting with a dot matches every name under that domain; any other key matches the name
exactly. Names that match nothing are resolved as usual (Scrapy's caching threaded resolver).
"""

from __future__ import annotations

from typing import Any

from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer


class MappedResolver(CachingThreadedResolver):
    def __init__(self, reactor: Any, cache_size: int, timeout: float, hosts: dict[str, str]) -> None:
        super().__init__(reactor, cache_size, timeout)
        self.exact = {k.lower(): v for k, v in hosts.items() if not k.startswith(".")}
        self.suffixes = tuple((k.lower(), v) for k, v in hosts.items() if k.startswith("."))

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> "MappedResolver":
        settings = crawler.settings
        cache_size = settings.getint("DNSCACHE_SIZE") if settings.getbool("DNSCACHE_ENABLED") else 0
        return cls(reactor, cache_size, settings.getfloat("DNS_TIMEOUT"), settings.getdict("ARCHIVER_HOSTS"))

    def lookup(self, name: str) -> str | None:
        name = name.lower()
        if name in self.exact:
            return self.exact[name]
        for suffix, address in self.suffixes:
            if name.endswith(suffix):
                return address
        return None

    def getHostByName(self, name: str, timeout: Any = ()) -> defer.Deferred:  # noqa: N802 - Twisted's name
        address = self.lookup(name)
        if address is not None:
            return defer.succeed(address)
        return super().getHostByName(name, timeout)
