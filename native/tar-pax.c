/* Header fields and pax records: the parts of the tar format that are pure parsing. */
#include "tar.h"
#include "utils.h"

#include <limits.h>
#include <string.h>

int
tsn_tar_parse_number (const unsigned char *field, size_t len, int64_t *out)
{
  if (len > 0 && (field[0] & 0x80))
    {
      /* GNU base-256: big-endian two's complement; 0x80 marks positive, 0xff negative. */
      int negative = field[0] == 0xff;
      if (!negative && field[0] != 0x80)
        return -1;
      uint64_t v = 0;
      for (size_t i = 1; i < len; i++)
        {
          unsigned char b = negative ? (unsigned char)~field[i] : field[i];
          if (v >> 56)
            return -1;
          v = (v << 8) | b;
        }
      if (v > (uint64_t)INT64_MAX)
        return -1;
      *out = negative ? -(int64_t)v - 1 : (int64_t)v;
      return 0;
    }
  size_t i = 0;
  while (i < len && (field[i] == ' ' || field[i] == '\0'))
    i++;
  uint64_t v = 0;
  size_t digits = 0;
  for (; i < len && field[i] >= '0' && field[i] <= '7'; i++, digits++)
    {
      if (v >> 60)
        return -1;
      v = v * 8 + (uint64_t)(field[i] - '0');
    }
  /* After the digits only terminators may follow. An all-blank field is 0 (as Go and GNU read it). */
  for (; i < len; i++)
    if (field[i] != ' ' && field[i] != '\0')
      return -1;
  (void)digits;
  *out = (int64_t)v;
  return 0;
}

static int
parse_decimal (const char *s, size_t len, uint64_t *out)
{
  if (len == 0 || len > 19)
    return -1;
  uint64_t v = 0;
  for (size_t i = 0; i < len; i++)
    {
      if (s[i] < '0' || s[i] > '9')
        return -1;
      v = v * 10 + (uint64_t)(s[i] - '0');
    }
  *out = v;
  return 0;
}

/* "[-]seconds[.fraction]" → seconds and nanoseconds (floor semantics for negative values). */
static int
parse_time (const char *s, size_t len, int64_t *sec, long *nsec)
{
  int negative = len > 0 && s[0] == '-';
  size_t start = negative ? 1 : 0;
  const char *dot = memchr (s + start, '.', len - start);
  size_t int_len = dot ? (size_t)(dot - s) - start : len - start;
  uint64_t whole;
  if (parse_decimal (s + start, int_len, &whole) < 0 || whole > (uint64_t)INT64_MAX / 2)
    return -1;
  long frac = 0;
  if (dot)
    {
      size_t flen = len - (size_t)(dot - s) - 1;
      if (flen == 0)
        return -1;
      for (size_t i = 0; i < flen; i++)
        {
          char c = dot[1 + i];
          if (c < '0' || c > '9')
            return -1;
          if (i < 9)
            frac = frac * 10 + (c - '0');
        }
      for (size_t i = flen; i < 9; i++)
        frac *= 10;
    }
  *sec = negative ? -(int64_t)whole : (int64_t)whole;
  *nsec = frac;
  if (negative && frac > 0)
    {
      *sec -= 1;
      *nsec = 1000000000L - frac;
    }
  return 0;
}

static char *
dup_text (const char *value, size_t len, const char *key, tsn_err_t *err)
{
  if (memchr (value, '\0', len) != NULL || len >= TSN_TAR_MAX_NAME)
    {
      tsn_error (err, 0, "pax record `%s`: invalid value (embedded NUL or too long)", key);
      return NULL;
    }
  char *s = xmalloc (len + 1);
  memcpy (s, value, len);
  s[len] = '\0';
  return s;
}

static int
set_xattr (struct tsn_tar_pax *p, const char *name, size_t name_len, const char *value, size_t len,
           tsn_err_t *err)
{
  if (name_len == 0 || memchr (name, '\0', name_len) != NULL || name_len > 255)
    return tsn_error (err, 0, "pax record `SCHILY.xattr.`: invalid attribute name");
  for (size_t i = 0; i < p->n_xattrs; i++)
    if (strlen (p->xattrs[i].name) == name_len && memcmp (p->xattrs[i].name, name, name_len) == 0)
      {
        free (p->xattrs[i].value);
        p->xattrs[i].value = xmalloc (len);
        memcpy (p->xattrs[i].value, value, len);
        p->xattrs[i].len = len;
        return 0;
      }
  p->xattrs = xrealloc (p->xattrs, (p->n_xattrs + 1) * sizeof (*p->xattrs));
  struct tsn_tar_xattr *x = &p->xattrs[p->n_xattrs++];
  x->name = xmalloc (name_len + 1);
  memcpy (x->name, name, name_len);
  x->name[name_len] = '\0';
  x->value = xmalloc (len);
  memcpy (x->value, value, len);
  x->len = len;
  return 0;
}

