/**
 * Options of the emulator: fixed ones given to `createEmulator`, and run-time ones that tests and
 * the chaos script change through `setOptions` or `POST /__emulator/options`. Both are validated
 * once, with every problem reported together.
 */
import { z } from 'zod';
import { FAULT_KINDS } from './faults.js';

const faultKind = z.enum(FAULT_KINDS);

/** What can change while the emulator runs. Omitted fields keep their current value. */
export const runtimeOptionsSchema = z.strictObject({
  /** Delay before every answer of a v2 method (ms). @default 0 */
  latencyMs: z.number().int().min(0).max(600_000).optional(),
  /** Share of requests (every v2 method) answered with `faultKind` (0..1). @default 0 */
  faultRate: z.number().min(0).max(1).optional(),
  /** What a random fault looks like. @default '503' */
  faultKind: faultKind.optional(),
  /** Fail exactly the next `count` requests (every v2 method) with `kind` (before random faults). */
  failNext: z.strictObject({ count: z.number().int().min(0), kind: faultKind.default('503') }).optional(),
  /** While true, every request hangs until the client gives up. @default false */
  hang: z.boolean().optional(),
  /** Seed for the fault PRNG, for replayable chaos runs; `null` goes back to Math.random. */
  seed: z.number().int().nullable().optional(),
  /** Google's corruptions of placeholders, code and links in prose (google-habits.ts). @default true */
  habits: z.boolean().optional(),
});

export type RuntimeOptions = z.input<typeof runtimeOptionsSchema>;

export const emulatorOptionsSchema = z.strictObject({
  /** Listen port; 0 picks a free one (see `Emulator.port`). @default 0 */
  port: z.number().int().min(0).max(65535).default(0),
  /** Listen host. @default '127.0.0.1' */
  host: z.string().min(1).default('127.0.0.1'),
  /**
   * When set, a request with a different `?key=` gets 400 "API key not valid". Without it any key
   * is accepted. A request with neither key nor Bearer token always gets 403.
   */
  apiKey: z.string().min(1).optional(),
  latencyMs: z.number().int().min(0).max(600_000).default(0),
  faultRate: z.number().min(0).max(1).default(0),
  faultKind: faultKind.default('503'),
  seed: z.number().int().optional(),
  /**
   * Google's corruptions of placeholders, code and links in prose (google-habits.ts): on, so tests
   * see what Google does to unprotected text. @default true
   */
  habits: z.boolean().default(true),
  /** Segments per request, like Google. @default 128 */
  maxSegments: z.number().int().min(1).default(128),
  /** UTF-8 bytes of all `q` together. @default 102400 */
  maxPayloadBytes: z.number().int().min(1).default(102_400),
  /** Raw request body cap, answered with 413 past it. @default 10485760 */
  maxBodyBytes: z
    .number()
    .int()
    .min(1024)
    .default(10 * 1024 * 1024),
  /** Translate requests kept in `stats().log`. @default 1000 */
  logSize: z.number().int().min(0).default(1000),
  /** Distinct texts tracked for `seenCount` (memory bound for long benchmarks). @default 500000 */
  maxSeenTexts: z.number().int().min(0).default(500_000),
});

export type EmulatorOptions = z.input<typeof emulatorOptionsSchema>;
export type ResolvedEmulatorOptions = z.output<typeof emulatorOptionsSchema>;

/** The behaviour in force right now (`GET /__emulator/options`). */
export interface EmulatorSettings {
  latencyMs: number;
  faultRate: number;
  faultKind: (typeof FAULT_KINDS)[number];
  hang: boolean;
  seed: number | null;
  /** Whether translations show Google's habits (google-habits.ts). */
  habits: boolean;
  /** Translate requests still to fail because of `failNext`. */
  failNextRemaining: number;
}

export class EmulatorOptionsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid emulator options: ${problems.join('; ')}`);
    this.name = 'EmulatorOptionsError';
  }
}

/** Parses with `schema` or throws EmulatorOptionsError listing every problem. */
export function parseOptions<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  throw new EmulatorOptionsError(
    result.error.issues.map((issue) => `${issue.path.join('.') || '(options)'}: ${issue.message}`),
  );
}
