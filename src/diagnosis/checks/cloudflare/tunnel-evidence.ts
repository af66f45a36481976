// The tunnel's evidence, per finding code (joined in diagnosis/evidence.ts): the tunnel, its
// connectors, and the ingress rule for the host when the configuration is remote.

export type ConnectorEvidence = {
  id: string;
  version: string | undefined;
  originIps: string[];
  colos: string[];
};

export type TunnelEvidence = {
  host: string;
  tunnelId: string;
  tunnelName: string;
  /** inactive | degraded | healthy | down (the API's words). */
  status: string;
  activeConnections?: number;
  connectors?: ConnectorEvidence[];
  connsInactiveAt?: string;
  configSource?: string;
  /** Set when the ingress rules live in the connector's config.yml, out of the API's sight. */
  ingress?: string;
  service?: string;
  ingressHostname?: string;
  ingressPath?: string;
};

export interface TunnelEvidenceByCode {
  'tunnel.ok': TunnelEvidence;
  'tunnel.degraded': TunnelEvidence;
  'tunnel.no_ingress_rule': TunnelEvidence;
  'tunnel.down':
    | TunnelEvidence
    // The CNAME's tunnel does not exist (deleted, or in another account).
    | { host: string; tunnelId: string; status: 'deleted' | 'not_found'; activeConnections: 0 };
  /** Added by the tunnel-service rule: a connected tunnel while the edge shows 502. */
  'tunnel.service_unreachable': {
    tunnelId: string;
    tunnelName: string;
    status: string;
    activeConnections: number;
    edgeStatus: number | undefined;
    service: string;
    rayId?: string;
  };
}
