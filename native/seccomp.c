/* linux.seccomp compiled with libseccomp and loaded with seccomp(2); see seccomp.h.
 *
 * The profile's semantics follow the runtime spec and runc: syscall names this libseccomp does
 * not know are skipped (profiles list syscalls of newer kernels); a rule whose action is the
 * default action is redundant and skipped; `errnoRet` defaults to EPERM; several conditions on
 * the same argument index cannot be one rule in libseccomp, so each becomes a rule of its own
 * (they match if any matches), otherwise a rule's conditions must all match. */
#include "seccomp.h"
#include "report.h"
#include "utils.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef TSN_HAVE_SECCOMP

#include <ctype.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

const int tsn_rt_seccomp_enabled = 1;

struct tsn_rt_seccomp
{
  struct sock_fprog prog;
  unsigned int flags; /* SECCOMP_FILTER_FLAG_* */
};

static int
parse_action (const char *name, const struct tsn_json *errno_ret, uint32_t *out, tsn_err_t *err)
{
  uint64_t ret = EPERM;
  if (tsn_json_get_uint64 (errno_ret, &ret, "errnoRet", err) < 0)
    return -1;
  if (strcmp (name, "SCMP_ACT_ALLOW") == 0)
    *out = SCMP_ACT_ALLOW;
  else if (strcmp (name, "SCMP_ACT_ERRNO") == 0)
    *out = SCMP_ACT_ERRNO ((uint16_t)ret);
  else if (strcmp (name, "SCMP_ACT_KILL") == 0 || strcmp (name, "SCMP_ACT_KILL_THREAD") == 0)
    *out = SCMP_ACT_KILL_THREAD;
  else if (strcmp (name, "SCMP_ACT_KILL_PROCESS") == 0)
    *out = SCMP_ACT_KILL_PROCESS;
  else if (strcmp (name, "SCMP_ACT_TRAP") == 0)
    *out = SCMP_ACT_TRAP;
  else if (strcmp (name, "SCMP_ACT_TRACE") == 0)
    *out = SCMP_ACT_TRACE ((uint16_t)ret);
  else if (strcmp (name, "SCMP_ACT_LOG") == 0)
    *out = SCMP_ACT_LOG;
  else if (strcmp (name, "SCMP_ACT_NOTIFY") == 0)
    return tsn_error (err, 0, "linux.seccomp: SCMP_ACT_NOTIFY is not supported");
  else
    return tsn_error (err, 0, "linux.seccomp: unknown action `%s`", name);
  return 0;
}

