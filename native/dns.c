/* `tscompose-native dns --dir DIR`: the service-discovery responder (see dns.h for what it
 * does and the files it reads). One per engine root, enforced with a flock on DIR/dns.lock, so a
 * second start exits at once. Runs until SIGTERM/SIGINT; SIGHUP reloads DIR. Started detached by
 * the engine (setsid), like the shim; its stderr is the engine's log file for it. */
#include "dns-server.h"
#include "utils.h"
#include "verbs.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

uint64_t
tsn_dns_now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint16_t
tsn_dns_random16 (struct tsn_dns_server *srv)
{
  /* xorshift64*, seeded from getrandom(): ids need to be unpredictable, not cryptographic. */
  uint64_t x = srv->rand_state;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  srv->rand_state = x;
  return (uint16_t)((x * 0x2545F4914F6CDD1DULL) >> 48);
}

int
tsn_dns_watch (struct tsn_dns_server *srv, struct tsn_dns_obj *obj, uint32_t events)
{
  struct epoll_event ev = { .events = events, .data.ptr = obj };
  return epoll_ctl (srv->epfd, EPOLL_CTL_ADD, obj->fd, &ev);
}

void
tsn_dns_bury (struct tsn_dns_server *srv, struct tsn_dns_obj *obj)
{
  if (obj->dead)
    return;
  if (obj->fd >= 0)
    {
      epoll_ctl (srv->epfd, EPOLL_CTL_DEL, obj->fd, NULL);
      close (obj->fd);
      obj->fd = -1;
    }
  obj->dead = 1;
  obj->grave_next = srv->graveyard;
  srv->graveyard = obj;
}

static void
free_graveyard (struct tsn_dns_server *srv)
{
  while (srv->graveyard)
    {
      struct tsn_dns_obj *obj = srv->graveyard;
      srv->graveyard = obj->grave_next;
      if (obj->kind == TSN_DNS_K_CLIENT)
        {
          struct tsn_dns_client *c = obj->owner;
          free (c->in);
          free (c->out);
          free (c);
        }
      else if (obj->kind == TSN_DNS_K_FORWARD)
        {
          struct tsn_dns_forward *f = obj->owner;
          free (f->query);
          free (f->reply);
          free (f);
        }
      else if (obj->kind == TSN_DNS_K_UDP)
        /* The listener: its UDP half is buried before its TCP half, so (LIFO) freed last. */
        free (obj->owner);
    }
}

/* One listening socket on addr:53 (IP_FREEBIND: the gateway address may not be up yet). */
static int
open_listener (int type, uint32_t addr, tsn_err_t *err)
{
  char text[INET_ADDRSTRLEN];
  struct in_addr ia = { .s_addr = htonl (addr) };
  inet_ntop (AF_INET, &ia, text, sizeof (text));
  cleanup_close int fd = socket (AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return tsn_error (err, errno, "socket");
  int one = 1;
  setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof (one));
  setsockopt (fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof (one));
  struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons (53), .sin_addr = ia };
  if (bind (fd, (struct sockaddr *)&sa, sizeof (sa)) < 0)
    return tsn_error (err, errno, "bind %s:53/%s", text, type == SOCK_STREAM ? "tcp" : "udp");
  if (type == SOCK_STREAM && listen (fd, 64) < 0)
    return tsn_error (err, errno, "listen %s:53/tcp", text);
  return take_fd (&fd);
}

static int
add_listener (struct tsn_dns_server *srv, uint32_t addr, tsn_err_t *err)
{
  int udp = open_listener (SOCK_DGRAM, addr, err);
  if (udp < 0)
    return -1;
  int tcp = open_listener (SOCK_STREAM, addr, err);
  if (tcp < 0)
    {
      close (udp);
      return -1;
    }
  struct tsn_dns_listener *l = xmalloc0 (sizeof (*l));
  l->udp = (struct tsn_dns_obj){ .kind = TSN_DNS_K_UDP, .fd = udp, .owner = l };
  l->tcp = (struct tsn_dns_obj){ .kind = TSN_DNS_K_TCP_LISTEN, .fd = tcp, .owner = l };
  l->addr = addr;
  l->keep = 1;
  tsn_dns_watch (srv, &l->udp, EPOLLIN);
  tsn_dns_watch (srv, &l->tcp, EPOLLIN);
  l->next = srv->listeners;
  srv->listeners = l;
  return 0;
}

