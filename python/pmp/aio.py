"""asyncio for pmp: the client's sockets on the running event loop
(loop.add_reader / add_writer on the descriptors libpmp lists, a timer
for its deadline), so ``await client.map(...)`` needs no thread.

Use it from one event loop; the methods are coroutines.
"""
import asyncio
import ctypes
from typing import Deque, Dict, Optional, Sequence, Set, Tuple

from . import _lib
from ._lib import lib
from . import (DEFAULT_LIFETIME, Event, InvalidArgument, Mapping, NoAddress,
               _Base, _addr_text, _error, _is_plain, _map_params, _mapping)


class AsyncClient(_Base):
    """Client's calls as coroutines (same arguments, same results and
    exceptions), driven by the event loop it is first used in."""

    def __init__(self, gateway: Optional[str] = None,
                 protocol: str = "auto", timeout: Optional[float] = None):
        super().__init__(gateway, protocol, timeout)
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._futures: Dict[int, asyncio.Future] = {}
        self._finished: Dict[int, _lib.Result] = {}
        self._readers: Set[int] = set()
        self._writers: Set[int] = set()
        self._timer: Optional[asyncio.TimerHandle] = None
        self._wakeups: Set[asyncio.Future] = set()
        self._done_cb = _lib.CALLBACK(self._on_done)

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc) -> None:
        self.close()

    # --- the loop's side

    def _attach(self) -> None:
        loop = asyncio.get_running_loop()
        if self._loop is None:
            self._loop = loop
        elif self._loop is not loop:
            raise RuntimeError("an AsyncClient is used from one event loop")

    def _on_done(self, _arg, resp) -> None:
        # called by libpmp from _process(), in the loop's thread
        res = _lib.Result()
        ctypes.pointer(res)[0] = resp.contents
        fut = self._futures.pop(res.request_id, None)
        if fut is None:
            self._finished[res.request_id] = res
        elif not fut.done():
            fut.set_result(res)

    def _process(self, fd: int = -1, events: int = 0) -> None:
        if self._c is None:
            return
        arr = (_lib.Fd * 1)()
        n = 0
        if fd >= 0:
            arr[0].fd, arr[0].events, n = fd, events, 1
        lib.pmp_client_process_fds(self._c, arr, n)
        self._rearm()
        for w in list(self._wakeups):
            if not w.done():
                w.set_result(None)

    def _rearm(self) -> None:
        """Watch what libpmp wants watched now, wake up at its deadline."""
        loop = self._loop
        if loop is None or self._c is None:
            return
        want_r, want_w = set(), set()
        for fd, ev in self._poll_fds():
            if ev & _lib.FD_READ:
                want_r.add(fd)
            if ev & _lib.FD_WRITE:
                want_w.add(fd)
        for fd in self._readers - want_r:
            loop.remove_reader(fd)
        for fd in want_r - self._readers:
            loop.add_reader(fd, self._process, fd, _lib.FD_READ)
        for fd in self._writers - want_w:
            loop.remove_writer(fd)
        for fd in want_w - self._writers:
            loop.add_writer(fd, self._process, fd, _lib.FD_WRITE)
        self._readers, self._writers = want_r, want_w
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        t = lib.pmp_client_timeout_ms(self._c)
        if t >= 0:
            self._timer = loop.call_later(t / 1000.0, self._process)

    async def _wait(self, rid: int) -> _lib.Result:
        if rid < 0:
            raise _error(rid, None, lib.pmp_client_errno(self._handle()))
        res = self._finished.pop(rid, None)
        if res is not None:
            return res
        fut = self._loop.create_future()
        self._futures[rid] = fut
        self._rearm()
        try:
            return await fut
        except asyncio.CancelledError:
            if self._c is not None:
                lib.pmp_cancel(self._c, rid)
                self._rearm()
            raise
        finally:
            self._futures.pop(rid, None)

    def _result(self, res: _lib.Result) -> _lib.Result:
        if res.status != 0:
            raise _error(res.status, res)
        return res

    # --- the calls

    async def public_address(self) -> str:
        self._attach()
        res = self._result(await self._wait(lib.pmp_request_public_address(
            self._handle(), self._done_cb, None)))
        text = _addr_text(res.public_address)
        if text is None:
            raise NoAddress(_lib.ENOADDR)
        return text

    async def map(self, port: int, *, udp: bool = False,
                  public_port: Optional[int] = None,
                  lifetime: int = DEFAULT_LIFETIME,
                  nonce: Optional[bytes] = None,
                  prefer_failure: bool = False,
                  filters: Sequence[str] = (),
                  peer: Optional[Tuple[str, int]] = None,
                  third_party: Optional[str] = None,
                  public_address: Optional[str] = None) -> Mapping:
        """As Client.map."""
        self._attach()
        p = _map_params(port, udp, public_port, lifetime, nonce,
                        prefer_failure, filters, peer, third_party,
                        public_address)
        res = self._result(await self._wait(lib.pmp_request_map_params(
            self._handle(), ctypes.byref(p), self._done_cb, None)))
        if (_addr_text(res.public_address) is None and
                _is_plain(nonce, prefer_failure, filters, peer, third_party,
                          public_address)):
            # NAT-PMP's mapping answer names no address (RFC 6886 §3.3):
            # ask, as the blocking call does; an error leaves it unknown
            try:
                addr = await self.public_address()
            except Exception:
                addr = None
            if addr is not None:
                return _replace_address(_mapping(res), addr)
        return self._made(_mapping(res), udp)

    async def unmap(self, port: int, *, udp: bool = False,
                    nonce: Optional[bytes] = None) -> None:
        self._attach()
        nonce = self._nonce_for(port, udp, nonce)
        if nonce is None:
            rid = lib.pmp_request_unmap(self._handle(), _lib.PROTO_UDP if udp
                                        else _lib.PROTO_TCP, port,
                                        self._done_cb, None)
        else:
            p = _map_params(port, udp, None, 0, nonce, False, (), None, None,
                            None, deleting=True)
            rid = lib.pmp_request_map_params(self._handle(), ctypes.byref(p),
                                             self._done_cb, None)
        self._result(await self._wait(rid))

    async def unmap_all(self, *, udp: bool = False) -> None:
        self._attach()
        self._result(await self._wait(lib.pmp_request_unmap_all(
            self._handle(), _lib.PROTO_UDP if udp else _lib.PROTO_TCP,
            self._done_cb, None)))

    def keep(self, port: int, *, udp: bool = False,
             public_port: Optional[int] = None,
             lifetime: int = DEFAULT_LIFETIME) -> "AsyncKeep":
        """As Client.keep: an async context manager (deleting on exit)
        and an async iterator of Events.  Call it from the event loop."""
        self._attach()
        kid = lib.pmp_keep(self._handle(), _lib.PROTO_UDP if udp else
                           _lib.PROTO_TCP, port, public_port or 0, lifetime)
        if kid < 0:
            raise _error(kid, None, lib.pmp_client_errno(self._handle()))
        q = self._register(kid)
        self._rearm()
        return AsyncKeep(self, kid, q)

    async def _woken(self, timeout: Optional[float]) -> None:
        w = self._loop.create_future()
        self._wakeups.add(w)
        try:
            await asyncio.wait_for(w, timeout)
        except asyncio.TimeoutError:
            pass
        finally:
            self._wakeups.discard(w)

    def close(self) -> None:
        loop = getattr(self, "_loop", None)
        if loop is not None and not loop.is_closed():
            for fd in getattr(self, "_readers", ()):
                loop.remove_reader(fd)
            for fd in getattr(self, "_writers", ()):
                loop.remove_writer(fd)
            if self._timer is not None:
                self._timer.cancel()
        self._readers, self._writers = set(), set()
        super().close()
        for fut in list(getattr(self, "_futures", {}).values()):
            if not fut.done():
                fut.set_exception(_error(_lib.ECANCELED))


