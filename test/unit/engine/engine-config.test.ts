import { describe, expect, it } from 'vitest';
import { validateEngineConfig } from '../../../src/engine/engine-config.js';

describe('engine config (engine.json)', () => {
  it('accepts mirrors, insecure registries, CA files and concurrency', () => {
    const c = {
      registries: {
        'docker.io': { mirrors: ['https://m.example'] },
        'reg.lan:5000': { insecure: true, ca: '/etc/ca.pem' },
      },
      maxConcurrentDownloads: 4,
    };
    expect(validateEngineConfig(c, 'engine.json')).toEqual(c);
  });

  it.each([
    ['not an object', [], /expected an object/],
    ['unknown field', { mirrors: [] }, /mirrors: unknown field/],
    ['unknown registry field', { registries: { x: { tls: true } } }, /registries\["x"\]\.tls: unknown field/],
    ['mirrors not strings', { registries: { x: { mirrors: [1] } } }, /mirrors: expected an array/],
    ['insecure not boolean', { registries: { x: { insecure: 'yes' } } }, /insecure: expected true or false/],
    ['concurrency zero', { maxConcurrentDownloads: 0 }, /from 1 to 64/],
  ])('refuses %s, naming the field', (_n, doc, message) => {
    expect(() => validateEngineConfig(doc, 'engine.json')).toThrow(message);
  });
});