/* Writes `status` atomically: which generation is live, where we listen, what failed. */
static void
write_status (struct tsn_dns_server *srv, unsigned long long generation, const char *errors)
{
  cleanup_free char *json = NULL;
  size_t size = 0;
  cleanup_file FILE *out = open_memstream (&json, &size);
  if (out == NULL)
    return;
  fprintf (out, "{\"pid\":%d,\"generation\":%llu,\"listening\":[", (int)getpid (), generation);
  int first = 1;
  for (struct tsn_dns_listener *l = srv->listeners; l; l = l->next, first = 0)
    {
      struct in_addr ia = { .s_addr = htonl (l->addr) };
      char text[INET_ADDRSTRLEN];
      fprintf (out, "%s\"%s\"", first ? "" : ",", inet_ntop (AF_INET, &ia, text, sizeof (text)));
    }
  fprintf (out, "],\"errors\":[%s]}\n", errors);
  fclose (out);
  out = NULL;
  int fd = openat (srv->dirfd, ".status.tmp", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return;
  int ok = write (fd, json, size) == (ssize_t)size;
  close (fd);
  if (ok)
    renameat (srv->dirfd, ".status.tmp", srv->dirfd, "status");
}

/* Appends `"msg"` (JSON string; our messages hold no control characters) to a list. */
static void
append_error (char **list, const char *msg)
{
  cleanup_free char *old = *list;
  cleanup_free char *escaped = xmalloc (strlen (msg) * 2 + 1);
  char *p = escaped;
  for (const char *s = msg; *s; s++)
    {
      if (*s == '"' || *s == '\\')
        *p++ = '\\';
      *p++ = (unsigned char)*s < 0x20 ? ' ' : *s;
    }
  *p = '\0';
  if (asprintf (list, "%s%s\"%s\"", old ? old : "", old && *old ? "," : "", escaped) < 0)
    abort ();
}

static void
reload (struct tsn_dns_server *srv)
{
  struct tsn_dns_config cfg;
  tsn_err_t err = NULL;
  cleanup_free char *errors = xstrdup ("");
  if (tsn_dns_config_load (&cfg, srv->dirfd, &err) < 0)
    {
      fprintf (stderr, "tscompose-native dns: reload: %s\n", err->msg);
      append_error (&errors, err->msg);
      tsn_error_release (&err);
      write_status (srv, cfg.generation, errors);
      return; /* the previous configuration stays live */
    }
  tsn_dns_config_free (&srv->cfg);
  srv->cfg = cfg;
  for (struct tsn_dns_listener *l = srv->listeners; l; l = l->next)
    l->keep = 0;
  for (size_t i = 0; i < srv->cfg.n_nets; i++)
    {
      uint32_t gw = srv->cfg.nets[i].gateway;
      struct tsn_dns_listener *l = srv->listeners;
      while (l && l->addr != gw)
        l = l->next;
      if (l)
        l->keep = 1;
      else if (add_listener (srv, gw, &err) < 0)
        {
          fprintf (stderr, "tscompose-native dns: %s\n", err->msg);
          append_error (&errors, err->msg);
          tsn_error_release (&err);
        }
    }
  for (struct tsn_dns_listener **p = &srv->listeners; *p;)
    {
      struct tsn_dns_listener *l = *p;
      if (l->keep)
        {
          p = &l->next;
          continue;
        }
      *p = l->next;
      tsn_dns_forward_forget (srv, l, NULL);
      tsn_dns_bury (srv, &l->udp);
      tsn_dns_bury (srv, &l->tcp);
    }
  write_status (srv, srv->cfg.generation, errors);
}

static int
write_pid_file (int dirfd)
{
  char buf[32];
  int len = snprintf (buf, sizeof (buf), "%d\n", (int)getpid ());
  int fd = openat (dirfd, ".dns.pid.tmp", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return -1;
  int ok = write (fd, buf, (size_t)len) == len;
  close (fd);
  return ok ? renameat (dirfd, ".dns.pid.tmp", dirfd, "dns.pid") : -1;
}

/* The static binary's start-up (libc's ifunc resolution, stdio, the first reload) touches code
 * all over the text segment, and the kernel maps file pages in 64 KiB chunks around each fault:
 * right after start every page of the binary is resident, though the loop needs a fraction of
 * them (a reload touches stdio and more again). Dropping the mapping's pages (they are clean file pages; the
 * kernel maps them back on the next touch) keeps the long-lived responder's RSS to what it uses. */
static void
drop_startup_pages (void)
{
  extern char __executable_start[], etext[];
  long page = sysconf (_SC_PAGESIZE);
  uintptr_t start = (uintptr_t)__executable_start & ~(uintptr_t)(page - 1);
  uintptr_t end = ((uintptr_t)etext + (uintptr_t)page - 1) & ~(uintptr_t)(page - 1);
  madvise ((void *)start, end - start, MADV_DONTNEED);
}

/* Handles events until SIGTERM/SIGINT (or an epoll failure). */
static void
run_loop (struct tsn_dns_server *srv, int sfd)
{
  struct tsn_dns_obj sig = { .kind = TSN_DNS_K_SIGNAL, .fd = sfd };
  tsn_dns_watch (srv, &sig, EPOLLIN);
  for (;;)
    {
      uint64_t now = tsn_dns_now_ms ();
      uint64_t next = now + 1000;
      for (struct tsn_dns_forward *f = srv->forwards; f; f = f->next)
        if (f->deadline_ms < next)
          next = f->deadline_ms;
      struct epoll_event events[32];
      int n = epoll_wait (srv->epfd, events, 32, next > now ? (int)(next - now) : 0);
      if (n < 0 && errno != EINTR)
        return;
      for (int i = 0; i < n; i++)
        {
          struct tsn_dns_obj *obj = events[i].data.ptr;
          if (obj->dead)
            continue;
          switch (obj->kind)
            {
            case TSN_DNS_K_SIGNAL:
              {
                struct signalfd_siginfo si;
                if (read (sfd, &si, sizeof (si)) != sizeof (si))
                  break;
                if (si.ssi_signo == SIGHUP)
                  {
                    reload (srv);
                    drop_startup_pages ();
                  }
                else
                  return;
                break;
              }
            case TSN_DNS_K_UDP:
              tsn_dns_on_udp (srv, obj->owner);
              break;
            case TSN_DNS_K_TCP_LISTEN:
              tsn_dns_on_accept (srv, obj->owner);
              break;
            case TSN_DNS_K_CLIENT:
              tsn_dns_on_client (srv, obj->owner, events[i].events);
              break;
            case TSN_DNS_K_FORWARD:
              tsn_dns_on_forward (srv, obj->owner, events[i].events);
              break;
            }
        }
      now = tsn_dns_now_ms ();
      tsn_dns_forward_expire (srv, now);
      tsn_dns_clients_expire (srv, now);
      free_graveyard (srv);
    }
}

static int
dns_main (const char *dir, tsn_err_t *err)
{
  struct tsn_dns_server srv = { .epfd = -1 };
  cleanup_close int dirfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0)
    return tsn_error (err, errno, "open `%s`", dir);
  cleanup_close int lockfd = openat (dirfd, "dns.lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (lockfd < 0)
    return tsn_error (err, errno, "open `%s/dns.lock`", dir);
  if (flock (lockfd, LOCK_EX | LOCK_NB) < 0)
    return tsn_error (err, errno == EWOULDBLOCK ? 0 : errno, "`%s`: a responder already runs for it", dir);
  sigset_t mask;
  sigemptyset (&mask);
  sigaddset (&mask, SIGHUP);
  sigaddset (&mask, SIGTERM);
  sigaddset (&mask, SIGINT);
  sigprocmask (SIG_BLOCK, &mask, NULL);
  signal (SIGPIPE, SIG_IGN);
  cleanup_close int sfd = signalfd (-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
  cleanup_close int epfd = epoll_create1 (EPOLL_CLOEXEC);
  if (sfd < 0 || epfd < 0)
    return tsn_error (err, errno, "signalfd/epoll");
  srv.epfd = epfd;
  srv.dirfd = dirfd;
  if (getrandom (&srv.rand_state, sizeof (srv.rand_state), 0) != sizeof (srv.rand_state)
      || srv.rand_state == 0)
    srv.rand_state = (uint64_t)tsn_dns_now_ms () | 1;
  if (chdir ("/") < 0)
    return tsn_error (err, errno, "chdir /");
  if (write_pid_file (dirfd) < 0)
    return tsn_error (err, errno, "write `%s/dns.pid`", dir);
  reload (&srv);
  drop_startup_pages ();
  run_loop (&srv, sfd);
  unlinkat (dirfd, "dns.pid", 0);
  unlinkat (dirfd, "status", 0);
  return 0;
}

int
tsn_verb_dns (int argc, char **argv)
{
  const char *dir = NULL;
  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--dir") == 0 && i + 1 < argc)
        dir = argv[++i];
      else if (strncmp (argv[i], "--dir=", 6) == 0)
        dir = argv[i] + 6;
      else
        {
          fprintf (stderr, "usage: tscompose-native dns --dir DIR\n");
          return 2;
        }
    }
  if (dir == NULL)
    {
      fprintf (stderr, "usage: tscompose-native dns --dir DIR\n");
      return 2;
    }
  tsn_err_t err = NULL;
  if (dns_main (dir, &err) < 0)
    return tsn_error_report (&err);
  return 0;
}
