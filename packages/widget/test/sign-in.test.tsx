// @vitest-environment happy-dom
import { cleanup, fireEvent, render, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../src/app/app.js';
import { Session } from '../src/state/session.js';
import { authResponse, fakeFetch, SilentSocket, SilentWebSocket, type Route } from './support/fake-server.js';
import { testEnv } from './support/render.js';

const sessions: Session[] = [];
afterEach(() => {
  cleanup();
  for (const s of sessions.splice(0)) s.dispose();
  localStorage.clear(); // sign-ins are remembered there (see remembered-sign-in.test.tsx)
});

const ALICE = authResponse('u_alice', 'alice', 'Alice');
const login: Route = (r) => {
  if (r.method !== 'POST' || r.path !== '/api/auth/login') return undefined;
  const body = r.body as { handle: string; password: string };
  return body.handle === 'alice' && body.password === 'correct horse' ? { status: 200, body: ALICE } : { status: 401, body: { error: { code: 'unauthenticated', message: 'wrong handle or password' } } };
};
/** The client lives on the refresh token from login; rotation is not what these tests are about. */
const refresh: Route = (r) => (r.path === '/api/auth/refresh' ? { status: 200, body: ALICE } : undefined);
const me: Route = (r) => (r.path === '/api/me' && r.authorization === `Bearer ${ALICE.tokens.accessToken}` ? { status: 200, body: ALICE.user } : undefined);

function renderSignIn(routes: Route[], signedOut: string[] = []) {
  const net = fakeFetch(routes);
  const session = new Session({ url: 'http://chat.test/', auth: { mode: 'builtin' }, clientOptions: { fetch: net.fetch, WebSocket: SilentWebSocket }, onSignOut: () => signedOut.push('out') });
  sessions.push(session);
  const view = render(<App env={testEnv({ session })} />);
  const input = (name: RegExp) => view.getByRole('textbox', { name }) as HTMLInputElement;
  const password = () => view.container.querySelector('input[type=password]') as HTMLInputElement;
  return { ...view, session, requests: net.requests, input, password };
}

describe('built-in sign-in', () => {
  it('signs in with handle and password, then shows the chats', async () => {
    const v = renderSignIn([login, refresh, me]);
    fireEvent.input(v.input(/Handle/), { target: { value: ' alice ' } });
    fireEvent.input(v.password(), { target: { value: 'correct horse' } });
    fireEvent.submit(v.getByRole('form', { name: 'Sign in' }));
    await waitFor(() => expect(v.getByRole('heading', { level: 2, name: 'Chats' })).toBeTruthy());
    expect(document.activeElement).toBe(v.getByRole('heading', { level: 2, name: 'Chats' }));
    expect(v.requests[0]).toMatchObject({ method: 'POST', path: '/api/auth/login', body: { handle: 'alice', password: 'correct horse' } });
    expect(v.requests.some((r) => r.path === '/api/me')).toBe(true);
    // The signed-in client connects to the server's socket.
    expect(v.session.client.getState()).not.toBeNull();
    await waitFor(() => expect(SilentSocket.instances.at(-1)?.url).toBe('ws://chat.test/ws'));
  });

  it('says in words when the password is wrong, and stays on the form', async () => {
    const v = renderSignIn([login, refresh, me]);
    fireEvent.input(v.input(/Handle/), { target: { value: 'alice' } });
    fireEvent.input(v.password(), { target: { value: 'wrong password' } });
    fireEvent.click(v.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(v.getByRole('alert').textContent).toBe('That handle and password don’t match.'));
    expect(v.session.client.getState()).toBeNull();
    expect((v.getByRole('button', { name: 'Sign in' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('says when the server cannot be reached', async () => {
    const v = renderSignIn([
      () => {
        throw new TypeError('fetch failed');
      },
    ]);
    fireEvent.input(v.input(/Handle/), { target: { value: 'alice' } });
    fireEvent.input(v.password(), { target: { value: 'whatever1' } });
    fireEvent.click(v.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(v.getByRole('alert').textContent).toBe('Can’t reach the chat server. Check your connection and try again.'));
  });

  it('checks the fields before asking the server', async () => {
    const v = renderSignIn([login, refresh, me]);
    fireEvent.input(v.input(/Handle/), { target: { value: 'a!' } });
    fireEvent.click(v.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(v.input(/Handle/).getAttribute('aria-invalid')).toBe('true'));
    const hint = v.container.querySelector(`#${v.input(/Handle/).getAttribute('aria-describedby')}`);
    expect(hint?.textContent).toBe('Use 3–32 letters, digits, dots or underscores.');
    expect(v.requests).toEqual([]);
  });

  it('registers a new account, then signs in with it', async () => {
    const register: Route = (r) => (r.path === '/api/auth/register' ? { status: 201, body: ALICE } : undefined);
    const v = renderSignIn([register, refresh, me]);
    fireEvent.click(v.getByRole('button', { name: 'New here? Create an account' }));
    await waitFor(() => expect(v.getByRole('form', { name: 'Create account' })).toBeTruthy());
    fireEvent.input(v.input(/Handle/), { target: { value: 'alice' } });
    fireEvent.input(v.input(/Display name/), { target: { value: 'Alice' } });
    fireEvent.input(v.password(), { target: { value: 'correct horse' } });
    fireEvent.click(v.getByRole('button', { name: 'Create account' }));
    await waitFor(() => expect(v.getByRole('heading', { level: 2, name: 'Chats' })).toBeTruthy());
    expect(v.requests.find((r) => r.path === '/api/auth/register')?.body).toEqual({ handle: 'alice', displayName: 'Alice', password: 'correct horse' });
    // The sign-in registration opened is the one used: no second login.
    expect(v.requests.map((r) => r.path)).not.toContain('/api/auth/login');
  });

  it('explains a taken handle', async () => {
    const taken: Route = (r) => (r.path === '/api/auth/register' ? { status: 409, body: { error: { code: 'conflict', message: 'that handle is taken' } } } : undefined);
    const v = renderSignIn([taken]);
    fireEvent.click(v.getByRole('button', { name: 'New here? Create an account' }));
    await waitFor(() => expect(v.input(/Display name/)).toBeTruthy());
    fireEvent.input(v.input(/Handle/), { target: { value: 'alice' } });
    fireEvent.input(v.input(/Display name/), { target: { value: 'Alice' } });
    fireEvent.input(v.password(), { target: { value: 'correct horse' } });
    fireEvent.click(v.getByRole('button', { name: 'Create account' }));
    await waitFor(() => expect(v.getByRole('alert').textContent).toBe('That handle is taken. Try another one.'));
  });

  it('signs out back to the sign-in form', async () => {
    const logout: Route = (r) => (r.path === '/api/auth/logout' ? { status: 204 } : undefined);
    const signedOut: string[] = [];
    const v = renderSignIn([login, refresh, me, logout], signedOut);
    fireEvent.input(v.input(/Handle/), { target: { value: 'alice' } });
    fireEvent.input(v.password(), { target: { value: 'correct horse' } });
    fireEvent.click(v.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(v.getByRole('button', { name: 'Profile' })).toBeTruthy());
    fireEvent.click(v.getByRole('button', { name: 'Profile' }));
    fireEvent.click(await v.findByRole('button', { name: 'Sign out' }));
    // Asked first; the dialog's own Sign out confirms.
    const confirm = await v.findByRole('dialog', { name: 'Sign out?' });
    fireEvent.click(within(confirm).getByRole('button', { name: 'Sign out' }));
    await waitFor(() => expect(v.getByRole('form', { name: 'Sign in' })).toBeTruthy());
    await waitFor(() => expect(signedOut).toEqual(['out']));
    expect(v.requests.find((r) => r.path === '/api/auth/logout')?.body).toEqual({ refreshToken: ALICE.tokens.refreshToken });
  });
});
