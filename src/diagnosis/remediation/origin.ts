// Steps for what the direct origin probe found, written from its evidence: the address and port,
// the certificate's names and dates, the setting to change and where it lives in the dashboard.
import type { EndpointEvidence } from '../checks/origin/evidence.js';
import { type StepsByCode, str } from './steps.js';

const IPS = 'https://www.cloudflare.com/ips/';

/** Any origin finding's evidence: every key may be missing (see Steps). */
type Seen = Partial<EndpointEvidence>;

function where(e: Seen): string {
  return str(e.endpoint, `${str(e.address, 'the origin')}:${str(e.port, '?')}`);
}

function port(e: Seen): string {
  return str(e.port, '443');
}

function names(e: { names?: unknown }): string {
  const list = Array.isArray(e.names) ? e.names.filter((n): n is string => typeof n === 'string') : [];
  return list.length > 0 ? list.join(', ') : 'no names';
}

export const ORIGIN_STEPS: StepsByCode = {
  'origin.connection_refused': (e) => [
    `Nothing accepts connections on ${where(e)}: start the web server (e.g. \`sudo systemctl status nginx\`) and check it listens on that port and address: \`sudo ss -ltnp 'sport = :${port(e)}'\`.`,
    `If it does listen, a firewall is rejecting connections: allow TCP ${port(e)} from Cloudflare's ranges (${IPS}) in the host firewall (ufw/iptables/nftables) and the cloud security group.`,
    `Check the port matches the SSL mode (SSL/TLS → Overview): Flexible connects to 80, Full and Full (strict) to 443.`,
  ],
  'origin.connect_timeout': (e) => [
    `Packets to ${where(e)} are dropped: allow TCP ${port(e)} from all of Cloudflare's ranges (${IPS}) in the host firewall, the cloud security group / network ACL, and any security plugin or fail2ban rule that may have banned them.`,
    `Check the DNS record in Cloudflare (DNS → Records) still points at the origin's current public IP (${str(e.resolvedAddress, str(e.address, '?'))}); a stale IP after a migration times out exactly like this.`,
    `From the origin, check the server is up and reachable: \`sudo ss -ltnp 'sport = :${port(e)}'\`, and \`mtr -T -P ${port(e)} ${str(e.resolvedAddress, str(e.address, '<origin>'))}\` from another network.`,
  ],
  'origin.unreachable': (e) => [
    `There is no route to ${where(e)}: check the address in DNS → Records is the origin's current public IP and that the machine and its network are up.`,
    'If the origin moved or its IP changed, update the record; if it is behind a NAT without a public address, publish it with a Cloudflare Tunnel (`cloudflared`).',
  ],
  'origin.connection_reset': (e) => [
    ...(e.receivedBytes !== undefined
      ? [
          `The server at ${where(e)} sends its headers and then breaks the body off after ${str(e.receivedBytes, '?')} bytes${e.expectedBytes !== null && e.expectedBytes !== undefined ? ` of ${str(e.expectedBytes, '?')}` : ''}: look for a worker killed mid-response (PHP-FPM \`request_terminate_timeout\`, OOM killer in \`dmesg\`, gunicorn \`timeout\`), a wrong Content-Length from the app, or a proxy buffer limit (nginx \`proxy_max_temp_file_size\`, \`fastcgi_buffers\`).`,
        ]
      : []),
    `The server at ${where(e)} accepts connections and then drops them: read its error log at the time of the probe (nginx: \`/var/log/nginx/error.log\`; Apache: \`error.log\`) and the application's log for crashes or worker exhaustion.`,
    `Check nothing between Cloudflare and the server (a load balancer, WAF, fail2ban, DDoS protection) resets connections; allow Cloudflare's ranges (${IPS}).`,
    'Keep HTTP keep-alive enabled on the origin (nginx `keepalive_timeout` ≥ 75 s); Cloudflare reuses connections and reports 520 when the origin closes them mid-request.',
  ],
  'origin.tls_handshake_failed': (e) =>
    str(e.errorCode, '').includes('CERTIFICATE_REQUIRED') ? clientCertSteps(e) : handshakeSteps(e),
  'origin.tls_cert_expired': (e) => [
    `The origin certificate for ${names(e)} expired on ${str(e.notAfter, '?')}: renew it and reload the web server (Let's Encrypt: \`sudo certbot renew && sudo systemctl reload nginx\`).`,
    'Or install a 15-year Cloudflare Origin CA certificate: SSL/TLS → Origin Server → Create Certificate; Full (strict) trusts it.',
    'Until then, SSL/TLS → Overview → "Full" (not strict) stops the 526, at the cost of not verifying the origin; switch back once renewed.',
  ],
  'origin.tls_cert_untrusted': (e) => [
    `The origin presents a certificate from ${str(e.issuer, 'an unknown issuer')}${e.selfSigned === true ? ' (self-signed)' : ''}, which Full (strict) does not trust: replace it with one from a public CA (Let's Encrypt) or a Cloudflare Origin CA certificate (SSL/TLS → Origin Server → Create Certificate).`,
    'If the certificate is from a public CA, install the full chain (leaf + intermediates), e.g. nginx `ssl_certificate` pointing at `fullchain.pem`.',
    'Temporary workaround: SSL/TLS → Overview → "Full" accepts any certificate; switch back to Full (strict) once fixed.',
  ],
  'origin.tls_cert_hostname_mismatch': (e) => [
    `The origin certificate names ${names(e)}, not ${str(e.host, 'the site')}: issue one that includes ${str(e.host, 'the site')} (or a wildcard for its parent) and install it on ${where(e)}.`,
    `If the server has several sites, check it selects the right certificate by SNI for ${str(e.host, 'the site')} (nginx \`server_name\`), and that a default server is not answering.`,
    'A Cloudflare Origin CA certificate can cover the apex and a wildcard (SSL/TLS → Origin Server → Create Certificate).',
  ],
  'origin.tls_cert_expiring': (e) => [
    `The origin certificate for ${names(e)} expires on ${str(e.notAfter, '?')} (in ${str(e.daysLeft, '?')} days): renew it now (\`sudo certbot renew\`) and check the renewal timer runs (\`systemctl list-timers | grep certbot\`).`,
  ],
  'origin.invalid_response': (e) => [
    `What ${where(e)} sends is not valid HTTP (${str(e.errorCode, 'parse error')}): check that port ${port(e)} runs the web server and not another service, and read the application log for crashes while writing responses.`,
    `Test the raw answer: \`curl -sv --resolve ${str(e.host, '<site>')}:${port(e)}:${str(e.resolvedAddress, '<origin-ip>')} ${str(e.scheme, 'https')}://${str(e.host, '<site>')}/\`.`,
  ],
  'origin.response_timeout': (e) => [
    `${where(e)} ${e.waitedMs === undefined ? `answers only after ${Math.round(Number(e.ttfbMs ?? 0) / 100) / 10} s` : `accepts the request but sent nothing within ${Math.round(Number(e.waitedMs) / 1000)} s`}: look for stuck workers or slow queries (application logs, \`top\`, database slow-query log), and time it yourself: \`curl -so /dev/null -w '%{time_starttransfer}\\n' --resolve ${str(e.host, '<site>')}:${port(e)}:${str(e.resolvedAddress, '<origin-ip>')} ${str(e.scheme, 'https')}://${str(e.host, '<site>')}/\`.`,
    /Cache Rule/.test(str(e.proxyReadTimeoutFrom, ''))
      ? `Cloudflare waits ${str(e.proxyReadTimeoutS, '100')} s for this request because of ${str(e.proxyReadTimeoutFrom, 'a Cache Rule')} (Rules → Cache Rules → Proxy Read Timeout): raise it or remove it if it is shorter than the origin needs, or move long-running work to background jobs with polling.`
      : `Cloudflare waits ${str(e.proxyReadTimeoutS, '100')} s (proxy_read_timeout) before showing 524: move long-running work to background jobs with polling; Enterprise zones can raise proxy_read_timeout (zone setting, or per path with a Cache Rule).`,
  ],
  'origin.requires_client_cert': (e) => {
    const aop = str(e.aop, 'unknown');
    const cloudflareSide =
      "In Cloudflare: SSL/TLS → Origin Server → Authenticated Origin Pulls. Zone-level AOP presents Cloudflare's shared certificate (the origin trusts `authenticated_origin_pull_ca.pem` from Cloudflare's docs); per-zone or per-hostname AOP presents a certificate you upload, for hosts you associate with it.";
    const originSide = `On the origin ${where(e)}: trust exactly the certificate Cloudflare presents (nginx: \`ssl_client_certificate /etc/ssl/authenticated_origin_pull_ca.pem; ssl_verify_client on;\`), or stop requiring client certificates (\`ssl_verify_client off\`) if you did not mean to.`;
    if (aop === 'on')
      return [
        `Cloudflare presents its certificate (${str(e.aopSource, 'AOP on')}). If the edge still fails, the origin does not trust that certificate: the shared one and a per-zone/per-hostname upload are different certificates.`,
        originSide,
        cloudflareSide,
      ];
    return [
      aop === 'off'
        ? `Cloudflare does not present a client certificate (${str(e.aopSource, 'AOP off')}): turn Authenticated Origin Pulls on for this host, or the origin keeps refusing Cloudflare.`
        : `Check whether Authenticated Origin Pulls is on for this host (${str(e.aopSource, 'unknown')}); without it Cloudflare presents no certificate and the origin refuses it.`,
      cloudflareSide,
      originSide,
    ];
  },
  'origin.http2_broken': (e) => [
    `Turn off HTTP/2 to the origin until ${where(e)} speaks it properly: Speed → Optimization → Protocol Optimization → "HTTP/2 to Origin" off (API: zone setting origin_max_http_version = "1").`,
    `Or stop advertising h2 on the origin: remove \`http2\` from the \`listen ${port(e)} ssl\` line (nginx) or \`Protocols h2\` (Apache), or fix the proxy in front that offers h2 it cannot serve; test with \`curl -sv --http2 --resolve ${str(e.host, '<site>')}:${port(e)}:${str(e.resolvedAddress, '<origin-ip>')} https://${str(e.host, '<site>')}/\`.`,
  ],
  'origin.http_5xx': (e) => [
    typeof e.gatewayPage === 'string'
      ? `${str(e.gatewayPage, 'The web server')} on ${where(e)} answers ${str(e.status, '5xx')} itself: its upstream application is down or not answering. Restart the app (e.g. \`sudo systemctl status <app>\`, php-fpm, gunicorn, node) and check the proxy_pass / upstream address it forwards to.`
      : `The application on ${where(e)} answers ${str(e.status, '5xx')}: read its error log for the failing request and fix or restart it.`,
    `Read the web server error log (nginx: \`/var/log/nginx/error.log\`) for "connect() failed" or "upstream timed out" lines naming the upstream.`,
  ],
  'origin.headers_too_large': (e) => [
    `The origin sends ${str(e.headerBytes, 'over 16 KB of')} bytes of response headers${e.largestHeaderBytes ? ` (the largest line ${str(e.largestHeaderBytes, '?')} bytes)` : ''}; Cloudflare accepts at most 32 KB in total and 16 KB per header, and shows 520 past them: trim large cookies (Set-Cookie) and custom headers (CSP, debug or tracing headers).`,
  ],
  'origin.resolution_failed': (e) => [
    `The origin name ${str(e.address, '?')} does not resolve (${str(e.errorCode, 'lookup failed')}): check the name, and that its A/AAAA records exist at its DNS provider (\`dig +short ${str(e.address, '<name>')}\`).`,
  ],
};

