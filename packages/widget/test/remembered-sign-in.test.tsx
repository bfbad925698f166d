// @vitest-environment happy-dom
/**
 * A built-in sign-in survives a reload: the widget keeps the rotating refresh token (never the
 * password) in localStorage by default, sessionStorage with `persistSignIn: 'tab'`, nowhere with
 * 'none'; a new mount resumes from it without showing the form, and a refused token falls back to
 * the sign-in form and is forgotten. Drives the real SDK client over a fake network.
 */
import { cleanup, fireEvent, render, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../src/app/app.js';
import type { PersistSignIn } from '../src/options.js';
import { Session } from '../src/state/session.js';
import { authResponse, fakeFetch, SilentWebSocket, type Route } from './support/fake-server.js';
import { testEnv } from './support/render.js';

const URL_ = 'http://chat.test';
const KEY = `quickchat:sign-in:${URL_}`;
const sessions: Session[] = [];
afterEach(() => {
  cleanup();
  for (const s of sessions.splice(0)) s.dispose();
  localStorage.clear();
  sessionStorage.clear();
});

const ALICE = authResponse('u_alice', 'alice', 'Alice');
/** The fake server's one valid refresh token; every login or refresh rotates it, like the real one. */
let live = '';
let issued = 0;
const issue = () => {
  live = `refresh-${++issued}`;
  return { status: 200, body: { ...ALICE, tokens: { ...ALICE.tokens, refreshToken: live } } };
};
const login: Route = (r) => (r.path === '/api/auth/login' ? issue() : undefined);
const refresh: Route = (r) => {
  if (r.path !== '/api/auth/refresh') return undefined;
  return (r.body as { refreshToken: string }).refreshToken === live ? issue() : { status: 401, body: { error: { code: 'unauthenticated', message: 'refresh token revoked' } } };
};
const me: Route = (r) => (r.path === '/api/me' ? { status: 200, body: ALICE.user } : undefined);

/** Mounts the widget's app for built-in accounts (one "page load"). */
function load(persistSignIn?: PersistSignIn) {
  const net = fakeFetch([login, refresh, me]);
  const session = new Session({ url: URL_, auth: { mode: 'builtin' }, ...(persistSignIn ? { persistSignIn } : {}), clientOptions: { fetch: net.fetch, WebSocket: SilentWebSocket } });
  sessions.push(session);
  const view = render(<App env={testEnv({ session })} />);
  return { ...view, session, requests: net.requests };
}

async function signIn(v: ReturnType<typeof load>) {
  fireEvent.input(v.getByRole('textbox', { name: /Handle/ }), { target: { value: 'alice' } });
  fireEvent.input(v.container.querySelector('input[type=password]')!, { target: { value: 'correct horse' } });
  fireEvent.click(v.getByRole('button', { name: 'Sign in' }));
  await waitFor(() => expect(v.getByRole('heading', { level: 2, name: 'Chats' })).toBeTruthy());
}

describe('remembered built-in sign-in', () => {
  it('keeps only the refresh token, and the next load resumes without the form or the password', async () => {
    const first = load();
    await signIn(first);
    expect(localStorage.getItem(KEY)).toBe(live);
    expect(JSON.stringify({ ...localStorage })).not.toContain('correct horse');
    const saved = live;
    cleanup();

    const second = load();
    expect(second.queryByRole('form', { name: 'Sign in' })).toBeNull();
    expect(second.getByRole('status').textContent).toBe('Signing you in…');
    await waitFor(() => expect(second.getByRole('heading', { level: 2, name: 'Chats' })).toBeTruthy());
    expect(second.requests.map((r) => r.path)).toContain('/api/auth/refresh');
    expect(second.requests.map((r) => r.path)).not.toContain('/api/auth/login');
    expect(second.requests.find((r) => r.path === '/api/auth/refresh')?.body).toEqual({ refreshToken: saved });
    expect(localStorage.getItem(KEY)).toBe(live);
    expect(live).not.toBe(saved);
  });

  it('a saved sign-in the server refuses is forgotten, and the form shows', async () => {
    localStorage.setItem(KEY, 'refresh-revoked');
    const v = load();
    await waitFor(() => expect(v.getByRole('form', { name: 'Sign in' })).toBeTruthy());
    expect(localStorage.getItem(KEY)).toBeNull();
    expect(v.session.client.getState()).toBeNull();
  });

  it("'tab' keeps it in sessionStorage; 'none' keeps it nowhere", async () => {
    await signIn(load('tab'));
    expect(sessionStorage.getItem(KEY)).toBe(live);
    expect(localStorage.getItem(KEY)).toBeNull();
    cleanup();
    sessionStorage.clear();

    await signIn(load('none'));
    expect(sessionStorage.length + localStorage.length).toBe(0);
  });

  it('signing out forgets it', async () => {
    const v = load();
    await signIn(v);
    await v.session.signOut();
    expect(localStorage.getItem(KEY)).toBeNull();
    await waitFor(() => expect(v.getByRole('form', { name: 'Sign in' })).toBeTruthy());
  });
});
