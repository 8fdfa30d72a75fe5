import { describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { connect } from 'node:net';
import { Worker } from 'node:worker_threads';
import { withTimeout } from '../../shared/timeout.js';

const never = new Promise<never>(() => {});
const later = <T>(ms: number, value: T) => new Promise<T>((r) => setTimeout(r, ms, value));

describe('withTimeout', () => {
  it('settles as the promise does when it is in time', async () => {
    await expect(withTimeout(later(1, 'done'), 1000, () => 'late')).resolves.toBe('done');
    await expect(withTimeout(Promise.reject(new Error('boom')), 1000, () => 'late')).rejects.toThrow('boom');
  });

  it('returns the fallback, or throws what onTimeout throws, once the time is up', async () => {
    await expect(withTimeout(never, 5, () => 'fallback')).resolves.toBe('fallback');
    await expect(
      withTimeout(never, 5, () => {
        throw new Error('too slow');
      }),
    ).rejects.toThrow('too slow');
  });

  it('ignores a rejection that comes after the time is up', async () => {
    let fail!: (err: Error) => void;
    const lateFailure = new Promise((_, reject) => (fail = reject));
    await expect(withTimeout(lateFailure, 1, () => 'fallback')).resolves.toBe('fallback');
    fail(new Error('late'));
    await later(10, undefined); // an unhandled rejection would fail the run
  });

  it('does not time out an answer that arrived while the event loop was busy past the deadline', async () => {
    // An echo server on its own thread (its own event loop, as Redis is its own process) answers
    // at once; this loop is held busy past the deadline, as a burst of requests or a GC pause
    // would. The answer is waiting in the socket when the timer fires.
    const flag = new SharedArrayBuffer(4);
    const echo = new Worker(
      `const net = require('node:net'); const { parentPort } = require('node:worker_threads');
       const sent = new Int32Array(require('node:worker_threads').workerData);
       const server = net.createServer((s) => {
         s.on('error', () => {});
         s.on('data', (d) => s.write(d, () => Atomics.store(sent, 0, 1)));
       });
       server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));`,
      { eval: true, workerData: flag },
    );
    const [port] = (await once(echo, 'message')) as [number];
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    try {
      const answer = new Promise<string>((resolve) => socket.once('data', (d) => resolve(d.toString())));
      socket.write('ping');
      const call = withTimeout(answer, 10, () => 'timed out');
      // Busy until the deadline has passed and the echo has been handed to the kernel.
      const busyUntil = Date.now() + 30;
      while (
        Date.now() < busyUntil ||
        (Atomics.load(new Int32Array(flag), 0) === 0 && Date.now() < busyUntil + 5000)
      ) {
        // busy
      }
      await expect(call).resolves.toBe('ping');
    } finally {
      socket.destroy();
      await echo.terminate();
    }
  });
});
