/** The typed event bus (shared/events.ts): no Redis, no stack. */
import { describe, expect, it } from 'vitest';
import { EventBus, SERVICE_EVENTS } from '../../shared/events.js';

describe('EventBus', () => {
  it('hands each payload to every listener of its event, in subscription order, and to no other', () => {
    const bus = new EventBus();
    const seen: string[] = [];
    bus.on('batch:accepted', ({ items }) => seen.push(`first ${items}`));
    bus.on('batch:accepted', ({ items }) => seen.push(`second ${items}`));
    bus.on('cache:hit', () => seen.push('hit'));
    bus.emit('batch:accepted', { items: 4, key: 'open' });
    expect(seen).toEqual(['first 4', 'second 4']);
    bus.emit('cache:hit');
    expect(seen).toEqual(['first 4', 'second 4', 'hit']);
  });

  it('stops calling a listener once its removal ran, and keeps the others', () => {
    const bus = new EventBus();
    let hits = 0;
    let others = 0;
    const off = bus.on('cache:hit', () => hits++);
    bus.on('cache:hit', () => others++);
    bus.emit('cache:hit');
    off();
    off(); // twice is harmless
    bus.emit('cache:hit');
    expect(hits).toBe(1);
    expect(others).toBe(2);
  });

  it('finishes an emit with the listeners it started with when one unsubscribes another', () => {
    const bus = new EventBus();
    const seen: string[] = [];
    let offB = () => {};
    bus.on('cache:miss', () => {
      seen.push('a');
      offB();
    });
    offB = bus.on('cache:miss', () => seen.push('b'));
    bus.emit('cache:miss');
    bus.emit('cache:miss');
    expect(seen).toEqual(['a', 'b', 'a']);
  });

  it('lets a listener exception reach the emitter (listeners must not throw)', () => {
    const bus = new EventBus();
    bus.on('budget:refused', () => {
      throw new Error('listener bug');
    });
    expect(() => bus.emit('budget:refused', { key: 'open', budget: 'global' })).toThrow('listener bug');
  });

  it('keeps separate buses apart: one instance never hears another', () => {
    const a = new EventBus();
    const b = new EventBus();
    let heard = 0;
    b.on('quota:waited', () => heard++);
    a.emit('quota:waited', { seconds: 1 });
    expect(heard).toBe(0);
  });

  it('names every event as domain:fact', () => {
    for (const name of Object.keys(SERVICE_EVENTS)) expect(name).toMatch(/^[a-z]+:[a-z-]+$/);
  });
});
