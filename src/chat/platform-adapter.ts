// What a chat platform's inbound side gives `serve`: routes to mount on the one HTTP server (or
// none, for a platform that connects out, like Slack's Socket Mode), and a start/stop.
import type { Route } from '../http/route.js';

export interface PlatformAdapter {
  routes: Route[];
  start(): Promise<void>;
  stop(): Promise<void>;
}
