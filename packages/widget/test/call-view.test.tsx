// @vitest-environment happy-dom
import { cleanup, fireEvent, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CallError } from '@quickchat/sdk/calls';
import { CALL_STRINGS } from '../src/features/calls/strings.js';
import { LOCALES } from '../src/i18n/index.js';
import { BOB, renderCalls } from './support/call-render.js';
import { FakeTrack, fakeStream, tracksOf, type FakeCallSession } from './support/fake-call.js';

afterEach(cleanup);

/** The browser's media devices, faked: two microphones, one camera, a screen to share; every request recorded. */
function fakeDevices(options: { share?: boolean } = {}) {
  const asked: unknown[] = [];
  const opened: FakeTrack[] = [];
  const devices = [
    { kind: 'audioinput', deviceId: 'audio-1', label: 'Built-in microphone' },
    { kind: 'audioinput', deviceId: 'mic-2', label: 'USB headset' },
    { kind: 'videoinput', deviceId: 'video-1', label: 'FaceTime camera' },
  ];
  const mediaDevices: Record<string, unknown> = {
    enumerateDevices: async () => devices,
    getUserMedia: async (constraints: Record<string, { deviceId: { exact: string } }>) => {
      asked.push(constraints);
      const kind = 'audio' in constraints ? 'audio' : 'video';
      const track = new FakeTrack(kind, constraints[kind]!.deviceId.exact);
      opened.push(track);
      return fakeStream([track]);
    },
  };
  if (options.share !== false) {
    mediaDevices['getDisplayMedia'] = async () => {
      const track = new FakeTrack('video', 'screen');
      opened.push(track);
      return fakeStream([track]);
    };
  }
  Object.defineProperty(navigator, 'mediaDevices', { value: mediaDevices, configurable: true });
  return { asked, opened };
}

beforeEach(() => {
  Object.defineProperty(navigator, 'mediaDevices', { value: undefined, configurable: true });
});

/** Places a call to Bob from his DM thread's button and returns the view and its session. */
async function placeCall(r: ReturnType<typeof renderCalls>, video = true) {
  const button = r.getByRole('button', { name: video ? 'Start a video call' : 'Start a voice call' });
  button.focus();
  fireEvent.click(button);
  await r.findByRole('group', { name: 'Call controls' });
  const session = r.calls.sessions[0]!;
  return { view: () => r.getByRole('dialog', { name: 'Call with Bob' }), session };
}

/** The callee accepted (with video unless said otherwise) and the peer connection is up. */
function connect(session: FakeCallSession, video = true) {
  session.call = { ...session.call, state: 'accepted', acceptedMedia: { audio: true, video } };
  session.move('connecting', 'accepted');
  session.move('connected', 'peer_connected');
}

const status = (view: HTMLElement) => within(view).getAllByRole('status')[0]!.textContent;

