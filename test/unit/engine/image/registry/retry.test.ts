import { describe, expect, it } from 'vitest';
import {
  isTransientNetworkError,
  parseRetryAfter,
  withRetry,
} from '../../../../../src/engine/image/registry/retry.js';
import { rangeEnd } from '../../../../../src/engine/image/registry/blob-upload.js';
import {
  describeStatus,
  registryStatusError,
} from '../../../../../src/engine/image/registry/registry-errors.js';

const policy = { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 };
const netError = (code: string) => Object.assign(new Error(code), { code });

describe('withRetry', () => {
  it('retries retryable failures up to the attempts, then throws the last', async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls += 1;
          throw netError('ECONNRESET');
        },
        { policy, isRetryable: isTransientNetworkError },
      ),
    ).rejects.toThrow('ECONNRESET');
    expect(calls).toBe(3);
  });

  it('stops at once on a non-retryable failure, and returns a later success', async () => {
    let calls = 0;
    await expect(
      withRetry(async () => ((calls += 1), Promise.reject(new Error('bad'))), {
        policy,
        isRetryable: () => false,
      }),
    ).rejects.toThrow('bad');
    expect(calls).toBe(1);
    let n = 0;
    expect(
      await withRetry(async (attempt) => (++n < 2 ? Promise.reject(netError('EPIPE')) : attempt), {
        policy,
        isRetryable: isTransientNetworkError,
      }),
    ).toBe(2);
  });

  it('does not wait out a backoff once aborted', async () => {
    const controller = new AbortController();
    const p = withRetry(
      async () => {
        controller.abort(new Error('stop'));
        throw netError('ECONNRESET');
      },
      {
        policy: { attempts: 5, baseDelayMs: 60_000, maxDelayMs: 60_000 },
        isRetryable: () => true,
        signal: controller.signal,
      },
    );
    await expect(p).rejects.toThrow(/ECONNRESET|stop/);
  });

  it.each([
    ['ECONNRESET', true],
    ['ETIMEDOUT', true],
    ['EAI_AGAIN', true],
    ['ERR_STREAM_PREMATURE_CLOSE', true],
    ['ECONNREFUSED', false],
    ['ENOTFOUND', false],
  ])('%s transient: %s', (code, yes) => {
    expect(isTransientNetworkError(netError(code))).toBe(yes);
  });

  it('parses Retry-After seconds and dates', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe('registry error messages', () => {
  it.each([
    [401, {}, 'registry-1.docker.io: 401 unauthorized', 'REGISTRY_UNAUTHORIZED'],
    [
      401,
      { code: 'UNAUTHORIZED', message: 'authentication required' },
      'registry-1.docker.io: 401 unauthorized: authentication required',
      'REGISTRY_UNAUTHORIZED',
    ],
    [403, { code: 'DENIED', message: 'denied' }, 'registry-1.docker.io: 403 denied', 'REGISTRY_DENIED'],
    [
      404,
      { code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' },
      'registry-1.docker.io: 404 manifest unknown',
      'IMAGE_NOT_FOUND',
    ],
    [
      429,
      { code: 'TOOMANYREQUESTS', message: 'slow down' },
      'registry-1.docker.io: 429 toomanyrequests: slow down',
      'REGISTRY_RATE_LIMITED',
    ],
    [503, {}, 'registry-1.docker.io: 503 service unavailable', 'REGISTRY_UNAVAILABLE'],
    [418, {}, 'registry-1.docker.io: 418 unexpected status', 'REGISTRY_ERROR'],
  ])('%s %j', (status, body, message, code) => {
    expect(describeStatus('registry-1.docker.io', status, body)).toBe(message);
    expect(registryStatusError('registry-1.docker.io', status, body).code).toBe(code);
  });

  it('a missing blob is BLOB_NOT_FOUND', () => {
    expect(registryStatusError('h', 404, {}, { what: 'blob' }).code).toBe('BLOB_NOT_FOUND');
  });

  it.each([
    ['0-99', 99],
    ['bytes=0-1023', 1023],
    ['0-0', -1],
    [undefined, -1],
  ])('upload Range %s ends at %s', (range, end) => {
    expect(rangeEnd(range)).toBe(end);
  });
});
