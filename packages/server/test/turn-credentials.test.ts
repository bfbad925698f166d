import { describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { schemas } from '@quickchat/protocol/validate';
import { ErrorCode } from '@quickchat/protocol';
import { turnCredential } from '../src/turn/credentials.js';
import { TurnService } from '../src/turn/turn-service.js';
import { ConfigError, resolveConfig, type TurnOptions } from '../src/config.js';
import { optionsFromCli } from '../src/cli.js';
import { AppError } from '../src/errors.js';

const NOW = 1_700_000_000_000;

describe('TURN REST API credentials', () => {
  it('match a known vector: username "<expiry seconds>:<userId>", credential base64(HMAC-SHA1(secret, username))', () => {
    const c = turnCredential('north-wind-secret', 'u_alice', 3600, NOW);
    expect(c.username).toBe('1700003600:u_alice');
    // Computed once with `openssl dgst -sha1 -hmac north-wind-secret -binary | base64`.
    expect(c.credential).toBe('/XYWUwE7krPsaCaV2NjzyPLurI4=');
    expect(c.credential).toBe(createHmac('sha1', 'north-wind-secret').update(c.username).digest('base64'));
    expect(c.expiresAt).toBe(1_700_003_600_000);
  });

  it('expire ttl seconds after issue, whole seconds, and depend on secret, user and time', () => {
    const c = turnCredential('s', 'u_bob', 600, NOW + 999);
    expect(c.username).toBe(`${1_700_000_600}:u_bob`);
    expect(c.expiresAt - (NOW + 999)).toBeLessThanOrEqual(600_000);
    expect(c.expiresAt - (NOW + 999)).toBeGreaterThan(599_000);
    expect(turnCredential('s2', 'u_bob', 600, NOW).credential).not.toBe(turnCredential('s', 'u_bob', 600, NOW).credential);
    expect(turnCredential('s', 'u_carol', 600, NOW).credential).not.toBe(turnCredential('s', 'u_bob', 600, NOW).credential);
    expect(turnCredential('s', 'u_bob', 600, NOW + 1000).username).not.toBe(turnCredential('s', 'u_bob', 600, NOW).username);
  });

  it('keep a user id with colons whole after the expiry (coturn reads the expiry before the first colon)', () => {
    const c = turnCredential('s', 'idp:1234', 60, NOW);
    expect(c.username).toBe('1700000060:idp:1234');
    expect(c.credential).toBe(createHmac('sha1', 's').update('1700000060:idp:1234').digest('base64'));
  });
});

describe('TurnService', () => {
  const turn = (options: TurnOptions) => resolveConfig({ dataDir: '/tmp/unused', turn: options }).turn;

  it('hands out STUN URLs as they are and TURN URLs with a credential for the caller', () => {
    const service = new TurnService(turn({ urls: ['stun:turn.example.com:3478', 'turn:turn.example.com:3478?transport=udp', 'turns:turn.example.com:5349?transport=tcp'], ttlSec: 900 }), 'sekrit', 30, () => NOW);
    const res = service.issue('u_alice');
    expect(schemas.turnCredentialsResponse.parse(res)).toEqual(res);
    const expected = turnCredential('sekrit', 'u_alice', 900, NOW);
    expect(res).toEqual({
      iceServers: [
        { urls: ['stun:turn.example.com:3478'] },
        { urls: ['turn:turn.example.com:3478?transport=udp', 'turns:turn.example.com:5349?transport=tcp'], username: expected.username, credential: expected.credential },
      ],
      turn: true,
      ttlSeconds: 900,
      expiresAt: expected.expiresAt,
    });
    expect(JSON.stringify(res)).not.toContain('sekrit');
  });

  it('says so when no TURN is configured: STUN only, or nothing, with turn false and a note', () => {
    const stunOnly = new TurnService(turn({ urls: ['stun:stun.example.com'] }), 'sekrit', 30, () => NOW).issue('u_alice');
    expect(stunOnly).toMatchObject({ iceServers: [{ urls: ['stun:stun.example.com'] }], turn: false, note: expect.stringMatching(/no TURN server is configured/) });
    expect(stunOnly.iceServers[0]).not.toHaveProperty('credential');
    const none = new TurnService(turn({}), 'sekrit', 30, () => NOW).issue('u_alice');
    expect(none).toMatchObject({ iceServers: [], turn: false, ttlSeconds: 3600, note: expect.stringMatching(/--turn-urls/) });
  });

  it('limits requests per user, not across users, and refills with time', () => {
    let now = NOW;
    const service = new TurnService(turn({ urls: ['turn:t.example:3478'] }), 's', 2, () => now);
    service.issue('u_a');
    service.issue('u_a');
    const refused = (() => {
      try {
        service.issue('u_a');
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe(ErrorCode.RateLimited);
    expect((refused as AppError).retryAfterMs).toBeGreaterThan(0);
    expect(service.issue('u_b').turn).toBe(true);
    now += (refused as AppError).retryAfterMs!;
    expect(service.issue('u_a').turn).toBe(true);
  });
});

describe('TURN configuration', () => {
  const resolve = (turn: TurnOptions) => () => resolveConfig({ dataDir: '/tmp/unused', turn });

  it('defaults to no URLs and a one-hour TTL', () => {
    expect(resolveConfig({ dataDir: '/tmp/unused' }).turn).toEqual({ stunUrls: [], turnUrls: [], ttlSec: 3600 });
  });

  it('splits URLs by kind, IPv6 hosts included', () => {
    expect(resolve({ urls: ['stuns:a.example:5349', 'turn:[::1]:3478?transport=tcp', 'stun:127.0.0.1'], ttlSec: 60 })().turn).toEqual({
      stunUrls: ['stuns:a.example:5349', 'stun:127.0.0.1'],
      turnUrls: ['turn:[::1]:3478?transport=tcp'],
      ttlSec: 60,
    });
  });

  it.each<[string, TurnOptions, RegExp]>([
    ['a TTL over one hour', { ttlSec: 3601 }, /turn\.ttlSec.*at most an hour/],
    ['a TTL of a day', { ttlSec: 86_400 }, /turn\.ttlSec/],
    ['a TTL under a minute', { ttlSec: 59 }, /turn\.ttlSec/],
    ['a fractional TTL', { ttlSec: 90.5 }, /turn\.ttlSec/],
    ['an http URL', { urls: ['https://turn.example.com'] }, /turn\.urls: "https:\/\/turn\.example\.com"/],
    ['a URL with a path', { urls: ['turn:turn.example.com/x'] }, /turn\.urls/],
    ['a URL with credentials in it', { urls: ['turn:user:pw@turn.example.com'] }, /turn\.urls/],
    ['a STUN URL with a transport', { urls: ['stun:s.example?transport=udp'] }, /turn\.urls/],
    ['an unknown transport', { urls: ['turn:t.example?transport=sctp'] }, /turn\.urls/],
  ])('refuses %s with a ConfigError naming it', (_label, turn, message) => {
    expect(resolve(turn)).toThrow(ConfigError);
    expect(resolve(turn)).toThrow(message);
  });

  it('reads --turn-urls/--turn-ttl, or QUICKCHAT_TURN_URLS/QUICKCHAT_TURN_TTL, flags first; the secret only from the environment', () => {
    const env = { QUICKCHAT_TURN_URLS: 'stun:env.example, turn:env.example:3478', QUICKCHAT_TURN_TTL: '1200', QUICKCHAT_TURN_SECRET: 'from-env' };
    const fromEnv = optionsFromCli([], env);
    expect(fromEnv.turn).toEqual({ urls: ['stun:env.example', 'turn:env.example:3478'], ttlSec: 1200 });
    expect(fromEnv.secrets).toEqual({ turnSecret: 'from-env' });
    const fromFlags = optionsFromCli(['--turn-urls', 'turns:flag.example:5349?transport=tcp', '--turn-ttl', '300'], env);
    expect(fromFlags.turn).toEqual({ urls: ['turns:flag.example:5349?transport=tcp'], ttlSec: 300 });
    expect(optionsFromCli([], {}).turn).toEqual({});
    expect(() => optionsFromCli(['--turn-ttl', '1h'], {})).toThrow(/turn-ttl must be a number of seconds/);
    expect(() => resolveConfig({ ...optionsFromCli(['--turn-ttl', '7200'], {}), dataDir: '/tmp/unused' })).toThrow(/turn\.ttlSec/);
  });
});
