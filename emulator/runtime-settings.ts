/**
 * The emulator's behaviour that tests and the chaos script change while it runs: latency, faults
 * (random, `failNext`, hang), the fault seed and Google's habits. `setOptions` validates before it changes anything.
 */
import {
  parseOptions,
  runtimeOptionsSchema,
  type EmulatorSettings,
  type ResolvedEmulatorOptions,
  type RuntimeOptions,
} from './emulator-options.js';
import { FaultPlan, type FaultKind } from './faults.js';

export class RuntimeSettings {
  private readonly faults = new FaultPlan();
  private readonly values: Omit<EmulatorSettings, 'failNextRemaining'>;

  constructor(initial: ResolvedEmulatorOptions) {
    this.values = {
      latencyMs: initial.latencyMs,
      faultRate: initial.faultRate,
      faultKind: initial.faultKind,
      hang: false,
      seed: initial.seed ?? null,
      habits: initial.habits,
    };
    this.faults.setSeed(initial.seed);
  }

  get latencyMs(): number {
    return this.values.latencyMs;
  }

  get habits(): boolean {
    return this.values.habits;
  }

  /** The fault for the request being handled now (any v2 method), or `undefined` to answer normally. */
  nextFault(): FaultKind | undefined {
    return this.faults.next(this.values);
  }

  current(): EmulatorSettings {
    return { ...this.values, failNextRemaining: this.faults.pendingFailNext };
  }

  /** Applies the given fields (throws EmulatorOptionsError, changing nothing, on bad ones). */
  setOptions(partial: RuntimeOptions): EmulatorSettings {
    const next = parseOptions(runtimeOptionsSchema, partial);
    if (next.latencyMs !== undefined) this.values.latencyMs = next.latencyMs;
    if (next.faultRate !== undefined) this.values.faultRate = next.faultRate;
    if (next.faultKind !== undefined) this.values.faultKind = next.faultKind;
    if (next.hang !== undefined) this.values.hang = next.hang;
    if (next.habits !== undefined) this.values.habits = next.habits;
    if (next.seed !== undefined) {
      this.values.seed = next.seed;
      this.faults.setSeed(next.seed ?? undefined);
    }
    if (next.failNext !== undefined) this.faults.failNext(next.failNext.count, next.failNext.kind);
    return this.current();
  }
}
