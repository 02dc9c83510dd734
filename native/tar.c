/* The tar stream: blocks, headers, meta headers (pax 'x'/'g', GNU 'L'/'K') and entry data. */
#include "tar.h"
#include "utils.h"

#include <string.h>

/* ustar header layout (POSIX.1-1988 plus the GNU variant of the magic). */
enum
{
  H_NAME = 0,
  H_MODE = 100,
  H_UID = 108,
  H_GID = 116,
  H_SIZE = 124,
  H_MTIME = 136,
  H_CHKSUM = 148,
  H_TYPE = 156,
  H_LINKNAME = 157,
  H_MAGIC = 257,
  H_VERSION = 263,
  H_DEVMAJOR = 329,
  H_DEVMINOR = 337,
  H_PREFIX = 345,
};

void
tsn_tar_reader_init (struct tsn_tar_reader *r, int fd)
{
  memset (r, 0, sizeof (*r));
  r->fd = fd;
  r->buf = xmalloc (TSN_TAR_BUF);
}

void
tsn_tar_reader_release (struct tsn_tar_reader *r)
{
  free (r->buf);
  r->buf = NULL;
}

void
tsn_tar_entry_release (struct tsn_tar_entry *e)
{
  free (e->path);
  free (e->linkpath);
  for (size_t i = 0; i < e->n_xattrs; i++)
    {
      free (e->xattrs[i].name);
      free (e->xattrs[i].value);
    }
  free (e->xattrs);
  memset (e, 0, sizeof (*e));
}

/* Makes at least one unread byte available. Returns 1, 0 at EOF, -1 on a read error. */
static int
fill (struct tsn_tar_reader *r, tsn_err_t *err)
{
  if (r->pos < r->len)
    return 1;
  if (r->eof)
    return 0;
  long n = TEMP_FAILURE_RETRY_INT (read (r->fd, r->buf, TSN_TAR_BUF));
  if (n < 0)
    return tsn_error (err, errno, "read the archive");
  r->pos = 0;
  r->len = (size_t)n;
  r->consumed += (uint64_t)n;
  if (n == 0)
    r->eof = 1;
  return n > 0;
}

/* Copies n bytes out. Returns n, or fewer at EOF (the caller decides whether that is truncation). */
static long
take (struct tsn_tar_reader *r, void *dst, size_t n, tsn_err_t *err)
{
  size_t got = 0;
  while (got < n)
    {
      int rc = fill (r, err);
      if (rc < 0)
        return -1;
      if (rc == 0)
        break;
      size_t k = r->len - r->pos < n - got ? r->len - r->pos : n - got;
      if (dst)
        memcpy ((char *)dst + got, r->buf + r->pos, k);
      r->pos += k;
      got += k;
    }
  return (long)got;
}

/* Bytes of the stream consumed by the parser (read from the fd minus what is still buffered). */
static uint64_t
offset_of (const struct tsn_tar_reader *r)
{
  return r->consumed - (r->len - r->pos);
}

static int
skip (struct tsn_tar_reader *r, uint64_t n, tsn_err_t *err)
{
  while (n > 0)
    {
      size_t chunk = n > TSN_TAR_BUF ? TSN_TAR_BUF : (size_t)n;
      long got = take (r, NULL, chunk, err);
      if (got < 0)
        return -1;
      if ((size_t)got < chunk)
        return tsn_error (err, 0, "truncated archive: data ends at offset %llu",
                          (unsigned long long)offset_of (r));
      n -= chunk;
    }
  return 0;
}

static uint64_t
pad_of (uint64_t size)
{
  return (TSN_TAR_BLOCK - size % TSN_TAR_BLOCK) % TSN_TAR_BLOCK;
}

