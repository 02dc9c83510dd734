import type * as z from 'zod';
import { describeValue } from '../errors.js';
import type { FieldPath } from '../field-path.js';
import { composeSchema } from './compose-schema.js';

/** The first way a document breaks the schema, ready for a SpecError. */
export interface SchemaViolation {
  /** Where to point (the key itself for unknown keys). */
  readonly path: FieldPath;
  /** The path shown in the message (the mapping, for an unknown key). */
  readonly displayPath: FieldPath;
  /** Point at the key (unknown/invalid keys) rather than the value. */
  readonly atKey: boolean;
  readonly detail: string;
  readonly hint?: string;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'a boolean',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
  null: 'null',
};

/** Validates a whole (merged) document; `undefined` when it conforms. */
export function findSchemaViolation(document: unknown): SchemaViolation | undefined {
  const result = composeSchema.safeParse(document, { reportInput: true });
  if (result.success) return undefined;
  const issue = result.error.issues[0];
  return issue ? describeIssue(issue, []) : undefined;
}

type Issue = z.core.$ZodIssue;

function pathOf(prefix: FieldPath, issue: Issue): FieldPath {
  return [...prefix, ...issue.path.filter((p): p is string | number => typeof p !== 'symbol')];
}

function inputOf(issue: Issue): unknown {
  return (issue as { input?: unknown }).input;
}

/** True when a union branch failed only because the value is not of its JSON type. */
function isTypeMismatch(issues: readonly Issue[]): boolean {
  return issues.length > 0 && issues.every((i) => i.code === 'invalid_type' && i.path.length === 0);
}

function describeIssue(issue: Issue, prefix: FieldPath): SchemaViolation {
  const path = pathOf(prefix, issue);
  const got = describeValue(inputOf(issue));
  const plain = (detail: string): SchemaViolation => ({ path, displayPath: path, atKey: false, detail });
  switch (issue.code) {
    case 'invalid_union': {
      // Branches are of different JSON types: the one whose type fits holds the real error.
      const fitting = issue.errors.filter((branch) => !isTypeMismatch(branch as Issue[]));
      const nested = fitting.length === 1 ? (fitting[0] as Issue[])[0] : undefined;
      if (nested) return describeIssue(nested, path);
      return plain(`${issue.message}, got ${got}`);
    }
    case 'invalid_type': {
      const label = issue.message.startsWith('expected ')
        ? issue.message
        : `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
      return plain(`${label}, got ${got}`);
    }
    case 'invalid_value':
      return plain(`expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${got}`);
    case 'invalid_format':
      return plain(
        `expected a string matching ${'pattern' in issue ? String(issue.pattern) : issue.format}, got ${got}`,
      );
    case 'too_small':
      return plain(`expected a number ${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}, got ${got}`);
    case 'too_big':
      return plain(`expected a number ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}, got ${got}`);
    case 'custom': {
      const params = (issue.params ?? {}) as { unknownKey?: string; suggestion?: string };
      if (params.unknownKey === undefined) return plain(issue.message);
      return {
        path,
        displayPath: path.slice(0, -1),
        atKey: true,
        detail: issue.message,
        ...(params.suggestion ? { hint: `did you mean "${params.suggestion}"?` } : {}),
      };
    }
    default:
      return plain(issue.message);
  }
}
