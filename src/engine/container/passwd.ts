import { EngineError } from '../errors.js';

/** One `/etc/passwd` entry (only what a container's process needs). */
export interface PasswdEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
}

/** One `/etc/group` entry. */
export interface GroupEntry {
  readonly name: string;
  readonly gid: number;
  readonly members: readonly string[];
}

/** The process identity resolved for a container or an exec. */
export interface ResolvedUser {
  readonly uid: number;
  readonly gid: number;
  /** Supplementary groups, the primary gid first (containerd's fix for CVE-2023-25173). */
  readonly additionalGids: readonly number[];
  /** Home directory from passwd when the user was found there. */
  readonly home?: string;
}

const MAX_ID = 2 ** 31 - 1;

function parseId(text: string): number | undefined {
  if (!/^[0-9]{1,10}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= MAX_ID ? n : undefined;
}

/** Parses passwd text; malformed lines are skipped (as libc does). */
export function parsePasswd(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const f = line.split(':');
    if (f.length < 7) continue;
    const uid = parseId(f[2]!);
    const gid = parseId(f[3]!);
    if (uid === undefined || gid === undefined || f[0] === '') continue;
    out.push({ name: f[0]!, uid, gid, home: f[5]! });
  }
  return out;
}

/** Parses group text; malformed lines are skipped. */
export function parseGroup(text: string): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const f = line.split(':');
    if (f.length < 4) continue;
    const gid = parseId(f[2]!);
    if (gid === undefined || f[0] === '') continue;
    out.push({ name: f[0]!, gid, members: f[3]!.split(',').filter((m) => m !== '') });
  }
  return out;
}

function notFound(kind: 'user' | 'group', value: string, file: string): EngineError {
  return new EngineError(
    kind === 'user' ? 'CONTAINER_USER_NOT_FOUND' : 'CONTAINER_GROUP_NOT_FOUND',
    `unable to find ${kind} ${value}: no matching entries in ${file} file`,
    `use a numeric ${kind === 'user' ? 'uid' : 'gid'} or a ${kind} the image's ${file} file defines`,
  );
}

function resolveGroup(value: string, groups: readonly GroupEntry[]): number {
  const numeric = parseId(value);
  if (numeric !== undefined) return numeric;
  const g = groups.find((e) => e.name === value);
  if (!g) throw notFound('group', value, '/etc/group');
  return g.gid;
}

/**
 * Resolves Docker's `user` (`name`, `uid`, `name:group`, `uid:gid`) against the image's own
 * passwd and group files, as runc's user package does: a name must exist; a numeric uid that is
 * not listed runs with gid 0; an explicit group wins over the passwd one; supplementary groups are
 * those listing the user as a member, plus `groupAdd` (names or numbers). Absent `user` = root.
 */
export function resolveUser(
  user: string | undefined,
  passwdText: string | undefined,
  groupText: string | undefined,
  groupAdd: readonly string[] = [],
): ResolvedUser {
  const passwd = parsePasswd(passwdText ?? '');
  const groups = parseGroup(groupText ?? '');
  const spec = user === undefined || user === '' ? '0' : user;
  const colon = spec.indexOf(':');
  const userPart = colon < 0 ? spec : spec.slice(0, colon);
  const groupPart = colon < 0 ? undefined : spec.slice(colon + 1);
  if (userPart === '' || groupPart === '') {
    throw new EngineError('CONTAINER_USER_INVALID', `user "${spec}": expected user[:group]`);
  }
  const numericUid = parseId(userPart);
  const entry =
    numericUid !== undefined
      ? passwd.find((e) => e.uid === numericUid)
      : passwd.find((e) => e.name === userPart);
  if (numericUid === undefined && !entry) throw notFound('user', userPart, '/etc/passwd');
  const uid = numericUid ?? entry!.uid;
  const gid = groupPart !== undefined ? resolveGroup(groupPart, groups) : (entry?.gid ?? 0);
  const extra: number[] = [gid];
  if (entry) for (const g of groups) if (g.members.includes(entry.name)) extra.push(g.gid);
  for (const g of groupAdd) extra.push(resolveGroup(g, groups));
  return {
    uid,
    gid,
    additionalGids: [...new Set(extra)],
    ...(entry ? { home: entry.home } : {}),
  };
}
