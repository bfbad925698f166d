// Stands in for `readable-stream` inside the bundled simple-peer (see plugin.mjs). simple-peer's
// `Peer` extends `stream.Duplex` for its data channel; the calls entry drives the peer through its
// events (`signal`, `stream`, `connect`, `close`, `error`) and never through the stream, so this
// keeps only what simple-peer itself touches: `push()`, `write()`/`end()` with `_write()`, the
// `finish` event and the two state flags it reads. Data arrives as `data` events (no buffering
// while nobody listens, no `pipe()`). It costs a few hundred bytes where readable-stream, with
// the `process`, `Buffer`, `events` and `util` polyfills it needs in a browser, costs about 15 KiB.
import EventEmitter from 'eventemitter3';

/** The subset of Node's `stream.Duplex` that simple-peer 9.11 uses. */
export class Duplex extends EventEmitter {
  constructor() {
    super();
    this.readable = this.writable = true;
    this._readableState = { ended: false };
    this._writableState = { ending: false, finished: false };
    this._writing = false;
    this._queue = [];
  }

  /** Hands a received chunk to `data` listeners; `null` ends the readable side (`end` event). */
  push(chunk) {
    if (this._readableState.ended) return false;
    if (chunk === null) {
      this._readableState.ended = true;
      this.emit('end');
      return false;
    }
    this.emit('data', chunk);
    return true;
  }

  /** Queues a chunk for `_write()`, one at a time in order; `callback` runs once it is written. */
  write(chunk, encoding, callback) {
    if (typeof encoding === 'function') [callback, encoding] = [encoding, undefined];
    if (this._writableState.ending) {
      const error = new Error('write after end');
      queueMicrotask(() => (callback ? callback(error) : this.emit('error', error)));
      return false;
    }
    this._queue.push([chunk, encoding, callback]);
    this._flush();
    return true;
  }

  /** Ends the writable side: `finish` fires once every queued chunk has been written. */
  end(chunk, encoding, callback) {
    if (typeof chunk === 'function') [callback, chunk] = [chunk, undefined];
    else if (typeof encoding === 'function') [callback, encoding] = [encoding, undefined];
    if (chunk !== undefined && chunk !== null) this.write(chunk, encoding);
    if (callback) this.once('finish', callback);
    if (this._writableState.ending) return this;
    this._writableState.ending = true;
    this._flush();
    return this;
  }

  _flush() {
    if (this._writing) return;
    const next = this._queue.shift();
    if (!next) {
      if (this._writableState.ending && !this._writableState.finished) {
        this._writableState.finished = true;
        this.emit('finish');
      }
      return;
    }
    const [chunk, encoding, callback] = next;
    this._writing = true;
    this._write(chunk, encoding ?? 'buffer', (error) => {
      this._writing = false;
      if (callback) callback(error ?? null);
      if (error) {
        this._queue.length = 0;
        if (!callback) this.emit('error', error);
        return;
      }
      this._flush();
    });
  }
}
