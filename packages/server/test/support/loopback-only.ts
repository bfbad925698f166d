import { networkInterfaces } from 'node:os';

/**
 * Why WebRTC must not run here, or null when it may: peer connections gather candidates on every
 * interface, and test traffic may only reach loopback. So a WebRTC test runs only inside a network
 * namespace whose one interface is `lo` (CI's `npm test` runs in one; while developing, use
 * `scripts/loopback-only.sh npx vitest run <file>`), and reports itself skipped otherwise.
 */
export function notLoopbackOnly(): string | null {
  const interfaces = networkInterfaces();
  const outside = Object.entries(interfaces).filter(([, addresses]) => (addresses ?? []).some((a) => !a.internal));
  if (outside.length === 0) return null;
  return `this process sees non-loopback interfaces (${outside.map(([name]) => name).join(', ')}); WebRTC tests run only in a loopback-only network namespace: scripts/loopback-only.sh npx vitest run <file>`;
}
