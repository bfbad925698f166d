import type { ErrorBody, UploadResponse } from '@quickchat/protocol';
import { ApiError, ClientErrorCode, type QuickchatErrorCode } from '../errors.js';

/** What an upload can send: a browser `Blob`/`File`, or bytes. */
export type UploadBody = Blob | ArrayBuffer | Uint8Array;

/** How an upload is going: bytes sent so far of `total`. */
export interface UploadProgress {
  loaded: number;
  total: number;
}

/** A running upload: its result, and how to stop it. */
export interface UploadHandle {
  /** Resolves with the stored file (name it in a message's `attachments`), or rejects with an `ApiError` (`cancelled` after {@link cancel}). */
  readonly done: Promise<UploadResponse>;
  /** Stops the upload; `done` rejects with code `cancelled`. Nothing is stored. */
  cancel(): void;
}

/** What {@link startUpload} needs: where to send, and a token (fresh when asked). */
export interface UploadTarget {
  url: string;
  token(forceRefresh: boolean): Promise<string>;
  onProgress?: (progress: UploadProgress) => void;
}

/** Sends one body; resolves with the status and response text, or rejects (network failure, abort). */
type Send = (url: string, token: string, body: UploadBody, signal: AbortSignal, onProgress?: (p: UploadProgress) => void) => Promise<{ status: number; text: string }>;

/**
 * Uploads `body` as the raw request body, with progress where the platform reports it
 * (`XMLHttpRequest` in browsers; `fetch` elsewhere, which reports only completion), refreshing
 * the token once on a 401. The server checks the bytes, the size and your quota; its refusal
 * becomes an `ApiError` with its code (`payload_too_large`, `validation`, `conflict`).
 */
export function startUpload(body: UploadBody, target: UploadTarget): UploadHandle {
  const controller = new AbortController();
  const send: Send = typeof XMLHttpRequest === 'function' ? sendWithXhr : sendWithFetch;
  const total = body instanceof Blob ? body.size : body.byteLength;
  const done = (async () => {
    let res = await send(target.url, await target.token(false), body, controller.signal, target.onProgress);
    if (res.status === 401) res = await send(target.url, await target.token(true), body, controller.signal, target.onProgress);
    if (res.status >= 200 && res.status < 300) {
      target.onProgress?.({ loaded: total, total });
      return JSON.parse(res.text) as UploadResponse;
    }
    throw toApiError(res.status, res.text);
  })().catch((err: unknown) => {
    if (controller.signal.aborted) throw new ApiError(ClientErrorCode.Cancelled, 'upload cancelled', 0);
    throw err instanceof ApiError ? err : new ApiError(ClientErrorCode.Network, 'could not reach the server (upload)', 0, { cause: err });
  });
  return { done, cancel: () => controller.abort() };
}

function toApiError(status: number, text: string): ApiError {
  let body: Partial<ErrorBody> | undefined;
  try {
    body = JSON.parse(text) as ErrorBody;
  } catch {
    body = undefined;
  }
  const code = (body?.error?.code ?? (status === 413 ? 'payload_too_large' : status >= 500 ? 'internal' : 'validation')) as QuickchatErrorCode;
  return new ApiError(code, body?.error?.message ?? `HTTP ${status}`, status);
}

const sendWithXhr: Send = (url, token, body, signal, onProgress) =>
  new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    if (onProgress) xhr.upload.onprogress = (e) => onProgress({ loaded: e.loaded, total: e.total });
    xhr.onload = () => resolve({ status: xhr.status, text: xhr.responseText });
    xhr.onerror = () => reject(new Error('network error'));
    xhr.onabort = () => reject(new Error('aborted'));
    signal.addEventListener('abort', () => xhr.abort());
    xhr.send(body as XMLHttpRequestBodyInit);
  });

const sendWithFetch: Send = async (url, token, body, signal) => {
  const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' }, body: body as BodyInit, signal });
  return { status: res.status, text: await res.text() };
};
