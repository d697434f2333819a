// A switch that makes a registry misbehave, so that the exchange and the portal can be
// tested against one that is down or slow. Per member code, for every registry server in
// this process; also from REGISTRY_FAULTS (`tax-committee=down,cadastre=slow:3000`) when a
// server starts, and over HTTP (`PUT /_faults/{member}`) outside production.

/**
 * `down`: the connection is dropped without an answer, as when nothing listens;
 * `slow`: the answer comes after a delay (10 s unless said);
 * `error`: 503 with `{ type: 'unavailable', message }`.
 */
export type RegistryFault = 'down' | 'slow' | 'error';

export interface FaultState { mode: RegistryFault; delayMs: number }

const DEFAULT_DELAY_MS = 10_000;
const faults = new Map<string, FaultState>();

/** Makes a member's registry misbehave (or behave again, with null). */
export function setRegistryFault(memberCode: string, mode: RegistryFault | null, options: { delayMs?: number } = {}): void {
  if (mode === null) faults.delete(memberCode);
  else faults.set(memberCode, { mode, delayMs: Math.max(0, Math.min(options.delayMs ?? DEFAULT_DELAY_MS, 600_000)) });
}

/** The fault set for a member, if any. */
export function registryFault(memberCode: string): FaultState | undefined {
  return faults.get(memberCode);
}

/** Every fault set, by member code. */
export function registryFaults(): Record<string, FaultState> {
  return Object.fromEntries(faults);
}

/** Clears every fault. */
export function clearRegistryFaults(): void {
  faults.clear();
}

/** Reads `member=mode[:delayMs]` pairs, comma-separated; throws on a malformed one. */
export function faultsFromEnv(value: string | undefined): void {
  for (const item of (value ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([a-z0-9-]+)=(down|slow|error)(?::(\d+))?$/.exec(item);
    if (!m) throw new Error(`REGISTRY_FAULTS: "${item}" is not member=down|slow|error[:delayMs]`);
    setRegistryFault(m[1], m[2] as RegistryFault, m[3] ? { delayMs: Number(m[3]) } : {});
  }
}
