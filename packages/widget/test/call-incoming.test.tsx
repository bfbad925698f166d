// @vitest-environment happy-dom
import { cleanup, fireEvent, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BOB, renderCalls } from './support/call-render.js';
import { callFrame } from './support/fake-call.js';
import { ME } from './support/fake-client.js';

afterEach(cleanup);

/** Bob's video call ringing on this device: the core's `call` event, as the server sends it. */
function ring(r: ReturnType<typeof renderCalls>, extra: Parameters<typeof callFrame>[0] extends infer F ? Partial<F> : never = {}) {
  const frame = callFrame({ callerId: BOB.id, calleeId: ME, ...extra });
  r.client.emit('call', { call: frame });
  return frame;
}

describe('an incoming call', () => {
  it('rings in a dialog naming the caller and the kind of call, with accept with video, audio only and decline', async () => {
    const r = renderCalls();
    ring(r);
    const dialog = await r.findByRole('alertdialog', { name: 'Incoming video call from Bob' });
    expect(dialog.textContent).toContain('Ringing on all your devices');
    expect([...dialog.querySelectorAll('button')].map((b) => b.textContent)).toEqual(['Accept with video', 'Accept audio only', 'Decline']);
  });

  it('offers Accept and Decline for a voice call, in Chinese too', async () => {
    const r = renderCalls({ locale: 'zh-CN' });
    ring(r, { media: { audio: true, video: false } });
    const dialog = await r.findByRole('alertdialog', { name: 'Bob 邀请你语音通话' });
    expect([...dialog.querySelectorAll('button')].map((b) => b.textContent)).toEqual(['接听', '拒绝']);
  });

  it('accepts with video: the session answers with audio and video, and the in-call view replaces the dialog', async () => {
    const r = renderCalls();
    ring(r);
    (await r.findByRole('button', { name: 'Accept with video' })).click();
    const view = await r.findByRole('dialog', { name: 'Call with Bob' });
    const session = r.calls.sessions[0]!;
    expect(session.calls).toEqual([['accept', { audio: true, video: true }]]);
    expect(view.querySelector('[role=status]')!.textContent).toBe('Connecting…');
    expect(r.queryByRole('alertdialog')).toBeNull();
    // Focus moves to the call's heading (the pressed button is gone).
    expect(document.activeElement).toBe(r.getByRole('heading', { name: 'Call with Bob' }));
  });

  it('accepts audio only', async () => {
    const r = renderCalls();
    ring(r);
    (await r.findByRole('button', { name: 'Accept audio only' })).click();
    await r.findByRole('dialog', { name: 'Call with Bob' });
    expect(r.calls.sessions[0]!.calls).toEqual([['accept', { audio: true, video: false }]]);
  });

  it('declines: the session declines and the dialog goes once the server ends the call', async () => {
    const r = renderCalls();
    ring(r);
    (await r.findByRole('button', { name: 'Decline' })).click();
    const session = r.calls.sessions[0]!;
    await waitFor(() => expect(session.calls).toEqual([['decline']]));
    session.move('ended', 'server_ended', 'declined');
    await waitFor(() => expect(r.queryByRole('alertdialog')).toBeNull());
    expect(r.queryByRole('dialog')).toBeNull(); // nothing to say about a call you declined
    expect(r.request.getState()).toBeNull();
    expect(session.listeners()).toBe(0);
  });

  it('stops ringing when answered on another device', async () => {
    const r = renderCalls();
    ring(r);
    await r.findByRole('alertdialog');
    r.calls.sessions[0]!.move('ended', 'answered_elsewhere');

    await waitFor(() => expect(r.queryByRole('alertdialog')).toBeNull());
    expect(r.queryByRole('dialog')).toBeNull();
    expect(r.request.getState()).toBeNull();
  });

  it('never rings for a call answered elsewhere before the calls chunk took it', async () => {
    const r = renderCalls();
    const frame = ring(r);
    // The answer on another device comes in the same tick, before the chunk is loaded.
    r.client.emit('call', { call: { ...frame, state: 'accepted', here: false } });
    await waitFor(() => expect(r.request.getState()).toBeNull());
    expect(r.queryByRole('alertdialog')).toBeNull();
    expect(r.calls.sessions).toEqual([]);
  });

  it('says a call the caller cancelled was missed, until closed', async () => {
    const r = renderCalls();
    ring(r);
    await r.findByRole('alertdialog');
    r.calls.sessions[0]!.move('ended', 'server_ended', 'cancelled');
    const card = await r.findByRole('dialog', { name: 'Call with Bob' });
    expect(card.querySelector('[role=status]')!.textContent).toBe('You missed a call from Bob.');
    fireEvent.click(r.getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(r.queryByRole('dialog')).toBeNull());
  });

  it('says why an answer failed (camera permission denied) and keeps ringing', async () => {
    const r = renderCalls();
    ring(r);
    await r.findByRole('alertdialog');
    r.calls.sessions[0]!.acceptReply = async () => {
      throw Object.assign(new Error('Permission denied'), { name: 'NotAllowedError' });
    };
    r.getByRole('button', { name: 'Accept with video' }).click();
    const alert = await r.findByRole('alert');
    expect(alert.textContent).toBe('Camera or microphone access was denied. Allow it in your browser’s site settings, then try again.');
    expect(r.getByRole('alertdialog', { name: 'Incoming video call from Bob' })).toBeTruthy();
  });

  it('never takes focus from the host page, and takes it when the visitor is in the widget', async () => {
    const page = document.body.appendChild(document.createElement('input'));
    try {
      const r = renderCalls();
      page.focus();
      ring(r);
      await r.findByRole('alertdialog');
      expect(document.activeElement).toBe(page);
      cleanup();

      const r2 = renderCalls();
      r2.getByRole('button', { name: 'Start a voice call' }).focus();
      ring(r2);
      await r2.findByRole('alertdialog');
      await waitFor(() => expect(document.activeElement).toBe(r2.getByRole('heading', { name: 'Incoming video call from Bob' })));
    } finally {
      page.remove();
    }
  });

  it('ignores Escape: declining is a deliberate press', async () => {
    const r = renderCalls();
    ring(r);
    const dialog = await r.findByRole('alertdialog');
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(r.calls.sessions[0]!.calls).toEqual([]);
    expect(r.getByRole('alertdialog')).toBe(dialog);
  });

  it('rings only for calls to this user, not for calls it places elsewhere', async () => {
    const r = renderCalls();
    r.client.emit('call', { call: callFrame({ callerId: ME, calleeId: BOB.id }) }); // placed on another device of mine
    r.client.emit('call', { call: callFrame({ callerId: BOB.id, calleeId: 'u_carol' }) });
    expect(r.request.getState()).toBeNull();
    const mine = ring(r, { callId: 'c_forme12345' });
    expect(r.request.getState()).toEqual({ kind: 'incoming', call: mine });
  });
});

