// CLakeSystem: thin C wrappers for Linux system calls that Swift's Glibc module does not
// import (epoll, eventfd, accept4) and a few socket conveniences.
//
// Conventions: every wrapper returns what the system call returns (-1 with errno set on
// failure) unless documented otherwise. Nothing here retries EINTR; callers do.
#ifndef CLAKESYSTEM_H
#define CLAKESYSTEM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: - epoll

/// One readiness event. Mirrors `struct epoll_event`, which is packed on x86_64 and therefore
/// awkward to use from Swift; the wrapper copies between the two.
typedef struct lake_epoll_event {
  uint32_t events;
  uint64_t data;
} lake_epoll_event;

extern const uint32_t LAKE_EPOLLIN;
extern const uint32_t LAKE_EPOLLOUT;
extern const uint32_t LAKE_EPOLLERR;
extern const uint32_t LAKE_EPOLLHUP;
extern const uint32_t LAKE_EPOLLRDHUP;
extern const uint32_t LAKE_EPOLLONESHOT;
extern const uint32_t LAKE_EPOLLET;

extern const int LAKE_EPOLL_CTL_ADD;
extern const int LAKE_EPOLL_CTL_MOD;
extern const int LAKE_EPOLL_CTL_DEL;

/// `epoll_create1(EPOLL_CLOEXEC)`.
int lake_epoll_create(void);

/// `epoll_ctl(epfd, op, fd, {events, data.u64 = data})`.
int lake_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data);

/// `epoll_wait` into `events` (at most `max_events`, at most 256 per call).
int lake_epoll_wait(int epfd, lake_epoll_event *events, int max_events, int timeout_ms);

// MARK: - eventfd

/// `eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)`.
int lake_eventfd_create(void);

/// Adds 1 to the eventfd counter, waking any epoll waiting on it. Returns 0 or -1.
int lake_eventfd_signal(int fd);

/// Resets the eventfd counter to zero (non-blocking). Returns 0 (also when it was zero).
int lake_eventfd_drain(int fd);

// MARK: - sockets

/// `accept4(fd, ..., SOCK_NONBLOCK | SOCK_CLOEXEC)`. On success writes the peer address as
/// text ("1.2.3.4:5" or "[::1]:5") into `peer` (always NUL-terminated when `peer_len` > 0).
int lake_accept(int listen_fd, char *peer, size_t peer_len);

/// Creates a non-blocking, close-on-exec TCP listening socket bound to `host:port` with
/// SO_REUSEADDR and (when `reuse_port` is non-zero) SO_REUSEPORT, listening with `backlog`.
/// `host` is a numeric address or a name resolved with getaddrinfo. Returns the descriptor,
/// or -1 with errno set; for a name that does not resolve, errno is EADDRNOTAVAIL and
/// `*gai_error` is the getaddrinfo error code (0 otherwise).
int lake_tcp_listen(const char *host, int port, int backlog, int reuse_port, int *gai_error);

/// Binds (without SO_REUSEPORT) a throwaway socket to `host:port` to learn whether anyone
/// already listens there, even another SO_REUSEPORT socket of the same user, which a plain
/// SO_REUSEPORT bind would silently share with. Returns 0 when free, else -1 with errno.
int lake_tcp_probe(const char *host, int port, int *gai_error);

/// A blocking TCP connection to `host:port` (for clients and tests), with receive and send
/// timeouts of `timeout_ms` when positive. Returns the descriptor, or -1 with errno set.
int lake_tcp_connect(const char *host, int port, int timeout_ms);

/// The local port a bound socket has, or -1.
int lake_local_port(int fd);

/// Sets TCP_NODELAY. Returns 0 or -1.
int lake_set_nodelay(int fd);

/// `send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT | (more ? MSG_MORE : 0))`.
ssize_t lake_send(int fd, const void *buf, size_t len, int more);


/// `recv(fd, buf, len, MSG_DONTWAIT)`.
ssize_t lake_recv(int fd, void *buf, size_t len);

/// Waits with poll(2) for `events` (POLLIN = 1, POLLOUT = 4) on `fd` for at most `timeout_ms`.
/// Returns >0 when ready (or on error/hang-up, which the next call reports), 0 on timeout,
/// -1 with errno on failure.
int lake_poll_one(int fd, short events, int timeout_ms);

extern const short LAKE_POLLIN;
extern const short LAKE_POLLOUT;

// MARK: - files

/// Opens `path` relative to `dirfd` with `openat2(2)`, resolving every component beneath
/// `dirfd` (no `..` escape, no absolute path) and refusing symlinks anywhere in the path
/// (`RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS`): ELOOP for a symlink,
/// EXDEV for an escape. With `cached_only`, also `RESOLVE_CACHED`: EAGAIN unless every
/// component is in the kernel's lookup cache, so the call never waits for the disk (EINVAL on
/// kernels before 5.12). Returns the descriptor, or -1 with errno; ENOSYS (or EPERM from a
/// seccomp filter) when the kernel lacks `openat2`.
int lake_open_beneath(int dirfd, const char *path, int flags, int cached_only);

/// `preadv2(2)` with `RWF_NOWAIT`: reads only what is already in the page cache. Returns the
/// byte count (possibly short), or -1 with errno (EAGAIN: nothing cached; EOPNOTSUPP or
/// ENOSYS: the file system or kernel cannot tell).
ssize_t lake_pread_nowait(int fd, void *buf, size_t len, int64_t offset);

/// Starts writing back the dirty pages of `count` bytes of `fd` from `offset` without waiting
/// for the disk (`sync_file_range` with `SYNC_FILE_RANGE_WRITE`), so a later `fsync` finds
/// most of the file already on its way. Returns 0, or -1 with errno. No durability promise.
int lake_start_writeback(int fd, int64_t offset, int64_t count);

/// `copy_file_range(2)` from `fd_in` at `*offset_in` (advanced) to `fd_out` at its file
/// offset: the kernel copies (or shares extents) without the bytes entering user space.
/// Returns the byte count (0 at end of input), or -1 with errno (EXDEV, ENOSYS, EOPNOTSUPP,
/// EINVAL: not supported here; copy with read/write instead).
ssize_t lake_copy_range(int fd_in, int64_t *offset_in, int fd_out, size_t len);

// MARK: - threads and signals

/// Names the calling thread (truncated to 15 bytes).
void lake_set_thread_name(const char *name);

/// Blocks SIGPIPE in the calling thread, so a write to a reset socket (sendfile has no
/// MSG_NOSIGNAL) returns EPIPE instead of killing the process.
void lake_block_sigpipe(void);

/// The number of online processors, at least 1.
int lake_cpu_count(void);

/// Makes malloc map every allocation of at least `bytes` on its own and unmap it when freed
/// (mallopt M_MMAP_THRESHOLD, which also stops glibc from raising the threshold by itself).
/// Returns 1 on success, 0 otherwise.
int lake_set_mmap_threshold(int bytes);

/// Caps the number of malloc arenas (mallopt M_ARENA_MAX). Returns 1 on success, 0 otherwise.
int lake_set_arena_max(int arenas);

/// Sets the calling thread's nice value (Linux schedules threads by their own nice value).
/// Returns 0 on success, -1 with errno otherwise.
int lake_set_thread_nice(int nice);

#ifdef __cplusplus
}
#endif

#endif  // CLAKESYSTEM_H
