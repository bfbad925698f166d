import { ErrorCode, type AuthResponse, type AuthTokens, type PublicUser, type ProfilePatchBody } from '@quickchat/protocol';
import { schemas } from '@quickchat/protocol/validate';
import { AppError, notFound } from '../errors.js';
import { HandleTakenError, type UserRecord } from '../store/types.js';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import { AccessTokens, isIdentity, type Identity } from '../auth/access-tokens.js';
import { hashRefreshToken, newRefreshToken } from '../auth/refresh-tokens.js';
import { newId } from '../ids.js';
import { ProvisionedUsers } from '../auth/provisioned-users.js';
import { MemoryLoginThrottle, type LoginThrottle } from '../auth/login-throttle.js';
import { publishRevocation, publishToUsers } from './publish.js';
import { toPublicUser } from './users.js';
import type { ServiceContext } from './context.js';

/**
 * Accounts and sessions: built-in register/login/refresh/logout, profiles, and turning any
 * access token (built-in or bring-your-own) into an {@link Identity}.
 */
export class AccountService {
  /** External users known to exist, so their upsert runs once per cache period, not per request. */
  private readonly provisioned = new ProvisionedUsers();

  /** The last profile update queued per user (see {@link updateProfile}). */
  private readonly profileUpdates = new Map<string, Promise<unknown>>();

  /** Per-account login throttle (the per-IP limit is HTTP middleware). */
  private readonly loginThrottle: LoginThrottle;

  /**
   * @param loginThrottle Slows guessing against one account; default: in memory, with the
   *   policy from `limits` (`loginFailuresBeforeDelay`, `loginDelayBaseMs`, ...).
   */
  constructor(
    private readonly ctx: ServiceContext,
    private readonly tokens: AccessTokens,
    loginThrottle?: LoginThrottle,
  ) {
    const limits = ctx.config.limits;
    this.loginThrottle =
      loginThrottle ??
      new MemoryLoginThrottle({
        freeFailures: limits.loginFailuresBeforeDelay,
        baseDelayMs: limits.loginDelayBaseMs,
        maxDelayMs: limits.loginDelayMaxMs,
        decayMs: limits.loginFailureDecayMs,
      });
  }

  /** Creates a built-in account and signs it in. */
  async register(handle: string, displayName: string, password: string): Promise<AuthResponse> {
    this.requireBuiltin();
    const passwordHash = await hashPassword(password);
    let user: UserRecord;
    try {
      user = await this.ctx.store.createUser({ id: newId('u'), handle, displayName, passwordHash, createdAt: this.ctx.now() });
    } catch (err) {
      if (err instanceof HandleTakenError) throw new AppError(ErrorCode.Conflict, 'that handle is taken');
      throw err;
    }
    this.ctx.log.info({ userId: user.id }, 'user registered');
    return { user: toPublicUser(user), tokens: await this.issueTokens(user.id, newId('f')) };
  }

  /**
   * Checks a handle and password; one message for unknown handle and wrong password. An account
   * with recent failures answers `rate_limited` with the wait, before any password is checked
   * (see {@link MemoryLoginThrottle}); `ip` is the client's address.
   */
  async login(handle: string, password: string, ip: string): Promise<AuthResponse> {
    this.requireBuiltin();
    const wait = await this.loginThrottle.attempt(handle, ip, this.ctx.now());
    if (wait > 0) throw new AppError(ErrorCode.RateLimited, 'too many failed sign-ins to this account; try again later', Math.ceil(wait));
    const user = await this.ctx.store.getUserByHandle(handle);
    const ok = await verifyPassword(user?.passwordHash ?? null, password);
    if (!user || !ok) throw new AppError(ErrorCode.Unauthenticated, 'wrong handle or password');
    await this.loginThrottle.succeeded(handle, ip, this.ctx.now());
    return { user: toPublicUser(user), tokens: await this.issueTokens(user.id, newId('f')) };
  }

  /**
   * Rotates a refresh token. A token presented twice means it leaked: the whole family is
   * revoked and its sockets are closed.
   */
  async refresh(refreshToken: string): Promise<AuthResponse> {
    this.requireBuiltin();
    const now = this.ctx.now();
    const record = await this.ctx.store.getRefreshToken(hashRefreshToken(refreshToken));
    if (!record) throw new AppError(ErrorCode.Unauthenticated, 'refresh token not recognised');
    if (record.usedAt !== null || record.revokedAt !== null) {
      await this.revokeFamily(record.userId, record.familyId, 'refresh token reuse');
      throw new AppError(ErrorCode.Unauthenticated, 'refresh token was already used; all sessions of this sign-in were ended');
    }
    if (record.expiresAt <= now) throw new AppError(ErrorCode.Unauthenticated, 'refresh token expired; sign in again');
    const user = await this.ctx.store.getUser(record.userId);
    if (!user) throw new AppError(ErrorCode.Unauthenticated, 'refresh token not recognised');
    const next = newRefreshToken();
    const rotated = await this.ctx.store.rotateRefreshToken(record.tokenHash, this.refreshRecord(next, record.familyId, user.id, now), now);
    if (!rotated) {
      await this.revokeFamily(record.userId, record.familyId, 'refresh token reuse');
      throw new AppError(ErrorCode.Unauthenticated, 'refresh token was already used; all sessions of this sign-in were ended');
    }
    const access = this.tokens.sign(user.id, record.familyId, now);
    return { user: toPublicUser(user), tokens: this.tokenPair(access, next, now) };
  }