describe('the ring tone', () => {
  /** A Web Audio context that records the tones it was asked to play. */
  class FakeAudioContext {
    static made: FakeAudioContext[] = [];
    state = 'suspended';
    currentTime = 0;
    closed = false;
    readonly destination = {};
    readonly tones: number[] = [];
    constructor() {
      FakeAudioContext.made.push(this);
    }
    async resume() {
      this.state = 'running';
    }
    async close() {
      this.closed = true;
    }
    createGain() {
      return { gain: { setValueAtTime() {}, exponentialRampToValueAtTime() {} }, connect: (next: unknown) => next };
    }
    createOscillator() {
      const tones = this.tones;
      return { frequency: { value: 0 }, connect: (next: unknown) => next, start() { tones.push(this.frequency.value); }, stop() {} };
    }
  }

  afterEach(() => {
    vi.unstubAllGlobals();
    FakeAudioContext.made = [];
  });

  it('plays while the call rings and stops when it stops ringing', async () => {
    vi.stubGlobal('AudioContext', FakeAudioContext);
    const r = renderCalls();
    ring(r);
    await r.findByRole('alertdialog');
    await waitFor(() => expect(FakeAudioContext.made[0]?.tones).toEqual([440, 480]));
    r.calls.sessions[0]!.move('ended', 'answered_elsewhere');
    await waitFor(() => expect(FakeAudioContext.made[0]!.closed).toBe(true));
  });
});
