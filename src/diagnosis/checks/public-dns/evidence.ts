// The public-DNS check's evidence, per finding code (joined in diagnosis/evidence.ts).

/** What public resolvers answered for the host. */
type Answered = { host: string; cnames: string[]; resolvers: string[] };

export interface PublicDnsEvidence {
  'dns.public_ok': Answered & {
    addresses: string[];
    cloudflareAddresses: string[];
    otherAddresses: string[];
    allCloudflare: boolean;
  };
  'dns.public_resolution_failed': Answered & {
    errorCode: string;
    error: string | null;
    /** The last CNAME target, when it is the name that does not resolve. */
    danglingCname: string | null;
  };
  'dns.public_private_address': Answered & { address: string; range: string; reason: string };
  /** Added by the public-DNS correlation rule: a proxied host whose public answer is not Cloudflare's. */
  'dns.public_not_cloudflare': {
    host: string;
    addresses: string[];
    notCloudflare: string[];
    zone: string | undefined;
    resolvers: string[];
  };
}