  /** Ends a sign-in: revokes its refresh family and closes its sockets. Unknown tokens are ignored. */
  async logout(refreshToken: string): Promise<void> {
    const record = await this.ctx.store.getRefreshToken(hashRefreshToken(refreshToken));
    if (record) await this.revokeFamily(record.userId, record.familyId, 'logout');
  }

  /**
   * Verifies an access token and returns who it is. External users are provisioned on first
   * sight; built-in tokens of a revoked family are refused.
   */
  async authenticate(token: string): Promise<Identity> {
    const result = this.tokens.verify(token);
    if (!isIdentity(result)) throw new AppError(result.code, result.message);
    if (result.source === 'builtin') {
      if (result.familyId && (await this.ctx.store.isRefreshFamilyRevoked(result.familyId))) {
        throw new AppError(ErrorCode.Unauthenticated, 'this sign-in was ended');
      }
      if (!(await this.ctx.store.getUser(result.userId))) throw new AppError(ErrorCode.Unauthenticated, 'user no longer exists');
    } else {
      await this.provisionExternal(result);
    }
    return result;
  }

  async getProfile(userId: string): Promise<PublicUser> {
    const user = await this.ctx.store.getUser(userId);
    if (!user) throw notFound('user');
    return toPublicUser(user);
  }

  /**
   * Changes the profile and, when it really changed, tells everyone who sees it: a `profile`
   * user event appended, in one transaction, to the log of the user (their other devices) and of
   * every profile viewer (see `RelationStore.listProfileViewers`), then pushed live. Updates of
   * one user run one at a time, so viewers' last event is always the newest profile.
   */
  updateProfile(userId: string, patch: ProfilePatchBody): Promise<PublicUser> {
    const previous = this.profileUpdates.get(userId) ?? Promise.resolve();
    const run = previous.then(async () => {
      const before = await this.ctx.store.getUser(userId);
      const user = before && (await this.ctx.store.updateProfile(userId, patch));
      if (!user) throw notFound('user');
      const profile = toPublicUser(user);
      if (before.displayName !== user.displayName || before.avatarUrl !== user.avatarUrl || before.signature !== user.signature) {
        await this.announceProfile(profile);
      }
      return profile;
    });
    const tail = run.catch(() => undefined);
    this.profileUpdates.set(userId, tail);
    void tail.then(() => this.profileUpdates.get(userId) === tail && this.profileUpdates.delete(userId));
    return run;
  }

  /** Fans a changed profile out to the user's own log and every viewer's (one transaction), then live. */
  private async announceProfile(user: PublicUser): Promise<void> {
    const owners = [user.id, ...(await this.ctx.store.listProfileViewers(user.id))];
    const at = this.ctx.now();
    const events = await this.ctx.store.appendUserEvents(owners.map((owner) => ({ userId: owner, kind: 'profile', at, user })));
    events.forEach((event, i) => publishToUsers(this.ctx.bus, [owners[i]!], { type: 'event', event }));
    if (owners.length > 1000) this.ctx.log.info({ userId: user.id, viewers: owners.length - 1 }, 'profile change fanned out');
  }

  async findByHandle(handle: string): Promise<PublicUser> {
    const user = await this.ctx.store.getUserByHandle(handle.toLowerCase());
    if (!user) throw notFound('user');
    return toPublicUser(user);
  }

  /**
   * Creates the external user on first sight. A host-signed token may never speak for a
   * built-in account (one with a password), even if its `sub` names that account's id.
   */
  private async provisionExternal(identity: Identity): Promise<void> {
    const now = this.ctx.now();
    if (this.provisioned.has(identity.userId, now)) return;
    const displayName = schemas.displayName.safeParse(identity.name);
    const avatar = schemas.avatarUrl.safeParse(identity.picture);
    const user = await this.ctx.store.upsertExternalUser({
      id: identity.userId,
      displayName: displayName.success ? displayName.data : identity.userId,
      avatarUrl: avatar.success ? avatar.data : null,
      createdAt: this.ctx.now(),
    });
    if (user.passwordHash !== null) throw new AppError(ErrorCode.Unauthenticated, 'token subject belongs to a built-in account');
    this.provisioned.add(identity.userId, now);
  }

  private async revokeFamily(userId: string, familyId: string, reason: string): Promise<void> {
    await this.ctx.store.revokeRefreshFamily(familyId, this.ctx.now());
    publishRevocation(this.ctx.bus, userId, familyId);
    this.ctx.log.info({ userId, familyId, reason }, 'refresh family revoked');
  }

  private async issueTokens(userId: string, familyId: string): Promise<AuthTokens> {
    const now = this.ctx.now();
    const refresh = newRefreshToken();
    await this.ctx.store.insertRefreshToken(this.refreshRecord(refresh, familyId, userId, now));
    return this.tokenPair(this.tokens.sign(userId, familyId, now), refresh, now);
  }

  private refreshRecord(token: string, familyId: string, userId: string, now: number) {
    return {
      tokenHash: hashRefreshToken(token),
      familyId,
      userId,
      createdAt: now,
      expiresAt: now + this.ctx.config.auth.refreshTokenTtlSec * 1000,
      usedAt: null,
      revokedAt: null,
    };
  }

  private tokenPair(access: { token: string; expiresAt: number }, refresh: string, now: number): AuthTokens {
    return {
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken: refresh,
      refreshTokenExpiresAt: now + this.ctx.config.auth.refreshTokenTtlSec * 1000,
    };
  }

  private requireBuiltin(): void {
    if (!this.ctx.config.auth.builtinAccounts) throw notFound('built-in accounts are disabled; route');
  }
}
