/* Capabilities: names (capability(7)) and the capset/prctl sequence. */
#include "caps.h"
#include "utils.h"

#include <errno.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *const cap_names[] = {
  "CAP_CHOWN",
  "CAP_DAC_OVERRIDE",
  "CAP_DAC_READ_SEARCH",
  "CAP_FOWNER",
  "CAP_FSETID",
  "CAP_KILL",
  "CAP_SETGID",
  "CAP_SETUID",
  "CAP_SETPCAP",
  "CAP_LINUX_IMMUTABLE",
  "CAP_NET_BIND_SERVICE",
  "CAP_NET_BROADCAST",
  "CAP_NET_ADMIN",
  "CAP_NET_RAW",
  "CAP_IPC_LOCK",
  "CAP_IPC_OWNER",
  "CAP_SYS_MODULE",
  "CAP_SYS_RAWIO",
  "CAP_SYS_CHROOT",
  "CAP_SYS_PTRACE",
  "CAP_SYS_PACCT",
  "CAP_SYS_ADMIN",
  "CAP_SYS_BOOT",
  "CAP_SYS_NICE",
  "CAP_SYS_RESOURCE",
  "CAP_SYS_TIME",
  "CAP_SYS_TTY_CONFIG",
  "CAP_MKNOD",
  "CAP_LEASE",
  "CAP_AUDIT_WRITE",
  "CAP_AUDIT_CONTROL",
  "CAP_SETFCAP",
  "CAP_MAC_OVERRIDE",
  "CAP_MAC_ADMIN",
  "CAP_SYSLOG",
  "CAP_WAKE_ALARM",
  "CAP_BLOCK_SUSPEND",
  "CAP_AUDIT_READ",
  "CAP_PERFMON",
  "CAP_BPF",
  "CAP_CHECKPOINT_RESTORE",
};

#define N_CAPS ((int)(sizeof (cap_names) / sizeof (cap_names[0])))

int
tsn_rt_cap_from_name (const char *name)
{
  for (int i = 0; i < N_CAPS; i++)
    if (strcasecmp (cap_names[i], name) == 0)
      return i;
  return -1;
}

const char *
tsn_rt_cap_name (int cap)
{
  return cap >= 0 && cap < N_CAPS ? cap_names[cap] : NULL;
}

int
tsn_rt_caps_check (const struct tsn_rt_caps *caps, tsn_err_t *err)
{
  if (!caps->set)
    return 0;
  struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
  struct __user_cap_data_struct data[2];
  if (syscall (SYS_capget, &hdr, data) < 0)
    return tsn_error (err, errno, "capget");
  uint64_t held = (uint64_t)data[0].permitted | ((uint64_t)data[1].permitted << 32);
  uint64_t asked = caps->effective | caps->permitted | caps->inheritable | caps->ambient;
  uint64_t missing = asked & ~held;
  for (int cap = 0; cap < 64; cap++)
    if (missing & (1ULL << cap))
      return tsn_error (err, 0,
                        "process.capabilities: `%s` is asked for, but the runtime itself does not have it "
                        "(it cannot give a container more than it holds)",
                        tsn_rt_cap_name (cap) ? tsn_rt_cap_name (cap) : "?");
  return 0;
}

int
tsn_rt_caps_apply_bounding (const struct tsn_rt_caps *caps, tsn_err_t *err)
{
  for (int cap = 0; cap < 64; cap++)
    {
      if (caps->bounding & (1ULL << cap))
        continue;
      if (prctl (PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
        {
          if (errno == EINVAL) /* beyond the kernel's last capability */
            break;
          return tsn_error (err, errno, "drop `%s` from the bounding set",
                            tsn_rt_cap_name (cap) ? tsn_rt_cap_name (cap) : "?");
        }
    }
  return 0;
}

int
tsn_rt_caps_apply (const struct tsn_rt_caps *caps, tsn_err_t *err)
{
  struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
  struct __user_cap_data_struct data[2];
  memset (data, 0, sizeof data);
  for (int i = 0; i < 2; i++)
    {
      data[i].effective = (uint32_t)(caps->effective >> (32 * i));
      data[i].permitted = (uint32_t)(caps->permitted >> (32 * i));
      data[i].inheritable = (uint32_t)(caps->inheritable >> (32 * i));
    }
  if (syscall (SYS_capset, &hdr, data) < 0)
    return tsn_error (err, errno, "capset (effective, permitted, inheritable)");
  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    return tsn_error (err, errno, "clear the ambient capabilities");
  for (int cap = 0; cap < 64; cap++)
    if (caps->ambient & (1ULL << cap))
      {
        /* Raising an ambient capability needs it in permitted and inheritable; like runc, one that
         * cannot be raised is left out rather than failing the container. */
        if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0 && errno != EPERM && errno != EINVAL)
          return tsn_error (err, errno, "raise ambient `%s`", tsn_rt_cap_name (cap));
      }
  return 0;
}
