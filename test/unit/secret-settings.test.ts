/** ADMIN_TOKEN and METRICS_TOKEN: unset, or at least 16 characters; a refusal names the setting, never its value. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../shared/config.js';

function refusal(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const PROBLEM = 'must be at least 16 characters (a random string: openssl rand -hex 16)';

describe('ADMIN_TOKEN and METRICS_TOKEN', () => {
  for (const name of ['ADMIN_TOKEN', 'METRICS_TOKEN']) {
    it(`${name}: refuses 15 characters and the example value, naming the setting but not the value`, () => {
      for (const value of ['replace-me', 'fifteen-chars!!', ' padded-to-16  ']) {
        const err = refusal({ [name]: value });
        expect(err.problems).toEqual([`${name}: ${PROBLEM}`]);
        expect(err.message).not.toContain(value.trim());
      }
    });

    it(`${name}: accepts 16 characters or more, and unset or empty (off)`, () => {
      expect(loadConfig({ [name]: 'sixteen-chars!!!' })[name as 'ADMIN_TOKEN']).toBe('sixteen-chars!!!');
      expect(loadConfig({ [name]: 'a'.repeat(64) })[name as 'ADMIN_TOKEN']).toBe('a'.repeat(64));
      expect(loadConfig({})[name as 'ADMIN_TOKEN']).toBeUndefined();
      expect(loadConfig({ [name]: '' })[name as 'ADMIN_TOKEN']).toBeUndefined();
    });
  }

  it('reports both problems together', () => {
    expect(refusal({ ADMIN_TOKEN: 'short', METRICS_TOKEN: 'short' }).problems).toEqual([
      `METRICS_TOKEN: ${PROBLEM}`,
      `ADMIN_TOKEN: ${PROBLEM}`,
    ]);
  });
});
