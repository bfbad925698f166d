/**
 * The two web-platform globals the protocol uses, typed minimally. Both are WHATWG standards
 * present in every runtime the protocol targets (browsers, Node >= 18, Deno, Bun), so the package
 * type-checks against ES2023 alone, without the DOM lib or Node types (see tsconfig.json).
 * Declarations only, seen by this project alone: nothing here is emitted or published.
 */

export {};

declare global {
  /** Decodes bytes as text (`parseFrame` of a binary frame). */
  var TextDecoder: new (label?: string, options?: { fatal?: boolean }) => {
    decode(input?: Uint8Array | ArrayBuffer): string;
  };

  /** Parses a URL (the avatar URL check). */
  var URL: new (url: string, base?: string) => {
    readonly protocol: string;
    readonly pathname: string;
  };
}
