// @vitest-environment happy-dom
/**
 * The host page's unread signals (options `titleBadge` and `sound`): the count in front of the
 * page's title, kept there when the page changes its title and removed at 0 and on unmount; a
 * chime for someone else's message only while the chat is out of view, once per burst. Off by
 * default: the title and the page's sound belong to the host.
 */
import { render } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatClient } from '@quickchat/sdk';
import { badgedTitle, SOUND_GAP_MS, useUnreadSignals } from '../src/app/unread-signals.js';
import type { WidgetOptions } from '../src/options.js';
import { conversation, FakeClient, message, ME } from './support/fake-client.js';

function Signals({ client, options, visible }: { client: FakeClient; options: Pick<WidgetOptions, 'titleBadge' | 'sound'>; visible: boolean }) {
  useUnreadSignals(client as unknown as ChatClient, options, visible);
  return null;
}

/** Counts the chimes: oscillators started on a stand-in AudioContext. */
let notes = 0;
class FakeAudioContext {
  currentTime = 0;
  destination = {};
  createOscillator() {
    return { frequency: { value: 0 }, connect: (n: unknown) => n, start: () => void notes++, stop: () => undefined };
  }
  createGain() {
    return { gain: { setValueAtTime: () => undefined, exponentialRampToValueAtTime: () => undefined }, connect: (n: unknown) => n };
  }
}

beforeEach(() => {
  notes = 0;
  document.title = 'Northwind Coffee';
  vi.stubGlobal('AudioContext', FakeAudioContext);
});
afterEach(() => vi.unstubAllGlobals());

describe('unread signals', () => {
  it('badgedTitle puts the count in front once, caps it at 99+, and takes it away at 0', () => {
    expect(badgedTitle('Shop', 3)).toBe('(3) Shop');
    expect(badgedTitle('(3) Shop', 5)).toBe('(5) Shop');
    expect(badgedTitle('(5) Shop', 140)).toBe('(99+) Shop');
    expect(badgedTitle('(99+) Shop', 0)).toBe('Shop');
    expect(badgedTitle('(draft) notes', 0)).toBe('(draft) notes');
    expect(badgedTitle('مقهى', 2)).toBe('(2) مقهى');
  });

  it('titleBadge: the title follows the total unread, survives the page renaming itself, and is restored on unmount', () => {
    const client = new FakeClient();
    client.setConversations(conversation('u_ann', { unread: 2 }), conversation('u_bo', { unread: 1 }));
    const view = render(<Signals client={client} options={{ titleBadge: true }} visible={false} />);
    expect(document.title).toBe('(3) Northwind Coffee');
    document.title = 'Checkout · Northwind Coffee';
    client.setConversations(conversation('u_ann', { unread: 2 }), conversation('u_bo', { unread: 2 }));
    expect(document.title).toBe('(4) Checkout · Northwind Coffee');
    client.setConversations(conversation('u_ann'), conversation('u_bo'));
    expect(document.title).toBe('Checkout · Northwind Coffee');
    client.setConversations(conversation('u_ann', { unread: 1 }));
    expect(document.title).toBe('(1) Checkout · Northwind Coffee');
    view.unmount();
    expect(document.title).toBe('Checkout · Northwind Coffee');
  });

  it('leaves the title alone without titleBadge', () => {
    const client = new FakeClient();
    client.setConversations(conversation('u_ann', { unread: 7 }));
    render(<Signals client={client} options={{}} visible={false} />);
    expect(document.title).toBe('Northwind Coffee');
  });

  it('sound: chimes for someone else\'s message while out of view, once per burst; never for own messages, notices or edits, nor in view', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const client = new FakeClient();
      const dm = 'dm:u_ann~u_me';
      const view = render(<Signals client={client} options={{ sound: true }} visible={false} />);
      const arrive = (senderId: string, content?: object) => client.emit('message', { message: message(dm, senderId, 1, '🎉', content ? { content: content as never } : {}) });
      arrive(ME);
      arrive('u_ann', { type: 'system', action: 'created', actorId: 'u_ann' });
      arrive('u_ann', { type: 'edit', target: 1, text: 'x' });
      expect(notes).toBe(0);
      arrive('u_ann');
      const perChime = notes;
      expect(perChime).toBeGreaterThan(0);
      arrive('u_ann');
      expect(notes).toBe(perChime); // the same burst
      vi.advanceTimersByTime(SOUND_GAP_MS);
      arrive('u_ann');
      expect(notes).toBe(2 * perChime);
      vi.advanceTimersByTime(SOUND_GAP_MS);
      view.rerender(<Signals client={client} options={{ sound: true }} visible={true} />);
      arrive('u_ann');
      expect(notes).toBe(2 * perChime);
    } finally {
      vi.useRealTimers();
    }
  });
});
