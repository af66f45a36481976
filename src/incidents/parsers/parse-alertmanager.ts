// Prometheus Alertmanager `webhook_config` payload, version "4": one request carries a group of
// alerts (possibly for many sites), each firing or resolved.
import type { ParsedPayload } from '../alert.js';
import { isObject, str } from './json-shape.js';
import { parsePrometheusAlerts } from './parse-prometheus-alerts.js';

export function parseAlertmanager(payload: unknown): ParsedPayload {
  if (!isObject(payload)) return { ok: false, reason: 'expected a JSON object (Alertmanager webhook v4)' };
  const version = payload['version'];
  if (version !== undefined && version !== '4')
    return {
      ok: false,
      reason: `unsupported Alertmanager webhook version ${JSON.stringify(version)} (expected "4")`,
    };
  if (!Array.isArray(payload['alerts']))
    return { ok: false, reason: 'not an Alertmanager payload: alerts[] is missing' };
  if (payload['groupKey'] !== undefined && str(payload, 'groupKey') === undefined)
    return { ok: false, reason: 'groupKey must be a string' };
  return parsePrometheusAlerts(payload, 'alertmanager');
}
