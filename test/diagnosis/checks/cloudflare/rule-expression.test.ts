import { describe, expect, it } from 'vitest';
import {
  evaluateExpression,
  type RequestFields,
} from '../../../../src/diagnosis/checks/cloudflare/rule-expression.js';

const shop: RequestFields = { host: 'shop.example.com', path: '/api/v1/cart', query: 'x=1', scheme: 'https' };
const ev = (expression: string, request: RequestFields = shop) => evaluateExpression(expression, request);

describe('Rules language expressions against the diagnosed request', () => {
  it('host equality in both spellings, sets, and the match-all expression', () => {
    expect(ev('(http.host eq "shop.example.com")')).toBe(true);
    expect(ev('http.host == "www.example.com"')).toBe(false);
    expect(ev('http.host in {"www.example.com" "shop.example.com"}')).toBe(true);
    expect(ev('true')).toBe(true);
    expect(ev('http.host ne "shop.example.com"')).toBe(false);
  });

  it('path operators and functions the dashboard writes', () => {
    expect(ev('starts_with(http.request.uri.path, "/api/")')).toBe(true);
    expect(ev('http.request.uri.path contains "/v1/"')).toBe(true);
    expect(ev('http.request.uri.path matches "^/api/v[0-9]+/"')).toBe(true);
    expect(ev('http.request.uri.path ~ "^/static"')).toBe(false);
    expect(ev('ends_with(http.request.uri.path, ".php")')).toBe(false);
    expect(ev('http.request.uri eq "/api/v1/cart?x=1"')).toBe(true);
    expect(ev('http.request.full_uri wildcard "https://shop.example.com/api/*"')).toBe(true);
    expect(ev('http.host strict wildcard "SHOP.*"')).toBe(false);
    expect(ev('http.host wildcard "SHOP.*"')).toBe(true);
    expect(ev('lower(http.host) eq "shop.example.com" and ssl')).toBe(true);
    expect(ev('not ssl', { ...shop, scheme: 'http' })).toBe(true);
  });

  it('fields the bot cannot know make the rule unknown, unless the rest decides it', () => {
    expect(ev('ip.src.country eq "DE"')).toBe('unknown');
    expect(ev('http.host eq "www.example.com" and ip.src.country eq "DE"')).toBe(false);
    expect(ev('http.host eq "shop.example.com" and ip.src.country eq "DE"')).toBe('unknown');
    expect(ev('http.host eq "shop.example.com" or cf.bot_management.score lt 30')).toBe(true);
    expect(ev('any(http.request.headers["x-env"][*] == "staging")')).toBe('unknown');
    expect(ev('ip.src in {192.0.2.0/24 2001:db8::/32} and http.host eq "a.example.com"')).toBe(false);
    expect(ev('http.host in $hosts')).toBe('unknown');
  });

  it('raw strings, escapes, && || and a syntax it does not know', () => {
    expect(ev('http.request.uri.path matches r"^/api/v\\d+/" && http.host == "shop.example.com"')).toBe(true);
    expect(ev('http.host eq "sh\\"op" || http.host eq "shop.example.com"')).toBe(true);
    expect(ev('http.host eq')).toBe('unknown');
    expect(ev('http.host === "x"')).toBe('unknown');
  });
});
