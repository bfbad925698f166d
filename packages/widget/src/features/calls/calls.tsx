import { createPortal } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { ChatClient } from '@quickchat/sdk';
import { callsOf } from '@quickchat/sdk/calls';
import type { CallRequest, WidgetCalls } from '../../state/calls.js';
import { CallUI } from './call-ui.js';

/**
 * The calls chunk's entry point, loaded with `@quickchat/sdk/calls` when a call starts or rings
 * (components/call-layer.tsx loads it): one lazy file, `quickchat-widget-calls-<hash>.js`, in
 * the script-tag build.
 */

/** The client's calls manager, `callsOf(client)` (one per client). */
export function callsFor(client: ChatClient): WidgetCalls {
  return callsOf(client);
}

/**
 * Shows one call (see {@link CallUI}) in the widget's root, outside the launcher panel (which is
 * hidden while closed), so a ringing call shows over the page either way. Gives focus back to
 * where it was (the call button) when the call screens close with focus inside them.
 */
export function CallRoot({ request, calls, onDone }: { request: CallRequest; calls: WidgetCalls; onDone(): void }) {
  const anchor = useRef<HTMLSpanElement>(null);
  const [target, setTarget] = useState<Element | null>(null);
  const screens = useRef<HTMLElement | null>(null);
  // Runs on the first render, before the screens exist (they need `target`), so `opener` is where
  // focus was when the call appeared: the call button, or what the visitor was doing when it rang.
  useLayoutEffect(() => {
    const root = anchor.current!.getRootNode() as Document | ShadowRoot;
    const opener = root.activeElement as HTMLElement | null;
    setTarget(anchor.current!.closest('.qc-root'));
    return () => {
      // Runs before the screens leave the DOM: focus in them goes back to the opener.
      const active = root.activeElement;
      if (active && screens.current?.contains(active) && opener?.isConnected) opener.focus();
    };
  }, []);
  const key = request.kind === 'incoming' ? request.call.callId : request.peerId;
  return (
    <>
      <span ref={anchor} hidden />
      {target &&
        createPortal(
          <div ref={(el) => void (screens.current = el)} class="qc-calls">
            <CallUI key={key} request={request} calls={calls} onDone={onDone} />
          </div>,
          target,
        )}
    </>
  );
}
