#include "CLakeSystem.h"

#include <fcntl.h>
#include <malloc.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <linux/openat2.h>
#include <unistd.h>

const uint32_t LAKE_EPOLLIN = EPOLLIN;
const uint32_t LAKE_EPOLLOUT = EPOLLOUT;
const uint32_t LAKE_EPOLLERR = EPOLLERR;
const uint32_t LAKE_EPOLLHUP = EPOLLHUP;
const uint32_t LAKE_EPOLLRDHUP = EPOLLRDHUP;
const uint32_t LAKE_EPOLLONESHOT = EPOLLONESHOT;
const uint32_t LAKE_EPOLLET = EPOLLET;
const int LAKE_EPOLL_CTL_ADD = EPOLL_CTL_ADD;
const int LAKE_EPOLL_CTL_MOD = EPOLL_CTL_MOD;
const int LAKE_EPOLL_CTL_DEL = EPOLL_CTL_DEL;
const short LAKE_POLLIN = POLLIN;
const short LAKE_POLLOUT = POLLOUT;

// MARK: - epoll

int lake_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

int lake_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data) {
  struct epoll_event event;
  memset(&event, 0, sizeof event);
  event.events = events;
  event.data.u64 = data;
  return epoll_ctl(epfd, op, fd, &event);
}

int lake_epoll_wait(int epfd, lake_epoll_event *events, int max_events, int timeout_ms) {
  struct epoll_event raw[256];
  if (max_events > 256) max_events = 256;
  if (max_events < 1) max_events = 1;
  int n = epoll_wait(epfd, raw, max_events, timeout_ms);
  for (int i = 0; i < n; i++) {
    events[i].events = raw[i].events;
    events[i].data = raw[i].data.u64;
  }
  return n;
}

// MARK: - eventfd

int lake_eventfd_create(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

int lake_eventfd_signal(int fd) {
  uint64_t one = 1;
  for (;;) {
    ssize_t n = write(fd, &one, sizeof one);
    if (n == (ssize_t)sizeof one) return 0;
    if (n < 0 && errno == EINTR) continue;
    // EAGAIN means the counter is saturated: the reader is already woken.
    return (n < 0 && errno == EAGAIN) ? 0 : -1;
  }
}

int lake_eventfd_drain(int fd) {
  uint64_t value;
  for (;;) {
    ssize_t n = read(fd, &value, sizeof value);
    if (n < 0 && errno == EINTR) continue;
    return 0;
  }
}

// MARK: - sockets

static void format_address(const struct sockaddr_storage *addr, char *out, size_t out_len) {
  if (out_len == 0) return;
  out[0] = '\0';
  char ip[INET6_ADDRSTRLEN];
  if (addr->ss_family == AF_INET) {
    const struct sockaddr_in *in4 = (const struct sockaddr_in *)addr;
    if (inet_ntop(AF_INET, &in4->sin_addr, ip, sizeof ip) == NULL) return;
    snprintf(out, out_len, "%s:%u", ip, (unsigned)ntohs(in4->sin_port));
  } else if (addr->ss_family == AF_INET6) {
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)addr;
    if (inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof ip) == NULL) return;
    snprintf(out, out_len, "[%s]:%u", ip, (unsigned)ntohs(in6->sin6_port));
  } else if (addr->ss_family == AF_UNIX) {
    snprintf(out, out_len, "unix");
  }
}

int lake_accept(int listen_fd, char *peer, size_t peer_len) {
  struct sockaddr_storage addr;
  socklen_t len = sizeof addr;
  memset(&addr, 0, sizeof addr);
  int fd = accept4(listen_fd, (struct sockaddr *)&addr, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd >= 0 && peer != NULL) format_address(&addr, peer, peer_len);
  return fd;
}

static struct addrinfo *resolve(const char *host, int port, int *gai_error) {
  struct addrinfo hints;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  char service[16];
  snprintf(service, sizeof service, "%d", port);
  struct addrinfo *result = NULL;
  int rc = getaddrinfo(host, service, &hints, &result);
  if (gai_error) *gai_error = rc;
  if (rc != 0) {
    errno = EADDRNOTAVAIL;
    return NULL;
  }
  return result;
}

static int bind_socket(const struct addrinfo *ai, int reuse_port) {
  int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
  if (fd < 0) return -1;
  int one = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0) goto fail;
  if (reuse_port && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) goto fail;
  if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0) goto fail;
  return fd;
fail : {
  int saved = errno;
  close(fd);
  errno = saved;
  return -1;
}
}

