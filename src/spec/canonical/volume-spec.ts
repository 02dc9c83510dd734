import type { YamlMap } from '../document/yaml-value.js';

/** A short volume syntax Compose cannot read (`::`, too many colons, empty). */
export class VolumeSpecError extends Error {}

const BIND_PROPAGATIONS = new Set(['rprivate', 'private', 'rshared', 'shared', 'rslave', 'slave']);
const SELINUX = new Set(['z', 'Z']);

/**
 * Parses the short volume syntax `[SOURCE:]TARGET[:MODE]` into the long syntax, as compose-go's
 * format.ParseVolume does: a source starting with `.`, `/`, `~` (or a Windows drive / `\\`) is a
 * bind mount (created on the host when missing, as docker-compose v1 did), anything else a named
 * volume; a single part is an anonymous volume. Colons inside `${...}` do not split. Modes: ro, rw,
 * nocopy, z/Z (SELinux), and the bind propagations; unknown modes are ignored.
 */
export function parseVolumeSpec(spec: string): YamlMap {
  if (spec.length === 0) throw new VolumeSpecError('invalid empty volume spec');
  if (spec.length <= 2) return { type: 'volume', target: spec, volume: {} };
  const parts: string[] = [];
  let buffer = '';
  let inVariable = 0;
  const chars = Array.from(spec);
  for (let i = 0; i <= chars.length; i++) {
    const c = i < chars.length ? (chars[i] as string) : null;
    if (c === '$' && chars[i + 1] === '{') {
      inVariable++;
      buffer += c;
      continue;
    }
    if (c === '}' && inVariable > 0) {
      inVariable--;
      buffer += c;
      continue;
    }
    const windowsDrive = c === ':' && Array.from(buffer).length === 1 && /\p{L}/u.test(buffer);
    if ((c === ':' || c === null) && inVariable === 0 && !windowsDrive) {
      if (buffer.length === 0)
        throw new VolumeSpecError(`invalid spec: ${spec}: empty section between colons`);
      if (parts.length === 2 && c === ':')
        throw new VolumeSpecError(`invalid spec: ${spec}: too many colons`);
      parts.push(buffer);
      buffer = '';
      continue;
    }
    buffer += c;
  }
  let source = '';
  let target: string;
  let mode = '';
  if (parts.length === 1) target = parts[0] as string;
  else {
    source = parts[0] as string;
    target = parts[1] as string;
    mode = parts[2] ?? '';
  }
  let readOnly = false;
  let noCopy = false;
  const bind: YamlMap = {};
  for (const option of mode === '' ? [] : mode.split(',')) {
    if (option === 'ro') readOnly = true;
    else if (option === 'rw') readOnly = false;
    else if (option === 'nocopy') noCopy = true;
    else if (BIND_PROPAGATIONS.has(option)) bind['propagation'] = option;
    else if (SELINUX.has(option)) bind['selinux'] = option;
  }
  const out: YamlMap = {};
  if (isFilePath(source)) {
    out['type'] = 'bind';
    out['source'] = source;
    out['target'] = target;
    if (readOnly) out['read_only'] = true;
    out['bind'] = { ...bind, create_host_path: true };
    if (noCopy) out['volume'] = { nocopy: true };
  } else {
    out['type'] = 'volume';
    if (source !== '') out['source'] = source;
    out['target'] = target;
    if (readOnly) out['read_only'] = true;
    if (Object.keys(bind).length > 0) out['bind'] = bind;
    out['volume'] = noCopy ? { nocopy: true } : {};
  }
  return out;
}

function isFilePath(source: string): boolean {
  if (source === '') return false;
  const first = source[0];
  if (first === '.' || first === '/' || first === '~') return true;
  if (source.startsWith('\\\\')) return true;
  const chars = Array.from(source);
  return chars.length > 1 && chars[1] === ':' && /\p{L}/u.test(chars[0] as string);
}
