import { describe, expect, it } from 'vitest';
import { CloseCode, ErrorCode, HTTP_STATUS_FOR_ERROR, MIN_SUPPORTED_PROTOCOL, PROTOCOL_VERSION, negotiateProtocol } from '@quickchat/protocol';
import { parseFrame, ProtocolError } from '@quickchat/protocol/validate';

describe('protocol versions', () => {
  it('starts at 1, and the minimum is not newer than the current version', () => {
    expect(PROTOCOL_VERSION).toBe(1);
    expect(MIN_SUPPORTED_PROTOCOL).toBeGreaterThanOrEqual(1);
    expect(MIN_SUPPORTED_PROTOCOL).toBeLessThanOrEqual(PROTOCOL_VERSION);
  });

  it('has a dedicated error code and close code', () => {
    expect(ErrorCode.ProtocolUnsupported).toBe('protocol_unsupported');
    expect(CloseCode.ProtocolUnsupported).toBe(4008);
    expect(HTTP_STATUS_FOR_ERROR.protocol_unsupported).toBe(426);
  });

  describe('negotiateProtocol', () => {
    const range = { min: 2, max: 3 };

    it('treats an absent version as 1', () => {
      expect(negotiateProtocol(undefined)).toBe(1);
      expect(negotiateProtocol(undefined, { min: 1, max: 3 })).toBe(1);
      expect(negotiateProtocol(undefined, range)).toBeNull();
    });

    it('answers a supported version with itself', () => {
      expect(negotiateProtocol(2, range)).toBe(2);
      expect(negotiateProtocol(3, range)).toBe(3);
    });

    it('answers a newer client in the server version (the client must speak N-1)', () => {
      expect(negotiateProtocol(4, range)).toBe(3);
      expect(negotiateProtocol(PROTOCOL_VERSION + 1)).toBe(PROTOCOL_VERSION);
    });

    it('refuses a client older than the minimum', () => {
      expect(negotiateProtocol(1, range)).toBeNull();
      expect(negotiateProtocol(0)).toBeNull();
    });
  });

  describe('frames', () => {
    it('auth takes an optional non-negative integer protocol, and refuses other types', () => {
      expect(parseFrame(JSON.stringify({ type: 'auth', token: 't', protocol: 2 }))).toEqual({ type: 'auth', token: 't', protocol: 2 });
      expect(parseFrame(JSON.stringify({ type: 'auth', token: 't' }))).toEqual({ type: 'auth', token: 't' });
      // 0 is well-formed: negotiation, not validation, refuses it (with the dedicated code).
      expect(parseFrame(JSON.stringify({ type: 'auth', token: 't', protocol: 0 }))).toEqual({ type: 'auth', token: 't', protocol: 0 });
      for (const protocol of [-1, 1.5, '1', null]) {
        expect(parseFrame(JSON.stringify({ type: 'auth', token: 't', protocol }))).toBeInstanceOf(ProtocolError);
      }
    });
  });
});