function handshakeSteps(e: Seen): string[] {
  return [
    str(e.errorCode, '') === 'ERR_SSL_WRONG_VERSION_NUMBER'
      ? `Port ${port(e)} on ${str(e.resolvedAddress, str(e.address, 'the origin'))} speaks plain HTTP, not TLS: configure HTTPS there (nginx: \`listen ${port(e)} ssl;\` with \`ssl_certificate\` and \`ssl_certificate_key\`), then \`sudo nginx -t && sudo systemctl reload nginx\`.`
      : `Make ${where(e)} complete a TLS handshake: install a certificate and key for ${str(e.host, 'the site')} and enable TLS on port ${port(e)}; test with \`openssl s_client -connect ${where(e)} -servername ${str(e.host, '<site>')}\`.`,
    'A free Cloudflare Origin CA certificate is the simplest fix: SSL/TLS → Origin Server → Create Certificate, install it on the origin; Full (strict) trusts it.',
    'Check the origin supports SNI and a modern protocol (TLS 1.2 or 1.3) with common ECDHE ciphers; until HTTPS works, setting SSL/TLS → Overview to "Flexible" is only a stop-gap.',
  ];
}

function clientCertSteps(e: Seen): string[] {
  return [
    `The origin ${where(e)} requires a TLS client certificate (Authenticated Origin Pulls). Make sure the zone has it on: SSL/TLS → Origin Server → Authenticated Origin Pulls, so Cloudflare presents its certificate.`,
    'If the origin trusts a per-zone or per-hostname certificate, upload that certificate to Cloudflare; otherwise turn off client-certificate verification on the origin (nginx `ssl_verify_client`).',
    "The bot cannot present Cloudflare's client certificate, so it cannot see past this handshake: judge the rest from the edge.",
  ];
}
