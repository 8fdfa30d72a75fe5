/**
 * Every Lua script file: documented by its header, compiled by a real Redis, reachable through one
 * typed entry point, and present in `dist/` (the API and worker run from there).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedis } from '../shared/redis.js';
import { LUA_DIR, redisScripts, scriptFiles } from '../shared/redis/scripts.js';
import { REDIS_URL } from './helpers/stack.js';

describe('Redis scripts', () => {
  const redis = createRedis(REDIS_URL, 'blocking');
  afterAll(() => redis.disconnect());
  const files = [...scriptFiles().values()];

  it('finds every .lua file of shared/redis/lua', () => {
    expect(LUA_DIR).toBe(join(import.meta.dirname, '..', 'shared', 'redis', 'lua') + '/');
    expect(files.map((f) => f.file).sort()).toEqual(readdirSync(LUA_DIR).sort());
    expect(files.length).toBe(12);
  });

  it.each(files.map((f) => [f.file, f] as const))(
    '%s opens with a header naming its KEYS, ARGV and output',
    (_, script) => {
      const header = /^--\[\[\n([\s\S]*?)\n\]\]\n/.exec(script.lua)?.[1];
      expect(header).toBeDefined();
      expect(header).toMatch(/\n\s*Input[^\n]*:\n/);
      expect(header).toMatch(/\n\s*Output[^\n]*:/);
      expect(header).toMatch(/ARGV\[1\]/);
      const keys = [...header!.matchAll(/KEYS\[(\d+)\]/g)].map((m) => Number(m[1]));
      if (script.numberOfKeys === undefined) {
        // A variable number of keys is named as a range.
        expect(header).toMatch(/KEYS\[1\.\.[^\]]+\]/);
      } else {
        // KEYS[1] to KEYS[n], each named once, n from the file name.
        expect(keys).toEqual(Array.from({ length: script.numberOfKeys }, (_, i) => i + 1));
      }
    },
  );

  it.each(files.map((f) => [f.file, f] as const))('%s compiles in Redis', async (_, script) => {
    expect(await redis.script('LOAD', script.lua)).toMatch(/^[0-9a-f]{40}$/);
  });

  it('registers one typed entry point per file on a connection, once', () => {
    const scripts = redisScripts(redis);
    expect(Object.keys(scripts).sort()).toEqual(files.map((f) => f.command).sort());
    expect(redisScripts(redis)).toBe(scripts);
  });

  it('loads the same scripts from the build, as `node dist/...` does', async () => {
    const dist = join(import.meta.dirname, '..', 'dist');
    const built = (await import(
      pathToFileURL(join(dist, 'shared', 'redis', 'scripts.js')).href
    )) as typeof import('../shared/redis/scripts.js');
    expect(built.LUA_DIR).toBe(join(dist, 'shared', 'redis', 'lua') + '/');
    expect([...built.scriptFiles().values()]).toEqual(files);
  });
});
