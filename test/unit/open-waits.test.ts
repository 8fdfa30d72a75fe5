import { describe, expect, it } from 'vitest';
import { OpenWaits } from '../../api/admission/open-waits.js';

describe('OpenWaits (MAX_OPEN_WAITS, sync and batch together)', () => {
  it('counts sync waits and held batch waits toward one bound', () => {
    let sync = 1;
    const waits = new OpenWaits(3, () => sync);
    const first = waits.hold();
    expect(first).toBeTypeOf('function');
    expect(waits.size).toBe(2);
    expect(waits.full).toBe(false);
    sync = 2;
    expect(waits.full).toBe(true);
    expect(waits.hold()).toBeUndefined();
    expect(waits.size).toBe(3);
  });

  it('a release frees one place, once', () => {
    const waits = new OpenWaits(2, () => 0);
    const a = waits.hold()!;
    const b = waits.hold()!;
    expect(waits.hold()).toBeUndefined();
    a();
    a();
    expect(waits.size).toBe(1);
    expect(waits.hold()).toBeTypeOf('function');
    b();
    expect(waits.size).toBe(1);
  });

  it('MAX_OPEN_WAITS=0 holds nothing', () => {
    const waits = new OpenWaits(0, () => 0);
    expect(waits.full).toBe(true);
    expect(waits.hold()).toBeUndefined();
  });
});
