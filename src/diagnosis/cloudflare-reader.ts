// What the core needs to read from the Cloudflare API. Implemented in src/cloudflare/ with the SDK.
// (Filled in by the Cloudflare API issue; the engine only needs the type to exist.)

export interface CloudflareReader {
  /** API requests made so far through this reader (for the report's budget figure). */
  readonly callCount: number;
}
