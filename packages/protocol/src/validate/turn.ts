import { z } from 'zod';

/**
 * One entry of `RTCConfiguration.iceServers`, ready to hand to `new RTCPeerConnection()`. STUN
 * entries carry only `urls`; TURN entries also carry a short-lived `username` and `credential`
 * (TURN REST API: `username` is `<unix expiry seconds>:<userId>`, `credential` is
 * `base64(HMAC-SHA1(secret, username))`). The secret itself never leaves the server.
 */
export const iceServer = z.object({
  urls: z.array(z.string().min(1)).min(1),
  username: z.string().min(1).optional(),
  credential: z.string().min(1).optional(),
});

/**
 * GET /api/turn-credentials: the ICE servers a call should use. `turn` is false when the server
 * has no TURN URLs configured (then `iceServers` holds only STUN, or nothing, and `note` says
 * so); calls then connect only where a direct path exists. The credentials stop working at
 * `expiresAt` (ms since the epoch, `ttlSeconds` after issue, never more than an hour): ask again
 * before each call rather than keeping them.
 */
export const turnCredentialsResponse = z.object({
  iceServers: z.array(iceServer),
  turn: z.boolean(),
  ttlSeconds: z.int().min(1),
  expiresAt: z.number(),
  note: z.string().optional(),
});