def _replace_address(m: Mapping, addr: str) -> Mapping:
    return m.replace(public_address=addr)


class AsyncKeep:
    """A kept mapping of an AsyncClient: ``async for event in kept``;
    ``async with`` deletes it on exit."""

    def __init__(self, client: AsyncClient, keep_id: int,
                 q: Deque[Event]):
        self.client = client
        self.id = keep_id
        self._q = q
        self._stopped = False

    async def __aenter__(self) -> "AsyncKeep":
        return self

    async def __aexit__(self, *exc) -> None:
        await self.stop()

    def __aiter__(self) -> "AsyncKeep":
        return self

    async def __anext__(self) -> Event:
        ev = await self.next_event(None)
        if ev is None:
            raise StopAsyncIteration
        return ev

    async def next_event(self, timeout: Optional[float]) -> Optional[Event]:
        """The next event within timeout seconds (None: no limit), or
        None."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while not self._q:
            if self._stopped or self.client._c is None:
                return None
            left = None if deadline is None else deadline - loop.time()
            if left is not None and left <= 0:
                return None
            await self.client._woken(left)
        return self._q.popleft()

    async def stop(self) -> Optional[Event]:
        """Delete the mapping; returns the "deleted" event."""
        if self._stopped or self.client._c is None:
            return None
        self._stopped = True
        try:
            if lib.pmp_keep_stop(self.client._c, self.id) != 0:
                return None
            self.client._rearm()
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 10
            while loop.time() < deadline:
                while self._q:
                    ev = self._q.popleft()
                    if ev.type == "deleted":
                        return ev
                await self.client._woken(deadline - loop.time())
            return None
        finally:
            self.client._unregister(self.id)


__all__ = ["AsyncClient", "AsyncKeep"]