static int
verify_checksum (const unsigned char *h, tsn_err_t *err)
{
  int64_t stored;
  if (tsn_tar_parse_number (h + H_CHKSUM, 8, &stored) < 0)
    return tsn_error (err, 0, "corrupt header: unreadable checksum field");
  /* The checksum field counts as eight spaces. Historic writers summed signed chars: accept both. */
  int64_t usum = 0, ssum = 0;
  for (int i = 0; i < TSN_TAR_BLOCK; i++)
    {
      int in_field = i >= H_CHKSUM && i < H_CHKSUM + 8;
      usum += in_field ? ' ' : h[i];
      ssum += in_field ? ' ' : (signed char)h[i];
    }
  if (stored != usum && stored != ssum)
    return tsn_error (err, 0, "corrupt header: checksum mismatch (header says %lld, computed %lld)",
                      (long long)stored, (long long)usum);
  return 0;
}

static int
field_number (const unsigned char *h, int off, size_t len, const char *what, int64_t *out, tsn_err_t *err)
{
  if (tsn_tar_parse_number (h + off, len, out) < 0)
    return tsn_error (err, 0, "corrupt header: invalid %s field", what);
  return 0;
}

static char *
field_string (const unsigned char *h, int off, size_t len)
{
  size_t n = strnlen ((const char *)h + off, len);
  char *s = xmalloc (n + 1);
  memcpy (s, h + off, n);
  s[n] = '\0';
  return s;
}

/* Reads the data of a meta header (pax or GNU long name) into a NUL-terminated buffer. */
static char *
read_meta (struct tsn_tar_reader *r, int64_t size, size_t limit, const char *what, tsn_err_t *err)
{
  if (size < 0 || (uint64_t)size > limit)
    {
      tsn_error (err, 0, "%s of %lld bytes exceeds the limit of %zu", what, (long long)size, limit);
      return NULL;
    }
  cleanup_free char *data = xmalloc ((size_t)size + 1);
  long got = take (r, data, (size_t)size, err);
  if (got < 0)
    return NULL;
  if (got < size || skip (r, pad_of ((uint64_t)size), err) < 0)
    {
      tsn_error (err, 0, "truncated archive: %s ends early", what);
      return NULL;
    }
  data[size] = '\0';
  return get_and_reset_ptr ((void **)&data);
}

static int
is_zero_block (const unsigned char *h)
{
  for (int i = 0; i < TSN_TAR_BLOCK; i++)
    if (h[i])
      return 0;
  return 1;
}

/* Meta headers collected before an entry's own header. */
struct pending
{
  struct tsn_tar_pax pax;
  char *long_name, *long_link;
};

static void
pending_release (struct pending *p)
{
  tsn_tar_pax_release (&p->pax);
  free (p->long_name);
  free (p->long_link);
}

/* Returns 1 when the header was a meta header (consumed), 0 for an entry header, -1 on error. */
static int
take_meta (struct tsn_tar_reader *r, const unsigned char *h, int64_t size, struct pending *p, tsn_err_t *err)
{
  char type = (char)h[H_TYPE];
  switch (type)
    {
    case 'x':
    case 'g':
      {
        cleanup_free char *data = read_meta (r, size, TSN_TAR_MAX_PAX, "pax header", err);
        if (data == NULL)
          return -1;
        if (type == 'x')
          return tsn_tar_pax_parse (&p->pax, data, (size_t)size, err) < 0 ? -1 : 1;
        /* Global headers ('g', e.g. git archive's commit comment) are validated, then ignored as
         * Go's archive/tar users (containerd, moby) ignore them. */
        struct tsn_tar_pax global = { 0 };
        int rc = tsn_tar_pax_parse (&global, data, (size_t)size, err);
        tsn_tar_pax_release (&global);
        return rc < 0 ? -1 : 1;
      }
    case 'L':
    case 'K':
      {
        char *data = read_meta (r, size, TSN_TAR_MAX_NAME, "GNU long name", err);
        if (data == NULL)
          return -1;
        char **slot = type == 'L' ? &p->long_name : &p->long_link;
        free (*slot);
        *slot = data; /* up to the first NUL */
        return 1;
      }
    case 'V': /* GNU volume label: not a file */
      return skip (r, (uint64_t)size + pad_of ((uint64_t)size), err) < 0 ? -1 : 1;
    case 'S':
      return tsn_error (err, 0, "sparse files (GNU type 'S') are not supported");
    case 'M':
    case 'N':
      return tsn_error (err, 0, "multi-volume archives (GNU type '%c') are not supported", type);
    default:
      return 0;
    }
}

