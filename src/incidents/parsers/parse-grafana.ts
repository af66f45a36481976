// Grafana unified alerting webhook contact point: Alertmanager's shape plus `orgId`, `title`,
// `message`, and per alert `values`, `dashboardURL`, `panelURL`.
import type { ParsedPayload } from '../alert.js';
import { isObject } from './json-shape.js';
import { parsePrometheusAlerts } from './parse-prometheus-alerts.js';

export function parseGrafana(payload: unknown): ParsedPayload {
  if (!isObject(payload)) return { ok: false, reason: 'expected a JSON object (Grafana alerting webhook)' };
  if (!Array.isArray(payload['alerts']))
    return { ok: false, reason: 'not a Grafana alerting payload: alerts[] is missing' };
  return parsePrometheusAlerts(payload, 'grafana');
}