static int
apply_record (struct tsn_tar_pax *p, const char *key, size_t klen, const char *value, size_t vlen,
              tsn_err_t *err)
{
#define KEY_IS(k) (klen == sizeof (k) - 1 && memcmp (key, k, klen) == 0)
#define KEY_HAS_PREFIX(k) (klen >= sizeof (k) - 1 && memcmp (key, k, sizeof (k) - 1) == 0)
  if (KEY_IS ("path") || KEY_IS ("linkpath"))
    {
      char **slot = KEY_IS ("path") ? &p->path : &p->linkpath;
      free (*slot);
      *slot = NULL;
      if (vlen == 0)
        return 0; /* an empty value removes the override */
      *slot = dup_text (value, vlen, KEY_IS ("path") ? "path" : "linkpath", err);
      return *slot ? 0 : -1;
    }
  if (KEY_IS ("size") || KEY_IS ("uid") || KEY_IS ("gid"))
    {
      uint64_t v;
      if (parse_decimal (value, vlen, &v) < 0 || v > (uint64_t)INT64_MAX)
        return tsn_error (err, 0, "pax record `%.*s`: invalid number `%.*s`", (int)klen, key,
                          (int)(vlen > 32 ? 32 : vlen), value);
      if (KEY_IS ("size"))
        p->size = v, p->has_size = 1;
      else if (KEY_IS ("uid"))
        p->uid = v, p->has_uid = 1;
      else
        p->gid = v, p->has_gid = 1;
      return 0;
    }
  if (KEY_IS ("mtime") || KEY_IS ("atime"))
    {
      int is_m = KEY_IS ("mtime");
      if (parse_time (value, vlen, is_m ? &p->mtime_sec : &p->atime_sec,
                      is_m ? &p->mtime_nsec : &p->atime_nsec)
          < 0)
        return tsn_error (err, 0, "pax record `%.*s`: invalid time `%.*s`", (int)klen, key,
                          (int)(vlen > 32 ? 32 : vlen), value);
      *(is_m ? &p->has_mtime : &p->has_atime) = 1;
      return 0;
    }
  if (KEY_HAS_PREFIX ("SCHILY.xattr."))
    return set_xattr (p, key + 13, klen - 13, value, vlen, err);
  if (KEY_HAS_PREFIX ("GNU.sparse."))
    return tsn_error (err, 0, "sparse files (pax `%.*s`) are not supported", (int)klen, key);
  return 0; /* uname, gname, ctime, comment, charset, LIBARCHIVE.*, ...: not needed */
#undef KEY_IS
#undef KEY_HAS_PREFIX
}

int
tsn_tar_pax_parse (struct tsn_tar_pax *p, const char *data, size_t len, tsn_err_t *err)
{
  size_t off = 0;
  while (off < len)
    {
      if (data[off] == '\0')
        {
          /* Some writers pad the record block with NULs; only NULs may follow. */
          for (; off < len; off++)
            if (data[off] != '\0')
              return tsn_error (err, 0, "malformed pax header: garbage after NUL padding");
          break;
        }
      size_t digits = 0;
      uint64_t rec_len = 0;
      while (off + digits < len && data[off + digits] >= '0' && data[off + digits] <= '9' && digits < 19)
        rec_len = rec_len * 10 + (uint64_t)(data[off + digits++] - '0');
      if (digits == 0 || off + digits >= len || data[off + digits] != ' ' || rec_len < digits + 4
          || rec_len > len - off || data[off + rec_len - 1] != '\n')
        return tsn_error (err, 0, "malformed pax header: bad record at byte %zu", off);
      const char *key = data + off + digits + 1;
      size_t body = (size_t)rec_len - digits - 2; /* key=value without the length, space, newline */
      const char *eq = memchr (key, '=', body);
      if (eq == NULL || eq == key || memchr (key, '\0', (size_t)(eq - key)) != NULL)
        return tsn_error (err, 0, "malformed pax header: record at byte %zu has no key", off);
      if (apply_record (p, key, (size_t)(eq - key), eq + 1, body - (size_t)(eq - key) - 1, err) < 0)
        return -1;
      off += (size_t)rec_len;
    }
  return 0;
}

void
tsn_tar_pax_release (struct tsn_tar_pax *p)
{
  free (p->path);
  free (p->linkpath);
  for (size_t i = 0; i < p->n_xattrs; i++)
    {
      free (p->xattrs[i].name);
      free (p->xattrs[i].value);
    }
  free (p->xattrs);
  memset (p, 0, sizeof (*p));
}
