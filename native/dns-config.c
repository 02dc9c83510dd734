/* Loads the responder's records directory (format in dns.h). A file that cannot be parsed fails
 * the whole load, so a reload never serves half a configuration: the old one stays live. */
#include "dns.h"
#include "utils.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FILE_SIZE (4 << 20)

/* Reads a whole regular file below dirfd into a NUL-terminated buffer. A missing file reads as
 * empty when `optional`. */
static int
read_small_file (char **out, int dfd, const char *name, int optional, tsn_err_t *err)
{
  cleanup_close int fd = openat (dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    {
      if (optional && errno == ENOENT)
        {
          *out = xstrdup ("");
          return 0;
        }
      return tsn_error (err, errno, "open `%s`", name);
    }
  struct stat st;
  if (fstat (fd, &st) < 0)
    return tsn_error (err, errno, "stat `%s`", name);
  if (!S_ISREG (st.st_mode) || st.st_size > MAX_FILE_SIZE)
    return tsn_error (err, 0, "`%s`: not a regular file below 4 MiB", name);
  cleanup_free char *buf = xmalloc ((size_t)st.st_size + 1);
  size_t got = 0;
  while (got < (size_t)st.st_size)
    {
      ssize_t r = TEMP_FAILURE_RETRY_INT (read (fd, buf + got, (size_t)st.st_size - got));
      if (r < 0)
        return tsn_error (err, errno, "read `%s`", name);
      if (r == 0)
        break;
      got += (size_t)r;
    }
  buf[got] = '\0';
  *out = get_and_reset_ptr ((void **)&buf);
  return 0;
}

static int
parse_ipv4 (uint32_t *out, const char *text)
{
  struct in_addr a;
  if (text == NULL || inet_pton (AF_INET, text, &a) != 1)
    return -1;
  *out = ntohl (a.s_addr);
  return 0;
}

static void
lowercase (char *s)
{
  for (; *s; s++)
    *s = (char)tolower ((unsigned char)*s);
}

static int
parse_network_line (struct tsn_dns_network *net, char *rest, const char *file, tsn_err_t *err)
{
  char *save = NULL;
  char *name = strtok_r (rest, " \t", &save);
  char *gw = strtok_r (NULL, " \t", &save);
  char *subnet = strtok_r (NULL, " \t", &save);
  char *kind = strtok_r (NULL, " \t", &save);
  char *slash = subnet ? strchr (subnet, '/') : NULL;
  if (name == NULL || kind == NULL || slash == NULL)
    return tsn_error (err, 0, "`%s`: malformed network line", file);
  *slash = '\0';
  char *end = NULL;
  long len = strtol (slash + 1, &end, 10);
  if (parse_ipv4 (&net->gateway, gw) < 0 || parse_ipv4 (&net->subnet, subnet) < 0 || *end != '\0' || len < 0
      || len > 32)
    return tsn_error (err, 0, "`%s`: malformed network addresses", file);
  net->mask = len == 0 ? 0 : (uint32_t)(0xffffffffu << (32 - len));
  net->internal = strcmp (kind, "internal") == 0;
  net->name = xstrdup (name);
  return 0;
}

static int
parse_entry_line (struct tsn_dns_network *net, char *line, const char *file, tsn_err_t *err)
{
  char *save = NULL;
  char *id = strtok_r (line, " \t", &save);
  char *addr = strtok_r (NULL, " \t", &save);
  char *names = strtok_r (NULL, " \t", &save);
  struct tsn_dns_entry e = { 0 };
  if (id == NULL || names == NULL || parse_ipv4 (&e.addr, addr) < 0)
    return tsn_error (err, 0, "`%s`: malformed entry line", file);
  e.container_id = xstrdup (id);
  char *nsave = NULL;
  for (char *n = strtok_r (names, ",", &nsave); n; n = strtok_r (NULL, ",", &nsave))
    {
      if (strlen (n) > 253)
        continue;
      e.names = xrealloc (e.names, (e.n_names + 1) * sizeof (char *));
      e.names[e.n_names] = xstrdup (n);
      lowercase (e.names[e.n_names++]);
    }
  net->entries = xrealloc (net->entries, (net->n_entries + 1) * sizeof (*net->entries));
  net->entries[net->n_entries++] = e;
  return 0;
}

static int
load_network_file (struct tsn_dns_config *cfg, int netdirfd, const char *file, tsn_err_t *err)
{
  cleanup_free char *text = NULL;
  if (read_small_file (&text, netdirfd, file, 0, err) < 0)
    return -1;
  cfg->nets = xrealloc (cfg->nets, (cfg->n_nets + 1) * sizeof (*cfg->nets));
  struct tsn_dns_network *net = &cfg->nets[cfg->n_nets++];
  memset (net, 0, sizeof (*net));
  int seen_header = 0;
  char *save = NULL;
  for (char *line = strtok_r (text, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      if (line[0] == '#' || line[0] == '\0')
        continue;
      if (strncmp (line, "network ", 8) == 0)
        {
          if (seen_header)
            return tsn_error (err, 0, "`%s`: two network lines", file);
          if (parse_network_line (net, line + 8, file, err) < 0)
            return -1;
          seen_header = 1;
        }
      else if (!seen_header)
        return tsn_error (err, 0, "`%s`: entry before the network line", file);
      else if (parse_entry_line (net, line, file, err) < 0)
        return -1;
    }
  if (!seen_header)
    return tsn_error (err, 0, "`%s`: no network line", file);
  return 0;
}

static int
load_upstreams (struct tsn_dns_config *cfg, int dfd, tsn_err_t *err)
{
  cleanup_free char *text = NULL;
  if (read_small_file (&text, dfd, "upstreams", 1, err) < 0)
    return -1;
  char *save = NULL;
  for (char *line = strtok_r (text, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      char *lsave = NULL;
      char *addr = strtok_r (line, " \t", &lsave);
      char *port = strtok_r (NULL, " \t", &lsave);
      long p = port ? strtol (port, NULL, 10) : 53;
      uint32_t a;
      if (addr == NULL || addr[0] == '#' || parse_ipv4 (&a, addr) < 0 || p <= 0 || p > 65535)
        continue;
      if (cfg->n_ups < TSN_DNS_MAX_UPSTREAMS)
        cfg->ups[cfg->n_ups++] = (struct tsn_dns_upstream){ .addr = a, .port = (uint16_t)p };
    }
  return 0;
}

int
tsn_dns_config_load (struct tsn_dns_config *cfg, int dfd, tsn_err_t *err)
{
  memset (cfg, 0, sizeof (*cfg));
  cleanup_free char *gen = NULL;
  if (read_small_file (&gen, dfd, "generation", 1, err) < 0)
    return -1;
  cfg->generation = strtoull (gen, NULL, 10);
  if (load_upstreams (cfg, dfd, err) < 0)
    return -1;
  int netdirfd = openat (dfd, "networks", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (netdirfd < 0)
    return errno == ENOENT ? 0 : tsn_error (err, errno, "open `networks`");
  cleanup_dir DIR *dir = fdopendir (netdirfd);
  if (dir == NULL)
    {
      close (netdirfd);
      return tsn_error (err, errno, "fdopendir `networks`");
    }
  struct dirent *de;
  while ((de = readdir (dir)) != NULL)
    {
      /* Dotfiles are the engine's temp files (renamed into place when complete). */
      if (de->d_name[0] == '.')
        continue;
      if (load_network_file (cfg, dirfd (dir), de->d_name, err) < 0)
        {
          /* Keep the generation: the status file reports which change failed. */
          unsigned long long generation = cfg->generation;
          tsn_dns_config_free (cfg);
          cfg->generation = generation;
          return -1;
        }
    }
  return 0;
}

void
tsn_dns_config_free (struct tsn_dns_config *cfg)
{
  for (size_t i = 0; i < cfg->n_nets; i++)
    {
      struct tsn_dns_network *net = &cfg->nets[i];
      for (size_t j = 0; j < net->n_entries; j++)
        {
          for (size_t k = 0; k < net->entries[j].n_names; k++)
            free (net->entries[j].names[k]);
          free (net->entries[j].names);
          free (net->entries[j].container_id);
        }
      free (net->entries);
      free (net->name);
    }
  free (cfg->nets);
  memset (cfg, 0, sizeof (*cfg));
}
