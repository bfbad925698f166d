// @vitest-environment happy-dom
import { act, cleanup, fireEvent, waitFor } from '@testing-library/preact';
import { useState } from 'preact/hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { Composer } from '../src/components/composer.js';
import { CALL_LIMITS, FakeClient, GROUP_LIMITS, MESSAGE_LIMITS } from './support/fake-client.js';
import { renderChat } from './support/render.js';

afterEach(cleanup);

const A = 'dm:u_a~u_me';
const B = 'dm:u_b~u_me';

function type(box: HTMLTextAreaElement, value: string) {
  fireEvent.input(box, { target: { value } });
}

describe('composer', () => {
  it('sends on Enter and clears the box', async () => {
    const { getByRole, client } = renderChat(<Composer conversationId={A} peerName="A" />);
    const box = getByRole('textbox', { name: 'Message to A' }) as HTMLTextAreaElement;
    type(box, '  hello there  ');
    const notCancelled = fireEvent.keyDown(box, { key: 'Enter' });
    expect(notCancelled).toBe(false); // Enter does not also insert a newline
    expect(client.calls.send).toEqual([[A, 'hello there']]);
    await waitFor(() => expect(box.value).toBe(''));
  });

  it('keeps Shift+Enter (and Enter during IME composition) as a newline', () => {
    const { getByRole, client } = renderChat(<Composer conversationId={A} peerName="A" />);
    const box = getByRole('textbox') as HTMLTextAreaElement;
    type(box, 'line one');
    expect(fireEvent.keyDown(box, { key: 'Enter', shiftKey: true })).toBe(true);
    expect(fireEvent.keyDown(box, { key: 'Enter', isComposing: true })).toBe(true);
    expect(client.calls.send).toEqual([]);
    type(box, 'line one\nline two');
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(client.calls.send).toEqual([[A, 'line one\nline two']]);
  });

  it('sends with the button, and never sends blank text', () => {
    const { getByRole, client } = renderChat(<Composer conversationId={A} peerName="A" />);
    const box = getByRole('textbox') as HTMLTextAreaElement;
    const send = getByRole('button', { name: 'Send' }) as HTMLButtonElement;
    type(box, '   \n ');
    expect(send.disabled).toBe(true);
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(client.calls.send).toEqual([]);
    type(box, 'via button');
    fireEvent.click(send);
    expect(client.calls.send).toEqual([[A, 'via button']]);
  });

  it('keeps a draft per conversation', async () => {
    let open: (id: string) => void = () => undefined;
    function Switcher() {
      const [id, setId] = useState(A);
      open = setId;
      return <Composer key={id} conversationId={id} peerName={id} />;
    }
    const { getByRole, drafts } = renderChat(<Switcher />);
    type(getByRole('textbox') as HTMLTextAreaElement, 'draft for A');
    open(B);
    await waitFor(() => expect(getByRole('textbox', { name: `Message to ${B}` })).toBeTruthy());
    expect((getByRole('textbox') as HTMLTextAreaElement).value).toBe('');
    type(getByRole('textbox') as HTMLTextAreaElement, 'draft for B');
    open(A);
    await waitFor(() => expect((getByRole('textbox', { name: `Message to ${A}` }) as HTMLTextAreaElement).value).toBe('draft for A'));
    open(B);
    await waitFor(() => expect((getByRole('textbox', { name: `Message to ${B}` }) as HTMLTextAreaElement).value).toBe('draft for B'));
    // Sending clears that conversation's draft only.
    fireEvent.keyDown(getByRole('textbox'), { key: 'Enter' });
    expect(drafts.get(B)).toBe('');
    expect(drafts.get(A)).toBe('draft for A');
  });

  it('tells the peer while typing, and stops when sent', () => {
    const { getByRole, client } = renderChat(<Composer conversationId={A} peerName="A" />);
    const box = getByRole('textbox') as HTMLTextAreaElement;
    type(box, 'h');
    type(box, 'hi');
    expect(client.calls.setTyping).toEqual([[A, true]]); // renewed at most every few seconds
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(client.calls.setTyping).toEqual([
      [A, true],
      [A, false],
    ]);
  });

  describe('text length (the server\'s limit, from client.limits)', () => {
    const limited = (maxTextLength: number | null) => {
      const client = new FakeClient();
      client.limits.update(() => (maxTextLength === null ? null : { maxFrameBytes: 65_536, maxTextLength, messagesPerSecond: 20, groups: GROUP_LIMITS, messages: MESSAGE_LIMITS, calls: CALL_LIMITS }));
      return client;
    };

    it('caps the box at the server limit, not the protocol maximum', () => {
      const { getByRole } = renderChat(<Composer conversationId={A} peerName="A" />, { client: limited(4000) });
      expect((getByRole('textbox') as HTMLTextAreaElement).maxLength).toBe(4000);
    });

    it('falls back to the protocol maximum before the server announced its limit, and follows the announcement', async () => {
      const client = limited(null);
      const { getByRole } = renderChat(<Composer conversationId={A} peerName="A" />, { client });
      const box = getByRole('textbox') as HTMLTextAreaElement;
      expect(box.maxLength).toBe(16_000);
      act(() => client.limits.update(() => ({ maxFrameBytes: 65_536, maxTextLength: 500, messagesPerSecond: 20, groups: GROUP_LIMITS, messages: MESSAGE_LIMITS, calls: CALL_LIMITS })));
      await waitFor(() => expect(box.maxLength).toBe(500));
    });

    it('shows no counter far from the limit, and how many characters are left near it', () => {
      const { getByRole, queryByText, container } = renderChat(<Composer conversationId={A} peerName="A" />, { client: limited(100) });
      const box = getByRole('textbox') as HTMLTextAreaElement;
      type(box, 'x'.repeat(89));
      expect(container.querySelector('.qc-count')).toBeNull();
      type(box, 'x'.repeat(95));
      expect(queryByText('5 characters left')).not.toBeNull();
      expect(box.getAttribute('aria-describedby')).toContain('qc-composer-count');
      type(box, 'x'.repeat(100));
      expect(queryByText('0 characters left')).not.toBeNull();
    });

    it('sends text exactly at the limit', () => {
      const { getByRole, client } = renderChat(<Composer conversationId={A} peerName="A" />, { client: limited(100) });
      type(getByRole('textbox') as HTMLTextAreaElement, 'y'.repeat(100));
      fireEvent.keyDown(getByRole('textbox'), { key: 'Enter' });
      expect(client.calls.send).toEqual([[A, 'y'.repeat(100)]]);
    });

    it('blocks sending text past the limit (a draft written before a lower limit was known) and says by how much', async () => {
      const client = limited(null);
      const { getByRole, queryByText, drafts } = renderChat(<Composer conversationId={A} peerName="A" />, { client });
      const box = getByRole('textbox') as HTMLTextAreaElement;
      type(box, 'z'.repeat(120));
      act(() => client.limits.update(() => ({ maxFrameBytes: 65_536, maxTextLength: 100, messagesPerSecond: 20, groups: GROUP_LIMITS, messages: MESSAGE_LIMITS, calls: CALL_LIMITS })));
      await waitFor(() => expect(queryByText('20 characters over the limit')).not.toBeNull());
      const send = getByRole('button', { name: 'Send' }) as HTMLButtonElement;
      expect(send.disabled).toBe(true);
      expect(box.getAttribute('aria-invalid')).toBe('true');
      fireEvent.keyDown(box, { key: 'Enter' });
      fireEvent.submit(box.form as HTMLFormElement);
      expect(client.calls.send).toEqual([]);
      expect(drafts.get(A)).toBe('z'.repeat(120)); // nothing is lost: the user shortens it
      type(box, 'z'.repeat(100));
      expect(send.disabled).toBe(false);
      fireEvent.keyDown(box, { key: 'Enter' });
      expect(client.calls.send).toEqual([[A, 'z'.repeat(100)]]);
    });
  });
});
