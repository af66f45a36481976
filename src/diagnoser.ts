// Composition of one diagnosis from configuration: builds the ports (probes, resolver, Cloudflare
// reader) once, and runs the engine with every check. Shared by the CLI and the workers.
import type { DiagnosisConfig } from './config.js';
import type { DiagnoseOptions } from './diagnosis/check.js';
import { ALL_CHECKS } from './diagnosis/checks/index.js';
import { type DiagnosisListener, diagnose } from './diagnosis/engine.js';
import type { Ports } from './diagnosis/ports.js';
import type { Report } from './diagnosis/report.js';
import type { Target } from './diagnosis/target.js';

export interface Diagnoser {
  run(target: Target, options: DiagnoseOptions, listener?: DiagnosisListener): Promise<Report>;
  close(): Promise<void>;
}

export interface DiagnoserOverrides {
  /** Extra CA certificates (PEM) to trust, beyond Node's store (tests use a lab CA). */
  extraCa?: string[];
  /** Replaces parts of the ports (benchmarks and tests of a single adapter). */
  ports?: Partial<Ports>;
}

export function createDiagnoser(config: DiagnosisConfig, overrides: DiagnoserOverrides = {}): Diagnoser {
  // Wired to the real probes and Cloudflare reader as they land (see src/probes, src/cloudflare).
  void config;
  const base: Ports = {
    resolver: { resolve: () => Promise.reject(new Error('resolver not wired yet')) },
    edge: { probe: () => Promise.reject(new Error('edge prober not wired yet')) },
    origin: { probe: () => Promise.reject(new Error('origin prober not wired yet')) },
    addresses: { check: () => ({ allowed: false, range: 'all', reason: 'guard not wired yet' }) },
    clock: { now: () => new Date() },
  };
  const ports: Ports = { ...base, ...overrides.ports };
  return {
    run: (target, options, listener) => diagnose(target, options, ports, ALL_CHECKS, listener),
    close: async () => {},
  };
}
