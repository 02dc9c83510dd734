/* A streaming tar reader for `unpack`: ustar, pax (extended 'x' headers: path, linkpath, size, uid,
 * gid, mtime, atime, SCHILY.xattr.*) and GNU long names/links ('L'/'K'). It validates every
 * header (checksum, numeric fields, pax record syntax) and refuses what it cannot represent
 * faithfully (sparse files, multi-volume archives, unknown entry types) rather than guessing.
 *
 * Lifecycle: tsn_tar_reader_init(fd) → loop { tsn_tar_next(); read or skip the entry's data }
 * until tsn_tar_next() returns 0 (end-of-archive marker) → tsn_tar_drain() to consume the rest of
 * the stream (block padding), so the writer of the pipe never sees EPIPE. `consumed` counts
 * every byte read from the fd. */
#ifndef TSN_TAR_H
#define TSN_TAR_H

#include "error.h"

#include <stddef.h>
#include <stdint.h>

#define TSN_TAR_BLOCK 512
/* Upper bounds on metadata held in memory (a hostile archive must not exhaust memory). */
#define TSN_TAR_MAX_NAME (64 * 1024)
#define TSN_TAR_MAX_PAX (1024 * 1024)
#define TSN_TAR_BUF (128 * 1024)

enum tsn_tar_type
{
  TSN_TAR_REG,
  TSN_TAR_HARDLINK,
  TSN_TAR_SYMLINK,
  TSN_TAR_CHAR,
  TSN_TAR_BLOCKDEV,
  TSN_TAR_DIR,
  TSN_TAR_FIFO,
};

struct tsn_tar_xattr
{
  char *name;
  char *value; /* raw bytes, not NUL-terminated in meaning */
  size_t len;
};

struct tsn_tar_entry
{
  enum tsn_tar_type type;
  char typeflag;  /* as written in the header */
  char *path;     /* as in the archive (not cleaned), owned */
  char *linkpath; /* symlink target or hardlink source, owned, "" when none */
  uint32_t mode;  /* permission bits incl. setuid/setgid/sticky (& 07777) */
  uint64_t uid, gid;
  uint64_t size; /* data bytes that follow the header (0 for header-only types) */
  int64_t mtime_sec;
  long mtime_nsec;
  int has_atime;
  int64_t atime_sec;
  long atime_nsec;
  uint32_t devmajor, devminor;
  struct tsn_tar_xattr *xattrs;
  size_t n_xattrs;
  uint64_t offset; /* offset of the entry's first header in the stream, for messages */
};

struct tsn_tar_reader
{
  int fd;
  uint64_t consumed;  /* bytes read from fd so far */
  uint64_t remaining; /* data bytes of the current entry not yet read */
  uint64_t padding;   /* zero padding after the current entry's data */
  size_t pos, len;    /* window of unread bytes in buf */
  int eof;
  unsigned char *buf; /* TSN_TAR_BUF bytes, owned */
};

void tsn_tar_reader_init (struct tsn_tar_reader *r, int fd);
void tsn_tar_reader_release (struct tsn_tar_reader *r);

/* Reads the next entry's headers into `e` (released and refilled). Returns 1 for an entry, 0 at
 * the end-of-archive marker, -1 on a malformed or truncated archive. Any unread data of the
 * previous entry is skipped first. */
int tsn_tar_next (struct tsn_tar_reader *r, struct tsn_tar_entry *e, tsn_err_t *err);

/* Up to `max` bytes of the current entry's data, as a pointer into the reader's buffer valid
 * until the next call. Returns the number of bytes (0 when the entry's data is exhausted), -1 on
 * a truncated stream. */
long tsn_tar_data (struct tsn_tar_reader *r, const unsigned char **out, size_t max, tsn_err_t *err);

/* After the end marker: reads the stream to EOF (only counting it). */
int tsn_tar_drain (struct tsn_tar_reader *r, tsn_err_t *err);

void tsn_tar_entry_release (struct tsn_tar_entry *e);

static inline void
cleanup_tar_entryp (struct tsn_tar_entry *e)
{
  tsn_tar_entry_release (e);
}
#define cleanup_tar_entry __attribute__ ((cleanup (cleanup_tar_entryp)))

static inline void
cleanup_tar_readerp (struct tsn_tar_reader *r)
{
  tsn_tar_reader_release (r);
}
#define cleanup_tar_reader __attribute__ ((cleanup (cleanup_tar_readerp)))

/* Internal to tar*.c (tar-fields.c). A numeric header field: octal (leading spaces/NULs, then
 * digits, then a space/NUL terminator) or GNU base-256 when the first byte has its high bit set.
 * Returns -1 on anything else. */
int tsn_tar_parse_number (const unsigned char *field, size_t len, int64_t *out);

/* The records of one pax extended header ('x'), applied over the next entry's ustar fields. */
struct tsn_tar_pax
{
  char *path, *linkpath; /* owned, NULL when absent */
  int has_size, has_uid, has_gid, has_mtime, has_atime;
  uint64_t size, uid, gid;
  int64_t mtime_sec, atime_sec;
  long mtime_nsec, atime_nsec;
  struct tsn_tar_xattr *xattrs;
  size_t n_xattrs;
};

/* Parses `len` bytes of pax records ("<len> <key>=<value>\n" each) into `p`. Unknown keywords
 * are ignored as POSIX says; GNU sparse keywords are refused (we cannot represent them). */
int tsn_tar_pax_parse (struct tsn_tar_pax *p, const char *data, size_t len, tsn_err_t *err);
void tsn_tar_pax_release (struct tsn_tar_pax *p);

#endif