static int
entry_type (struct tsn_tar_entry *e, tsn_err_t *err)
{
  size_t n = strlen (e->path);
  switch (e->typeflag)
    {
    case '\0':
      /* Old (V7) archives mark directories only by a trailing slash (Go reads them so too). */
      e->type = n > 0 && e->path[n - 1] == '/' ? TSN_TAR_DIR : TSN_TAR_REG;
      return 0;
    case '0':
    case '7':
      e->type = TSN_TAR_REG;
      return 0;
    case '1':
      e->type = TSN_TAR_HARDLINK;
      return 0;
    case '2':
      e->type = TSN_TAR_SYMLINK;
      return 0;
    case '3':
      e->type = TSN_TAR_CHAR;
      return 0;
    case '4':
      e->type = TSN_TAR_BLOCKDEV;
      return 0;
    case '5':
    case 'D': /* GNU dumpdir: a directory whose data lists its contents */
      e->type = TSN_TAR_DIR;
      return 0;
    case '6':
      e->type = TSN_TAR_FIFO;
      return 0;
    default:
      if (e->typeflag >= 0x20 && e->typeflag < 0x7f)
        return tsn_error (err, 0, "unsupported entry type '%c'", e->typeflag);
      return tsn_error (err, 0, "unsupported entry type 0x%02x", (unsigned char)e->typeflag);
    }
}

static char *
ustar_path (const unsigned char *h)
{
  /* Only POSIX ustar ("ustar\0" "00") has the prefix field; GNU keeps other data there. */
  if (memcmp (h + H_MAGIC, "ustar\0", 6) == 0 && h[H_PREFIX] != '\0')
    {
      cleanup_free char *prefix = field_string (h, H_PREFIX, 155);
      cleanup_free char *name = field_string (h, H_NAME, 100);
      char *s = NULL;
      if (asprintf (&s, "%s/%s", prefix, name) < 0)
        abort ();
      return s;
    }
  return field_string (h, H_NAME, 100);
}

static int
fill_entry (struct tsn_tar_entry *e, const unsigned char *h, int64_t size, struct pending *p, tsn_err_t *err)
{
  int64_t mode, uid, gid, mtime, major = 0, minor = 0;
  if (field_number (h, H_MODE, 8, "mode", &mode, err) < 0 || field_number (h, H_UID, 8, "uid", &uid, err) < 0
      || field_number (h, H_GID, 8, "gid", &gid, err) < 0
      || field_number (h, H_MTIME, 12, "mtime", &mtime, err) < 0)
    return -1;
  e->typeflag = (char)h[H_TYPE];
  if ((e->typeflag == '3' || e->typeflag == '4')
      && (field_number (h, H_DEVMAJOR, 8, "devmajor", &major, err) < 0
          || field_number (h, H_DEVMINOR, 8, "devminor", &minor, err) < 0))
    return -1;
  e->path = p->pax.path    ? get_and_reset_ptr ((void **)&p->pax.path)
            : p->long_name ? get_and_reset_ptr ((void **)&p->long_name)
                           : ustar_path (h);
  e->linkpath = p->pax.linkpath ? get_and_reset_ptr ((void **)&p->pax.linkpath)
                : p->long_link  ? get_and_reset_ptr ((void **)&p->long_link)
                                : field_string (h, H_LINKNAME, 100);
  if (entry_type (e, err) < 0)
    return -1;
  if (mode < 0 || uid < 0 || gid < 0 || major < 0 || minor < 0 || major > 0xfff || minor > 0xfffff)
    return tsn_error (err, 0, "corrupt header: negative or out-of-range number");
  e->mode = (uint32_t)mode & 07777;
  e->uid = p->pax.has_uid ? p->pax.uid : (uint64_t)uid;
  e->gid = p->pax.has_gid ? p->pax.gid : (uint64_t)gid;
  e->mtime_sec = p->pax.has_mtime ? p->pax.mtime_sec : mtime;
  e->mtime_nsec = p->pax.has_mtime ? p->pax.mtime_nsec : 0;
  e->has_atime = p->pax.has_atime;
  e->atime_sec = p->pax.atime_sec;
  e->atime_nsec = p->pax.atime_nsec;
  e->devmajor = (uint32_t)major;
  e->devminor = (uint32_t)minor;
  e->size = p->pax.has_size ? p->pax.size : (uint64_t)size;
  e->xattrs = get_and_reset_ptr ((void **)&p->pax.xattrs);
  e->n_xattrs = p->pax.n_xattrs;
  p->pax.n_xattrs = 0;
  return 0;
}

