// The zone-settings check's evidence, per finding code (joined in diagnosis/evidence.ts).

export interface ZoneSettingsEvidence {
  'ssl.automatic': { sslAutomaticMode: 'auto'; mode: string | null };
  /** HTTP/2 to origin is on while the edge shows the code an origin with broken HTTP/2 causes. */
  'origin.max_http_version': { originMaxHttpVersion: '2'; edgeCode: number };
}