int lake_tcp_listen(const char *host, int port, int backlog, int reuse_port, int *gai_error) {
  struct addrinfo *ai = resolve(host, port, gai_error);
  if (ai == NULL) return -1;
  int fd = bind_socket(ai, reuse_port);
  int saved = errno;
  freeaddrinfo(ai);
  if (fd < 0) {
    errno = saved;
    return -1;
  }
  if (listen(fd, backlog) != 0) {
    saved = errno;
    close(fd);
    errno = saved;
    return -1;
  }
  return fd;
}

int lake_tcp_probe(const char *host, int port, int *gai_error) {
  struct addrinfo *ai = resolve(host, port, gai_error);
  if (ai == NULL) return -1;
  int fd = bind_socket(ai, 0);
  int saved = errno;
  freeaddrinfo(ai);
  if (fd < 0) {
    errno = saved;
    return -1;
  }
  close(fd);
  return 0;
}

int lake_tcp_connect(const char *host, int port, int timeout_ms) {
  struct addrinfo hints;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  char service[16];
  snprintf(service, sizeof service, "%d", port);
  struct addrinfo *ai = NULL;
  if (getaddrinfo(host, service, &hints, &ai) != 0) {
    errno = EADDRNOTAVAIL;
    return -1;
  }
  int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
  if (fd < 0) {
    freeaddrinfo(ai);
    return -1;
  }
  if (timeout_ms > 0) {
    struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  }
  int rc;
  do {
    rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
  } while (rc != 0 && errno == EINTR);
  int saved = errno;
  freeaddrinfo(ai);
  if (rc != 0) {
    close(fd);
    errno = saved;
    return -1;
  }
  return fd;
}

int lake_local_port(int fd) {
  struct sockaddr_storage addr;
  socklen_t len = sizeof addr;
  if (getsockname(fd, (struct sockaddr *)&addr, &len) != 0) return -1;
  if (addr.ss_family == AF_INET) return ntohs(((struct sockaddr_in *)&addr)->sin_port);
  if (addr.ss_family == AF_INET6) return ntohs(((struct sockaddr_in6 *)&addr)->sin6_port);
  return -1;
}

int lake_set_nodelay(int fd) {
  int one = 1;
  return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

ssize_t lake_send(int fd, const void *buf, size_t len, int more) {
  return send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT | (more ? MSG_MORE : 0));
}

ssize_t lake_recv(int fd, void *buf, size_t len) { return recv(fd, buf, len, MSG_DONTWAIT); }

int lake_poll_one(int fd, short events, int timeout_ms) {
  struct pollfd p;
  p.fd = fd;
  p.events = events;
  p.revents = 0;
  return poll(&p, 1, timeout_ms);
}

// MARK: - threads and signals

void lake_set_thread_name(const char *name) {
  char truncated[16];
  snprintf(truncated, sizeof truncated, "%s", name);
  pthread_setname_np(pthread_self(), truncated);
}

void lake_block_sigpipe(void) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
}

int lake_cpu_count(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : (int)n;
}

// MARK: - files

int lake_open_beneath(int dirfd, const char *path, int flags, int cached_only) {
#ifdef SYS_openat2
  struct open_how how;
  memset(&how, 0, sizeof how);
  how.flags = (uint64_t)(unsigned)flags;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  if (cached_only) how.resolve |= 0x20;  // RESOLVE_CACHED (Linux 5.12)
  int fd;
  do {
    fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
  } while (fd < 0 && errno == EINTR);
  return fd;
#else
  (void)dirfd;
  (void)path;
  (void)flags;
  (void)cached_only;
  errno = ENOSYS;
  return -1;
#endif
}

int lake_start_writeback(int fd, int64_t offset, int64_t count) {
  int rc;
  do {
    rc = sync_file_range(fd, (off_t)offset, (off_t)count, SYNC_FILE_RANGE_WRITE);
  } while (rc < 0 && errno == EINTR);
  return rc;
}

ssize_t lake_copy_range(int fd_in, int64_t *offset_in, int fd_out, size_t len) {
  ssize_t n;
  do {
    n = copy_file_range(fd_in, (off_t *)offset_in, fd_out, NULL, len, 0);
  } while (n < 0 && errno == EINTR);
  return n;
}

ssize_t lake_pread_nowait(int fd, void *buf, size_t len, int64_t offset) {
  struct iovec iov = {.iov_base = buf, .iov_len = len};
  ssize_t n;
  do {
    n = preadv2(fd, &iov, 1, (off_t)offset, RWF_NOWAIT);
  } while (n < 0 && errno == EINTR);
  return n;
}

int lake_set_mmap_threshold(int bytes) { return mallopt(M_MMAP_THRESHOLD, bytes); }

int lake_set_arena_max(int arenas) { return mallopt(M_ARENA_MAX, arenas); }

int lake_set_thread_nice(int nice) {
#ifdef __linux__
  return setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), nice);
#else
  (void)nice;
  return 0;
#endif
}
