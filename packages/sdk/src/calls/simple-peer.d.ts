// The part of simple-peer 9.11 the SDK uses, typed here rather than through @types/simple-peer,
// which would bring Node's types (Buffer, streams) into the SDK's browser-and-Node type check.
declare module 'simple-peer' {
  interface SimplePeerOptions {
    initiator?: boolean;
    config?: RTCConfiguration;
    streams?: MediaStream[];
    trickle?: boolean;
    wrtc?: unknown;
  }
  class SimplePeer {
    constructor(options?: SimplePeerOptions);
    signal(data: unknown): void;
    destroy(error?: Error): void;
    on(event: string, listener: (...args: never[]) => void): this;
  }
  export default SimplePeer;
}