describe('placing a call from a DM thread', () => {
  it('places a video or a voice call with Bob, and says "Calling…" until he answers', async () => {
    const r = renderCalls();
    const { view } = await placeCall(r);
    expect(r.calls.placed).toEqual([[BOB.id, { audio: true, video: true }]]);
    expect(status(view())).toBe('Calling…');
    // While one call shows, the buttons can't start another.
    expect(r.getByRole('button', { name: 'Start a voice call' }).getAttribute('aria-disabled')).toBe('true');
    fireEvent.click(r.getByRole('button', { name: 'Start a voice call' }));
    expect(r.calls.placed).toHaveLength(1);
  });

  it('says why a call could not start: camera permission denied, no device, not callable', async () => {
    for (const [error, text] of [
      [Object.assign(new Error('Permission denied'), { name: 'NotAllowedError' }), 'Camera or microphone access was denied. Allow it in your browser’s site settings, then try again.'],
      [Object.assign(new Error('Requested device not found'), { name: 'NotFoundError' }), 'No camera or microphone was found.'],
      [new CallError('not_found', 'no such user', null), 'You can’t call Bob.'],
      [new CallError('conflict', 'already in a call', null), 'You are already in a call.'],
      [new TypeError("Cannot read properties of undefined (reading 'getUserMedia')"), 'Calls need a secure (https) page in a browser that supports them.'],
    ] as const) {
      const r = renderCalls();
      r.calls.placeReply = async () => {
        throw error;
      };
      r.getByRole('button', { name: 'Start a video call' }).focus();
      fireEvent.click(r.getByRole('button', { name: 'Start a video call' }));
      const close = await r.findByRole('button', { name: 'Close' });
      expect(within(r.getByRole('dialog', { name: 'Call with Bob' })).getByRole('status').textContent).toBe(text);
      // Close gives focus back to the call button that started it.
      fireEvent.click(close);
      await waitFor(() => expect(r.queryByRole('dialog')).toBeNull());
      expect(r.request.getState()).toBeNull();
      expect(document.activeElement).toBe(r.getByRole('button', { name: 'Start a video call' }));
      cleanup();
    }
  });

  it('offers calls only in a DM with a friend', async () => {
    const r = renderCalls();
    r.client.friendsStore.update((s) => ({ ...s, friends: [] }));
    await waitFor(() => expect(r.queryByRole('button', { name: 'Start a video call' })).toBeNull());
    expect(r.queryByRole('button', { name: 'Start a voice call' })).toBeNull();
  });

  it('hung up while the call is being placed, cancels it once placed', async () => {
    const r = renderCalls();
    let answer!: (session: FakeCallSession) => void;
    const placing = new Promise<FakeCallSession>((resolve) => (answer = resolve));
    const defaultReply = r.calls.placeReply;
    r.calls.placeReply = () => placing;
    fireEvent.click(r.getByRole('button', { name: 'Start a video call' }));
    fireEvent.click(await r.findByRole('button', { name: 'Hang up' }));
    expect(r.calls.placed).toEqual([[BOB.id, { audio: true, video: true }]]);
    await waitFor(() => expect(r.queryByRole('dialog')).toBeNull());
    const session = await defaultReply(BOB.id, { audio: true, video: true });
    answer(session);
    await waitFor(() => expect(session.calls).toEqual([['hangUp']]));
  });
});

