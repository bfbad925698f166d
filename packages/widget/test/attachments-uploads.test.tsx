// @vitest-environment happy-dom
/**
 * The composer's uploads (features/attachments): the controller (`useUploads`, an `UploadQueue`)
 * driving the SDK's `upload` shape, and the tray that shows it: one row per file with a progress
 * bar and Cancel, "Ready to send" once stored (its id for the message), and for a refused file a
 * clear reason (too large with the server's cap, too many, a refused type or name, an empty file,
 * the quota, the network) with Remove, and Try again after a network failure.
 */
import { cleanup, fireEvent, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '@quickchat/sdk';
import type { Attachment } from '@quickchat/sdk/messages';
import { filesFromEvent } from '../src/util/attachments.js';
import type { UploadFn, UploadItem } from '../src/util/attachment-types.js';
import { UploadTray } from '../src/features/attachments/upload-tray.js';
import { useUploads, type Uploads } from '../src/components/use-uploads.js';
import { MESSAGE_LIMITS } from './support/fake-client.js';
import { renderChat } from './support/render.js';

afterEach(cleanup);

const CONV = 'dm:u_a~u_me';
const XSS = '<img src=x onerror=alert(1)>.png';

/** One upload the fake SDK started: its arguments, and how the test makes it progress, finish or fail. */
interface Started {
  conversationId: string;
  file: File;
  name: string;
  progress(loaded: number, total: number): void;
  finish(id: string): void;
  fail(err: unknown): void;
  cancelled: boolean;
}

/** The SDK's `messagesOf(client).upload`, scripted: `done` settles when the test says; `cancel()` rejects it with `cancelled`, as the SDK does. */
function fakeUpload() {
  const started: Started[] = [];
  const upload: UploadFn = (conversationId, file, name, { onProgress }) => {
    let settle!: { resolve(v: { attachment: Attachment }): void; reject(e: unknown): void };
    const done = new Promise<{ attachment: Attachment }>((resolve, reject) => (settle = { resolve, reject }));
    const entry: Started = {
      conversationId,
      file,
      name,
      cancelled: false,
      progress: (loaded, total) => onProgress({ loaded, total }),
      finish: (id) => settle.resolve({ attachment: { id, name, mime: 'image/png', size: file.size, width: 1, height: 1, thumbnail: true } }),
      fail: (err) => settle.reject(err),
    };
    started.push(entry);
    return {
      done,
      cancel: () => {
        entry.cancelled = true;
        settle.reject(new ApiError('cancelled', 'upload cancelled', 0));
      },
    };
  };
  return { upload, started };
}

const file = (name: string, bytes = 1024) => new File([new Uint8Array(bytes)], name, { type: 'application/octet-stream' });
const sized = (name: string, size: number) => Object.defineProperty(new File(['x'], name), 'size', { value: size });

/** A composer's worth of uploads: a file input feeding the queue, the tray, and what it would send. */
function Harness({ upload, expose }: { upload: UploadFn; expose: (u: Uploads) => void }) {
  const uploads = useUploads(CONV, upload, () => MESSAGE_LIMITS);
  expose(uploads);
  return (
    <>
      <input type="file" multiple aria-label="Attach files" onChange={(e) => uploads.add(filesFromEvent(e))} />
      {uploads.tray}
    </>
  );
}

function setup(locale?: string) {
  const sdk = fakeUpload();
  let uploads!: Uploads;
  const v = renderChat(<Harness upload={sdk.upload} expose={(u) => (uploads = u)} />, { locale });
  /** Picks files in the input; resolves once the tray shows them (the first pick loads the chunk). */
  const pick = async (...files: File[]) => {
    const input = v.getByLabelText('Attach files') as HTMLInputElement;
    const before = uploads.items.length;
    Object.defineProperty(input, 'files', { value: files, configurable: true });
    fireEvent.change(input);
    await waitFor(() => expect(v.queryAllByRole('listitem')).toHaveLength(before + files.length));
  };
  const row = (name: string) => v.getAllByRole('listitem').find((li) => li.querySelector('bdi')?.textContent === name)!;
  return { ...v, sdk, pick, row, uploads: () => uploads, queue: () => uploads.queue! };
}

describe('uploading', () => {
  it('shows each file with its progress, then ready; the message gets the stored ids', async () => {
    const v = setup();
    await v.pick(file('قائمة الأسعار.pdf', 2000), file('🎉 party.zip', 1000));
    expect(v.sdk.started.map((s) => [s.conversationId, s.name])).toEqual([
      [CONV, 'قائمة الأسعار.pdf'],
      [CONV, '🎉 party.zip'],
    ]);
    const bar = within(v.row('قائمة الأسعار.pdf')).getByRole('progressbar', { name: 'Uploading قائمة الأسعار.pdf' });
    expect([bar.getAttribute('aria-valuemin'), bar.getAttribute('aria-valuemax'), bar.getAttribute('aria-valuenow')]).toEqual(['0', '100', '0']);
    v.sdk.started[0]!.progress(500, 2000);
    await waitFor(() => expect(bar.getAttribute('aria-valuenow')).toBe('25'));
    expect((bar.firstElementChild as HTMLElement).style.width).toBe('25%');
    expect(v.queue().busy()).toBe(true);
    v.sdk.started[0]!.finish('att_1');
    await within(v.row('قائمة الأسعار.pdf')).findByText('Ready to send');
    expect(within(v.row('قائمة الأسعار.pdf')).queryByRole('progressbar')).toBeNull();
    expect(v.queue().attachmentIds()).toEqual(['att_1']);
    v.sdk.started[1]!.finish('att_2');
    await within(v.row('🎉 party.zip')).findByText('Ready to send');
    expect(v.queue().attachmentIds()).toEqual(['att_1', 'att_2']);
    expect(v.queue().busy()).toBe(false);
    // Sent: the tray empties.
    v.queue().clear();
    await waitFor(() => expect(v.queryByRole('list')).toBeNull());
    expect(v.queue().attachmentIds()).toEqual([]);
  });

  it('cancels an upload from its row: the SDK upload stops and the row goes, without an error', async () => {
    const v = setup();
    await v.pick(file(XSS), file('keep.txt'));
    fireEvent.click(v.getByRole('button', { name: `Cancel uploading ${XSS}` }));
    expect(v.sdk.started[0]!.cancelled).toBe(true);
    await waitFor(() => expect(v.getAllByRole('listitem')).toHaveLength(1));
    expect(v.queryByRole('alert')).toBeNull();
    expect(document.querySelector('img')).toBeNull(); // the payload name was text
    v.sdk.started[1]!.finish('att_keep');
    await v.findByText('Ready to send');
    expect(v.queue().attachmentIds()).toEqual(['att_keep']);
  });

  it('removes a finished file from the message', async () => {
    const v = setup();
    await v.pick(file('a.txt'));
    v.sdk.started[0]!.finish('att_a');
    await v.findByText('Ready to send');
    fireEvent.click(v.getByRole('button', { name: 'Remove a.txt' }));
    await waitFor(() => expect(v.queryByRole('list')).toBeNull());
    expect(v.queue().attachmentIds()).toEqual([]);
  });

  it('cancels what is still running when the composer goes', async () => {
    const v = setup();
    await v.pick(file('a.txt'), file('b.txt'));
    v.sdk.started[1]!.finish('att_b');
    await v.findByText('Ready to send');
    v.unmount();
    expect(v.sdk.started.map((s) => s.cancelled)).toEqual([true, false]);
  });
});

describe('loading the controller on the first file', () => {
  it('puts files added while it loads into one queue, in order', async () => {
    const v = setup();
    const input = v.getByLabelText('Attach files') as HTMLInputElement;
    for (const name of ['first.txt', 'second.txt']) {
      Object.defineProperty(input, 'files', { value: [file(name)], configurable: true });
      fireEvent.change(input);
    }
    await waitFor(() => expect(v.queryAllByRole('listitem')).toHaveLength(2));
    expect(v.sdk.started.map((s) => s.name)).toEqual(['first.txt', 'second.txt']);
    expect(v.queue().items.getState().map((i) => i.name)).toEqual(['first.txt', 'second.txt']);
  });
});

describe('refusals', () => {
  /** Uploads `name` and has the server refuse it with `err`; the row's alert text. */
  async function refusedBy(err: unknown, locale?: string) {
    const v = setup(locale);
    await v.pick(file('حساب.xlsx'));
    v.sdk.started[0]!.fail(err);
    return { v, text: (await v.findByRole('alert')).textContent };
  }

  it('says a file is too large before uploading it, naming the server’s cap', async () => {
    const v = setup();
    await v.pick(sized('holiday.mov', MESSAGE_LIMITS.maxUploadBytes + 1));
    expect(v.sdk.started).toEqual([]);
    expect(v.getByRole('alert').textContent).toBe('Too large (max 25 MB).');
    fireEvent.click(v.getByRole('button', { name: 'Remove holiday.mov' }));
    expect(v.queryByRole('list')).toBeNull();
  });

  it('says when there are more files than a message may carry, and when one is empty', async () => {
    const v = setup();
    await v.pick(...Array.from({ length: MESSAGE_LIMITS.maxAttachments + 1 }, (_, i) => file(`${i}.txt`)), new File([], 'empty.txt'));
    expect(v.sdk.started).toHaveLength(MESSAGE_LIMITS.maxAttachments);
    expect(v.getAllByRole('alert').map((a) => a.textContent)).toEqual(['Too many files (max 10 per message).', 'The file is empty.']);
  });

  it('explains each refusal of the server in words', async () => {
    expect((await refusedBy(new ApiError('payload_too_large', 'the file is larger than this server accepts (at most 10485760 bytes)', 413))).text).toBe('Too large (max 10 MB).');
    cleanup();
    expect((await refusedBy(new ApiError('payload_too_large', 'this upload would take your stored files past your quota of 1073741824 bytes; delete messages with files, or cancel unsent uploads, first', 413))).text).toBe(
      'Your file storage is full: delete messages with files first.',
    );
    cleanup();
    expect((await refusedBy(new ApiError('validation', 'SVG files are refused: they can carry scripts', 400))).text).toBe('This type of file can’t be sent.');
    cleanup();
    expect((await refusedBy(new ApiError('validation', 'name: ends in an extension that runs when opened', 400))).text).toBe('This file name isn’t allowed.');
    cleanup();
    expect((await refusedBy(new ApiError('forbidden', 'nope', 403))).text).toBe('Upload failed.');
    cleanup();
    expect((await refusedBy(new ApiError('payload_too_large', 'the file is larger than this server accepts (at most 26214400 bytes)', 413), 'zh-CN')).text).toBe('文件过大（最大 25 MB）。');
  });

  it('offers Try again after a network failure, which uploads the same file again', async () => {
    const { v } = await refusedBy(new ApiError('network', 'could not reach the server (upload)', 0));
    expect(v.getByRole('alert').textContent).toBe('Upload failed: check your connection.');
    fireEvent.click(v.getByRole('button', { name: 'Try again: upload حساب.xlsx' }));
    expect(v.sdk.started).toHaveLength(2);
    expect(v.sdk.started[1]!.file).toBe(v.sdk.started[0]!.file);
    await v.findByRole('progressbar');
    v.sdk.started[1]!.finish('att_retry');
    await v.findByText('Ready to send');
    expect(v.queryByRole('alert')).toBeNull();
    expect(v.queue().attachmentIds()).toEqual(['att_retry']);
  });

  it('offers no retry where trying again cannot help', async () => {
    const { v } = await refusedBy(new ApiError('validation', 'this type of file is not accepted', 400));
    expect(v.queryByRole('button', { name: /Try again/ })).toBeNull();
    expect(v.getByRole('button', { name: 'Remove حساب.xlsx' })).toBeTruthy();
  });
});

describe('the tray on its own', () => {
  const item = (over: Partial<UploadItem>): UploadItem => ({ id: 'r1', name: 'סיכום.docx', size: 10, loaded: 0, total: 10, state: 'uploading', ...over });

  it('renders the states it is given and reports its buttons by row id', () => {
    const calls: string[] = [];
    const items = [item({ id: 'r1', loaded: 3, total: 4 }), item({ id: 'r2', name: 'x'.repeat(300), state: 'cancelled' }), item({ id: 'r3', name: 'ok.png', state: 'done' })];
    const v = renderChat(<UploadTray items={items} onCancel={(id) => calls.push(`cancel ${id}`)} onRemove={(id) => calls.push(`remove ${id}`)} />, { locale: 'zh-CN' });
    expect(v.getByRole('list', { name: '待发送的文件' })).toBeTruthy();
    expect(v.getByRole('progressbar', { name: '正在上传 סיכום.docx' }).getAttribute('aria-valuenow')).toBe('75');
    expect(v.getByText('已取消')).toBeTruthy();
    expect(v.getByText('可以发送')).toBeTruthy();
    fireEvent.click(v.getByRole('button', { name: '取消上传 סיכום.docx' }));
    fireEvent.click(v.getByRole('button', { name: `移除 ${'x'.repeat(300)}` }));
    fireEvent.click(v.getByRole('button', { name: '移除 ok.png' }));
    expect(calls).toEqual(['cancel r1', 'remove r2', 'remove r3']);
  });

  it('shows nothing without files', () => {
    const v = renderChat(<UploadTray items={[]} onCancel={() => undefined} onRemove={() => undefined} />);
    expect(v.queryByRole('list')).toBeNull();
  });
});
