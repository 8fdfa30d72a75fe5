/**
 * A Translator (the project's own interface, not the Google client) for the pure unit tests: it
 * answers `[<target>] <text>`, records every request, refuses like Google (400 "Invalid Value"
 * for the whole request) when a request holds a refused text or targets a refused language, and
 * can hold requests open until the test releases them.
 */
import type {
  ProviderRequest,
  ProviderTranslation,
  Translator,
} from '../../worker/provider/google-translator.js';

export const REFUSED_TEXT = '<refused>';
export const REFUSED_TARGET = 'xx';

/** An error shaped like the Google client's: `code` is the HTTP status. */
export function providerError(code: number, message: string): Error {
  return Object.assign(new Error(message), { code });
}

export class FakeTranslator implements Translator {
  readonly requests: ProviderRequest[] = [];
  open = 0;
  maxOpen = 0;
  /** When set, every request waits for `release()`. */
  hold = false;
  /** Thrown by the next requests instead of answering (one per request, in order). */
  readonly failures: Error[] = [];
  private readonly held: (() => void)[] = [];

  async translate(request: ProviderRequest): Promise<ProviderTranslation[]> {
    this.requests.push(request);
    this.open += 1;
    this.maxOpen = Math.max(this.maxOpen, this.open);
    try {
      if (this.hold) await new Promise<void>((resolve) => this.held.push(resolve));
      const failure = this.failures.shift();
      if (failure) throw failure;
      if (request.target === REFUSED_TARGET || request.texts.includes(REFUSED_TEXT)) {
        throw providerError(400, 'Invalid Value');
      }
      return request.texts.map((text) => ({ text: `[${request.target}] ${text}` }));
    } finally {
      this.open -= 1;
    }
  }

  /** Lets the held requests go (the oldest first); resolves after they had a chance to finish. */
  async release(count = Infinity): Promise<void> {
    for (let i = 0; i < count && this.held.length > 0; i++) this.held.shift()!();
    await settle();
  }

  /** Segments of each request, in order. */
  get sizes(): number[] {
    return this.requests.map((r) => r.texts.length);
  }
}

/** Lets pending promise chains and one turn of the event loop run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