describe('the in-call view', () => {
  it('shows their video large and yours small, muted and mirrored', async () => {
    const r = renderCalls();
    const { view, session } = await placeCall(r);
    connect(session);
    const remote = fakeStream([new FakeTrack('audio', 'r-a'), new FakeTrack('video', 'r-v')]);
    session.emit('remoteStream', { stream: remote });
    const theirs = (await within(view()).findByLabelText('Video of Bob')) as HTMLVideoElement;
    expect(theirs.srcObject).toBe(remote);
    expect(theirs.muted).toBe(false);
    const mine = within(view()).getByLabelText('Your video') as HTMLVideoElement;
    expect(mine.srcObject).toBe(session.localStream);
    expect(mine.muted).toBe(true);
    expect(mine.className).toBe('qc-call-self');
  });

  it('shows the avatar and name for a voice call, and plays their audio', async () => {
    const r = renderCalls();
    const { view, session } = await placeCall(r, false);
    connect(session, false);
    session.emit('remoteStream', { stream: fakeStream([new FakeTrack('audio', 'r-a')]) });
    await waitFor(() => expect(view().querySelector('audio')).not.toBeNull());
    expect(view().querySelector('video')).toBeNull();
    expect(view().querySelector('.qc-call-peer')!.textContent).toBe('BBob');
  });

  it('mutes, turns the camera off and hangs up through the session', async () => {
    const r = renderCalls();
    const { view, session } = await placeCall(r);
    connect(session);
    const mute = within(view()).getByRole('button', { name: 'Mute microphone' });
    fireEvent.click(mute);
    expect(mute.getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(mute);
    expect(mute.getAttribute('aria-pressed')).toBe('false');
    fireEvent.click(within(view()).getByRole('button', { name: 'Turn camera off' }));
    fireEvent.click(within(view()).getByRole('button', { name: 'Hang up' }));
    expect(session.calls).toEqual([['setAudioEnabled', false], ['setAudioEnabled', true], ['setVideoEnabled', false], ['hangUp']]);
  });

  it('shares a screen and stops sharing', async () => {
    const media = fakeDevices();
    const r = renderCalls();
    const { view, session } = await placeCall(r);
    connect(session);
    const share = within(view()).getByRole('button', { name: 'Share screen' });
    fireEvent.click(share);
    await waitFor(() => expect(session.calls.map(([m]) => m)).toEqual(['shareScreen']));
    const stream = session.calls[0]![1] as MediaStream;
    expect(tracksOf(stream)).toEqual([media.opened[0]]);
    // The SDK now sends the screen: same stream, new video track.
    const local = session.localStream!;
    local.removeTrack(local.getVideoTracks()[0]!);
    local.addTrack(stream.getVideoTracks()[0]!);
    session.emit('localStream', { stream: local });
    await waitFor(() => expect(share.getAttribute('aria-pressed')).toBe('true'));
    fireEvent.click(share);
    expect(session.calls.map(([m]) => m)).toEqual(['shareScreen', 'stopScreenShare']);
    expect(media.opened[0]!.stopped).toBe(true);
  });

  it('hides screen sharing where the browser has none, and on a voice call says why it is unavailable', async () => {
    fakeDevices({ share: false });
    const r = renderCalls();
    const first = await placeCall(r);
    expect(within(first.view()).queryByRole('button', { name: 'Share screen' })).toBeNull();
    cleanup();

    fakeDevices();
    const r2 = renderCalls();
    const { view, session } = await placeCall(r2, false);
    connect(session, false);
    const share = within(view()).getByRole('button', { name: 'Share screen' });
    expect(share.getAttribute('aria-disabled')).toBe('true');
    expect(r2.container.ownerDocument.getElementById(share.getAttribute('aria-describedby')!)!.textContent).toBe('Screen sharing needs a video call: this call sends no video.');
    fireEvent.click(share);
    expect(session.calls).toEqual([]);
    expect(within(view()).getByRole('alert').textContent).toBe('Screen sharing needs a video call: this call sends no video.');
  });

  it('switches the microphone to one picked from the device list', async () => {
    const media = fakeDevices();
    const r = renderCalls();
    const { view, session } = await placeCall(r);
    connect(session);
    const toggle = within(view()).getByRole('button', { name: 'Choose microphone and camera' });
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    const mic = within(view()).getByRole('combobox', { name: 'Microphone' }) as HTMLSelectElement;
    await waitFor(() => expect([...mic.options].map((o) => o.textContent)).toEqual(['Built-in microphone', 'USB headset']));
    expect(mic.value).toBe('audio-1');
    expect([...(within(view()).getByRole('combobox', { name: 'Camera' }) as HTMLSelectElement).options].map((o) => o.textContent)).toEqual(['FaceTime camera']);
    fireEvent.change(mic, { target: { value: 'mic-2' } });
    await waitFor(() => expect(session.calls.map(([m, kind]) => [m, kind])).toEqual([['switchInput', 'audio']]));
    expect(media.asked).toEqual([{ audio: { deviceId: { exact: 'mic-2' } } }]);
    expect(session.calls[0]![2]).toBe(media.opened[0]);
    // The widget opened that track: it is stopped when the call ends.
    expect(media.opened[0]!.stopped).toBe(false);
    session.move('ended', 'server_ended', 'completed');
    await waitFor(() => expect(media.opened[0]!.stopped).toBe(true));
  });

  it('says "Reconnecting…" while the media path is lost, and hints at a poor connection from the stats', async () => {
    const r = renderCalls();
    const { view, session } = await placeCall(r);
    connect(session);
    await waitFor(() => expect(status(view())).toBe('Connected'));
    session.emit('network', { state: 'interrupted' });
    await waitFor(() => expect(status(view())).toBe('Reconnecting…'));
    session.emit('network', { state: 'restored' });
    await waitFor(() => expect(status(view())).toBe('Connected'));
    const hint = () => view().querySelector('.qc-call-hint')?.textContent ?? null;
    session.emit('stats', { rttMs: 40, packetLoss: 0.12, bitrateKbps: 800 });
    await waitFor(() => expect(hint()).toBe('⚠ Poor connection: the picture or sound may break up.'));
    session.emit('stats', { rttMs: 40, packetLoss: 0, bitrateKbps: 800 });
    await waitFor(() => expect(hint()).toBeNull());
    session.emit('stats', { rttMs: 650 });
    await waitFor(() => expect(hint()).not.toBeNull());
  });

  it('counts the duration from the moment the call connected', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    try {
      const r = renderCalls();
      const { view, session } = await placeCall(r);
      vi.advanceTimersByTime(20_000); // ringing time does not count
      expect(view().querySelector('time')).toBeNull();
      connect(session);
      await waitFor(() => expect(view().querySelector('time')?.textContent).toBe('0:00'));
      vi.advanceTimersByTime(65_000);
      await waitFor(() => expect(view().querySelector('time')?.textContent).toBe('1:05'));
      expect(view().querySelector('.qc-call-status')!.textContent).toBe('Connected · Call duration 1:05');
      session.move('ended', 'server_ended', 'completed');
      await r.findByRole('button', { name: 'Close' });
      expect(within(r.getByRole('dialog', { name: 'Call with Bob' })).getByRole('status').textContent).toBe('Call ended · 1:05');
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('how a call ended', () => {
  it('says it in words for the caller: declined, busy, no answer, failed with the SDK’s reason', async () => {
    const cases = [
      ['declined', null, 'Bob declined the call.'],
      ['busy', null, 'Bob is in another call.'],
      ['missed', null, 'No answer from Bob.'],
      ['failed', 'the call did not connect within 30 s: no network path between the two devices (check the TURN relay)', 'The call failed: the call did not connect within 30 s: no network path between the two devices (check the TURN relay)'],
      ['failed', null, 'The call failed.'],
    ] as const;
    for (const [outcome, error, text] of cases) {
      const r = renderCalls();
      const { session } = await placeCall(r);
      if (error) session.emit('error', { error: new CallError('timeout', error, session.callId) });
      session.move('ended', 'server_ended', outcome);
      const close = await r.findByRole('button', { name: 'Close' });
      expect(within(r.getByRole('dialog', { name: 'Call with Bob' })).getByRole('status').textContent).toBe(text);
      expect(document.activeElement).toBe(close);
      fireEvent.click(close);
      await waitFor(() => expect(r.queryByRole('dialog')).toBeNull());
      expect(session.listeners()).toBe(0);
      cleanup();
    }
  });

  it('in Chinese too', async () => {
    const r = renderCalls({ locale: 'zh-CN' });
    fireEvent.click(r.getByRole('button', { name: '发起视频通话' }));
    await waitFor(() => expect(r.calls.sessions).toHaveLength(1));
    r.calls.sessions[0]!.move('ended', 'server_ended', 'busy');
    await r.findByRole('button', { name: '关闭' });
    expect(within(r.getByRole('dialog', { name: '与 Bob 通话' })).getByRole('status').textContent).toBe('Bob 正在通话中。');
  });
});

describe('the call screens’ words', () => {
  const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  it('exist in every locale of the widget, with the same keys and placeholders, none empty', () => {
    expect(Object.keys(CALL_STRINGS).sort()).toEqual(Object.keys(LOCALES).sort());
    const reference = CALL_STRINGS.en;
    for (const [locale, words] of Object.entries(CALL_STRINGS)) {
      expect(Object.keys(words).sort(), locale).toEqual(Object.keys(reference).sort());
      for (const key of Object.keys(reference) as (keyof typeof reference)[]) {
        expect(placeholders(words[key]), `${locale} ${key}`).toEqual(placeholders(reference[key]));
        expect(words[key].trim(), `${locale} ${key}`).not.toBe('');
      }
    }
  });
});
