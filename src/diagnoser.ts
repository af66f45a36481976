// Composition of one diagnosis from configuration: builds the ports (guard, public resolver, edge
// and origin probers, Cloudflare reader) and runs the engine with every check. Shared by the CLI
// and the workers. The Cloudflare SDK is loaded only when a token is configured, so a diagnosis
// without one starts faster.

import type { FetchLike } from './cloudflare/api-client.js';
import type { DiagnosisConfig } from './config.js';
import type { DiagnoseOptions } from './diagnosis/check.js';
import { ALL_CHECKS, LIGHT_CHECKS } from './diagnosis/checks/index.js';
import type { CloudflareReader } from './diagnosis/cloudflare-reader.js';
import { type DiagnosisListener, diagnose } from './diagnosis/engine.js';
import type { Ports } from './diagnosis/ports.js';
import type { Report } from './diagnosis/report.js';
import type { Target } from './diagnosis/target.js';
import { createAddressPolicy } from './probes/address-policy.js';
import { createEdgeProber } from './probes/edge-prober.js';
import { createKeepAliveProber } from './probes/keepalive-prober.js';
import { createOriginProber } from './probes/origin-prober.js';
import { createPublicResolver, resolveAddresses } from './probes/public-resolver.js';
import { scrubValue } from './secrets/scrub-value.js';
import { type SecretBearingConfig, secretValues } from './secrets/secret-values.js';

export interface Diagnoser {
  run(target: Target, options: DiagnoseOptions, listener?: DiagnosisListener): Promise<Report>;
  close(): Promise<void>;
}

export interface DiagnoserOverrides {
  /** Extra CA certificates (PEM) to trust, beyond Node's store and NODE_EXTRA_CA_CERTS. */
  extraCa?: string[];
  /** Replaces parts of the ports (tests of a single adapter, benchmarks). */
  ports?: Partial<Ports>;
  /** The Cloudflare reader's fetch (e.g. one that counts 429s for /metrics). */
  cloudflareFetch?: FetchLike;
}

export function createDiagnoser(
  config: DiagnosisConfig & SecretBearingConfig,
  overrides: DiagnoserOverrides = {},
): Diagnoser {
  // Whatever an upstream quoted (an API echoing the token, a proxy's error page) is scrubbed here,
  // where the report and each streamed check leave the diagnosis: the CLI, --json, chat and the
  // job's stored result all start from these.
  const secrets = secretValues(config);
  const clean = <T>(value: T): T => scrubValue(value, secrets, { shapes: true });
  const policy = createAddressPolicy(config.allowPrivateNets);
  const resolver = createPublicResolver(config.dnsServers);
  const resolve = resolveAddresses(resolver);
  const extraCa = overrides.extraCa ? { extraCa: overrides.extraCa } : {};
  const base: Ports = {
    resolver,
    addresses: policy,
    edge: createEdgeProber({ resolve, policy, ...extraCa }),
    origin: createOriginProber({ resolve, policy, ...extraCa }),
    keepAlive: createKeepAliveProber({ resolve, policy }),
    clock: { now: () => new Date() },
    ...overrides.ports,
  };
  const newReader = config.cloudflareApiToken
    ? readerFactory(config.cloudflareApiToken, config.cloudflareBaseUrl, overrides.cloudflareFetch)
    : undefined;

  return {
    async run(target, options, listener) {
      // One reader per diagnosis: its call count is this report's `cloudflareApiCalls`.
      if (options.light) return clean(await diagnose(target, options, base, LIGHT_CHECKS));
      const cloudflare = overrides.ports?.cloudflare ?? (await newReader?.());
      const ports: Ports = cloudflare ? { ...base, cloudflare } : base;
      const onCheck = listener?.onCheck;
      const scrubbed: DiagnosisListener = onCheck
        ? { onCheck: (summary, findings) => onCheck(clean(summary), clean(findings)) }
        : {};
      return clean(await diagnose(target, options, ports, ALL_CHECKS, scrubbed));
    },
    close: async () => {},
  };
}

/** Loads the SDK once and shares one cache (zones, IP ranges) across this process's diagnoses. */
function readerFactory(
  token: string,
  baseUrl: string | undefined,
  fetch: FetchLike | undefined,
): () => Promise<CloudflareReader> {
  let loaded: Promise<() => CloudflareReader> | undefined;
  return () => {
    loaded ??= Promise.all([
      import('./cloudflare/create-cloudflare-reader.js'),
      import('./cloudflare/cloudflare-cache.js'),
    ]).then(([{ createCloudflareReader }, { createCloudflareCache }]) => {
      const cache = createCloudflareCache();
      return () =>
        createCloudflareReader({
          token,
          cache,
          ...(baseUrl !== undefined ? { baseUrl } : {}),
          ...(fetch !== undefined ? { fetch } : {}),
        });
    });
    return loaded.then((make) => make());
  };
}
