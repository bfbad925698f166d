/**
 * Protocol versions. A client names the version it speaks in its `auth` frame (`protocol`,
 * absent = 1); the server answers `ready` with the version it speaks on that socket. See
 * "Versions" in `docs/protocol.md`.
 *
 * Rules: a server speaks every version in [{@link MIN_SUPPORTED_PROTOCOL}, {@link PROTOCOL_VERSION}].
 * A client newer than the server is answered in the server's version, so a client of version N
 * must also speak N−1. A client older than the minimum is refused with the
 * `protocol_unsupported` error and close code 4008.
 */

/** The version this package describes: the newest one its server and SDK speak. */
export const PROTOCOL_VERSION = 1;

/** The oldest version a server built from this package still accepts. Versions start at 1. */
export const MIN_SUPPORTED_PROTOCOL = 1;

/** The range of versions a server speaks. */
export interface ProtocolRange {
  min: number;
  max: number;
}

/**
 * The version a server answers a client's `auth` with: the client's own when the server speaks
 * it, the server's newest when the client is newer, and `null` when the client is older than
 * `range.min` (refuse it). `requested` absent means 1.
 */
export function negotiateProtocol(requested: number | undefined, range: ProtocolRange = { min: MIN_SUPPORTED_PROTOCOL, max: PROTOCOL_VERSION }): number | null {
  const version = requested ?? 1;
  return version < range.min ? null : Math.min(version, range.max);
}