static int
parse_op (const char *name, enum scmp_compare *out, tsn_err_t *err)
{
  static const struct
  {
    const char *name;
    enum scmp_compare op;
  } ops[] = {
    { "SCMP_CMP_NE", SCMP_CMP_NE },
    { "SCMP_CMP_LT", SCMP_CMP_LT },
    { "SCMP_CMP_LE", SCMP_CMP_LE },
    { "SCMP_CMP_EQ", SCMP_CMP_EQ },
    { "SCMP_CMP_GE", SCMP_CMP_GE },
    { "SCMP_CMP_GT", SCMP_CMP_GT },
    { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
  };
  for (size_t i = 0; i < sizeof (ops) / sizeof (ops[0]); i++)
    if (name && strcmp (name, ops[i].name) == 0)
      {
        *out = ops[i].op;
        return 0;
      }
  return tsn_error (err, 0, "linux.seccomp: unknown operator `%s`", name ? name : "(none)");
}

static int
add_architectures (scmp_filter_ctx ctx, const struct tsn_json *archs, tsn_err_t *err)
{
  if (archs == NULL || archs->type == TSN_JSON_NULL)
    return 0;
  if (tsn_json_expect (archs, TSN_JSON_ARRAY, "linux.seccomp.architectures", err) < 0)
    return -1;
  for (size_t i = 0; i < archs->u.array.len; i++)
    {
      const char *name = NULL;
      if (tsn_json_get_string (archs->u.array.items[i], &name, "linux.seccomp.architectures[]", err) < 0)
        return -1;
      if (name == NULL || strncmp (name, "SCMP_ARCH_", 10) != 0)
        return tsn_error (err, 0, "linux.seccomp: unknown architecture `%s`", name ? name : "(none)");
      char lower[32];
      size_t n = 0;
      for (const char *p = name + 10; *p && n < sizeof (lower) - 1; p++)
        lower[n++] = (char)tolower ((unsigned char)*p);
      lower[n] = '\0';
      uint32_t arch = seccomp_arch_resolve_name (lower);
      if (arch == 0)
        return tsn_error (err, 0, "linux.seccomp: unknown architecture `%s`", name);
      int rc = seccomp_arch_add (ctx, arch);
      if (rc < 0 && rc != -EEXIST)
        return tsn_error (err, -rc, "linux.seccomp: add architecture `%s`", name);
    }
  return 0;
}

static int
parse_args (const struct tsn_json *args, struct scmp_arg_cmp **out, size_t *n, int *same_index,
            tsn_err_t *err)
{
  *out = NULL;
  *n = 0;
  *same_index = 0;
  if (args == NULL || args->type == TSN_JSON_NULL)
    return 0;
  if (tsn_json_expect (args, TSN_JSON_ARRAY, "linux.seccomp.syscalls[].args", err) < 0)
    return -1;
  struct scmp_arg_cmp *cmp = xmalloc0 ((args->u.array.len + 1) * sizeof (*cmp));
  for (size_t i = 0; i < args->u.array.len; i++)
    {
      const struct tsn_json *a = args->u.array.items[i];
      uint64_t index = 0, value = 0, value2 = 0;
      const char *op = NULL;
      enum scmp_compare c = SCMP_CMP_EQ;
      if (tsn_json_expect (a, TSN_JSON_OBJECT, "linux.seccomp.syscalls[].args[]", err) < 0
          || tsn_json_get_uint64 (tsn_json_get (a, "index"), &index, "args[].index", err) < 0
          || tsn_json_get_uint64 (tsn_json_get (a, "value"), &value, "args[].value", err) < 0
          || tsn_json_get_uint64 (tsn_json_get (a, "valueTwo"), &value2, "args[].valueTwo", err) < 0
          || tsn_json_get_string (tsn_json_get (a, "op"), &op, "args[].op", err) < 0
          || parse_op (op, &c, err) < 0)
        {
          free (cmp);
          return -1;
        }
      if (index > 5)
        {
          free (cmp);
          return tsn_error (err, 0, "linux.seccomp: argument index %llu is not 0-5",
                            (unsigned long long)index);
        }
      cmp[i]
          = (struct scmp_arg_cmp){ .arg = (unsigned int)index, .op = c, .datum_a = value, .datum_b = value2 };
      for (size_t j = 0; j < i; j++)
        if (cmp[j].arg == cmp[i].arg)
          *same_index = 1;
    }
  *out = cmp;
  *n = args->u.array.len;
  return 0;
}

static int
add_rule (scmp_filter_ctx ctx, uint32_t action, const char *name, const struct scmp_arg_cmp *cmp, size_t n,
          int one_rule_per_condition, tsn_err_t *err)
{
  int nr = seccomp_syscall_resolve_name (name);
  if (nr == __NR_SCMP_ERROR)
    return 0; /* not a syscall this libseccomp knows: profiles name syscalls of newer kernels */
  int rc = 0;
  if (one_rule_per_condition)
    for (size_t i = 0; i < n && rc >= 0; i++)
      rc = seccomp_rule_add_array (ctx, action, nr, 1, &cmp[i]);
  else
    rc = seccomp_rule_add_array (ctx, action, nr, (unsigned int)n, cmp);
  if (rc < 0)
    return tsn_error (err, -rc, "linux.seccomp: rule for `%s`", name);
  return 0;
}

static int
add_syscalls (scmp_filter_ctx ctx, uint32_t default_action, const struct tsn_json *syscalls, tsn_err_t *err)
{
  if (syscalls == NULL || syscalls->type == TSN_JSON_NULL)
    return 0;
  if (tsn_json_expect (syscalls, TSN_JSON_ARRAY, "linux.seccomp.syscalls", err) < 0)
    return -1;
  for (size_t i = 0; i < syscalls->u.array.len; i++)
    {
      const struct tsn_json *s = syscalls->u.array.items[i];
      const char *action_name = NULL;
      uint32_t action;
      if (tsn_json_expect (s, TSN_JSON_OBJECT, "linux.seccomp.syscalls[]", err) < 0
          || tsn_json_get_string (tsn_json_get (s, "action"), &action_name, "syscalls[].action", err) < 0)
        return -1;
      if (action_name == NULL)
        return tsn_error (err, 0, "linux.seccomp.syscalls[%zu]: `action` is required", i);
      if (parse_action (action_name, tsn_json_get (s, "errnoRet"), &action, err) < 0)
        return -1;
      if (action == default_action)
        continue;
      cleanup_free struct scmp_arg_cmp *cmp = NULL;
      size_t n = 0;
      int same_index = 0;
      if (parse_args (tsn_json_get (s, "args"), &cmp, &n, &same_index, err) < 0)
        return -1;
      const struct tsn_json *names = tsn_json_get (s, "names");
      if (names == NULL || names->type != TSN_JSON_ARRAY)
        return tsn_error (err, 0, "linux.seccomp.syscalls[%zu]: `names` must be an array", i);
      for (size_t k = 0; k < names->u.array.len; k++)
        {
          const char *name = NULL;
          if (tsn_json_get_string (names->u.array.items[k], &name, "syscalls[].names[]", err) < 0)
            return -1;
          if (name && add_rule (ctx, action, name, cmp, n, same_index, err) < 0)
            return -1;
        }
    }
  return 0;
}

static int
parse_flags (const struct tsn_json *flags, unsigned int *out, tsn_err_t *err)
{
  *out = 0;
  if (flags == NULL || flags->type == TSN_JSON_NULL)
    return 0;
  if (tsn_json_expect (flags, TSN_JSON_ARRAY, "linux.seccomp.flags", err) < 0)
    return -1;
  for (size_t i = 0; i < flags->u.array.len; i++)
    {
      const char *f = NULL;
      if (tsn_json_get_string (flags->u.array.items[i], &f, "linux.seccomp.flags[]", err) < 0)
        return -1;
      if (f && strcmp (f, "SECCOMP_FILTER_FLAG_TSYNC") == 0)
        *out |= SECCOMP_FILTER_FLAG_TSYNC;
      else if (f && strcmp (f, "SECCOMP_FILTER_FLAG_LOG") == 0)
        *out |= SECCOMP_FILTER_FLAG_LOG;
      else if (f && strcmp (f, "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0)
        *out |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
      else
        return tsn_error (err, 0, "linux.seccomp: unsupported flag `%s`", f ? f : "(none)");
    }
  return 0;
}

/* The BPF program of `ctx`: libseccomp 2.5 exports to an fd only. */
static int
export_program (scmp_filter_ctx ctx, struct sock_fprog *prog, tsn_err_t *err)
{
  cleanup_close int fd = memfd_create ("seccomp-bpf", MFD_CLOEXEC);
  if (fd < 0)
    return tsn_error (err, errno, "memfd_create");
  int rc = seccomp_export_bpf (ctx, fd);
  if (rc < 0)
    return tsn_error (err, -rc, "linux.seccomp: export the filter");
  struct stat st;
  if (fstat (fd, &st) < 0)
    return tsn_error (err, errno, "fstat");
  size_t size = (size_t)st.st_size;
  if (size == 0 || size % sizeof (struct sock_filter) != 0
      || size / sizeof (struct sock_filter) > BPF_MAXINSNS)
    return tsn_error (err, 0,
                      "linux.seccomp: the filter has %zu bytes, not a valid program (at most %d "
                      "instructions)",
                      size, BPF_MAXINSNS);
  struct sock_filter *insns = xmalloc (size);
  if (TEMP_FAILURE_RETRY_INT (pread (fd, insns, size, 0)) != (ssize_t)size)
    {
      free (insns);
      return tsn_error (err, errno, "read the filter");
    }
  prog->len = (unsigned short)(size / sizeof (struct sock_filter));
  prog->filter = insns;
  return 0;
}

int
tsn_rt_seccomp_compile (const struct tsn_json *spec, int warn, struct tsn_rt_seccomp **out, tsn_err_t *err)
{
  (void)warn;
  *out = NULL;
  if (spec == NULL || spec->type == TSN_JSON_NULL)
    return 0;
  if (tsn_json_expect (spec, TSN_JSON_OBJECT, "linux.seccomp", err) < 0)
    return -1;
  const char *listener = NULL;
  if (tsn_json_get_string (tsn_json_get (spec, "listenerPath"), &listener, "linux.seccomp.listenerPath", err)
      < 0)
    return -1;
  if (listener && listener[0])
    return tsn_error (err, 0, "linux.seccomp.listenerPath: seccomp notify is not supported");
  const char *default_name = NULL;
  if (tsn_json_get_string (tsn_json_get (spec, "defaultAction"), &default_name, "linux.seccomp.defaultAction",
                           err)
      < 0)
    return -1;
  if (default_name == NULL)
    return tsn_error (err, 0, "linux.seccomp: `defaultAction` is required");
  uint32_t default_action;
  if (parse_action (default_name, tsn_json_get (spec, "defaultErrnoRet"), &default_action, err) < 0)
    return -1;
  unsigned int flags;
  if (parse_flags (tsn_json_get (spec, "flags"), &flags, err) < 0)
    return -1;
  scmp_filter_ctx ctx = seccomp_init (default_action);
  if (ctx == NULL)
    return tsn_error (err, 0, "linux.seccomp: libseccomp could not start a filter");
  struct tsn_rt_seccomp *s = xmalloc0 (sizeof (*s));
  s->flags = flags;
  int rc = add_architectures (ctx, tsn_json_get (spec, "architectures"), err);
  if (rc == 0)
    rc = add_syscalls (ctx, default_action, tsn_json_get (spec, "syscalls"), err);
  if (rc == 0)
    rc = export_program (ctx, &s->prog, err);
  seccomp_release (ctx);
  if (rc < 0)
    {
      free (s);
      return -1;
    }
  *out = s;
  return 0;
}

int
tsn_rt_seccomp_load (const struct tsn_rt_seccomp *s, tsn_err_t *err)
{
  if (s == NULL)
    return 0;
  if (syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, s->flags, &s->prog) == 0)
    return 0;
  if (errno == ENOSYS && s->flags == 0 && prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &s->prog, 0, 0) == 0)
    return 0;
  return tsn_error (err, errno, "load the seccomp filter");
}

void
tsn_rt_seccomp_free (struct tsn_rt_seccomp *s)
{
  if (s == NULL)
    return;
  free (s->prog.filter);
  free (s);
}

#else /* no libseccomp in this build */

const int tsn_rt_seccomp_enabled = 0;

int
tsn_rt_seccomp_compile (const struct tsn_json *spec, int warn, struct tsn_rt_seccomp **out, tsn_err_t *err)
{
  (void)err;
  *out = NULL;
  if (warn && spec != NULL && spec->type != TSN_JSON_NULL)
    tsn_rt_warn ("linux.seccomp is not enforced: this build has no libseccomp (install libseccomp-dev "
                 "and rebuild); the container runs without a syscall filter");
  return 0;
}

int
tsn_rt_seccomp_load (const struct tsn_rt_seccomp *s, tsn_err_t *err)
{
  (void)s;
  (void)err;
  return 0;
}

void
tsn_rt_seccomp_free (struct tsn_rt_seccomp *s)
{
  (void)s;
}

#endif
