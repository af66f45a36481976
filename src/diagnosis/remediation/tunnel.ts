import { type StepsByCode, str } from './steps.js';

export const TUNNEL_STEPS: StepsByCode = {
  'tunnel.down': (e) => {
    const name = str(e.tunnelName, str(e.tunnelId, '<tunnel>'));
    if (e.status === 'not_found' || e.status === 'deleted') {
      return [
        `The CNAME points at tunnel ${str(e.tunnelId, '?')}, which no longer exists: list your tunnels with \`cloudflared tunnel list\`.`,
        `Point the host at a live tunnel: \`cloudflared tunnel route dns --overwrite-dns <tunnel-name> ${str(e.host, '<host>')}\`.`,
      ];
    }
    return [
      `On the connector host, check the service: \`systemctl status cloudflared\` (or \`docker ps\` for a container) and its log: \`journalctl -u cloudflared -n 100\`.`,
      `Start it: \`sudo systemctl start cloudflared\`, or run it by hand: \`cloudflared tunnel run ${name}\`.`,
      `Confirm it registered: \`cloudflared tunnel info ${name}\` should list connectors with 4 connections.`,
      'If it starts but cannot connect, allow outbound UDP and TCP port 7844 to Cloudflare (region1.v2.argotunnel.com, region2.v2.argotunnel.com).',
    ];
  },
  'tunnel.degraded': (e) => [
    `Check \`cloudflared tunnel info ${str(e.tunnelName, '<tunnel>')}\`: each connector should hold 4 connections (now ${str(e.activeConnections, 'fewer')} in total).`,
    'Allow outbound UDP 7844 (QUIC) and TCP 7844 (HTTP/2 fallback) from the connector host; check `journalctl -u cloudflared` for "failed to dial" errors.',
    'Run a second connector (`cloudflared tunnel run` on another host) for redundancy.',
  ],
  'tunnel.service_unreachable': (e) => [
    `On the connector host, check the ingress service ${str(e.service, '(see the tunnel configuration)')} answers: \`curl -sv ${str(e.service, 'http://localhost:<port>')}\`.`,
    'If it is refused, start the application or fix the port in the ingress rule (dashboard → Zero Trust → Networks → Tunnels → Configure → Public Hostname).',
    "If cloudflared logs `malformed HTTP response` the scheme is wrong (http:// vs https://); for x509 errors set originServerName or noTLSVerify in the rule's origin settings.",
    `Watch \`journalctl -u cloudflared -f\` while reloading the page to see the exact error for tunnel ${str(e.tunnelName, '')}.`,
  ],
  'tunnel.no_ingress_rule': (e) => [
    `Add a public hostname for ${str(e.host, 'the host')} to tunnel ${str(e.tunnelName, '<tunnel>')}: dashboard → Zero Trust → Networks → Tunnels → Configure → Public Hostname → Add, pointing at the local service.`,
    'For a locally managed tunnel, add an ingress rule with that hostname above the catch-all in config.yml and restart cloudflared (`cloudflared tunnel ingress validate` checks it).',
  ],
};
