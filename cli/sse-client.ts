/**
 * Follows a Server-Sent Events stream with fetch, reconnecting with `Last-Event-ID` when the
 * connection drops (an API restart, a proxy timeout) until `done` arrives.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { defaultHeaders } from './api-client.js';

export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

export async function* followEvents(
  url: string,
  options: { signal?: AbortSignal } = {},
): AsyncGenerator<SseEvent> {
  let lastEventId: string | undefined;
  let retryMs = 1000;
  let failures = 0;
  while (!options.signal?.aborted) {
    try {
      const res = await fetch(url, {
        headers: {
          ...defaultHeaders,
          accept: 'text/event-stream',
          ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
        },
        ...(options.signal ? { signal: options.signal } : {}),
      });
      if (!res.ok || !res.body) throw new Error(`events: HTTP ${res.status}`);
      failures = 0;
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true }).replace(/\r\n?/g, '\n');
        let at: number;
        while ((at = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          const event: SseEvent = { event: 'message', data: '' };
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'id') event.id = value;
            else if (field === 'event') event.event = value;
            else if (field === 'data') data.push(value);
            else if (field === 'retry' && /^\d+$/.test(value)) retryMs = Number(value);
          }
          if (data.length === 0) continue;
          event.data = data.join('\n');
          if (event.id !== undefined) lastEventId = event.id;
          yield event;
          if (event.event === 'done') return;
        }
      }
    } catch (err) {
      if (options.signal?.aborted) return;
      failures += 1;
      if (failures > 10) throw err;
    }
    await sleep(retryMs);
  }
}
