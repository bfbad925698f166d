// @vitest-environment happy-dom
import { cleanup, fireEvent, waitFor } from '@testing-library/preact';
import { useState } from 'preact/hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { Composer } from '../src/components/composer.js';
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
});
