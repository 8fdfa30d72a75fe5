import { describe, expect, it } from 'vitest';
import { ReleaseRegistry } from '../../shared/release-registry.js';

describe('ReleaseRegistry', () => {
  it('releases once, the last registered first', async () => {
    const order: string[] = [];
    const registry = new ReleaseRegistry();
    registry.add('connection', () => void order.push('connection'));
    registry.add('queue', async () => void order.push('queue'));
    registry.add('server', () => void order.push('server'));
    const first = registry.release();
    expect(registry.release()).toBe(first);
    await first;
    await registry.release();
    expect(order).toEqual(['server', 'queue', 'connection']);
  });

  it('moves on past a release that hangs or fails', async () => {
    const order: string[] = [];
    const registry = new ReleaseRegistry();
    registry.add('connection', () => void order.push('connection'));
    registry.add('hangs', () => new Promise(() => {}), 10);
    registry.add('fails', () => {
      throw new Error('boom');
    });
    const started = Date.now();
    await registry.release();
    expect(order).toEqual(['connection']);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('waits for a release registered without a bound (one made of bounded steps)', async () => {
    const registry = new ReleaseRegistry();
    let done = false;
    registry.add(
      'inner registry',
      () => new Promise<void>((r) => setTimeout(() => ((done = true), r()), 30)),
      null,
    );
    await registry.release();
    expect(done).toBe(true);
  });

  it('runs a release registered after shutdown began at once', async () => {
    const registry = new ReleaseRegistry();
    await registry.release();
    let released = false;
    registry.add('late', () => void (released = true));
    await new Promise((r) => setImmediate(r));
    expect(released).toBe(true);
  });
});
