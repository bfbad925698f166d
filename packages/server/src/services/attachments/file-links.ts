import { createHmac, timingSafeEqual } from 'node:crypto';

/** Which bytes of a file a link serves. */
export type FileVariant = 'original' | 'thumbnail';

/** A link is valid for at least this long; see {@link FileLinks.sign}. */
const FILE_LINK_TTL_MS = 5 * 60_000;
/** Expiry times are rounded up to this step, so links asked for within one step are the same URL (and browsers cache them). */
const EXPIRY_STEP_MS = 60_000;

/** A verified link's claims. */
export interface VerifiedLink {
  id: string;
  variant: FileVariant;
  expiresAt: number;
}

/**
 * Signed, short-lived download URLs: `/files/<id>?v=<variant>&exp=<ms>&sig=<HMAC>`. They carry
 * no user token (so they are safe in `<img src>`, logs and history) and grant one variant of
 * one file until `exp`. The HMAC-SHA256 key is the install's generated `fileLinkSecret`.
 */
export class FileLinks {
  constructor(
    private readonly secret: string,
    private readonly now: () => number,
  ) {}

  /** A path (relative to the server's base URL) for one variant of a file, and when it expires. */
  sign(id: string, variant: FileVariant): { url: string; expiresAt: number } {
    const expiresAt = Math.ceil((this.now() + FILE_LINK_TTL_MS) / EXPIRY_STEP_MS) * EXPIRY_STEP_MS;
    const sig = this.mac(id, variant, expiresAt);
    return { url: `/files/${encodeURIComponent(id)}?v=${variant}&exp=${expiresAt}&sig=${sig}`, expiresAt };
  }

  /**
   * Checks a link's parts: `'invalid'` when the signature does not match them (forged, altered
   * or malformed), `'expired'` when it matched but its time is up, else what it grants.
   */
  verify(id: string, query: Record<string, unknown>): VerifiedLink | 'invalid' | 'expired' {
    const { v, exp, sig } = query;
    if ((v !== 'original' && v !== 'thumbnail') || typeof exp !== 'string' || !/^\d{1,15}$/.test(exp) || typeof sig !== 'string') return 'invalid';
    const expiresAt = Number(exp);
    const expected = Buffer.from(this.mac(id, v, expiresAt));
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
    if (expiresAt <= this.now()) return 'expired';
    return { id, variant: v, expiresAt };
  }

  private mac(id: string, variant: FileVariant, expiresAt: number): string {
    return createHmac('sha256', this.secret).update(`${id}\n${variant}\n${expiresAt}`).digest('base64url');
  }
}