/* Reads headers until an entry header; returns 1, 0 at the end marker, -1 on error. */
static int
read_headers (struct tsn_tar_reader *r, struct tsn_tar_entry *e, struct pending *p, tsn_err_t *err)
{
  unsigned char h[TSN_TAR_BLOCK];
  for (;;)
    {
      uint64_t at = offset_of (r);
      long got = take (r, h, TSN_TAR_BLOCK, err);
      if (got < 0)
        return -1;
      if (got == 0)
        return tsn_error (err, 0, "truncated archive: no end-of-archive marker at offset %llu",
                          (unsigned long long)at);
      if (got < TSN_TAR_BLOCK)
        return tsn_error (err, 0, "truncated archive: partial header at offset %llu", (unsigned long long)at);
      if (is_zero_block (h))
        {
          if (p->pax.path || p->long_name || p->long_link || p->pax.n_xattrs)
            return tsn_error (err, 0, "truncated archive: extended header at offset %llu has no entry",
                              (unsigned long long)e->offset);
          return 0;
        }
      int64_t size;
      if (verify_checksum (h, err) < 0 || field_number (h, H_SIZE, 12, "size", &size, err) < 0)
        return tsn_error_wrap (err, "header at offset %llu", (unsigned long long)at);
      if (size < 0)
        return tsn_error (err, 0, "corrupt header at offset %llu: negative size", (unsigned long long)at);
      int meta = take_meta (r, h, size, p, err);
      if (meta < 0)
        return tsn_error_wrap (err, "header at offset %llu", (unsigned long long)at);
      if (meta > 0)
        continue;
      if (fill_entry (e, h, size, p, err) < 0)
        return tsn_error_wrap (err, "header at offset %llu", (unsigned long long)at);
      return 1;
    }
}

int
tsn_tar_next (struct tsn_tar_reader *r, struct tsn_tar_entry *e, tsn_err_t *err)
{
  if (skip (r, r->remaining + r->padding, err) < 0)
    return -1;
  r->remaining = r->padding = 0;
  tsn_tar_entry_release (e);
  e->offset = offset_of (r);
  struct pending p = { 0 };
  int rc = read_headers (r, e, &p, err);
  pending_release (&p);
  if (rc <= 0)
    return rc;
  /* Go's archive/tar (and so Docker and containerd) reads no data for header-only types whatever
   * their size field says; we do the same so both agree on where the next header is. */
  uint64_t data = (e->type == TSN_TAR_REG || e->typeflag == 'D') ? e->size : 0;
  if (e->type != TSN_TAR_REG)
    e->size = 0;
  r->remaining = data;
  r->padding = pad_of (data);
  return 1;
}

long
tsn_tar_data (struct tsn_tar_reader *r, const unsigned char **out, size_t max, tsn_err_t *err)
{
  if (r->remaining == 0)
    return 0;
  int rc = fill (r, err);
  if (rc < 0)
    return -1;
  if (rc == 0)
    return tsn_error (err, 0, "truncated archive: file data ends early at offset %llu",
                      (unsigned long long)offset_of (r));
  size_t n = r->len - r->pos;
  if (n > max)
    n = max;
  if (n > r->remaining)
    n = (size_t)r->remaining;
  *out = r->buf + r->pos;
  r->pos += n;
  r->remaining -= n;
  return (long)n;
}

int
tsn_tar_drain (struct tsn_tar_reader *r, tsn_err_t *err)
{
  for (;;)
    {
      r->pos = r->len;
      int rc = fill (r, err);
      if (rc <= 0)
        return rc;
    }
}
