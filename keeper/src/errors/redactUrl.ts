/**
 * Endpoint URLs often carry an API key in the path or query (RPC providers, hosted subgraph gateways): logs
 * and errors show the origin only.
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const hidden = parsed.pathname.length > 1 || parsed.search !== '' || parsed.username !== '';
    return hidden ? `${parsed.protocol}//${parsed.host}/…` : `${parsed.protocol}//${parsed.host}`;
  } catch {
    return '(unparseable URL)';
  }
}
